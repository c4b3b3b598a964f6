//! The render stage: the one module that knows minijinja. [`render`] turns the [`Site`] into output
//! files: a page per node and index, the home and plain pages, `evidence.json`, and the theme's
//! static files. Templates see view-models defined here (plain serialisable structs), never the
//! model itself.
//!
//! Templates run with strict undefined variables (a typo is an error, not an empty string) and
//! HTML auto-escaping; an error names the template file and line.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use minijinja::{Environment, UndefinedBehavior};
use rayon::prelude::*;
use serde::Serialize;

use crate::cite;
use crate::diagnostic::{Diagnostic, Position};
use crate::export;
use crate::markdown::{inline_to_html, to_html, RawHtml};
use crate::model::*;
use crate::resolve::Theme;
use crate::tableview::{
    dataset_downloads, dataset_view, table_downloads, table_view, DatasetView, TableView,
};

/// One file of the built site.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputFile {
    /// Path below the output folder, with `/` separators, e.g. `sources/x/index.html`.
    pub path: String,
    pub bytes: Vec<u8>,
}

/// The templates every theme must provide.
pub const REQUIRED_TEMPLATES: [&str; 20] = [
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

/// The rendered site, ready to be produced: the files made up front (exports, data downloads,
/// indexes, assets) and one job per page. Pages are made only when the consumer asks, in parallel:
/// `write` streams each to disk as it is made and keeps none; [`Rendered::collect`] keeps them in
/// memory for tests; `serve` makes each page when a browser asks for it ([`Rendered::file`]).
/// Producing is pure; only the consumer's sink does IO.
pub struct Rendered {
    site: Arc<Site>,
    theme: Arc<Theme>,
    env: Environment<'static>,
    views: Views,
    jobs: Vec<Job>,
    /// Output path → index in `jobs` or `files`.
    index: HashMap<String, Made>,
    files: Vec<OutputFile>,
    broken: HashSet<String>,
    anchors: BTreeMap<String, Vec<crate::permalinks::WantedAnchor>>,
}

#[derive(Clone, Copy)]
enum Made {
    Job(usize),
    File(usize),
}

/// What receives each produced file: a folder on disk, a list in memory, or nothing (`check`).
pub type Sink<'s> = dyn Fn(OutputFile) -> Result<(), Diagnostic> + Sync + 's;

impl Rendered {
    /// Every output path, sorted.
    pub fn paths(&self) -> Vec<&str> {
        let mut paths: Vec<&str> = self.index.keys().map(String::as_str).collect();
        paths.sort_unstable();
        paths
    }

    /// How many HTML pages the site has.
    pub fn pages(&self) -> usize {
        self.index.keys().filter(|p| p.ends_with(".html")).count()
    }

    /// Makes one page. `Err` holds what went wrong (empty when the only problem is a template
    /// that failed to compile, which is reported once, elsewhere).
    fn make(&self, job: &Job) -> Result<String, Vec<Diagnostic>> {
        match job.run(&self.env, &self.views, &self.site) {
            Ok(html) => {
                let lost = self
                    .anchors
                    .get(&job.output)
                    .map(|wanted| crate::permalinks::missing_anchors(wanted, &html))
                    .unwrap_or_default();
                if lost.is_empty() {
                    Ok(html)
                } else {
                    Err(lost)
                }
            }
            Err(JobError::Input(d)) => Err(vec![d]),
            Err(JobError::Template(e)) => {
                // A page that fails only because a template it uses did not compile adds nothing
                // to the syntax error already reported.
                let knock_on = e.kind() == minijinja::ErrorKind::TemplateNotFound
                    && self
                        .broken
                        .iter()
                        .any(|b| e.to_string().contains(b.as_str()));
                if knock_on {
                    Err(Vec::new())
                } else {
                    Err(vec![template_error(&self.theme, &e, &job.output)])
                }
            }
        }
    }

    /// One file of the site by output path (`findings/x/index.html`), made now if it is a page;
    /// `None` when the site has no such file.
    pub fn file(&self, path: &str) -> Option<Result<Vec<u8>, Vec<Diagnostic>>> {
        Some(match *self.index.get(path)? {
            Made::File(i) => Ok(self.files[i].bytes.clone()),
            Made::Job(i) => self.make(&self.jobs[i]).map(String::into_bytes),
        })
    }

    /// Whether the site has a file at this output path.
    pub fn file_exists(&self, path: &str) -> bool {
        self.index.contains_key(path)
    }

    /// Makes every file and hands it to `sink`, in parallel and in no particular order. Returns
    /// the diagnostics found while making pages (template errors, anchors the manifest lists that
    /// a page lost), or the sink's first error, which stops the run. A page with a lost anchor is
    /// still made, so that the build reports every problem; the build then fails.
    pub fn produce(&self, sink: &Sink) -> Result<Vec<Diagnostic>, Diagnostic> {
        self.files.par_iter().try_for_each(|f| sink(f.clone()))?;
        let found = Mutex::new(Vec::new());
        let push = |d: Vec<Diagnostic>| {
            found.lock().unwrap_or_else(|p| p.into_inner()).extend(d);
        };
        self.jobs
            .par_iter()
            .try_for_each(|job| match self.make(job) {
                Ok(html) => sink(OutputFile {
                    path: job.output.clone(),
                    bytes: html.into_bytes(),
                }),
                Err(d) => {
                    push(d);
                    Ok(())
                }
            })?;
        // One template mistake fails every page that uses it: report it once. Sorted first, so
        // which of the repeats is kept does not depend on thread timing.
        let mut diags = found.into_inner().unwrap_or_else(|p| p.into_inner());
        diags.sort_by(|a, b| {
            (&a.file, a.position, &a.message).cmp(&(&b.file, b.position, &b.message))
        });
        let mut seen = HashSet::new();
        diags.retain(|d| seen.insert((d.file.clone(), d.position, d.code)));
        Ok(diags)
    }

    /// Makes every file and drops it: every problem making them finds (`check`, a failed build).
    pub fn check(&self) -> Vec<Diagnostic> {
        self.produce(&|_| Ok(())).unwrap_or_else(|d| vec![d])
    }

    /// Makes every file and keeps them, sorted by path.
    pub fn collect(&self) -> (Vec<OutputFile>, Vec<Diagnostic>) {
        let files = Mutex::new(Vec::new());
        let diags = self
            .produce(&|f| {
                files.lock().unwrap_or_else(|p| p.into_inner()).push(f);
                Ok(())
            })
            .unwrap_or_else(|d| vec![d]);
        let mut files = files.into_inner().unwrap_or_else(|p| p.into_inner());
        files.sort_by(|a, b| a.path.cmp(&b.path));
        (files, diags)
    }
}

/// Renders the site. `citer` is one kept from an earlier build (by `serve`), whose citations are
/// reused where the site's shared fields still match; `None` formats afresh.
pub fn render(
    site: &Arc<Site>,
    theme: &Arc<Theme>,
    citer: Option<&cite::Citer>,
) -> (Rendered, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let env = environment(theme, &mut diags);
    for name in REQUIRED_TEMPLATES {
        if !theme.templates.contains_key(name) {
            diags.push(
                Diagnostic::error("missing-template", format!("the theme has no `{name}`"))
                    .in_file(
                        PathBuf::from("themes")
                            .join(&site.config.theme)
                            .join("templates"),
                    )
                    .help(format!(
                        "add templates/{name} to the theme or to the site's own templates/ folder"
                    )),
            );
        }
    }
    let broken: HashSet<String> = theme
        .templates
        .keys()
        .filter(|name| env.get_template(name).is_err())
        .cloned()
        .collect();
    let views = Views::new(site, citer);
    let mut rendered = Rendered {
        site: site.clone(),
        theme: theme.clone(),
        env,
        jobs: Vec::new(),
        index: HashMap::new(),
        files: Vec::new(),
        broken,
        anchors: crate::permalinks::wanted_anchors(site),
        views,
    };
    // A missing template stops here; a template that failed to compile does not, so that every
    // other template's mistakes are found in the same run.
    if diags.iter().any(|d| d.code == "missing-template") {
        return (rendered, diags);
    }
    rendered.jobs = rendered.views.jobs(site);
    rendered.files = other_files(site, &rendered.views);
    let pages: Vec<&str> = rendered.jobs.iter().map(|j| j.output.as_str()).collect();
    let discovery = crate::feeds::discovery_files(site, &pages);
    rendered.files.extend(discovery);
    rendered.index = (rendered.jobs.iter().enumerate())
        .map(|(i, j)| (j.output.clone(), Made::Job(i)))
        .chain((rendered.files.iter().enumerate()).map(|(i, f)| (f.path.clone(), Made::File(i))))
        .collect();
    let paths = rendered.paths();
    diags.extend(crate::permalinks::check(site, paths.iter().copied()));
    (rendered, diags)
}

/// The files that are not pages: `evidence.json`, data downloads, redirects, citation exports,
/// the theme's assets and the search index.
fn other_files(site: &Site, views: &Views) -> Vec<OutputFile> {
    let mut files = vec![OutputFile {
        path: "evidence.json".into(),
        bytes: export::evidence_json(site),
    }];
    // Each table and dataset downloads as CSV and JSON.
    let downloads = views
        .tables
        .values()
        .map(|t| (format!("tables/{}", t.id), table_downloads(site, t)))
        .chain(
            site.datasets
                .values()
                .map(|d| (format!("datasets/{}", d.id), dataset_downloads(site, d))),
        );
    for (stem, (csv, json)) in downloads {
        files.push(OutputFile {
            path: format!("{stem}.csv"),
            bytes: csv,
        });
        files.push(OutputFile {
            path: format!("{stem}.json"),
            bytes: json,
        });
    }
    files.extend(
        export::graph_tables(site)
            .into_iter()
            .map(|(path, bytes)| OutputFile { path, bytes }),
    );
    for (old, new) in &site.redirects {
        files.push(OutputFile {
            path: format!("{old}index.html"),
            bytes: redirect_page(&site.config, new).into_bytes(),
        });
    }
    files.push(OutputFile {
        path: "datapackage.json".into(),
        bytes: export::datapackage(site),
    });
    files.extend(citation_files(site));
    for a in &site.assets {
        files.push(OutputFile {
            path: a.path.clone(),
            bytes: a.bytes.clone(),
        });
    }
    files.extend(crate::search::index_files(site));
    files
}

fn environment(theme: &Theme, diags: &mut Vec<Diagnostic>) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    if let Ok(syntax) = minijinja::syntax::SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .keep_trailing_newline(true)
        .build()
    {
        env.set_syntax(syntax);
    }
    // minijinja's HTML escaping also escapes `/`, which turns every URL into `&#x2f;sub&#x2f;…`:
    // valid, but larger and unreadable. Escape the five characters that matter, and nothing else.
    env.set_formatter(|out, state, value| {
        if value.is_safe() || *state.auto_escape() != minijinja::AutoEscape::Html {
            return minijinja::escape_formatter(out, state, value);
        }
        let text = match value.as_str() {
            Some(s) => escape_html(s),
            None if value.is_none() || value.is_undefined() => {
                return minijinja::escape_formatter(out, state, value)
            }
            None => escape_html(&value.to_string()),
        };
        out.write_str(&text).map_err(minijinja::Error::from)
    });
    for t in theme.templates.values() {
        if let Err(e) = env.add_template_owned(t.name.clone(), t.text.clone()) {
            diags.push(template_error(theme, &e, ""));
        }
    }
    env
}

/// Escapes text for HTML content and attribute values.
pub(crate) fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn template_error(theme: &Theme, e: &minijinja::Error, page: &str) -> Diagnostic {
    let name = e.name().unwrap_or("");
    let file = theme
        .templates
        .get(name)
        .map(|t| t.file.clone())
        .unwrap_or_else(|| PathBuf::from(name));
    let mut message = e
        .detail()
        .map_or_else(|| e.kind().to_string(), str::to_string);
    if message.is_empty() {
        message = e.to_string();
    }
    if !page.is_empty() {
        message = format!("{message} (while rendering {page})");
    }
    let code = match e.kind() {
        minijinja::ErrorKind::SyntaxError => "template-syntax",
        minijinja::ErrorKind::UndefinedError => "template-undefined",
        minijinja::ErrorKind::TemplateNotFound => "template-not-found",
        _ => "template-error",
    };
    let text = theme.templates.get(name).map(|t| t.text.as_str());
    let position = match (e.range(), text) {
        (Some(r), Some(t)) if r.start <= t.len() => {
            Some(Position::of_offset(t, r.start).with_len(r.end.saturating_sub(r.start)))
        }
        _ => e
            .line()
            .map(|l| Position::new(u32::try_from(l).unwrap_or(u32::MAX), 1)),
    };
    Diagnostic::error(code, format!("{}: {message}", e.kind()))
        .at_opt(file, position)
        .help(match code {
            "template-undefined" => "the variable is not given to this template; docs/themes.md lists what each template receives",
            "template-syntax" => "check the {{ }} and {% %} tags near this line",
            _ => "check the template near this line",
        })
}

/// What builds a page's template context from the shared views. It fails only when a plain page's
/// Markdown, read again from disk, can no longer be read.
type MakeContext = dyn Fn(&Views, &Site) -> Result<minijinja::Value, Diagnostic> + Send + Sync;

/// Why a page could not be made.
enum JobError {
    Template(minijinja::Error),
    Input(Diagnostic),
}

/// One page to render: a template with its context.
struct Job {
    template: &'static str,
    template_owned: Option<String>,
    output: String,
    make: Box<MakeContext>,
}

impl Job {
    fn new(
        template: &'static str,
        path: &str,
        make: impl Fn(&Views, &Site) -> minijinja::Value + Send + Sync + 'static,
    ) -> Self {
        Job {
            template,
            template_owned: None,
            output: output_file(path),
            make: Box::new(move |v, s| Ok(make(v, s))),
        }
    }

    /// A job whose context may fail to build (a plain page, whose Markdown is read again).
    fn fallible(
        template: &'static str,
        path: &str,
        make: impl Fn(&Views, &Site) -> Result<minijinja::Value, Diagnostic> + Send + Sync + 'static,
    ) -> Self {
        Job {
            template,
            template_owned: None,
            output: output_file(path),
            make: Box::new(make),
        }
    }

    fn run(&self, env: &Environment, views: &Views, site: &Site) -> Result<String, JobError> {
        let name = self.template_owned.as_deref().unwrap_or(self.template);
        let context = (self.make)(views, site).map_err(JobError::Input)?;
        env.get_template(name)
            .and_then(|t| t.render(context))
            .map_err(JobError::Template)
    }
}

fn output_file(path: &str) -> String {
    if path.ends_with(".html") {
        path.to_string()
    } else {
        format!("{path}index.html")
    }
}

fn to_value<T: Serialize>(value: &T) -> minijinja::Value {
    minijinja::Value::from(minijinja::value::Serde(value))
}

fn ctx<T: Serialize>(
    site: &minijinja::Value,
    page: PageView,
    key: &str,
    value: T,
) -> minijinja::Value {
    let mut map = base(site, &page);
    if !key.is_empty() {
        map.insert(key, to_value(&value));
    }
    to_value(&map)
}

/// What every page's context has: `site` and `page`.
fn base(site: &minijinja::Value, page: &PageView) -> BTreeMap<&'static str, minijinja::Value> {
    BTreeMap::from([("site", site.clone()), ("page", to_value(page))])
}

/// Everything templates may read, built once and shared by all pages.
struct Views {
    site: SiteView,
    raw_html: RawHtml,
    /// Plain pages (not the home page) for lists, newest first, then by title.
    page_refs: Vec<PageRef>,
    /// Each of `site.pages`' index in `page_refs` (`None` for the home page).
    page_ref_of: Vec<Option<usize>>,
    tags: Vec<TagView>,
    pages: Vec<PageBody>,
    sources: BTreeMap<String, SourceView>,
    findings: BTreeMap<String, FindingView>,
    claims: BTreeMap<String, ClaimView>,
    topics: Vec<TopicView>,
    gaps: BTreeMap<String, GapView>,
    tables: BTreeMap<String, TableView>,
    datasets: BTreeMap<String, DatasetView>,
    /// Where tables are shown besides their own pages: `home`, `claim:<id>`, `topic:<id>`.
    placements: BTreeMap<String, Vec<String>>,
    shared: Shared,
}

/// The views many pages receive, converted to template values once: a template value is
/// reference-counted, so every page shares them instead of serialising the whole graph again.
struct Shared {
    site: minijinja::Value,
    topics: minijinja::Value,
    claims: minijinja::Value,
    findings: minijinja::Value,
    sources: minijinja::Value,
    gaps: minijinja::Value,
    matrix: minijinja::Value,
    pages: minijinja::Value,
    tags: minijinja::Value,
}

/// The largest home-page matrix: beyond it the grid is unreadable, so only claim pages show one.
const MATRIX_MAX_SOURCES: usize = 40;
const MATRIX_MAX_CLAIMS: usize = 60;

/// The home page's evidence matrix: claims down, sources across, stances in the cells.
#[derive(Clone, Serialize)]
struct HomeMatrix {
    sources: Vec<MatrixSource>,
    rows: Vec<HomeMatrixRow>,
    /// False when the site is too large for one grid (the home page then links to claims).
    shown: bool,
}

#[derive(Clone, Serialize)]
struct MatrixSource {
    id: String,
    short: String,
    title: String,
    url: String,
    kind_label: &'static str,
}

#[derive(Clone, Serialize)]
struct HomeMatrixRow {
    claim: Ref,
    topic: Ref,
    /// One cell per source in `sources` order.
    cells: Vec<Vec<StanceGroup>>,
    gaps: Vec<Ref>,
}

/// The findings of one source that take one stance on one claim.
#[derive(Clone, Serialize)]
struct StanceGroup {
    stance: &'static str,
    symbol: &'static str,
    label: &'static str,
    findings: Vec<Ref>,
}

#[derive(Clone, Serialize)]
struct SiteView {
    title: String,
    base_url: String,
    base_path: String,
    language: String,
    description: Option<String>,
    version: Option<String>,
    date: Option<String>,
    publisher: Option<String>,
    license: Option<String>,
    repository: Option<String>,
    menu: Vec<MenuView>,
    counts: Counts,
}

#[derive(Clone, Serialize)]
struct MenuView {
    title: String,
    url: String,
}

#[derive(Clone, Serialize)]
struct Counts {
    sources: usize,
    findings: usize,
    claims: usize,
    topics: usize,
    gaps: usize,
}

/// What every template gets as `page`.
#[derive(Clone, Serialize)]
struct PageView {
    kind: &'static str,
    title: String,
    description: Option<String>,
    /// Path below the site, e.g. `sources/x/`.
    path: String,
    /// `base_path` + path: for links.
    url: String,
    /// Absolute URL, for canonical links and metadata.
    permalink: String,
    breadcrumbs: Vec<Crumb>,
    /// A plain page's date (`YYYY-MM-DD`), when it gives one.
    date: Option<String>,
    /// A plain page's tags.
    tags: Vec<TagRef>,
}

#[derive(Clone, Serialize)]
struct TagRef {
    name: String,
    slug: String,
    url: String,
}

/// A plain page in lists: the home page's `pages` and each tag's page.
#[derive(Clone, Serialize)]
struct PageRef {
    title: String,
    url: String,
    date: Option<String>,
    description: Option<String>,
    tags: Vec<TagRef>,
}

#[derive(Serialize)]
struct TagView {
    name: String,
    slug: String,
    url: String,
    count: usize,
    /// Indexes into `Views::page_refs`.
    #[serde(skip)]
    pages: Vec<usize>,
}

#[derive(Clone, Serialize)]
struct Crumb {
    title: String,
    url: String,
}

struct PageBody {
    path: String,
    title: String,
    description: Option<String>,
    template: String,
}

#[derive(Clone, Serialize)]
struct Ref {
    id: String,
    title: String,
    url: String,
}

#[derive(Clone, Serialize)]
struct SourceView {
    id: String,
    url: String,
    title: String,
    short: String,
    csl_type: &'static str,
    type_label: &'static str,
    kind: &'static str,
    kind_label: &'static str,
    authors: Vec<String>,
    author_line: String,
    editors: Vec<String>,
    date: String,
    date_long: String,
    year: i32,
    container_title: Option<String>,
    collection_title: Option<String>,
    volume: Option<String>,
    issue: Option<String>,
    pages: Option<String>,
    publisher: Option<String>,
    publisher_place: Option<String>,
    doi: Option<String>,
    isbn: Option<String>,
    issn: Option<String>,
    url_publisher: Option<String>,
    repository_url: Option<String>,
    archived: bool,
    unverified: BTreeMap<String, String>,
    notes: Vec<String>,
    body: String,
    findings: Vec<String>,
    gaps: Vec<Ref>,
    /// The five formatted references (cite.rs).
    citations: Vec<CitationView>,
    /// Highwire Press `citation_*` tags for the page head.
    meta_tags: Vec<MetaTag>,
    /// schema.org JSON-LD, safe to put inside `<script>`.
    json_ld: String,
    downloads: Downloads,
}

#[derive(Clone, Serialize)]
struct CitationView {
    style: &'static str,
    label: &'static str,
    /// HTML-escaped by cite.rs, with `<i>` for italics.
    html: String,
    text: String,
    in_text: String,
}

impl From<cite::Citation> for CitationView {
    fn from(c: cite::Citation) -> Self {
        CitationView {
            style: c.style.key(),
            label: c.style.label(),
            html: c.html,
            text: c.text,
            in_text: c.in_text,
        }
    }
}

#[derive(Clone, Serialize)]
struct MetaTag {
    name: &'static str,
    content: String,
}

#[derive(Clone, Serialize)]
struct Downloads {
    bib: String,
    ris: String,
    json: String,
}

#[derive(Clone, Serialize)]
struct ValueView {
    kind: &'static str,
    number: Option<f64>,
    min: Option<f64>,
    max: Option<f64>,
    numerator: Option<f64>,
    denominator: Option<f64>,
    scale: Option<&'static str>,
    qualifier: Option<String>,
    per: Option<String>,
    /// A plain-words reading of the structured value, e.g. "more than 2/3".
    text: String,
}

#[derive(Clone, Serialize)]
struct StanceView {
    claim: Ref,
    stance: &'static str,
    symbol: &'static str,
    label: &'static str,
    reason: String,
}

#[derive(Clone, Serialize)]
struct FindingView {
    id: String,
    url: String,
    statement: String,
    figure: String,
    value: ValueView,
    source: Ref,
    source_kind: &'static str,
    source_kind_label: &'static str,
    source_year: i32,
    origin: Option<Ref>,
    locator: String,
    quote: String,
    /// When the finding last changed, from permalinks.txt.
    changed: Option<String>,
    population: Option<String>,
    period: Option<String>,
    place: Option<String>,
    stances: Vec<StanceView>,
    notes: Vec<String>,
    /// The source's references, with in-text citations carrying the locator when CSL can
    /// label it (`locator_in_citation`); otherwise the page shows the locator beside them.
    source_citations: Vec<CitationView>,
    locator_in_citation: bool,
    /// Fields of the source that are not verified, shown beside its citations.
    source_unverified: BTreeMap<String, String>,
    /// This page cited as a web page.
    page_citations: Vec<CitationView>,
    json_ld: String,
}

#[derive(Clone, Serialize)]
struct EvidenceRow {
    finding: String,
    stance: &'static str,
    symbol: &'static str,
    label: &'static str,
    reason: String,
}

#[derive(Clone, Serialize)]
struct StanceCount {
    stance: &'static str,
    symbol: &'static str,
    label: &'static str,
    count: usize,
}

/// One row of a claim's sources × stance matrix.
#[derive(Clone, Serialize)]
struct MatrixRow {
    source: Ref,
    kind_label: &'static str,
    /// One cell per stance in `StanceKind::ALL` order: the findings with that stance.
    cells: Vec<Vec<Ref>>,
}

#[derive(Clone, Serialize)]
struct ClaimView {
    id: String,
    url: String,
    title: String,
    topic: Ref,
    summary: Option<String>,
    body: String,
    evidence: Vec<EvidenceRow>,
    counts: Vec<StanceCount>,
    matrix: Vec<MatrixRow>,
    gaps: Vec<Ref>,
}

#[derive(Clone, Serialize)]
struct TopicView {
    id: String,
    url: String,
    title: String,
    question: Option<String>,
    summary: Option<String>,
    body: String,
    claims: Vec<String>,
}

#[derive(Clone, Serialize)]
struct GapView {
    id: String,
    url: String,
    title: String,
    source: Ref,
    origin: Option<Ref>,
    locator: String,
    quote: String,
    claims: Vec<Ref>,
    expected: Option<String>,
    body: String,
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
    let text = crate::tableview::value_text(v);
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
        text,
    }
}

impl Views {
    fn new(site: &Site, kept: Option<&cite::Citer>) -> Self {
        let c = &site.config;
        let base = c.base_path.clone();
        let url = |path: &str| format!("{base}{path}");
        let site_view = SiteView {
            title: c.title.clone(),
            base_url: c.base_url.clone(),
            base_path: c.base_path.clone(),
            language: c.language.clone(),
            description: c.description.clone(),
            version: c.version.clone(),
            date: c.date.clone(),
            publisher: c.publisher.clone(),
            license: c.license.clone(),
            repository: c.repository.clone(),
            menu: c
                .menu
                .iter()
                .map(|m| MenuView {
                    title: m.title.clone(),
                    url: if m.url.starts_with('/') {
                        format!("{}{}", base.trim_end_matches('/'), m.url)
                    } else {
                        m.url.clone()
                    },
                })
                .collect(),
            counts: Counts {
                sources: site.sources.len(),
                findings: site.findings.len(),
                claims: site.claims.len(),
                topics: site.topics.len(),
                gaps: site.gaps.len(),
            },
        };
        let raw = if c.raw_html {
            RawHtml::Allow
        } else {
            RawHtml::Sanitise
        };
        // Nodes' bodies are held in memory, so reading them cannot fail.
        let html = |d: &Document| to_html(&d.body.text().unwrap_or_default(), &d.links, raw);

        let source_ref = |id: &SourceId| Ref {
            id: id.0.clone(),
            title: site
                .sources
                .get(id)
                .map_or_else(|| id.0.clone(), |s| s.title.clone()),
            url: url(&id.path()),
        };
        let claim_ref = |id: &ClaimId| Ref {
            id: id.0.clone(),
            title: site
                .claims
                .get(id)
                .map_or_else(|| id.0.clone(), |s| s.title.clone()),
            url: url(&id.path()),
        };
        let topic_ref = |id: &TopicId| Ref {
            id: id.0.clone(),
            title: site
                .topics
                .get(id)
                .map_or_else(|| id.0.clone(), |s| s.title.clone()),
            url: url(&id.path()),
        };
        let gap_ref = |id: &GapId| Ref {
            id: id.0.clone(),
            title: site
                .gaps
                .get(id)
                .map_or_else(|| id.0.clone(), |s| s.title.clone()),
            url: url(&id.path()),
        };
        let finding_ref = |id: &FindingId| Ref {
            id: id.0.clone(),
            title: site
                .findings
                .get(id)
                .map_or_else(|| id.0.clone(), |f| f.figure.clone()),
            url: url(&id.path()),
        };

        let pages = site
            .pages
            .iter()
            .map(|p| PageBody {
                path: p.path.clone(),
                title: p.title.clone(),
                description: p.description.clone(),
                template: p.template.clone(),
            })
            .collect();

        let fresh;
        let citer = match kept.filter(|k| k.fits(&cite_site(c))) {
            Some(k) => k,
            None => {
                fresh = cite::Citer::new(&cite_site(c));
                &fresh
            }
        };
        let sources = site
            .sources
            .par_iter()
            .map(|(_, s)| {
                let authors: Vec<String> = s.authors.iter().map(Person::display).collect();
                let view = SourceView {
                    id: s.id.0.clone(),
                    url: url(&s.id.path()),
                    title: s.title.clone(),
                    short: short_citation(s),
                    csl_type: s.source_type.csl(),
                    type_label: s.source_type.label(),
                    kind: s.kind.key(),
                    kind_label: s.kind.label(),
                    author_line: join_names(&authors),
                    authors,
                    editors: s.editors.iter().map(Person::display).collect(),
                    date: s.date.iso(),
                    date_long: s.date.long(),
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
                    archived: s.archive.is_some(),
                    unverified: s.unverified.clone(),
                    notes: s.notes.iter().map(|n| inline_to_html(n)).collect(),
                    body: html(&s.doc),
                    findings: site
                        .backlinks
                        .findings_by_source
                        .get(&s.id)
                        .into_iter()
                        .flatten()
                        .map(|f| f.0.clone())
                        .collect(),
                    gaps: site
                        .backlinks
                        .gaps_by_source
                        .get(&s.id)
                        .into_iter()
                        .flatten()
                        .map(gap_ref)
                        .collect(),
                    citations: citer
                        .source(s)
                        .into_iter()
                        .map(CitationView::from)
                        .collect(),
                    meta_tags: cite::highwire_tags(s)
                        .into_iter()
                        .map(|(name, content)| MetaTag { name, content })
                        .collect(),
                    json_ld: cite::json_ld(s, &format!("{}{}", c.base_url, s.id.path())),
                    downloads: Downloads {
                        bib: url(&export_path(&s.id, "bib")),
                        ris: url(&export_path(&s.id, "ris")),
                        json: url(&export_path(&s.id, "json")),
                    },
                };
                (s.id.0.clone(), view)
            })
            .collect();

        let dates = crate::permalinks::finding_dates(site);
        // Formatting citations is most of the work for a finding: spread it over the cores.
        let findings = site
            .findings
            .par_iter()
            .map(|(_, f)| {
                let src = site.sources.get(&f.source);
                let (source_citations, locator_in_citation) = src
                    .map(|s| citer.with_locator(s, &f.locator))
                    .unwrap_or_default();
                let page = cite::WebPage {
                    id: f.id.0.clone(),
                    title: finding_title(f, src),
                    site_title: c.title.clone(),
                    publisher: c.publisher.clone(),
                    url: format!("{}{}", c.base_url, f.id.path()),
                    version: c.version.clone(),
                    date: c.date.clone(),
                };
                let json_ld = src
                    .map(|s| {
                        let source_url = format!("{}{}", c.base_url, s.id.path());
                        cite::page_json_ld(&page, &f.statement, s, &source_url)
                    })
                    .unwrap_or_default();
                let view = FindingView {
                    id: f.id.0.clone(),
                    url: url(&f.id.path()),
                    statement: inline_to_html(&f.statement),
                    figure: f.figure.clone(),
                    value: value_view(&f.value),
                    source: source_ref(&f.source),
                    source_kind: src.map_or("", |s| s.kind.key()),
                    source_kind_label: src.map_or("", |s| s.kind.label()),
                    source_year: src.map_or(0, |s| s.date.year),
                    origin: f.origin.as_ref().map(source_ref),
                    locator: f.locator.clone(),
                    quote: f.quote.clone(),
                    changed: dates.get(&f.id.0).cloned(),
                    population: f.population.clone(),
                    period: f.period.clone(),
                    place: f.place.clone(),
                    stances: f
                        .stances
                        .iter()
                        .map(|s| StanceView {
                            claim: claim_ref(&s.claim),
                            stance: s.kind.key(),
                            symbol: s.kind.symbol(),
                            label: s.kind.label(),
                            reason: s.reason.clone(),
                        })
                        .collect(),
                    notes: f.notes.iter().map(|n| inline_to_html(n)).collect(),
                    source_citations: source_citations
                        .into_iter()
                        .map(CitationView::from)
                        .collect(),
                    locator_in_citation,
                    source_unverified: src.map(|s| s.unverified.clone()).unwrap_or_default(),
                    page_citations: citer
                        .page(&page)
                        .into_iter()
                        .map(CitationView::from)
                        .collect(),
                    json_ld,
                };
                (f.id.0.clone(), view)
            })
            .collect();

        let claims = site
            .claims
            .values()
            .map(|c| {
                let rows = site
                    .backlinks
                    .stances_by_claim
                    .get(&c.id)
                    .map(Vec::as_slice)
                    .unwrap_or_default();
                let mut evidence: Vec<EvidenceRow> = rows
                    .iter()
                    .map(|(fid, kind)| {
                        let reason = site
                            .findings
                            .get(fid)
                            .and_then(|f| f.stances.iter().find(|s| s.claim == c.id))
                            .map(|s| s.reason.clone())
                            .unwrap_or_default();
                        EvidenceRow {
                            finding: fid.0.clone(),
                            stance: kind.key(),
                            symbol: kind.symbol(),
                            label: kind.label(),
                            reason,
                        }
                    })
                    .collect();
                evidence.sort_by_key(|e| {
                    (
                        StanceKind::ALL.iter().position(|k| k.key() == e.stance),
                        e.finding.clone(),
                    )
                });
                let counts = StanceKind::ALL
                    .iter()
                    .map(|k| StanceCount {
                        stance: k.key(),
                        symbol: k.symbol(),
                        label: k.label(),
                        count: rows.iter().filter(|(_, s)| s == k).count(),
                    })
                    .collect();
                let mut by_source: BTreeMap<SourceId, Vec<Vec<Ref>>> = BTreeMap::new();
                for (fid, kind) in rows {
                    let Some(f) = site.findings.get(fid) else {
                        continue;
                    };
                    let cells = by_source
                        .entry(f.source.clone())
                        .or_insert_with(|| vec![Vec::new(); StanceKind::ALL.len()]);
                    let i = StanceKind::ALL.iter().position(|k| k == kind).unwrap_or(0);
                    cells[i].push(finding_ref(fid));
                }
                let matrix = by_source
                    .into_iter()
                    .map(|(sid, cells)| MatrixRow {
                        kind_label: site.sources.get(&sid).map_or("", |s| s.kind.label()),
                        source: source_ref(&sid),
                        cells,
                    })
                    .collect();
                let view = ClaimView {
                    id: c.id.0.clone(),
                    url: url(&c.id.path()),
                    title: c.title.clone(),
                    topic: topic_ref(&c.topic),
                    summary: c.summary.clone(),
                    body: html(&c.doc),
                    evidence,
                    counts,
                    matrix,
                    gaps: site
                        .backlinks
                        .gaps_by_claim
                        .get(&c.id)
                        .into_iter()
                        .flatten()
                        .map(gap_ref)
                        .collect(),
                };
                (c.id.0.clone(), view)
            })
            .collect();

        let topics = site
            .topics_in_order()
            .into_iter()
            .map(|t| TopicView {
                id: t.id.0.clone(),
                url: url(&t.id.path()),
                title: t.title.clone(),
                question: t.question.clone(),
                summary: t.summary.clone(),
                body: html(&t.doc),
                claims: site
                    .claims_of(&t.id)
                    .iter()
                    .map(|c| c.id.0.clone())
                    .collect(),
            })
            .collect();

        let gaps = site
            .gaps
            .values()
            .map(|g| {
                let view = GapView {
                    id: g.id.0.clone(),
                    url: url(&g.id.path()),
                    title: g.title.clone(),
                    source: source_ref(&g.source),
                    origin: g.origin.as_ref().map(source_ref),
                    locator: g.locator.clone(),
                    quote: g.quote.clone(),
                    claims: g.claims.iter().map(claim_ref).collect(),
                    expected: g.expected.clone(),
                    body: html(&g.doc),
                };
                (g.id.0.clone(), view)
            })
            .collect();

        let tables: BTreeMap<String, TableView> = site
            .tables
            .values()
            .map(|t| (t.id.0.clone(), table_view(site, t)))
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

        // The matrix lists sources that bear on at least one claim, oldest first.
        let mut matrix_sources: Vec<&Source> = site
            .sources
            .values()
            .filter(|s| {
                site.backlinks
                    .findings_by_source
                    .get(&s.id)
                    .into_iter()
                    .flatten()
                    .any(|f| {
                        site.findings
                            .get(f)
                            .is_some_and(|f| f.source == s.id && !f.stances.is_empty())
                    })
            })
            .collect();
        matrix_sources.sort_by(|a, b| (a.date, &a.id).cmp(&(b.date, &b.id)));
        // Past this size a claims × sources grid is too large to read (or to send): the home page
        // says so and each claim page keeps its own matrix.
        let fits =
            matrix_sources.len() <= MATRIX_MAX_SOURCES && site.claims.len() <= MATRIX_MAX_CLAIMS;
        if !fits {
            matrix_sources.clear();
        }
        let column: HashMap<&SourceId, usize> = matrix_sources
            .iter()
            .enumerate()
            .map(|(i, s)| (&s.id, i))
            .collect();
        let mut rows = Vec::new();
        for t in site.topics_in_order().into_iter().filter(|_| fits) {
            for c in site.claims_of(&t.id) {
                // cells[source][stance] = findings, filled in one pass over the claim's stances.
                let mut grid: Vec<Vec<Vec<Ref>>> =
                    vec![vec![Vec::new(); StanceKind::ALL.len()]; matrix_sources.len()];
                for (fid, kind) in site
                    .backlinks
                    .stances_by_claim
                    .get(&c.id)
                    .into_iter()
                    .flatten()
                {
                    let Some(col) = site.findings.get(fid).and_then(|f| column.get(&f.source))
                    else {
                        continue;
                    };
                    let k = StanceKind::ALL.iter().position(|x| x == kind).unwrap_or(0);
                    grid[*col][k].push(finding_ref(fid));
                }
                let cells = grid
                    .into_iter()
                    .map(|by_stance| {
                        by_stance
                            .into_iter()
                            .zip(StanceKind::ALL)
                            .filter(|(findings, _)| !findings.is_empty())
                            .map(|(findings, k)| StanceGroup {
                                stance: k.key(),
                                symbol: k.symbol(),
                                label: k.label(),
                                findings,
                            })
                            .collect()
                    })
                    .collect();
                rows.push(HomeMatrixRow {
                    claim: claim_ref(&c.id),
                    topic: topic_ref(&t.id),
                    cells,
                    gaps: site
                        .backlinks
                        .gaps_by_claim
                        .get(&c.id)
                        .into_iter()
                        .flatten()
                        .map(gap_ref)
                        .collect(),
                });
            }
        }
        let matrix = HomeMatrix {
            shown: fits,
            sources: matrix_sources
                .iter()
                .map(|s| MatrixSource {
                    id: s.id.0.clone(),
                    short: short_citation(s),
                    title: s.title.clone(),
                    url: url(&s.id.path()),
                    kind_label: s.kind.label(),
                })
                .collect(),
            rows,
        };

        let tag_ref = |name: &str| {
            let slug = crate::markdown::slugify(name);
            TagRef {
                name: name.to_string(),
                url: url(&format!("tags/{slug}/")),
                slug,
            }
        };
        let mut order: Vec<usize> = (0..site.pages.len())
            .filter(|&i| !site.pages[i].path.is_empty())
            .collect();
        order.sort_by(|&a, &b| {
            let (a, b) = (&site.pages[a], &site.pages[b]);
            (&b.date, &a.title, &a.path).cmp(&(&a.date, &b.title, &b.path))
        });
        let mut page_ref_of = vec![None; site.pages.len()];
        let page_refs: Vec<PageRef> = order
            .iter()
            .enumerate()
            .map(|(n, &i)| {
                page_ref_of[i] = Some(n);
                let p = &site.pages[i];
                PageRef {
                    title: p.title.clone(),
                    url: url(&p.path),
                    date: p.date.clone(),
                    description: p.description.clone(),
                    tags: p.tags.iter().map(|t| tag_ref(t)).collect(),
                }
            })
            .collect();
        let tags: Vec<TagView> = site
            .tags
            .iter()
            .map(|t| TagView {
                name: t.name.clone(),
                url: url(&format!("tags/{}/", t.slug)),
                slug: t.slug.clone(),
                count: t.pages.len(),
                pages: t.pages.iter().filter_map(|&i| page_ref_of[i]).collect(),
            })
            .collect();

        let shared = Shared {
            pages: to_value(&page_refs),
            tags: to_value(&tags),
            site: to_value(&site_view),
            topics: to_value(&topics),
            claims: to_value(&claims),
            findings: to_value(&findings),
            sources: to_value(&sources),
            gaps: to_value(&gaps),
            matrix: to_value(&matrix),
        };
        Views {
            shared,
            raw_html: raw,
            page_refs,
            page_ref_of,
            tags,
            site: site_view,
            pages,
            sources,
            findings,
            claims,
            topics,
            gaps,
            tables,
            datasets,
            placements,
        }
    }

    /// The tables shown on a page (`home`, `claim:<id>`, `topic:<id>`).
    fn tables_on(&self, key: &str) -> Vec<&TableView> {
        self.placements
            .get(key)
            .into_iter()
            .flatten()
            .filter_map(|id| self.tables.get(id))
            .collect()
    }

    fn page(
        &self,
        kind: &'static str,
        title: &str,
        path: &str,
        crumbs: &[(&str, &str)],
    ) -> PageView {
        let mut breadcrumbs = vec![Crumb {
            title: "Home".into(),
            url: self.site.base_path.clone(),
        }];
        breadcrumbs.extend(crumbs.iter().map(|(t, p)| Crumb {
            title: (*t).to_string(),
            url: format!("{}{p}", self.site.base_path),
        }));
        PageView {
            kind,
            title: title.to_string(),
            description: None,
            path: path.to_string(),
            url: format!("{}{path}", self.site.base_path),
            permalink: format!("{}{path}", self.site.base_url),
            breadcrumbs,
            date: None,
            tags: Vec::new(),
        }
    }

    /// Every page of the site, as render jobs.
    fn jobs(&self, site: &Site) -> Vec<Job> {
        let mut jobs = Vec::new();
        for (i, p) in self.pages.iter().enumerate() {
            let mut job = Job::fallible("page.html", &p.path, move |v: &Views, site: &Site| {
                let doc = &site.pages[i].doc;
                let body = doc.body.text()?;
                let p = &v.pages[i];
                let mut page = v.page(
                    if p.path.is_empty() { "home" } else { "page" },
                    &p.title,
                    &p.path,
                    &[],
                );
                page.description = p.description.clone();
                if let Some(r) = v.page_ref_of[i].map(|r| &v.page_refs[r]) {
                    page.date = r.date.clone();
                    page.tags = r.tags.clone();
                }
                if p.path.is_empty() {
                    page.breadcrumbs.clear();
                }
                let mut map = base(&v.shared.site, &page);
                map.insert(
                    "content",
                    // Made here, page by page, so no page's HTML outlives its render.
                    minijinja::Value::from_safe_string(to_html(&body, &doc.links, v.raw_html)),
                );
                map.insert("topics", v.shared.topics.clone());
                map.insert("claims", v.shared.claims.clone());
                map.insert("findings", v.shared.findings.clone());
                map.insert("sources", v.shared.sources.clone());
                map.insert("gaps", v.shared.gaps.clone());
                map.insert("matrix", v.shared.matrix.clone());
                map.insert("tables", to_value(&v.tables_on("home")));
                map.insert("pages", v.shared.pages.clone());
                map.insert("tags", v.shared.tags.clone());
                Ok(to_value(&map))
            });
            job.template_owned = Some(p.template.clone());
            jobs.push(job);
        }
        let has_home = self.pages.iter().any(|p| p.path.is_empty());
        if !has_home {
            jobs.push(Job::new("home.html", "", |v: &Views, _: &Site| {
                let mut page = v.page("home", &v.site.title, "", &[]);
                page.breadcrumbs.clear();
                let mut map = base(&v.shared.site, &page);
                map.insert("content", minijinja::Value::from_safe_string(String::new()));
                map.insert("topics", v.shared.topics.clone());
                map.insert("claims", v.shared.claims.clone());
                map.insert("findings", v.shared.findings.clone());
                map.insert("sources", v.shared.sources.clone());
                map.insert("gaps", v.shared.gaps.clone());
                map.insert("matrix", v.shared.matrix.clone());
                map.insert("tables", to_value(&v.tables_on("home")));
                map.insert("pages", v.shared.pages.clone());
                map.insert("tags", v.shared.tags.clone());
                to_value(&map)
            }));
        }
        for id in site.sources.keys() {
            let id = id.clone();
            jobs.push(Job::new(
                "source.html",
                &id.path(),
                move |v: &Views, _: &Site| {
                    let s = &v.sources[&id.0];
                    let page = v.page("source", &s.title, &id.path(), &[("Sources", "sources/")]);
                    let findings: Vec<&FindingView> = s
                        .findings
                        .iter()
                        .filter_map(|f| v.findings.get(f))
                        .collect();
                    let mut map = base(&v.shared.site, &page);
                    map.insert("source", to_value(s));
                    map.insert("findings", to_value(&findings));
                    to_value(&map)
                },
            ));
        }
        for id in site.findings.keys() {
            let id = id.clone();
            jobs.push(Job::new(
                "finding.html",
                &id.path(),
                move |v: &Views, _: &Site| {
                    let f = &v.findings[&id.0];
                    let title = finding_title_view(f);
                    let page = v.page("finding", &title, &id.path(), &[("Findings", "findings/")]);
                    ctx(&v.shared.site, page, "finding", f)
                },
            ));
        }
        for id in site.claims.keys() {
            let id = id.clone();
            jobs.push(Job::new(
                "claim.html",
                &id.path(),
                move |v: &Views, _: &Site| {
                    let c = &v.claims[&id.0];
                    let page = v.page("claim", &c.title, &id.path(), &[("Claims", "claims/")]);
                    let findings: BTreeMap<&str, &FindingView> = c
                        .evidence
                        .iter()
                        .filter_map(|e| v.findings.get(&e.finding).map(|f| (e.finding.as_str(), f)))
                        .collect();
                    let mut map = base(&v.shared.site, &page);
                    map.insert("claim", to_value(c));
                    map.insert("findings", to_value(&findings));
                    map.insert("tables", to_value(&v.tables_on(&format!("claim:{}", c.id))));
                    to_value(&map)
                },
            ));
        }
        for (i, t) in self.topics.iter().enumerate() {
            let path = format!("topics/{}/", t.id);
            jobs.push(Job::new(
                "topic.html",
                &path.clone(),
                move |v: &Views, _: &Site| {
                    let t = &v.topics[i];
                    let page = v.page("topic", &t.title, &path, &[("Topics", "topics/")]);
                    let claims: Vec<&ClaimView> =
                        t.claims.iter().filter_map(|c| v.claims.get(c)).collect();
                    let mut map = base(&v.shared.site, &page);
                    map.insert("topic", to_value(t));
                    map.insert("claims", to_value(&claims));
                    map.insert("tables", to_value(&v.tables_on(&format!("topic:{}", t.id))));
                    map.insert("findings", v.shared.findings.clone());
                    to_value(&map)
                },
            ));
        }
        for id in site.gaps.keys() {
            let id = id.clone();
            jobs.push(Job::new(
                "gap.html",
                &id.path(),
                move |v: &Views, _: &Site| {
                    let g = &v.gaps[&id.0];
                    let page = v.page("gap", &g.title, &id.path(), &[("Gaps", "gaps/")]);
                    ctx(&v.shared.site, page, "gap", g)
                },
            ));
        }
        jobs.push(Job::new(
            "sources.html",
            "sources/",
            |v: &Views, _: &Site| {
                let page = v.page("sources", "Sources", "sources/", &[]);
                let mut list: Vec<&SourceView> = v.sources.values().collect();
                list.sort_by(|a, b| (a.year, &a.id).cmp(&(b.year, &b.id)));
                ctx(&v.shared.site, page, "sources", list)
            },
        ));
        jobs.push(Job::new(
            "findings.html",
            "findings/",
            |v: &Views, _: &Site| {
                let page = v.page("findings", "Findings", "findings/", &[]);
                // Findings grouped by the source they are quoted from, in one pass.
                let mut by_source: BTreeMap<&str, Vec<&FindingView>> = BTreeMap::new();
                for f in v.findings.values() {
                    by_source.entry(f.source.id.as_str()).or_default().push(f);
                }
                let groups: Vec<(&SourceView, Vec<&FindingView>)> = v
                    .sources
                    .values()
                    .filter_map(|s| by_source.remove(s.id.as_str()).map(|f| (s, f)))
                    .collect();
                #[derive(Serialize)]
                struct Group<'a> {
                    source: &'a SourceView,
                    findings: Vec<&'a FindingView>,
                }
                let groups: Vec<Group> = groups
                    .into_iter()
                    .map(|(source, findings)| Group { source, findings })
                    .collect();
                ctx(&v.shared.site, page, "groups", groups)
            },
        ));
        jobs.push(Job::new("claims.html", "claims/", |v: &Views, _: &Site| {
            let page = v.page("claims", "Claims", "claims/", &[]);
            let mut map = base(&v.shared.site, &page);
            map.insert("topics", v.shared.topics.clone());
            map.insert("claims", v.shared.claims.clone());
            to_value(&map)
        }));
        jobs.push(Job::new("topics.html", "topics/", |v: &Views, _: &Site| {
            let page = v.page("topics", "Topics", "topics/", &[]);
            let mut map = base(&v.shared.site, &page);
            map.insert("topics", v.shared.topics.clone());
            map.insert("claims", v.shared.claims.clone());
            to_value(&map)
        }));
        jobs.push(Job::new("gaps.html", "gaps/", |v: &Views, _: &Site| {
            let page = v.page("gaps", "Gaps in the evidence", "gaps/", &[]);
            let list: Vec<&GapView> = v.gaps.values().collect();
            ctx(&v.shared.site, page, "gaps", list)
        }));
        for id in site.tables.keys() {
            let id = id.0.clone();
            let path = format!("tables/{id}/");
            jobs.push(Job::new(
                "table.html",
                &path.clone(),
                move |v: &Views, _: &Site| {
                    let t = &v.tables[&id];
                    let page = v.page("table", &t.title, &path, &[("Tables and data", "tables/")]);
                    ctx(&v.shared.site, page, "table", t)
                },
            ));
        }
        for id in site.datasets.keys() {
            let id = id.0.clone();
            let path = format!("datasets/{id}/");
            jobs.push(Job::new(
                "dataset.html",
                &path.clone(),
                move |v: &Views, _: &Site| {
                    let d = &v.datasets[&id];
                    let page = v.page("dataset", &d.title, &path, &[("Datasets", "datasets/")]);
                    ctx(&v.shared.site, page, "dataset", d)
                },
            ));
        }
        jobs.push(Job::new("tables.html", "tables/", |v: &Views, _: &Site| {
            let page = v.page("tables", "Tables and data", "tables/", &[]);
            let mut map = base(&v.shared.site, &page);
            map.insert("tables", to_value(&v.tables.values().collect::<Vec<_>>()));
            map.insert(
                "datasets",
                to_value(&v.datasets.values().collect::<Vec<_>>()),
            );
            to_value(&map)
        }));
        jobs.push(Job::new(
            "datasets.html",
            "datasets/",
            |v: &Views, _: &Site| {
                let page = v.page("datasets", "Datasets", "datasets/", &[]);
                ctx(
                    &v.shared.site,
                    page,
                    "datasets",
                    v.datasets.values().collect::<Vec<_>>(),
                )
            },
        ));
        jobs.push(Job::new("search.html", "search/", |v: &Views, _: &Site| {
            let page = v.page("search", "Search", "search/", &[]);
            let mut map = base(&v.shared.site, &page);
            map.insert("topics", v.shared.topics.clone());
            to_value(&map)
        }));
        if !self.tags.is_empty() {
            jobs.push(Job::new("tags.html", "tags/", |v: &Views, _: &Site| {
                let page = v.page("tags", "Tags", "tags/", &[]);
                let mut map = base(&v.shared.site, &page);
                map.insert("tags", v.shared.tags.clone());
                to_value(&map)
            }));
        }
        for (i, t) in self.tags.iter().enumerate() {
            let path = format!("tags/{}/", t.slug);
            jobs.push(Job::new(
                "tag.html",
                &path.clone(),
                move |v: &Views, _: &Site| {
                    let t = &v.tags[i];
                    let page = v.page("tag", &t.name, &path, &[("Tags", "tags/")]);
                    let pages: Vec<&PageRef> = t.pages.iter().map(|&r| &v.page_refs[r]).collect();
                    let mut map = base(&v.shared.site, &page);
                    map.insert("tag", to_value(t));
                    map.insert("pages", to_value(&pages));
                    to_value(&map)
                },
            ));
        }
        jobs.push(Job::new("404.html", "404.html", |v: &Views, _: &Site| {
            let mut page = v.page("404", "Page not found", "404.html", &[]);
            page.breadcrumbs.clear();
            ctx(&v.shared.site, page, "", ())
        }));
        jobs
    }
}

/// What every page citation of the site shares.
pub fn cite_site(c: &Config) -> cite::WebPage {
    cite::WebPage {
        id: String::new(),
        title: String::new(),
        site_title: c.title.clone(),
        publisher: c.publisher.clone(),
        url: String::new(),
        version: c.version.clone(),
        date: c.date.clone(),
    }
}

/// A page at an old URL that sends readers (and search engines, via the canonical link) to the
/// new one; it works without JavaScript.
fn redirect_page(config: &Config, new: &str) -> String {
    let esc = escape_html;
    let to = esc(&format!("{}{new}", config.base_path));
    let canonical = esc(&format!("{}{new}", config.base_url));
    format!(
        "<!doctype html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<title>Moved: {to}</title>\n<link rel=\"canonical\" href=\"{canonical}\">\n<meta http-equiv=\"refresh\" content=\"0; url={to}\">\n<meta name=\"robots\" content=\"noindex\">\n</head>\n<body>\n<p>This page has moved to <a href=\"{to}\">{to}</a>.</p>\n</body>\n</html>\n",
        esc(&config.language)
    )
}

/// A finding page's title: the figure and the source it is from.
fn finding_title(f: &Finding, source: Option<&Source>) -> String {
    let source = source.map_or_else(|| f.source.0.clone(), |s| s.title.clone());
    format!("{} — {source}", f.figure)
}

fn finding_title_view(f: &FindingView) -> String {
    format!("{} — {}", f.figure, f.source.title)
}

/// `sources/<id>/<id>.bib`: the id in the file name, so a download is recognisable.
fn export_path(id: &SourceId, ext: &str) -> String {
    format!("{}{}.{ext}", id.path(), id.0)
}

/// Per-source BibTeX, RIS and CSL-JSON, and the whole bibliography in each format.
fn citation_files(site: &Site) -> Vec<OutputFile> {
    let mut files = Vec::new();
    for s in site.sources.values() {
        files.push(OutputFile {
            path: export_path(&s.id, "bib"),
            bytes: cite::bibtex(s).into_bytes(),
        });
        files.push(OutputFile {
            path: export_path(&s.id, "ris"),
            bytes: cite::ris(s).into_bytes(),
        });
        files.push(OutputFile {
            path: export_path(&s.id, "json"),
            bytes: cite::csl_json_file(s),
        });
    }
    files.push(OutputFile {
        path: "citations.bib".into(),
        bytes: cite::bibtex_all(site.sources.values()),
    });
    files.push(OutputFile {
        path: "citations.ris".into(),
        bytes: cite::ris_all(site.sources.values()),
    });
    files.push(OutputFile {
        path: "citations.json".into(),
        bytes: cite::csl_json_all(site.sources.values()),
    });
    files
}

fn join_names(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// "Slasberg, Beresford and Schofield (2012)": for lists and table headers.
fn short_citation(s: &Source) -> String {
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
