//! The theme's contract, in one place: the default theme built into the binary, the [`Theme`]
//! (templates by name, the theme's own with the site's `templates/` laid over them), the templates
//! every theme must have, the anchors the default templates put on each kind of page (which
//! Markdown may link to), and the interface strings in the site's language ([`Strings`]).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

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

/// The templates the render stage uses, by name, and the interface strings they print.
#[derive(Clone, Debug, Default)]
pub struct Theme {
    pub templates: BTreeMap<String, Template>,
    /// The theme `site.yaml` names does not exist (reported as `unknown-theme`): its templates
    /// are not reported missing one by one, and nothing is rendered.
    pub unknown: bool,
    /// The same strings as the site's `strings` (which the render stage's own labels use):
    /// templates reach them through the environment, which is made from the theme.
    pub strings: Arc<Strings>,
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

/// The templates a theme must provide once the site has releases (`releases/`): a theme made
/// before releases existed still builds a site that has none.
pub const RELEASE_TEMPLATES: [&str; 2] = ["versions.html", "version.html"];

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

/// The theme's translation files, one per language: `i18n/<language>.yaml` in the theme's folder.
pub const I18N_FOLDER: &str = "i18n";

/// The language whose strings every other falls back to, string by string.
pub const BASE_LANGUAGE: &str = "en";

/// The built-in default theme's English strings: the last fallback of every theme, so that the
/// strings the render stage itself writes (stance labels, counts) always exist.
pub fn default_strings() -> (PathBuf, &'static str) {
    let rel = Path::new(I18N_FOLDER).join(format!("{BASE_LANGUAGE}.yaml"));
    let text = DEFAULT_THEME
        .get_file(&rel)
        .and_then(|f| f.contents_utf8())
        .unwrap_or_default();
    (Path::new("themes").join(DEFAULT_NAME).join(rel), text)
}

/// How a language picks a plural form for a count: CLDR's `one` and `other` categories.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PluralRule {
    /// `one` for 1 only (English, German, Spanish, …).
    OneIsOne,
    /// `one` for 0 and 1 (French).
    ZeroAndOne,
}

impl PluralRule {
    /// The rule of a language tag's primary language (`fr-CA` → French).
    pub fn of(tag: &str) -> Self {
        let primary = tag.split('-').next().unwrap_or("").to_ascii_lowercase();
        match primary.as_str() {
            "fr" => PluralRule::ZeroAndOne,
            _ => PluralRule::OneIsOne,
        }
    }

    /// The plural category of `n`: `one` or `other`.
    pub fn category(self, n: i64) -> &'static str {
        match (self, n) {
            (PluralRule::OneIsOne, 1) | (PluralRule::ZeroAndOne, 0 | 1) => "one",
            _ => "other",
        }
    }
}

/// One interface string: a text, or a text per plural form chosen by the `count` argument.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Message {
    Text(String),
    Plural {
        one: Option<String>,
        other: String,
        /// The rule of the language the forms are written in (an English fallback keeps its own).
        rule: PluralRule,
    },
}

/// The theme's interface strings in the site's language, with English filled in string by string
/// (`resolve/i18n.rs` builds it). Templates reach them through `t()`; the render stage's own
/// labels (stances, counts, dates) through [`Strings::text`] and [`Strings::with`].
#[derive(Clone, Debug, Default, Hash)]
pub struct Strings {
    /// The site's language tag (`fr-FR`).
    pub language: String,
    pub messages: BTreeMap<String, Message>,
}

impl Strings {
    /// The message `key` with its `{name}` placeholders filled: `arg(name)` gives an argument's
    /// text (a placeholder with no argument stays as written, for scripts to fill), `literal`
    /// turns the message's own text into the output's (HTML-escaping it, for templates), and
    /// `count` picks the plural form. `None` when there is no such key.
    pub fn fill(
        &self,
        key: &str,
        count: Option<i64>,
        arg: &dyn Fn(&str) -> Option<String>,
        literal: &dyn Fn(&str) -> String,
    ) -> Option<String> {
        let text = match self.messages.get(key)? {
            Message::Text(t) => t,
            Message::Plural { one, other, rule } => match count.map(|n| rule.category(n)) {
                Some("one") => one.as_ref().unwrap_or(other),
                _ => other,
            },
        };
        // Most strings have no placeholder: the loop below would give this.
        if !text.contains('{') {
            return Some(literal(text));
        }
        let mut out = String::new();
        let mut rest = text.as_str();
        while let Some(start) = rest.find('{') {
            let (before, from) = rest.split_at(start);
            out.push_str(&literal(before));
            let name_end = from.find('}').filter(|&e| {
                e > 1
                    && from[1..e]
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'_')
            });
            match name_end.and_then(|e| arg(&from[1..e]).map(|v| (e, v))) {
                Some((e, value)) => {
                    out.push_str(&value);
                    rest = &from[e + 1..];
                }
                None => {
                    out.push_str(&literal("{"));
                    rest = &from[1..];
                }
            }
        }
        out.push_str(&literal(rest));
        Some(out)
    }

    /// A string with no arguments, as text; the key itself if the theme has no such string.
    pub fn text(&self, key: &str) -> String {
        self.with(key, &[])
    }

    /// A string with named arguments, as text; a `count` argument picks the plural form.
    pub fn with(&self, key: &str, args: &[(&str, &dyn std::fmt::Display)]) -> String {
        let count = args
            .iter()
            .find(|(n, _)| *n == "count")
            .and_then(|(_, v)| v.to_string().parse().ok());
        let arg = |name: &str| {
            args.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        };
        self.fill(key, count, &arg, &|s| s.to_string())
            .unwrap_or_else(|| key.to_string())
    }
}
