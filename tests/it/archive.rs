//! `evident archive add SOURCE FILE`: a source's text from its HTML page or PDF, stored as
//! `archive/SOURCE.txt`. The fixtures are in `tests/fixtures/archive/` (the PDFs are made by its
//! `make_pdfs.py`): an article page with a banner, navigation, scripts and a footer around three
//! paragraphs, and a three-page PDF whose pages are labelled 63–65.

use evident::layout::parse_page_marker;

use crate::support::{fixture, Site};

fn input(name: &str) -> String {
    fixture("archive").join(name).display().to_string()
}

/// Each page of an archive as (label, text after its marker).
fn pages(archive: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in archive.lines() {
        match (parse_page_marker(line), out.last_mut()) {
            (Some(label), _) => out.push((label.to_string(), String::new())),
            (None, Some((_, text))) => {
                text.push_str(line);
                text.push('\n');
            }
            (None, None) => panic!("text before the first page marker: {line:?}"),
        }
    }
    out
}

#[test]
fn html_is_stored_as_its_readable_text() {
    let site = Site::from_fixture("valid");
    // `new source` leaves a stub archive, which `archive add` replaces without --force.
    site.run(&["new", "source", "cycling"]).no_panic();
    let run = site.run(&["archive", "add", "cycling", &input("article.html")]);
    run.no_panic();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = site.read("archive/cycling.txt");
    assert_eq!(
        text,
        "Cycling commuters take fewer sick days\n\n\
         Commuters who cycled to work took 1.3 fewer sick days a year than those who drove, \
         according to a study of 4,000 employees.\n\n\
         Methods\n\n\
         The researchers compared records from four cities & their transport surveys \u{2014} over \
         two years.\n\n\
         \u{201c}The effect was consistent,\u{201d} said the lead author.\n"
    );
    for boilerplate in [
        "<",
        "tracker",
        "console.log",
        "font-family",
        "Subscribe",
        "Opinion",
        "Most read",
        "rights reserved",
    ] {
        assert!(
            !text.contains(boilerplate),
            "{boilerplate:?} archived:\n{text}"
        );
    }
    assert!(
        run.stderr.contains("archive/cycling.txt: 320 characters"),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("note:"),
        "the stub names its archive: {}",
        run.stderr
    );
}

#[test]
fn a_pdf_is_stored_page_by_page_under_its_printed_page_numbers() {
    let site = Site::from_fixture("valid");
    let run = site.run(&["archive", "add", "s1", &input("article.pdf"), "--force"]);
    run.no_panic();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = site.read("archive/s1.txt");
    assert!(text.starts_with("[[page 63]]\n"), "{text}");
    let expected = [
        ("63", "Commuters who cycled reported fewer sick days.\n"),
        // A word hyphenated across a line is left as printed; the quote check folds it.
        (
            "64",
            "The effect held in all four cities in the evi-\ndence we collected over two years.\n",
        ),
        ("65", "The authors call for a larger trial.\n"),
    ];
    let found = pages(&text);
    let found: Vec<(&str, &str)> = found
        .iter()
        .map(|(l, t)| {
            (
                l.as_str(),
                t.trim_start_matches('\n').trim_end_matches('\n'),
            )
        })
        .collect();
    let expected: Vec<(&str, &str)> = expected
        .iter()
        .map(|(l, t)| (*l, t.trim_end_matches('\n')))
        .collect();
    assert_eq!(found, expected, "{text}");
    assert!(
        run.stderr.contains("archive/s1.txt: 3 pages, "),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
}

#[test]
fn an_existing_archive_is_replaced_only_with_force() {
    let site = Site::from_fixture("valid");
    let before = site.read("archive/s1.txt");
    let run = site.run(&["archive", "add", "s1", &input("article.pdf")]);
    run.no_panic();
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("error[archive-exists]"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--force"), "{}", run.stderr);
    assert_eq!(site.read("archive/s1.txt"), before);

    // A file that is not there is the problem reported, with or without --force.
    for force in [false, true] {
        let mut args = vec!["archive", "add", "s1", "no-such-file.pdf"];
        if force {
            args.insert(2, "--force");
        }
        let run = site.run(&args);
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(
            run.stderr.contains("error[unreadable-file]")
                && run
                    .stderr
                    .contains("check the path: there is no file there"),
            "{}",
            run.stderr
        );
    }
    assert_eq!(site.read("archive/s1.txt"), before);

    let run = site.run(&["archive", "add", "--force", "s1", &input("article.pdf")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(site.read("archive/s1.txt").contains("[[page 65]]"));
}

#[test]
fn an_unknown_source_says_which_file_it_looked_for() {
    let site = Site::from_fixture("valid");
    for id in ["nope", "../site"] {
        let run = site.run(&["archive", "add", id, &input("article.html")]);
        run.no_panic();
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(
            run.stderr.contains("error[no-such-source]"),
            "{}",
            run.stderr
        );
        assert!(
            run.stderr
                .contains(&format!("content/sources/{id}.md does not exist")),
            "{}",
            run.stderr
        );
        assert!(
            run.stderr.contains(&format!("evident new source {id}")),
            "{}",
            run.stderr
        );
    }
    assert!(!site.path("archive/nope.txt").exists());
}

#[test]
fn an_unreadable_pdf_is_a_usage_error() {
    let site = Site::from_fixture("valid");
    site.write("broken.pdf", "%PDF-1.4\nthis is not a PDF\n");
    let before = site.read("archive/s1.txt");
    let run = site.run(&["archive", "add", "s1", "broken.pdf", "--force"]);
    run.no_panic();
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("error[unreadable-pdf]"),
        "{}",
        run.stderr
    );
    assert_eq!(site.read("archive/s1.txt"), before);

    let run = site.run(&["archive", "add", "s1", "missing.pdf", "--force"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("error[unreadable-file]"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_pdf_without_text_is_archived_with_a_warning_about_ocr() {
    let site = Site::from_fixture("valid");
    let run = site.run(&["archive", "add", "s1", &input("scan.pdf"), "--force"]);
    run.no_panic();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("warning[archive-no-text]"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("does not OCR"), "{}", run.stderr);
    assert_eq!(site.read("archive/s1.txt"), "[[page 1]]\n");
}

#[test]
fn plain_text_is_copied_and_a_source_without_the_archive_key_gets_a_note() {
    let site = Site::from_fixture("valid");
    site.edit("content/sources/s1.md", "archive: archive/s1.txt\n", "");
    site.write("notes.txt", "[[page 12]]\nTyped from the printed report.\n");
    let run = site.run(&["archive", "add", "s1", "notes.txt", "--force"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        site.read("archive/s1.txt"),
        "[[page 12]]\nTyped from the printed report.\n"
    );
    assert!(
        run.stderr
            .contains("note: add `archive: archive/s1.txt` to content/sources/s1.md"),
        "{}",
        run.stderr
    );
}
