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

/// Builds the sitemap, `robots.txt` and the feed from the output paths of the pages (redirect
/// pages and 404 are left out).
/// `dates` is the date each finding last changed ([`crate::permalinks::finding_dates`]).
pub(crate) fn discovery_files(
    site: &Site,
    pages: &[&str],
    dates: &BTreeMap<String, String>,
) -> Vec<OutputFile> {
    let base = &site.config.base_url;
    let redirects: std::collections::HashSet<String> = site
        .redirects
        .keys()
        .map(|old| format!("{old}index.html"))
        .collect();
    let mut pages: Vec<&str> = pages
        .iter()
        .copied()
        .filter(|p| p.ends_with("index.html") && !redirects.contains(*p))
        .collect();
    pages.sort_unstable();
    let urls: Vec<String> = (pages.iter())
        .map(|p| format!("{base}{}", p.strip_suffix("index.html").unwrap_or(p)))
        .collect();
    let mut files = sitemap_files(base, site.config.date.as_deref(), &urls, SITEMAP_LIMIT);

    let robots = format!("User-agent: *\nAllow: /\n\nSitemap: {base}sitemap.xml\n");

    let site_date = site
        .config
        .date
        .clone()
        .unwrap_or_else(|| "1970-01-01".into());
    // A withdrawn finding stays in the feed (a reader who saw it should learn it was withdrawn),
    // dated no earlier than its withdrawal.
    let updated = |f: &Finding| {
        let date = dates.get(&f.id.0).unwrap_or(&site_date);
        match &f.withdrawn {
            Some(w) if w.date > *date => w.date.clone(),
            _ => date.clone(),
        }
    };
    // Newest first by the date each finding last changed, then by id, so the order is stable
    // (each finding's date worked out once, not at every comparison).
    let mut dated: Vec<_> = site.findings.values().map(|f| (updated(f), f)).collect();
    dated.sort_by(|(a_date, a), (b_date, b)| (b_date, &a.id).cmp(&(a_date, &b.id)));
    if site.config.feed_limit > 0 {
        dated.truncate(site.config.feed_limit);
    }
    let feed_updated = (dated.first()).map_or_else(|| site_date.clone(), |(date, _)| date.clone());
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

#[cfg(test)]
mod tests {
    use super::*;

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
