//! Every diagnostic code is produced by a test. Four corpora produce them: the bad-input corpus
//! (`bad_input.rs`: content mistakes in a site), the command corpus below (usage and IO problems,
//! exit code 2), the link check (`external.rs`, whose tests assert each code it lists), and library
//! cases below (problems the load and cite stages report that no command
//! line reaches on a healthy machine). Each corpus asserts that every case produces its code; the
//! last test checks that together they cover every code evident defines, so a code nothing
//! produces is caught (and removed, or given a case).

use std::net::TcpListener;
use std::path::Path;

use evident::diagnostic::{Code, CODES};

use crate::support::Site;

/// One command that must fail with exit code 2 and a diagnostic whose first line contains
/// `expect`.
struct CommandCase {
    name: &'static str,
    /// Prepares the site; returns the arguments to run (a held port, for serve, is returned too).
    make: fn(&Site) -> (Vec<String>, Option<TcpListener>),
    expect: &'static str,
}

fn args(a: &[&str]) -> (Vec<String>, Option<TcpListener>) {
    (a.iter().map(|s| s.to_string()).collect(), None)
}

fn command_cases() -> Vec<CommandCase> {
    vec![
        CommandCase {
            name: "build outside a site",
            make: |s| {
                std::fs::remove_file(s.path("site.yaml")).unwrap();
                args(&["build"])
            },
            expect: "error[no-site]",
        },
        CommandCase {
            name: "serve outside a site",
            make: |s| {
                std::fs::remove_file(s.path("site.yaml")).unwrap();
                args(&["serve", "--port", "0"])
            },
            expect: "error[no-site]",
        },
        CommandCase {
            name: "output that is the site",
            make: |_| args(&["build", "--output", "."]),
            expect: "error[bad-output]",
        },
        CommandCase {
            name: "output that evident did not write",
            make: |s| {
                s.write("elsewhere/keep.txt", "mine");
                args(&["build", "--output", "elsewhere"])
            },
            expect: "error[output-not-evident]",
        },
        CommandCase {
            name: "output that is a file",
            make: |s| {
                s.write("out.txt", "x");
                args(&["build", "--output", "out.txt"])
            },
            expect: "error[output-not-folder]",
        },
        CommandCase {
            name: "output below a file",
            make: |s| {
                s.write("plain.txt", "x");
                args(&["build", "--output", "plain.txt/public"])
            },
            expect: "error[io-error]",
        },
        CommandCase {
            name: "init into a folder in use",
            make: |_| args(&["init", "content"]),
            expect: "error[init-not-empty]",
        },
        CommandCase {
            name: "new over an existing node",
            make: |_| args(&["new", "claim", "users-lead"]),
            expect: "error[exists]",
        },
        CommandCase {
            name: "new term in a glossary written as a flow list",
            make: |s| {
                s.write(
                    "data/glossary.yaml",
                    "terms: [{term: budget, definition: Money.}]\n",
                );
                args(&["new", "term", "direct-payment"])
            },
            expect: "error[cannot-extend]",
        },
        CommandCase {
            name: "import of a file that is not RIS",
            make: |s| {
                s.write("notes.ris", "Just some notes.\n");
                args(&["import", "notes.ris"])
            },
            expect: "notes.ris:1:1: error[cannot-import]",
        },
        CommandCase {
            name: "archive add for a source the site does not have",
            make: |_| args(&["archive", "add", "no-such-source", "site.yaml"]),
            expect: "error[no-such-source]",
        },
        CommandCase {
            name: "archive add over an archive, without --force",
            make: |_| args(&["archive", "add", "s1", "site.yaml"]),
            expect: "error[archive-exists]",
        },
        CommandCase {
            name: "archive add of a PDF that does not parse",
            make: |s| {
                s.write("broken.pdf", "%PDF-1.4\nnot a PDF\n");
                args(&["archive", "add", "s1", "broken.pdf", "--force"])
            },
            expect: "error[unreadable-pdf]",
        },
        CommandCase {
            name: "release of a site with no version",
            make: |s| {
                s.edit("site.yaml", "version: \"1.0\"\n", "");
                args(&["release"])
            },
            expect: "site.yaml: error[no-version]",
        },
        CommandCase {
            name: "release of a version released already",
            make: |s| {
                s.write(
                    "releases/1.0.json",
                    r#"{"release": {"version": "1.0", "date": "2026-01-10"}}"#,
                );
                args(&["release"])
            },
            expect: "site.yaml: error[release-exists]",
        },
        CommandCase {
            name: "serve on a port in use",
            make: |_| {
                let held = TcpListener::bind("127.0.0.1:0").unwrap();
                let port = held.local_addr().unwrap().port().to_string();
                let (a, _) = args(&["serve", "--bind", "127.0.0.1", "--port", &port]);
                (a, Some(held))
            },
            expect: "error[serve-failed]",
        },
    ]
}

#[test]
fn every_command_mistake_is_a_usage_error_with_its_code() {
    let mut failures = Vec::new();
    for case in command_cases() {
        let site = Site::from_fixture("valid");
        let (args, _held) = (case.make)(&site);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = site.run(&args);
        run.no_panic();
        if run.code != 2 || !run.stderr.contains(case.expect) {
            failures.push(format!(
                "{}: expected exit 2 and {:?}; got exit {}:\n{}",
                case.name, case.expect, run.code, run.stderr
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Problems the stages report that no command reaches on a healthy machine: the site folder
/// vanishing between the check and the read (serve, when a site is deleted), a site with no
/// `site.yaml` given to the stages directly, a citation style that does not load, and a kind of
/// node `new` does not make (the command line refuses it first).
fn library_cases() -> Vec<(&'static str, Code)> {
    let mut produced = Vec::new();
    let (_, diags) = evident::load::load(Path::new("/no/such/evident/site"), None);
    produced.extend(diags.iter().map(|d| ("load of a missing folder", d.code)));
    let mut inputs = evident::load::Inputs::default();
    evident::load::add_default_theme(&mut inputs);
    let (_, diags) = evident::build_in_memory(&inputs, &evident::model::Environment::default());
    produced.extend(diags.iter().map(|d| ("stages without site.yaml", d.code)));
    if let Err(d) = evident::cite::load_style("broken", "<style/>") {
        produced.push(("a style that does not parse", d.code));
    }
    // The command line refuses other kinds before evident sees them; the library says why.
    let site = Site::from_fixture("valid");
    if let Err(d) = evident::pipeline::new_node(site.root(), "widget", "x") {
        produced.push(("new of an unknown kind", d.code));
    }
    // A scan is archived all the same (exit 0); the warning is the library's to give.
    let scan = std::fs::read(crate::support::fixture("archive").join("scan.pdf")).unwrap();
    if let Ok(a) = evident::archive::extract("scan.pdf", &scan) {
        produced.extend(a.diagnostics.iter().map(|d| ("a PDF with no text", d.code)));
    }
    produced
}

#[test]
fn library_cases_produce_their_codes() {
    let produced: Vec<Code> = library_cases().into_iter().map(|(_, c)| c).collect();
    for code in [
        Code::UnreadableRoot,
        Code::MissingConfig,
        Code::CitationStyle,
        Code::UnknownKind,
        Code::ArchiveNoText,
    ] {
        assert!(
            produced.contains(&code),
            "{code} not produced: {produced:?}"
        );
    }
}

/// The code in a `file:line:col: severity[code]` expectation.
fn code_in(expect: &str) -> &str {
    let start = expect.find('[').map_or(0, |i| i + 1);
    let end = expect[start..]
        .find(']')
        .map_or(expect.len(), |i| start + i);
    &expect[start..end]
}

#[test]
fn every_code_is_produced_by_a_case() {
    let mut covered: Vec<String> = crate::bad_input::cases()
        .iter()
        .map(|c| code_in(c.expect).to_string())
        .collect();
    covered.extend(
        command_cases()
            .iter()
            .map(|c| code_in(c.expect).to_string()),
    );
    // `check --external` against a local server (external.rs).
    covered.extend(crate::external::PRODUCED.iter().map(|c| c.to_string()));
    covered.extend(
        library_cases()
            .into_iter()
            .map(|(_, c)| c.as_str().to_string()),
    );
    let missing: Vec<&str> = CODES
        .iter()
        .map(|d| d.code.as_str())
        .filter(|c| !covered.iter().any(|x| x == c))
        .collect();
    assert!(
        missing.is_empty(),
        "codes no test produces (add a case, or remove the code): {missing:?}"
    );
}
