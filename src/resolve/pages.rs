//! Plain pages (`content/about.md` and the like): each page's template, date and tags, and the
//! tags' own pages.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::diagnostic::{Code, Diagnostic};
use crate::layout::slash;
use crate::markdown::slugify;
use crate::model::{Page, Tag};
use crate::parse::raw::{RawDoc, RawPage};
use crate::parse::yaml::position_of;
use crate::resolve::config::check_day;
use crate::resolve::links::{document, Targets};
use crate::theme::Theme;

/// Every page that is not a draft, by path.
pub(crate) fn resolve_pages(
    docs: &[RawDoc<RawPage>],
    theme: &Theme,
    targets: &Targets,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Page> {
    let mut published: BTreeMap<String, &Path> = BTreeMap::new();
    let kept: Vec<&RawDoc<RawPage>> = docs
        .iter()
        .filter(|doc| !doc.meta.draft)
        .filter(|doc| publishable(&doc.file, &mut published, diags))
        .collect();
    let templates = template_names(theme);
    let mut pages: Vec<Page> = kept
        .into_iter()
        .map(|doc| resolve_page(doc, &templates, targets, diags))
        .collect();
    pages.sort_by(|a, b| a.path.cmp(&b.path));
    pages
}

/// The folders whose URLs evident makes itself: a plain page there would replace or hide one.
const GENERATED: [&str; 11] = [
    "findings",
    "tables",
    "datasets",
    "tags",
    "search",
    "glossary",
    "downloads",
    "sources",
    "claims",
    "topics",
    "gaps",
];

/// Whether a plain page may publish at its URL: its file name makes a clean URL, no other page
/// publishes there (`about.md` and `about/index.md`), and evident does not make that URL itself.
fn publishable<'a>(
    file: &'a Path,
    published: &mut BTreeMap<String, &'a Path>,
    diags: &mut Vec<Diagnostic>,
) -> bool {
    let path = page_path(file);
    let stem = file
        .file_stem()
        .map(|s| s.to_string_lossy())
        .unwrap_or_default();
    let clean = |s: &str| {
        s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
    };
    if !clean(&path) {
        let suggestion = slugify(&stem);
        diags.push(
            Diagnostic::error(
                Code::InvalidFileName,
                format!("`{stem}` would publish at the URL `/{path}`, which has spaces or other characters URLs cannot hold"),
            )
            .in_file(file)
            .help(format!("rename the file (e.g. `{suggestion}.md`): a page's file name is its URL, so use letters, digits and hyphens")),
        );
        return false;
    }
    let first = path.split('/').next().unwrap_or_default();
    if GENERATED.contains(&first) {
        diags.push(
            Diagnostic::error(
                Code::DuplicateUrl,
                format!("this page would publish at `/{path}`, where evident makes its own pages"),
            )
            .in_file(file)
            .help(format!(
                "move it out of `content/{first}`: the URLs below /{first}/ are evident's"
            )),
        );
        return false;
    }
    if let Some(other) = published.insert(path.clone(), file) {
        diags.push(
            Diagnostic::error(
                Code::DuplicateUrl,
                format!("this page and `{}` both publish at `/{path}`", slash(other)),
            )
            .in_file(file)
            .help("keep one of them: `x.md` and `x/index.md` publish at the same URL"),
        );
        published.insert(path, other);
        return false;
    }
    true
}

/// The names of the theme's templates, which a page's `template:` must be one of.
pub(crate) fn template_names(theme: &Theme) -> BTreeSet<String> {
    theme.templates.keys().cloned().collect()
}

pub(crate) fn resolve_page(
    doc: &RawDoc<RawPage>,
    templates: &BTreeSet<String>,
    targets: &Targets,
    diags: &mut Vec<Diagnostic>,
) -> Page {
    let path = targets.content_path(&doc.file).unwrap_or_default();
    let template = match &doc.meta.template {
        Some(t) => {
            if !templates.contains(&t.value) {
                diags.push(
                    Diagnostic::error(
                        Code::UnknownTemplate,
                        format!("there is no template `{}`", t.value),
                    )
                    .at_opt(&doc.file, position_of(t))
                    .help(format!(
                        "templates available: {}",
                        templates.iter().cloned().collect::<Vec<_>>().join(", ")
                    )),
                );
            }
            t.value.clone()
        }
        None if path.is_empty() => "home.html".to_string(),
        None => "page.html".to_string(),
    };
    let date = doc.meta.date.as_ref().map(|d| {
        check_day(&doc.file, d, diags);
        d.value.clone()
    });
    let mut tags: Vec<String> = Vec::new();
    for t in &doc.meta.tags {
        if slugify(&t.value).is_empty() {
            diags.push(
                Diagnostic::error(Code::InvalidTag, format!("`{}` cannot be a tag", t.value))
                    .at_opt(&doc.file, position_of(t))
                    .help("a tag needs at least one letter or digit"),
            );
        } else if !tags.contains(&t.value) {
            tags.push(t.value.clone());
        }
    }
    Page {
        path,
        title: doc.meta.title.clone(),
        description: doc.meta.description.clone(),
        template,
        weight: doc.meta.weight,
        date,
        tags,
        doc: document(doc, targets, diags),
    }
}

/// The tags of plain pages, by slug; each lists its pages newest first, then by title and path.
pub(crate) fn tags(pages: &[Page]) -> Vec<Tag> {
    let mut by_slug: BTreeMap<String, Tag> = BTreeMap::new();
    for (i, p) in pages.iter().enumerate() {
        for name in &p.tags {
            let slug = slugify(name);
            by_slug
                .entry(slug.clone())
                .or_insert_with(|| Tag {
                    slug,
                    name: name.clone(),
                    pages: Vec::new(),
                })
                .pages
                .push(i);
        }
    }
    let mut tags: Vec<Tag> = by_slug.into_values().collect();
    for t in &mut tags {
        t.pages.dedup();
        t.pages.sort_by(|&a, &b| {
            let (a, b) = (&pages[a], &pages[b]);
            (&b.date, &a.title, &a.path).cmp(&(&a.date, &b.title, &b.path))
        });
    }
    tags
}

/// The output path of a plain page: `content/about.md` → `about/`, `content/index.md` → ``.
pub(crate) fn page_path(file: &Path) -> String {
    let rel = file.strip_prefix("content").unwrap_or(file);
    let mut s = slash(&rel.with_extension(""));
    if s == "index" {
        return String::new();
    }
    if let Some(stripped) = s.strip_suffix("/index") {
        s = stripped.to_string();
    }
    format!("{s}/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_paths() {
        assert_eq!(page_path(Path::new("content/index.md")), "");
        assert_eq!(page_path(Path::new("content/about.md")), "about/");
        assert_eq!(page_path(Path::new("content/a/index.md")), "a/");
    }
}
