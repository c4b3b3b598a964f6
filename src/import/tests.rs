//! The pure import: each reader on small texts, ids, duplicates and the stub's text.

use std::path::Path;

use super::*;

fn run(text: &str, format: Format, existing: &Existing) -> (Vec<NewFile>, ImportReport) {
    import(Path::new("refs"), text, format, existing).expect("readable")
}

#[test]
fn ris_tag_lines_records_and_continuations() {
    let (records, stray) = ris::records(
        "\u{feff}TY  - JOUR\nTI  - A long\n  title\nAU  - Doe, Jane\nER  - \n\nstray text\nTY - BOOK\nER  -\n",
    );
    assert_eq!(records.len(), 2);
    assert_eq!(records[0].line, 1);
    assert_eq!(records[0].tags[1], ("TI".into(), "A long title".into()));
    assert_eq!(records[1].tags[0], ("TY".into(), "BOOK".into()));
    assert_eq!(stray, vec![(7, "stray text".to_string())]);
}

#[test]
fn ris_stray_lines_are_skipped_with_their_line() {
    let text =
        "TY  - RPRT\nTI  - Report\nAU  - Care Quality Commission\nPY  - 2019\nER  - \nnot a tag\n";
    let (files, report) = run(text, Format::Ris, &Existing::default());
    assert_eq!(
        files[0].path,
        Path::new("content/sources/care-quality-commission-2019.md")
    );
    assert!(files[0]
        .text
        .contains("  - {literal: \"Care Quality Commission\"}\n"));
    assert_eq!(report.skipped.len(), 1);
    assert_eq!(report.skipped[0].0, "line 6");
}

#[test]
fn ids_get_letters_and_duplicates_are_skipped() {
    let text = "TY  - JOUR\nTI  - One\nAU  - Doe, Jane\nPY  - 2020\nER  - \n\
                TY  - JOUR\nTI  - Two\nAU  - Doe, Jane\nPY  - 2020\nER  - \n\
                TY  - JOUR\nTI  - One\nAU  - Doe, Jane\nPY  - 2020\nER  - \n\
                TY  - JOUR\nAU  - Doe, Jane\nPY  - 2020\nER  - \n\
                TY  - JOUR\nTI  - Undated\nER  - \n";
    let mut existing = Existing::default();
    existing
        .ids
        .insert("doe-2020".into(), Some("Elsewhere".into()));
    let (_, report) = run(text, Format::Ris, &existing);
    let made: Vec<String> = report
        .made
        .iter()
        .map(|(_, p)| p.display().to_string())
        .collect();
    assert_eq!(
        made,
        [
            "content/sources/doe-2020-b.md",
            "content/sources/doe-2020-c.md"
        ]
    );
    let why: Vec<&str> = report.skipped.iter().map(|(_, w)| w.as_str()).collect();
    assert_eq!(
        why,
        [
            "duplicate: source `doe-2020-b` has this title",
            "no title",
            "no date or year (a source needs one)"
        ]
    );
}

#[test]
fn an_existing_doi_is_skipped_whatever_its_case_or_prefix() {
    let text = r#"[{"type": "article-journal", "title": "T", "issued": {"raw": "2001"},
                    "DOI": "https://doi.org/10.1000/ABC"}]"#;
    let mut existing = Existing::default();
    existing
        .dois
        .insert("10.1000/abc".into(), "old-2001".into());
    let (files, report) = run(text, Format::CslJson, &existing);
    assert!(files.is_empty());
    assert_eq!(
        report.skipped[0].1,
        "duplicate: source `old-2001` has the DOI 10.1000/ABC"
    );
}

#[test]
fn an_invalid_identifier_becomes_a_comment() {
    let text =
        "@book{k, title = {T}, author = {Doe, Jane}, year = 1999, isbn = {12345}, publisher = {P}}";
    let (files, _) = run(text, Format::Bibtex, &Existing::default());
    assert!(files[0]
        .text
        .contains("# isbn: \"12345\"   # as exported, but not a valid isbn"));
    assert!(!files[0].text.contains("\nisbn:"));
}

#[test]
fn a_csl_item_of_the_wrong_shape_is_skipped_with_its_line() {
    let text = "[\n {\"type\": \"book\", \"title\": \"A\", \"issued\": {\"date-parts\": [[2000]]}},\n {\"title\": 5}\n]";
    let (files, report) = run(text, Format::CslJson, &Existing::default());
    assert_eq!(files.len(), 2);
    assert_eq!(report.skipped[0].0, "item 2 (line 3)");
    assert!(report.skipped[0].1.starts_with("unparseable: "));
}

#[test]
fn a_bibtex_syntax_error_has_its_position() {
    let text = "@article{a, title = {T}, year = 2000}\n\n@article{b, title = {unclosed\n";
    let e = import(
        Path::new("x.bib"),
        text,
        Format::Bibtex,
        &Existing::default(),
    )
    .err()
    .expect("an error");
    assert_eq!(e.code, Code::CannotImport);
    assert!(e.position.is_some_and(|p| p.line >= 3), "{e:?}");
}

#[test]
fn slugs_fold_accents_and_keep_a_z_0_9() {
    assert_eq!(slug("Müller-Lüdenscheidt"), "muller-ludenscheidt");
    assert_eq!(slug("O'Brien"), "obrien");
    assert_eq!(slug("Øster Æsir ß"), "oster-aesir-ss");
    assert_eq!(date_in("2012/05/03/"), Some("2012-05-03".into()));
    assert_eq!(date_in("2019///"), Some("2019".into()));
    assert_eq!(date_in("Spring 2018"), Some("2018".into()));
}

#[test]
fn a_bibtex_entry_is_named_by_the_line_of_its_at_sign() {
    let text = "@article{a1,\n  title = {One},\n  author = {Doe, Jane},\n  year = {2010},\n  journal = {J}\n}\n\n\
                @book{b2,\n  title = {Two},\n  author = {Roe, Rita},\n  year = {2011}\n}\n";
    let (_, report) = run(text, Format::Bibtex, &Existing::default());
    let entries: Vec<&str> = report.made.iter().map(|(e, _)| e.as_str()).collect();
    assert_eq!(entries, ["`a1` (line 1)", "`b2` (line 8)"]);
}

/// An access date comes across from each format as `accessed:`, when it is a whole day.
#[test]
fn an_access_date_is_imported_when_it_is_a_day() {
    let bib = "@online{a, title = {Page}, author = {Doe, Jane}, date = {2013}, url = {https://example.org/a}, urldate = {2026-11-24}}\n";
    let ris = "TY  - ELEC\nTI  - Page\nAU  - Doe, Jane\nPY  - 2013\nUR  - https://example.org/a\nY2  - 2026/11/24/\nER  - \n";
    let csl = r#"[{"id": "a", "type": "webpage", "title": "Page", "author": [{"family": "Doe", "given": "Jane"}], "issued": {"date-parts": [[2013]]}, "URL": "https://example.org/a", "accessed": {"date-parts": [[2026, 11, 24]]}}]"#;
    for (text, format) in [
        (bib, Format::Bibtex),
        (ris, Format::Ris),
        (csl, Format::CslJson),
    ] {
        let (files, _) = run(text, format, &Existing::default());
        assert!(
            files[0].text.contains("\naccessed: \"2026-11-24\"\n"),
            "{format:?}: {}",
            files[0].text
        );
    }
    let year_only = bib.replace("urldate = {2026-11-24}", "urldate = {2026}");
    let (files, _) = run(&year_only, Format::Bibtex, &Existing::default());
    assert!(!files[0].text.contains("accessed"), "{}", files[0].text);
}
