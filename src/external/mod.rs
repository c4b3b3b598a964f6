//! External links: the addresses outside the site that it publishes (sources' `url`,
//! `repository_url` and `archive_url`, DOIs as `https://doi.org/…`, and http(s) links in Markdown),
//! and what `evident check --external` makes of their answers. This module is pure: it collects
//! the links with the place each is written, decides which to request (skip rules, the cache),
//! compares a source's live text with its archived copy (drift), and turns outcomes into
//! diagnostics. The requests themselves are made at the edge, in [`fetch`].
//!
//! The cache (`.evident-cache/links.json`, read and written by the pipeline through `load` and
//! `write`) holds each address's outcome with the time it was checked, so that a weekly CI job
//! does not request every publisher's pages on every run.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Code, Diagnostic, Position, SourceText};
use crate::model::{Site, SourceId};

pub mod fetch;

/// Which key or text a link is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Field {
    Url,
    RepositoryUrl,
    ArchiveUrl,
    Doi,
    /// A link in a Markdown body.
    Content,
}

/// One external address as the site writes it, with where it is written.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Link {
    /// The address requested (a DOI as `https://doi.org/<doi>`).
    pub url: String,
    pub file: PathBuf,
    pub position: Option<Position>,
    pub field: Field,
    /// The source whose record or page holds the link.
    pub source: Option<SourceId>,
}

/// Every external link of the site, sorted, with the first place in its file where it is
/// written (the model keeps no spans for these values, so the file's text is searched).
pub fn collect(site: &Site, texts: &dyn SourceText) -> Vec<Link> {
    let mut out = Vec::new();
    let locate = |file: &Path, needle: &str| -> Option<Position> {
        let text = texts.text_of(file)?;
        let at = text.find(needle)?;
        Some(Position::of_offset(&text, at).with_len(needle.chars().count()))
    };
    for s in site.sources.values() {
        let file = &s.doc.file;
        let fields = [
            (Field::Url, s.url.as_deref()),
            (Field::RepositoryUrl, s.repository_url.as_deref()),
            (Field::ArchiveUrl, s.archive_url.as_deref()),
        ];
        for (field, url) in fields {
            if let Some(url) = url {
                out.push(Link {
                    url: url.to_string(),
                    file: file.clone(),
                    position: locate(file, url),
                    field,
                    source: Some(s.id.clone()),
                });
            }
        }
        if let Some(doi) = &s.doi {
            out.push(Link {
                url: format!("https://doi.org/{doi}"),
                file: file.clone(),
                position: locate(file, doi),
                field: Field::Doi,
                source: Some(s.id.clone()),
            });
        }
    }
    let docs = (site.sources.values().map(|s| (&s.doc, Some(&s.id))))
        .chain(site.pages.iter().map(|p| (&p.doc, None)))
        .chain(site.claims.values().map(|c| (&c.doc, None)))
        .chain(site.topics.values().map(|t| (&t.doc, None)))
        .chain(site.gaps.values().map(|g| (&g.doc, None)));
    for (doc, source) in docs {
        for (url, position) in &doc.external_links {
            out.push(Link {
                url: url.clone(),
                file: doc.file.clone(),
                position: Some(*position),
                field: Field::Content,
                source: source.cloned(),
            });
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The host of an http(s) URL, lowercased, without user or port.
pub fn host_of(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit('@').next()?;
    let host = match host.strip_prefix('[') {
        // An IPv6 literal keeps its colons.
        Some(v6) => v6.split(']').next()?,
        None => host.split(':').next()?,
    };
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

/// Whether `external.skip` says never to request `url`: an entry with `://` is a URL prefix (a
/// trailing `*` is optional); any other entry is a host, which covers its subdomains.
pub fn skipped(url: &str, skip: &[String]) -> bool {
    let host = host_of(url);
    skip.iter().any(|s| {
        let s = s.trim();
        if s.contains("://") {
            url.starts_with(s.trim_end_matches('*'))
        } else {
            let s = s.to_ascii_lowercase();
            host.as_deref()
                .is_some_and(|h| h == s || h.ends_with(&format!(".{s}")))
        }
    })
}

/// What an address answered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum Outcome {
    /// 2xx, after any temporary redirects.
    Ok,
    /// The first answer was a permanent redirect (301 or 308); `to` is where the redirects end.
    Moved { to: String },
    /// 4xx or 5xx, or no answer at all (DNS, connection refused, TLS).
    Dead { why: String },
    /// No answer within the timeout, on every attempt.
    Timeout,
}

/// An address's outcome, when it was checked, and which archived quotes its live text lacked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Seconds since the Unix epoch.
    pub checked: u64,
    #[serde(flatten)]
    pub outcome: Outcome,
    /// Quotes in the archived copy of a source at this address that the live text lacks.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub drifted: Vec<String>,
}

/// The link cache: each address's last [`Entry`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cache {
    pub links: BTreeMap<String, Entry>,
}

impl Cache {
    /// Reads the cache file's text. It is only a cache: text that does not parse is an empty one.
    pub fn parse(text: &str) -> Cache {
        serde_json::from_str(text).unwrap_or_default()
    }

    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_else(|_| "{}".into());
        s.push('\n');
        s
    }

    /// The entry for `url`, if it was checked less than `hours` before `now`.
    pub fn fresh(&self, url: &str, now: u64, hours: u64) -> Option<&Entry> {
        let e = self.links.get(url)?;
        (now.saturating_sub(e.checked) < hours.saturating_mul(3600) && e.checked <= now)
            .then_some(e)
    }

    /// Keeps only fresh entries for the addresses the site still links to.
    pub fn prune(&mut self, keep: &BTreeSet<&str>, now: u64, hours: u64) {
        let fresh: BTreeSet<String> = (self.links.keys())
            .filter(|u| keep.contains(u.as_str()) && self.fresh(u, now, hours).is_some())
            .cloned()
            .collect();
        self.links.retain(|u, _| fresh.contains(u));
    }
}

/// For each source address whose source has an archived text: the quotes of the source's
/// findings that the archive has (those the live page is compared on). `archive_text` gives an
/// archive's text by its path.
pub fn archived_quotes(
    site: &Site,
    archive_text: &dyn Fn(&Path) -> Option<String>,
) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for s in site.sources.values() {
        let (Some(url), Some(archive)) = (&s.url, &s.archive) else {
            continue;
        };
        let Some(text) = archive_text(archive) else {
            continue;
        };
        let quotes = out.entry(url.clone()).or_default();
        for f in site.findings.values().filter(|f| f.source == s.id) {
            if crate::resolve::quote_in_text(&text, &f.quote) && !quotes.contains(&f.quote) {
                quotes.push(f.quote.clone());
            }
        }
    }
    out
}

/// The archived `quotes` that the live body (`name` says its kind: `.html`, `.pdf`, `.txt`) no
/// longer has, taking its text as `evident archive add` does. A body whose text cannot be read
/// lacks nothing: drift is only reported on text evident could read.
pub fn drifted(name: &str, body: &[u8], quotes: &[String]) -> Vec<String> {
    let Ok(live) = crate::archive::extract(name, body) else {
        return Vec::new();
    };
    quotes
        .iter()
        .filter(|q| !crate::resolve::quote_in_text(&live.text, q))
        .cloned()
        .collect()
}

/// The diagnostics for every link whose address has an entry.
pub fn report(links: &[Link], cache: &Cache, site: &Site, timeout_seconds: u64) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for link in links {
        let Some(entry) = cache.links.get(&link.url) else {
            continue;
        };
        let at = |d: Diagnostic| d.at_opt(&link.file, link.position);
        let url = &link.url;
        match &entry.outcome {
            Outcome::Ok => {}
            Outcome::Moved { to } => out.push(at(Diagnostic::warning(
                Code::LinkMoved,
                format!("`{url}` has moved permanently"),
            )
            .label("permanent redirect")
            .help(format!("write the new address: {to}")))),
            Outcome::Dead { why } => out.push(at(dead(link, why, site))),
            Outcome::Timeout => out.push(at(Diagnostic::warning(
                Code::LinkTimeout,
                format!("`{url}` did not answer within {timeout_seconds} s, twice"),
            )
            .help("open it in a browser; if the site is slow, raise `external.timeout_seconds` in site.yaml, or list its host under `external.skip`"))),
        }
        if link.field == Field::Url && !entry.drifted.is_empty() {
            if let Some(d) = drift(link, &entry.drifted, site) {
                out.push(at(d));
            }
        }
    }
    out
}

fn dead(link: &Link, why: &str, site: &Site) -> Diagnostic {
    let url = &link.url;
    let source = link.source.as_ref().and_then(|s| site.sources.get(s));
    let help = match (link.field, source) {
        (Field::Url, Some(s)) if s.archive_url.is_none() => format!(
            "if the page is gone, add `archive_url:` with a copy from https://web.archive.org/web/*/{url} (or save one there), so readers can still read it"
        ),
        (Field::Url, Some(_)) => "readers still have the copy `archive_url:` names; if the page moved, write its new address".to_string(),
        (Field::Doi, _) => "check the DOI against the publisher's page: doi.org does not resolve it".to_string(),
        _ => "fix the address, or remove the link".to_string(),
    };
    Diagnostic::warning(Code::LinkDead, format!("`{url}` is dead: {why}")).help(help)
}

/// A source's live page lacks quotes its archive has: names each finding quoting them.
fn drift(link: &Link, drifted: &[String], site: &Site) -> Option<Diagnostic> {
    let id = link.source.as_ref()?;
    let lines: Vec<String> = (site.findings.values())
        .filter(|f| &f.source == id && drifted.contains(&f.quote))
        .map(|f| format!("finding `{}`: “{}”", f.id.as_str(), f.quote))
        .collect();
    if lines.is_empty() {
        return None;
    }
    Some(
        Diagnostic::warning(
            Code::SourceDrifted,
            format!(
                "the live page of source `{id}` ({}) no longer has {} quote{} its archived copy has",
                link.url,
                lines.len(),
                if lines.len() == 1 { "" } else { "s" }
            ),
        )
        .help(format!(
            "not found on the live page: {}; the page was revised: cite the archived copy with `archive_url:`, or check these findings against the new text",
            lines.join("; ")
        )),
    )
}

#[cfg(test)]
mod tests;
