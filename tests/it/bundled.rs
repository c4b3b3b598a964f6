//! The bundled site (the repository root): it builds with no warnings, and `evident check` catches
//! any tampering with a quote or a figure.

use std::path::Path;

use crate::support::{copy_dir, Site};

/// A copy of the repository's site in a temporary folder.
fn bundled() -> Site {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    for folder in ["content", "data", "archive", "releases", "docs", "themes"] {
        copy_dir(&root.join(folder), &dir.path().join(folder));
    }
    for file in ["site.yaml", "permalinks.txt"] {
        std::fs::copy(root.join(file), dir.path().join(file)).unwrap();
    }
    Site { dir }
}

#[test]
fn bundled_site_checks_clean() {
    let site = bundled();
    let run = site.run(&["check", "--strict"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn every_seed_figure_has_a_finding_page_with_its_quote() {
    let site = bundled();
    assert_eq!(site.run(&["build"]).code, 0);
    let json: serde_json::Value = serde_json::from_str(&site.read("public/evidence.json")).unwrap();
    let findings = json["findings"].as_array().unwrap();
    assert!(findings.len() >= 20, "{} findings", findings.len());
    let mut statements = 0;
    for f in findings {
        let id = f["id"].as_str().unwrap();
        let page = site.read(&format!("public/findings/{id}/index.html"));
        match f["figure"].as_str() {
            // A long figure ("40% to just 20%") is set smaller, as words.
            Some(figure) => assert!(
                page.contains(&format!("<p class=\"figure\">{figure}</p>"))
                    || page.contains(&format!("<p class=\"figure figure-words\">{figure}</p>")),
                "{id}"
            ),
            // A qualitative finding: its page says it is a statement, and shows its quote.
            None => {
                statements += 1;
                assert!(page.contains("a statement, not a figure"), "{id}");
                assert!(f["value"].is_null(), "{id}");
            }
        }
        let quote = f["quote"].as_str().unwrap().replace('"', "&quot;");
        assert!(page.contains(&quote), "{id}: quote missing");
    }
    assert!(statements >= 3, "{statements} qualitative findings");
    // The London FOI figures are a gap, shown where they would be.
    let claim = site.read("public/claims/indicative-close-to-actual/index.html");
    assert!(claim.contains("/gaps/london-foi-2013/"));
}

#[test]
fn a_tampered_quote_fails_the_check() {
    let site = bundled();
    site.edit(
        "data/findings/beresford-2013-community-care.yaml",
        "\"Almost three-quarters (72%) said council staff usually lead",
        "\"Almost three-quarters (72%) said council staff always lead",
    );
    let run = site.run(&["check"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("error[quote-not-in-source]: the quote is not in the archived text of `beresford-2013-community-care`"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_value_that_disagrees_with_its_figure_fails_the_check_at_the_value() {
    let site = bundled();
    site.edit(
        "data/findings/dns-2010-in-control.yaml",
        "value: {kind: count, number: 30000}",
        "value: {kind: count, number: 3000}",
    );
    let run = site.run(&["check"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains(
            "data/findings/dns-2010-in-control.yaml:30:12: error[value-mismatch]: this value does not say what the figure `30,000` says"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("the figure reads as a count, 30000"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_tampered_figure_fails_the_check() {
    let site = bundled();
    site.edit(
        "data/findings/dns-2010-in-control.yaml",
        "figure: \"30,000\"",
        "figure: \"46,000\"",
    );
    let run = site.run(&["check"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains(
            "error[figure-not-in-quote]: the figure `46,000` does not appear in the quote"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn a_tampered_archive_fails_the_check() {
    let site = bundled();
    site.edit(
        "archive/dns-2013-bureaucracy.txt",
        "up by 10 per cent",
        "up by 1 per cent",
    );
    let run = site.run(&["check"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("data/findings/dns-2013-bureaucracy.yaml:"),
        "{}",
        run.stderr
    );
}

/// The finding each card of a findings index page links to, in order, and the sources whose
/// groups the page holds.
fn index_page(html: &str) -> (Vec<String>, Vec<String>) {
    let cards = (html.split("<article class=\"finding-card\">").skip(1))
        .map(|card| {
            let href = card
                .split("href=\"")
                .nth(1)
                .expect("a card links its finding");
            href[..href.find('"').unwrap()].to_string()
        })
        .collect();
    let groups = (html.split("<section aria-labelledby=\"g-").skip(1))
        .map(|g| g[..g.find('"').unwrap()].to_string())
        .collect();
    (cards, groups)
}

/// `findings_per_page` splits the findings index into pages that together list every finding
/// once, never split a source's findings, link to each other, and are not permalinks to track.
#[test]
fn the_findings_index_is_paged_without_splitting_a_source() {
    let site = bundled();
    let run = site.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (all, sources) = index_page(&site.read("public/findings/index.html"));
    assert!(all.len() > 20 && sources.len() > 2, "{all:?}");
    assert!(
        !site.path("public/findings/page").exists(),
        "one page by default"
    );

    let config = site.read("site.yaml");
    site.write("site.yaml", format!("{config}\nfindings_per_page: 10\n"));
    // The later pages are not permalinks: nothing asks to list them in permalinks.txt.
    let run = site.run(&["check", "--strict"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = site.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut pages = vec![site.read("public/findings/index.html")];
    while let Ok(html) = std::fs::read_to_string(site.path(&format!(
        "public/findings/page/{}/index.html",
        pages.len() + 1
    ))) {
        pages.push(html);
    }
    assert!(!site.path("public/findings/page/1").exists());
    assert!(pages.len() > 2, "{} pages", pages.len());
    let (mut listed, mut grouped) = (Vec::new(), Vec::new());
    for (i, html) in pages.iter().enumerate() {
        let (cards, groups) = index_page(html);
        // Up to ten findings a page, unless one source alone has more.
        assert!(
            cards.len() <= 10 || groups.len() == 1,
            "page {}: {cards:?}",
            i + 1
        );
        listed.extend(cards);
        grouped.extend(groups);
        let n = i + 1;
        assert!(
            html.contains(&format!("aria-current=\"page\">{n}</a>")),
            "page {n} marks itself"
        );
        assert!(html.contains(&format!("Page {n} of {}", pages.len())));
    }
    assert_eq!(listed, all, "every finding once, in the same order");
    assert_eq!(grouped, sources, "each source's group on one page");
    assert!(pages[1].contains("<a href=\"/findings/\" rel=\"prev\">"));
    assert!(pages[1].contains("<a href=\"/findings/page/3/\" rel=\"next\">"));
    assert!(!pages[0].contains("rel=\"prev\""));
    assert!(site
        .read("public/sitemap.xml")
        .contains("/findings/page/2/</loc>"));
}
