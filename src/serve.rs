//! `evident serve`: the one module that knows axum, tokio and notify. It builds the site in memory
//! (the pure stages, with `base_url` set to the local address), serves it on loopback, watches the
//! site's folders, rebuilds on every saved change, and tells open pages over server-sent events to
//! reload. A broken edit keeps the last good site served and shows its diagnostics as an overlay
//! in the page and in the terminal; fixing it reloads the page.
//!
//! Each change reloads the inputs and re-runs the pure stages; the stages are fast enough for that
//! on sites of thousands of findings (benches/README.md has the figures).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
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
use notify_debouncer_full::{new_debouncer, DebounceEventResult};
use tokio::sync::broadcast;
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::StreamExt;

use crate::diagnostic::{render_human, Diagnostic};
use crate::load::{load, SITE_FOLDERS};
use crate::resolve::Environment;

/// What `serve` needs to know.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: String,
    pub port: u16,
    /// Printed to the terminal as the server works; off for `--quiet`.
    pub verbose: bool,
}

/// The last good build, by URL path (without the leading `/`).
type Files = HashMap<String, Vec<u8>>;

#[derive(Clone)]
struct AppState {
    files: Arc<RwLock<Arc<Files>>>,
    events: broadcast::Sender<Message>,
    /// The diagnostics of the current broken build, if any, for pages opened while it is broken.
    broken: Arc<RwLock<Option<String>>>,
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
  source.addEventListener("reload", function () { hide(); location.reload(); });
  source.addEventListener("broken", function (e) { show(JSON.parse(e.data)); });
})();
"#;

fn build(root: &Path, env: &Environment) -> Result<(Files, Vec<Diagnostic>), String> {
    let (inputs, mut diags) = load(root, None);
    let (files, d) = crate::build_in_memory(&inputs, env);
    diags.extend(d);
    let diags = crate::diagnostic::finish(diags);
    if diags.iter().any(Diagnostic::is_error) {
        let text: String = diags
            .iter()
            .map(|d| render_human(d, &inputs, false))
            .collect::<Vec<_>>()
            .join("\n");
        return Err(text);
    }
    Ok((
        files.into_iter().map(|f| (f.path, f.bytes)).collect(),
        diags,
    ))
}

/// Runs the server until the process is stopped. Returns an error message for the CLI.
pub fn serve(opts: &ServeOptions) -> Result<(), Diagnostic> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Diagnostic::error("serve-failed", format!("cannot start: {e}")))?;
    runtime.block_on(run(opts.clone()))
}

async fn run(opts: ServeOptions) -> Result<(), Diagnostic> {
    let listener = tokio::net::TcpListener::bind((opts.bind.as_str(), opts.port))
        .await
        .map_err(|e| {
            Diagnostic::error(
                "serve-failed",
                format!("cannot listen on {}:{}: {e}", opts.bind, opts.port),
            )
            .help("pick another port with --port, or stop the program that uses it")
        })?;
    let addr: SocketAddr = listener
        .local_addr()
        .map_err(|e| Diagnostic::error("serve-failed", e.to_string()))?;
    let host = if addr.ip().is_unspecified() {
        "127.0.0.1".to_string()
    } else {
        addr.ip().to_string()
    };
    let base_url = format!("http://{host}:{}/", addr.port());
    let env = Environment {
        base_url: Some(base_url.clone()),
        ..crate::cli::environment(None)
    };
    let (events, _) = broadcast::channel(16);
    let state = AppState {
        files: Arc::new(RwLock::new(Arc::new(Files::new()))),
        events,
        broken: Arc::new(RwLock::new(None)),
    };
    rebuild(&opts, &env, &state);

    // Watch the site's folders; a change rebuilds on a blocking thread.
    let (tx, rx) = std::sync::mpsc::channel::<DebounceEventResult>();
    let mut debouncer = new_debouncer(Duration::from_millis(100), None, tx)
        .map_err(|e| Diagnostic::error("serve-failed", format!("cannot watch files: {e}")))?;
    for name in SITE_FOLDERS
        .iter()
        .chain(["site.yaml", crate::permalinks::MANIFEST].iter())
    {
        let path = opts.root.join(name);
        if path.exists() {
            debouncer
                .watch(&path, RecursiveMode::Recursive)
                .map_err(|e| {
                    Diagnostic::error(
                        "serve-failed",
                        format!("cannot watch {}: {e}", path.display()),
                    )
                })?;
        }
    }
    {
        let opts = opts.clone();
        let env = env.clone();
        let state = state.clone();
        std::thread::spawn(move || {
            while let Ok(result) = rx.recv() {
                // Reading files (as every rebuild does) raises access events: only changes count,
                // or each rebuild would trigger the next.
                let changed = match &result {
                    Ok(events) => events.iter().any(|e| {
                        matches!(
                            e.event.kind,
                            EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_)
                        ) && !matches!(e.event.kind, EventKind::Modify(ModifyKind::Metadata(_)))
                    }),
                    Err(_) => true,
                };
                if changed {
                    rebuild(&opts, &env, &state);
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
        .map_err(|e| Diagnostic::error("serve-failed", e.to_string()))?;
    drop(debouncer);
    Ok(())
}

fn rebuild(opts: &ServeOptions, env: &Environment, state: &AppState) {
    let start = Instant::now();
    match build(&opts.root, env) {
        Ok((files, warnings)) => {
            let pages = files.keys().filter(|p| p.ends_with(".html")).count();
            *state.files.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(files);
            *state.broken.write().unwrap_or_else(|p| p.into_inner()) = None;
            let _ = state.events.send(Message::Reload);
            if opts.verbose {
                for w in &warnings {
                    eprintln!(
                        "{}",
                        render_human(w, &crate::load::Inputs::default(), false)
                    );
                }
                eprintln!(
                    "Rebuilt {pages} pages in {:.0} ms",
                    start.elapsed().as_secs_f64() * 1000.0
                );
            }
        }
        Err(text) => {
            eprintln!("{text}");
            eprintln!("Build failed: still serving the last good site");
            *state.broken.write().unwrap_or_else(|p| p.into_inner()) = Some(text.clone());
            let _ = state.events.send(Message::Broken(text));
        }
    }
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

async fn page(State(state): State<AppState>, uri: Uri) -> Response {
    let files = state
        .files
        .read()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    let Some(path) = resolve_path(uri.path()) else {
        return (StatusCode::BAD_REQUEST, "bad path").into_response();
    };
    let respond = |status: StatusCode, path: &str, bytes: &[u8]| {
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
    };
    if let Some(bytes) = files.get(&path) {
        return respond(StatusCode::OK, &path, bytes);
    }
    // `/x` where `/x/` is a page: redirect, as static hosts do.
    let dir_index = format!("{path}/index.html");
    if files.contains_key(&dir_index) {
        let mut r = Response::new(Body::empty());
        *r.status_mut() = StatusCode::MOVED_PERMANENTLY;
        if let Ok(v) = HeaderValue::from_str(&format!("/{path}/")) {
            r.headers_mut().insert(header::LOCATION, v);
        }
        return r;
    }
    match files.get("404.html") {
        Some(bytes) => respond(StatusCode::NOT_FOUND, "404.html", bytes),
        None => (StatusCode::NOT_FOUND, "not found").into_response(),
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
