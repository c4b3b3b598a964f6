//! `evident import`: each format's fixture (tests/fixtures/import/) makes the stubs it should, a
//! second import makes nothing, a DOI the site has is skipped, the imported site passes
//! `evident check`, and a file that is not what it says exits 2 with a diagnostic.

use crate::support::{fixture, Run, Site};

/// A site made by `evident init`, with the import fixtures copied into it.
fn new_site() -> Site {
    let dir = tempfile::tempdir().expect("temp dir");
    let site = Site { dir };
    let init = site.run(&["init", "site", "--publisher", "Test"]);
    assert_eq!(init.code, 0, "{}", init.stderr);
    for f in ["refs.bib", "refs.ris", "refs.json"] {
        std::fs::copy(fixture("import").join(f), site.path(f)).unwrap();
    }
    site
}

fn import(site: &Site, args: &[&str]) -> Run {
    let mut all = vec!["--root", "site", "import"];
    all.extend_from_slice(args);
    let run = site.run(&all);
    run.no_panic();
    run
}

const IDS: [&str; 4] = [
    "slasberg-2012",
    "care-quality-commission-2019",
    "beresford-2014",
    "muller-2020",
];

/// The front matter every format's fixture gives, key lines as the stub writes them.
fn expect_stubs(site: &Site) {
    let read = |id: &str| site.read(&format!("site/content/sources/{id}.md"));
    let article = read("slasberg-2012");
    for line in [
        "type: article-journal",
        "title: \"How self directed support is failing to deliver personal budgets and personalisation\"",
        "authors:\n  - {family: \"Slasberg\", given: \"Colin\"}\n  - {family: \"Beresford\", given: \"Peter\"}\n  - {family: \"Schofield\", given: \"Peter\"}\n",
        "date: \"2012\"",
        "container_title: \"Research, Policy and Planning\"",
        "volume: \"29\"",
        "issue: \"3\"",
        "pages: \"161-177\"",
        "doi: \"10.1234/rpp.2012.29.3.161\"",
        "issn: \"0264-519X\"",
        "archive: archive/slasberg-2012.txt",
    ] {
        assert!(article.contains(line), "no {line:?} in:\n{article}");
    }
    let report = read("care-quality-commission-2019");
    for line in [
        "type: report",
        "authors:\n  - {literal: \"Care Quality Commission\"}\n",
        "date: \"2019-10-15\"",
        "publisher: \"Care Quality Commission\"",
        "publisher_place: \"Newcastle upon Tyne\"",
        "url: \"https://www.cqc.org.uk/publications/major-report/state-care\"",
    ] {
        assert!(report.contains(line), "no {line:?} in:\n{report}");
    }
    let chapter = read("beresford-2014");
    for line in [
        "type: chapter",
        "title: \"Personalisation: from solution to problem?\"",
        "editors:\n  - {family: \"Needham\", given: \"Catherine\"}\n  - {family: \"Glasby\", given: \"Jon\"}\n",
        "container_title: \"Personalisation\"",
        "pages: \"91-106\"",
        "publisher: \"Policy Press\"",
        "isbn: \"978-1-4473-0899-7\"",
    ] {
        assert!(chapter.contains(line), "no {line:?} in:\n{chapter}");
    }
    let escaped = read("muller-2020");
    for line in [
        "title: \"Über die Selbstbestimmung in der Pflege\"",
        "  - {family: \"Müller\", given: \"Jörg\"}",
        "container_title: \"Zeitschrift für Sozialreform\"",
        "date: \"2020-03\"",
    ] {
        assert!(escaped.contains(line), "no {line:?} in:\n{escaped}");
    }
    for id in IDS {
        let stub = read(id);
        assert!(stub.contains("kind: report") && stub.contains("design: not-stated"));
        assert!(stub.contains("---\nWrite a summary of this source in the site's own words"));
        assert!(site.path(&format!("site/archive/{id}.txt")).is_file());
    }
}

#[test]
fn each_format_makes_its_stubs_and_the_site_still_checks() {
    for file in ["refs.bib", "refs.ris", "refs.json"] {
        let site = new_site();
        let run = import(&site, &[file]);
        assert_eq!(run.code, 0, "{file}: {}", run.stderr);
        for id in IDS {
            assert!(
                run.stderr
                    .contains(&format!("made    content/sources/{id}.md")),
                "{file}: {id} not reported made:\n{}",
                run.stderr
            );
        }
        assert!(run.stderr.contains("4 made, 0 skipped"), "{}", run.stderr);
        expect_stubs(&site);
        let check = site.run(&["--root", "site", "check"]);
        assert_eq!(check.code, 0, "{file}: {}", check.stderr);
        assert!(
            check.stderr.contains("0 errors, 0 warnings"),
            "{file}: {}",
            check.stderr
        );
    }
}

#[test]
fn a_second_import_makes_nothing_and_skips_every_entry() {
    let site = new_site();
    assert_eq!(import(&site, &["refs.bib"]).code, 0);
    let before = site.tree("site");
    // The same file again, and the same entries in the other formats.
    for file in ["refs.bib", "refs.ris", "refs.json"] {
        let run = import(&site, &[file]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(
            run.stderr.contains("0 made, 4 skipped"),
            "{file}: {}",
            run.stderr
        );
        assert!(!run.stderr.contains("made    "), "{}", run.stderr);
        assert_eq!(run.stderr.matches("skipped ").count(), 4, "{}", run.stderr);
        assert_eq!(site.tree("site"), before, "{file} changed the site");
    }
}

#[test]
fn an_existing_doi_is_skipped_and_an_id_taken_by_another_work_gets_a_letter() {
    let site = new_site();
    // Another work by Slasberg in 2012 holds the id; the article's DOI is on a third source.
    site.write(
        "site/content/sources/slasberg-2012.md",
        site.read("site/content/sources/example-source.md")
            .replace("title: Example Report", "title: Another report"),
    );
    site.write(
        "site/content/sources/older-record.md",
        site.read("site/content/sources/example-source.md").replace(
            "publisher: Example Institute",
            "publisher: Example Institute\ndoi: \"10.1234/RPP.2012.29.3.161\"",
        ),
    );
    site.write("site/archive/slasberg-2012.txt", "kept");
    site.write("site/archive/older-record.txt", "kept");
    let run = import(&site, &["refs.json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("skipped `slasberg2012` (line 2): duplicate: source `older-record` has the DOI 10.1234/rpp.2012.29.3.161"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("3 made, 1 skipped"), "{}", run.stderr);
    assert!(site
        .read("site/content/sources/slasberg-2012.md")
        .contains("Another report"));
    assert!(!site
        .path("site/content/sources/slasberg-2012-b.md")
        .exists());

    // Without the DOI, the article is a new work whose id is taken: it gets `-b`.
    site.edit("site/content/sources/older-record.md", "doi:", "# doi:");
    let run = import(&site, &["refs.json"]);
    assert!(
        run.stderr
            .contains("made    content/sources/slasberg-2012-b.md"),
        "{}",
        run.stderr
    );
    assert_eq!(site.read("site/archive/slasberg-2012.txt"), "kept");
}

#[test]
fn the_format_flag_overrides_the_extension() {
    let site = new_site();
    std::fs::copy(site.path("refs.ris"), site.path("export.txt")).unwrap();
    let run = import(&site, &["export.txt"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("error[cannot-import]"),
        "{}",
        run.stderr
    );
    let run = import(&site, &["export.txt", "--format", "ris"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("4 made"), "{}", run.stderr);
}

#[test]
fn garbage_or_a_missing_file_exits_2_with_a_diagnostic() {
    let site = new_site();
    site.write("bad.json", "[\n  {\"title\": \"x\",}\n]\n");
    site.write(
        "bad.bib",
        "@article{a, title = {T}, year = 2000}\n\n@article{b,\n  title = {unclosed\n",
    );
    site.write("bad.ris", "Just some notes,\nnot an export.\n");
    for (file, expect) in [
        ("bad.json", "bad.json:2:17: error[cannot-import]"),
        ("bad.bib", "bad.bib:5:1: error[cannot-import]"),
        ("bad.ris", "bad.ris:1:1: error[cannot-import]"),
        ("missing.bib", "error[unreadable-file]"),
    ] {
        let run = import(&site, &[file]);
        assert_eq!(run.code, 2, "{file}: {}", run.stderr);
        assert!(
            run.stderr.contains(expect),
            "{file}: expected {expect:?} in:\n{}",
            run.stderr
        );
    }
    assert!(!site.path("site/content/sources/a-2000.md").exists());
}
