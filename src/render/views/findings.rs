//! Finding pages: the figure as printed with its quote and locator, the structured value, its
//! stances, and the finding cited two ways (its source with the locator; this page as a web
//! page).

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;
use serde::Serialize;

use crate::cite::{self, Citer};
use crate::markdown::{inline_plain, inline_to_html, inline_with_terms};
use crate::model::*;
use crate::render::kept::{add_data, Fingerprint};
use crate::render::tables::value_text;
use crate::render::templates::Html;
use crate::render::versions::{record_of, FindingChangeView, ReleaseRecordView, VersionsView};
use crate::render::views::sources::CitationView;
use crate::render::views::{ClaimView, KeptById, Links, Ref, SourceView};

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

/// A stance of a finding, as its view shows it; its reason is read from the finding's stance.
#[derive(Clone)]
pub(crate) struct StanceView {
    pub claim: Arc<Ref>,
    pub stance: &'static str,
    pub symbol: &'static str,
    /// Shared by every stance of its kind.
    pub label: Arc<str>,
}

/// A view's stances with their reasons, the finding's `stances` (one for each, in order).
struct StancesOf<'a>(&'a [StanceView], &'a [Stance]);

impl Serialize for StancesOf<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeSeq, SerializeStruct};
        struct One<'a>(&'a StanceView, &'a str);
        impl Serialize for One<'_> {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let One(v, reason) = self;
                let mut s = serializer.serialize_struct("StanceView", 5)?;
                s.serialize_field("claim", &v.claim)?;
                s.serialize_field("stance", v.stance)?;
                s.serialize_field("symbol", v.symbol)?;
                s.serialize_field("label", &*v.label)?;
                s.serialize_field("reason", reason)?;
                s.end()
            }
        }
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for (view, stance) in self.0.iter().zip(self.1) {
            seq.serialize_element(&One(view, &stance.reason))?;
        }
        seq.end()
    }
}

/// A finding as its pages and lists show it. A view is kept for every finding, so it copies none of
/// the finding's own text: its id, figure, label, locator, quote, population, period, place and
/// stances' reasons are read from the finding when the view is serialized, and its URL,
/// description and structured value are put together then. What it has in common with other
/// findings' views (the site's path, publisher and date, the stance labels, its source's kind and
/// unverified fields) is shared with them, not copied.
#[derive(Clone)]
pub(crate) struct FindingView {
    finding: Arc<Finding>,
    /// The statement, with inline Markdown as HTML.
    pub statement: Html,
    /// The page's title, and the title it is cited and saved by: the statement, with its figure.
    pub title: String,
    site: Arc<SiteShared>,
    /// Shared by the views of the source's findings, as is each stance's claim.
    pub source: Arc<Ref>,
    source_shared: Arc<SourceShared>,
    /// Boxed, like the other fields few findings have: a view is kept for every finding.
    pub origin: Option<Box<Ref>>,
    /// When the finding last changed, from permalinks.txt.
    pub changed: Option<String>,
    pub stances: Vec<StanceView>,
    pub notes: Vec<Html>,
    /// Set when the finding is withdrawn: when, why, and what replaces it.
    pub withdrawn: Option<Box<WithdrawnFindingView>>,
    /// How the finding changed in each release, newest first.
    pub history: Vec<FindingChangeView>,
    /// The newest release that recorded the finding: a record that does not change.
    pub record: Option<Box<ReleaseRecordView>>,
}

/// What every finding's view shows of the site: who publishes the pages, and the site's date
/// (a finding's date when it has not changed since permalinks.txt began).
struct SiteShared {
    /// Where the site's pages are below its host: a finding's URL starts with it.
    base_path: String,
    publisher: Option<String>,
    date: Option<String>,
    /// Each stance's label, in [`StanceKind::ALL`]'s order.
    stance_labels: [Arc<str>; 4],
}

impl SiteShared {
    fn stance_label(&self, kind: StanceKind) -> Arc<str> {
        let i = match kind {
            StanceKind::Supports => 0,
            StanceKind::Contradicts => 1,
            StanceKind::Mixed => 2,
            StanceKind::Context => 3,
        };
        self.stance_labels[i].clone()
    }
}

/// What the views of a source's findings show of it besides its link.
#[derive(Default)]
struct SourceShared {
    kind: String,
    kind_label: String,
    year: i32,
    /// Fields of the source that are not verified, shown beside its citations.
    unverified: BTreeMap<String, String>,
}

impl FindingView {
    pub fn id(&self) -> &str {
        &self.finding.id.0
    }

    /// The finding's page, below the site.
    pub fn path(&self) -> String {
        self.finding.id.path()
    }

    /// The finding's page, below the site's host.
    pub fn url(&self) -> String {
        [self.site.base_path.as_str(), &self.path()].concat()
    }

    /// The page's description: the quote, attributed.
    pub fn description(&self) -> String {
        let f = &self.finding;
        format!("“{}” ({}, {})", f.quote, self.source.title, f.locator)
    }
}

/// The fields in the order templates and fingerprints have always had them.
impl Serialize for FindingView {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let (f, src) = (&*self.finding, &*self.source_shared);
        let mut s = serializer.serialize_struct("FindingView", 27)?;
        s.serialize_field("id", self.id())?;
        s.serialize_field("url", &self.url())?;
        s.serialize_field("statement", &self.statement)?;
        s.serialize_field("figure", &f.figure.as_ref().map(|x| &x.text))?;
        s.serialize_field("value", &f.figure.as_ref().map(|x| value_view(&x.value)))?;
        s.serialize_field("label", f.label())?;
        s.serialize_field("title", &self.title)?;
        s.serialize_field("description", &self.description())?;
        s.serialize_field("publisher", &self.site.publisher)?;
        s.serialize_field("date", &self.changed.as_ref().or(self.site.date.as_ref()))?;
        s.serialize_field("source", &self.source)?;
        s.serialize_field("source_kind", &src.kind)?;
        s.serialize_field("source_kind_label", &src.kind_label)?;
        s.serialize_field("source_year", &src.year)?;
        s.serialize_field("origin", &self.origin)?;
        s.serialize_field("locator", &f.locator)?;
        s.serialize_field("quote", &f.quote)?;
        s.serialize_field("changed", &self.changed)?;
        s.serialize_field("population", &f.population)?;
        s.serialize_field("period", &f.period)?;
        s.serialize_field("place", &f.place)?;
        s.serialize_field("stances", &StancesOf(&self.stances, &f.stances))?;
        s.serialize_field("notes", &self.notes)?;
        s.serialize_field("source_unverified", &src.unverified)?;
        s.serialize_field("withdrawn", &self.withdrawn)?;
        s.serialize_field("history", &self.history)?;
        s.serialize_field("record", &self.record)?;
        s.end()
    }
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

/// Every finding's view (its citations are made with its page: [`finding_citations`]), with
/// `dates`, the date each last changed ([`crate::permalinks::finding_dates`]). A view `memo` holds
/// from the last run is taken from it when what it is made from is unchanged (see [`ViewMemo`]).
pub(crate) fn finding_views(
    site: &Site,
    links: &Links,
    (versions, dates): (Option<&VersionsView>, &BTreeMap<String, String>),
    memo: Option<&ViewMemo>,
) -> BTreeMap<String, Arc<FindingView>> {
    let refs = RefIndex::of(site, links);
    let before = memo.map(ViewMemo::take).unwrap_or_default();
    let shared = memo.map(|_| shared_print(site, links, versions.is_some()));
    let views: Vec<(String, Arc<FindingView>, Option<u128>)> = site
        .findings
        .par_iter()
        .map(|(_, f)| {
            let changed = dates.get(&f.id.0).cloned();
            let record = versions.and_then(|v| v.records.get(&f.id.0).cloned());
            let history = versions.map(|v| &v.by_finding);
            let print = shared.and_then(|s| {
                let own = history.and_then(|h| h.get(&f.id.0));
                input_print(site, f, s, changed.as_deref(), (own, record.as_ref()))
            });
            let view = match before.get(f, print) {
                Some(kept) => kept,
                None => {
                    let view = finding_view(site, f, links, &refs, changed);
                    Arc::new(with_history(view, history, record))
                }
            };
            (f.id.0.clone(), view, print)
        })
        .collect();
    if let Some(memo) = memo {
        memo.keep(site, &views);
    }
    // Built from the sorted list, the map's nodes are full (a map built by inserting leaves about
    // a third of each node empty).
    views.into_iter().map(|(id, view, _)| (id, view)).collect()
}

/// `serve`'s finding views from its last full build, each kept with a fingerprint of what it was
/// made from. A finding's view reads, besides the finding: the site's URL path, publisher and
/// date; the stance labels and glossary terms; its source's title, kind, year and unverified
/// fields; its original study's title; its claims' titles; the date it last changed; and its
/// release history. A view is made again when any of these changed, or when the finding is not
/// the very one it was made from: the resolve stage hands on an unchanged finding as the same
/// allocation (its `FindingMemo`), and the memo holds it, so its address is not reused. A view naming the finding that replaces it reads that finding's label: it is never
/// kept. `build` does not use this memo: it keeps whole pages by their inputs instead.
///
/// It keeps the source and claim views too, by a fingerprint of all they read
/// ([`super::kept_or_made`]).
#[derive(Default)]
pub struct ViewMemo {
    kept: Mutex<KeptViews>,
    pub(super) sources: Mutex<KeptById<SourceView>>,
    pub(super) claims: Mutex<KeptById<ClaimView>>,
}

/// The views of one run, by the address of their findings.
#[derive(Default)]
struct KeptViews(HashMap<usize, KeptView>);

struct KeptView {
    finding: Arc<Finding>,
    print: u128,
    view: Arc<FindingView>,
}

impl KeptViews {
    /// The view kept for `f`, if it was made from this very finding and the same inputs (`print`).
    fn get(&self, f: &Arc<Finding>, print: Option<u128>) -> Option<Arc<FindingView>> {
        let kept = self.0.get(&(Arc::as_ptr(f) as usize))?;
        let same = Arc::ptr_eq(&kept.finding, f) && Some(kept.print) == print;
        same.then(|| kept.view.clone())
    }
}

impl ViewMemo {
    fn take(&self) -> KeptViews {
        std::mem::take(&mut *self.kept.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// Keeps this run's views (made or taken) for the next, with what each was made from.
    fn keep(&self, site: &Site, views: &[(String, Arc<FindingView>, Option<u128>)]) {
        let kept = (site.findings.values().zip(views))
            .filter_map(|(f, (_, view, print))| {
                let kept = KeptView {
                    finding: f.clone(),
                    print: (*print)?,
                    view: view.clone(),
                };
                Some((Arc::as_ptr(f) as usize, kept))
            })
            .collect();
        *self.kept.lock().unwrap_or_else(|p| p.into_inner()) = KeptViews(kept);
    }
}

/// The fingerprint of what every finding's view reads of the site: its URL path, publisher and
/// date, the stance labels, the glossary terms, and whether it has releases.
fn shared_print(site: &Site, links: &Links, releases: bool) -> u128 {
    let c = &site.config;
    let mut fp = Fingerprint::new();
    for part in [Some(&c.base_path), c.publisher.as_ref(), c.date.as_ref()] {
        fp.bytes(part.map_or(&[0xff][..], |s| s.as_bytes()));
    }
    for kind in StanceKind::ALL {
        fp.bytes(super::stance_label(site, kind).as_bytes());
    }
    for term in &links.terms {
        fp.bytes(term.url.as_bytes());
        term.forms.iter().for_each(|f| fp.bytes(f.as_bytes()));
    }
    fp.bytes(&[u8::from(releases)]);
    fp.finish()
}

/// The fingerprint of what `f`'s view reads besides the finding and the `shared` part (see
/// [`ViewMemo`]); `None` for a view that is never kept (it names the finding replacing it).
fn input_print(
    site: &Site,
    f: &Finding,
    shared: u128,
    changed: Option<&str>,
    history: (Option<&Vec<FindingChangeView>>, Option<&ReleaseRecordView>),
) -> Option<u128> {
    if f.withdrawn
        .as_ref()
        .is_some_and(|w| w.replaced_by.is_some())
    {
        return None;
    }
    let mut fp = Fingerprint::new();
    fp.print(shared);
    fp.bytes(changed.map_or(&[0xff][..], str::as_bytes));
    match site.sources.get(&f.source) {
        Some(s) => {
            let kind = [&s.title, &s.kind.key, &s.kind.label];
            kind.iter().for_each(|x| fp.bytes(x.as_bytes()));
            fp.bytes(&s.date.year.to_le_bytes());
            for (field, why) in &s.unverified {
                fp.bytes(field.as_bytes());
                fp.bytes(why.as_bytes());
            }
        }
        None => fp.bytes(&[0xff]),
    }
    let origin = f
        .origin
        .as_ref()
        .map(|o| site.sources.get(o).map(|s| &s.title));
    let claims = f
        .stances
        .iter()
        .map(|s| site.claims.get(&s.claim).map(|c| &c.title));
    for title in origin.into_iter().chain(claims) {
        fp.bytes(title.map_or(&[0xff][..], |t| t.as_bytes()));
    }
    add_data(&mut fp, &history).then(|| fp.finish())
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
    let view = finding_view(
        site,
        &Arc::new(f.clone()),
        links,
        &RefIndex::default(),
        changed,
    );
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
        view.history = h.get(view.id()).cloned().unwrap_or_default();
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
    /// What the views share of each source, and of the site.
    source_shared: HashMap<SourceId, Arc<SourceShared>>,
    site: Option<Arc<SiteShared>>,
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
            source_shared: (site.sources.iter())
                .map(|(id, s)| (id.clone(), Arc::new(source_shared(s))))
                .collect(),
            site: Some(Arc::new(site_shared(site))),
        }
    }

    /// The shared part of the views of `id`'s findings (for a source this site lacks, an empty
    /// one).
    fn source_shared(&self, site: &Site, id: &SourceId) -> Arc<SourceShared> {
        (self.source_shared.get(id).cloned()).unwrap_or_else(|| {
            Arc::new(site.sources.get(id).map(source_shared).unwrap_or_default())
        })
    }

    fn site(&self, site: &Site) -> Arc<SiteShared> {
        (self.site.clone()).unwrap_or_else(|| Arc::new(site_shared(site)))
    }

    /// The shared link, or (for a source this site lacks) a new one.
    fn source(&self, links: &Links, id: &SourceId) -> Arc<Ref> {
        (self.sources.get(id).cloned()).unwrap_or_else(|| Arc::new(links.source(id)))
    }

    fn claim(&self, links: &Links, id: &ClaimId) -> Arc<Ref> {
        (self.claims.get(id).cloned()).unwrap_or_else(|| Arc::new(links.claim(id)))
    }
}

fn site_shared(site: &Site) -> SiteShared {
    SiteShared {
        base_path: site.config.base_path.clone(),
        publisher: site.config.publisher.clone(),
        date: site.config.date.clone(),
        stance_labels: StanceKind::ALL.map(|k| Arc::from(super::stance_label(site, k))),
    }
}

fn source_shared(s: &Source) -> SourceShared {
    SourceShared {
        kind: s.kind.key.clone(),
        kind_label: s.kind.label.clone(),
        year: s.date.year,
        unverified: s.unverified.clone(),
    }
}

fn finding_view(
    site: &Site,
    f: &Arc<Finding>,
    links: &Links,
    refs: &RefIndex,
    changed: Option<String>,
) -> FindingView {
    let shared = refs.site(site);
    FindingView {
        finding: f.clone(),
        statement: Html(inline_to_html(&f.statement)),
        title: page_title(f),
        site: shared.clone(),
        source: refs.source(links, &f.source),
        source_shared: refs.source_shared(site, &f.source),
        origin: f.origin.as_ref().map(|o| Box::new(links.source(o))),
        changed,
        stances: f
            .stances
            .iter()
            .map(|s| StanceView {
                claim: refs.claim(links, &s.claim),
                stance: s.kind.key(),
                symbol: s.kind.symbol(),
                label: shared.stance_label(s.kind),
            })
            .collect(),
        notes: {
            let mut used = vec![false; links.terms.len()];
            (f.notes.iter())
                .map(|n| Html(inline_with_terms(n, &links.terms, &mut used)))
                .collect()
        },
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
