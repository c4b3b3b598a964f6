//! Permalinks that never break. The site's committed manifest, `permalinks.txt`, lists every URL
//! it has published; a build in which a listed URL disappears (without an `aliases:` entry on the
//! node that replaced it) fails, naming the line. `evident permalinks` adds new URLs to it.
//!
//! For findings the manifest also records a hash of the finding's record and the date that hash
//! was last seen to change, so each finding page can say when it last changed without reading
//! version control or the clock at build time.
//!
//! Format, one URL a line, `#` comments allowed:
//!
//! ```text
//! /findings/cc-2013-council-staff-lead/ 2026-11-24 9f2c1a0b7d3e4f51
//! /sources/beresford-2013-community-care/
//! ```

use std::collections::{BTreeMap, BTreeSet};

use rustc_hash::FxHashSet;
use std::path::Path;

use crate::diagnostic::{Code, Diagnostic, Position};
use crate::layout::MANIFEST;
use crate::model::{Amount, Finding, FindingId, ManifestEntry, Site};

/// Parses the manifest; a malformed line is a diagnostic at its place.
pub fn parse(text: &str, diags: &mut Vec<Diagnostic>) -> Vec<ManifestEntry> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let l = raw.trim();
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        let mut parts = l.split_whitespace();
        let path = parts.next().unwrap_or_default().to_string();
        let changed = parts.next().map(str::to_string);
        let hash = parts.next().map(str::to_string);
        let bad_date = changed
            .as_ref()
            .is_some_and(|d| crate::dates::parse_day(d).is_none());
        if !path.starts_with('/') || parts.next().is_some() || bad_date {
            diags.push(
                Diagnostic::error(
                    Code::InvalidManifest,
                    "this line is not `/path/ [YYYY-MM-DD [hash]]`",
                )
                .at(MANIFEST, Position::new(line, 1).with_len(raw.len()))
                .help("fix the line, or regenerate the file's new lines with `evident permalinks`"),
            );
            continue;
        }
        out.push(ManifestEntry {
            line,
            path,
            changed,
            hash,
        });
    }
    out
}

/// A stable fingerprint of what a finding says (FNV-1a, 64 bits): its figure, value, quote,
/// locator, statement and sources. Wording of stances does not count as a change to the finding.
/// Worked out once per finding, and kept with it.
pub fn finding_hash(f: &Finding) -> &str {
    f.hash.get_or_init(|| hash_of(f))
}

fn hash_of(f: &Finding) -> String {
    // A qualitative finding has no figure: its parts are empty, and its statement and quote count.
    let (figure, kind, amount, qualifier) = match &f.figure {
        Some(x) => (
            x.text.as_str(),
            x.value.kind.key(),
            amount_text(x.value.amount),
            x.value.qualifier.as_deref().unwrap_or(""),
        ),
        None => ("", "", String::new(), ""),
    };
    let mut text = [
        figure,
        kind,
        &amount,
        qualifier,
        f.quote.as_str(),
        f.locator.as_str(),
        f.statement.as_str(),
        f.source.as_str(),
        f.origin.as_ref().map_or("", |o| o.as_str()),
    ]
    .join("\u{1f}");
    // Withdrawing a finding changes it (it is re-dated); a finding that stands hashes as it
    // always has, so existing manifests stay current.
    if let Some(w) = &f.withdrawn {
        text.push_str(&format!("\u{1f}withdrawn {}", w.date));
    }
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

fn amount_text(amount: Amount) -> String {
    match amount {
        Amount::Number(n) => format!("{n}"),
        Amount::Range { min, max } => format!("{min}..{max}"),
        Amount::Fraction {
            numerator,
            denominator,
        } => format!("{numerator}/{denominator}"),
    }
}

/// The URL paths a build publishes that the manifest tracks: pages and data downloads, not the
/// theme's own files. `files` are output paths such as `sources/x/index.html`.
pub fn published<'a>(files: impl IntoIterator<Item = &'a str>) -> BTreeSet<String> {
    files.into_iter().filter_map(url_of).collect()
}

/// The URL the manifest tracks the output file `p` by (`sources/x/index.html` → `/sources/x/`),
/// or `None` when the manifest does not track it.
fn url_of(p: &str) -> Option<String> {
    if !tracked(p) {
        return None;
    }
    Some(match p.strip_suffix("index.html") {
        Some(dir) => format!("/{dir}"),
        None => format!("/{p}"),
    })
}

/// Whether the manifest tracks the output file `p`: a page (`index.html`) or a data download, but
/// not the 404 page, the search index's chunks (the site's own working files, not addresses to
/// cite), or the later pages of the findings index (which move as the list grows and shrinks).
fn tracked(p: &str) -> bool {
    if p == "404.html"
        || (p.starts_with("search/") && !p.ends_with("index.html"))
        || is_list_page(p)
    {
        return false;
    }
    if p == "index.html" || p.ends_with("/index.html") {
        return true;
    }
    let ext = Path::new(p)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("");
    ["json", "csv", "bib", "ris", "atom", "xml"].contains(&ext)
}

/// Whether `url` is the URL the manifest tracks the tracked output file `file` by ([`url_of`]),
/// without writing it out.
fn is_url_of(file: &str, url: &str) -> bool {
    url.strip_prefix('/') == Some(file.strip_suffix("index.html").unwrap_or(file))
}

/// The output file of a URL the manifest lists (`/sources/x/` → `sources/x/index.html`), written
/// into `buf`: the inverse of [`url_of`].
fn file_of<'b>(url: &str, buf: &'b mut String) -> &'b str {
    buf.clear();
    buf.push_str(url.trim_start_matches('/'));
    if buf.is_empty() || buf.ends_with('/') {
        buf.push_str("index.html");
    }
    buf
}

/// A later page of the findings index (`findings/page/2/index.html`): a place in a list, not an
/// address to cite.
fn is_list_page(p: &str) -> bool {
    p.strip_prefix("findings/page/")
        .and_then(|rest| rest.strip_suffix("/index.html"))
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// An anchor the manifest lists on a page, which the page must still have.
#[derive(Clone, Debug)]
pub struct WantedAnchor {
    anchor: String,
    path: String,
    at: Position,
}

/// The anchors the manifest lists, keyed by the output file of their page
/// (`/a/b/#x` → `a/b/index.html`), so each page is checked as it is rendered and no page has to be
/// kept.
pub fn wanted_anchors(site: &Site) -> BTreeMap<String, Vec<WantedAnchor>> {
    let mut out: BTreeMap<String, Vec<WantedAnchor>> = BTreeMap::new();
    for e in &site.manifest {
        let Some((path, anchor)) = e.path.split_once('#') else {
            continue;
        };
        let dir = path.trim_start_matches('/');
        let file = if dir.is_empty() || dir.ends_with('/') {
            format!("{dir}index.html")
        } else {
            dir.to_string()
        };
        out.entry(file).or_default().push(WantedAnchor {
            anchor: anchor.to_string(),
            path: path.to_string(),
            at: Position::new(e.line, 1).with_len(e.path.chars().count()),
        });
    }
    out
}

/// Fails the build for each wanted anchor that the rendered page no longer has.
pub fn missing_anchors(wanted: &[WantedAnchor], html: &str) -> Vec<Diagnostic> {
    wanted
        .iter()
        .filter(|w| !html.contains(&format!("id=\"{}\"", w.anchor)))
        .map(|w| {
            Diagnostic::error(
                Code::PermalinkAnchorRemoved,
                format!(
                    "{} no longer has the anchor #{}, which citations point to",
                    w.path, w.anchor
                ),
            )
            .at(MANIFEST, w.at)
            .help("keep the heading or element with that id on the page")
        })
        .collect()
}

/// Fails the build for every listed URL that this build no longer publishes, and warns when a
/// finding changed since the manifest recorded it. (Listed anchors are checked page by page, as
/// pages are rendered: [`missing_anchors`].) Each listed URL is looked up by its output file, so
/// the URLs of the site's files are written out only when some are not listed, for the warning's
/// example.
pub fn check<'a>(site: &Site, files: impl IntoIterator<Item = &'a str>) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    if site.manifest.is_empty() {
        return diags;
    }
    let files: FxHashSet<&str> = files.into_iter().collect();
    // The URLs listed (an anchor's page once), and how many of them are published.
    let mut listed: FxHashSet<&str> = FxHashSet::default();
    let mut listed_published = 0;
    let mut buf = String::new();
    for e in &site.manifest {
        let path = e.path.split('#').next().unwrap_or_default();
        let file = file_of(path, &mut buf);
        let published = tracked(file) && files.contains(file) && is_url_of(file, path);
        if listed.insert(path) && published {
            listed_published += 1;
        }
        let at = Position::new(e.line, 1).with_len(e.path.chars().count());
        if site.withheld.iter().any(|w| path.starts_with(w.as_str())) {
            continue;
        }
        if !published {
            diags.push(
                Diagnostic::error(Code::PermalinkRemoved, format!("{path} was published before, and this build no longer has it"))
                    .at(MANIFEST, at)
                    .help("restore the page, or add its old id to `aliases:` on the node that replaces it so the old URL redirects"),
            );
            continue;
        }
        stale(site, e, path, at, &mut diags);
    }
    // Each file the manifest tracks has a URL of its own, so those not listed are counted.
    let unlisted = files.iter().filter(|f| tracked(f)).count() - listed_published;
    if unlisted > 0 {
        let first = (published(files.iter().copied()).into_iter())
            .find(|p| !listed.contains(p.as_str()))
            .unwrap_or_default();
        diags.push(
            Diagnostic::warning(
                Code::PermalinkUnlisted,
                format!("{unlisted} published URL(s) are not in permalinks.txt yet, e.g. {first}"),
            )
            .in_file(MANIFEST)
            .help("run `evident permalinks` to add them, and commit the file"),
        );
    }
    diags
}

/// A warning when the finding at the listed URL `path` changed since the manifest recorded it.
fn stale(site: &Site, e: &ManifestEntry, path: &str, at: Position, diags: &mut Vec<Diagnostic>) {
    let id = path
        .strip_prefix("/findings/")
        .and_then(|p| p.strip_suffix('/'));
    let (Some(id), Some(hash)) = (id, &e.hash) else {
        return;
    };
    let Some(f) = site.findings.get(&FindingId(id.to_string())) else {
        return;
    };
    if finding_hash(f) != hash {
        diags.push(
            Diagnostic::warning(
                Code::PermalinkStale,
                format!("finding `{id}` changed since permalinks.txt recorded it"),
            )
            .at(MANIFEST, at)
            .help("run `evident permalinks` to record the change and its date"),
        );
    }
}

/// The date each finding last changed, according to the manifest (only where its hash matches).
pub fn finding_dates(site: &Site) -> BTreeMap<String, String> {
    site.manifest
        .iter()
        .filter_map(|e| {
            let id = e.path.strip_prefix("/findings/")?.strip_suffix('/')?;
            let f = site.findings.get(&FindingId(id.to_string()))?;
            Some((id.to_string(), entry_date(e, f)?))
        })
        .collect()
}

/// [`finding_dates`] for one finding, which need not be the site's (`serve`'s finding as just
/// edited).
pub fn finding_date(site: &Site, f: &Finding) -> Option<String> {
    let path = format!("/{}", f.id.path());
    // As in `finding_dates`, where a later line for the same page wins.
    (site.manifest.iter().rev())
        .filter(|e| e.path == path)
        .find_map(|e| entry_date(e, f))
}

/// The date the manifest gives a finding, if it recorded the finding as it is.
fn entry_date(e: &ManifestEntry, f: &Finding) -> Option<String> {
    (e.hash.as_deref() == Some(finding_hash(f)))
        .then(|| e.changed.clone())
        .flatten()
}

/// The manifest after `evident permalinks`: every old line kept (a removed URL must stay listed, so
/// the build keeps failing until it is restored or redirected), new URLs added, and findings whose
/// hash changed re-dated to `today`.
pub fn update<'a>(
    old: &str,
    site: &Site,
    files: impl IntoIterator<Item = &'a str>,
    today: &str,
) -> (String, usize, usize) {
    let mut ignored = Vec::new();
    let entries = parse(old, &mut ignored);
    let mut by_path: BTreeMap<String, (Option<String>, Option<String>)> = entries
        .into_iter()
        .map(|e| (e.path, (e.changed, e.hash)))
        .collect();
    let mut added = 0;
    let mut changed = 0;
    for p in published(files) {
        let finding = p
            .strip_prefix("/findings/")
            .and_then(|x| x.strip_suffix('/'))
            .and_then(|id| site.findings.get(&FindingId(id.to_string())));
        let entry = by_path.entry(p.clone()).or_insert_with(|| {
            added += 1;
            (Some(today.to_string()), None)
        });
        if let Some(f) = finding {
            let h = finding_hash(f);
            if entry.1.as_deref() != Some(h) {
                if entry.1.is_some() {
                    changed += 1;
                    entry.0 = Some(today.to_string());
                }
                entry.1 = Some(h.to_string());
            }
        }
    }
    let mut out = String::from(
        "# Every URL this site has published. evident fails a build that drops one; give a renamed\n\
         # node `aliases:` instead. `evident permalinks` adds new URLs; commit this file.\n\
         # Columns: path, date first published or (findings) last changed, finding hash.\n",
    );
    for (path, (date, hash)) in by_path {
        out.push_str(&path);
        if let Some(d) = date {
            out.push(' ');
            out.push_str(&d);
            if let Some(h) = hash {
                out.push(' ');
                out.push_str(&h);
            }
        }
        out.push('\n');
    }
    (out, added, changed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_lines() {
        let mut d = Vec::new();
        let e = parse("# c\n/a/ 2024-01-02 abc\n\nnope\n/b/\n", &mut d);
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].line, 2);
        assert_eq!(e[1].path, "/b/");
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].position.map(|p| p.line), Some(4));
    }

    #[test]
    fn published_paths() {
        let p = published([
            "index.html",
            "a/b/index.html",
            "404.html",
            "site.css",
            "x.csv",
            "findings/index.html",
            "findings/page/2/index.html",
            "findings/page/index.html",
            "findings/page/2x/index.html",
        ]);
        assert_eq!(
            p.into_iter().collect::<Vec<_>>(),
            vec![
                "/",
                "/a/b/",
                "/findings/",
                "/findings/page/",
                "/findings/page/2x/",
                "/x.csv"
            ]
        );
    }

    /// The check as it was before it looked listed URLs up by their files: every published URL
    /// written out, and the two sets compared.
    fn reference<'a>(site: &Site, files: impl IntoIterator<Item = &'a str>) -> Vec<Diagnostic> {
        let mut diags = Vec::new();
        let published = published(files);
        for e in &site.manifest {
            let path = e.path.split('#').next().unwrap_or_default();
            let at = Position::new(e.line, 1).with_len(e.path.chars().count());
            if site.withheld.iter().any(|w| path.starts_with(w.as_str())) {
                continue;
            }
            if !published.contains(path) {
                diags.push(Diagnostic::error(Code::PermalinkRemoved, path).at(MANIFEST, at));
                continue;
            }
            stale(site, e, path, at, &mut diags);
        }
        let listed: BTreeSet<&str> = (site.manifest.iter())
            .map(|e| e.path.split('#').next().unwrap_or(""))
            .collect();
        let unlisted: Vec<&String> = (published.iter())
            .filter(|p| !listed.contains(p.as_str()))
            .collect();
        if let Some(first) = unlisted.first() {
            let message = format!("{} {first}", unlisted.len());
            diags.push(Diagnostic::warning(Code::PermalinkUnlisted, message));
        }
        diags
    }

    /// What a diagnostic of the check says, to compare with the reference's: its code, its place,
    /// and the URL or count and example its message names.
    fn gist(d: &Diagnostic) -> (Code, Option<u32>, String) {
        let words: Vec<&str> = d.message.split(' ').collect();
        let named = match d.code {
            Code::PermalinkUnlisted => format!("{} {}", words[0], words[words.len() - 1]),
            Code::PermalinkRemoved => words[0].to_string(),
            _ => d.message.clone(),
        };
        (d.code, d.position.map(|p| p.line), named)
    }

    #[test]
    fn listed_urls_looked_up_by_their_files_are_checked_as_every_url_written_out() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid");
        let (inputs, _) = crate::load::load(&root, None);
        let (parsed, _) = crate::parse::parse(&inputs, &crate::load::Disk);
        let (mut site, _, _) = crate::resolve::resolve(parsed, &Default::default());
        let files = [
            "index.html",
            "a/index.html",
            "a/b/index.html",
            "404.html",
            "site.css",
            "x.csv",
            "evidence.json",
            "findings/staff-lead/index.html",
            "findings/page/2/index.html",
            "search/index.html",
            "search/terms/ab.json",
        ];
        let manifests = [
            "/\n/a/\n/a/b/\n/x.csv\n/evidence.json\n/findings/staff-lead/ 2024-01-01 0\n/search/\n",
            "/\n/a/#top\n/a/\n/gone/\n/a/index.html\na/\n//a/\n/index.html\n/404.html\n",
            "/findings/page/2/\n/search/terms/ab.json\n/site.css\n/x.csv#y\n/a/b\n",
            "/withheld/x/\n/a/b/\n",
        ];
        site.withheld.insert("/withheld/".into());
        for manifest in manifests {
            site.manifest = parse(manifest, &mut Vec::new());
            for count in [0, 3, files.len()] {
                let files = &files[..count];
                let ours: Vec<_> = check(&site, files.iter().copied())
                    .iter()
                    .map(gist)
                    .collect();
                let theirs: Vec<_> = reference(&site, files.iter().copied())
                    .iter()
                    .map(gist)
                    .collect();
                assert_eq!(ours, theirs, "{manifest:?} with {files:?}");
            }
        }
    }
}
