//! The command line: exit codes, flags and the machine-readable formats.

use crate::support::Site;

#[test]
fn exit_codes() {
    let site = Site::from_fixture("valid");
    assert_eq!(site.run(&["build"]).code, 0);
    assert_eq!(site.run(&["build", "--no-such-flag"]).code, 2);
    let empty = tempfile::tempdir().unwrap();
    let run = Site { dir: empty }.run(&["build"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("error[no-site]"), "{}", run.stderr);
    site.edit("data/findings/s1.yaml", "source: s1", "source: nope");
    assert_eq!(site.run(&["build"]).code, 1);
}

#[test]
fn warnings_pass_unless_denied() {
    let site = Site::from_fixture("valid");
    site.write("data/notes.yaml", "a: 1\n");
    let run = site.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("warning[unused-data]"));
    let before = site.tree("public");
    let run = site.run(&["build", "--deny-warnings"]);
    assert_eq!(run.code, 1);
    assert_eq!(site.tree("public"), before, "a denied build writes nothing");
    assert_eq!(site.run(&["check"]).code, 0);
    assert_eq!(site.run(&["check", "--strict"]).code, 1);
}

#[test]
fn check_writes_nothing() {
    let site = Site::from_fixture("valid");
    let run = site.run(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!site.path("public").exists());
}

#[test]
fn check_json_and_github_formats() {
    let site = Site::from_fixture("valid");
    site.edit("data/findings/s1.yaml", "source: s1", "source: nope");
    let run = site.run(&["check", "--format", "json"]);
    assert_eq!(run.code, 1);
    let first: serde_json::Value =
        serde_json::from_str(run.stdout.lines().next().unwrap()).unwrap();
    assert_eq!(first["file"], "data/findings/s1.yaml");
    assert_eq!(first["line"], 6);
    assert_eq!(first["column"], 13);
    assert_eq!(first["severity"], "error");
    assert_eq!(first["code"], "unknown-source");
    assert!(first["help"]
        .as_str()
        .unwrap()
        .contains("content/sources/nope.md"));
    let run = site.run(&["check", "--format", "github"]);
    assert!(
        run.stdout
            .starts_with("::error file=data/findings/s1.yaml,line=6,col=13,title=unknown-source::"),
        "{}",
        run.stdout
    );
}

#[test]
fn help_has_examples_and_version_prints() {
    let site = Site::from_fixture("valid");
    let run = site.run(&["--help"]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("Examples:") && run.stdout.contains("evident check --strict"));
    let run = site.run(&["--version"]);
    assert!(run.stdout.starts_with("evident "));
}

#[test]
fn verbose_reports_stages_and_quiet_is_silent() {
    let site = Site::from_fixture("valid");
    let run = site.run(&["--verbose", "build"]);
    for stage in ["load", "parse", "resolve", "render", "write"] {
        assert!(run.stderr.contains(stage), "{}", run.stderr);
    }
    let run = site.run(&["--quiet", "build"]);
    assert_eq!(run.stderr, "");
}

#[test]
fn summary_line_names_pages_and_time() {
    let site = Site::from_fixture("valid");
    let run = site.run(&["build"]);
    let last = run.stderr.lines().last().unwrap();
    assert!(
        last.starts_with("Built ") && last.contains(" pages (") && last.contains(" in [T] s"),
        "{last}"
    );
}

#[test]
fn permalinks_command_records_urls_and_guards_them() {
    let site = Site::from_fixture("valid");
    let run = site.run(&["permalinks"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // It does not warn about the URLs it is adding.
    assert!(!run.stderr.contains("permalink-unlisted"), "{}", run.stderr);
    let manifest = site.read("permalinks.txt");
    assert!(manifest.contains("\n/findings/staff-lead/ "));
    assert_eq!(site.run(&["build"]).code, 0);
    // Renaming a finding without an alias breaks a published URL: the build fails at the line.
    site.edit("data/findings/s1.yaml", "id: staff-lead", "id: staff-leads");
    site.edit(
        "data/tables/who-leads.yaml",
        "finding: staff-lead,",
        "finding: staff-leads,",
    );
    site.edit(
        "data/datasets/survey.yaml",
        "finding: staff-lead}",
        "finding: staff-leads}",
    );
    site.edit(
        "content/index.md",
        "finding:staff-lead#",
        "finding:staff-leads#",
    );
    let run = site.run(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let line = manifest
        .lines()
        .position(|l| l.starts_with("/findings/staff-lead/ "))
        .unwrap()
        + 1;
    assert!(
        run.stderr.contains(&format!(
            "permalinks.txt:{line}:1: error[permalink-removed]"
        )),
        "{}",
        run.stderr
    );
    // With an alias the old URL redirects and the build passes.
    site.edit(
        "data/findings/s1.yaml",
        "id: staff-leads",
        "id: staff-leads\n    aliases: [staff-lead]",
    );
    let run = site.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let redirect = site.read("public/findings/staff-lead/index.html");
    assert!(redirect
        .contains(r#"<meta http-equiv="refresh" content="0; url=/sub/findings/staff-leads/">"#));
    assert!(redirect.contains(
        r#"<link rel="canonical" href="https://example.org/sub/findings/staff-leads/">"#
    ));
}

/// A `--base-url` that is not an absolute URL is a mistake on the command line (exit 2, naming the
/// flag), not in `site.yaml`.
#[test]
fn a_bad_base_url_flag_is_a_usage_error() {
    let site = Site::from_fixture("valid");
    let run = site.run(&["build", "--base-url", "example.org/evidence/"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("--base-url"), "{}", run.stderr);
    assert!(!run.stderr.contains("site.yaml"), "{}", run.stderr);
    assert_eq!(
        site.run(&["build", "--base-url", "https://example.org/evidence/"])
            .code,
        0
    );
}

/// With `--root`, paths print relative to the folder evident runs in, in every format, so that
/// GitHub annotations land on the file when the site is a subfolder of the repository.
#[test]
fn paths_print_relative_to_the_working_folder() {
    let outer = tempfile::tempdir().unwrap();
    let site = Site::from_fixture("valid");
    let inner = outer.path().join("site");
    std::fs::rename(site.root(), &inner).unwrap();
    let moved = Site { dir: outer };
    let s = |rel: &str| format!("site/{rel}");
    moved.edit(&s("data/findings/s1.yaml"), "source: s1", "source: nope");
    let human = moved.run(&["--root", "site", "check"]);
    assert!(
        human
            .stderr
            .contains("site/data/findings/s1.yaml:6:13: error[unknown-source]"),
        "{}",
        human.stderr
    );
    assert!(
        human.stderr.contains("6 |     source: nope"),
        "the snippet is found: {}",
        human.stderr
    );
    let github = moved.run(&["--root", "site", "check", "--format", "github"]);
    assert!(
        github
            .stdout
            .contains("file=site/data/findings/s1.yaml,line=6"),
        "{}",
        github.stdout
    );
    let json = moved.run(&["--root", "./site/", "check", "--format", "json"]);
    assert!(
        json.stdout
            .contains(r#""file":"site/data/findings/s1.yaml""#),
        "{}",
        json.stdout
    );
}

/// One mistake, one diagnostic: a theme that does not exist is reported once, not also as each of
/// its templates missing.
#[test]
fn an_unknown_theme_is_one_error() {
    let site = Site::from_fixture("valid");
    site.edit(
        "site.yaml",
        "license: CC-BY-4.0",
        "license: CC-BY-4.0\ntheme: nope",
    );
    let run = site.run(&["build"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("error[unknown-theme]"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("missing-template"), "{}", run.stderr);
    assert!(
        run.stderr.contains("Build failed with 1 error"),
        "{}",
        run.stderr
    );
}

/// A mistake in one finding's YAML stops the checks of that finding only: the other findings of
/// its file are still resolved, so their own problems are reported in the same run, and nothing
/// that names the finding with the mistake is reported as unknown.
#[test]
fn a_mistake_in_one_finding_leaves_the_others_checked() {
    let site = Site::from_fixture("valid");
    site.edit(
        "data/findings/s1.yaml",
        "    statement: Most said staff lead.\n",
        "    statement: Most said staff lead.\n    populaton: x\n",
    );
    let text = site.read("data/findings/s1.yaml");
    let second = text.find("  - id: users-two").unwrap();
    let source = second + text[second..].find("    source: s1").unwrap();
    let edited = format!(
        "{}    source: nope{}",
        &text[..source],
        &text[source + 14..]
    );
    site.write("data/findings/s1.yaml", edited);
    let run = site.run(&["check"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("s1.yaml:4:5: error[unknown-key]"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("error[unknown-source]: there is no source with the id `nope`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("Check failed with 2 errors, 0 warnings"),
        "{}",
        run.stderr
    );
}

/// A missing key is put in with a stand-in while the file is repaired, which moves the lines
/// after it: a finding below that line is not checked in that run (its places would be the
/// repaired text's, not the file's), and one above it is, at its own lines.
#[test]
fn findings_below_a_missing_key_are_not_checked_at_moved_lines() {
    let site = Site::from_fixture("valid");
    let original = site.read("data/findings/s1.yaml");
    let nope = original.replacen(
        "    source: s1\n    locator: para 1\n    quote: \"only",
        "    source: nope\n    locator: para 1\n    quote: \"only",
        1,
    );
    assert_ne!(nope, original);
    let line_of =
        |text: &str, what: &str| text[..text.find(what).unwrap()].matches('\n').count() + 1;
    // The first finding lacks its locator: the second's unknown source waits for the next run.
    site.write(
        "data/findings/s1.yaml",
        nope.replacen("    locator: para 1\n", "", 1),
    );
    let run = site.run(&["check", "--color", "never"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("error[missing-key]: missing key `locator`"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("unknown-source"), "{}", run.stderr);
    assert!(
        run.stderr.contains("Check failed with 1 error,"),
        "{}",
        run.stderr
    );
    // The last finding lacks its locator: the second's unknown source is reported, at its line.
    let last = nope.rfind("    locator: para 2\n").unwrap();
    let text = format!(
        "{}{}",
        &nope[..last],
        &nope[last + "    locator: para 2\n".len()..]
    );
    site.write("data/findings/s1.yaml", &text);
    let run = site.run(&["check", "--color", "never"]);
    let at = format!(
        "s1.yaml:{}:13: error[unknown-source]",
        line_of(&text, "source: nope")
    );
    assert!(run.stderr.contains(&at), "{at}\n{}", run.stderr);
    assert!(
        run.stderr.contains("Check failed with 2 errors,"),
        "{}",
        run.stderr
    );
}

/// One mistake, one diagnostic: a findings file that does not parse leaves out the table whose
/// rows it holds without an `empty-table` error, and a table or dataset left out keeps its
/// published page and `.csv` and `.json` files from being reported as removed.
#[test]
fn a_broken_file_is_not_also_reported_through_what_depends_on_it() {
    let site = Site::from_fixture("valid");
    assert_eq!(site.run(&["permalinks"]).code, 0);
    assert!(site
        .read("permalinks.txt")
        .contains("/tables/who-leads.csv"));
    let findings = site.read("data/findings/s1.yaml");
    for (file, broken) in [
        (
            "data/findings/s1.yaml",
            findings.replace("    locator: para 1", "      locator: para 1"),
        ),
        ("data/tables/who-leads.yaml", "x: [\n".to_string()),
        ("data/datasets/survey.yaml", "x: [\n".to_string()),
    ] {
        let before = site.read(file);
        site.write(file, &broken);
        let run = site.run(&["check"]);
        assert_eq!(run.code, 1, "{file}: {}", run.stderr);
        assert!(
            run.stderr.contains("Check failed with 1 error"),
            "{file}: {}",
            run.stderr
        );
        site.write(file, before);
    }
}

/// Blank text is refused where it stands, each blank key in the same run: an optional one too,
/// which would otherwise print as if given and silence the check that a citation needs it.
#[test]
fn every_blank_text_is_reported_in_one_run() {
    let site = Site::from_fixture("valid");
    site.edit(
        "content/sources/s1.md",
        "container_title: Community Care",
        "container_title: \"\"\npublisher: \" \"",
    );
    site.edit(
        "content/sources/s1.md",
        "title: Flawed personal budgets",
        "title: \"\"",
    );
    let run = site.run(&["check"]);
    assert_eq!(run.code, 1);
    for key in ["title", "container_title", "publisher"] {
        assert!(
            run.stderr
                .contains(&format!("error[missing-key]: `{key}` is blank")),
            "{key}: {}",
            run.stderr
        );
    }
    assert!(
        run.stderr.contains("Check failed with 3 errors"),
        "{}",
        run.stderr
    );
}
