//! `evident check --external` (issue #20, "Sources that move"): against a server on 127.0.0.1 in
//! the test, never the internet. It serves a page that is fine, one that is gone, one that moved
//! (301), one slower than the site's timeout, one that fails once (503) and then answers, and a
//! source's page whose text has changed since it was archived.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Path as UrlPath, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::support::Site;

/// The codes this module's tests produce (tests/it/codes.rs counts them as covered).
pub const PRODUCED: &[&str] = &["link-dead", "link-moved", "link-timeout", "source-drifted"];

type Hits = Arc<Mutex<BTreeMap<String, usize>>>;

/// Every user agent the servers saw.
static AGENTS: Mutex<Vec<String>> = Mutex::new(Vec::new());

async fn page(
    UrlPath(name): UrlPath<String>,
    State(hits): State<Hits>,
    method: Method,
    headers: HeaderMap,
) -> Response {
    let n = {
        let mut h = hits.lock().unwrap();
        let n = h.entry(name.clone()).or_default();
        *n += 1;
        *n
    };
    if let Some(agent) = headers
        .get(header::USER_AGENT)
        .and_then(|a| a.to_str().ok())
    {
        AGENTS.lock().unwrap().push(agent.to_string());
    }
    let html = |body: &str| {
        (
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            format!("<!doctype html><html><body>{body}</body></html>"),
        )
            .into_response()
    };
    match name.as_str() {
        "ok" | "new" | "copy" => html("<p>A page that is fine.</p>"),
        "old" => (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, "/new")]).into_response(),
        "slow" => {
            tokio::time::sleep(Duration::from_secs(4)).await;
            html("<p>Too late.</p>")
        }
        "flaky" if n == 1 => (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::RETRY_AFTER, "1")],
        )
            .into_response(),
        "flaky" => html("<p>Back again.</p>"),
        "no-head" if method == Method::HEAD => StatusCode::METHOD_NOT_ALLOWED.into_response(),
        "no-head" => html("<p>Only GET here.</p>"),
        // The archived copy says "Almost three-quarters (72%) said council staff usually lead
        // on support planning, only 2% said service users." and "Two-thirds of survey
        // respondents said it."; the page was revised since.
        "drift" => html(
            "<p>Almost three-quarters (72%) said council staff usually lead on support planning, \
             only 2% said service users.</p><p>A third of respondents said it.</p>",
        ),
        "paper.pdf" => {
            let pdf = std::fs::read(crate::support::fixture("archive").join("article.pdf"));
            ([(header::CONTENT_TYPE, "application/pdf")], pdf.unwrap()).into_response()
        }
        // Held for a while, counting how many are held at once.
        hold if hold.starts_with("hold-") => {
            {
                let mut h = hits.lock().unwrap();
                let now = *h
                    .entry("in-flight".into())
                    .and_modify(|n| *n += 1)
                    .or_insert(1);
                let max = h.entry("max-in-flight".into()).or_default();
                *max = (*max).max(now);
            }
            tokio::time::sleep(Duration::from_millis(300)).await;
            *hits.lock().unwrap().get_mut("in-flight").unwrap() -= 1;
            html("<p>Held.</p>")
        }
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

/// Starts the server on a free port; returns its address and the requests each path had.
fn serve() -> (String, Hits) {
    let hits: Hits = Arc::default();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let addr = format!("http://{}", listener.local_addr().unwrap());
    let state = Arc::clone(&hits);
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            let app = Router::new().route("/{name}", get(page)).with_state(state);
            axum::serve(listener, app).await.unwrap();
        });
    });
    (addr, hits)
}

fn source(site: &Site, id: &str, keys: &str) {
    site.write(
        &format!("content/sources/{id}.md"),
        format!(
            "---\ntype: webpage\ntitle: Page {id}\ndate: \"2020\"\nkind: report\ndesign: not-stated\n{keys}---\nA page.\n"
        ),
    );
}

/// The valid fixture, with its sources and a page pointing at the test server.
fn site(addr: &str) -> Site {
    let site = Site::from_fixture("valid");
    site.edit(
        "content/sources/s1.md",
        "url: https://example.org/x",
        &format!("url: {addr}/drift"),
    );
    site.edit(
        "site.yaml",
        "license: CC-BY-4.0",
        "license: CC-BY-4.0\nexternal:\n  timeout_seconds: 1\n  per_host: 4\n  skip: [\"doi.org\", \"http://127.0.0.1:1/*\"]",
    );
    source(&site, "fine", &format!("url: {addr}/ok\n"));
    source(&site, "gone", &format!("url: {addr}/gone\n"));
    source(
        &site,
        "gone-kept",
        &format!("url: {addr}/gone-too\narchive_url: {addr}/copy\n"),
    );
    source(&site, "moved", &format!("url: {addr}/old\n"));
    source(&site, "slow", &format!("url: {addr}/slow\n"));
    source(&site, "flaky", &format!("url: {addr}/flaky\n"));
    source(&site, "no-head", &format!("url: {addr}/no-head\n"));
    source(&site, "skipped", "url: http://127.0.0.1:1/never\n");
    site.edit(
        "content/about.md",
        "text",
        &format!("text, and [a link]({addr}/missing)."),
    );
    site
}

fn total(hits: &Hits) -> usize {
    hits.lock().unwrap().values().sum()
}

#[test]
fn check_external_reports_dead_moved_slow_and_drifted_sources_and_caches_answers() {
    let (addr, hits) = serve();
    let site = site(&addr);
    let run = site.run(&["check", "--external"]);
    run.no_panic();
    let err = &run.stderr;
    assert_eq!(run.code, 0, "warnings only, without --strict:\n{err}");
    for expect in [
        "content/sources/gone.md:7:6: warning[link-dead]",
        "content/sources/gone-kept.md:7:6: warning[link-dead]",
        "content/sources/moved.md:7:6: warning[link-moved]",
        "content/sources/slow.md:7:6: warning[link-timeout]",
        "content/sources/s1.md:8:6: warning[source-drifted]",
        "content/about.md:7:",
    ] {
        assert!(err.contains(expect), "{expect:?} missing:\n{err}");
    }
    assert!(
        err.contains(&format!("write the new address: {addr}/new")),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "add `archive_url:` with a copy from https://web.archive.org/web/*/{addr}/gone "
        )),
        "{err}"
    );
    // The source with an archive copy is not told to add one.
    assert_eq!(err.matches("add `archive_url:`").count(), 1, "{err}");
    assert!(
        err.contains("readers still have the copy `archive_url:` names"),
        "{err}"
    );
    assert!(err.contains("finding `two-thirds`"), "{err}");
    assert!(!err.contains("finding `staff-lead`"), "{err}");
    for fine in ["fine.md", "flaky.md", "no-head.md", "/copy"] {
        assert!(
            !err.lines()
                .any(|l| l.contains(fine) && l.contains("warning[")),
            "{fine} reported:\n{err}"
        );
    }
    let counts = hits.lock().unwrap().clone();
    assert_eq!(
        counts.get("flaky"),
        Some(&2),
        "one retry after a 503: {counts:?}"
    );
    assert_eq!(
        counts.get("slow"),
        Some(&2),
        "one retry after a timeout: {counts:?}"
    );
    assert_eq!(
        counts.get("no-head"),
        Some(&2),
        "GET after HEAD is refused: {counts:?}"
    );
    assert_eq!(
        counts.get("ok"),
        Some(&1),
        "HEAD answers a page that is fine: {counts:?}"
    );
    let agent = "evident/0.1.0 (+link check; https://example.org/sub/)";
    let agents = AGENTS.lock().unwrap().clone();
    assert!(agents.iter().any(|a| a == agent), "{agents:?}");
    assert!(!site
        .read(".evident-cache/links.json")
        .contains("127.0.0.1:1/"));

    // The cache answers the next runs: no request is made again.
    let before = total(&hits);
    let strict = site.run(&["check", "--external", "--strict"]);
    assert_eq!(strict.code, 1, "{}", strict.stderr);
    assert!(
        strict.stderr.contains("error[link-dead]"),
        "{}",
        strict.stderr
    );
    assert!(
        strict.stderr.contains("error[source-drifted]"),
        "{}",
        strict.stderr
    );
    let json = site.run(&["check", "--external", "--format", "json"]);
    assert!(
        json.stdout.contains("\"code\":\"link-moved\""),
        "{}",
        json.stdout
    );
    let github = site.run(&["check", "--external", "--format", "github"]);
    assert!(github.stdout.contains("link-timeout"), "{}", github.stdout);
    assert_eq!(
        total(&hits),
        before,
        "the cache was not used: {:?}",
        hits.lock().unwrap()
    );

    // Without --external nothing is requested, and nothing is reported.
    let plain = site.run(&["check"]);
    // The cache folder is not part of the site: the plain check is clean.
    assert_eq!(plain.code, 0, "{}", plain.stderr);
    assert!(plain.stderr.contains(", 0 warnings"), "{}", plain.stderr);
    assert!(!plain.stderr.contains("link-"), "{}", plain.stderr);
    assert_eq!(total(&hits), before);
}

#[test]
fn a_cache_older_than_cache_hours_is_asked_again() {
    let (addr, hits) = serve();
    let site = Site::from_fixture("valid");
    site.edit(
        "content/sources/s1.md",
        "url: https://example.org/x",
        &format!("url: {addr}/ok"),
    );
    site.write(
        ".evident-cache/links.json",
        format!("{{\"links\": {{\"{addr}/ok\": {{\"checked\": 1, \"outcome\": \"dead\", \"why\": \"HTTP 404\"}}}}}}"),
    );
    let run = site.run(&["check", "--external"]);
    assert!(!run.stderr.contains("link-dead"), "{}", run.stderr);
    assert_eq!(total(&hits), 1);
}

#[test]
fn external_settings_are_checked_like_other_keys() {
    let site = Site::from_fixture("valid");
    site.edit(
        "site.yaml",
        "license: CC-BY-4.0",
        "license: CC-BY-4.0\nexternal:\n  concurrency: 0",
    );
    let run = site.run(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("site.yaml:8:16: error[wrong-type]"),
        "{}",
        run.stderr
    );
    site.edit("site.yaml", "concurrency: 0", "per_hots: 2");
    let run = site.run(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("error[unknown-key]"), "{}", run.stderr);
}

#[test]
fn archive_url_must_be_http_and_is_shown_on_the_source_page() {
    let site = Site::from_fixture("valid");
    site.edit(
        "content/sources/s1.md",
        "url: https://example.org/x",
        "url: https://example.org/x\narchive_url: ftp://archive.example/x",
    );
    let run = site.run(&["check"]);
    assert!(
        run.stderr
            .contains("content/sources/s1.md:9:14: error[invalid-url]"),
        "{}",
        run.stderr
    );
    site.edit(
        "content/sources/s1.md",
        "ftp://archive.example/x",
        "https://web.archive.org/web/2020/https://example.org/x",
    );
    let run = site.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = site.read("public/sources/s1/index.html");
    assert!(
        page.contains("Archived copy</dt><dd><a href=\"https://web.archive.org/web/2020/https://example.org/x\">"),
        "{page}"
    );
}

/// A PDF's text is taken as `archive add` takes it (page by page; a word hyphenated across a line
/// still matches), and compared with the archive as HTML is.
#[test]
fn a_source_published_as_a_pdf_is_compared_with_its_archive_too() {
    let (addr, hits) = serve();
    let site = Site::from_fixture("valid");
    source(
        &site,
        "paper",
        &format!("url: {addr}/paper.pdf\narchive: archive/paper.txt\n"),
    );
    site.write(
        "archive/paper.txt",
        "[[page 63]]\nCommuters who cycled reported fewer sick days.\n[[page 64]]\nThe effect held in all four cities in the evidence we collected over two years.\n[[page 65]]\nThe authors call for a smaller trial.\n",
    );
    let finding = |id: &str, page: u32, quote: &str| {
        format!("  - id: {id}\n    statement: S.\n    source: paper\n    locator: p. {page}\n    quote: \"{quote}\"\n")
    };
    site.write(
        "data/findings/paper.yaml",
        format!(
            "findings:\n{}{}{}",
            finding("sick-days", 63, "fewer sick days"),
            finding(
                "four-cities",
                64,
                "all four cities in the evidence we collected"
            ),
            finding("smaller-trial", 65, "call for a smaller trial"),
        ),
    );
    let run = site.run(&["check", "--external"]);
    run.no_panic();
    let err = &run.stderr;
    assert!(err.contains("warning[source-drifted]"), "{err}");
    assert!(err.contains("finding `smaller-trial`"), "{err}");
    assert!(!err.contains("finding `sick-days`"), "{err}");
    assert!(!err.contains("finding `four-cities`"), "{err}");
    assert_eq!(hits.lock().unwrap().get("paper.pdf"), Some(&1));
}

#[test]
fn requests_to_one_host_wait_for_the_per_host_limit() {
    let (addr, hits) = serve();
    let site = Site::from_fixture("valid");
    site.edit(
        "site.yaml",
        "license: CC-BY-4.0",
        "license: CC-BY-4.0\nexternal:\n  per_host: 1\n  concurrency: 8",
    );
    for id in ["a", "b", "c", "d"] {
        source(&site, id, &format!("url: {addr}/hold-{id}\n"));
    }
    let run = site.run(&["check", "--external"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let h = hits.lock().unwrap();
    assert_eq!(h.get("max-in-flight"), Some(&1), "{h:?}");
    assert_eq!(h.get("hold-d"), Some(&1), "{h:?}");
}
