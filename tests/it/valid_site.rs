//! A valid site builds, and its output is what the model says: every page, the evidence graph,
//! the downloads, and the links between them.

use crate::support::Site;

#[test]
fn valid_site_builds_every_page() {
    let site = Site::from_fixture("valid");
    let run = site.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("0 errors, 0 warnings"),
        "{}",
        run.stderr
    );
    let files: Vec<String> = site.tree("public").into_keys().collect();
    insta::assert_snapshot!("valid_site_files", files.join("\n"));
}

#[test]
fn finding_page_shows_figure_quote_locator_source_and_stance() {
    let site = Site::from_fixture("valid");
    assert_eq!(site.run(&["build"]).code, 0);
    let page = site.read("public/findings/staff-lead/index.html");
    for needle in [
        r#"<p class="figure">72%</p>"#,
        "Almost three-quarters (72%) said council staff usually lead on support planning",
        "para 1",
        r#"href="/sub/sources/s1/""#,
        r#"href="/sub/claims/users-lead/""#,
        "Contradicts",
        r#"<link rel="canonical" href="https://example.org/sub/findings/staff-lead/">"#,
    ] {
        assert!(page.contains(needle), "finding page lacks {needle:?}");
    }
}

#[test]
fn backlinks_run_both_ways() {
    let site = Site::from_fixture("valid");
    assert_eq!(site.run(&["build"]).code, 0);
    let source = site.read("public/sources/s1/index.html");
    assert!(source.contains(r#"href="/sub/findings/staff-lead/""#));
    let claim = site.read("public/claims/users-lead/index.html");
    assert!(claim.contains(r#"href="/sub/findings/staff-lead/""#));
    assert!(
        claim.contains(r#"href="/sub/gaps/foi/""#),
        "the gap shows where its figures would be"
    );
    let topic = site.read("public/topics/control/index.html");
    assert!(topic.contains(r#"href="/sub/claims/users-lead/""#));
}

#[test]
fn markdown_links_resolve_to_permalinks() {
    let site = Site::from_fixture("valid");
    assert_eq!(site.run(&["build"]).code, 0);
    let home = site.read("public/index.html");
    for href in [
        r#"href="/sub/about/#method""#,
        r#"href="/sub/sources/s1/""#,
        r#"href="/sub/findings/staff-lead/#quote""#,
        r#"href="/sub/claims/users-lead/""#,
    ] {
        assert!(home.contains(href), "home lacks {href}");
    }
}

#[test]
fn evidence_json_holds_the_graph() {
    let site = Site::from_fixture("valid");
    assert_eq!(site.run(&["build"]).code, 0);
    let json: serde_json::Value = serde_json::from_str(&site.read("public/evidence.json")).unwrap();
    insta::assert_json_snapshot!("valid_site_evidence_json", json);
}

#[test]
fn gap_is_shown_as_missing_not_zero() {
    let site = Site::from_fixture("valid");
    assert_eq!(site.run(&["build"]).code, 0);
    let csv = site.read("public/tables/who-leads.csv");
    let gap_row = csv
        .lines()
        .find(|l| l.starts_with("FOI allocations"))
        .unwrap();
    assert!(gap_row.contains("Not published"), "{gap_row}");
    assert!(!gap_row.contains(",0,"), "{gap_row}");
    let table = site.read("public/tables/who-leads/index.html");
    assert!(
        table.contains("not published: missing, not zero"),
        "the chart says so too"
    );
}

#[test]
fn tables_and_datasets_download_with_provenance() {
    let site = Site::from_fixture("valid");
    assert_eq!(site.run(&["build"]).code, 0);
    let csv = site.read("public/datasets/survey.csv");
    // A byte order mark first, so that Excel on Windows reads the file as UTF-8.
    let csv = csv
        .strip_prefix('\u{feff}')
        .expect("the CSV opens with a BOM");
    let mut lines = csv.split("\r\n");
    assert_eq!(
        lines.next(),
        Some("answer,share,finding_id,source_id,source_url,license,site_version")
    );
    assert_eq!(
        lines.next(),
        Some(
            "Council staff lead,72,staff-lead,s1,https://example.org/sub/sources/s1/,CC-BY-4.0,1.0"
        )
    );
    let json: serde_json::Value =
        serde_json::from_str(&site.read("public/tables/who-leads.json")).unwrap();
    assert_eq!(json["provenance"]["license"], "CC-BY-4.0");
    assert_eq!(json["provenance"]["site_version"], "1.0");
    let package: serde_json::Value =
        serde_json::from_str(&site.read("public/datapackage.json")).unwrap();
    let paths: Vec<&str> = package["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["path"].as_str().unwrap())
        .collect();
    for p in [
        "downloads/findings.csv",
        "datasets/survey.csv",
        "tables/who-leads.csv",
    ] {
        assert!(paths.contains(&p), "datapackage lacks {p}");
        assert!(site.path("public").join(p).exists());
    }
}

#[test]
fn chart_has_an_accessible_name_and_a_data_table() {
    let site = Site::from_fixture("valid");
    assert_eq!(site.run(&["build"]).code, 0);
    let page = site.read("public/tables/who-leads/index.html");
    assert!(
        page.contains(r#"role="img" aria-labelledby="chart-who-leads-title chart-who-leads-desc""#)
    );
    assert!(page.contains("<title id=\"chart-who-leads-title\">Who leads support planning</title>"));
    assert!(page.contains("<table class=\"data-table\""));
}

#[test]
fn crlf_and_bom_build_and_keep_line_numbers() {
    let site = Site::from_fixture("valid");
    let text = site.read("data/findings/s1.yaml").replace('\n', "\r\n");
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(text.as_bytes());
    site.write("data/findings/s1.yaml", &bytes);
    let about = site.read("content/about.md").replace('\n', "\r\n");
    site.write("content/about.md", format!("\u{feff}{about}"));
    let run = site.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // A mistake on line 6 is still reported on line 6, column 13.
    site.edit("data/findings/s1.yaml", "source: s1", "source: nope");
    let run = site.run(&["check"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("data/findings/s1.yaml:6:13: error[unknown-source]"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_very_large_page_builds() {
    let site = Site::from_fixture("valid");
    let mut body = String::from("---\ntitle: Large\n---\n");
    for i in 0..40_000 {
        body.push_str(&format!(
            "Paragraph {i} with some words about personal budgets.\n\n"
        ));
    }
    site.write("content/large.md", &body);
    let run = site.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(site
        .read("public/large/index.html")
        .contains("Paragraph 39999"));
}

/// The glossary page lists each term with its definition and sources; a page links the first use
/// of a term (in any of its forms, not in a heading) to its entry, once; the gaps page lists the
/// scope notes with their status.
#[test]
fn glossary_terms_are_defined_and_linked_and_scope_notes_shown() {
    let site = Site::from_fixture("valid");
    site.write(
        "data/glossary.yaml",
        "terms:\n  - term: support planning\n    abbreviations: [SP]\n    definition: Working out how a budget is spent.\n    sources: [s1]\n",
    );
    site.write(
        "data/scope.yaml",
        "notes:\n  - title: The 2011 survey\n    status: not-included\n    reason: Its text is not archived.\n    source: s1\n",
    );
    site.write(
        "content/about.md",
        "---\ntitle: About\n---\n## Support planning\n\nWho leads SP? Support planning again.\n\n## Method\n\ntext\n",
    );
    let run = site.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let glossary = site.read("public/glossary/index.html");
    for needle in [
        r#"<dt id="support-planning">support planning <span class="muted">(SP)</span></dt>"#,
        "Working out how a budget is spent.",
        r#"From <a href="/sub/sources/s1/">"#,
    ] {
        assert!(
            glossary.contains(needle),
            "glossary lacks {needle:?}:\n{glossary}"
        );
    }
    let about = site.read("public/about/index.html");
    let link = r#"href="/sub/glossary/#support-planning""#;
    assert_eq!(about.matches(link).count(), 1, "{about}");
    assert!(
        about.contains(&format!(r#"<a {link}"#)) && about.contains(">SP</a>"),
        "{about}"
    );
    assert!(!about.contains(&format!(r#"<h2 id="support-planning"><a {link}"#)));
    let gaps = site.read("public/gaps/index.html");
    assert!(
        gaps.contains("The 2011 survey") && gaps.contains("Known, not included"),
        "{gaps}"
    );
}

/// A form two terms share is an error at the second term, and a term's unknown source is an error.
#[test]
fn glossary_mistakes_are_reported_where_they_are() {
    let site = Site::from_fixture("valid");
    site.write(
        "data/glossary.yaml",
        "terms:\n  - term: budget\n    definition: Money.\n  - term: allocation\n    also: [Budget]\n    definition: Money.\n    sources: [nope]\n",
    );
    let run = site.run(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("error[duplicate-id]"), "{}", run.stderr);
    assert!(
        run.stderr.contains("data/glossary.yaml:4:"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("`nope`"), "{}", run.stderr);
}

/// `build --relative` makes a site that works from disk: every link and asset of every page (a
/// redirect's too) is relative and names a file that exists, and no page links to the site's root.
#[test]
fn a_relative_build_opens_from_disk() {
    let site = Site::from_fixture("valid");
    site.write(
        "content/claims/users-lead.md",
        "---\ntitle: Users lead planning\ntopic: control\naliases: [old-claim]\n---\nBody\n",
    );
    let run = site.run(&["build", "--relative"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let files = site.tree("public");
    let mut checked = 0;
    for (path, bytes) in files.iter().filter(|(p, _)| p.ends_with(".html")) {
        let html = String::from_utf8_lossy(bytes);
        let dir = std::path::Path::new(path).parent().unwrap();
        for attr in [" href=\"", " src=\"", " action=\"", "; url="] {
            for value in html.split(attr).skip(1) {
                let value = &value[..value.find(['"', ' ', '>']).unwrap_or(value.len())];
                if value.starts_with("https:")
                    || value.starts_with('#')
                    || value.starts_with("mailto:")
                {
                    continue;
                }
                assert!(!value.starts_with('/'), "{path}: {value} is not relative");
                let target = value.split(['#', '?']).next().unwrap();
                let mut resolved = dir.to_path_buf();
                for part in target.split('/') {
                    match part {
                        ".." => assert!(resolved.pop(), "{path}: {value} leaves the site"),
                        "" | "." => {}
                        p => resolved.push(p),
                    }
                }
                let resolved = resolved.to_string_lossy().replace('\\', "/");
                assert!(
                    files.contains_key(&resolved),
                    "{path}: {value} → {resolved} is missing"
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 100, "only {checked} links checked");
    let redirect = site.read("public/claims/old-claim/index.html");
    assert!(
        redirect.contains("url=../../claims/users-lead/index.html"),
        "{redirect}"
    );
}

/// Each column shows what it names: `label` is the row header (not a second column), and a
/// finding without a figure says so in the figure column instead of repeating its statement.
#[test]
fn table_columns_show_what_they_name() {
    let site = Site::from_fixture("valid");
    site.edit(
        "data/tables/who-leads.yaml",
        "columns: [figure, value, source, locator, \"stance:users-lead\"]",
        "columns: [label, figure, statement]",
    );
    site.edit(
        "data/findings/s1.yaml",
        "    figure: \"Two-thirds\"\n    value: {kind: fraction, numerator: 2, denominator: 3}\n",
        "",
    );
    site.edit("data/tables/who-leads.yaml", "chart: bar\n", "");
    let run = site.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = site.read("public/tables/who-leads/index.html");
    assert!(
        page.contains(r#"<thead><tr><th scope="col">Item</th><th scope="col">Figure as printed</th><th scope="col">Finding</th></tr></thead>"#),
        "{page}"
    );
    assert!(
        page.contains(r#"<span class="cell-missing">A statement, not a figure</span>"#),
        "{page}"
    );
}

/// A renamed node keeps its old id under `aliases:`: references by the old id (in a table, a
/// dataset, a Markdown link) still resolve, to the node's page, with a warning to update them, and
/// the old URL's redirect page keeps the link's `#anchor` where JavaScript runs.
#[test]
fn old_ids_resolve_with_a_warning_and_redirects_keep_anchors() {
    let site = Site::from_fixture("valid");
    site.edit(
        "data/findings/s1.yaml",
        "  - id: staff-lead\n",
        "  - id: council-staff-lead\n    aliases: [staff-lead]\n",
    );
    let run = site.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let warnings = run.stderr.matches("warning[old-id]").count();
    assert!(
        warnings >= 3,
        "table, dataset and links warn: {}",
        run.stderr
    );
    let table = site.read("public/tables/who-leads/index.html");
    assert!(
        table.contains(r#"href="/sub/findings/council-staff-lead/""#),
        "{table}"
    );
    let home = site.read("public/index.html");
    assert!(
        home.contains(r#"href="/sub/findings/council-staff-lead/#quote""#),
        "{home}"
    );
    let redirect = site.read("public/findings/staff-lead/index.html");
    assert!(
        redirect.contains("url=/sub/findings/council-staff-lead/"),
        "{redirect}"
    );
    assert!(redirect.contains("location.hash"), "{redirect}");
}

/// `menu:` links are checked and made as Markdown links are: a page of the site must exist and
/// gets its full path (so the link works on nested pages); a relative path is refused.
#[test]
fn menu_links_are_checked_and_work_on_every_page() {
    let site = Site::from_fixture("valid");
    let menu = "menu:\n  - {title: About, url: /about/}\n  - {title: The claim, url: \"claim:users-lead\"}\n  - {title: Elsewhere, url: \"https://example.org/\"}\n";
    let config = site.read("site.yaml");
    site.write("site.yaml", format!("{config}{menu}"));
    let run = site.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let nested = site.read("public/findings/staff-lead/index.html");
    for href in [
        r#"href="/sub/about/""#,
        r#"href="/sub/claims/users-lead/""#,
        r#"href="https://example.org/""#,
    ] {
        assert!(nested.contains(href), "{href} missing");
    }
    site.write(
        "site.yaml",
        format!("{config}menu:\n  - {{title: About, url: about/}}\n  - {{title: Gone, url: /nowhere/}}\n"),
    );
    let run = site.run(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("error[broken-link]: the menu link `about/` is relative"),
        "{}",
        run.stderr
    );
    assert_eq!(
        run.stderr.matches("site.yaml:").count(),
        2,
        "{}",
        run.stderr
    );
}

/// Files in `static/` whose names start with a dot are published (`.nojekyll` for GitHub Pages,
/// `.well-known/security.txt`), but not version control's or editors' files, nor a file that
/// would pose as evident's output marker.
#[test]
fn static_dotfiles_are_published_but_not_tool_files() {
    let site = Site::from_fixture("valid");
    site.write("static/.nojekyll", "");
    site.write(
        "static/.well-known/security.txt",
        "Contact: mailto:security@example.org\n",
    );
    site.write("static/.DS_Store", "x");
    site.write("static/.gitkeep", "");
    site.write("static/.evident-output", "fake");
    let run = site.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let files = site.tree("public");
    assert!(files.contains_key(".nojekyll"));
    assert!(files.contains_key(".well-known/security.txt"));
    assert!(!files.contains_key(".DS_Store") && !files.contains_key(".gitkeep"));
    assert_ne!(
        files.get(".evident-output").map(Vec::as_slice),
        Some(&b"fake"[..])
    );
}

/// The Atom feed lists every finding of a small site; `feed_limit` keeps the most recently
/// changed ones (ties by id), and the sitemap still lists every page.
#[test]
fn the_feed_keeps_the_latest_findings_up_to_feed_limit() {
    let site = Site::from_fixture("valid");
    let run = site.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let all = site.read("public/findings.atom");
    assert_eq!(all.matches("<entry>").count(), 3, "{all}");
    let entry = |feed: &str| {
        let e = feed.split("<entry>").nth(1).unwrap();
        e[..e.find("</entry>").unwrap()].to_string()
    };
    let first = entry(&all);

    site.edit(
        "site.yaml",
        "language: en-GB",
        "language: en-GB\nfeed_limit: 1",
    );
    let run = site.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let limited = site.read("public/findings.atom");
    assert_eq!(limited.matches("<entry>").count(), 1, "{limited}");
    assert_eq!(entry(&limited), first);
    assert!(site
        .read("public/sitemap.xml")
        .contains("/findings/users-two/"));
}
