//! Source pages: the bibliographic record, our summary, its findings and gaps, its references in
//! five styles, and the metadata reference managers read.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;

use crate::cite::{self, Citer};
use crate::diagnostic::{Code, Diagnostic};
use crate::markdown::{first_sentence, inline_to_html};
use crate::model::*;
use crate::render::kept::{add_hashed, Fingerprint};
use crate::render::templates::Html;
use crate::render::views::{add_gaps, kept_or_made, Keeping, Links, Ref};

#[derive(Clone, Serialize)]
pub(crate) struct SourceView {
    pub id: String,
    pub url: String,
    pub title: String,
    pub short: String,
    pub csl_type: &'static str,
    pub type_label: String,
    pub kind: String,
    pub kind_label: String,
    /// How the study was done: its design's key and label.
    pub design: String,
    pub design_label: String,
    pub authors: Vec<String>,
    pub author_line: String,
    pub editors: Vec<String>,
    /// The authors of the book a chapter is in.
    pub container_authors: Vec<String>,
    pub date: String,
    pub date_long: String,
    pub year: i32,
    pub container_title: Option<String>,
    pub collection_title: Option<String>,
    pub volume: Option<String>,
    pub issue: Option<String>,
    pub pages: Option<String>,
    pub publisher: Option<String>,
    pub publisher_place: Option<String>,
    pub doi: Option<String>,
    pub isbn: Option<String>,
    pub issn: Option<String>,
    pub url_publisher: Option<String>,
    pub repository_url: Option<String>,
    /// A copy in a web archive, shown beside the original address.
    pub archive_url: Option<String>,
    /// The day the source was read at its address (`YYYY-MM-DD`, and in words).
    pub accessed: Option<String>,
    pub accessed_long: Option<String>,
    pub archived: bool,
    pub unverified: BTreeMap<String, String>,
    pub notes: Vec<Html>,
    pub body: Html,
    pub findings: Vec<String>,
    pub gaps: Vec<Ref>,
    /// The five formatted references (cite.rs).
    pub citations: Vec<CitationView>,
    /// Highwire Press `citation_*` tags for the page head.
    pub meta_tags: Vec<MetaTag>,
    /// Our summary's first sentence, as plain text.
    pub description: String,
    /// schema.org JSON-LD, safe to put inside `<script>`.
    pub json_ld: Html,
    pub downloads: Downloads,
}

#[derive(Clone, Serialize)]
pub(crate) struct CitationView {
    pub style: &'static str,
    pub label: &'static str,
    /// The reference, HTML-escaped by cite.rs, with `<i>` for italics.
    pub html: Html,
    pub text: String,
    pub in_text: String,
}

impl From<cite::Citation> for CitationView {
    fn from(c: cite::Citation) -> Self {
        CitationView {
            style: c.style.key(),
            label: c.style.label(),
            html: Html(c.html),
            text: c.text,
            in_text: c.in_text,
        }
    }
}

#[derive(Clone, Serialize)]
pub(crate) struct MetaTag {
    pub name: &'static str,
    pub content: String,
}

#[derive(Clone, Serialize)]
pub(crate) struct Downloads {
    pub bib: String,
    pub ris: String,
    pub json: String,
}

pub(crate) fn source_views(
    site: &Site,
    links: &Links,
    citer: &Citer,
    kept: Keeping<SourceView>,
    diags: &mut Vec<Diagnostic>,
) -> BTreeMap<String, Arc<SourceView>> {
    // The locators each source is cited at, so its citations and its findings' are made in one
    // engine run per style.
    let mut locators: BTreeMap<&SourceId, Vec<&str>> = BTreeMap::new();
    for f in site.findings.values() {
        locators.entry(&f.source).or_default().push(&f.locator);
    }
    let items = (site.sources.iter())
        .map(|(id, s)| (id.0.as_str(), s))
        .collect();
    kept_or_made(
        items,
        kept,
        |s| source_print(site, s),
        |s, d| {
            let cited_at = locators.get(&s.id).map_or(&[][..], Vec::as_slice);
            source_view(site, s, cited_at, links, citer, d)
        },
        diags,
    )
}

/// The fingerprint of what `s`'s view reads besides what every source's view reads
/// ([`kept_or_made`]): the source, its findings' ids, and its gaps' ids and titles. `None` for a
/// source whose body is read from disk (not known without reading it).
fn source_print(site: &Site, s: &Source) -> Option<u128> {
    let mut fp = Fingerprint::new();
    add_hashed(&mut fp, s);
    add_hashed(&mut fp, &site.backlinks.findings_by_source.get(&s.id));
    add_gaps(&mut fp, site, site.backlinks.gaps_by_source.get(&s.id));
    s.doc.body.in_memory().then(|| fp.finish())
}

/// One source's view, worked out for it alone (`s` need not be the site's: in `serve`, the source
/// as just edited).
pub(crate) fn source_view_alone(
    site: &Site,
    s: &Source,
    links: &Links,
    citer: &Citer,
    diags: &mut Vec<Diagnostic>,
) -> SourceView {
    let cited_at: Vec<&str> = (site.findings.values())
        .filter(|f| f.source == s.id)
        .map(|f| f.locator.as_str())
        .collect();
    source_view(site, s, &cited_at, links, citer, diags)
}

fn source_view(
    site: &Site,
    s: &Source,
    cited_at: &[&str],
    links: &Links,
    citer: &Citer,
    diags: &mut Vec<Diagnostic>,
) -> SourceView {
    let c = &site.config;
    let authors: Vec<String> = s.authors.iter().map(Person::display).collect();
    // Our summary's first sentence: the page's description, and the abstract reference managers
    // save (never the site's tagline).
    let description = match s.doc.body.text(links.reader) {
        Ok(text) => first_sentence(&text),
        Err(_) => String::new(),
    };
    let citations: Vec<CitationView> = citer
        .source(s, cited_at)
        .into_iter()
        .map(CitationView::from)
        .collect();
    if citations.len() < cite::Style::ALL.len() {
        diags.push(
            Diagnostic::error(
                Code::CitationStyle,
                format!(
                    "only {} of the {} citation styles could format this source",
                    citations.len(),
                    cite::Style::ALL.len()
                ),
            )
            .in_file(&s.doc.file)
            .help("this is a bug in evident, not in your site: please report it with the source's front matter"),
        );
    }
    SourceView {
        id: s.id.0.clone(),
        url: links.url(&s.id.path()),
        title: s.title.clone(),
        short: short_citation(s),
        csl_type: s.source_type.csl(),
        type_label: links.site.strings.text(&format!(
            "source_type_{}",
            s.source_type.csl().replace('-', "_")
        )),
        kind: s.kind.key.clone(),
        kind_label: s.kind.label.clone(),
        design: s.design.key.clone(),
        design_label: s.design.label.clone(),
        author_line: join_names(&authors),
        authors,
        editors: s.editors.iter().map(Person::display).collect(),
        container_authors: s.container_authors.iter().map(Person::display).collect(),
        date: s.date.iso(),
        date_long: long_date(&links.site.strings, &s.date),
        year: s.date.year,
        container_title: s.container_title.clone(),
        collection_title: s.collection_title.clone(),
        volume: s.volume.clone(),
        issue: s.issue.clone(),
        pages: s.pages.clone(),
        publisher: s.publisher.clone(),
        publisher_place: s.publisher_place.clone(),
        doi: s.doi.clone(),
        isbn: s.isbn.clone(),
        issn: s.issn.clone(),
        url_publisher: s.url.clone(),
        repository_url: s.repository_url.clone(),
        archive_url: s.archive_url.clone(),
        accessed: s.accessed.as_ref().map(Date::iso),
        accessed_long: (s.accessed.as_ref()).map(|d| long_date(&links.site.strings, d)),
        archived: s.archive.is_some(),
        unverified: s.unverified.clone(),
        notes: s.notes.iter().map(|n| Html(inline_to_html(n))).collect(),
        body: links.body(&s.doc, diags),
        findings: site
            .backlinks
            .findings_by_source
            .get(&s.id)
            .into_iter()
            .flat_map(|v| v.iter())
            .map(|f| f.0.clone())
            .collect(),
        gaps: site
            .backlinks
            .gaps_by_source
            .get(&s.id)
            .into_iter()
            .flatten()
            .map(|g| links.gap(g))
            .collect(),
        citations,
        meta_tags: cite::highwire_tags(s, &description)
            .into_iter()
            .map(|(name, content)| MetaTag { name, content })
            .collect(),
        json_ld: Html(cite::json_ld(s, &format!("{}{}", c.base_url, s.id.path()))),
        description,
        downloads: Downloads {
            bib: links.url(&export_path(&s.id, "bib")),
            ris: links.url(&export_path(&s.id, "ris")),
            json: links.url(&export_path(&s.id, "json")),
        },
    }
}

/// `sources/<id>/<id>.bib`: the id in the file name, so a download is recognisable.
pub(crate) fn export_path(id: &SourceId, ext: &str) -> String {
    format!("{}{}.{ext}", id.path(), id.0)
}

fn join_names(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// "Slasberg, Beresford and Schofield (2012)": for lists and table headers.
pub(crate) fn short_citation(s: &Source) -> String {
    let names: Vec<String> = s
        .authors
        .iter()
        .map(|p| match p {
            Person::Name { family, .. } => family.clone(),
            Person::Literal(l) => l.clone(),
        })
        .collect();
    let who = match names.len() {
        0 => s
            .container_title
            .clone()
            .or_else(|| s.publisher.clone())
            .unwrap_or_else(|| s.title.clone()),
        1..=3 => join_names(&names),
        _ => format!("{} et al.", names[0]),
    };
    format!("{who} ({})", s.date.year)
}

/// "16 January 2013", "June 2013" or "2013", in the site's language.
fn long_date(strings: &crate::theme::Strings, date: &crate::dates::Date) -> String {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let month = date
        .month
        .and_then(|m| MONTHS.get(usize::from(m).wrapping_sub(1)))
        .map(|m| strings.text(&format!("month_{m}")));
    match (date.day, month) {
        (Some(day), Some(month)) => strings.with(
            "date_day_month_year",
            &[
                ("count", &day),
                ("day", &day),
                ("month", &month),
                ("year", &date.year),
            ],
        ),
        (None, Some(month)) => strings.with(
            "date_month_year",
            &[("month", &month), ("year", &date.year)],
        ),
        _ => date.year.to_string(),
    }
}
