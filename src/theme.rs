//! The theme's contract, in one place: the default theme built into the binary, the [`Theme`]
//! (templates by name, the theme's own with the site's `templates/` laid over them), the templates
//! every theme must have, and the anchors the default templates put on each kind of page (which
//! Markdown may link to).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use include_dir::{include_dir, Dir};

/// The default theme, built into the binary so that a new site builds without copying it. A site
/// that has its own `themes/default/` uses that instead; `templates/` and `static/` override single
/// files either way.
static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// The theme a site uses when `site.yaml` names none.
pub const DEFAULT_NAME: &str = "default";

/// Every file of the built-in default theme: its path in a site (`themes/default/…`) and bytes.
pub fn default_files() -> Vec<(PathBuf, &'static [u8])> {
    fn walk(dir: &Dir<'static>, out: &mut Vec<(PathBuf, &'static [u8])>) {
        for f in dir.files() {
            out.push((
                Path::new("themes").join(DEFAULT_NAME).join(f.path()),
                f.contents(),
            ));
        }
        for d in dir.dirs() {
            walk(d, out);
        }
    }
    let mut out = Vec::new();
    walk(&DEFAULT_THEME, &mut out);
    out
}

/// A template file, by the name templates use to include it.
#[derive(Clone, Debug)]
pub struct Template {
    pub name: String,
    pub file: PathBuf,
    pub text: String,
}

/// The templates the render stage uses, by name.
#[derive(Clone, Debug, Default)]
pub struct Theme {
    pub templates: BTreeMap<String, Template>,
}

/// The templates every theme must provide.
pub const REQUIRED_TEMPLATES: [&str; 21] = [
    "glossary.html",
    "tag.html",
    "tags.html",
    "search.html",
    "table.html",
    "tables.html",
    "dataset.html",
    "datasets.html",
    "home.html",
    "page.html",
    "source.html",
    "sources.html",
    "finding.html",
    "findings.html",
    "claim.html",
    "claims.html",
    "topic.html",
    "topics.html",
    "gap.html",
    "gaps.html",
    "404.html",
];

/// Anchors the default theme's templates put on every page of a kind, so Markdown may link to them.
pub const TEMPLATE_ANCHORS: &[(&str, &[&str])] = &[
    ("page", &["main"]),
    ("source", &["main", "record", "findings", "cite"]),
    ("finding", &["main", "figure", "quote", "stances", "cite"]),
    ("claim", &["main", "evidence", "gaps"]),
    ("topic", &["main", "claims", "evidence"]),
    ("gap", &["main", "claims"]),
];

/// The anchors on every page of `kind` (`source`, `finding`, …).
pub fn template_anchors(kind: &str) -> &'static [&'static str] {
    TEMPLATE_ANCHORS
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or(&[], |(_, a)| a)
}
