//! The default theme speaks the site's language: `language: fr-FR` gives French pages (navigation,
//! stance labels, counts, dates, the search page), a language the theme has no file for gives
//! English without a warning, a French file that lacks a string gives one `missing-translation`
//! warning and the English string, and a `language:` that is not a BCP 47 tag is refused.
//! Citations are formatted in the CSL locale nearest the site's language; a language CSL has no
//! locale for gives en-US citations and one `citation-locale` warning.

use std::path::Path;

use crate::support::{copy_dir, Site};

/// English interface strings that must not appear on a French page.
const ENGLISH: [&str; 23] = [
    ">Topics<",
    ">Claims<",
    ">Findings<",
    ">Gaps<",
    ">Search<",
    "Skip to main content",
    "Supports",
    "Contradicts",
    "What this finding bears on",
    "Cite this finding",
    "Reported in",
    "The evidence at a glance",
    "What is here",
    "Missing evidence",
    "Search sources, findings",
    " from 1 study",
    "Figure as printed",
    "Where in the source",
    "Not given",
    "Not published",
    "Per cent (%)",
    "Bar chart of",
    "Stance on",
];

fn french() -> Site {
    let site = Site::from_fixture("valid");
    site.edit("site.yaml", "language: en-GB", "language: fr-FR");
    site
}

fn built(site: &Site) -> String {
    let run = site.run(&["build"]);
    run.no_panic();
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.stderr
}

#[test]
fn a_french_site_has_french_pages() {
    let site = french();
    let stderr = built(&site);
    assert!(!stderr.contains("warning["), "{stderr}");
    let home = site.read("public/index.html");
    let finding = site.read("public/findings/staff-lead/index.html");
    let search = site.read("public/search/index.html");
    for (page, text) in [
        (&home, ">Constats<"),
        (&home, ">Affirmations<"),
        (&home, ">Thèmes<"),
        (&home, "Les preuves en un coup d’œil"),
        (&home, "Aller au contenu"),
        (&finding, "Ce sur quoi porte ce constat"),
        (&finding, "Citer ce constat"),
        (&finding, "Rapporté dans"),
        (&search, "<h1>Recherche</h1>"),
        (&search, "Rechercher dans les sources, constats"),
        (&search, "✓ Appuie"),
        (&search, r#""none": "Aucun résultat.""#),
    ] {
        assert!(page.contains(text), "no {text:?}");
    }
    assert!(home.contains("provenant de 1\u{a0}étude") || home.contains("provenant de 1 étude"));
    // Tables' headers, cells and charts are written by evident itself, in the site's language.
    let table = site.read("public/tables/who-leads/index.html");
    for text in [
        ">Élément</th>",
        ">Chiffre tel que publié</th>",
        ">Emplacement dans la source</th>",
        "Sens vis-à-vis de «\u{202f}Users lead planning\u{202f}»",
        ">Pourcentage (%)</text>",
        "Graphique en barres de ",
    ] {
        assert!(table.contains(text), "no {text:?} on the table's page");
    }
    let index: String = (site.tree("public/search").into_values())
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .collect();
    let pages = [
        ("home", &home),
        ("finding", &finding),
        ("search", &search),
        ("table", &table),
        ("search index", &index),
    ];
    for (name, page) in pages {
        for english in ENGLISH {
            assert!(!page.contains(english), "{name} page has {english:?}");
        }
    }
    // Dates follow the language (formatted citations follow their citation style's locale).
    let source = site.read("public/sources/s1/index.html");
    assert!(source.contains(">25 juin 2013</time>"), "{source}");
}

/// The words and punctuation of one source's Harvard reference, which differ by locale.
fn harvard(site: &Site) -> String {
    let source = site.read("public/sources/s1/index.html");
    let start = source
        .find("data-style=\"harvard\">")
        .expect("a Harvard reference");
    source[start..start + 600].to_string()
}

#[test]
fn a_french_site_cites_in_french() {
    let site = french();
    built(&site);
    let reference = harvard(&site);
    for text in [
        "«\u{a0}Flawed personal budgets\u{a0}»",
        "25 juin",
        "Disponible sur",
    ] {
        assert!(reference.contains(text), "no {text:?} in {reference}");
    }
    // A finding's citations (filled from templates, not formatted afresh) are French too.
    let finding = site.read("public/findings/staff-lead/index.html");
    assert!(finding.contains("Disponible sur") && !finding.contains("Available at"));
}

#[test]
fn a_language_without_a_file_is_english_without_a_warning() {
    let site = Site::from_fixture("valid");
    site.edit("site.yaml", "language: en-GB", "language: de");
    let stderr = built(&site);
    assert!(!stderr.contains("warning["), "{stderr}");
    let home = site.read("public/index.html");
    assert!(home.contains("<html lang=\"de\">") && home.contains(">Findings<"));
    // CSL has a German locale, so the citations are German though the pages are not.
    assert!(
        harvard(&site).contains("Verfügbar unter"),
        "{}",
        harvard(&site)
    );
}

#[test]
fn a_language_csl_has_no_locale_for_cites_in_en_us_with_a_warning() {
    let site = Site::from_fixture("valid");
    site.edit("site.yaml", "language: en-GB", "language: gd");
    let stderr = built(&site);
    let warnings: Vec<&str> = stderr.lines().filter(|l| l.contains("warning[")).collect();
    assert_eq!(warnings.len(), 1, "{stderr}");
    assert!(
        warnings[0].starts_with(
            "site.yaml:3:11: warning[citation-locale]: citations are formatted in en-US"
        ),
        "{stderr}"
    );
    // en-US quotes titles with double quotation marks; en-GB, the default, with single ones.
    assert!(
        harvard(&site).contains("“Flawed personal budgets,”"),
        "{}",
        harvard(&site)
    );
    site.edit("site.yaml", "language: gd", "language: en-GB");
    assert!(!built(&site).contains("warning["));
    assert!(
        harvard(&site).contains("‘Flawed personal budgets’"),
        "{}",
        harvard(&site)
    );
}

#[test]
fn a_missing_string_is_one_warning_and_english() {
    let site = french();
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default"),
        &site.path("themes/default"),
    );
    site.edit("themes/default/i18n/fr.yaml", "nav_search: Recherche\n", "");
    let stderr = built(&site);
    let warnings: Vec<&str> = stderr.lines().filter(|l| l.contains("warning[")).collect();
    assert_eq!(warnings.len(), 1, "{stderr}");
    assert!(warnings[0]
        .starts_with("themes/default/i18n/fr.yaml: warning[missing-translation]: `nav_search`"));
    let home = site.read("public/index.html");
    assert!(home.contains("search/\">Search</a>") && home.contains(">Constats<"));
}

#[test]
fn a_language_name_is_not_a_tag() {
    let site = Site::from_fixture("valid");
    site.edit("site.yaml", "language: en-GB", "language: English");
    let run = site.run(&["build"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("site.yaml:3:11: error[invalid-language]: `English` is not a language tag"),
        "{}",
        run.stderr
    );
    site.edit("site.yaml", "language: English", "language: en_GB");
    let run = site.run(&["build"]);
    assert!(run.stderr.contains("`en-GB`"), "{}", run.stderr);
}
