//! Versions that last (issue #20): `evident release` records the evidence graph of a version in
//! `releases/<version>.json`; the build publishes `/versions/`, each release's "What changed"
//! page and its stored graph; finding pages say how they changed and which record to cite; a
//! withdrawn finding keeps its page but no longer counts.

use crate::support::{copy_dir, Site};

const FINDINGS: &str = "data/findings/s1.yaml";

/// The valid fixture at version 0.1.0, released on 2026-01-10.
fn released_site() -> Site {
    let site = Site::from_fixture("valid");
    site.edit("site.yaml", "version: \"1.0\"", "version: \"0.1.0\"");
    let run = site.run(&["release", "--date", "2026-01-10"]);
    run.no_panic();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("releases/0.1.0.json"), "{}", run.stderr);
    site
}

/// Changes the figure of `staff-lead` from 72% to 68% (in its quote, archive and dataset row
/// too), withdraws `users-two`, and bumps the version to 0.2.0.
fn change_for_0_2_0(site: &Site) {
    for file in [FINDINGS, "archive/s1.txt"] {
        let text = site.read(file).replace("72%", "68%");
        site.write(file, text.replace("number: 72", "number: 68"));
    }
    site.edit("data/datasets/survey.yaml", "share: 72", "share: 68");
    site.edit(
        FINDINGS,
        "      - {claim: users-lead, stance: contradicts, reason: \"few\"}\n",
        "      - {claim: users-lead, stance: contradicts, reason: \"few\"}\n    withdrawn: {date: \"2026-02-01\", reason: \"The survey question was misread.\", replaced_by: staff-lead}\n",
    );
    site.edit("site.yaml", "version: \"0.1.0\"", "version: \"0.2.0\"");
}

#[test]
fn a_release_records_the_evidence_graph_with_its_date() {
    let site = released_site();
    let record: serde_json::Value =
        serde_json::from_str(&site.read("releases/0.1.0.json")).unwrap();
    assert_eq!(record["release"]["version"], "0.1.0");
    assert_eq!(record["release"]["date"], "2026-01-10");
    assert_eq!(record["format"], "evident-evidence");
    // The same graph as evidence.json, with the release beside it.
    let build = site.run(&["build"]);
    assert_eq!(build.code, 0, "{}", build.stderr);
    let mut published: serde_json::Value =
        serde_json::from_str(&site.read("public/evidence.json")).unwrap();
    published["release"] = record["release"].clone();
    assert_eq!(published, record);
    // Published as stored, byte for byte.
    assert_eq!(
        site.read("public/versions/0.1.0/evidence.json"),
        site.read("releases/0.1.0.json")
    );
}

#[test]
fn the_release_date_defaults_to_source_date_epoch() {
    let site = Site::from_fixture("valid");
    // 2026-03-04T00:00:00Z.
    let run = site.run_env(&["release"], &[("SOURCE_DATE_EPOCH", "1772582400")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(site
        .read("releases/1.0.json")
        .contains("\"date\": \"2026-03-04\""));
}

#[test]
fn a_site_with_errors_is_not_released() {
    let site = Site::from_fixture("valid");
    site.edit(FINDINGS, "source: s1", "source: s9");
    let run = site.run(&["release"]);
    run.no_panic();
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("error[unknown-source]"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("not released"), "{}", run.stderr);
    assert!(!site.path("releases/1.0.json").exists());
}

#[test]
fn a_bad_release_date_is_a_usage_error() {
    let site = Site::from_fixture("valid");
    let run = site.run(&["release", "--date", "2026-02-30"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(!site.path("releases").exists());
}

#[test]
fn two_releases_show_what_changed() {
    let site = released_site();
    change_for_0_2_0(&site);
    let run = site.run(&["release", "--date", "2026-02-15"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // A version is released once.
    let again = site.run(&["release"]);
    again.no_panic();
    assert_eq!(again.code, 2, "{}", again.stderr);
    assert!(
        again.stderr.contains("error[release-exists]"),
        "{}",
        again.stderr
    );

    let build = site.run(&["build"]);
    assert_eq!(build.code, 0, "{}", build.stderr);

    // Every release, newest first, with its date, its page and its graph.
    let index = site.read("public/versions/index.html");
    let (new, old) = (
        index.find("What changed in 0.2.0").unwrap(),
        index.find("What changed in 0.1.0").unwrap(),
    );
    assert!(new < old, "newest first:\n{index}");
    assert!(index.contains("2026-02-15") && index.contains("2026-01-10"));
    assert!(index.contains(r#"href="/sub/versions/0.1.0/evidence.json""#));
    assert!(index.contains(r#"href="/sub/versions/0.2.0/""#));
    // Nothing has changed since 0.2.0.
    assert!(!index.contains("Unreleased"), "{index}");

    // The changed figure, old and new side by side.
    let page = site.read("public/versions/0.2.0/index.html");
    assert!(page.contains("<h1>What changed in 0.2.0</h1>"), "{page}");
    assert!(page.contains("Before (0.1.0)") && page.contains("Now (0.2.0)"));
    assert!(
        page.contains(r#"<td>figure</td><td>72%</td><td>68%</td>"#),
        "{page}"
    );
    assert!(page.contains(r#"<tr id="finding-staff-lead">"#), "{page}");
    // The withdrawn finding, with why and what replaces it.
    assert!(page.contains("Findings withdrawn"), "{page}");
    assert!(page.contains("The survey question was misread."));
    // The first release says so, with its counts.
    let first = site.read("public/versions/0.1.0/index.html");
    assert!(first.contains("The first release:"), "{first}");
    assert!(first.contains("3 findings"), "{first}");

    // The finding page says what changed, and names a record that does not change.
    let finding = site.read("public/findings/staff-lead/index.html");
    assert!(
        finding.contains(r#"<a href="/sub/versions/0.2.0/#finding-staff-lead">Changed in 0.2.0</a>: the figure was 72%; now 68%; the quote was “Almost three-quarters (72%) said council staff usually lead on support planning”; now “Almost three-quarters (68%) said council staff usually lead on support planning”."#),
        "{finding}"
    );
    assert!(finding.contains("Cite this version"));
    assert!(finding.contains("https://example.org/sub/versions/0.2.0/evidence.json#staff-lead"));

    // New pages are in the sitemap.
    let sitemap = site.read("public/sitemap.xml");
    assert!(sitemap.contains("https://example.org/sub/versions/"));
    assert!(sitemap.contains("https://example.org/sub/versions/0.2.0/"));
}

#[test]
fn a_withdrawn_finding_keeps_its_page_but_no_longer_counts() {
    let site = Site::from_fixture("valid");
    let before = site.run(&["build"]);
    assert_eq!(before.code, 0, "{}", before.stderr);
    let claim = site.read("public/claims/users-lead/index.html");
    assert!(claim.contains("2 findings from 1 study"), "{claim}");

    site.edit(
        FINDINGS,
        "      - {claim: users-lead, stance: contradicts, reason: \"few\"}\n",
        "      - {claim: users-lead, stance: contradicts, reason: \"few\"}\n    withdrawn: {date: \"2026-02-01\", reason: \"The survey question was misread.\", replaced_by: staff-lead}\n",
    );
    let build = site.run(&["build"]);
    assert_eq!(build.code, 0, "{}", build.stderr);
    let page = site.read("public/findings/users-two/index.html");
    assert!(
        page.contains("This finding was withdrawn on 2026-02-01."),
        "{page}"
    );
    assert!(page.contains("Why: The survey question was misread."));
    assert!(
        page.contains("these stances are no longer counted"),
        "the stances a withdrawn finding took are not marked as no longer counted"
    );
    assert!(page.contains(r#"It is replaced by <a href="/sub/findings/staff-lead/">"#));

    let claim = site.read("public/claims/users-lead/index.html");
    assert!(claim.contains("1 finding from 1 study"), "{claim}");
    assert!(!claim.contains("users-two"), "{claim}");
    assert!(!site
        .read("public/findings/index.html")
        .contains("users-two"));
    let search: String = site
        .tree("public/search")
        .values()
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .collect();
    assert!(!search.contains("users-two"));
    // The graph says it is withdrawn, and it no longer takes a stance.
    let graph: serde_json::Value =
        serde_json::from_str(&site.read("public/evidence.json")).unwrap();
    let stances = graph["stances"].as_array().unwrap();
    assert!(stances.iter().all(|s| s["finding"] != "users-two"));
    let f = (graph["findings"].as_array().unwrap().iter())
        .find(|f| f["id"] == "users-two")
        .unwrap();
    assert_eq!(f["withdrawn"]["replaced_by"], "staff-lead");
    // So do the CSV downloads.
    assert!(!site
        .read("public/downloads/stances.csv")
        .contains("users-two"));
    let findings_csv = site.read("public/downloads/findings.csv");
    let row = findings_csv
        .lines()
        .find(|l| l.starts_with("users-two,"))
        .unwrap();
    assert!(row.ends_with(",2026-02-01"), "{row}");
    // The feed keeps it, marked, with why, dated by its withdrawal, so a reader learns of it.
    let feed = site.read("public/findings.atom");
    let entry = (feed.split("<entry>"))
        .find(|e| e.contains("/findings/users-two/"))
        .unwrap();
    assert!(entry.contains("<title>Withdrawn: "), "{entry}");
    assert!(
        entry.contains("<updated>2026-02-01T00:00:00Z</updated>"),
        "{entry}"
    );
    assert!(
        entry.contains(
            "<summary>This finding was withdrawn on 2026-02-01. Why: The survey question was misread. “"
        ),
        "{entry}"
    );
    let others = feed
        .split("<entry>")
        .skip(1)
        .filter(|e| !e.contains("users-two"));
    assert!(others.clone().count() > 0 && others.clone().all(|e| !e.contains("Withdrawn")));
}

#[test]
fn changes_not_yet_released_are_listed_and_a_deleted_finding_is_removed() {
    let site = released_site();
    // Delete `two-thirds` (the last finding of the file) from the YAML.
    let text = site.read(FINDINGS);
    let cut = text.find("  - id: two-thirds").unwrap();
    site.write(FINDINGS, &text[..cut]);
    site.edit(
        "data/tables/who-leads.yaml",
        "  - {finding: two-thirds, label: Paperwork}\n",
        "",
    );
    let build = site.run(&["build"]);
    assert_eq!(build.code, 0, "{}", build.stderr);
    let index = site.read("public/versions/index.html");
    assert!(
        index.contains("<h2 id=\"unreleased-heading\">Unreleased</h2>"),
        "{index}"
    );
    assert!(index.contains("<h3>Findings removed</h3>"), "{index}");
    assert!(index.contains("<code>two-thirds</code>"), "{index}");
}

/// A theme made before releases existed (no `versions.html` or `version.html`) still builds a
/// site without releases. Once the site has a release, the build names each missing template and
/// how to add it, and leaves the last good site as it was.
#[test]
fn an_older_theme_without_the_release_templates() {
    let site = Site::from_fixture("valid");
    let theme = site.path("themes/old");
    copy_dir(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default"),
        &theme,
    );
    for name in ["versions.html", "version.html"] {
        std::fs::remove_file(theme.join("templates").join(name)).unwrap();
    }
    site.edit(
        "site.yaml",
        "language: en-GB",
        "language: en-GB\ntheme: old",
    );
    let build = site.run(&["build"]);
    build.no_panic();
    assert_eq!(build.code, 0, "{}", build.stderr);
    let before = site.tree("public");

    site.edit("site.yaml", "version: \"1.0\"", "version: \"0.1.0\"");
    let release = site.run(&["release", "--date", "2026-01-10"]);
    assert_eq!(release.code, 0, "{}", release.stderr);
    let build = site.run(&["build"]);
    build.no_panic();
    assert_eq!(build.code, 1, "{}", build.stderr);
    for name in ["versions.html", "version.html"] {
        assert!(
            build.stderr.contains(&format!("the theme has no `{name}`")),
            "{}",
            build.stderr
        );
        assert!(
            build
                .stderr
                .contains(&format!("add templates/{name} to the theme")),
            "{}",
            build.stderr
        );
    }
    assert_eq!(
        site.tree("public"),
        before,
        "a failed build changed the site"
    );
}
