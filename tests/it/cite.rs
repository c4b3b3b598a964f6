//! What reference managers save from a built page, rule by rule, on the citations fixture (records
//! chosen to trip them). The rules come from Zotero's Embedded Metadata translator, which the
//! Zotero Connector runs on a page: its creators, item type, title, abstract and URL.

use crate::support::Site;

fn built() -> Site {
    let site = Site::from_fixture("citations");
    let run = site.run(&["build", "--deny-warnings"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    site
}

/// The `content` of every `<meta name=NAME>` on a page, in order.
fn meta(page: &str, name: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in page.split("<meta ").skip(1) {
        let tag = &part[..part.find('>').unwrap_or(part.len())];
        let attr = |key: &str| {
            let start = tag.find(&format!("{key}=\""))? + key.len() + 2;
            Some(tag[start..start + tag[start..].find('"')?].to_string())
        };
        if attr("name").or_else(|| attr("property")).as_deref() == Some(name) {
            out.push(
                attr("content")
                    .unwrap_or_default()
                    .replace("&amp;", "&")
                    .replace("&#39;", "'")
                    .replace("&quot;", "\""),
            );
        }
    }
    out
}

fn source(site: &Site, id: &str) -> String {
    site.read(&format!("public/sources/{id}/index.html"))
}

#[test]
fn no_page_has_an_element_zotero_reads_as_a_byline() {
    let site = built();
    for entry in walk(&site.path("public")) {
        if entry.extension().is_some_and(|e| e == "html") {
            let page = std::fs::read_to_string(&entry).unwrap().to_lowercase();
            for class in page.split("class=\"").skip(1) {
                let class = &class[..class.find('"').unwrap_or(0)];
                for word in ["byline", "vcard"] {
                    assert!(!class.contains(word), "{}: class {class}", entry.display());
                }
            }
            assert!(!page.contains("rel=\"author\""), "{}", entry.display());
            assert!(!page.contains("z3988"), "{}: COinS", entry.display());
        }
    }
}

#[test]
fn organisations_are_saved_whole_and_people_family_first() {
    let site = built();
    let page = source(&site, "report-series-number");
    assert_eq!(
        meta(&page, "citation_author"),
        ["Department for Education,"]
    );
    let page = source(&site, "journal-missing-volume-pages");
    assert_eq!(
        meta(&page, "citation_author"),
        ["Slasberg, Colin", "Schofield, Peter"]
    );
    // A source with no author names none: nothing for a translator to fall back on.
    let page = source(&site, "news-quoted-title");
    assert!(meta(&page, "citation_author").is_empty());
    assert!(meta(&page, "author").is_empty());
}

#[test]
fn each_type_saves_as_itself() {
    let site = built();
    let news = source(&site, "news-quoted-title");
    assert_eq!(meta(&news, "DC.type"), ["newspaperArticle"]);
    assert_eq!(meta(&news, "DC.source"), ["Disability News Service"]);
    assert!(meta(&news, "citation_journal_title").is_empty());
    let magazine = source(&site, "magazine-organisation");
    assert_eq!(meta(&magazine, "DC.type"), ["magazineArticle"]);
    assert!(meta(&magazine, "citation_journal_title").is_empty());
    let journal = source(&site, "journal-missing-volume-pages");
    assert_eq!(
        meta(&journal, "citation_journal_title"),
        ["Disability & Society"]
    );
    let chapter = source(&site, "chapter-book-author");
    assert_eq!(meta(&chapter, "citation_inbook_title"), ["Personalisation"]);
    let report = source(&site, "report-no-publisher");
    assert_eq!(meta(&report, "DC.type"), ["report"]);
    let report = source(&site, "report-series-number");
    assert_eq!(
        meta(&report, "citation_technical_report_institution"),
        ["Department for Education"]
    );
    let book = source(&site, "book-no-isbn");
    assert_eq!(meta(&book, "DC.type"), ["book"]);
    let web = source(&site, "webpage-organisation");
    assert_eq!(meta(&web, "og:type"), ["website"]);
    assert!(meta(&web, "DC.type").is_empty());
}

#[test]
fn a_source_page_describes_its_own_source_and_points_at_it() {
    let site = built();
    let page = source(&site, "news-quoted-title");
    let own = "An unsigned news report whose headline quotes someone.";
    assert_eq!(meta(&page, "description"), [own]);
    assert_eq!(meta(&page, "og:description"), [own]);
    assert_eq!(meta(&page, "citation_abstract"), [own]);
    assert_eq!(
        meta(&page, "citation_public_url"),
        ["https://example.org/news/personalisation"]
    );
    // No source URL: no public URL tag, so Zotero falls back to this page's own address.
    assert!(meta(&source(&site, "book-no-isbn"), "citation_public_url").is_empty());
}

#[test]
fn a_finding_page_saves_as_a_web_page_titled_by_its_statement() {
    let site = Site::from_fixture("valid");
    assert_eq!(site.run(&["build"]).code, 0);
    let page = site.read("public/findings/staff-lead/index.html");
    let title = "Most said staff lead (72%)";
    assert_eq!(meta(&page, "og:title"), [title]);
    assert_eq!(meta(&page, "twitter:title"), [title]);
    assert!(page.contains(&format!("<title>{title} · Fixture evidence</title>")));
    assert_eq!(meta(&page, "og:type"), ["website"]);
    assert_eq!(meta(&page, "og:site_name"), ["Fixture evidence"]);
    assert_eq!(meta(&page, "DC.date"), ["2024-05-01"]);
    assert!(meta(&page, "citation_title").is_empty());
    // The description is the finding's quote, not the site's tagline.
    let description = &meta(&page, "og:description")[0];
    assert!(
        description.starts_with("“Almost three-quarters (72%)"),
        "{description}"
    );
}

#[test]
fn news_and_magazine_pieces_carry_their_bibtex_subtype() {
    let site = built();
    let bib = site.read("public/citations.bib");
    let entry = |id: &str| {
        let start = bib.find(&format!("{{{id},")).unwrap();
        bib[start..start + bib[start..].find("\n}").unwrap()].to_string()
    };
    assert!(entry("news-quoted-title").contains("entrysubtype = {newspaper}"));
    assert!(entry("magazine-organisation").contains("entrysubtype = {magazine}"));
    assert!(!entry("journal-missing-volume-pages").contains("entrysubtype"));
    assert!(entry("chapter-book-author").contains("bookauthor = {Beresford, Peter}"));
}

/// With no `date` in site.yaml and no `SOURCE_DATE_EPOCH`, a site in a git checkout takes the
/// date of its last commit, so page citations never read "n.d.".
#[test]
fn without_a_date_the_last_commit_dates_the_site() {
    let site = Site::from_fixture("valid");
    site.edit("site.yaml", "date: \"2024-05-01\"\n", "");
    let git = |args: &[&str]| {
        let ok = std::process::Command::new("git")
            .args(args)
            .current_dir(site.root())
            .env("GIT_COMMITTER_DATE", "2025-03-04T12:00:00Z")
            .env("GIT_AUTHOR_DATE", "2025-03-04T12:00:00Z")
            .output()
            .is_ok_and(|o| o.status.success());
        assert!(ok, "git {args:?}");
    };
    git(&["init", "-q"]);
    git(&["add", "."]);
    git(&[
        "-c",
        "user.name=T",
        "-c",
        "user.email=t@example.org",
        "commit",
        "-qm",
        "x",
    ]);
    assert_eq!(site.run(&["build"]).code, 0);
    let page = site.read("public/findings/staff-lead/index.html");
    assert_eq!(meta(&page, "DC.date"), ["2025-03-04"]);
    assert!(!page.contains("n.d."));
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
