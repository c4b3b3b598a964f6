//! View-models: what templates see, built once per build from the [`Site`] and shared by every
//! page (templates never see the model). One file per kind of page: `site.rs` (the site and every
//! page's `page`), `sources.rs`, `findings.rs`, `claims.rs`, `nodes.rs` (topics and gaps),
//! `matrix.rs` (the home page's evidence matrix) and `pages.rs` (plain pages and tags).

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;
use serde::Serialize;

use std::sync::{Arc, Mutex};

use crate::cite::Citer;
use crate::diagnostic::Diagnostic;
use crate::markdown::{to_html, MdOptions, RawHtml, TermLink};
use crate::model::*;
use crate::render::kept::{add_data, add_hashed, add_prints, Fingerprint, PrintMap, ViewPrints};
use crate::render::tables::{dataset_view, table_view, DatasetView, TableView};
use crate::render::templates::{to_value, view_map, Html};
use crate::render::versions::{
    release_views, unreleased_view, versions_view, ChangesView, ReleaseView,
};

pub(crate) mod claims;
mod findings;
mod glossary;
mod matrix;
mod nodes;
mod pages;
mod site;
pub(crate) mod sources;

pub(crate) use claims::{claim_view, ClaimView};
pub use findings::ViewMemo;
pub(crate) use findings::{
    citation_inputs, finding_citations, finding_view_alone, FindingPage, FindingView,
};
pub(crate) use glossary::{GlossaryView, ScopeView};
pub(crate) use nodes::{gap_view, topic_view, GapView, TopicView};
pub(crate) use pages::{PageBody, PageRef, TagView};
pub(crate) use site::{cite_site, PageView, SiteView};
pub(crate) use sources::{source_view_alone, SourceView};

/// A link to a node: its id, title and URL.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Ref {
    pub id: String,
    pub title: String,
    pub url: String,
}

/// What rendering may take from earlier runs (in `serve`): the citations formatted, where the
/// site's shared fields still match, the views whose inputs are unchanged, and the sources'
/// citation files.
#[derive(Default, Clone)]
pub struct Memos<'a> {
    pub citer: Option<Arc<Citer>>,
    pub views: Option<&'a ViewMemo>,
    /// The sources' citation files (`serve`).
    pub files: Option<Arc<crate::render::files::FilesMemo>>,
}

/// Everything templates may read, built once and shared by all pages.
pub(crate) struct Views {
    pub site: SiteView,
    pub markdown: MdOptions,
    /// Plain pages (not the home page) for lists, newest first, then by title.
    pub page_refs: Vec<PageRef>,
    /// Each of `site.pages`' index in `page_refs` (`None` for the home page).
    pub page_ref_of: Vec<Option<usize>>,
    pub tags: Vec<TagView>,
    pub pages: Vec<PageBody>,
    /// Each view shared (`Arc`), as the findings' and claims' are, so that `serve` can keep a
    /// view its inputs left alone (see [`ViewMemo`]).
    pub sources: Arc<BTreeMap<String, Arc<SourceView>>>,
    pub findings: Arc<BTreeMap<String, Arc<FindingView>>>,
    pub claims: Arc<BTreeMap<String, Arc<ClaimView>>>,
    pub topics: Vec<TopicView>,
    pub gaps: BTreeMap<String, GapView>,
    pub tables: BTreeMap<String, TableView>,
    pub datasets: BTreeMap<String, DatasetView>,
    pub glossary: Vec<GlossaryView>,
    pub scope: Vec<ScopeView>,
    /// The glossary's terms, for plain pages' Markdown (rendered page by page).
    pub terms: Vec<TermLink>,
    /// Where tables are shown besides their own pages: `home`, `claim:<id>`, `topic:<id>`.
    pub placements: BTreeMap<String, Vec<String>>,
    pub shared: Shared,
    /// Formats what pages format when they are made (a finding's citations).
    pub citer: Arc<Citer>,
    /// The versions pages, when the site has releases.
    pub versions: Option<VersionPages>,
    /// Each finding's changes in past releases, when the site has releases.
    pub finding_history: Option<findings::History>,
    /// The date each finding last changed, by id ([`crate::permalinks::finding_dates`]): for
    /// finding views, and the feed.
    pub finding_dates: BTreeMap<String, String>,
}

/// What `/versions/` and each release's page show.
pub(crate) struct VersionPages {
    /// Oldest first.
    pub releases: Vec<ReleaseView>,
    /// What changed since the newest release, when anything did.
    pub unreleased: Option<ChangesView>,
}

/// The views many pages receive, converted to template values once: a template value is
/// reference-counted, so every page shares them instead of serialising the whole graph again.
pub(crate) struct Shared {
    pub site: minijinja::Value,
    pub topics: minijinja::Value,
    pub claims: minijinja::Value,
    pub findings: minijinja::Value,
    pub sources: minijinja::Value,
    pub gaps: minijinja::Value,
    pub matrix: minijinja::Value,
    pub pages: minijinja::Value,
    pub tags: minijinja::Value,
}

impl Shared {
    /// Every shared value (one object each, which every page that shows it holds a clone of).
    pub fn values(&self) -> [&minijinja::Value; 9] {
        [
            &self.site,
            &self.topics,
            &self.claims,
            &self.findings,
            &self.sources,
            &self.gaps,
            &self.matrix,
            &self.pages,
            &self.tags,
        ]
    }
}

/// The address of the object behind `v`, the same for every clone of it, when it is of a kind the
/// shared values are made of (a map of views, or a converted map or list); `None` otherwise.
pub(crate) fn object_address(v: &minijinja::Value) -> Option<usize> {
    fn at<T>(t: &T) -> usize {
        std::ptr::from_ref(t) as usize
    }
    use crate::render::templates::SiteValue;
    use crate::render::templates::ViewMap;
    use minijinja::Value;
    (v.downcast_object_ref::<ViewMap<Arc<ClaimView>>>().map(at))
        .or_else(|| v.downcast_object_ref::<SiteValue>().map(at))
        .or_else(|| v.downcast_object_ref::<ViewMap<Arc<FindingView>>>().map(at))
        .or_else(|| v.downcast_object_ref::<ViewMap<Arc<SourceView>>>().map(at))
        .or_else(|| v.downcast_object_ref::<BTreeMap<Value, Value>>().map(at))
        .or_else(|| v.downcast_object_ref::<Vec<Value>>().map(at))
}

/// Adds the shared list of plain pages or of tags to a page key's fingerprint from the
/// references it was made from: much quicker than walking it as template values (10,000 pages
/// on a large site). `None` for any other value.
pub(crate) fn add_page_list(
    views: &Views,
    v: &minijinja::Value,
    fp: &mut Fingerprint,
) -> Option<bool> {
    let at = object_address(v)?;
    if object_address(&views.shared.pages) == Some(at) {
        return Some(add_data(fp, &views.page_refs));
    }
    (object_address(&views.shared.tags) == Some(at)).then(|| add_data(fp, &views.tags))
}

/// Adds the site's settings (`site`) to a page key's fingerprint, but for their counts, which
/// count only for the pages that read them (see [`SiteValue`](crate::render::templates::SiteValue)).
/// `None` for any other value.
pub(crate) fn add_site(v: &minijinja::Value, fp: &mut Fingerprint) -> Option<bool> {
    use crate::render::templates::{SiteValue, COUNTS};
    let site = v.downcast_object_ref::<SiteValue>()?;
    Some(crate::render::kept::add_map_but(fp, &site.map, COUNTS))
}

/// The fingerprint of each of the site's counts (`site.counts`, [`add_site`]), in their order.
pub(crate) fn counts_prints(v: &minijinja::Value) -> Option<Vec<u128>> {
    use crate::render::templates::{SiteValue, COUNTS};
    let site = v.downcast_object_ref::<SiteValue>()?;
    let counts = site.map.get_attr(COUNTS).ok()?;
    let print = |key: minijinja::Value| {
        let mut fp = Fingerprint::new();
        let value = counts.get_item(&key).ok()?;
        (crate::render::kept::add_value(&mut fp, &key)
            && crate::render::kept::add_value(&mut fp, &value))
        .then(|| fp.finish())
    };
    counts.try_iter().ok()?.map(print).collect()
}

/// Adds a shared map of views to a page key's fingerprint from its views' fingerprints
/// ([`view_prints`]): much quicker than walking it as template values; or the site's settings
/// ([`add_site`]). `None` for any other value.
pub(crate) fn add_view_map(
    prints: &ViewPrints,
    v: &minijinja::Value,
    fp: &mut Fingerprint,
) -> Option<bool> {
    use crate::render::templates::ViewMap;
    fn add<T>(fp: &mut Fingerprint, map: &BTreeMap<String, T>, of: &PrintMap) -> bool {
        add_prints(fp, of, map.keys().map(String::as_str));
        true
    }
    (v.downcast_object_ref::<ViewMap<Arc<ClaimView>>>()
        .map(|m| add(fp, &m.0, &prints.claims)))
    .or_else(|| {
        (v.downcast_object_ref::<ViewMap<Arc<FindingView>>>())
            .map(|m| add(fp, &m.0, &prints.findings))
    })
    .or_else(|| {
        (v.downcast_object_ref::<ViewMap<Arc<SourceView>>>())
            .map(|m| add(fp, &m.0, &prints.sources))
    })
    .or_else(|| add_site(v, fp))
}

/// The views of fingerprinted maps, with their fingerprints ([`view_prints`]): what a later site
/// of the same process takes the fingerprints of the views it shares with this one from.
#[derive(Clone)]
pub(crate) struct PrintedViews {
    findings: Arc<BTreeMap<String, Arc<FindingView>>>,
    sources: Arc<BTreeMap<String, Arc<SourceView>>>,
    claims: Arc<BTreeMap<String, Arc<ClaimView>>>,
    prints: Arc<ViewPrints>,
}

/// Each finding's, source's and claim's view fingerprinted ([`add_data`]), in parallel; `None`
/// when one cannot be. A view that `before` holds (the very allocation: `serve` kept it) has the
/// fingerprint `before` gave it.
pub(crate) fn view_prints(v: &Views, before: Option<&PrintedViews>) -> Option<ViewPrints> {
    type Before<'a, T> = Option<(&'a BTreeMap<String, Arc<T>>, &'a PrintMap)>;
    fn of<T: Serialize + Send + Sync>(
        map: &BTreeMap<String, Arc<T>>,
        before: Before<T>,
    ) -> Option<PrintMap> {
        (map.par_iter())
            .map(|(id, view)| {
                let held = |(views, prints): (&BTreeMap<String, Arc<T>>, &PrintMap)| {
                    let same = views.get(id).is_some_and(|b| Arc::ptr_eq(b, view));
                    same.then(|| prints.get(id).copied()).flatten()
                };
                if let Some(print) = before.and_then(held) {
                    return Some((id.clone(), print));
                }
                let mut fp = Fingerprint::new();
                add_data(&mut fp, view).then(|| (id.clone(), fp.finish()))
            })
            .collect()
    }
    let findings = before.map(|p| (&*p.findings, &p.prints.findings));
    let sources = before.map(|p| (&*p.sources, &p.prints.sources));
    let claims = before.map(|p| (&*p.claims, &p.prints.claims));
    let ((findings, sources), claims) = rayon::join(
        || rayon::join(|| of(&v.findings, findings), || of(&v.sources, sources)),
        || of(&v.claims, claims),
    );
    let findings = findings?;
    let mut every = Fingerprint::new();
    add_prints(&mut every, &findings, v.findings.keys().map(String::as_str));
    Some(ViewPrints {
        every_finding: every.finish(),
        findings,
        sources: sources?,
        claims: claims?,
    })
}

impl Views {
    /// These views with their fingerprints, for a later site to take them from.
    pub fn printed(&self, prints: Arc<ViewPrints>) -> PrintedViews {
        PrintedViews {
            findings: self.findings.clone(),
            sources: self.sources.clone(),
            claims: self.claims.clone(),
            prints,
        }
    }
}

/// Views of one kind (or what else is made per node: a source's citation files) that `serve`
/// keeps from its last run, by id ([`kept_or_made`]).
pub(crate) struct KeptById<V>(HashMap<String, MemoView<V>>);

impl<V> Default for KeptById<V> {
    fn default() -> Self {
        KeptById(HashMap::new())
    }
}

/// A view of [`kept_or_made`], with the fingerprint of what it was made from (`None`: it is never
/// kept) and what making it reported.
pub(crate) struct MemoView<V> {
    print: Option<u128>,
    view: Arc<V>,
    diags: Vec<Diagnostic>,
}

impl<V> Clone for MemoView<V> {
    fn clone(&self) -> Self {
        MemoView {
            print: self.print,
            view: self.view.clone(),
            diags: self.diags.clone(),
        }
    }
}

/// Where `serve` keeps views of one kind, with the fingerprint of what every view of that kind
/// reads of the site ([`kept_views_print`]).
pub(crate) type Keeping<'a, V> = Option<(&'a Mutex<KeptById<V>>, u128)>;

/// Each of `items`' views by id, what making them reported added to `diags` in `items`' order.
/// With `kept`, a view is taken from the last run's where its fingerprint (`print`, of what it is
/// made from besides what every view of its kind reads; `None` for a view never kept) is the one
/// it was made under, and made with `make` otherwise; this run's views are then kept for the next.
pub(crate) fn kept_or_made<T: Sync, V: Send + Sync>(
    items: Vec<(&str, &T)>,
    kept: Keeping<V>,
    print: impl Fn(&T) -> Option<u128> + Sync,
    make: impl Fn(&T, &mut Vec<Diagnostic>) -> V + Sync,
    diags: &mut Vec<Diagnostic>,
) -> BTreeMap<String, Arc<V>> {
    let held = |m: &Mutex<KeptById<V>>| {
        let mut held = m.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        std::mem::take(&mut *held)
    };
    let before = kept.map(|(m, _)| held(m)).unwrap_or_default();
    let made: Vec<(String, MemoView<V>)> = (items.into_par_iter())
        .map(|(id, item)| {
            let print = kept.and_then(|(_, shared)| {
                let mut fp = Fingerprint::new();
                fp.print(shared);
                fp.print(print(item)?);
                Some(fp.finish())
            });
            let same = |k: &&MemoView<V>| print.is_some() && k.print == print;
            let made = (before.0.get(id).filter(same).cloned()).unwrap_or_else(|| {
                let mut diags = Vec::new();
                let view = Arc::new(make(item, &mut diags));
                MemoView { print, view, diags }
            });
            (id.to_string(), made)
        })
        .collect();
    drop(before);
    if let Some((m, _)) = kept {
        let keep = made.iter().filter(|(_, m)| m.print.is_some()).cloned();
        *m.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = KeptById(keep.collect());
    }
    // Built from the sorted list, the map's nodes are full.
    (made.into_iter())
        .map(|(id, m)| {
            diags.extend(m.diags);
            (id, m.view)
        })
        .collect()
}

/// Adds each of `gaps` by its id and title, as a view's list of them shows it.
pub(crate) fn add_gaps(fp: &mut Fingerprint, site: &Site, gaps: Option<&Vec<GapId>>) {
    for g in gaps.into_iter().flatten() {
        add_hashed(fp, &(g, site.gaps.get(g).map(|g| &g.title)));
    }
}

/// The fingerprint of what every source's and claim's view reads of the site: its URLs, its
/// interface strings, the glossary's terms, how Markdown is rendered, and what the citations are
/// formatted for (`shared_page`, which makes the citer).
fn kept_views_print(site: &Site, links: &Links, shared_page: &crate::cite::WebPage) -> u128 {
    let c = &site.config;
    let mut fp = Fingerprint::new();
    add_hashed(&mut fp, &(&c.base_path, &c.base_url, &*site.strings));
    add_hashed(&mut fp, &(&links.terms, links.markdown, shared_page));
    fp.finish()
}

/// Links to nodes by id, and a node body's HTML: what every kind of view needs.
pub(crate) struct Links<'s> {
    site: &'s Site,
    markdown: MdOptions,
    pub reader: &'s dyn ReadText,
    /// The glossary's terms, for linking each one's first use in a body.
    pub terms: Vec<TermLink>,
}

/// A stance's label in the site's language ("Supports").
pub(crate) fn stance_label(site: &Site, kind: StanceKind) -> String {
    site.strings.text(match kind {
        StanceKind::Supports => "stance_supports",
        StanceKind::Contradicts => "stance_contradicts",
        StanceKind::Mixed => "stance_mixed",
        StanceKind::Context => "stance_context",
    })
}

impl<'s> Links<'s> {
    pub fn url(&self, path: &str) -> String {
        [self.site.config.base_path.as_str(), path].concat()
    }

    fn node<T>(
        &self,
        id: &str,
        path: String,
        title: Option<&T>,
        name: impl Fn(&T) -> String,
    ) -> Ref {
        Ref {
            id: id.to_string(),
            title: title.map_or_else(|| id.to_string(), name),
            url: self.url(&path),
        }
    }

    pub fn source(&self, id: &SourceId) -> Ref {
        self.node(&id.0, id.path(), self.site.sources.get(id), |s| {
            s.title.clone()
        })
    }

    pub fn claim(&self, id: &ClaimId) -> Ref {
        self.node(&id.0, id.path(), self.site.claims.get(id), |c| {
            c.title.clone()
        })
    }

    pub fn topic(&self, id: &TopicId) -> Ref {
        self.node(&id.0, id.path(), self.site.topics.get(id), |t| {
            t.title.clone()
        })
    }

    pub fn gap(&self, id: &GapId) -> Ref {
        self.node(&id.0, id.path(), self.site.gaps.get(id), |g| {
            g.title.clone()
        })
    }

    /// A finding is named by its figure (its statement, when it has none).
    pub fn finding(&self, id: &FindingId) -> Ref {
        let finding = self.site.findings.get(id).map(|f| &**f);
        self.node(&id.0, id.path(), finding, |f| f.label().to_string())
    }

    /// A node's Markdown as HTML. A body that cannot be read is reported (and left empty, in a
    /// build that has then failed).
    pub fn body(&self, d: &Document, diags: &mut Vec<Diagnostic>) -> Html {
        match d.body.text(self.reader) {
            Ok(text) => Html(to_html(
                &text,
                &d.links,
                &d.figures,
                &self.terms,
                self.markdown,
            )),
            Err(e) => {
                diags.push(e);
                Html::default()
            }
        }
    }
}

impl Views {
    pub fn new(site: &Site, memos: Memos, reader: &dyn ReadText) -> (Self, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        let markdown = MdOptions {
            raw: if site.config.raw_html {
                RawHtml::Allow
            } else {
                RawHtml::Sanitise
            },
            highlight: site.config.highlight_code,
        };
        let links = Links {
            site,
            markdown,
            reader,
            terms: glossary::term_links(site),
        };
        let site_view = site::site_view(site);
        let shared_page = cite_site(&site.config);
        let citer = match memos.citer.filter(|k| k.fits(&shared_page)) {
            Some(k) => k,
            None => Arc::new(Citer::new(&shared_page)),
        };
        // A site that cites nothing never loads the styles.
        if !site.sources.is_empty() || !site.findings.is_empty() {
            diags.extend(crate::cite::style_problems(&citer));
            diags.extend(crate::cite::locale_warning(
                &site.config.language,
                site.config.language_at,
            ));
        }
        // What `serve` keeps of the source and claim views, and what all of them read of the site.
        let kept = (memos.views).map(|m| (m, kept_views_print(site, &links, &shared_page)));
        let kept_sources = kept.map(|(m, print)| (&m.sources, print));
        let sources = sources::source_views(site, &links, &citer, kept_sources, &mut diags);
        let sources = Arc::new(sources);
        let versions = (!site.releases.is_empty()).then(|| versions_view(site));
        let finding_dates = crate::permalinks::finding_dates(site);
        let read = (versions.as_ref(), &finding_dates);
        let findings = findings::finding_views(site, &links, read, memos.views);
        let findings = Arc::new(findings);
        let kept_claims = kept.map(|(m, print)| (&m.claims, print));
        let claims = Arc::new(claims::claim_views(site, &links, kept_claims, &mut diags));
        let topics = nodes::topic_views(site, &links, &mut diags);
        let gaps = nodes::gap_views(site, &links, &mut diags);
        let matrix = matrix::home_matrix(site, &links);
        let (page_refs, page_ref_of) = pages::page_refs(site, &links);
        let tags = pages::tag_views(site, &links, &page_ref_of);
        let (tables, datasets, placements) = tables(site);
        let shared = Shared {
            pages: to_value(&page_refs),
            tags: to_value(&tags),
            site: crate::render::templates::site_value(to_value(&site_view)),
            topics: to_value(&topics),
            claims: view_map(&claims),
            findings: view_map(&findings),
            sources: view_map(&sources),
            gaps: to_value(&gaps),
            matrix: to_value(&matrix),
        };
        let views = Views {
            shared,
            markdown,
            page_refs,
            page_ref_of,
            tags,
            site: site_view,
            pages: pages::page_bodies(site),
            sources,
            findings,
            claims,
            topics,
            gaps,
            tables,
            datasets,
            glossary: glossary::glossary_views(site, &links),
            scope: glossary::scope_views(site, &links),
            terms: links.terms.clone(),
            placements,
            citer,
            finding_history: versions.as_ref().map(|v| v.by_finding.clone()),
            finding_dates,
            versions: versions.map(|v| VersionPages {
                releases: release_views(site, &v.history),
                unreleased: unreleased_view(site, &v.history),
            }),
        };
        (views, diags)
    }

    /// The links of views, as the views were made with them.
    pub fn links<'s>(&self, site: &'s Site, reader: &'s dyn ReadText) -> Links<'s> {
        Links {
            site,
            markdown: self.markdown,
            reader,
            terms: self.terms.clone(),
        }
    }

    /// The tables shown on a page (`home`, `claim:<id>`, `topic:<id>`).
    pub fn tables_on(&self, key: &str) -> Vec<&TableView> {
        self.placements
            .get(key)
            .into_iter()
            .flatten()
            .filter_map(|id| self.tables.get(id))
            .collect()
    }
}

type Tables = (
    BTreeMap<String, TableView>,
    BTreeMap<String, DatasetView>,
    BTreeMap<String, Vec<String>>,
);

/// Tables and datasets, and where each table is shown besides its own page.
fn tables(site: &Site) -> Tables {
    let tables: BTreeMap<String, TableView> = site
        .tables
        .par_iter()
        .map(|(_, t)| (t.id.0.clone(), table_view(site, t)))
        .collect();
    let datasets = site
        .datasets
        .values()
        .map(|d| (d.id.0.clone(), dataset_view(site, d)))
        .collect();
    let mut placements: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for t in site.tables.values() {
        for p in &t.show_on {
            let key = match p {
                Placement::Home => "home".to_string(),
                Placement::Claim(c) => format!("claim:{c}"),
                Placement::Topic(tp) => format!("topic:{tp}"),
            };
            placements.entry(key).or_default().push(t.id.0.clone());
        }
    }
    (tables, datasets, placements)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A site with a source, a claim and a finding taking a stance on it for `reason`.
    fn site(reason: &str) -> Site {
        let mut inputs = crate::load::Inputs::default();
        inputs.insert_text("site.yaml", "title: T\nbase_url: https://example.org/\n");
        inputs.insert_text("archive/s.txt", "Most (72%) agreed.");
        inputs.insert_text(
            "content/sources/s.md",
            "---\ntype: report\ntitle: S\ndate: \"2012\"\nkind: report\ndesign: survey\narchive: archive/s.txt\n---\nA summary.\n",
        );
        inputs.insert_text("content/topics/t.md", "---\ntitle: T\n---\n");
        inputs.insert_text(
            "content/claims/c.md",
            "---\ntitle: C\ntopic: t\n---\nBody.\n",
        );
        let finding = format!("findings:\n  - id: most\n    statement: Most agreed.\n    source: s\n    locator: p 1\n    quote: \"Most (72%) agreed.\"\n    stances: [{{claim: c, stance: supports, reason: {reason}}}]\n");
        inputs.insert_text("data/findings/f.yaml", &finding);
        let (parsed, found) = crate::parse::parse(&inputs, &crate::load::Disk);
        // The theme is not among the inputs here: the views do not need it.
        let theme = crate::diagnostic::Code::UnknownTheme;
        assert!(
            found.iter().all(|d| !d.is_error() || d.code == theme),
            "{found:?}"
        );
        let env = crate::model::Environment::default();
        let (site, _, diags) = crate::resolve::resolve(parsed, &env);
        assert!(diags.iter().all(|d| !d.is_error()), "{diags:?}");
        site
    }

    /// A finding's view gives templates every field docs/themes.md names, read from the finding,
    /// its source and the site (the view copies little of them: see [`FindingView`]).
    #[test]
    fn a_finding_view_serializes_every_documented_field() {
        use serde_json::json;
        let mut inputs = crate::load::Inputs::default();
        inputs.insert_text(
            "site.yaml",
            "title: T\nbase_url: https://example.org/sub/\npublisher: P\ndate: \"2026-01-02\"\n",
        );
        inputs.insert_text("archive/s.txt", "Most (72%) agreed.");
        inputs.insert_text(
            "content/sources/s.md",
            "---\ntype: report\ntitle: S\ndate: \"2012\"\nkind: report\ndesign: survey\narchive: archive/s.txt\nunverified: {pages: not printed}\n---\nA summary.\n",
        );
        inputs.insert_text(
            "content/sources/o.md",
            "---\ntype: report\ntitle: O\ndate: \"2011\"\nkind: report\ndesign: survey\n---\nA study.\n",
        );
        inputs.insert_text("content/topics/t.md", "---\ntitle: T\n---\n");
        inputs.insert_text(
            "content/claims/c.md",
            "---\ntitle: C\ntopic: t\n---\nBody.\n",
        );
        inputs.insert_text(
            "data/findings/f.yaml",
            "findings:\n  - id: most\n    statement: Most *agreed*.\n    figure: \"72%\"\n    value: {kind: percent, number: 72}\n    source: s\n    origin: o\n    locator: p 1\n    quote: \"Most (72%) agreed.\"\n    population: adults\n    period: \"2010\"\n    place: England\n    notes: [A note.]\n    stances: [{claim: c, stance: mixed, reason: Some did.}]\n",
        );
        let (parsed, _) = crate::parse::parse(&inputs, &crate::load::Disk);
        let env = crate::model::Environment::default();
        let (site, _, diags) = crate::resolve::resolve(parsed, &env);
        assert!(diags.iter().all(|d| !d.is_error()), "{diags:?}");
        let memos = Memos {
            citer: None,
            views: None,
            files: None,
        };
        let views = Views::new(&site, memos, &crate::load::Disk).0;
        let view = serde_json::to_value(&*views.findings["most"]).unwrap();
        let keys: Vec<&str> = view
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect();
        let documented = "id url statement figure value label title description publisher date \
            source source_kind source_kind_label source_year origin locator quote changed \
            population period place stances notes source_unverified withdrawn history record";
        let mut documented: Vec<&str> = documented.split_whitespace().collect();
        documented.sort();
        assert_eq!(keys, documented);
        let field = |k: &str| view[k].clone();
        let expected = [
            ("id", json!("most")),
            ("url", json!("/sub/findings/most/")),
            ("statement", json!("Most <em>agreed</em>.")),
            ("figure", json!("72%")),
            ("label", json!("72%")),
            ("title", json!("Most agreed (72%)")),
            ("description", json!("“Most (72%) agreed.” (S, p 1)")),
            ("publisher", json!("P")),
            ("date", json!("2026-01-02")),
            (
                "source",
                json!({"id": "s", "title": "S", "url": "/sub/sources/s/"}),
            ),
            ("source_kind", json!("report")),
            ("source_year", json!(2012)),
            (
                "origin",
                json!({"id": "o", "title": "O", "url": "/sub/sources/o/"}),
            ),
            ("locator", json!("p 1")),
            ("quote", json!("Most (72%) agreed.")),
            ("changed", json!(null)),
            ("population", json!("adults")),
            ("period", json!("2010")),
            ("place", json!("England")),
            ("notes", json!(["A note."])),
            ("source_unverified", json!({"pages": "not printed"})),
            ("withdrawn", json!(null)),
        ];
        for (k, v) in expected {
            assert_eq!(field(k), v, "{k}");
        }
        assert!(field("source_kind_label")
            .as_str()
            .is_some_and(|l| !l.is_empty()));
        let stance = &field("stances")[0];
        assert_eq!(stance["claim"]["id"], json!("c"));
        assert_eq!(stance["stance"], json!("mixed"));
        assert_eq!(stance["reason"], json!("Some did."));
        assert_eq!(
            stance["label"],
            json!(stance_label(&site, StanceKind::Mixed))
        );
    }

    /// With a memo (as `serve` has), a source's or claim's view is the last run's, not made
    /// again, while what it reads is unchanged; a claim's view is made again when a stance on
    /// it changes, and the source's is still kept.
    #[test]
    fn the_views_memo_keeps_the_source_and_claim_views_whose_inputs_are_unchanged() {
        let memo = ViewMemo::default();
        let views = |reason| {
            let memos = Memos {
                citer: None,
                views: Some(&memo),
                files: None,
            };
            Views::new(&site(reason), memos, &crate::load::Disk).0
        };
        let first = views("many");
        let same = views("many");
        assert!(Arc::ptr_eq(&first.sources["s"], &same.sources["s"]));
        assert!(Arc::ptr_eq(&first.claims["c"], &same.claims["c"]));
        let changed = views("some");
        assert!(Arc::ptr_eq(&same.sources["s"], &changed.sources["s"]));
        assert!(!Arc::ptr_eq(&same.claims["c"], &changed.claims["c"]));
        assert_eq!(changed.claims["c"].evidence[0].reason, "some");
    }
}
