//! `evident serve`, `init` and `new`, as a maintainer uses them: the server answers on loopback,
//! refuses traversal, sends correct types and a real 404, injects the reload script, and after an
//! edit tells open pages to reload; a broken edit sends the diagnostics and keeps the last good
//! page. Waits are bounded; nothing asserts how fast anything is.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::Site;

struct Server {
    child: Child,
    port: u16,
    /// What the server printed before its address.
    before: Vec<String>,
    /// What it printed after, line by line.
    lines: std::sync::mpsc::Receiver<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(site: &Site) -> Server {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("evident"))
        .args(["serve", "--port", "0"])
        .current_dir(site.root())
        .env("NO_COLOR", "1")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, lines) = std::sync::mpsc::channel();
    // Keep draining the server's output so it never blocks on a full pipe.
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let mut before = Vec::new();
    let port = loop {
        let line =
            (lines.recv_timeout(Duration::from_secs(60))).expect("serve printed its address");
        if let Some(rest) = line.split("http://127.0.0.1:").nth(1) {
            break rest.split('/').next().unwrap().parse().unwrap();
        }
        before.push(line);
    };
    Server {
        child,
        port,
        before,
        lines,
    }
}

/// The lines the server prints next, up to and with the first that starts with `last`, waiting
/// for each at most `limit`.
fn lines_up_to(server: &Server, last: &str, limit: Duration) -> Vec<String> {
    let mut got = Vec::new();
    while let Ok(line) = server.lines.recv_timeout(limit) {
        let done = line.starts_with(last);
        got.push(line);
        if done {
            return got;
        }
    }
    panic!("no line starting {last:?} came; the server printed {got:#?}");
}

/// A minimal HTTP/1.1 GET: status, headers, body.
fn get(port: u16, path: &str) -> (u16, String, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = String::new();
    s.read_to_string(&mut raw).unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, head.to_lowercase(), body.to_string())
}

/// Reads the event stream until `event: <name>` arrives, for at most `limit`.
fn wait_for_event(
    events: &mut BufReader<TcpStream>,
    name: &str,
    limit: Duration,
) -> Option<String> {
    let start = Instant::now();
    let mut line = String::new();
    while start.elapsed() < limit {
        line.clear();
        match events.read_line(&mut line) {
            Ok(0) => return None,
            Ok(_) if line.trim() == format!("event: {name}") => {
                let mut data = String::new();
                events.read_line(&mut data).ok()?;
                return Some(data);
            }
            Ok(_) => {}
            Err(_) => {}
        }
    }
    None
}

fn open_events(port: u16) -> BufReader<TcpStream> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_millis(500)))
        .unwrap();
    write!(
        s,
        "GET /__evident/events HTTP/1.1\r\nHost: localhost\r\n\r\n"
    )
    .unwrap();
    BufReader::new(s)
}

#[test]
fn serve_answers_safely_with_types_and_404() {
    let site = Site::from_fixture("valid");
    let server = start(&site);
    let (status, head, body) = get(server.port, "/");
    assert_eq!(status, 200);
    assert!(head.contains("content-type: text/html; charset=utf-8"));
    assert!(body.contains("<script src=\"/__evident/live.js\"></script></body>"));
    assert!(
        body.contains(&format!("http://127.0.0.1:{}/", server.port)),
        "links use the local address"
    );
    let (status, head, _) = get(server.port, "/site.css");
    assert_eq!(status, 200);
    assert!(head.contains("content-type: text/css"));
    let (status, head, _) = get(server.port, "/tables/who-leads.csv");
    assert_eq!(status, 200);
    assert!(head.contains("content-type: text/csv"));
    let (status, _, body) = get(server.port, "/no/such/page/");
    assert_eq!(status, 404);
    assert!(body.contains("Page not found"));
    for bad in [
        "/../site.yaml",
        "/%2e%2e/site.yaml",
        "/sources/..%2f..%2fsite.yaml",
        "/.evident-output",
    ] {
        let (status, _, body) = get(server.port, bad);
        assert!(status == 400 || status == 404, "{bad}: {status}");
        assert!(
            !body.contains("base_url"),
            "{bad} leaked the site's own files"
        );
    }
    let (status, head, _) = get(server.port, "/sources");
    assert_eq!(status, 301);
    assert!(head.contains("location: /sources/"));
}

#[test]
fn an_edit_reloads_and_a_broken_edit_shows_diagnostics_and_keeps_the_last_good_page() {
    let site = Site::from_fixture("valid");
    let server = start(&site);
    let mut events = open_events(server.port);
    site.edit(
        "data/findings/s1.yaml",
        "Most said staff lead.",
        "Most said council staff lead.",
    );
    assert!(
        wait_for_event(&mut events, "reload", Duration::from_secs(20)).is_some(),
        "no reload event after an edit"
    );
    let (_, _, body) = get(server.port, "/findings/staff-lead/");
    assert!(body.contains("Most said council staff lead."));

    site.edit("data/findings/s1.yaml", "source: s1", "source: nope");
    let data =
        wait_for_event(&mut events, "broken", Duration::from_secs(20)).expect("a broken event");
    assert!(data.contains("error[unknown-source]"), "{data}");
    let (status, _, body) = get(server.port, "/findings/staff-lead/");
    assert_eq!(status, 200, "the last good site is still served");
    assert!(
        body.contains("Most said council staff lead."),
        "{}",
        &body[..body.len().min(600)]
    );

    site.edit("data/findings/s1.yaml", "source: nope", "source: s1");
    assert!(wait_for_event(&mut events, "reload", Duration::from_secs(20)).is_some());
}

#[test]
fn init_then_build_works_in_an_empty_folder() {
    let dir = tempfile::tempdir().unwrap();
    let site = Site { dir };
    let run = site.run(&["init", "new-site"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = site.run(&["--root", "new-site", "build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("0 errors, 0 warnings"),
        "{}",
        run.stderr
    );
    assert!(site
        .path("new-site/public/findings/example-finding/index.html")
        .exists());
    // init refuses a folder that is not empty.
    assert_eq!(site.run(&["init", "new-site"]).code, 2);
}

#[test]
fn new_adds_stubs_and_refuses_existing_or_bad_ids() {
    let site = Site::from_fixture("valid");
    let run = site.run(&["new", "source", "second-report"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(site
        .read("content/sources/second-report.md")
        .contains("# A Source"));
    assert!(site.path("archive/second-report.txt").exists());
    assert_eq!(site.run(&["check"]).code, 0);
    for kind in ["claim", "topic", "gap", "finding"] {
        assert_eq!(site.run(&["new", kind, "stub-x"]).code, 0, "{kind}");
    }
    assert_eq!(site.run(&["new", "source", "second-report"]).code, 2);
    // A finding's id is refused when another file has it, not only when its file would be.
    let taken = site.run(&["new", "finding", "users-two"]);
    assert_eq!(taken.code, 2, "{}", taken.stderr);
    assert!(
        taken.stderr.contains("error[exists]") && taken.stderr.contains("s1.yaml"),
        "{}",
        taken.stderr
    );
    assert!(!site.path("data/findings/users-two.yaml").exists());
    assert_eq!(site.run(&["new", "source", "Bad Id"]).code, 2);
    assert_eq!(site.run(&["new", "essay", "x"]).code, 2);
}

/// Outside a site made by `init`, the stubs name what the site has where they can: a new source's
/// design is `not-stated` (the example's `survey` may not be one of the site's designs), a
/// findings file named after a source quotes that source, and the note says what is left to set.
#[test]
fn new_stubs_fit_the_site_they_are_made_in() {
    let site = Site::from_fixture("valid");
    site.edit(
        "site.yaml",
        "license: CC-BY-4.0",
        "license: CC-BY-4.0\ndesigns: {not-stated: Method not stated, news-report: News report}",
    );
    assert_eq!(site.run(&["new", "source", "report-two"]).code, 0);
    assert!(site
        .read("content/sources/report-two.md")
        .contains("\ndesign: not-stated "));
    let check = site.run(&["check"]);
    assert!(!check.stderr.contains("unknown-design"), "{}", check.stderr);
    let run = site.run(&["new", "finding", "report-two"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(site
        .read("data/findings/report-two.yaml")
        .contains("    source: report-two "));
    assert!(
        run.stderr.contains("its `source:` is `report-two`, the source of the same id; set each stance's `claim:` to a claim the site has"),
        "{}",
        run.stderr
    );
    let run = site.run(&["new", "finding", "unrelated"]);
    assert!(site
        .read("data/findings/unrelated.yaml")
        .contains("    source: example-source "));
    assert!(
        run.stderr
            .contains("set its `source:` to the id of the source"),
        "{}",
        run.stderr
    );
}

/// `new term` creates the glossary, then adds to it (keeping what is there), and refuses a term
/// it defines already; the result parses and its terms are on /glossary/.
#[test]
fn new_term_creates_and_extends_the_glossary() {
    let site = Site::from_fixture("valid");
    assert_eq!(site.run(&["new", "term", "personal-budget"]).code, 0);
    let first = site.read("data/glossary.yaml");
    assert!(first.contains("- term: personal budget"), "{first}");
    site.write(
        "data/glossary.yaml",
        first.replace("[]          # ids", "[s1]          # ids"),
    );
    let run = site.run(&["new", "term", "direct-payment"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let both = site.read("data/glossary.yaml");
    assert!(both.contains("[s1]") && both.contains("- term: direct payment"));
    let again = site.run(&["new", "term", "personal-budget"]);
    assert_eq!(again.code, 2);
    assert!(again.stderr.contains("error[exists]"), "{}", again.stderr);
    let build = site.run(&["build"]);
    assert_eq!(build.code, 0, "{}", build.stderr);
    let page = site.read("public/glossary/index.html");
    assert!(
        page.contains(r#"<dt id="personal-budget">personal budget"#),
        "{page}"
    );
    assert!(
        page.contains(r#"<dt id="direct-payment">direct payment"#),
        "{page}"
    );
}

/// serve reads again only what changed: a new page appears, a removed one is gone, and a
/// template mistake that only shows when pages are made (found by the check of every page that
/// follows each rebuild) sends the diagnostics and puts the last good site back.
#[test]
fn serve_follows_added_and_removed_files_and_checks_every_page() {
    let site = Site::from_fixture("valid");
    let server = start(&site);
    let mut events = open_events(server.port);
    site.write(
        "content/extra.md",
        b"---\ntitle: Extra page\n---\nAdded while serving.\n",
    );
    assert!(wait_for_event(&mut events, "reload", Duration::from_secs(20)).is_some());
    let (status, _, body) = get(server.port, "/extra/");
    assert_eq!(status, 200);
    assert!(body.contains("Added while serving."));

    std::fs::remove_file(site.path("content/extra.md")).unwrap();
    assert!(wait_for_event(&mut events, "reload", Duration::from_secs(20)).is_some());
    let (status, _, _) = get(server.port, "/extra/");
    assert_eq!(status, 404);

    // Only the finding template uses this variable: parse and resolve pass, a page fails.
    site.write(
        "templates/finding.html",
        b"{% extends \"base.html\" %}{% block main %}{{ no_such_variable.x }}{% endblock %}",
    );
    let data =
        wait_for_event(&mut events, "broken", Duration::from_secs(20)).expect("a broken event");
    assert!(data.contains("error[template-undefined]"), "{data}");
    let (status, _, body) = get(server.port, "/findings/staff-lead/");
    assert_eq!(status, 200, "the last good site is served again");
    assert!(body.contains("Most said staff lead."), "{body}");
}

/// An edit shown at once on its own page is still followed by the full rebuild and the check of
/// every page: a mistake the edit causes on another page (here a claim page that fails on a word
/// in the statement) sends the diagnostics.
#[test]
fn an_edit_shown_at_once_is_still_checked_on_every_page() {
    let site = Site::from_fixture("valid");
    site.write(
        "templates/claim.html",
        b"{% extends \"base.html\" %}{% block main %}{% for e in claim.evidence %}\
          {% if \"BOOM\" in findings[e.finding].statement %}{{ no_such_variable.x }}{% endif %}\
          {% endfor %}{% endblock %}",
    );
    let server = start(&site);
    let mut events = open_events(server.port);
    site.edit(
        "data/findings/s1.yaml",
        "Most said staff lead.",
        "Most said staff lead. BOOM",
    );
    assert!(wait_for_event(&mut events, "reload", Duration::from_secs(20)).is_some());
    let data =
        wait_for_event(&mut events, "broken", Duration::from_secs(20)).expect("a broken event");
    assert!(data.contains("error[template-undefined]"), "{data}");
    assert!(data.contains("claim.html"), "{data}");
}

/// In a site made by `init`, a stub of every kind `new` makes builds at once; `new finding` in a
/// site that has findings files says how to add the finding to one of them instead.
#[test]
fn every_stub_builds_at_once_in_a_new_site() {
    let dir = tempfile::tempdir().unwrap();
    let outer = Site { dir };
    let run = outer.run(&["init", "site", "--publisher", "Test"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let in_site = |args: &[&str]| {
        let mut all = vec!["--root", "site"];
        all.extend_from_slice(args);
        outer.run(&all)
    };
    for kind in evident::scaffold::KINDS {
        let run = in_site(&["new", kind, &format!("stub-{kind}")]);
        assert_eq!(run.code, 0, "{kind}: {}", run.stderr);
        if kind == "finding" {
            assert!(
                run.stderr
                    .contains("to add this one to data/findings/example-source.yaml instead"),
                "{}",
                run.stderr
            );
        }
    }
    let check = in_site(&["check"]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    assert!(!check.stderr.contains("error["), "{}", check.stderr);
}

/// `serve` prints every warning once, with its first build; after a rebuild, only those the last
/// good build did not report, and how many there are in all (a site's standing warnings, tens of
/// thousands on some sites, are not printed again at every save).
#[test]
fn a_rebuild_prints_only_the_warnings_that_are_new() {
    let site = Site::from_fixture("valid");
    site.edit("content/about.md", "text", "text with 12% typed by hand");
    let server = start(&site);
    let figure = |lines: &[String], f: &str| {
        let warned = format!("warning[figure-in-prose]: `{f}`");
        lines.iter().any(|l| l.contains(&warned))
    };
    let first = &server.before;
    assert!(figure(first, "12%"), "{first:#?}");
    let said = first.iter().find(|l| l.starts_with("Built in"));
    assert!(
        said.is_some_and(|l| l.ends_with(", 1 warning")),
        "{first:#?}"
    );

    site.edit("content/about.md", "title: About", "title: About us");
    let second = lines_up_to(&server, "Rebuilt in", Duration::from_secs(20));
    assert!(!figure(&second, "12%"), "printed again: {second:#?}");
    assert!(
        second.last().unwrap().ends_with(", 1 warning (0 new)"),
        "{second:#?}"
    );

    site.edit("content/about.md", "12% typed", "12% and 34% typed");
    let third = lines_up_to(&server, "Rebuilt in", Duration::from_secs(20));
    assert!(
        figure(&third, "34%") && !figure(&third, "12%"),
        "{third:#?}"
    );
    assert!(
        third.last().unwrap().ends_with(", 2 warnings (1 new)"),
        "{third:#?}"
    );
}
