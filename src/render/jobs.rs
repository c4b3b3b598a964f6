//! Render jobs: one per page, a template with a function that builds its context from the shared
//! views. Jobs are made up front and run when the consumer asks for the page.

use std::collections::BTreeMap;

use minijinja::{Environment, Value};
use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::layout::output_file;
use crate::markdown::to_html;
use crate::model::{
    ClaimId, Document, Finding, FindingId, GapId, ReadText, Site, SourceId, TopicId,
};
use crate::render::kept::{
    self, add_data, add_hashed, add_print, add_prints, add_value, Fingerprint, Prints,
};
use crate::render::tables::TableView;
use crate::render::templates::{lazy_list, to_value, view_list};
use crate::render::versions::ReleaseView;
use crate::render::views::*;

/// What a job reads: the shared views, the site, and the load stage's reader (plain pages'
/// Markdown is read again when the page is made).
pub(crate) struct JobContext<'a> {
    pub views: &'a Views,
    pub site: &'a Site,
    pub reader: &'a dyn ReadText,
}

/// What builds a page's template context. It fails only when a plain page's Markdown, read again,
/// can no longer be read.
type MakeContext = dyn Fn(&JobContext) -> Result<minijinja::Value, Diagnostic> + Send + Sync;

/// What adds a page's inputs to its key without making its context (see [`crate::render::kept::inputs_key`]):
/// everything the context is made from but the shared `site` value, which the key counts apart.
/// `false` when an input cannot be fingerprinted.
pub(crate) type PageInputs = dyn Fn(&JobContext, &Prints, &mut Fingerprint) -> bool + Send + Sync;

/// Why a page could not be made.
pub(crate) enum JobError {
    Template(minijinja::Error),
    Input(Diagnostic),
}

/// One page to render: a template with its context.
pub(crate) struct Job {
    template: String,
    pub output: String,
    make: Box<MakeContext>,
    /// For a page kept by its inputs (a finding's, most of an evidence site's pages), what they
    /// are; other pages are kept by their context's fingerprint.
    pub inputs: Option<Box<PageInputs>>,
    /// Values of a keyed page's context that its key counts only where the page's template read
    /// them when the page was last made ([`Unread`]).
    pub unread: Option<Unread>,
}

/// Values in a page's context that the default theme's template does not read, though a theme's
/// may: the map of every finding on a topic's page, and the shared lists (of pages, tags,
/// findings…) on a plain page. A page whose template did not read one when the page was last made
/// is the same whatever it holds (templates are deterministic, and only what they read steers
/// them), so the page's key counts each value only if it was read (`kept::counted_key`): editing
/// one finding then leaves the topics' pages as they are, and one page's title the other pages.
pub(crate) struct Unread {
    /// Their names in the context (at most 64).
    pub names: &'static [&'static str],
    /// The fingerprint of the value named `names[at]`.
    pub print: fn(&Prints, at: usize) -> u128,
}

impl Unread {
    /// Each value's fingerprint, in the order of their names.
    pub fn prints(&self, prints: &Prints) -> Vec<u128> {
        (0..self.names.len())
            .map(|at| (self.print)(prints, at))
            .collect()
    }
}

impl Job {
    fn new(
        template: &str,
        path: &str,
        make: impl Fn(&Views) -> minijinja::Value + Send + Sync + 'static,
    ) -> Self {
        Job {
            template: template.to_string(),
            output: output_file(path),
            make: Box::new(move |cx: &JobContext| Ok(make(cx.views))),
            inputs: None,
            unread: None,
        }
    }

    /// A job whose page is kept by its inputs: `inputs` adds what `make` makes the context from
    /// (see [`PageInputs`]).
    fn keyed(
        template: &str,
        path: &str,
        make: impl Fn(&Views) -> minijinja::Value + Send + Sync + 'static,
        inputs: impl Fn(&Views, &Prints, &mut Fingerprint) -> bool + Send + Sync + 'static,
    ) -> Self {
        Job {
            inputs: Some(Box::new(move |cx, prints, fp| inputs(cx.views, prints, fp))),
            ..Job::new(template, path, make)
        }
    }

    pub fn run(&self, env: &Environment, cx: &JobContext) -> Result<String, JobError> {
        let context = self.context(cx).map_err(JobError::Input)?;
        self.run_with(env, context)
    }

    /// The page's template context.
    pub fn context(&self, cx: &JobContext) -> Result<Value, Diagnostic> {
        (self.make)(cx)
    }

    /// The name of the page's template.
    pub fn template(&self) -> &str {
        &self.template
    }

    /// The page with a context made elsewhere (a finding's page as just edited, in `serve`).
    pub fn run_with(&self, env: &Environment, context: Value) -> Result<String, JobError> {
        env.get_template(&self.template)
            .and_then(|t| t.render(context))
            .map_err(JobError::Template)
    }
}

/// A context with `site`, `page` and the given values.
fn context(
    v: &Views,
    page: &PageView,
    values: Vec<(&'static str, minijinja::Value)>,
) -> minijinja::Value {
    let mut map = BTreeMap::from([("site", v.shared.site.clone()), ("page", to_value(page))]);
    map.extend(values);
    to_value(&map)
}

/// Every page of the site, as render jobs.
pub(crate) fn jobs(views: &Views, site: &Site) -> Vec<Job> {
    let mut jobs = page_jobs(views);
    if !views.glossary.is_empty() {
        jobs.push(Job::new("glossary.html", "glossary/", |v| {
            let page = v.site.page("glossary", "Glossary", "glossary/", &[]);
            context(v, &page, vec![("terms", to_value(&v.glossary))])
        }));
    }
    jobs.extend(source_jobs(site));
    jobs.extend(finding_jobs(site));
    jobs.extend(claim_jobs(site));
    jobs.extend(topic_jobs(views));
    jobs.extend(gap_jobs(site));
    jobs.extend(index_jobs());
    jobs.extend(findings_index_jobs(site));
    jobs.extend(table_jobs(site));
    jobs.extend(tag_jobs(views));
    jobs.extend(version_jobs(views));
    jobs
}

/// `/versions/` and each release's "What changed" page (only when the site has releases).
fn version_jobs(views: &Views) -> Vec<Job> {
    let Some(pages) = &views.versions else {
        return Vec::new();
    };
    let mut jobs = vec![Job::new("versions.html", "versions/", |v| {
        let page = v.site.page("versions", "Versions", "versions/", &[]);
        let Some(p) = &v.versions else {
            return context(v, &page, Vec::new());
        };
        let newest_first: Vec<&ReleaseView> = p.releases.iter().rev().collect();
        let values = vec![
            ("releases", to_value(&newest_first)),
            ("unreleased", to_value(&p.unreleased)),
        ];
        context(v, &page, values)
    })];
    for (i, r) in pages.releases.iter().enumerate() {
        let path = crate::render::versions::release_path(&r.version);
        jobs.push(Job::new("version.html", &path.clone(), move |v| {
            let Some(r) = v.versions.as_ref().and_then(|p| p.releases.get(i)) else {
                return minijinja::Value::UNDEFINED;
            };
            let title = v
                .site
                .strings
                .with("version_title", &[("version", &r.version)]);
            let page = v
                .site
                .page("version", &title, &path, &[("Versions", "versions/")]);
            context(v, &page, vec![("release", to_value(r))])
        }));
    }
    jobs
}

/// What the home page and plain pages get besides `site`, `page` and `content`: the shared values
/// ([`page_shared`]) and the tables placed on the home page.
fn page_values(v: &Views) -> Vec<(&'static str, minijinja::Value)> {
    let mut values: Vec<_> = (page_shared(v).into_iter())
        .map(|(name, value)| (name, value.clone()))
        .collect();
    values.push(("tables", to_value(&v.tables_on("home"))));
    values
}

/// The names of the shared values the home page and plain pages get ([`page_shared`]).
const PAGE_SHARED: [&str; 8] = [
    "topics", "claims", "findings", "sources", "gaps", "matrix", "pages", "tags",
];

/// The shared values the home page and plain pages get, named as in [`PAGE_SHARED`].
fn page_shared(v: &Views) -> [(&'static str, &minijinja::Value); 8] {
    let s = &v.shared;
    let values = [
        &s.topics,
        &s.claims,
        &s.findings,
        &s.sources,
        &s.gaps,
        &s.matrix,
        &s.pages,
        &s.tags,
    ];
    std::array::from_fn(|at| (PAGE_SHARED[at], values[at]))
}

/// The fingerprint of each of the shared values plain pages get ([`page_shared`]), in their
/// order: its own among `shared`'s, as the keys of pages keyed by their contexts count it, or else
/// walked. `None` when one cannot be fingerprinted.
pub(crate) fn page_shared_prints(v: &Views, shared: &kept::Shared) -> Option<Vec<u128>> {
    (page_shared(v).into_iter())
        .map(|(_, value)| {
            shared.print(value).or_else(|| {
                let mut fp = Fingerprint::new();
                fp.bytes(b"walked");
                add_value(&mut fp, value).then(|| fp.finish())
            })
        })
        .collect()
}

/// Plain pages (their Markdown read again, page by page), and the home page when the site has
/// no `content/index.md`.
fn page_jobs(views: &Views) -> Vec<Job> {
    let mut jobs = Vec::new();
    for (i, p) in views.pages.iter().enumerate() {
        jobs.push(Job {
            template: p.template.clone(),
            output: output_file(&p.path),
            make: Box::new(move |cx: &JobContext| plain_page(cx, i)),
            inputs: Some(Box::new(move |cx, _, fp| plain_page_inputs(cx, i, fp))),
            unread: Some(Unread {
                names: &PAGE_SHARED,
                print: |prints, at| prints.page_shared[at],
            }),
        });
    }
    if !views.pages.iter().any(|p| p.path.is_empty()) {
        jobs.push(Job::new("home.html", "", |v| {
            let mut page = v.site.page("home", &v.site.title, "", &[]);
            page.breadcrumbs.clear();
            let mut values = vec![("content", minijinja::Value::from_safe_string(String::new()))];
            values.extend(page_values(v));
            context(v, &page, values)
        }));
    }
    jobs
}

fn plain_page(cx: &JobContext, i: usize) -> Result<minijinja::Value, Diagnostic> {
    plain_page_of(cx, i, &cx.site.pages[i].doc)
}

/// The context of plain page `i` with `doc` as its Markdown (the page's own, or in `serve` the
/// page as just edited, with the same front matter).
pub(crate) fn plain_page_of(
    cx: &JobContext,
    i: usize,
    doc: &Document,
) -> Result<minijinja::Value, Diagnostic> {
    let v = cx.views;
    let body = doc.body.text(cx.reader)?;
    let page = plain_page_view(v, i);
    // Made here, page by page, so no page's HTML outlives its render.
    let html = to_html(&body, &doc.links, &doc.figures, &v.terms, v.markdown);
    let mut values = vec![("content", minijinja::Value::from_safe_string(html))];
    values.extend(page_values(v));
    Ok(context(v, &page, values))
}

/// Plain page `i`'s `page` value.
fn plain_page_view(v: &Views, i: usize) -> PageView {
    let p = &v.pages[i];
    let kind = if p.path.is_empty() { "home" } else { "page" };
    let mut page = v.site.page(kind, &p.title, &p.path, &[]);
    page.description = p.description.clone();
    if let Some(r) = v.page_ref_of[i].map(|r| &v.page_refs[r]) {
        page.date = r.date.clone();
        page.tags = r.tags.clone();
    }
    if p.path.is_empty() {
        page.breadcrumbs.clear();
    }
    page
}

/// What plain page `i`'s context is made from, but the shared `site` value and the shared values
/// (the job's [`Unread`] values): its `page` value, its Markdown (not read: its file's place and
/// a hash of its text as parsed, the links and figures it resolves to, the glossary's terms and
/// how Markdown renders) and the tables placed on the home page. Keyed by its context, each
/// page's Markdown was rendered to HTML to be fingerprinted; keyed by its text, read again.
fn plain_page_inputs(cx: &JobContext, i: usize, fp: &mut Fingerprint) -> bool {
    let (v, doc) = (cx.views, &cx.site.pages[i].doc);
    add_hashed(fp, doc);
    add_hashed(fp, &v.terms);
    add_hashed(fp, &v.markdown);
    add_data(fp, &plain_page_view(v, i)) && add_data(fp, &v.tables_on("home"))
}

fn source_jobs(site: &Site) -> Vec<Job> {
    site.sources
        .keys()
        .map(|id| {
            let (id, key) = (id.clone(), id.clone());
            Job::keyed(
                "source.html",
                &id.path(),
                move |v| source_context(v, &v.sources[&id.0]),
                move |v, prints, fp| source_inputs(v, prints, &v.sources[&key.0], fp),
            )
        })
        .collect()
}

fn finding_jobs(site: &Site) -> Vec<Job> {
    site.findings
        .keys()
        .map(|id| {
            let (id, key) = (id.clone(), id.clone());
            Job {
                template: "finding.html".to_string(),
                output: output_file(&id.path()),
                make: Box::new(move |cx: &JobContext| {
                    let view = &cx.views.findings[&id.0];
                    Ok(finding_context(
                        cx,
                        view,
                        cx.site.findings.get(&id).map(|f| &**f),
                    ))
                }),
                inputs: Some(Box::new(move |cx, prints, fp| {
                    finding_inputs(cx, prints, &key, fp)
                })),
                unread: None,
            }
        })
        .collect()
}

/// A finding's page: its view, and the model its citations are made from (the site's, or in
/// `serve` the finding as just edited).
pub(crate) fn finding_context(
    cx: &JobContext,
    view: &FindingView,
    model: Option<&Finding>,
) -> Value {
    let v = cx.views;
    let page = finding_page_view(v, view);
    // The citations are made with the page, and dropped with it.
    let citations = model.map(|model| finding_citations(cx.site, model, &v.citer));
    let finding = citations.map(|citations| FindingPage { view, citations });
    context(v, &page, vec![("finding", to_value(&finding))])
}

fn finding_page_view(v: &Views, view: &FindingView) -> PageView {
    let path = view.path();
    let mut page = v
        .site
        .page("finding", &view.title, &path, &[("Findings", "findings/")]);
    page.description = Some(view.description());
    page.og_type = "website";
    page
}

/// What finding `id`'s page is made from ([`finding_context`]) but the shared `site` value and the
/// site's settings (which every key counts): the page's and the finding's views, and what its
/// citations are made from (the finding's fields [`citation_inputs`] names, and its source's
/// fingerprint).
fn finding_inputs(cx: &JobContext, prints: &Prints, id: &FindingId, fp: &mut Fingerprint) -> bool {
    let view = &cx.views.findings[&id.0];
    if !add_data(fp, &finding_page_view(cx.views, view)) {
        return false;
    }
    add_print(fp, &prints.views.findings, &id.0);
    match cx.site.findings.get(id) {
        Some(f) => {
            for input in citation_inputs(f) {
                fp.bytes(input.as_bytes());
            }
            fp.print(prints.source(&f.source));
        }
        // No model, no citations: the context holds no `finding`.
        None => fp.bytes(b"no finding"),
    }
    true
}

fn claim_jobs(site: &Site) -> Vec<Job> {
    site.claims
        .keys()
        .map(|id| {
            let (id, key) = (id.clone(), id.clone());
            Job::keyed(
                "claim.html",
                &id.path(),
                move |v| claim_context(v, &v.claims[&id.0]),
                move |v, prints, fp| claim_inputs(v, prints, &v.claims[&key.0], fp),
            )
        })
        .collect()
}

/// A source page's context (the source's own view, or in `serve` the source as just edited).
pub(crate) fn source_context(v: &Views, s: &SourceView) -> Value {
    let (page, findings) = source_parts(v, s);
    context(
        v,
        &page,
        vec![("source", to_value(s)), ("findings", to_value(&findings))],
    )
}

/// What a source page's context is made from, but the shared `site` value: its page, the source
/// and its findings (the views by their fingerprints).
fn source_inputs(v: &Views, prints: &Prints, s: &SourceView, fp: &mut Fingerprint) -> bool {
    let (page, findings) = source_parts(v, s);
    if !add_data(fp, &page) {
        return false;
    }
    add_print(fp, &prints.views.sources, &s.id);
    let ids = findings.iter().map(|f| f.id());
    add_prints(fp, &prints.views.findings, ids);
    true
}

fn source_parts<'a>(v: &'a Views, s: &SourceView) -> (PageView, Vec<&'a FindingView>) {
    let path = SourceId(s.id.clone()).path();
    let mut page = v
        .site
        .page("source", &s.title, &path, &[("Sources", "sources/")]);
    page.description = Some(s.description.clone()).filter(|d| !d.is_empty());
    if s.csl_type == "webpage" {
        page.og_type = "website";
    }
    let findings = (s.findings.iter())
        .filter_map(|f| v.findings.get(f).map(|f| &**f))
        .collect();
    (page, findings)
}

/// A claim page's context (the claim's own view, or in `serve` the claim as just edited).
pub(crate) fn claim_context(v: &Views, c: &ClaimView) -> Value {
    let (page, findings, tables) = claim_parts(v, c);
    let values = vec![
        ("claim", to_value(c)),
        ("findings", to_value(&findings)),
        ("tables", to_value(&tables)),
    ];
    context(v, &page, values)
}

/// What a claim page's context is made from, but the shared `site` value: its page, the claim,
/// its findings (the views by their fingerprints) and the tables placed on it.
fn claim_inputs(v: &Views, prints: &Prints, c: &ClaimView, fp: &mut Fingerprint) -> bool {
    let (page, findings, tables) = claim_parts(v, c);
    if !(add_data(fp, &page) && add_data(fp, &tables)) {
        return false;
    }
    add_print(fp, &prints.views.claims, &c.id);
    add_prints(fp, &prints.views.findings, findings.keys().copied());
    true
}

type ClaimParts<'a> = (
    PageView,
    BTreeMap<&'a str, &'a FindingView>,
    Vec<&'a TableView>,
);

fn claim_parts<'a>(v: &'a Views, c: &'a ClaimView) -> ClaimParts<'a> {
    let path = ClaimId(c.id.clone()).path();
    let page = v
        .site
        .page("claim", &c.title, &path, &[("Claims", "claims/")]);
    let findings = (c.evidence.iter())
        .filter_map(|e| (v.findings.get(&e.finding)).map(|f| (e.finding.as_str(), &**f)))
        .collect();
    let tables = v.tables_on(&format!("claim:{}", c.id));
    (page, findings, tables)
}

fn topic_jobs(views: &Views) -> Vec<Job> {
    views
        .topics
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let path = TopicId(t.id.clone()).path();
            Job {
                unread: Some(Unread {
                    names: &["findings"],
                    print: |prints, _| prints.views.every_finding,
                }),
                ..Job::keyed(
                    "topic.html",
                    &path,
                    move |v| topic_context(v, &v.topics[i]),
                    move |v, prints, fp| topic_inputs(v, prints, &v.topics[i], fp),
                )
            }
        })
        .collect()
}

/// A topic page's context (the topic's own view, or in `serve` the topic as just edited).
pub(crate) fn topic_context(v: &Views, t: &TopicView) -> Value {
    let (page, claims, tables) = topic_parts(v, t);
    let values = vec![
        ("topic", to_value(t)),
        ("claims", to_value(&claims)),
        ("tables", to_value(&tables)),
        ("findings", v.shared.findings.clone()),
    ];
    context(v, &page, values)
}

/// What a topic page's context is made from, but the shared `site` value and the shared map of
/// findings (the job's [`Unread`] value): its page, the topic, its claims (by their views'
/// fingerprints) and the tables placed on it. Walked as template values, a topic's claims, each
/// with every finding on it, were most of the time spent keying pages by their contexts.
fn topic_inputs(v: &Views, prints: &Prints, t: &TopicView, fp: &mut Fingerprint) -> bool {
    let (page, claims, tables) = topic_parts(v, t);
    if !(add_data(fp, &page) && add_data(fp, t) && add_data(fp, &tables)) {
        return false;
    }
    add_prints(
        fp,
        &prints.views.claims,
        claims.iter().map(|c| c.id.as_str()),
    );
    true
}

type TopicParts<'a> = (PageView, Vec<&'a ClaimView>, Vec<&'a TableView>);

fn topic_parts<'a>(v: &'a Views, t: &TopicView) -> TopicParts<'a> {
    let path = TopicId(t.id.clone()).path();
    let page = v
        .site
        .page("topic", &t.title, &path, &[("Topics", "topics/")]);
    let claims = t
        .claims
        .iter()
        .filter_map(|c| v.claims.get(c).map(|c| &**c))
        .collect();
    (page, claims, v.tables_on(&format!("topic:{}", t.id)))
}

fn gap_jobs(site: &Site) -> Vec<Job> {
    site.gaps
        .keys()
        .map(|id| {
            let id = id.clone();
            Job::new("gap.html", &id.path(), move |v| {
                gap_context(v, &v.gaps[&id.0])
            })
        })
        .collect()
}

/// A gap page's context (the gap's own view, or in `serve` the gap as just edited).
pub(crate) fn gap_context(v: &Views, g: &GapView) -> Value {
    let path = GapId(g.id.clone()).path();
    let page = v.site.page("gap", &g.title, &path, &[("Gaps", "gaps/")]);
    context(v, &page, vec![("gap", to_value(g))])
}

/// The findings index, grouped by the source each finding is quoted from (a withdrawn finding
/// keeps its page but is not listed), in pages of at most `findings_per_page` findings:
/// `findings/`, then `findings/page/2/`, … A source's findings are never split across pages, so
/// a source with more findings than that has a page of its own.
fn findings_index_jobs(site: &Site) -> Vec<Job> {
    let mut by_source: BTreeMap<&SourceId, Vec<String>> = BTreeMap::new();
    for f in site.findings.values().filter(|f| f.counts()) {
        by_source.entry(&f.source).or_default().push(f.id.0.clone());
    }
    // Only findings whose source resolved are listed (a site with errors still renders).
    let groups = (by_source.into_iter())
        .filter(|(source, _)| site.sources.contains_key(*source))
        .map(|(source, ids)| (source.0.clone(), ids));
    let pages = index_pages(groups, site.config.findings_per_page);
    let total = pages.len();
    (pages.into_iter().enumerate())
        .map(|(i, groups)| {
            let number = i + 1;
            let path = findings_page_path(number);
            let (keyed, at) = (groups.clone(), path.clone());
            Job::keyed(
                "findings.html",
                &path.clone(),
                move |v| findings_page_context(v, &groups, number, total, &path),
                move |v, prints, fp| {
                    findings_page_inputs(v, prints, &keyed, (number, total), &at, fp)
                },
            )
        })
        .collect()
}

/// Groups of findings laid out in pages of at most `per_page` findings (0: one page), a group
/// never split; always at least one page, for an index with nothing to list.
fn index_pages(
    groups: impl Iterator<Item = (String, Vec<String>)>,
    per_page: usize,
) -> Vec<Vec<(String, Vec<String>)>> {
    let mut pages: Vec<Vec<(String, Vec<String>)>> = vec![Vec::new()];
    let mut on_page = 0;
    for group in groups {
        let n = group.1.len();
        if per_page > 0 && on_page > 0 && on_page + n > per_page {
            pages.push(Vec::new());
            on_page = 0;
        }
        on_page += n;
        pages.last_mut().expect("at least one page").push(group);
    }
    pages
}

/// The path of page `number` of the findings index.
fn findings_page_path(number: usize) -> String {
    match number {
        1 => "findings/".to_string(),
        n => format!("findings/page/{n}/"),
    }
}

/// One page of the findings index. Each group (a source's view, and its findings) is converted
/// as the template reads it: all of them at once held a copy of every source's view.
fn findings_page_context(
    v: &Views,
    groups: &[(String, Vec<String>)],
    number: usize,
    total: usize,
    path: &str,
) -> Value {
    let (page, pagination) = findings_page_parts(v, number, total, path);
    let (sources, findings) = (v.sources.clone(), v.findings.clone());
    let groups = groups.to_vec();
    let groups = lazy_list(groups.len(), move |i| {
        let (source, ids) = &groups[i];
        Some(minijinja::context! {
            source => sources.get(source).map(to_value).unwrap_or_default(),
            findings => view_list(&findings, ids.clone()),
        })
    });
    context(
        v,
        &page,
        vec![("groups", groups), ("pagination", to_value(&pagination))],
    )
}

/// What a page of the findings index (`number` of `total`) is made from, but the shared `site`
/// value: its page and pagination, and each group's source and findings (the views by their
/// fingerprints).
fn findings_page_inputs(
    v: &Views,
    prints: &Prints,
    groups: &[(String, Vec<String>)],
    (number, total): (usize, usize),
    path: &str,
    fp: &mut Fingerprint,
) -> bool {
    let (page, pagination) = findings_page_parts(v, number, total, path);
    if !(add_data(fp, &page) && add_data(fp, &pagination)) {
        return false;
    }
    fp.bytes(&(groups.len() as u64).to_le_bytes());
    for (source, ids) in groups {
        add_print(fp, &prints.views.sources, source);
        add_prints(fp, &prints.views.findings, ids.iter().map(String::as_str));
    }
    true
}

fn findings_page_parts(
    v: &Views,
    number: usize,
    total: usize,
    path: &str,
) -> (PageView, Pagination) {
    let page = if number == 1 {
        v.site.page("findings", "Findings", path, &[])
    } else {
        let title = (v.site.strings).with("page_n_of_m", &[("number", &number), ("total", &total)]);
        let title = format!("{} · {title}", v.site.strings.text("title_findings"));
        v.site
            .page("findings", &title, path, &[("Findings", "findings/")])
    };
    let pagination = Pagination::new(&v.site.base_path, number, total, findings_page_path);
    (page, pagination)
}

/// Where a page of a list sits among the list's pages, for its navigation: the pages next to it,
/// the first and the last, and a gap (`number: None`) where pages are left out.
#[derive(Serialize)]
struct Pagination {
    number: usize,
    total: usize,
    previous: Option<String>,
    next: Option<String>,
    pages: Vec<PageLink>,
}

#[derive(Serialize)]
struct PageLink {
    /// `None`: pages left out here.
    number: Option<usize>,
    url: String,
    current: bool,
}

impl Pagination {
    /// Page `number` of `total`, whose paths `path_of` gives (below `base_path`).
    fn new(base_path: &str, number: usize, total: usize, path_of: fn(usize) -> String) -> Self {
        let url = |n: usize| format!("{base_path}{}", path_of(n));
        let shown = |n: usize| n == 1 || n == total || n.abs_diff(number) <= 2;
        let mut pages = Vec::new();
        for n in (1..=total).filter(|&n| shown(n)) {
            if pages
                .last()
                .is_some_and(|p: &PageLink| p.number.is_some_and(|m| m + 1 < n))
            {
                pages.push(PageLink {
                    number: None,
                    url: String::new(),
                    current: false,
                });
            }
            pages.push(PageLink {
                number: Some(n),
                url: url(n),
                current: n == number,
            });
        }
        Pagination {
            number,
            total,
            previous: (number > 1).then(|| url(number - 1)),
            next: (number < total).then(|| url(number + 1)),
            pages,
        }
    }
}

/// The index pages: sources, claims, topics, gaps, search, and the 404 page (the findings index,
/// in pages: [`findings_index_jobs`]).
fn index_jobs() -> Vec<Job> {
    vec![
        Job::keyed(
            "sources.html",
            "sources/",
            |v| {
                let (page, ids) = sources_index_parts(v);
                context(v, &page, vec![("sources", view_list(&v.sources, ids))])
            },
            // Keyed by the sources' views' fingerprints: walking a list of every source's view as
            // template values, to key it by its context, costs more than making the page.
            |v, prints, fp| {
                let (page, ids) = sources_index_parts(v);
                add_prints(fp, &prints.views.sources, ids.iter().map(String::as_str));
                add_data(fp, &page)
            },
        ),
        Job::new("claims.html", "claims/", |v| {
            let page = v.site.page("claims", "Claims", "claims/", &[]);
            let values = vec![
                ("topics", v.shared.topics.clone()),
                ("claims", v.shared.claims.clone()),
            ];
            context(v, &page, values)
        }),
        Job::new("topics.html", "topics/", |v| {
            let page = v.site.page("topics", "Topics", "topics/", &[]);
            let values = vec![
                ("topics", v.shared.topics.clone()),
                ("claims", v.shared.claims.clone()),
            ];
            context(v, &page, values)
        }),
        Job::new("gaps.html", "gaps/", |v| {
            let page = v.site.page("gaps", "What is not known", "gaps/", &[]);
            let list: Vec<&GapView> = v.gaps.values().collect();
            context(
                v,
                &page,
                vec![("gaps", to_value(&list)), ("scope", to_value(&v.scope))],
            )
        }),
        Job::new("search.html", "search/", |v| {
            let page = v.site.page("search", "Search", "search/", &[]);
            context(v, &page, vec![("topics", v.shared.topics.clone())])
        }),
        Job::new("404.html", "404.html", |v| {
            let mut page = v.site.page("404", "Page not found", "404.html", &[]);
            page.breadcrumbs.clear();
            context(v, &page, Vec::new())
        }),
    ]
}

/// The sources index's page, and its sources' ids, oldest first.
fn sources_index_parts(v: &Views) -> (PageView, Vec<String>) {
    let page = v.site.page("sources", "Sources", "sources/", &[]);
    let mut list: Vec<&SourceView> = v.sources.values().map(|s| &**s).collect();
    list.sort_by(|a, b| (a.year, &a.id).cmp(&(b.year, &b.id)));
    (page, list.iter().map(|s| s.id.clone()).collect())
}

/// Each table's and dataset's page, and their indexes.
fn table_jobs(site: &Site) -> Vec<Job> {
    let mut jobs = Vec::new();
    for id in site.tables.keys() {
        let id = id.0.clone();
        let path = format!("tables/{id}/");
        jobs.push(Job::new("table.html", &path.clone(), move |v| {
            let t = &v.tables[&id];
            let page = v
                .site
                .page("table", &t.title, &path, &[("Tables and data", "tables/")]);
            context(v, &page, vec![("table", to_value(t))])
        }));
    }
    for id in site.datasets.keys() {
        let id = id.0.clone();
        let path = format!("datasets/{id}/");
        jobs.push(Job::new("dataset.html", &path.clone(), move |v| {
            let d = &v.datasets[&id];
            let page = v
                .site
                .page("dataset", &d.title, &path, &[("Datasets", "datasets/")]);
            context(v, &page, vec![("dataset", to_value(d))])
        }));
    }
    jobs.push(Job::new("tables.html", "tables/", |v| {
        let page = v.site.page("tables", "Tables and data", "tables/", &[]);
        let values = vec![
            ("tables", to_value(&v.tables.values().collect::<Vec<_>>())),
            (
                "datasets",
                to_value(&v.datasets.values().collect::<Vec<_>>()),
            ),
        ];
        context(v, &page, values)
    }));
    jobs.push(Job::new("datasets.html", "datasets/", |v| {
        let page = v.site.page("datasets", "Datasets", "datasets/", &[]);
        let list = v.datasets.values().collect::<Vec<_>>();
        context(v, &page, vec![("datasets", to_value(&list))])
    }));
    jobs
}

/// The tag list and each tag's page (only when pages carry tags).
fn tag_jobs(views: &Views) -> Vec<Job> {
    let mut jobs = Vec::new();
    if !views.tags.is_empty() {
        jobs.push(Job::new("tags.html", "tags/", |v| {
            let page = v.site.page("tags", "Tags", "tags/", &[]);
            context(v, &page, vec![("tags", v.shared.tags.clone())])
        }));
    }
    for (i, t) in views.tags.iter().enumerate() {
        let path = format!("tags/{}/", t.slug);
        let key_path = path.clone();
        // Keyed by its inputs: a tag's list of pages as template values, walked to key the page by
        // its context, cost more than fingerprinting the pages' references themselves.
        jobs.push(Job::keyed(
            "tag.html",
            &path.clone(),
            move |v| {
                let (t, page, pages) = tag_parts(v, i, &path);
                context(
                    v,
                    &page,
                    vec![("tag", to_value(t)), ("pages", to_value(&pages))],
                )
            },
            move |v, _, fp| {
                let (t, page, pages) = tag_parts(v, i, &key_path);
                add_data(fp, t) && add_data(fp, &page) && add_data(fp, &pages)
            },
        ));
    }
    jobs
}

/// Tag `i`'s view, page and pages, from which its page is made.
fn tag_parts<'v>(v: &'v Views, i: usize, path: &str) -> (&'v TagView, PageView, Vec<&'v PageRef>) {
    let t = &v.tags[i];
    let page = v.site.page("tag", &t.name, path, &[("Tags", "tags/")]);
    let pages = t.pages.iter().map(|&r| &v.page_refs[r]).collect();
    (t, page, pages)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sizes(pages: &[Vec<(String, Vec<String>)>]) -> Vec<Vec<usize>> {
        let size = |g: &(String, Vec<String>)| g.1.len();
        pages.iter().map(|p| p.iter().map(size).collect()).collect()
    }

    fn groups(sizes: &[usize]) -> impl Iterator<Item = (String, Vec<String>)> + '_ {
        (sizes.iter().enumerate()).map(|(i, &n)| (format!("s{i}"), vec![String::new(); n]))
    }

    #[test]
    fn index_pages_fill_up_to_the_limit_and_never_split_a_group() {
        assert_eq!(
            sizes(&index_pages(groups(&[2, 2, 5, 1]), 4)),
            vec![vec![2, 2], vec![5], vec![1]]
        );
        assert_eq!(
            sizes(&index_pages(groups(&[2, 2, 5, 1]), 3)),
            vec![vec![2], vec![2], vec![5], vec![1]]
        );
        assert_eq!(
            sizes(&index_pages(groups(&[2, 2, 5, 1]), 0)),
            vec![vec![2, 2, 5, 1]]
        );
        assert_eq!(
            sizes(&index_pages(groups(&[]), 4)),
            vec![Vec::<usize>::new()]
        );
    }

    #[test]
    fn pagination_shows_the_neighbours_the_ends_and_the_gaps() {
        let shown = |number, total| {
            let p = Pagination::new("/b/", number, total, findings_page_path);
            let pages: Vec<String> = (p.pages.iter())
                .map(|l| match (l.number, l.current) {
                    (Some(n), true) => format!("[{n}]"),
                    (Some(n), false) => n.to_string(),
                    (None, _) => "…".to_string(),
                })
                .collect();
            (pages.join(" "), p.previous, p.next)
        };
        assert_eq!(
            shown(5, 10),
            (
                "1 … 3 4 [5] 6 7 … 10".to_string(),
                Some("/b/findings/page/4/".to_string()),
                Some("/b/findings/page/6/".to_string())
            )
        );
        assert_eq!(
            shown(1, 10),
            (
                "[1] 2 3 … 10".to_string(),
                None,
                Some("/b/findings/page/2/".to_string())
            )
        );
        assert_eq!(
            shown(2, 2),
            ("1 [2]".to_string(), Some("/b/findings/".to_string()), None)
        );
        assert_eq!(shown(1, 1), ("[1]".to_string(), None, None));
    }
}
