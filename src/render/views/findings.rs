//! Finding pages: the figure as printed with its quote and locator, the structured value, its
//! stances, and the finding cited two ways (its source with the locator; this page as a web
//! page).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

use crate::cite::{self, Citer};
use crate::markdown::{inline_plain, inline_to_html, inline_with_terms};
use crate::model::*;
use crate::render::tables::value_text;
use crate::render::templates::Html;
use crate::render::versions::{record_of, FindingChangeView, ReleaseRecordView, VersionsView};
use crate::render::views::sources::CitationView;
use crate::render::views::{Links, Ref};

#[derive(Clone, Serialize)]
pub(crate) struct ValueView {
    pub kind: &'static str,
    pub number: Option<f64>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    pub scale: Option<&'static str>,
    pub qualifier: Option<String>,
    pub per: Option<String>,
    pub currency: Option<String>,
    /// A plain-words reading of the structured value, e.g. "more than 2/3".
    pub text: String,
}

#[derive(Clone, Serialize)]
pub(crate) struct StanceView {
    pub claim: Arc<Ref>,
    pub stance: &'static str,
    pub symbol: &'static str,
    pub label: String,
    pub reason: String,
}

#[derive(Clone, Serialize)]
pub(crate) struct FindingView {
    pub id: String,
    pub url: String,
    /// The statement, with inline Markdown as HTML.
    pub statement: Html,
    /// The figure as printed, or none for a qualitative finding (a statement with its quote).
    pub figure: Option<String>,
    pub value: Option<ValueView>,
    /// How the finding is named in lists: its figure, or its statement when it has none.
    pub label: String,
    /// The page's title, and the title it is cited and saved by: the statement, with its figure.
    pub title: String,
    /// The page's description: the quote, attributed.
    pub description: String,
    /// Who publishes the page (the site's publisher), for reference managers.
    pub publisher: Option<String>,
    /// When the finding last changed (else the site's date), for reference managers.
    pub date: Option<String>,
    /// Shared by the views of the source's findings, as is each stance's claim.
    pub source: Arc<Ref>,
    pub source_kind: String,
    pub source_kind_label: String,
    pub source_year: i32,
    /// Boxed, like the other fields few findings have: a view is kept for every finding.
    pub origin: Option<Box<Ref>>,
    pub locator: String,
    pub quote: String,
    /// When the finding last changed, from permalinks.txt.
    pub changed: Option<String>,
    pub population: Option<String>,
    pub period: Option<String>,
    pub place: Option<String>,
    pub stances: Vec<StanceView>,
    pub notes: Vec<Html>,
    /// Fields of the source that are not verified, shown beside its citations.
    pub source_unverified: BTreeMap<String, String>,
    /// Set when the finding is withdrawn: when, why, and what replaces it.
    pub withdrawn: Option<Box<WithdrawnFindingView>>,
    /// How the finding changed in each release, newest first.
    pub history: Vec<FindingChangeView>,
    /// The newest release that recorded the finding: a record that does not change.
    pub record: Option<Box<ReleaseRecordView>>,
}

/// What only a finding's own page shows: its citations and metadata. Made when the page is made,
/// not kept with the view, so that a site's findings do not hold ten citations each in memory.
#[derive(Serialize)]
pub(crate) struct FindingCitations {
    /// The source's references, with in-text citations carrying the locator when CSL can
    /// label it (`locator_in_citation`); otherwise the page shows the locator beside them.
    pub source_citations: Vec<CitationView>,
    pub locator_in_citation: bool,
    /// This page cited as a web page.
    pub page_citations: Vec<CitationView>,
    pub json_ld: Html,
}

#[derive(Clone, Serialize)]
pub(crate) struct WithdrawnFindingView {
    pub date: String,
    pub reason: String,
    pub replaced_by: Option<Ref>,
}

/// A finding's page: its view with its citations (the template sees one `finding`).
#[derive(Serialize)]
pub(crate) struct FindingPage<'a> {
    #[serde(flatten)]
    pub view: &'a FindingView,
    #[serde(flatten)]
    pub citations: FindingCitations,
}

fn value_view(v: &Value) -> ValueView {
    let (number, min, max, numerator, denominator) = match v.amount {
        Amount::Number(n) => (Some(n), None, None, None, None),
        Amount::Range { min, max } => (None, Some(min), Some(max), None, None),
        Amount::Fraction {
            numerator,
            denominator,
        } => (None, None, None, Some(numerator), Some(denominator)),
    };
    ValueView {
        kind: v.kind.key(),
        number,
        min,
        max,
        numerator,
        denominator,
        scale: v.scale.map(Scale::key),
        qualifier: v.qualifier.clone(),
        per: v.per.clone(),
        currency: v.currency.clone(),
        text: value_text(v),
    }
}

/// Every finding's view (its citations are made with its page: [`finding_citations`]).
pub(crate) fn finding_views(
    site: &Site,
    links: &Links,
    versions: Option<&VersionsView>,
) -> BTreeMap<String, FindingView> {
    let dates = crate::permalinks::finding_dates(site);
    let refs = RefIndex::of(site, links);
    let views: Vec<(String, FindingView)> = site
        .findings
        .par_iter()
        .map(|(_, f)| {
            let changed = dates.get(&f.id.0).cloned();
            let view = finding_view(site, f, links, &refs, changed);
            let record = versions.and_then(|v| v.records.get(&f.id.0).cloned());
            let view = with_history(view, versions.map(|v| &v.by_finding), record);
            (f.id.0.clone(), view)
        })
        .collect();
    // Built from the sorted list, the map's nodes are full: a view is a kilobyte, and a map
    // built by inserting leaves about a third of each node empty.
    views.into_iter().collect()
}

/// One finding's view, worked out for it alone: what [`finding_views`] makes for it. The finding
/// need not be the site's: `serve` makes the page of a finding just edited with it, before the
/// rest of the site is made again. `history` is [`VersionsView::by_finding`], when the site has
/// releases.
pub(crate) fn finding_view_alone(
    site: &Site,
    f: &Finding,
    links: &Links,
    history: Option<&History>,
) -> FindingView {
    let changed = crate::permalinks::finding_date(site, f);
    let view = finding_view(site, f, links, &RefIndex::default(), changed);
    let record = history.and_then(|_| record_of(site, f));
    with_history(view, history, record)
}

/// Each finding's changes in past releases, by id.
pub(crate) type History = BTreeMap<String, Vec<FindingChangeView>>;

/// A view with the finding's release history and record, when the site has releases.
fn with_history(
    mut view: FindingView,
    history: Option<&History>,
    record: Option<ReleaseRecordView>,
) -> FindingView {
    if let Some(h) = history {
        view.history = h.get(&view.id).cloned().unwrap_or_default();
        view.record = record.map(Box::new);
    }
    view
}

/// What [`finding_citations`] reads of a finding. With its source's CSL record (and title and
/// DOI) and the site's settings, these are all a finding's citations are made from: a page kept by
/// its inputs counts them, so keep the two in step. The citations' page title ([`page_title`]) is
/// made from the statement and the figure, which are named instead (making the title for every
/// finding of a large site, to key pages mostly kept, cost more than the rest of their keys).
pub(crate) fn citation_inputs(f: &Finding) -> [&str; 6] {
    let (figure, text) = match &f.figure {
        Some(x) => ("figure", x.text.as_str()),
        None => ("no figure", ""),
    };
    [&f.id.0, &f.source.0, &f.locator, &f.statement, figure, text]
}

/// A finding's citations: its source with the finding's locator, and its own page.
pub(crate) fn finding_citations(site: &Site, f: &Finding, citer: &Citer) -> FindingCitations {
    let c = &site.config;
    let src = site.sources.get(&f.source);
    let (source_citations, locator_in_citation) = src
        .map(|s| citer.with_locator(s, &f.locator))
        .unwrap_or_default();
    let page = cite::WebPage {
        id: f.id.0.clone(),
        title: page_title(f),
        url: format!("{}{}", c.base_url, f.id.path()),
        ..super::site::cite_site(c)
    };
    let json_ld = src
        .map(|s| {
            let source_url = format!("{}{}", c.base_url, s.id.path());
            cite::page_json_ld(&page, &f.statement, s, &source_url)
        })
        .unwrap_or_default();
    FindingCitations {
        source_citations: source_citations
            .into_iter()
            .map(CitationView::from)
            .collect(),
        locator_in_citation,
        page_citations: citer
            .page(&page)
            .into_iter()
            .map(CitationView::from)
            .collect(),
        json_ld: Html(json_ld),
    }
}

/// Links to the site's sources and claims, one of each shared by every view that names it: a
/// view is kept for every finding, and most sources and claims are named by many.
#[derive(Default)]
struct RefIndex {
    sources: HashMap<SourceId, Arc<Ref>>,
    claims: HashMap<ClaimId, Arc<Ref>>,
}

impl RefIndex {
    fn of(site: &Site, links: &Links) -> Self {
        RefIndex {
            sources: (site.sources.keys())
                .map(|id| (id.clone(), Arc::new(links.source(id))))
                .collect(),
            claims: (site.claims.keys())
                .map(|id| (id.clone(), Arc::new(links.claim(id))))
                .collect(),
        }
    }

    /// The shared link, or (for a source this site lacks) a new one.
    fn source(&self, links: &Links, id: &SourceId) -> Arc<Ref> {
        (self.sources.get(id).cloned()).unwrap_or_else(|| Arc::new(links.source(id)))
    }

    fn claim(&self, links: &Links, id: &ClaimId) -> Arc<Ref> {
        (self.claims.get(id).cloned()).unwrap_or_else(|| Arc::new(links.claim(id)))
    }
}

fn finding_view(
    site: &Site,
    f: &Finding,
    links: &Links,
    refs: &RefIndex,
    changed: Option<String>,
) -> FindingView {
    let c = &site.config;
    let src = site.sources.get(&f.source);
    let title = page_title(f);
    FindingView {
        id: f.id.0.clone(),
        url: links.url(&f.id.path()),
        statement: Html(inline_to_html(&f.statement)),
        figure: f.figure.as_ref().map(|x| x.text.clone()),
        value: f.figure.as_ref().map(|x| value_view(&x.value)),
        label: f.label(),
        description: format!(
            "“{}” ({}, {})",
            f.quote,
            src.map_or_else(|| f.source.0.clone(), |s| s.title.clone()),
            f.locator
        ),
        publisher: c.publisher.clone(),
        date: changed.clone().or_else(|| c.date.clone()),
        title,
        source: refs.source(links, &f.source),
        source_kind: src.map_or_else(String::new, |s| s.kind.key.clone()),
        source_kind_label: src.map_or_else(String::new, |s| s.kind.label.clone()),
        source_year: src.map_or(0, |s| s.date.year),
        origin: f.origin.as_ref().map(|o| Box::new(links.source(o))),
        locator: f.locator.clone(),
        quote: f.quote.clone(),
        changed,
        population: f.population.clone(),
        period: f.period.clone(),
        place: f.place.clone(),
        stances: f
            .stances
            .iter()
            .map(|s| StanceView {
                claim: refs.claim(links, &s.claim),
                stance: s.kind.key(),
                symbol: s.kind.symbol(),
                label: super::stance_label(links.site, s.kind),
                reason: s.reason.clone(),
            })
            .collect(),
        notes: {
            let mut used = vec![false; links.terms.len()];
            (f.notes.iter())
                .map(|n| Html(inline_with_terms(n, &links.terms, &mut used)))
                .collect()
        },
        source_unverified: src.map(|s| s.unverified.clone()).unwrap_or_default(),
        withdrawn: f.withdrawn.as_ref().map(|w| {
            Box::new(WithdrawnFindingView {
                date: w.date.clone(),
                reason: w.reason.clone(),
                replaced_by: w.replaced_by.as_ref().map(|r| links.finding(r)),
            })
        }),
        history: Vec::new(),
        record: None,
    }
}

/// A finding's title: its statement, with its figure ("Most practitioners surveyed said council
/// staff usually lead support planning (72%)"), capitalised: what the page is called, cited and
/// saved by.
fn page_title(f: &Finding) -> String {
    let statement = inline_plain(&f.statement);
    let figure = f.figure.as_ref().map(|x| x.text.as_str());
    let mut title = String::with_capacity(statement.len() + figure.map_or(0, |x| x.len() + 3));
    let mut chars = statement.chars();
    if let Some(c) = chars.next() {
        title.extend(c.to_uppercase());
        title.push_str(chars.as_str());
    }
    if let Some(x) = figure {
        title.truncate(title.trim_end_matches('.').len());
        title.push_str(" (");
        title.push_str(x);
        title.push(')');
    }
    title
}
