//! `evident serve`: the one module that knows axum, tokio and notify. It builds the site in memory
//! (the pure stages, with `base_url` set to the local address), serves it on loopback, watches the
//! site's folders, rebuilds on every saved change, and tells open pages over server-sent events to
//! reload. A broken edit keeps the last good site served and shows its diagnostics as an overlay
//! in the page and in the terminal; fixing it reloads the page.
//!
//! A change rebuilds only what it affects: the changed files are read again (nothing else is), only
//! their findings are resolved again (`resolve::FindingMemo`), only the views of findings, sources and
//! claims whose inputs changed are made again (`render::ViewMemo`), the citations already formatted are reused, and pages are made when a browser asks for them, so
//! the edited page can be fetched as soon as the site has been resolved again. Every other page is
//! then made in the background, which both checks the whole site (a template error on any page
//! shows the overlay) and warms the cache; a newer site stops the check of an older one. A page
//! whose inputs are what they were for the last site is taken from it, not made again
//! ([`Rendered::keep_made`], by the keys `build` keeps pages by).
//!
//! Before that, an edit that only its own pages show (a finding's reworded statement, the body of
//! a plain page, topic, claim, source or gap) is shown on those pages at once, made from the last
//! build ([`Incremental::quick`], which property tests hold to what a cold build makes); until the
//! site is made again, any other page waits, so none from before the edit is served.
//! benches/README.md has the figures.

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode, Uri};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use notify_debouncer_full::notify::event::ModifyKind;
use notify_debouncer_full::notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{new_debouncer, DebounceEventResult, Debouncer};
use tokio::sync::broadcast;
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::StreamExt;

use crate::diagnostic::{render_human, Code, Diagnostic};
use crate::layout::OutputFile;
use crate::load::{self, Inputs};
use crate::pipeline::Incremental;
use crate::render::Rendered;

/// What `serve` needs to know.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: String,
    pub port: u16,
    /// Only problems printed (`--quiet`): no line for each rebuild.
    pub quiet: bool,
    /// Each rebuild's stages and the check of every page printed too (`--verbose`).
    pub verbose: bool,
}

/// A good build: the rendered site, and the files made from it so far (pages are made when first
/// asked for), by output path.
struct Snapshot {
    rendered: Arc<Rendered>,
    made: RwLock<HashMap<String, Arc<Vec<u8>>>>,
}

impl Snapshot {
    fn new(rendered: Arc<Rendered>) -> Self {
        Snapshot {
            rendered,
            made: RwLock::new(HashMap::new()),
        }
    }

    /// A file by output path, made now if need be. `Err` holds the diagnostics of a page that
    /// cannot be made.
    fn get(&self, path: &str) -> Option<Result<Arc<Vec<u8>>, Vec<Diagnostic>>> {
        if let Some(b) = self
            .made
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(path)
        {
            return Some(Ok(b.clone()));
        }
        let bytes = Arc::new(match self.rendered.file(path)? {
            Ok(b) => b,
            Err(d) => return Some(Err(d)),
        });
        self.made
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .insert(path.to_string(), bytes.clone());
        Some(Ok(bytes))
    }

    fn has(&self, path: &str) -> bool {
        self.rendered.file_exists(path)
    }

    /// What a newer site needs to take this one's pages over: those it made or kept as it was
    /// checked, and still holds.
    fn held_pages(&self) -> Option<crate::render::MadePages> {
        let made = self.made.read().unwrap_or_else(|p| p.into_inner());
        let pages = self.rendered.made_pages()?;
        Some(pages.only(|path| made.contains_key(path)))
    }

    /// Holds the page `f` as checked: its bytes, or when it was kept from `previous` (unchanged,
    /// its bytes not handed over) the page `previous` holds, shared.
    fn hold(&self, f: OutputFile, previous: Option<&Snapshot>) {
        let bytes = if f.unchanged {
            let held = |p: &Snapshot| {
                let made = p.made.read().unwrap_or_else(|p| p.into_inner());
                made.get(&f.path).cloned()
            };
            previous.and_then(held)
        } else {
            Some(Arc::new(f.bytes))
        };
        if let Some(bytes) = bytes {
            let mut made = self.made.write().unwrap_or_else(|p| p.into_inner());
            made.insert(f.path, bytes);
        }
    }
}

/// The pages of the findings and the Markdown pages and nodes just edited, shown while the rest
/// of the site is made again ([`Incremental::quick`]); any other page waits until `settled` turns
/// true.
struct Early {
    pages: HashMap<String, Arc<Vec<u8>>>,
    settled: tokio::sync::watch::Receiver<bool>,
}

#[derive(Clone)]
struct AppState {
    current: Arc<RwLock<Option<Arc<Snapshot>>>>,
    early: Arc<RwLock<Option<Arc<Early>>>>,
    events: broadcast::Sender<Message>,
    /// The diagnostics of the current broken build, if any, for pages opened while it is broken.
    broken: Arc<RwLock<Option<String>>>,
    /// The warnings the last good build and its check of every page reported.
    printed: Arc<Mutex<Printed>>,
}

/// The warnings the last good build reported, and those its check of every page reported, each
/// known by [`warning_key`]: after a rebuild only warnings not among them are printed. A site
/// may have tens of thousands, printed in full by the first build (and by `evident check`);
/// printing them all again after every save would bury the new ones.
#[derive(Default)]
struct Printed {
    build: HashSet<u64>,
    check: HashSet<u64>,
}

/// A warning as printed: its place, code, text, label and help.
fn warning_key(d: &Diagnostic) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    (d.severity.as_str(), d.code.as_str(), &d.message, &d.file).hash(&mut h);
    (
        d.position.map(|p| (p.line, p.column, p.len)),
        &d.label,
        &d.help,
    )
        .hash(&mut h);
    h.finish()
}

/// Prints those of `diags` that `last` does not hold, which then holds `diags`' ([`Printed`]).
/// How many `diags` there are, and how many were printed.
fn print_new(inputs: &Inputs, diags: &[Diagnostic], last: &mut HashSet<u64>) -> (usize, usize) {
    let keys: Vec<u64> = diags.iter().map(warning_key).collect();
    let new: Vec<Diagnostic> = (diags.iter().zip(&keys))
        .filter(|(_, k)| !last.contains(*k))
        .map(|(d, _)| d.clone())
        .collect();
    print_warnings(inputs, &new);
    *last = keys.into_iter().collect();
    (diags.len(), new.len())
}

/// ", 40000 warnings (2 new)" after a rebuild's time (after the first build's, without the new
/// ones: every one is); nothing when there are none.
fn warnings_said((all, new): (usize, usize), first: bool) -> String {
    let new = if first {
        String::new()
    } else {
        format!(" ({new} new)")
    };
    match all {
        0 => String::new(),
        1 => format!(", 1 warning{new}"),
        _ => format!(", {all} warnings{new}"),
    }
}

#[derive(Clone, Debug)]
enum Message {
    Reload,
    Broken(String),
}

const LIVE_PATH: &str = "__evident/live.js";
const EVENTS_PATH: &str = "__evident/events";

/// The reload client: reloads on `reload`, shows an accessible overlay on `broken`.
const LIVE_JS: &str = r#"(function () {
  "use strict";
  var overlay = null;
  function hide() { if (overlay) { overlay.remove(); overlay = null; } }
  function show(text) {
    hide();
    overlay = document.createElement("div");
    overlay.setAttribute("role", "alert");
    overlay.id = "evident-overlay";
    overlay.style.cssText = "position:fixed;inset:1rem;z-index:2147483647;overflow:auto;background:#1b1f23;color:#f6f8fa;border:4px solid #d1242f;padding:1rem;font:14px/1.5 ui-monospace,monospace;white-space:pre-wrap";
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "Dismiss";
    close.style.cssText = "float:right;font:inherit;padding:0.25rem 0.75rem";
    close.addEventListener("click", hide);
    var title = document.createElement("p");
    title.style.cssText = "font-weight:bold;margin:0 0 0.5rem";
    title.textContent = "The last edit broke the build. Still showing the last good site.";
    var body = document.createElement("pre");
    body.style.cssText = "margin:0;white-space:pre-wrap";
    body.textContent = text;
    overlay.appendChild(close);
    overlay.appendChild(title);
    overlay.appendChild(body);
    document.body.appendChild(overlay);
    close.focus();
  }
  var source = new EventSource("/__evident/events");
  // Marks the page once it listens, for tests (and for the curious, in the inspector).
  source.addEventListener("open", function () { document.documentElement.dataset.evidentLive = "listening"; });
  source.addEventListener("reload", function () { hide(); location.reload(); });
  source.addEventListener("broken", function (e) { show(JSON.parse(e.data)); });
})();
"#;

/// The diagnostics of a broken build, formatted for the terminal and the overlay.
fn explain(inputs: &Inputs, diags: &[Diagnostic]) -> String {
    let mut texts = Vec::with_capacity(diags.len());
    crate::diagnostic::render_each(diags, inputs, human, |text| texts.push(text.to_string()));
    texts.join("\n")
}

/// `d` in the human format, without colour (the overlay shows it too).
fn human(d: &Diagnostic, texts: &dyn crate::diagnostic::SourceText) -> String {
    render_human(d, texts, false)
}

/// Prints `diags` to the terminal, in the human format (buffered, as the CLI prints them).
fn print_warnings(inputs: &Inputs, diags: &[Diagnostic]) {
    use std::io::Write;
    let mut sink = std::io::BufWriter::new(std::io::stderr().lock());
    crate::diagnostic::render_each(diags, inputs, human, |text| {
        let _ = writeln!(sink, "{text}");
    });
    let _ = sink.flush();
}

/// Runs the server until the process is stopped. Returns an error message for the CLI.
pub fn serve(opts: &ServeOptions) -> Result<(), Diagnostic> {
    // Not a site: said once, as every other command says it, rather than served as a broken one.
    load::check_site(&opts.root)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Diagnostic::error(Code::ServeFailed, format!("cannot start: {e}")))?;
    runtime.block_on(run(opts.clone()))
}

async fn run(opts: ServeOptions) -> Result<(), Diagnostic> {
    let listener = tokio::net::TcpListener::bind((opts.bind.as_str(), opts.port))
        .await
        .map_err(|e| {
            Diagnostic::error(
                Code::ServeFailed,
                format!("cannot listen on {}:{}: {e}", opts.bind, opts.port),
            )
            .help("pick another port with --port, or stop the program that uses it")
        })?;
    let addr: SocketAddr = listener
        .local_addr()
        .map_err(|e| Diagnostic::error(Code::ServeFailed, e.to_string()))?;
    let host = if addr.ip().is_unspecified() {
        "127.0.0.1".to_string()
    } else {
        addr.ip().to_string()
    };
    let base_url = format!("http://{host}:{}/", addr.port());
    let env = crate::pipeline::environment(&opts.root, Some(base_url.clone()));
    let (events, _) = broadcast::channel(16);
    let state = AppState {
        current: Arc::new(RwLock::new(None)),
        early: Arc::new(RwLock::new(None)),
        events,
        broken: Arc::new(RwLock::new(None)),
        printed: Arc::default(),
    };
    let mut session = Incremental::new(&opts.root, &env);
    let (start, built) = (Instant::now(), session.build_timed());
    rebuild_all(&opts, &session, &state, built, start, (false, Vec::new()));

    // Watch the site's folders; a change rebuilds on a blocking thread.
    let (tx, rx) = std::sync::mpsc::channel::<DebounceEventResult>();
    // Short: the time from saving to a reloaded page is mostly this wait.
    let mut debouncer = new_debouncer(Duration::from_millis(20), None, tx)
        .map_err(|e| Diagnostic::error(Code::ServeFailed, format!("cannot watch files: {e}")))?;
    // The root itself, not recursively: so that a site folder created later (a first
    // `templates/`, say) is seen, and then watched too.
    let mut watched: Vec<PathBuf> = Vec::new();
    let mut watch = move |debouncer: &mut Debouncer<_, _>, path: &Path, mode| {
        if !watched.iter().any(|w| w == path) {
            debouncer.watch(path, mode).map_err(|e| {
                Diagnostic::error(
                    Code::ServeFailed,
                    format!("cannot watch {}: {e}", path.display()),
                )
            })?;
            watched.push(path.to_path_buf());
        }
        Ok::<(), Diagnostic>(())
    };
    watch(&mut debouncer, &opts.root, RecursiveMode::NonRecursive)?;
    for path in load::site_folders(&opts.root) {
        watch(&mut debouncer, &path, RecursiveMode::Recursive)?;
    }
    {
        let opts = opts.clone();
        let state = state.clone();
        std::thread::spawn(move || {
            // Changes seen while a full build runs: they stop it, and are taken first.
            let queue = std::cell::RefCell::new(std::collections::VecDeque::new());
            let mut pending = Pending::default();
            loop {
                let next = queue.borrow_mut().pop_front();
                let Some(result) = next.or_else(|| rx.recv().ok()) else {
                    break;
                };
                // A site folder that did not exist before: watch it from now on.
                for path in load::site_folders(&opts.root) {
                    if let Err(d) = watch(&mut debouncer, &path, RecursiveMode::Recursive) {
                        eprintln!("{}", render_human(&d, &Inputs::default(), false));
                    }
                }
                let changed = changes(&result);
                if changed.as_ref().is_none_or(|c| !c.is_empty()) {
                    take_change(
                        &opts,
                        &mut session,
                        &state,
                        changed.as_deref(),
                        &mut pending,
                    );
                }
                let newer = || {
                    let mut queue = queue.borrow_mut();
                    queue.extend(rx.try_iter());
                    queue
                        .iter()
                        .any(|r| changes(r).is_none_or(|c| !c.is_empty()))
                };
                // A build whose edits were shown early is never stopped: what was shown must
                // become the last good site (a broken edit next would otherwise go back to a
                // site from before them).
                let may_stop = !pending.shown_early;
                if pending.owed && !newer() {
                    rebuild(&opts, &mut session, &state, &mut pending, &|| {
                        may_stop && newer()
                    });
                }
            }
        });
    }

    let app = Router::new()
        .route(&format!("/{LIVE_PATH}"), get(live_js))
        .route(&format!("/{EVENTS_PATH}"), get(events_stream))
        .fallback(get(page))
        .with_state(state);
    eprintln!(
        "Serving {} on {base_url} (Ctrl-C to stop)",
        opts.root.display()
    );
    axum::serve(listener, app)
        .await
        .map_err(|e| Diagnostic::error(Code::ServeFailed, e.to_string()))?;
    Ok(())
}

/// The paths a batch of watcher events changed; `None` when the watcher lost track (read
/// everything again). Reading files (as every rebuild does) raises access events: only changes
/// count, or each rebuild would trigger the next.
fn changes(result: &DebounceEventResult) -> Option<Vec<PathBuf>> {
    let events = result.as_ref().ok()?;
    if events.iter().any(|e| e.event.need_rescan()) {
        return None;
    }
    let changed = events.iter().filter(|e| {
        matches!(
            e.event.kind,
            EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_)
        ) && !matches!(e.event.kind, EventKind::Modify(ModifyKind::Metadata(_)))
    });
    Some(
        changed
            .flat_map(|e| e.event.paths.iter().cloned())
            .collect(),
    )
}

/// What the watcher's thread keeps between changes: whether a full build is owed (a change came
/// since the last one finished), whether every change since was shown early, and what tells the
/// pages that wait that the site is made.
#[derive(Default)]
struct Pending {
    owed: bool,
    shown_early: bool,
    start: Option<Instant>,
    settles: Vec<tokio::sync::watch::Sender<bool>>,
}

/// Reads a change (`changed`: the paths the watcher saw; `None`: read everything again). From now
/// until the site is made again, pages wait for it, so that none from before the change is served;
/// except the pages of findings and of Markdown pages and nodes edited in ways only their own
/// pages show ([`Incremental::quick`]),
/// which are served at once, and open pages reload to them.
fn take_change(
    opts: &ServeOptions,
    session: &mut Incremental,
    state: &AppState,
    changed: Option<&[PathBuf]>,
    pending: &mut Pending,
) {
    let start = Instant::now();
    session.reload(changed);
    let is_broken = state
        .broken
        .read()
        .unwrap_or_else(|p| p.into_inner())
        .is_some();
    let quick = (!is_broken).then(|| session.quick()).flatten();
    let pages: HashMap<String, Arc<Vec<u8>>> = (quick.into_iter().flatten())
        .map(|f| (f.path, Arc::new(f.bytes)))
        .collect();
    let (tx, rx) = tokio::sync::watch::channel(false);
    pending.settles.push(tx);
    pending.owed = true;
    pending.shown_early = !pages.is_empty();
    pending.start.get_or_insert(start);
    let shown = pages.len();
    let early = Early { pages, settled: rx };
    *state.early.write().unwrap_or_else(|p| p.into_inner()) = Some(Arc::new(early));
    if shown > 0 {
        let _ = state.events.send(Message::Reload);
        if !opts.quiet {
            let took = start.elapsed().as_secs_f64() * 1000.0;
            eprintln!("Edited page(s) shown in {took:.0} ms; making the rest of the site");
        }
    }
}

/// The full build the changes so far owe, stopped if `stop` says newer changes came meanwhile
/// (they are taken first, and the build starts again after them). Once it finishes, pages that
/// waited for it are served.
fn rebuild(
    opts: &ServeOptions,
    session: &mut Incremental,
    state: &AppState,
    pending: &mut Pending,
    stop: &dyn Fn() -> bool,
) {
    let start = pending.start.unwrap_or_else(Instant::now);
    let Some((result, timings)) = session.build_unless(stop) else {
        return;
    };
    rebuild_all(
        opts,
        session,
        state,
        (result, timings),
        start,
        (pending.shown_early, std::mem::take(&mut pending.settles)),
    );
    *pending = Pending::default();
}

/// Whatever the full build found, pages that waited for it (on `settles`) are served now.
fn settle(state: &AppState, settles: Vec<tokio::sync::watch::Sender<bool>>) {
    *state.early.write().unwrap_or_else(|p| p.into_inner()) = None;
    for tx in settles {
        let _ = tx.send(true);
    }
}

/// A full build done: swaps the new site in, or keeps the last good one and shows what broke;
/// then serves the pages that wait for it (`settles`). `reloaded`: open pages were told to reload
/// already, to pages that show every change since.
fn rebuild_all(
    opts: &ServeOptions,
    session: &Incremental,
    state: &AppState,
    (result, timings): (crate::pipeline::Built, crate::pipeline::Timings),
    start: Instant,
    (reloaded, settles): (bool, Vec<tokio::sync::watch::Sender<bool>>),
) {
    let (rendered, warnings) = match result {
        Ok(r) => r,
        Err(diags) => {
            broken(state, explain(session.inputs(), &diags));
            return settle(state, settles);
        }
    };
    let snapshot = Arc::new(Snapshot::new(rendered));
    let previous = state
        .current
        .write()
        .unwrap_or_else(|p| p.into_inner())
        .replace(snapshot.clone());
    let first = previous.is_none();
    let was_broken = state
        .broken
        .write()
        .unwrap_or_else(|p| p.into_inner())
        .take()
        .is_some();
    // A page that reloaded early waited for this build, unless it was the edited page itself.
    if !reloaded || was_broken {
        let _ = state.events.send(Message::Reload);
    }
    let ready = start.elapsed();
    // The site is made: no page waits for it now, nor for its warnings to be printed (tens of
    // thousands, on some sites). (Before the check starts, which stops while a change is
    // pending.)
    settle(state, settles);
    let mut printed = state.printed.lock().unwrap_or_else(|p| p.into_inner());
    let counts = print_new(session.inputs(), &warnings, &mut printed.build);
    drop(printed);
    if !opts.quiet {
        let stages: Vec<String> = (timings.iter())
            .map(|(stage, took)| format!("{} {:.0} ms", stage.trim(), took.as_secs_f64() * 1000.0))
            .collect();
        eprintln!(
            "{} in {:.0} ms{}{}{}",
            if first { "Built" } else { "Rebuilt" },
            ready.as_secs_f64() * 1000.0,
            if was_broken { " (fixed)" } else { "" },
            warnings_said(counts, first),
            if opts.verbose {
                format!(" ({})", stages.join(", "))
            } else {
                String::new()
            }
        );
    }
    let inputs = session.inputs().clone();
    let (state, verbose) = (state.clone(), opts.verbose);
    std::thread::spawn(move || check_all(&state, &snapshot, previous, &inputs, verbose));
}

/// Makes every page of `snapshot` (keeping each, so browsing is instant); if one fails and the
/// snapshot is still the one served, goes back to `previous` and shows the problems. A page
/// `previous` holds, made from what this one's would be made from, is taken from it, not made
/// again ([`Rendered::keep_made`]).
fn check_all(
    state: &AppState,
    snapshot: &Arc<Snapshot>,
    previous: Option<Arc<Snapshot>>,
    inputs: &Inputs,
    verbose: bool,
) {
    let checking = Instant::now();
    let still_current = |current: &Option<Arc<Snapshot>>| {
        current.as_ref().is_some_and(|c| Arc::ptr_eq(c, snapshot))
    };
    let held = previous.as_ref().and_then(|p| p.held_pages());
    snapshot.rendered.keep_made(held);
    let stopped = std::sync::atomic::AtomicBool::new(false);
    let result = snapshot.rendered.produce_pages(&|f| {
        // A newer site is served already, or a change came and the site is being made again:
        // checking this one is wasted work that would slow the next rebuild, so stop.
        let changing = state
            .early
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .is_some();
        if changing || !still_current(&state.current.read().unwrap_or_else(|p| p.into_inner())) {
            stopped.store(true, std::sync::atomic::Ordering::Relaxed);
            return Err(Diagnostic::error(Code::ServeFailed, "superseded"));
        }
        // Pages are kept as they are checked (`Rendered` keeps the files made up front itself,
        // and makes the heavy ones when asked).
        if f.path.ends_with(".html") {
            snapshot.hold(f, previous.as_deref());
        }
        Ok(())
    });
    if stopped.into_inner() {
        return;
    }
    let diags = crate::diagnostic::finish(result.unwrap_or_else(|d| vec![d]));
    if diags.iter().any(Diagnostic::is_error) {
        let mut current = state.current.write().unwrap_or_else(|p| p.into_inner());
        if still_current(&current) {
            *current = previous;
            drop(current);
            broken(state, explain(inputs, &diags));
        }
        return;
    }
    let mut printed = state.printed.lock().unwrap_or_else(|p| p.into_inner());
    let counts = print_new(inputs, &diags, &mut printed.check);
    drop(printed);
    if verbose {
        eprintln!(
            "Made and checked {} pages in {:.0} ms ({} kept from the last site){}",
            snapshot.rendered.pages(),
            checking.elapsed().as_secs_f64() * 1000.0,
            snapshot.rendered.kept_count(),
            warnings_said(counts, previous.is_none()),
        );
    }
}

/// Keeps the last good site served and shows `text` in the terminal and over open pages.
fn broken(state: &AppState, text: String) {
    eprintln!("{text}");
    eprintln!("Build failed: still serving the last good site");
    *state.broken.write().unwrap_or_else(|p| p.into_inner()) = Some(text.clone());
    let _ = state.events.send(Message::Broken(text));
}

async fn live_js() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        LIVE_JS,
    )
}

async fn events_stream(State(state): State<AppState>) -> impl IntoResponse {
    let current = state
        .broken
        .read()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    let first =
        tokio_stream::iter(current.map(|t| Ok::<_, std::convert::Infallible>(broken_event(&t))));
    let rest = BroadcastStream::new(state.events.subscribe()).filter_map(|m| match m {
        Ok(Message::Reload) => Some(Ok(Event::default().event("reload").data("reload"))),
        Ok(Message::Broken(t)) => Some(Ok(broken_event(&t))),
        Err(_) => None,
    });
    Sse::new(first.chain(rest)).keep_alive(KeepAlive::default())
}

fn broken_event(text: &str) -> Event {
    Event::default()
        .event("broken")
        .data(serde_json::to_string(text).unwrap_or_default())
}

/// Maps a request path to a file of the build: `/` → `index.html`, `/x/` → `x/index.html`.
/// Refuses anything that climbs out (`..`, also percent-encoded) or names a hidden file.
pub(crate) fn resolve_path(raw: &str) -> Option<String> {
    let decoded = percent_decode(raw)?;
    let path = decoded.split(['?', '#']).next().unwrap_or("");
    let rel = path.trim_start_matches('/');
    if rel
        .split('/')
        .any(|seg| seg == ".." || seg == "." || seg.starts_with('.'))
        || rel.contains('\\')
    {
        return None;
    }
    Some(if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    })
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

pub(crate) fn content_type(path: &str) -> &'static str {
    match Path::new(path)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
    {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "svg" => "image/svg+xml",
        "json" => "application/json",
        "xml" => "application/xml",
        "atom" => "application/atom+xml",
        "csv" => "text/csv; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "bib" => "application/x-bibtex; charset=utf-8",
        "ris" => "application/x-research-info-systems; charset=utf-8",
        "woff2" => "font/woff2",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

/// Adds the reload script to an HTML page (only in `serve`; built files never carry it).
fn inject(html: &[u8]) -> Vec<u8> {
    let tag = format!("<script src=\"/{LIVE_PATH}\"></script>");
    let text = String::from_utf8_lossy(html);
    match text.rfind("</body>") {
        Some(i) => format!("{}{tag}{}", &text[..i], &text[i..]).into_bytes(),
        None => format!("{text}{tag}").into_bytes(),
    }
}

/// A file of the site as served: HTML with the reload script, never cached.
fn respond(status: StatusCode, path: &str, bytes: &[u8]) -> Response {
    let body = if path.ends_with(".html") {
        inject(bytes)
    } else {
        bytes.to_vec()
    };
    let mut r = Response::new(Body::from(body));
    *r.status_mut() = status;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(path)),
    );
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

async fn page(State(state): State<AppState>, uri: Uri) -> Response {
    let Some(path) = resolve_path(uri.path()) else {
        return (StatusCode::BAD_REQUEST, "bad path").into_response();
    };
    // While the site is made again after an edit: the edited pages at once, any other page when
    // the site is made (never one from before the edit).
    let early = state
        .early
        .read()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    if let Some(early) = early {
        if let Some(bytes) = early.pages.get(&path) {
            return respond(StatusCode::OK, &path, bytes);
        }
        let mut settled = early.settled.clone();
        let _ = settled.wait_for(|done| *done).await;
    }
    let current = state
        .current
        .read()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    let Some(site) = current else {
        // The site has never built: a page that shows the overlay and reloads once it does.
        let body = format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not built yet</title></head><body><p>The site has errors and has not built yet; see the terminal.</p><script src=\"/{LIVE_PATH}\"></script></body></html>"
        );
        let mut r = Response::new(Body::from(body));
        *r.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        return r;
    };
    // Making a page is CPU work: off the async threads.
    let get = |site: Arc<Snapshot>, path: String| async move {
        tokio::task::spawn_blocking(move || site.get(&path))
            .await
            .ok()
            .flatten()
    };
    match get(site.clone(), path.clone()).await {
        Some(Ok(bytes)) => return respond(StatusCode::OK, &path, &bytes),
        Some(Err(diags)) => {
            let text: Vec<String> = diags
                .iter()
                .map(|d| render_human(d, &crate::load::Inputs::default(), false))
                .collect();
            return (StatusCode::INTERNAL_SERVER_ERROR, text.join("\n")).into_response();
        }
        None => {}
    }
    // `/x` where `/x/` is a page: redirect, as static hosts do.
    let dir_index = format!("{path}/index.html");
    if site.has(&dir_index) {
        let mut r = Response::new(Body::empty());
        *r.status_mut() = StatusCode::MOVED_PERMANENTLY;
        if let Ok(v) = HeaderValue::from_str(&format!("/{path}/")) {
            r.headers_mut().insert(header::LOCATION, v);
        }
        return r;
    }
    match get(site, "404.html".into()).await {
        Some(Ok(bytes)) => respond(StatusCode::NOT_FOUND, "404.html", &bytes),
        _ => (StatusCode::NOT_FOUND, "not found").into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_map_to_files_and_traversal_is_refused() {
        assert_eq!(resolve_path("/").as_deref(), Some("index.html"));
        assert_eq!(
            resolve_path("/sources/x/").as_deref(),
            Some("sources/x/index.html")
        );
        assert_eq!(resolve_path("/site.css").as_deref(), Some("site.css"));
        assert_eq!(resolve_path("/a%20b/").as_deref(), Some("a b/index.html"));
        for bad in [
            "/../etc/passwd",
            "/%2e%2e/x",
            "/a/../../b",
            "/.evident-output",
            "/a%5c..%5cb",
            "/%zz",
        ] {
            assert_eq!(resolve_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn reload_script_goes_before_body_end() {
        let out = String::from_utf8(inject(b"<html><body><p>x</p></body></html>")).unwrap();
        assert!(out.ends_with("<script src=\"/__evident/live.js\"></script></body></html>"));
    }
}
