//! Discovery files: `sitemap.xml` (every page at its canonical URL; above 50,000 pages, an index
//! of `sitemap-N.xml` files), `robots.txt` pointing to it, and an Atom feed of the most recently
//! changed findings (`findings.atom`, `feed_limit` of them). Dates come from the site's date and
//! permalinks.txt, never the clock, so the files are byte-stable.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::html::escape_html;
use crate::layout::OutputFile;
use crate::model::{Finding, Site};

fn xml(s: &str) -> String {
    escape_html(s)
}

/// The most URLs one sitemap file may list (the sitemaps.org protocol's limit).
const SITEMAP_LIMIT: usize = 50_000;

/// `sitemap.xml` listing `urls`; when there are more than `limit`, `sitemap.xml` is a sitemap
/// index of `sitemap-1.xml`, `sitemap-2.xml`, … that list `limit` each, as the protocol asks.
fn sitemap_files(base: &str, date: Option<&str>, urls: &[String], limit: usize) -> Vec<OutputFile> {
    const HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    const NS: &str = "xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"";
    let lastmod = date.map_or(String::new(), |d| format!("<lastmod>{d}</lastmod>"));
    let urlset = |urls: &[String]| {
        let mut out = format!("{HEAD}<urlset {NS}>\n");
        for url in urls {
            let _ = writeln!(out, "  <url><loc>{}</loc>{lastmod}</url>", xml(url));
        }
        out.push_str("</urlset>\n");
        out.into_bytes()
    };
    if urls.len() <= limit {
        return vec![OutputFile::new("sitemap.xml", urlset(urls))];
    }
    let mut index = format!("{HEAD}<sitemapindex {NS}>\n");
    let mut files = Vec::new();
    for (i, part) in urls.chunks(limit.max(1)).enumerate() {
        let path = format!("sitemap-{}.xml", i + 1);
        let _ = writeln!(
            index,
            "  <sitemap><loc>{}</loc>{lastmod}</sitemap>",
            xml(&format!("{base}{path}"))
        );
        files.push(OutputFile::new(path, urlset(part)));
    }
    index.push_str("</sitemapindex>\n");
    files.insert(0, OutputFile::new("sitemap.xml", index.into_bytes()));
    files
}

/// What the sitemap is made from besides the pages: the site's address and date, and the pages
/// that are redirects (left out).
#[derive(PartialEq)]
struct SitemapInputs {
    base: String,
    date: Option<String>,
    redirects: Vec<String>,
}

/// `serve`'s last sitemap, kept with what it was made from: the pages' output paths as the jobs
/// list them (in their order) and [`SitemapInputs`]. A rebuild in which no page was added or
/// removed, as after most edits, takes it as it is (listing, sorting and writing 11,000 URLs
/// was two milliseconds at N = 10,000).
#[derive(Default)]
pub struct SitemapMemo(std::sync::Mutex<Option<KeptSitemap>>);

struct KeptSitemap {
    inputs: SitemapInputs,
    pages: Vec<String>,
    files: Vec<OutputFile>,
}

impl SitemapMemo {
    /// The sitemap's files for `pages` and `inputs`: the kept ones if they were made from the
    /// same, else made (by `make`) and kept.
    fn files(
        &self,
        inputs: SitemapInputs,
        pages: &[&str],
        make: impl FnOnce(&SitemapInputs) -> Vec<OutputFile>,
    ) -> Vec<OutputFile> {
        let mut kept = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(k) = kept
            .as_ref()
            .filter(|k| k.inputs == inputs && k.pages == pages)
        {
            return k.files.clone();
        }
        let files = make(&inputs);
        let pages = pages.iter().map(|p| p.to_string()).collect();
        *kept = Some(KeptSitemap {
            inputs,
            pages,
            files: files.clone(),
        });
        files
    }
}

/// The sitemap's files for the pages at `pages`, in the order of their paths.
fn sitemap(pages: &[&str], inputs: &SitemapInputs) -> Vec<OutputFile> {
    let redirects: std::collections::HashSet<&str> =
        inputs.redirects.iter().map(String::as_str).collect();
    let mut pages: Vec<&str> = (pages.iter().copied())
        .filter(|p| p.ends_with("index.html") && !redirects.contains(p))
        .collect();
    pages.sort_unstable();
    let base = &inputs.base;
    let urls: Vec<String> = (pages.iter())
        .map(|p| format!("{base}{}", p.strip_suffix("index.html").unwrap_or(p)))
        .collect();
    sitemap_files(base, inputs.date.as_deref(), &urls, SITEMAP_LIMIT)
}

/// Builds the sitemap, `robots.txt` and the feed from the output paths of the pages (redirect
/// pages and 404 are left out).
/// `dates` is the date each finding last changed ([`crate::permalinks::finding_dates`]). With
/// `memo` (`serve`), the sitemap is the last run's when its pages are the same.
pub(crate) fn discovery_files(
    site: &Site,
    pages: &[&str],
    dates: &BTreeMap<String, String>,
    memo: Option<&SitemapMemo>,
) -> Vec<OutputFile> {
    let base = &site.config.base_url;
    let inputs = SitemapInputs {
        base: base.clone(),
        date: site.config.date.clone(),
        redirects: (site.redirects.keys())
            .map(|old| format!("{old}index.html"))
            .collect(),
    };
    let mut files = match memo {
        Some(memo) => memo.files(inputs, pages, |inputs| sitemap(pages, inputs)),
        None => sitemap(pages, &inputs),
    };
    let robots = format!("User-agent: *\nAllow: /\n\nSitemap: {base}sitemap.xml\n");

    let site_date = site
        .config
        .date
        .clone()
        .unwrap_or_else(|| "1970-01-01".into());
    // Newest first by the date each finding last changed, then by id, so the order is stable
    // (each finding's date worked out once, not at every comparison). Only the first
    // `feed_limit` are put in order.
    let mut dated: Vec<_> = site
        .findings
        .values()
        .map(|f| (feed_date(f, dates, &site_date), &**f))
        .collect();
    let limit = site.config.feed_limit;
    if limit > 0 && limit < dated.len() {
        dated.select_nth_unstable_by(limit, newest_first);
        dated.truncate(limit);
    }
    dated.sort_unstable_by(newest_first);
    let feed_updated = (dated.first()).map_or(site_date.as_str(), |(date, _)| date);
    let mut atom = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    let _ = writeln!(
        atom,
        "  <title>{}</title>",
        xml(&site
            .strings
            .with("feed_title", &[("site", &site.config.title)]))
    );
    let _ = writeln!(atom, "  <id>{}</id>", xml(&format!("{base}findings.atom")));
    let _ = writeln!(
        atom,
        "  <link rel=\"self\" href=\"{}\"/>",
        xml(&format!("{base}findings.atom"))
    );
    let _ = writeln!(
        atom,
        "  <link rel=\"alternate\" href=\"{}\"/>",
        xml(&format!("{base}findings/"))
    );
    let _ = writeln!(atom, "  <updated>{feed_updated}T00:00:00Z</updated>");
    let _ = writeln!(
        atom,
        "  <author><name>{}</name></author>",
        xml(site
            .config
            .publisher
            .as_deref()
            .unwrap_or(&site.config.title))
    );
    for (date, f) in dated {
        let url = format!("{base}{}", f.id.path());
        let source = site
            .sources
            .get(&f.source)
            .map_or(f.source.0.as_str(), |s| s.title.as_str());
        atom.push_str("  <entry>\n");
        let title = format!("{} — {}", f.label(), f.statement);
        let title = match &f.withdrawn {
            Some(_) => site.strings.with("feed_withdrawn", &[("title", &title)]),
            None => title,
        };
        let _ = writeln!(atom, "    <title>{}</title>", xml(&title));
        let _ = writeln!(atom, "    <id>{}</id>", xml(&url));
        let _ = writeln!(atom, "    <link href=\"{}\"/>", xml(&url));
        let _ = writeln!(atom, "    <updated>{date}T00:00:00Z</updated>");
        let mut summary = format!("“{}” — {source}, {}", f.quote, f.locator);
        if let Some(w) = &f.withdrawn {
            summary = format!(
                "{} {} {summary}",
                site.strings.with("finding_withdrawn", &[("date", &w.date)]),
                site.strings
                    .with("finding_withdrawn_reason", &[("reason", &w.reason)])
            );
        }
        let _ = writeln!(atom, "    <summary>{}</summary>", xml(&summary));
        atom.push_str("  </entry>\n");
    }
    atom.push_str("</feed>\n");
    files.extend([
        OutputFile::new("robots.txt", robots.into_bytes()),
        OutputFile::new("findings.atom", atom.into_bytes()),
    ]);
    files
}

/// The date a finding last changed, as the feed gives it: `dates`' (or the site's date), but no
/// earlier than its withdrawal (a withdrawn finding stays in the feed: a reader who saw it should
/// learn it was withdrawn).
fn feed_date<'a>(
    f: &'a Finding,
    dates: &'a BTreeMap<String, String>,
    site_date: &'a str,
) -> &'a str {
    let date = dates.get(&f.id.0).map_or(site_date, String::as_str);
    match &f.withdrawn {
        Some(w) if w.date.as_str() > date => &w.date,
        _ => date,
    }
}

/// The feed's order: newest first, then by id (each finding once, so no two are equal).
fn newest_first(
    (a_date, a): &(&str, &Finding),
    (b_date, b): &(&str, &Finding),
) -> std::cmp::Ordering {
    (b_date, &a.id).cmp(&(a_date, &b.id))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `serve`'s sitemap is the last one while the pages and what else it reads are the same, and
    /// made again, as a build makes it, when any of them changed.
    #[test]
    fn the_sitemap_kept_is_made_again_when_its_pages_or_settings_change() {
        let memo = SitemapMemo::default();
        let inputs = |base: &str, redirects: &[&str]| SitemapInputs {
            base: base.to_string(),
            date: Some("2024-01-02".into()),
            redirects: redirects.iter().map(|r| format!("{r}index.html")).collect(),
        };
        let made = std::cell::Cell::new(0);
        let run = |inputs: SitemapInputs, pages: &[&str]| {
            let fresh = sitemap(pages, &inputs);
            let files = memo.files(inputs, pages, |inputs| {
                made.set(made.get() + 1);
                sitemap(pages, inputs)
            });
            let text = |f: &[OutputFile]| f.iter().map(|f| f.bytes.clone()).collect::<Vec<_>>();
            assert_eq!(text(&files), text(&fresh));
            String::from_utf8(files[0].bytes.clone()).unwrap()
        };
        let pages = ["b/index.html", "a/index.html", "old/index.html", "404.html"];
        let first = run(inputs("https://e.org/", &["old/"]), &pages);
        assert_eq!(made.get(), 1);
        assert!(
            first.contains("https://e.org/a/") && !first.contains("old/"),
            "{first}"
        );
        run(inputs("https://e.org/", &["old/"]), &pages);
        assert_eq!(made.get(), 1, "the same pages: kept");
        let more = [
            "b/index.html",
            "a/index.html",
            "old/index.html",
            "c/index.html",
        ];
        assert!(run(inputs("https://e.org/", &["old/"]), &more).contains("https://e.org/c/"));
        assert_eq!(made.get(), 2, "a page added");
        assert!(run(inputs("https://e.org/", &[]), &more).contains("https://e.org/old/"));
        assert_eq!(made.get(), 3, "a redirect gone");
        assert!(run(inputs("https://f.org/", &[]), &more).contains("https://f.org/c/"));
        assert_eq!(made.get(), 4, "another address");
    }

    #[test]
    fn a_sitemap_over_the_limit_becomes_an_index_of_sitemaps() {
        let urls: Vec<String> = (1..=5).map(|i| format!("https://e.org/p{i}/")).collect();
        let one = sitemap_files("https://e.org/", Some("2024-01-02"), &urls, 5);
        assert_eq!(one.len(), 1);
        let text = String::from_utf8(one[0].bytes.clone()).unwrap();
        assert!(
            text.contains("<urlset ") && text.matches("<url>").count() == 5,
            "{text}"
        );

        let split = sitemap_files("https://e.org/", Some("2024-01-02"), &urls, 2);
        let paths: Vec<&str> = split.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "sitemap.xml",
                "sitemap-1.xml",
                "sitemap-2.xml",
                "sitemap-3.xml"
            ]
        );
        let index = String::from_utf8(split[0].bytes.clone()).unwrap();
        assert!(index.contains("<sitemapindex "), "{index}");
        for part in &paths[1..] {
            assert!(
                index.contains(&format!(
                    "<sitemap><loc>https://e.org/{part}</loc><lastmod>2024-01-02</lastmod></sitemap>"
                )),
                "{index}"
            );
        }
        // Every URL once, in order, no file over the limit.
        let listed: Vec<String> = split[1..]
            .iter()
            .flat_map(|f| {
                let text = String::from_utf8(f.bytes.clone()).unwrap();
                assert!(text.matches("<url>").count() <= 2, "{text}");
                (text.split("<loc>").skip(1))
                    .map(|s| s[..s.find("</loc>").unwrap()].to_string())
                    .collect::<Vec<_>>()
            })
            .collect();
        assert_eq!(listed, urls);
    }
}
