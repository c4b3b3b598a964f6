//! Discovery files: `sitemap.xml` (every page at its canonical URL), `robots.txt` pointing to
//! it, and an Atom feed of findings (`findings.atom`). Dates come from the site's date and
//! permalinks.txt, never the clock, so the files are byte-stable.

use std::fmt::Write as _;

use crate::html::escape_html;
use crate::layout::OutputFile;
use crate::model::{Finding, Site};

fn xml(s: &str) -> String {
    escape_html(s)
}

/// Builds the three files from the output paths of the pages (redirect pages and 404 are left out).
pub(crate) fn discovery_files(site: &Site, pages: &[&str]) -> Vec<OutputFile> {
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
    let mut sitemap = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for p in pages {
        let path = p.strip_suffix("index.html").unwrap_or(p);
        let _ = write!(
            sitemap,
            "  <url><loc>{}</loc>",
            xml(&format!("{base}{path}"))
        );
        if let Some(d) = &site.config.date {
            let _ = write!(sitemap, "<lastmod>{d}</lastmod>");
        }
        sitemap.push_str("</url>\n");
    }
    sitemap.push_str("</urlset>\n");

    let robots = format!("User-agent: *\nAllow: /\n\nSitemap: {base}sitemap.xml\n");

    let dates = crate::permalinks::finding_dates(site);
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
    // Newest first by the date each finding last changed, then by id, so the order is stable.
    let mut findings: Vec<_> = site.findings.values().collect();
    findings.sort_by(|a, b| (updated(b), &a.id).cmp(&(updated(a), &b.id)));
    let feed_updated = findings
        .first()
        .map_or_else(|| site_date.clone(), |f| updated(f));
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
    for f in findings {
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
        let _ = writeln!(atom, "    <updated>{}T00:00:00Z</updated>", updated(f));
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
    vec![
        OutputFile {
            path: "sitemap.xml".into(),
            bytes: sitemap.into_bytes(),
        },
        OutputFile {
            path: "robots.txt".into(),
            bytes: robots.into_bytes(),
        },
        OutputFile {
            path: "findings.atom".into(),
            bytes: atom.into_bytes(),
        },
    ]
}
