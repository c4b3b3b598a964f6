//! The pipeline: the stages wired once, load → parse → resolve → render → write, and the commands
//! that run them. `build` and `check` ([`build`]), `permalinks` ([`update_permalinks`]), `serve`
//! (through [`Pipeline::render`]) and the tests ([`build_in_memory`]) all use [`Pipeline`], so
//! every command sees the same site.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::cite::{CiteCache, Citer};
use crate::diagnostic::{self, Code, Diagnostic, Severity};
use crate::layout::{OutputFile, GLOSSARY, MANIFEST};
use crate::load::{self, Disk, Inputs};
use crate::model::{Claim, Document, Environment, Finding, Gap, Page, Site, Source, Topic};
use crate::render::{self, MadePage, Rendered};
use crate::theme::Theme;
use crate::write::{self, NewFile};
use crate::{archive, layout, parse, permalinks, resolve, scaffold};

/// Reads facts from outside the site's files, once, at the edge: the date of this version is
/// `SOURCE_DATE_EPOCH`, else the date of the last commit when the site is in a git checkout (used
/// only when `site.yaml` gives no `date`, so page citations never read "n.d."); `base_url`
/// replaces the site's (`--base-url`, or serve's local address).
pub fn environment(root: &Path, base_url: Option<String>) -> Environment {
    let source_date = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .map(crate::dates::date_from_epoch)
        .or_else(|| load::commit_date(root));
    Environment {
        source_date,
        base_url,
        relative_links: false,
    }
}

/// A stage's name and how long it took.
pub type Timings = Vec<(&'static str, Duration)>;

/// The stages, wired once.
pub struct Pipeline<'a> {
    env: &'a Environment,
    /// Called with each stage's name as it starts (a terminal's progress line).
    progress: &'a dyn Fn(&'static str),
}

/// What parse, resolve and render made of the inputs: the site, its plan of output files, and
/// every diagnostic so far.
pub struct Rendering {
    pub site: Arc<Site>,
    pub rendered: Rendered,
    pub diagnostics: Vec<Diagnostic>,
    pub timings: Timings,
}

impl<'a> Pipeline<'a> {
    pub fn new(env: &'a Environment, progress: &'a dyn Fn(&'static str)) -> Self {
        Pipeline { env, progress }
    }

    /// Reads the site at `root` (skipping the folder `skip`, an output inside the site).
    pub fn load(&self, root: &Path, skip: Option<&Path>) -> (Inputs, Vec<Diagnostic>, Duration) {
        (self.progress)("reading");
        let t = Instant::now();
        let (inputs, diags) = load::load(root, skip);
        (inputs, diags, t.elapsed())
    }

    /// Parses, resolves and renders the inputs.
    pub fn render(&self, inputs: &Inputs) -> Rendering {
        let front = self.resolve(inputs);
        self.render_site(front, render::Memos::default())
    }

    /// Parses and resolves the inputs.
    pub fn resolve(&self, inputs: &Inputs) -> Resolved {
        self.resolve_with(inputs, Memos::default(), false)
    }

    /// [`Pipeline::resolve`], parsing again only the files `memos.parsed` does not hold as they
    /// are, and checking again only the quotes `memos.checks` does not know passed; `keep`:
    /// keeping what resolving a finding alone needs.
    pub fn resolve_with(&self, inputs: &Inputs, memos: Memos, keep: bool) -> Resolved {
        let mut timings = Vec::new();
        (self.progress)("parsing");
        let t = Instant::now();
        let (parsed, mut diags) = parse::parse_with(inputs, &Disk, memos.parsed);
        timings.push(("parse", t.elapsed()));
        (self.progress)("resolving");
        let t = Instant::now();
        let (site, theme, d, context) =
            resolve::resolve_keeping(parsed, self.env, keep, memos.resolve);
        diags.extend(d);
        timings.push(("resolve", t.elapsed()));
        Resolved {
            site: Arc::new(site),
            theme: Arc::new(theme),
            diagnostics: diags,
            timings,
            context,
        }
    }

    /// Renders a resolved site, with what earlier runs made that it may take ([`render::Memos`]).
    pub fn render_site(&self, front: Resolved, memos: render::Memos) -> Rendering {
        let Resolved {
            site,
            theme,
            mut diagnostics,
            mut timings,
            ..
        } = front;
        (self.progress)("rendering");
        let t = Instant::now();
        let (rendered, d) = render::render(&site, &theme, memos, Arc::new(Disk));
        diagnostics.extend(d);
        timings.push(("render", t.elapsed()));
        timings.extend(rendered.timings.iter().copied());
        Rendering {
            site,
            rendered,
            diagnostics,
            timings,
        }
    }
}

/// What parse and resolve may take from earlier runs: files' parses, the quote checks that
/// passed, and (in `serve`) the findings resolved.
#[derive(Default, Clone, Copy)]
pub struct Memos<'a> {
    pub parsed: Option<&'a parse::ParseMemo>,
    pub resolve: resolve::Memos<'a>,
}

/// What parse and resolve made of the inputs.
pub struct Resolved {
    pub site: Arc<Site>,
    pub theme: Arc<Theme>,
    pub diagnostics: Vec<Diagnostic>,
    pub timings: Timings,
    /// What resolving one edited file alone needs, when asked to keep it.
    pub context: Option<resolve::EditContext>,
}

/// What a run should do.
#[derive(Clone, Debug)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Where to write; relative paths are taken from the current folder. `None` for `check`.
    pub output: Option<PathBuf>,
    /// Treat warnings as errors: report them and do not write.
    pub deny_warnings: bool,
    /// Show each stage as it starts, on one overwritten line (for terminals; off in CI logs).
    pub progress: bool,
    pub env: Environment,
    /// The folder of the build cache (formatted citations), read if it is there and written
    /// after a build that wrote its output; `None`: no cache.
    pub cache: Option<PathBuf>,
}

/// What a run did.
#[derive(Debug)]
pub struct BuildReport {
    pub inputs: Inputs,
    pub diagnostics: Vec<Diagnostic>,
    /// How many HTML pages the site has.
    pub pages: usize,
    /// How many of them were kept from the last build rather than made again.
    pub kept: usize,
    /// How many files the site has (pages, data, assets).
    pub outputs: usize,
    /// Whether the output folder was replaced.
    pub written: bool,
    pub elapsed: Duration,
    /// Each stage and how long it took.
    pub timings: Timings,
}

impl BuildReport {
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    pub fn warnings(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count()
    }
}

/// A problem that stops a run before it can look at content: exit code 2.
#[derive(Debug)]
pub struct Fatal(pub Diagnostic);

/// Runs the pure stages on loaded inputs and keeps every output file in memory.
pub fn build_in_memory(inputs: &Inputs, env: &Environment) -> (Vec<OutputFile>, Vec<Diagnostic>) {
    let run = Pipeline::new(env, &|_| {}).render(inputs);
    let mut diags = run.diagnostics;
    let (files, d) = run.rendered.collect();
    diags.extend(d);
    (files, diagnostic::finish(diags))
}

/// Builds the site: load, parse, resolve, render, and (when `output` is set and nothing is in
/// error) write. Pages are written as they are rendered, into a new folder that replaces the
/// output only when the whole build succeeded.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, Fatal> {
    let start = Instant::now();
    load::check_site(&opts.root).map_err(Fatal)?;
    if let Some(out) = &opts.output {
        write::check_output_location(&opts.root, out).map_err(Fatal)?;
        write::check_output(out).map_err(Fatal)?;
    }
    // One line, overwritten as the stages go by and cleared at the end.
    let progress = |stage: &'static str| {
        if opts.progress {
            eprint!("\r\x1b[2K{stage}…");
        }
    };
    let pipeline = Pipeline::new(&opts.env, &progress);
    let (inputs, mut diags, took) = pipeline.load(&opts.root, opts.output.as_deref());
    // Which build of evident this is: a cache another one wrote is ignored.
    let build_id = load::build_id();
    // The cache's folder and this build, when there is a cache to read.
    let cache = opts.cache.as_deref().zip(build_id.as_deref());
    let (front, memos) = resolve_cached(&pipeline, &inputs, cache, opts.output.is_some());
    let mut inputs = inputs;
    // Three short stretches of one thread, run side by side.
    let (cites, ()) = rayon::join(
        || read_cache(opts.cache.as_deref()),
        || {
            if let Some(memos) = memos {
                memos.store();
            }
            if opts.output.is_some() {
                // A build keeps its inputs from here on only to show diagnostics (`check`
                // keeps them whole for `--external`).
                inputs.defer_unshared(&opts.root);
            }
        },
    );
    let citer = Arc::new(Citer::with_cache(
        &render::cite_site(&front.site.config),
        cites,
    ));
    // Taken apart whole: a field left in the run would be dropped last, here, and with it the
    // site (a sixtieth of a second at N = 10,000) on the build's own thread.
    let Rendering {
        site,
        mut rendered,
        diagnostics,
        timings: took_rendering,
    } = pipeline.render_site(
        front,
        render::Memos {
            citer: Some(citer.clone()),
            views: None,
            files: None,
        },
    );
    let mut timings = vec![("load", took)];
    timings.extend(took_rendering);
    diags.extend(diagnostics);
    if let (Some(out), Some((dir, build))) = (&opts.output, cache) {
        let pages = read_cached_bytes(dir, layout::PAGE_CACHE);
        let in_place = write::updates_in_place(out);
        rendered.keep_pages(out, pages.as_deref(), build, in_place);
    }
    let fails = |diags: &[Diagnostic]| {
        diags
            .iter()
            .any(|d| d.is_error() || (opts.deny_warnings && d.severity == Severity::Warning))
    };
    let paths: Vec<String> = rendered.paths().into_iter().map(String::from).collect();
    let paths: Vec<&str> = paths.iter().map(String::as_str).collect();
    let mut written = false;
    let pages = rendered.pages();
    let t = Instant::now();
    // Files made, counted as they are handed over (the search index's are known only then).
    let made = AtomicUsize::new(0);
    let count = || made.fetch_add(1, Ordering::Relaxed);
    match (&opts.output, fails(&diags)) {
        (Some(out), false) => {
            progress("writing");
            let produce = |sink: &layout::Sink| {
                rendered.produce_once(&|f| {
                    if !f.more {
                        count();
                    }
                    sink(f)
                })
            };
            let result = write_output(out, &paths, produce, |d| fails(d), cache)?;
            diags.extend(result.diagnostics);
            written = result.written;
            timings.push(("write", t.elapsed()));
        }
        // `check`, or a build already failed: pages are still made, so that template mistakes
        // are found in the same run, and then dropped.
        _ => {
            progress("checking pages");
            let found = rendered.produce(&|f| {
                if !f.more {
                    count();
                }
                Ok(())
            });
            diags.extend(found.unwrap_or_else(|d| vec![d]));
            timings.push(("pages", t.elapsed()));
        }
    }
    let pages_cache = rendered.page_cache();
    let kept = pages_cache.as_ref().map_or(0, |(_, kept)| *kept);
    // The pages' views go before the cache is serialised: the build's memory peaks otherwise.
    drop_aside(rendered);
    if let (Some(dir), true) = (&opts.cache, written) {
        // A cache that cannot be written costs the next build time, nothing else; one that
        // would be what is there is not written again.
        if let Some(cache) = citer.cache(site.sources.values()) {
            let _ = write::write_cache(dir, layout::CITE_CACHE, cache.to_bytes());
        }
        if let Some((pages, _)) = &pages_cache {
            let _ = write::write_cache(dir, layout::PAGE_CACHE, pages);
        }
    }
    drop_aside((site, citer));
    if opts.progress {
        eprint!("\r\x1b[2K");
    }
    Ok(BuildReport {
        inputs,
        diagnostics: diagnostic::finish(diags),
        pages,
        kept,
        outputs: made.into_inner(),
        written,
        elapsed: start.elapsed(),
        timings,
    })
}

/// Writes the site into `out` ([`write::write_known`]): an update in place reads again only the
/// output's folders that changed since the build cache (`cache`: its folder and the build of
/// evident) recorded them, and records them for the next build.
fn write_output(
    out: &Path,
    paths: &[&str],
    produce: impl FnOnce(&layout::Sink) -> Result<Vec<Diagnostic>, Diagnostic>,
    fails: impl Fn(&[Diagnostic]) -> bool,
    cache: Option<(&Path, &str)>,
) -> Result<write::Streamed, Fatal> {
    let recorded = |(dir, build): (&Path, &str)| {
        write::Folders::read(
            read_cached(dir, layout::FOLDER_CACHE).as_deref(),
            build,
            out,
        )
    };
    let last = cache.map(recorded).unwrap_or_default();
    let mut result = write::write_known(out, paths, produce, fails, &last).map_err(Fatal)?;
    drop(last);
    let folders = std::mem::take(&mut result.folders);
    if let Some((dir, build)) = cache {
        // A cache that cannot be written costs the next build time, nothing else.
        if let Some(text) = folders.text(build, out) {
            let _ = write::write_cache(dir, layout::FOLDER_CACHE, &text);
        }
    }
    Ok(result)
}

/// Drops `value` on a thread of its own. Freeing a large site's records and views is a tenth of
/// a second of one thread at N = 10,000 that the build need not wait for (and a process that ends
/// first takes its memory with it).
pub fn drop_aside<T: Send + 'static>(value: T) {
    // If no thread can be started, the closure, and `value` with it, is dropped here.
    let _ = std::thread::Builder::new().spawn(move || drop(value));
}

/// Parses and resolves, parsing only the findings files whose records the build cache does not
/// hold (see [`parse::ParseMemo`]; `cache`: its folder and this build). A build that `writes`
/// stores what it parsed there at once (the memos returned): a file's records depend on its text
/// alone, so they hold whether or not the build goes on to succeed.
fn resolve_cached<'a>(
    pipeline: &Pipeline,
    inputs: &Inputs,
    cache: Option<(&'a Path, &'a str)>,
    writes: bool,
) -> (Resolved, Option<MemosMade<'a>>) {
    let Some((dir, build)) = cache else {
        return (pipeline.resolve(inputs), None);
    };
    let bytes = read_cached_bytes(dir, layout::PARSE_CACHE);
    let parsed = parse::ParseMemo::stored(bytes.as_deref(), build);
    let checks = read_cached_bytes(dir, layout::CHECK_CACHE);
    let checks = resolve::CheckMemo::stored(checks.as_deref(), build);
    let memos = Memos {
        parsed: Some(&parsed),
        resolve: resolve::Memos {
            checks: Some(&checks),
            findings: None,
            index: None,
            pages: None,
            last: None,
        },
    };
    let front = pipeline.resolve_with(inputs, memos, false);
    let made = MemosMade {
        dir,
        build,
        parsed,
        checks,
    };
    (front, writes.then_some(made))
}

/// The memos of the build cache as a build left them, to be written.
struct MemosMade<'a> {
    dir: &'a Path,
    build: &'a str,
    parsed: parse::ParseMemo,
    checks: resolve::CheckMemo,
}

impl MemosMade<'_> {
    /// Writes the memos that changed (a cache that cannot be written costs the next build time,
    /// nothing else).
    fn store(self) {
        // A few files' records changed: their entries are added to the end of the file.
        let appended = (self.parsed.appended(self.build)).is_some_and(|(len, entries)| {
            write::append_cache(self.dir, layout::PARSE_CACHE, len, &entries).is_ok()
        });
        if let Some(bytes) = (self.parsed.stored_bytes(self.build)).filter(|_| !appended) {
            let _ = write::write_cache(self.dir, layout::PARSE_CACHE, &bytes);
            // Written afresh the first time a new version of evident builds: the files older
            // versions kept, which no version reads now, go.
            write::remove_cached(self.dir, layout::RETIRED_CACHES);
        }
        if let Some(bytes) = self.checks.stored_bytes(self.build) {
            let _ = write::write_cache(self.dir, layout::CHECK_CACHE, &bytes);
        }
    }
}

/// The citation cache in `dir`, or an empty one (none there, unreadable, or another version's).
fn read_cache(dir: Option<&Path>) -> CiteCache {
    dir.and_then(|d| read_cached_bytes(d, layout::CITE_CACHE))
        .map(|bytes| CiteCache::from_bytes(&bytes))
        .unwrap_or_default()
}

/// The file `name` of the cache folder `dir`, or `None` when it is not there or cannot be read:
/// a cache is only a cache.
fn read_cached(dir: &Path, name: &str) -> Option<String> {
    load::read_if_exists(dir, Path::new(name)).ok().flatten()
}

/// [`read_cached`], for a file of bytes.
fn read_cached_bytes(dir: &Path, name: &str) -> Option<Vec<u8>> {
    load::read_bytes_if_exists(dir, Path::new(name))
        .ok()
        .flatten()
}

/// What `serve` keeps between rebuilds: the inputs, read again file by file as they change, and
/// the citations made so far (starting from the build cache, if there is one), so that a change
/// formats only the citations it touches. A build from it is the same as a cold build of the same
/// files (`tests/it/incremental.rs` checks this over random edits).
pub struct Incremental {
    root: PathBuf,
    env: Environment,
    inputs: Inputs,
    /// What reading the files reported, kept per file so that a reload replaces it.
    load_diags: Vec<Diagnostic>,
    citer: Option<Arc<Citer>>,
    parsed: parse::ParseMemo,
    /// The quote checks that passed in its runs.
    checks: resolve::CheckMemo,
    /// The findings its last run resolved; the views of findings, sources and claims it made;
    /// each source's citation files.
    findings: resolve::FindingMemo,
    /// The findings' index, brought up to date file by file.
    index: resolve::IndexMemo,
    /// The plain pages resolved, while the link targets are as they were.
    pages: resolve::PageMemo,
    views: render::ViewMemo,
    files: Arc<render::FilesMemo>,
    /// The last build, when it had no errors: what a finding edited alone is shown with.
    last: Option<Last>,
    /// The files read again since the last build (`None`: not known, as after reading every
    /// file again); each must be a finding edited alone for [`Incremental::quick`].
    since_last: Option<BTreeSet<PathBuf>>,
}

/// What a build made (pages left to be made on demand) with its warnings; or its diagnostics,
/// when any is an error.
pub type Built = Result<(Arc<Rendered>, Vec<Diagnostic>), Vec<Diagnostic>>;

/// A build without errors, with what resolving one of its files again alone needs.
struct Last {
    rendered: Arc<Rendered>,
    context: resolve::EditContext,
}

impl Incremental {
    pub fn new(root: &Path, env: &Environment) -> Self {
        let (inputs, load_diags) = load::load(root, None);
        Incremental {
            root: root.to_path_buf(),
            env: env.clone(),
            inputs,
            load_diags,
            citer: None,
            parsed: parse::ParseMemo::default(),
            checks: resolve::CheckMemo::default(),
            findings: resolve::FindingMemo::default(),
            index: resolve::IndexMemo::default(),
            pages: resolve::PageMemo::default(),
            views: render::ViewMemo::default(),
            files: Arc::default(),
            last: None,
            since_last: None,
        }
    }

    /// The inputs as last read (for formatting diagnostics).
    pub fn inputs(&self) -> &Inputs {
        &self.inputs
    }

    /// Reads again the files at `changed` (absolute paths, as a watcher reports them; `None`:
    /// everything). A change the file-by-file reload cannot follow (a theme) reads everything.
    pub fn reload(&mut self, changed: Option<&[PathBuf]>) {
        let done = changed
            .is_some_and(|c| load::reload(&self.root, &mut self.inputs, &mut self.load_diags, c));
        if !done {
            (self.inputs, self.load_diags) = load::load(&self.root, None);
        }
        let files = changed
            .filter(|_| done)
            .and_then(|c| load::input_paths(&self.root, c));
        self.since_last = match (self.since_last.take(), files) {
            (Some(mut since), Some(files)) => {
                since.extend(files);
                Some(since)
            }
            _ => None,
        };
    }

    /// Parses, resolves and renders the current inputs (pages are left to be made on demand).
    /// `Err` holds the diagnostics when any is an error.
    pub fn build(&mut self) -> Built {
        self.build_timed().0
    }

    /// [`Incremental::build`], with how long each stage took.
    #[allow(clippy::type_complexity)]
    pub fn build_timed(&mut self) -> (Built, Timings) {
        match self.build_unless(&|| false) {
            Some(done) => done,
            None => unreachable!("a build that is never stopped finishes"),
        }
    }

    /// [`Incremental::build_timed`], stopped between stages when `stop` says so (a newer change
    /// is waiting, in `serve`): `None` then, and the last build is still the one
    /// [`Incremental::quick`] works from.
    pub fn build_unless(&mut self, stop: &dyn Fn() -> bool) -> Option<(Built, Timings)> {
        let pipeline = Pipeline::new(&self.env, &|_| {});
        let memos = Memos {
            parsed: Some(&self.parsed),
            resolve: resolve::Memos {
                checks: Some(&self.checks),
                findings: Some(&self.findings),
                index: Some(&self.index),
                pages: Some(&self.pages),
                last: self.last.as_ref().map(|l| &**l.rendered.site()),
            },
        };
        let mut front = pipeline.resolve_with(&self.inputs, memos, true);
        self.checks.settle();
        if stop() {
            return None;
        }
        let context = front.context.take();
        let shared = render::cite_site(&front.site.config);
        let citer = match &self.citer {
            Some(c) if c.fits(&shared) => c.clone(),
            _ => {
                let cache = read_cache(Some(&self.root.join(layout::CACHE_DIR)));
                Arc::new(Citer::keep_cached(&shared, cache))
            }
        };
        self.citer = Some(citer.clone());
        let memos = render::Memos {
            citer: Some(citer),
            views: Some(&self.views),
            files: Some(self.files.clone()),
        };
        let run = pipeline.render_site(front, memos);
        if stop() {
            return None;
        }
        let mut diags = run.diagnostics;
        diags.extend(self.load_diags.iter().cloned());
        let diags = diagnostic::finish(diags);
        if diags.iter().any(Diagnostic::is_error) {
            self.last = None;
            return Some((Err(diags), run.timings));
        }
        let rendered = Arc::new(run.rendered);
        self.last = context.map(|context| Last {
            rendered: rendered.clone(),
            context,
        });
        self.since_last = Some(BTreeSet::new());
        Some((Ok((rendered, diags)), run.timings))
    }

    /// The pages of the findings and Markdown files edited since the last build, made at once from
    /// it when every change since is one they show alone. Each changed file either
    ///
    /// - holds findings and nothing else, the same ones as before, each resolving with no
    ///   diagnostic and differing from before only in what no check across the site reads, and
    ///   only pages show (its statement, quote, locator, population, period, place, notes,
    ///   stances, or its figure and value for others of the same kind when no dataset names it:
    ///   the claims', tables' and other pages that show them wait for the full build; not its
    ///   source or origin, or its withdrawal); or
    /// - is a plain page (`content/about.md`), topic, claim, source or gap the site had, changed
    ///   in its body alone: the same front matter and heading anchors, and links that all
    ///   resolve, with no error.
    ///
    /// Each page is then the page a full build makes. `None` when the change is anything else, or
    /// a page cannot be made: then only the full build shows it.
    pub fn quick(&self) -> Option<Vec<OutputFile>> {
        let last = self.last.as_ref()?;
        let files = self.since_last.as_ref()?;
        if !self.load_diags.is_empty() || files.is_empty() {
            return None;
        }
        let mut pages = Vec::new();
        for file in files {
            let contents = self.inputs.files.get(file)?;
            let made = match parse::edited_of(file, contents, &Disk)? {
                parse::Edited::Findings(raw) => (edited_alone(last, file, &raw)?.iter())
                    .map(|f| last.rendered.finding_page(f))
                    .collect::<Option<Vec<_>>>()?,
                edited => vec![body_edited_alone(last, file, edited)?],
            };
            for (path, html) in made {
                pages.push(OutputFile::new(path, html.ok()?.into_bytes()));
            }
        }
        Some(pages)
    }
}

/// The page of the plain page, topic, claim, source or gap `edited` (of `file`) as now resolved,
/// if the last build had it and only its body changed: the same front matter (which index, tag
/// and other nodes' pages show) and the same heading anchors (which other pages' links may name),
/// with every link resolving and no error (a warning, such as a figure typed into prose, changes
/// no page; the full build reports it). Its own page alone then shows the change.
fn body_edited_alone(last: &Last, file: &Path, edited: parse::Edited) -> Option<MadePage> {
    let site = last.rendered.site();
    match edited {
        parse::Edited::Page(raw) => {
            let old = (site.pages.iter()).find(|p| p.doc.file == file)?;
            let (page, diags) = last.context.page(&raw);
            let fine = !diags.iter().any(Diagnostic::is_error);
            let same = !raw.meta.draft && fine && outside(&page) == outside(&**old);
            same.then(|| last.rendered.plain_page(&page))?
        }
        parse::Edited::Topic(raw) => node_alone(
            last.context.topic(&raw),
            |t| site.topics.get(&t.id),
            |t| last.rendered.topic_page(t),
        ),
        parse::Edited::Claim(raw) => node_alone(
            last.context.claim(&raw),
            |c| site.claims.get(&c.id),
            |c| last.rendered.claim_page(c),
        ),
        parse::Edited::Source(raw) => node_alone(
            last.context.source(&raw, &site.config),
            |s| site.sources.get(&s.id),
            |s| last.rendered.source_page(s),
        ),
        parse::Edited::Gap(raw) => node_alone(
            last.context.gap(&raw),
            |g| site.gaps.get(&g.id),
            |g| last.rendered.gap_page(g),
        ),
        parse::Edited::Findings(_) => None,
    }
}

/// A node as now resolved (with what resolving it reported) shown alone by `page`, if it resolved
/// with no error and differs from the last build's node (`old`) only in its body.
fn node_alone<'s, T: WithBody + 's>(
    (node, diags): (Option<T>, Vec<Diagnostic>),
    old: impl FnOnce(&T) -> Option<&'s T>,
    page: impl FnOnce(&T) -> Option<MadePage>,
) -> Option<MadePage> {
    let node = node.filter(|_| !diags.iter().any(Diagnostic::is_error))?;
    let same = outside(&node) == outside(old(&node)?);
    same.then(|| page(&node))?
}

/// A node or page with a Markdown body.
trait WithBody: Clone + std::fmt::Debug {
    fn doc_mut(&mut self) -> &mut Document;
}

macro_rules! with_body {
    ($($t:ty),*) => {$(
        impl WithBody for $t {
            fn doc_mut(&mut self) -> &mut Document {
                &mut self.doc
            }
        }
    )*};
}
with_body!(Page, Topic, Claim, Source, Gap);

/// What pages other than its own may show of `node`: all of it but its Markdown body and what
/// was found in it, keeping its file and heading anchors (other pages' links may name them), as
/// text to compare.
fn outside<T: WithBody>(node: &T) -> String {
    let mut node = node.clone();
    let doc = node.doc_mut();
    *doc = Document {
        file: std::mem::take(&mut doc.file),
        anchors: std::mem::take(&mut doc.anchors),
        ..Document::default()
    };
    format!("{node:?}")
}

/// The findings of `file` that changed, as now parsed (`raw`) and resolved, if the file holds the
/// same findings as in the last build and each changed only in what pages alone show (other pages
/// that show it, such as its claim's, wait for the full build).
fn edited_alone(last: &Last, file: &Path, raw: &[parse::FoundFinding]) -> Option<Vec<Finding>> {
    let site = last.rendered.site();
    let before: Vec<&Finding> = (site.findings.values())
        .filter(|f| f.file == file)
        .map(|f| &**f)
        .collect();
    if before.len() != raw.len() {
        return None;
    }
    let (mut now, mut seen) = (Vec::new(), Vec::new());
    for (path, r) in raw {
        let (finding, diags) = last.context.finding(path, r)?;
        let f = finding.filter(|_| diags.is_empty())?;
        let old = site.findings.get(&f.id).filter(|old| old.file == file)?;
        // What checks across the site read (a quote is checked against its source's archive), and
        // a withdrawal, which other nodes' pages show.
        let same = figure_alone(site, old, &f)
            && old.source == f.source
            && old.origin == f.origin
            && old.withdrawn == f.withdrawn;
        if !same || seen.contains(&f.id) {
            return None;
        }
        seen.push(f.id.clone());
        let unchanged = old.statement == f.statement
            && old.locator == f.locator
            && old.quote == f.quote
            && old.population == f.population
            && old.period == f.period
            && old.place == f.place
            && old.notes == f.notes
            && old.stances == f.stances
            && old.figure == f.figure;
        if !unchanged {
            now.push(f);
        }
    }
    Some(now)
}

/// Whether finding `old`'s figure may become `new`'s with only pages showing it: it is the same, or
/// both have one, of the same kind (a table's chart and columns are checked by their rows' kinds;
/// a `figure:` link needs a figure there), and no dataset's row names the finding (a dataset's
/// figure field is checked against its finding's).
fn figure_alone(site: &Site, old: &Finding, new: &Finding) -> bool {
    match (&old.figure, &new.figure) {
        (a, b) if a == b => true,
        (Some(a), Some(b)) => {
            let named = |r: &crate::model::DatasetRow| r.finding.as_ref() == Some(&new.id);
            let in_dataset = (site.datasets.values()).any(|d| d.rows.iter().any(named));
            a.value.kind == b.value.kind && !in_dataset
        }
        _ => false,
    }
}

/// What `evident permalinks` did.
#[derive(Debug)]
pub struct PermalinksReport {
    pub inputs: Inputs,
    pub diagnostics: Vec<Diagnostic>,
    pub added: usize,
    pub changed: usize,
    pub written: bool,
}

impl PermalinksReport {
    /// Errors other than the permalink ones this command is there to fix.
    pub fn blocked(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.is_error() && !d.code.is_permalink())
    }
}

/// Adds every URL the site publishes to `permalinks.txt` (keeping every old line), re-dating
/// findings that changed to `today`. Refuses while the site has errors other than removed URLs.
pub fn update_permalinks(
    root: &Path,
    env: &Environment,
    today: &str,
) -> Result<PermalinksReport, Fatal> {
    load::check_site(root).map_err(Fatal)?;
    let pipeline = Pipeline::new(env, &|_| {});
    let (inputs, mut diags, _) = pipeline.load(root, None);
    let run = pipeline.render(&inputs);
    diags.extend(run.diagnostics);
    let paths = run.rendered.paths();
    diags.extend(run.rendered.check());
    let mut report = PermalinksReport {
        inputs,
        diagnostics: diagnostic::finish(diags),
        added: 0,
        changed: 0,
        written: false,
    };
    if report.blocked() {
        return Ok(report);
    }
    let old = report
        .inputs
        .text(Path::new(MANIFEST))
        .unwrap_or("")
        .to_string();
    let (text, added, changed) = permalinks::update(&old, &run.site, paths.iter().copied(), today);
    if text != old {
        write::replace_file(&root.join(MANIFEST), &text).map_err(Fatal)?;
        report.written = true;
    }
    report.added = added;
    report.changed = changed;
    // The warnings about the manifest are what this command just fixed: not printed.
    (report.diagnostics).retain(|d| d.is_error() || !d.code.is_permalink());
    Ok(report)
}

/// `evident init DIR`: a new site that builds at once, in a new or empty folder.
pub fn init(dir: &Path, site: &scaffold::NewSite) -> Result<Vec<PathBuf>, Diagnostic> {
    load::check_empty(dir)?;
    write::create_files(dir, &scaffold::site_files(site))
}

/// `evident import FILE` in the site at `root`: a source stub for each entry of `file` that the
/// site does not have, with the report. `format` is guessed from the extension when `None`.
pub fn import(
    root: &Path,
    file: &Path,
    format: Option<crate::import::Format>,
) -> Result<crate::import::ImportReport, Diagnostic> {
    use crate::import::{Existing, Format};
    load::check_site(root)?;
    let Some(format) = format.or_else(|| Format::from_path(file)) else {
        return Err(Diagnostic::error(
            diagnostic::Code::CannotImport,
            "cannot tell this file's format from its extension",
        )
        .in_file(file)
        .help(format!(
            "give `--format` ({}), or name it .bib, .ris or .json",
            Format::NAMES.join(", ")
        )));
    };
    let text = load::read_text(file, file)?;
    // The sources the site has, by id and alias (with titles) and by DOI, so that nothing
    // imported twice is made twice.
    let (inputs, _) = load::load(root, None);
    let (parsed, _) = parse::parse(&inputs, &Disk);
    let mut existing = Existing::default();
    for (path, _) in inputs.under("content/sources") {
        if path.extension().is_some_and(|e| e == "md") {
            existing.ids.insert(parse::stem(path), None);
        }
    }
    for doc in &parsed.sources {
        existing
            .ids
            .insert(doc.stem.clone(), Some(doc.meta.title.clone()));
        for alias in &doc.meta.aliases {
            existing.ids.entry(alias.value.clone()).or_insert(None);
        }
        if let Some(doi) = &doc.meta.doi {
            existing
                .dois
                .insert(doi.value.to_lowercase(), doc.stem.clone());
        }
    }
    let (files, report) = crate::import::import(file, &text, format, &existing)?;
    write::create_files(root, &files)?;
    Ok(report)
}

/// What `evident theme export` wrote, and what it kept because the site had it already.
pub struct ThemeExport {
    pub written: Vec<PathBuf>,
    pub kept: Vec<PathBuf>,
}

/// `evident theme export`: copies templates (or, with `all`, every template and static file) of
/// the built-in default theme into the site's `templates/` and `static/`, keeping files there.
pub fn theme_export(root: &Path, names: &[String], all: bool) -> Result<ThemeExport, Diagnostic> {
    load::check_site(root)?;
    let files = scaffold::theme_files(names, all)?;
    let written = write::create_files(root, &files)?;
    let kept = (files.iter())
        .map(|f| root.join(&f.path))
        .filter(|p| !written.contains(p))
        .collect();
    Ok(ThemeExport { written, kept })
}

/// What `evident new` wrote, and a note for the maintainer.
pub struct NewReport {
    pub path: PathBuf,
    pub notes: Vec<String>,
}

/// `evident new KIND ID` in the site at `root`: writes a stub and returns its path (with a note
/// on how to add a finding to a findings file the site has, instead of a file of its own).
pub fn new_node(root: &Path, kind: &str, id: &str) -> Result<NewReport, Diagnostic> {
    let existing = match kind {
        "finding" => load::files_in(root, Path::new("data/findings"), "yaml"),
        _ => Vec::new(),
    };
    if let Some(file) = (existing.iter()).find(|f| has_finding(root, f, id)) {
        return Err(Diagnostic::error(
            Code::Exists,
            format!(
                "a finding with the id `{id}` is in {} already",
                file.display()
            ),
        )
        .help("ids are unique per kind; pick another id"));
    }
    let has = |rel: String| matches!(load::read_if_exists(root, Path::new(&rel)), Ok(Some(_)));
    // A findings file named after a source the site has quotes that source.
    let quotes_source = kind == "finding" && has(format!("content/sources/{id}.md"));
    let path = write_stub(root, kind, id, quotes_source)?;
    let mut notes = Vec::new();
    if kind == "finding" && !has("content/claims/example-claim.md".into()) {
        let claims = "each stance's `claim:` to a claim the site has";
        notes.push(if quotes_source {
            format!("its `source:` is `{id}`, the source of the same id; set {claims}")
        } else {
            format!("set its `source:` to the id of the source the quote is from, and {claims}")
        });
    }
    notes.extend(existing.first().map(|f| {
        format!(
            "findings may share a file: to add this one to {} instead, move its `- id: {id}` item under that file's `findings:` list and delete the new file",
            f.display()
        )
    }));
    Ok(NewReport { path, notes })
}

/// Whether the findings file `rel` (below `root`) has a finding with the id `id`, or that names
/// `id` as an old id. A file that cannot be read or parsed says no: `check` reports it.
fn has_finding(root: &Path, rel: &Path, id: &str) -> bool {
    let Ok(Some(text)) = load::read_if_exists(root, rel) else {
        return false;
    };
    let contents = load::Contents::Text(text.into());
    match parse::edited_of(rel, &contents, &Disk) {
        Some(parse::Edited::Findings(found)) => found
            .iter()
            .any(|(_, f)| f.value.id.value == id || f.value.aliases.iter().any(|a| a.value == id)),
        _ => false,
    }
}

fn write_stub(
    root: &Path,
    kind: &str,
    id: &str,
    quotes_source: bool,
) -> Result<PathBuf, Diagnostic> {
    load::check_site(root)?;
    let glossary = match kind {
        "term" => load::read_if_exists(root, Path::new(GLOSSARY))?,
        _ => None,
    };
    let files: Vec<NewFile> = scaffold::node_files(kind, id, glossary.as_deref(), quotes_source)?;
    let written = write::create_files(root, &files)?;
    Ok(written
        .into_iter()
        .next()
        .unwrap_or_else(|| root.join(&files[0].path)))
}

/// What `evident archive add` is asked to do.
#[derive(Clone, Debug)]
pub struct ArchiveOptions {
    /// The source's id (`content/sources/<id>.md`).
    pub source: String,
    /// The file the source was published as: HTML, PDF or plain text.
    pub file: PathBuf,
    /// Replace an archive that holds text.
    pub force: bool,
}

/// What `evident archive add` wrote.
#[derive(Debug)]
pub struct ArchiveReport {
    /// The archive written (below the site's root).
    pub path: PathBuf,
    pub archived: archive::Archived,
    /// Whether the source's `archive:` key names this file, as the quote check needs.
    pub linked: bool,
}

/// `evident archive add SOURCE FILE` in the site at `root`: stores the text of `file` as the
/// source's archive, `archive/<id>.txt`. An archive that holds text (not the stub `new source`
/// writes) is replaced only with `force`.
pub fn archive_add(root: &Path, opts: &ArchiveOptions) -> Result<ArchiveReport, Diagnostic> {
    load::check_site(root)?;
    let source_md = format!("content/sources/{}.md", opts.source);
    // An id that is not one (`../x`) names no source, and no file outside `content/sources/`.
    let front = if crate::model::valid_id(&opts.source) {
        load::read_if_exists(root, Path::new(&source_md))?
    } else {
        None
    };
    let Some(front) = front else {
        return Err(archive::no_such_source(&opts.source, &source_md));
    };
    // The file to archive first: a path mistyped is the problem to report, not the archive there.
    let bytes = load::read_input(&opts.file)?;
    let rel = layout::archive_file(&opts.source);
    let old = load::read_bytes_if_exists(root, Path::new(&rel))?;
    if old.is_some_and(|o| o != layout::ARCHIVE_STUB.as_bytes()) && !opts.force {
        return Err(archive::exists(&rel));
    }
    let archived = archive::extract(&opts.file.display().to_string(), &bytes)?;
    let file = NewFile {
        path: PathBuf::from(&rel),
        text: archived.text.clone(),
        if_exists: write::IfExists::Replace,
    };
    write::create_files(root, &[file])?;
    Ok(ArchiveReport {
        path: root.join(&rel),
        linked: archive::names_archive(&front, &rel),
        archived,
    })
}

/// What `evident check --external` is asked to do.
#[derive(Clone, Debug)]
pub struct ExternalOptions {
    /// Report what it finds as errors, not warnings (`check --strict`).
    pub strict: bool,
    /// Seconds since the Unix epoch, for the cache's ages (the clock, read by the command).
    pub now: u64,
}

/// `evident check --external`, after the check: requests every external address the site
/// publishes (those `external.skip` names aside, and those the cache holds a fresh answer for),
/// compares sources' live pages with their archived copies, updates the cache
/// (`.evident-cache/links.json`) and returns the diagnostics.
pub fn check_external(
    root: &Path,
    inputs: &Inputs,
    env: &Environment,
    opts: &ExternalOptions,
) -> Result<Vec<Diagnostic>, Fatal> {
    use std::collections::BTreeSet;

    use crate::external::{self, fetch, Cache, Entry};
    let resolved = Pipeline::new(env, &|_| {}).resolve(inputs);
    let site = &resolved.site;
    let config = &site.config.external;
    let links = external::collect(site, inputs);
    let archived = external::archived_quotes(site, &|p| inputs.text(p).map(str::to_string));
    // The cache is only a cache: one that cannot be read is started afresh.
    let dir = root.join(layout::CACHE_DIR);
    let old = read_cached(&dir, layout::LINK_CACHE);
    let mut cache = Cache::parse(old.as_deref().unwrap_or(""));
    let urls: BTreeSet<&str> = (links.iter())
        .map(|l| l.url.as_str())
        .filter(|u| !external::skipped(u, &config.skip))
        .collect();
    let requests: Vec<fetch::Request> = (urls.iter())
        .filter(|u| cache.fresh(u, opts.now, config.cache_hours).is_none())
        .map(|u| fetch::Request {
            url: u.to_string(),
            body: archived.contains_key(*u),
        })
        .collect();
    let fetch_opts = fetch::Options {
        concurrency: config.concurrency,
        per_host: config.per_host,
        timeout: Duration::from_secs(config.timeout_seconds),
        user_agent: format!(
            "evident/{} (+link check; {})",
            env!("CARGO_PKG_VERSION"),
            site.config.base_url
        ),
        retry_cap: Duration::from_secs(30),
    };
    for (url, fetched) in fetch::fetch_all(requests, &fetch_opts) {
        let drifted = match (&fetched.body, archived.get(&url)) {
            (Some((name, bytes)), Some(quotes)) => external::drifted(name, bytes, quotes),
            _ => Vec::new(),
        };
        let entry = Entry {
            checked: opts.now,
            outcome: fetched.outcome,
            drifted,
        };
        cache.links.insert(url, entry);
    }
    cache.prune(&urls, opts.now, config.cache_hours);
    let text = cache.to_json();
    if old.as_deref() != Some(text.as_str()) {
        write::write_cache(&dir, layout::LINK_CACHE, &text).map_err(Fatal)?;
    }
    let mut diags = external::report(&links, &cache, site, config.timeout_seconds);
    if opts.strict {
        diags.iter_mut().for_each(|d| d.severity = Severity::Error);
    }
    Ok(diags)
}

/// What `evident release` did.
#[derive(Debug)]
pub struct ReleaseReport {
    pub inputs: Inputs,
    pub diagnostics: Vec<Diagnostic>,
    /// The release record written (below the root), unless the site has errors.
    pub written: Option<PathBuf>,
    pub version: String,
}

impl ReleaseReport {
    /// The site has errors: nothing was released.
    pub fn blocked(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Whether `version` can name a file and a URL: letters, digits, dots, hyphens, underscores and
/// `+`, not starting with a dot.
fn release_name(version: &str) -> bool {
    !version.is_empty()
        && !version.starts_with('.')
        && version
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-+".contains(&b))
}

/// `evident release`: records the evidence graph of the site's current `version` as
/// `releases/<version>.json`, released on `date`. Refuses (exit 2) a site with no usable version
/// or whose version is released already; writes nothing while the site has errors.
pub fn release(root: &Path, env: &Environment, date: &str) -> Result<ReleaseReport, Fatal> {
    load::check_site(root).map_err(Fatal)?;
    let pipeline = Pipeline::new(env, &|_| {});
    let (inputs, mut diags, _) = pipeline.load(root, None);
    let run = pipeline.render(&inputs);
    diags.extend(run.diagnostics);
    diags.extend(run.rendered.check());
    let site = &run.site;
    let version = site.config.version.clone().unwrap_or_default();
    if !release_name(&version) {
        let message = if version.is_empty() {
            "the site has no `version:` to release".to_string()
        } else {
            format!("the version `{version}` cannot name a release file")
        };
        return Err(Fatal(
            Diagnostic::error(diagnostic::Code::NoVersion, message)
                .in_file(layout::CONFIG)
                .help("set `version:` in site.yaml (e.g. `version: \"0.2.0\"`: letters, digits, dots and hyphens), then run evident release"),
        ));
    }
    let rel = layout::release_file(&version);
    if inputs.files.contains_key(Path::new(&rel)) {
        return Err(Fatal(
            Diagnostic::error(
                diagnostic::Code::ReleaseExists,
                format!("version {version} is released already: {rel} exists"),
            )
            .in_file(layout::CONFIG)
            .help("a release is never rewritten: bump `version:` in site.yaml, then run evident release"),
        ));
    }
    let mut report = ReleaseReport {
        inputs,
        diagnostics: diagnostic::finish(diags),
        written: None,
        version,
    };
    if report.blocked() {
        return Ok(report);
    }
    let json = render::exports::release_json(site, &report.version, date);
    let file = NewFile {
        path: PathBuf::from(&rel),
        text: String::from_utf8_lossy(&json).into_owned(),
        if_exists: write::IfExists::Refuse,
    };
    let written = write::create_files(root, &[file]).map_err(Fatal)?;
    report.written = written.into_iter().next();
    Ok(report)
}
