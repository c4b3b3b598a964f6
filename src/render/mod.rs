//! The render stage: [`render`] turns the [`Site`] into a plan of output files ([`Rendered`]): a
//! page per node and index, the home and plain pages, `evidence.json`, data downloads, citation
//! exports, feeds, the search index and the theme's static files. Templates see view-models
//! (`views/`), never the model itself; the render stage never touches the disk (plain pages'
//! Markdown is read again through the load stage's reader).
//!
//! - `templates.rs`: the one module that knows minijinja; `jobs.rs`: one job per page.
//! - `views/`: what templates see, one file per kind of page.
//! - `files.rs`: the files that are not pages; `exports.rs` (`evidence.json`, the data package),
//!   `tables.rs` (table and dataset views and downloads), `charts.rs` (SVG), `feeds.rs` (sitemap,
//!   robots, Atom) and `search.rs` (the search index).
//! - `versions.rs`: releases compared (what changed between two evidence graphs) for the
//!   `/versions/` pages and finding pages' histories.
//! - `kept.rs`: pages kept from the last build, by the fingerprints of their contexts.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use minijinja::Environment;
use rayon::prelude::*;

use crate::diagnostic::{Code, Diagnostic};
use crate::layout::{OutputFile, Sink};
use crate::model::{Claim, Finding, Gap, Page, ReadText, Site, Source, Topic};
use crate::permalinks::WantedAnchor;
use crate::theme::{Theme, RELEASE_TEMPLATES, REQUIRED_TEMPLATES};

mod charts;
pub(crate) mod exports;
mod feeds;
mod files;
mod jobs;
mod kept;
pub(crate) mod search;
pub(crate) mod tables;
pub(crate) mod templates;
pub(crate) mod versions;
pub(crate) mod views;

pub use files::FilesMemo;
pub(crate) use views::cite_site;
pub use views::{Memos, ViewMemo};

use jobs::{Job, JobContext, JobError};
use templates::template_error;
use views::Views;

/// The most pages one task of the page run makes (see [`Rendered::produce`]).
const PAGES_PER_TASK: usize = 32;

/// One template mistake fails every page that uses it: each reported once. Sorted first, so
/// which of the repeats is kept does not depend on thread timing.
fn once_each(mut diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diags.sort_by(|a, b| (&a.file, a.position, &a.message).cmp(&(&b.file, b.position, &b.message)));
    let mut seen = HashSet::new();
    diags.retain(|d| seen.insert((d.file.clone(), d.position, d.code)));
    diags
}

/// The rendered site, ready to be produced: the files made up front (exports, data downloads,
/// indexes, assets) and one job per page. Pages are made only when the consumer asks, in parallel:
/// `write` streams each to disk as it is made and keeps none; [`Rendered::collect`] keeps them in
/// memory for tests; `serve` makes each page when a browser asks for it ([`Rendered::file`]).
/// Producing is pure; only the consumer's sink does IO.
pub struct Rendered {
    site: Arc<Site>,
    theme: Arc<Theme>,
    reader: Arc<dyn ReadText>,
    env: Environment<'static>,
    views: Views,
    jobs: Vec<Job>,
    /// Output path → index in `jobs` or `files`.
    index: HashMap<String, Made>,
    files: Vec<OutputFile>,
    /// Templates that failed to compile (reported once, when the environment was made).
    broken: HashSet<String>,
    anchors: BTreeMap<String, Vec<WantedAnchor>>,
    /// How long the parts of rendering took (`build -v` prints them under `render`).
    pub timings: Vec<(&'static str, std::time::Duration)>,
    /// `evidence.json`, the evidence graph's downloads and the search index
    /// ([`files::heavy_files`]), once asked for by path
    /// (`serve`). [`Rendered::produce`] makes them one at a time and keeps none.
    heavy: std::sync::OnceLock<Heavy>,
    /// What `serve` keeps of the files between runs: with it, the heavy files take each
    /// unchanged finding's text from the last run's.
    files_memo: Option<Arc<FilesMemo>>,
    /// The pages the last build made, to keep where nothing they depend on changed
    /// ([`Rendered::keep_pages`], [`Rendered::keep_made`]).
    kept: std::sync::OnceLock<Kept>,
}

/// The pages a site made or kept as it was produced, each with what it was made from: what
/// another site made in the same process needs to keep them ([`Rendered::keep_made`]).
pub struct MadePages {
    stamp: u128,
    pages: HashMap<String, kept::Recorded>,
    /// Its views and their fingerprints: a view the other site shares has the same.
    views: views::PrintedViews,
}

impl MadePages {
    /// Only the pages at the paths `held` says the caller still has.
    pub fn only(mut self, held: impl Fn(&str) -> bool) -> Self {
        self.pages.retain(|path, _| held(path));
        self
    }
}

/// What tells pages held in memory from those of another build of evident: none, for they were
/// made by this very process.
const HELD: &str = "held";

/// A page's key, and its context when that had to be made to key it.
type PageKeys = (Option<PageKey>, Option<minijinja::Value>);

/// A page's key before what its template read counts, and the fingerprints of its job's unread
/// values (`jobs::Unread`), which count where the template read them.
struct PageKey {
    key: u128,
    unread: Vec<u128>,
}

impl PageKey {
    /// The key with the unread values read (a bit each, by place) counted.
    fn with(&self, reads: u64) -> u128 {
        kept::counted_key(self.key, reads, &self.unread)
    }
}

/// Pages kept from the last build ([`kept`]).
struct Kept {
    /// Where the last build's pages are.
    store: Store,
    stamp: u128,
    /// The shared values' fingerprints.
    shared: kept::Shared,
    /// The shared `site` value's but for its counts, for pages keyed by their inputs.
    site: u128,
    /// Each of the site's counts', which count for a page only if its template read them
    /// ([`kept::counted_key`]).
    counts: Vec<u128>,
    /// What those pages' inputs share.
    prints: kept::Prints,
    /// Output path → what the last build recorded of the page there.
    previous: HashMap<String, kept::Recorded>,
    /// The same for this build's pages, as they are made or kept.
    made: Mutex<Vec<(String, kept::Recorded)>>,
    /// How many pages were kept.
    count: AtomicUsize,
}

/// Where the pages of the last build are.
enum Store {
    /// In the output folder, read back from there. When `in_place` (the output folder is updated
    /// in place, so that a kept page's file stays there and need not be read), a page is known by
    /// its stamp, where the last build recorded one.
    Folder { out: PathBuf, in_place: bool },
    /// Held by the caller (`serve`, in memory), every page recorded among them: not read.
    Held,
}

impl Kept {
    /// The last build's page at `path`, if it was made under its key (with the job's unread
    /// values and the site's counts its template read then, [`kept::counted_key`]) and is still
    /// there: a file in
    /// the output folder still the one written then (known by its stamp when the folder is
    /// updated in place, and its HTML then not read: `None`, else read and checked), or a page
    /// held by the caller (not read). With what to record.
    fn page(
        &self,
        path: &str,
        key: &PageKey,
        reader: &dyn ReadText,
    ) -> Option<(Option<String>, kept::Recorded)> {
        let last = self.previous.get(path)?;
        if kept::counted_key(key.with(last.reads), last.counts, &self.counts) != last.key {
            return None;
        }
        match &self.store {
            Store::Folder { out, in_place } => {
                kept::still_there(last, Path::new(path), &out.join(path), *in_place, reader)
            }
            Store::Held => Some((None, *last)),
        }
    }

    fn record(&self, path: &str, recorded: kept::Recorded) {
        self.made
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push((path.to_string(), recorded));
    }
}

/// The heavy files, by output path.
struct Heavy {
    files: Vec<OutputFile>,
    index: HashMap<String, usize>,
}

/// A page made on its own: its output path, and its HTML or what went wrong.
pub type MadePage = (String, Result<String, Vec<Diagnostic>>);

#[derive(Clone, Copy)]
enum Made {
    Job(usize),
    File(usize),
}

impl Rendered {
    /// Every output path known before the files are made, sorted: all but the search index's
    /// chunks, whose names depend on their contents (and which no permalink names).
    pub fn paths(&self) -> Vec<&str> {
        let mut paths: Vec<&str> = (self.index.keys().map(String::as_str))
            .chain(files::HEAVY_PATHS.iter().copied())
            .collect();
        paths.sort_unstable();
        paths
    }

    /// The site rendered.
    pub fn site(&self) -> &Arc<Site> {
        &self.site
    }

    /// How many HTML pages the site has.
    pub fn pages(&self) -> usize {
        self.index.keys().filter(|p| p.ends_with(".html")).count()
    }

    /// Makes one page. `Err` holds what went wrong (empty when the only problem is a template
    /// that failed to compile, which is reported once, elsewhere).
    fn make(&self, job: &Job) -> Result<String, Vec<Diagnostic>> {
        self.finish(job, job.run(&self.env, &self.job_context()))
    }

    /// The page [`Rendered::make`] makes, or the one the last build made when nothing it depends
    /// on changed ([`Rendered::keep_pages`]), handed over as unchanged.
    fn make_or_keep(&self, job: &Job) -> Result<OutputFile, Vec<Diagnostic>> {
        let made = |html: String| OutputFile::new(job.output.clone(), html.into_bytes());
        let Some(kept) = self.kept.get() else {
            return self.make(job).map(made);
        };
        let cx = self.job_context();
        let (keys, context) = self.page_keys(kept, job, &cx)?;
        let reader = self.reader.as_ref();
        let last = (keys.as_ref()).and_then(|key| kept.page(&job.output, key, reader));
        if let Some((html, recorded)) = last {
            kept.count.fetch_add(1, Ordering::Relaxed);
            kept.record(&job.output, recorded);
            // A page known by its stamp is not read: updating in place, its bytes are not needed.
            let bytes = html.map(String::into_bytes).unwrap_or_default();
            return Ok(OutputFile::unchanged(job.output.clone(), bytes));
        }
        let context = match context {
            Some(context) => context,
            None => job.context(&cx).map_err(|d| vec![d])?,
        };
        // Which of the job's unread values the template reads, if it has any.
        let (context, read) = match &job.unread {
            Some(unread) => {
                let (context, read) = templates::watched(context, unread.names);
                (context, Some(read))
            }
            None => (context, None),
        };
        let (run, counts) = templates::counts_read_in(|| job.run_with(&self.env, context));
        let html = self.finish(job, run)?;
        if let Some(key) = keys {
            let reads = read.map_or(0, |r| r.load(Ordering::Relaxed));
            let recorded = kept::Recorded {
                key: kept::counted_key(key.with(reads), counts, &kept.counts),
                bytes: kept::of_bytes(html.as_bytes()),
                stamp: None,
                counts,
                reads,
            };
            kept.record(&job.output, recorded);
        }
        Ok(made(html))
    }

    /// A page's key ([`PageKey`]), and its context when that had to be made to key it.
    fn page_keys(
        &self,
        kept: &Kept,
        job: &Job,
        cx: &JobContext,
    ) -> Result<PageKeys, Vec<Diagnostic>> {
        let anchors = (self.anchors.get(&job.output))
            .map(|a| format!("{a:?}"))
            .unwrap_or_default();
        let page = [job.template(), job.output.as_str(), anchors.as_str()];
        // A page that names its inputs is keyed by them, and its context made only if it changed.
        let (key, context) = match &job.inputs {
            Some(inputs) => {
                let key = kept::inputs_key(kept.stamp, page, kept.site, |fp| {
                    inputs(cx, &kept.prints, fp)
                });
                (key, None)
            }
            None => {
                let context = job.context(cx).map_err(|d| vec![d])?;
                (
                    kept::page_key(kept.stamp, page, &context, &kept.shared),
                    Some(context),
                )
            }
        };
        let unread = (job.unread.as_ref()).map_or_else(Vec::new, |u| u.prints(&kept.prints));
        Ok((key.map(|key| PageKey { key, unread }), context))
    }

    /// Keeps, when the site is produced, the pages the last build into `out` made (`cache` is
    /// what it recorded: [`Rendered::page_cache`]) wherever nothing they depend on has changed.
    /// They are handed over as unchanged (read back from `out`, and checked), so `out` must be
    /// the folder the files are written to; when `in_place` (the write stage updates `out` in
    /// place, leaving unchanged files as they are), a page whose file's stamp is the one recorded
    /// is handed over without reading it, its bytes empty.
    /// `build` tells this build of evident from others (the load stage's `build_id`).
    pub fn keep_pages(&mut self, out: &Path, cache: Option<&[u8]>, build: &str, in_place: bool) {
        let store = Store::Folder {
            out: out.to_path_buf(),
            in_place,
        };
        let previous = |stamp| kept::PageCache::read(cache, stamp);
        let kept = self.keeping(build, store, previous, None);
        self.kept = kept.map(std::sync::OnceLock::from).unwrap_or_default();
    }

    /// Keeps, when the site is produced, the pages an earlier site of this process made
    /// (`before`: [`Rendered::made_pages`], only those its caller still holds) wherever nothing
    /// they depend on has changed. They are handed over as unchanged with empty bytes: the caller
    /// has them. Once only, before the site is first produced (`serve`'s check of every page);
    /// `false` otherwise.
    pub fn keep_made(&self, before: Option<MadePages>) -> bool {
        let printed = before.as_ref().map(|b| b.views.clone());
        let previous = |stamp| match before {
            Some(before) if before.stamp == stamp => before.pages,
            _ => HashMap::new(),
        };
        let Some(kept) = self.keeping(HELD, Store::Held, previous, printed.as_ref()) else {
            return false;
        };
        self.kept.set(kept).is_ok()
    }

    /// What a site needs to keep this one's pages ([`Rendered::keep_made`]): those it made or kept
    /// so far, with what they were made from. `None` when it is not keeping pages.
    pub fn made_pages(&self) -> Option<MadePages> {
        let kept = self.kept.get()?;
        let made = kept.made.lock().unwrap_or_else(|p| p.into_inner());
        Some(MadePages {
            stamp: kept.stamp,
            pages: made.iter().cloned().collect(),
            views: self.views.printed(kept.prints.views.clone()),
        })
    }

    /// How many pages were kept so far ([`Rendered::keep_pages`], [`Rendered::keep_made`]).
    pub fn kept_count(&self) -> usize {
        (self.kept.get()).map_or(0, |k| k.count.load(Ordering::Relaxed))
    }

    /// What keeping pages from `store` needs: the stamp of what every page shares (`build`, the
    /// theme, the site's settings), the pages recorded under it (`previous` of that stamp), and
    /// the views' fingerprints (those of the views `printed` holds taken from it). `None` when a
    /// view cannot be fingerprinted.
    fn keeping(
        &self,
        build: &str,
        store: Store,
        previous: impl FnOnce(u128) -> HashMap<String, kept::Recorded> + Send,
        printed: Option<&views::PrintedViews>,
    ) -> Option<Kept> {
        let mut fp = kept::Fingerprint::new();
        fp.bytes(build.as_bytes());
        for (name, t) in &self.theme.templates {
            fp.bytes(name.as_bytes());
            fp.bytes(t.text.as_bytes());
        }
        fp.bytes(format!("{:?}", self.theme.strings).as_bytes());
        let config = &self.site.config;
        fp.bytes(&[u8::from(config.relative_links)]);
        fp.bytes(config.base_path.as_bytes());
        // Every setting, for the pages keyed by their inputs (whose citations read them).
        fp.bytes(format!("{config:?}").as_bytes());
        let stamp = fp.finish();
        // The last build's record is read while the views are fingerprinted.
        let (prints, previous) = rayon::join(
            || views::view_prints(&self.views, printed),
            || previous(stamp),
        );
        let prints = Arc::new(prints?);
        let shared = kept::Shared::new(
            views::object_address,
            &|v, fp| {
                (views::add_view_map(&prints, v, fp))
                    .or_else(|| views::add_page_list(&self.views, v, fp))
            },
            &self.views.shared.values(),
        )?;
        let mut site = kept::Fingerprint::new();
        if views::add_site(&self.views.shared.site, &mut site) != Some(true) {
            return None;
        }
        let page_shared = jobs::page_shared_prints(&self.views, &shared)?;
        Some(Kept {
            store,
            stamp,
            site: site.finish(),
            counts: views::counts_prints(&self.views.shared.site)?,
            prints: kept::Prints::of(&self.site, prints, page_shared),
            shared,
            previous,
            made: Mutex::new(Vec::new()),
            count: AtomicUsize::new(0),
        })
    }

    /// What the next build needs to keep this one's pages (after [`Rendered::produce`]), and how
    /// many pages were kept; `None` when pages were not being kept.
    pub fn page_cache(&self) -> Option<(Vec<u8>, usize)> {
        let kept = self.kept.get()?;
        let made = std::mem::take(&mut *kept.made.lock().unwrap_or_else(|p| p.into_inner()));
        let count = kept.count.load(Ordering::Relaxed);
        Some((kept::PageCache::write(kept.stamp, made), count))
    }

    fn job_context(&self) -> JobContext<'_> {
        JobContext {
            views: &self.views,
            site: &self.site,
            reader: self.reader.as_ref(),
        }
    }

    /// The page of finding `f` (which need not be this site's: `serve`'s finding as just edited),
    /// as this site would show it were `f` its finding of that id; the page's output path with
    /// it. `None` when the site has no page for a finding of that id. Made as
    /// [`Rendered::file`] makes the page, with the finding's view worked out for it alone.
    pub fn finding_page(&self, f: &Finding) -> Option<MadePage> {
        let (output, job) = self.job_at(&f.id.path())?;
        let cx = self.job_context();
        let links = self.views.links(&self.site, self.reader.as_ref());
        let history = self.views.finding_history.as_ref();
        let view = views::finding_view_alone(&self.site, f, &links, history);
        let context = jobs::finding_context(&cx, &view, Some(f));
        Some((output, self.finish(job, job.run_with(&self.env, context))))
    }

    /// Plain page `page` (which need not be this site's: `serve`'s page as just edited, whose
    /// front matter is the same as this site's page at that path) as this site would show it; the
    /// page's output path with it. `None` when the site has no plain page at that path.
    pub fn plain_page(&self, page: &Page) -> Option<MadePage> {
        let i = self.site.pages.iter().position(|p| p.path == page.path)?;
        let (output, job) = self.job_at(&page.path)?;
        let run = jobs::plain_page_of(&self.job_context(), i, &page.doc)
            .map_err(JobError::Input)
            .and_then(|context| job.run_with(&self.env, context));
        Some((output, self.finish(job, run)))
    }

    /// Topic `t` (`serve`'s topic as just edited, in its body alone) as this site would show it,
    /// with its view worked out for it alone; the page's output path with it. `None` when the
    /// site has no page for it, or its body cannot be read.
    pub fn topic_page(&self, t: &Topic) -> Option<MadePage> {
        self.node_page(
            &t.id.path(),
            |links, d| views::topic_view(&self.site, t, links, d),
            jobs::topic_context,
        )
    }

    /// Claim `c`, as [`Rendered::topic_page`] makes a topic's page.
    pub fn claim_page(&self, c: &Claim) -> Option<MadePage> {
        self.node_page(
            &c.id.path(),
            |links, d| views::claim_view(&self.site, c, links, d),
            jobs::claim_context,
        )
    }

    /// Source `s`, as [`Rendered::topic_page`] makes a topic's page (its citations from this
    /// build's citer, which has them already when only the body changed).
    pub fn source_page(&self, s: &Source) -> Option<MadePage> {
        let citer = &self.views.citer;
        self.node_page(
            &s.id.path(),
            |links, d| views::source_view_alone(&self.site, s, links, citer, d),
            jobs::source_context,
        )
    }

    /// Gap `g`, as [`Rendered::topic_page`] makes a topic's page.
    pub fn gap_page(&self, g: &Gap) -> Option<MadePage> {
        self.node_page(
            &g.id.path(),
            |links, d| views::gap_view(g, links, d),
            jobs::gap_context,
        )
    }

    /// The page at `path` made from a view worked out alone (`view`, which reports what it could
    /// not read) and the page's context builder; `None` when no job makes that page, or the view
    /// reported anything.
    fn node_page<V>(
        &self,
        path: &str,
        view: impl FnOnce(&views::Links, &mut Vec<Diagnostic>) -> V,
        context: fn(&Views, &V) -> minijinja::Value,
    ) -> Option<MadePage> {
        let (output, job) = self.job_at(path)?;
        let links = self.views.links(&self.site, self.reader.as_ref());
        let mut diags = Vec::new();
        let view = view(&links, &mut diags);
        let context = diags.is_empty().then(|| context(&self.views, &view))?;
        Some((output, self.finish(job, job.run_with(&self.env, context))))
    }

    /// The output file of the page at `path` (below the site) and its job, if a job makes it.
    fn job_at(&self, path: &str) -> Option<(String, &Job)> {
        let output = crate::layout::output_file(path);
        let Made::Job(j) = *self.index.get(&output)? else {
            return None;
        };
        Some((output, &self.jobs[j]))
    }

    /// A page as made: checked for the anchors the manifest lists, its links made relative if
    /// the site wants them so; or what went wrong.
    fn finish(&self, job: &Job, run: Result<String, JobError>) -> Result<String, Vec<Diagnostic>> {
        match run {
            Ok(html) => {
                let lost = self
                    .anchors
                    .get(&job.output)
                    .map(|wanted| crate::permalinks::missing_anchors(wanted, &html))
                    .unwrap_or_default();
                if !lost.is_empty() {
                    Err(lost)
                } else if self.site.config.relative_links {
                    let base = &self.site.config.base_path;
                    Ok(crate::html::relative_links(&html, &job.output, base))
                } else {
                    Ok(html)
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
        let Some(made) = self.index.get(path) else {
            let heavy = self.heavy();
            return heavy
                .index
                .get(path)
                .map(|i| Ok(heavy.files[*i].bytes.clone()));
        };
        Some(match *made {
            Made::File(i) => Ok(self.files[i].bytes.clone()),
            Made::Job(i) => self.make(&self.jobs[i]).map(String::into_bytes),
        })
    }

    /// Whether the site has a file at this output path (a search index chunk only once the index
    /// has been made).
    pub fn file_exists(&self, path: &str) -> bool {
        self.index.contains_key(path)
            || files::HEAVY_PATHS.contains(&path)
            || (self.heavy.get()).is_some_and(|h| h.index.contains_key(path))
    }

    /// The heavy files, made now and kept if they have not been.
    fn heavy(&self) -> &Heavy {
        self.heavy.get_or_init(|| {
            let mut files = Vec::new();
            let memo = self.files_memo.as_deref();
            let _ = files::heavy_files(&self.site, memo, &mut |f| {
                files.push(f);
                Ok(())
            });
            let files = OutputFile::joined(files);
            let index = (files.iter().enumerate())
                .map(|(i, f)| (f.path.clone(), i))
                .collect();
            Heavy { files, index }
        })
    }

    /// Makes every file and hands it to `sink`, in parallel and in no particular order. Returns
    /// the diagnostics found while making pages (template errors, anchors the manifest lists that
    /// a page lost), or the sink's first error, which stops the run. A page with a lost anchor is
    /// still made, so that the build reports every problem; the build then fails.
    pub fn produce(&self, sink: &Sink) -> Result<Vec<Diagnostic>, Diagnostic> {
        self.files.par_iter().try_for_each(|f| sink(f.clone()))?;
        let found = Mutex::new(Vec::new());
        // The heavy files are made one after another, beside the pages (which take every other
        // thread), not before them.
        let (heavy, pages) = rayon::join(
            || match self.heavy.get() {
                Some(heavy) => heavy.files.iter().try_for_each(|f| sink(f.clone())),
                None => {
                    let memo = self.files_memo.as_deref();
                    files::heavy_files(&self.site, memo, &mut |f| sink(f))
                }
            },
            || self.make_pages(sink, &found),
        );
        heavy.and(pages)?;
        Ok(once_each(
            found.into_inner().unwrap_or_else(|p| p.into_inner()),
        ))
    }

    /// Makes every page (kept, where it keeps pages) and hands it to `sink`, as
    /// [`Rendered::produce`] does, but none of the other files: they report nothing, so checking
    /// every page (`serve`, after each rebuild) does not make them.
    pub fn produce_pages(&self, sink: &Sink) -> Result<Vec<Diagnostic>, Diagnostic> {
        let found = Mutex::new(Vec::new());
        self.make_pages(sink, &found)?;
        Ok(once_each(
            found.into_inner().unwrap_or_else(|p| p.into_inner()),
        ))
    }

    /// Every page made (or kept) and handed to `sink`; what making them found goes to `found`.
    fn make_pages(&self, sink: &Sink, found: &Mutex<Vec<Diagnostic>>) -> Result<(), Diagnostic> {
        // In small tasks, so that a thread done with other work (the heavy files) takes its share
        // of the pages left (rayon otherwise splits the pages about once per thread, and one
        // thread may finish a large share alone).
        (self.jobs.par_iter().with_max_len(PAGES_PER_TASK)).try_for_each(|job| {
            match self.make_or_keep(job) {
                Ok(file) => sink(file),
                Err(d) => {
                    found.lock().unwrap_or_else(|p| p.into_inner()).extend(d);
                    Ok(())
                }
            }
        })
    }

    /// [`Rendered::produce`] for a build, which hands each file over once: the files made up
    /// front are handed over rather than copied, and so dropped as they are written, before the
    /// heavy files and the pages are made. They are not kept for [`Rendered::file`].
    pub fn produce_once(&mut self, sink: &Sink) -> Result<Vec<Diagnostic>, Diagnostic> {
        let files = std::mem::take(&mut self.files);
        self.index.retain(|_, made| matches!(made, Made::Job(_)));
        files.into_par_iter().try_for_each(sink)?;
        self.produce(sink)
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
        let mut files = OutputFile::joined(files.into_inner().unwrap_or_else(|p| p.into_inner()));
        files.sort_by(|a, b| a.path.cmp(&b.path));
        (files, diags)
    }
}

/// Renders the site. `memos` are what earlier runs made that the views may take ([`Memos`]: by
/// `build`, its citer; by `serve`, also its finding views); the default makes all afresh.
/// `reader` is the load stage's, for plain pages' Markdown.
pub fn render(
    site: &Arc<Site>,
    theme: &Arc<Theme>,
    memos: Memos,
    reader: Arc<dyn ReadText>,
) -> (Rendered, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let env = templates::environment(theme, &mut diags);
    let missing = missing_templates(site, theme);
    let any_missing = theme.unknown || !missing.is_empty();
    // An unknown theme is one mistake, reported once (`unknown-theme`).
    if !theme.unknown {
        diags.extend(missing);
    }
    let broken: HashSet<String> = theme
        .templates
        .keys()
        .filter(|name| env.get_template(name).is_err())
        .cloned()
        .collect();
    let t = std::time::Instant::now();
    let files_memo = memos.files.clone();
    let (views, d) = Views::new(site, memos, reader.as_ref());
    diags.extend(d);
    let views_took = t.elapsed();
    let mut rendered = Rendered {
        site: site.clone(),
        theme: theme.clone(),
        reader,
        env,
        jobs: Vec::new(),
        index: HashMap::new(),
        files: Vec::new(),
        broken,
        anchors: crate::permalinks::wanted_anchors(site),
        views,
        timings: vec![("  views", views_took)],
        heavy: std::sync::OnceLock::new(),
        files_memo: files_memo.clone(),
        kept: std::sync::OnceLock::new(),
    };
    // A missing template stops here; a template that failed to compile does not, so that every
    // other template's mistakes are found in the same run.
    if any_missing {
        return (rendered, diags);
    }
    // The pages' jobs (then the sitemap and feeds, which list the pages) beside the other
    // files: each is a stretch of one thread that the other need not wait for.
    let t = std::time::Instant::now();
    let ((jobs, discovery), files) = rayon::join(
        || {
            let jobs = jobs::jobs(&rendered.views, site);
            let pages: Vec<&str> = jobs.iter().map(|j| j.output.as_str()).collect();
            let dates = &rendered.views.finding_dates;
            let memo = files_memo.as_deref().map(|m| &m.sitemap);
            let discovery = feeds::discovery_files(site, &pages, dates, memo);
            (jobs, discovery)
        },
        || files::other_files(site, &rendered.views, files_memo.as_deref()),
    );
    rendered.timings.push(("  files", t.elapsed()));
    (rendered.jobs, rendered.files) = (jobs, files);
    rendered.files.extend(discovery);
    if site.config.relative_links {
        for f in rendered
            .files
            .iter_mut()
            .filter(|f| f.path.ends_with(".html"))
        {
            let html = String::from_utf8_lossy(&f.bytes);
            let relative = crate::html::relative_links(&html, &f.path, &site.config.base_path);
            f.bytes = relative.into_bytes();
        }
    }
    rendered.index = (rendered.jobs.iter().enumerate())
        .map(|(i, j)| (j.output.clone(), Made::Job(i)))
        .chain((rendered.files.iter().enumerate()).map(|(i, f)| (f.path.clone(), Made::File(i))))
        .collect();
    // The heavy files that a permalink may name are known without making them.
    diags.extend(crate::permalinks::check(site, rendered.paths()));
    (rendered, diags)
}

/// The templates every theme must have that this one lacks (the versions pages' only once the
/// site has releases).
fn missing_templates(site: &Site, theme: &Theme) -> Vec<Diagnostic> {
    let releases: &[&str] = if site.releases.is_empty() {
        &[]
    } else {
        &RELEASE_TEMPLATES
    };
    (REQUIRED_TEMPLATES.iter().chain(releases))
        .filter(|name| !theme.templates.contains_key(**name))
        .map(|name| {
            let folder = PathBuf::from("themes")
                .join(&site.config.theme)
                .join("templates");
            Diagnostic::error(Code::MissingTemplate, format!("the theme has no `{name}`"))
                .in_file(folder)
                .help(format!(
                    "add templates/{name} to the theme or to the site's own templates/ folder"
                ))
        })
        .collect()
}
