//! Plain pages (`content/about.md` and the like): each page's template, date and tags, and the
//! tags' own pages.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use crate::diagnostic::{Code, Diagnostic};
use crate::layout::slash;
use crate::markdown::slugify;
use crate::model::{Page, Tag};
use crate::parse::raw::{RawDoc, RawPage};
use crate::parse::yaml::position_of;
use crate::resolve::config::check_day;
use crate::resolve::links::{document, PageTargets, Targets};
use crate::theme::Theme;

/// Every page of `docs` that `publish` lets publish, by path; those `memo` holds, as they were
/// resolved.
pub(crate) fn resolve_pages(
    docs: &[Arc<RawDoc<RawPage>>],
    publish: &Publishable,
    theme: &Theme,
    targets: &Arc<Targets>,
    memo: Option<&PageMemo>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Arc<Page>> {
    diags.extend(publish.diags.iter().cloned());
    let kept: Vec<&Arc<RawDoc<RawPage>>> = (docs.iter().zip(&publish.each))
        .filter_map(|(doc, &publishes)| publishes.then_some(doc))
        .collect();
    let templates = template_names(theme);
    let mut before = memo.and_then(|m| m.take_before(targets, &templates, kept.len()));
    let mut now = HashMap::with_capacity(before.as_ref().map_or(0, |_| kept.len()));
    let mut pages: Vec<Arc<Page>> = Vec::with_capacity(kept.len());
    // The pages kept from the last run taken; the others resolved in parallel, each on its own,
    // and all then taken in the pages' order, as if one after the other.
    let taken: Vec<Option<KeptPage>> = (kept.iter())
        .map(|doc| before.as_mut().and_then(|b| b.take(doc)))
        .collect();
    let held: Vec<KeptPage> = (kept.par_iter().zip(taken))
        .map(|(doc, taken)| taken.unwrap_or_else(|| KeptPage::resolve(doc, &templates, targets)))
        .collect();
    for (doc, held) in kept.into_iter().zip(held) {
        diags.extend(held.diags.iter().cloned());
        pages.push(held.page.clone());
        if before.is_some() {
            now.insert(Arc::as_ptr(doc) as usize, held);
        }
    }
    if let Some(memo) = memo.filter(|_| before.is_some()) {
        let targets = Some(targets.clone());
        memo.put(KeptPages {
            targets,
            templates,
            by_record: now,
        });
    }
    pages.sort_by(|a, b| a.path.cmp(&b.path));
    pages
}

/// What the plain pages make of the whole site from their files, draft marks, headings and tags
/// alone: their part of the link targets, and which of them publish.
#[derive(Clone)]
pub(crate) struct PagesPart {
    pub targets: Arc<PageTargets>,
    pub publish: Arc<Publishable>,
}

/// Which plain pages publish, in the pages' order: not drafts, and each at a URL of its own
/// that evident does not make itself; with what was reported of those that may not.
pub(crate) struct Publishable {
    each: Vec<bool>,
    diags: Vec<Diagnostic>,
}

impl PagesPart {
    /// The two halves at once, on two threads: each reads every page.
    fn new(docs: &[Arc<RawDoc<RawPage>>]) -> Self {
        let (targets, publish) = rayon::join(|| PageTargets::new(docs), || Publishable::new(docs));
        PagesPart {
            targets: Arc::new(targets),
            publish: Arc::new(publish),
        }
    }
}

impl Publishable {
    fn new(docs: &[Arc<RawDoc<RawPage>>]) -> Self {
        let mut published: BTreeMap<String, &Path> = BTreeMap::new();
        let mut diags = Vec::new();
        let each = (docs.iter())
            .map(|doc| !doc.meta.draft && publishable(&doc.file, &mut published, &mut diags))
            .collect();
        Publishable { each, diags }
    }
}

/// The plain pages' part of the site: the one `memo` kept from the last run while `docs` make
/// the same ([`PageTargets::same_part`]: which pages publish, too, reads only their files and
/// draft marks), else made again (and kept, for a site of at least [`PageMemo::LEAST`] pages).
pub(crate) fn pages_part(docs: &[Arc<RawDoc<RawPage>>], memo: Option<&PageMemo>) -> PagesPart {
    let Some(memo) = memo.filter(|_| docs.len() >= PageMemo::LEAST) else {
        return PagesPart::new(docs);
    };
    let mut kept = memo.part.lock().unwrap_or_else(|p| p.into_inner());
    let same = (kept.take()).filter(|(before, _)| PageTargets::same_part(before, docs));
    let part = same.map_or_else(|| PagesPart::new(docs), |(_, part)| part);
    *kept = Some((docs.to_vec(), part.clone()));
    part
}

/// The plain pages `serve` resolved in its last run, kept for the next, so that a change resolves
/// again only the pages it touches. Resolving a page reads its parsed record, every link target
/// (pages, nodes, anchors, assets, findings' figures) and the theme's template names: a page is
/// taken while its record is the one it was made from (the parse's kept join hands an unchanged
/// file's records on as they were: the same allocation, which the entry holds, so its address is
/// not reused) and the targets and template names equal the last run's. Most edits leave both as
/// they were; one that adds a page or changes a heading changes the targets, and every page is
/// resolved again. The pages' own part of the site (their part of the targets, and which of
/// them publish) is kept too ([`pages_part`]), so that neither is made again, nor the targets
/// compared in full, after an edit that leaves that part alone.
#[derive(Default)]
pub struct PageMemo {
    kept: Mutex<KeptPages>,
    /// The pages' part of the site, with the records it was made from.
    part: Mutex<Option<(Records, PagesPart)>>,
}

/// The plain pages' records of one run.
type Records = Vec<Arc<RawDoc<RawPage>>>;

/// The pages of one run, by the address of their parsed records, with what they read besides.
#[derive(Default)]
struct KeptPages {
    targets: Option<Arc<Targets>>,
    templates: BTreeSet<String>,
    by_record: HashMap<usize, KeptPage>,
}

struct KeptPage {
    raw: Arc<RawDoc<RawPage>>,
    page: Arc<Page>,
    diags: Vec<Diagnostic>,
}

impl KeptPages {
    /// The page kept for `doc`, if it was made from this very record.
    fn take(&mut self, doc: &Arc<RawDoc<RawPage>>) -> Option<KeptPage> {
        let held = self.by_record.remove(&(Arc::as_ptr(doc) as usize))?;
        Arc::ptr_eq(&held.raw, doc).then_some(held)
    }
}

impl KeptPage {
    /// `doc` resolved, with what resolving it reported.
    fn resolve(
        doc: &Arc<RawDoc<RawPage>>,
        templates: &BTreeSet<String>,
        targets: &Targets,
    ) -> KeptPage {
        let mut diags = Vec::new();
        let page = Arc::new(resolve_page(doc, templates, targets, &mut diags));
        let raw = doc.clone();
        KeptPage { raw, page, diags }
    }
}

impl PageMemo {
    /// The fewest pages for which the memo is used: resolving fewer costs less than comparing
    /// the targets (an evidence site's few pages beside thousands of findings).
    const LEAST: usize = 64;

    /// The last run's pages, if they were resolved against `targets` and `templates` as they
    /// are now (else none); `None` when the site has fewer than [`PageMemo::LEAST`] `pages`, and
    /// nothing is kept for the next run.
    fn take_before(
        &self,
        targets: &Arc<Targets>,
        templates: &BTreeSet<String>,
        pages: usize,
    ) -> Option<KeptPages> {
        let before = std::mem::take(&mut *self.kept.lock().unwrap_or_else(|p| p.into_inner()));
        if pages < PageMemo::LEAST {
            return None;
        }
        let same =
            (before.targets.as_ref()).is_some_and(|t| Arc::ptr_eq(t, targets) || **t == **targets);
        Some(match same && before.templates == *templates {
            true => before,
            false => KeptPages::default(),
        })
    }

    fn put(&self, pages: KeptPages) {
        *self.kept.lock().unwrap_or_else(|p| p.into_inner()) = pages;
    }
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
pub(crate) fn tags(pages: &[Arc<Page>]) -> Vec<Tag> {
    let mut by_slug: BTreeMap<String, Tag> = BTreeMap::new();
    // Each name slugified once, however many pages carry it.
    let mut slugs: HashMap<&str, String> = HashMap::new();
    for (i, p) in pages.iter().enumerate() {
        for name in &p.tags {
            let slug = (slugs.entry(name)).or_insert_with(|| slugify(name));
            match by_slug.get_mut(slug.as_str()) {
                Some(tag) => tag.pages.push(i),
                None => {
                    let (slug, name) = (slug.clone(), name.clone());
                    let tag = Tag {
                        slug: slug.clone(),
                        name,
                        pages: vec![i],
                    };
                    by_slug.insert(slug, tag);
                }
            }
        }
    }
    let mut tags: Vec<Tag> = by_slug.into_values().collect();
    let rank = newest_first(pages);
    for t in &mut tags {
        t.pages.dedup();
        t.pages.sort_unstable_by_key(|&i| rank[i]);
    }
    tags
}

/// Each page's place in the order of a tag's list (newest first, then by title, then by path)
/// among the pages that have tags: one sort of them all, so that each tag's pages sort by a
/// number rather than by their dates and titles again.
fn newest_first(pages: &[Arc<Page>]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..pages.len())
        .filter(|&i| !pages[i].tags.is_empty())
        .collect();
    order.sort_unstable_by(|&a, &b| {
        let (a, b) = (&pages[a], &pages[b]);
        (&b.date, &a.title, &a.path).cmp(&(&a.date, &b.title, &b.path))
    });
    let mut rank = vec![0; pages.len()];
    for (place, &i) in order.iter().enumerate() {
        rank[i] = place;
    }
    rank
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

    /// A tag lists its pages newest first, then by title, then by path; undated pages last; a
    /// page once however often it carries the tag; pages without it not at all.
    #[test]
    fn a_tag_lists_its_pages_newest_first_then_by_title_and_path() {
        let page = |path: &str, title: &str, date: Option<&str>, tags: &[&str]| {
            Arc::new(Page {
                path: path.into(),
                title: title.into(),
                description: None,
                template: "page.html".into(),
                weight: 0,
                date: date.map(String::from),
                tags: tags.iter().map(|t| t.to_string()).collect(),
                doc: Default::default(),
            })
        };
        let pages = [
            page("a/", "Beta", Some("2024-05-01"), &["Care", "care"]),
            page("b/", "Alpha", Some("2024-05-01"), &["care"]),
            page("c/", "Alpha", Some("2024-05-01"), &["care"]),
            page("d/", "Zeta", None, &["care"]),
            page("e/", "Old", Some("2019-01-01"), &["care", "Budgets"]),
            page("f/", "New", Some("2025-12-31"), &["care"]),
            page("g/", "Untagged", Some("2026-01-01"), &[]),
        ];
        let tags = tags(&pages);
        let listed: Vec<(&str, &str, Vec<&str>)> = (tags.iter())
            .map(|t| {
                let paths = t.pages.iter().map(|&i| pages[i].path.as_str()).collect();
                (t.slug.as_str(), t.name.as_str(), paths)
            })
            .collect();
        assert_eq!(
            listed,
            [
                ("budgets", "Budgets", vec!["e/"]),
                ("care", "Care", vec!["f/", "b/", "c/", "a/", "e/", "d/"]),
            ]
        );
    }
}
