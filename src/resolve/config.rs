//! `site.yaml` resolved into the site's [`Config`], with the environment's overrides
//! (`SOURCE_DATE_EPOCH`, `--base-url`) applied.

use std::collections::BTreeMap;
use std::path::Path;

use crate::dates::parse_day;
use crate::diagnostic::{Code, Diagnostic};
use crate::layout::CONFIG;
use crate::model::{Config, Environment, ExternalConfig, MenuItem, Term};
use crate::parse::raw::{RawConfig, RawExternal};
use crate::parse::yaml::{position_of, Spanned};
use crate::parse::Parsed;

/// How many findings the Atom feed lists when `site.yaml` does not say: the latest changes, which
/// is what a feed reader polls for (the whole list is `findings/` and `evidence.json`).
const FEED_LIMIT: usize = 100;

/// How many findings a page of the findings index lists when `site.yaml` does not say: about
/// 170 KB of HTML, a page a phone loads at once (the whole index was 3.4 MB at 10,000 findings).
const FINDINGS_PER_PAGE: usize = 500;

/// The language a site is written in when `site.yaml` does not say.
const DEFAULT_LANGUAGE: &str = "en-GB";

pub(crate) fn resolve_config(
    parsed: &Parsed,
    env: &Environment,
    diags: &mut Vec<Diagnostic>,
) -> Config {
    let Some(raw) = &parsed.config else {
        // The missing file is reported by the parse stage; the build goes on to find the rest.
        return Config {
            title: String::new(),
            base_url: "/".into(),
            base_path: "/".into(),
            relative_links: env.relative_links,
            language: DEFAULT_LANGUAGE.into(),
            language_at: None,
            description: None,
            theme: crate::theme::DEFAULT_NAME.into(),
            version: None,
            date: env.source_date.clone(),
            publisher: None,
            license: None,
            repository: None,
            contact: None,
            raw_html: false,
            highlight_code: true,
            feed_limit: FEED_LIMIT,
            findings_per_page: FINDINGS_PER_PAGE,
            menu: Vec::new(),
            stylesheets: Vec::new(),
            kinds: terms(DEFAULT_KINDS),
            designs: terms(DEFAULT_DESIGNS),
            allowed_in_prose: Vec::new(),
            external: ExternalConfig::default(),
        };
    };
    let (base_url, base_path) = base_url(raw, env, diags);
    let date = match &raw.date {
        Some(d) => {
            check_day(Path::new(CONFIG), d, diags);
            Some(d.value.clone())
        }
        None => env.source_date.clone(),
    };
    if let Some(lang) = &raw.language {
        check_language(lang, diags);
    }
    let repository = raw.repository.as_ref().map(|r| {
        check_url(Path::new(CONFIG), r, diags);
        r.value.clone()
    });
    let contact = raw.contact.as_ref().map(|c| {
        if !c.value.starts_with("mailto:") {
            check_url(Path::new(CONFIG), c, diags);
        }
        c.value.clone()
    });
    let menu = raw
        .menu
        .iter()
        .map(|m| MenuItem {
            title: m.title.clone(),
            url: m.url.value.clone(),
        })
        .collect();
    Config {
        title: raw.title.value.clone(),
        base_url,
        base_path,
        relative_links: env.relative_links,
        language: raw
            .language
            .as_ref()
            .map_or_else(|| DEFAULT_LANGUAGE.to_string(), |l| l.value.clone()),
        language_at: raw.language.as_ref().and_then(position_of),
        description: raw.description.clone(),
        theme: raw.theme.as_ref().map_or_else(
            || crate::theme::DEFAULT_NAME.to_string(),
            |t| t.value.clone(),
        ),
        version: raw.version.as_ref().map(|v| v.value.clone()),
        date,
        publisher: raw.publisher.clone(),
        license: raw.license.clone(),
        repository,
        contact,
        raw_html: raw.raw_html,
        highlight_code: raw.highlight_code.unwrap_or(true),
        feed_limit: raw.feed_limit.unwrap_or(FEED_LIMIT),
        findings_per_page: raw.findings_per_page.unwrap_or(FINDINGS_PER_PAGE),
        menu,
        // Checked against the published files once they are known (`links::resolve_stylesheets`).
        stylesheets: Vec::new(),
        kinds: vocabulary(&raw.kinds, DEFAULT_KINDS, "kinds", diags),
        designs: vocabulary(&raw.designs, DEFAULT_DESIGNS, "designs", diags),
        allowed_in_prose: raw.allowed_in_prose.clone(),
        external: external(raw.external.as_ref(), diags),
    }
}

/// `external:`, with the defaults for what it leaves out. A number below 1 is refused (a limit of
/// no requests at once would check nothing).
fn external(raw: Option<&RawExternal>, diags: &mut Vec<Diagnostic>) -> ExternalConfig {
    let mut c = ExternalConfig::default();
    let Some(raw) = raw else {
        return c;
    };
    c.skip.clone_from(&raw.skip);
    let mut number = |n: &Option<Spanned<u64>>, key: &str, into: &mut u64| {
        let Some(n) = n else { return };
        if n.value == 0 {
            diags.push(
                Diagnostic::error(
                    Code::WrongType,
                    format!("`external.{key}` must be at least 1"),
                )
                .at_opt(Path::new(CONFIG), position_of(n))
                .help("give a whole number of 1 or more, or leave the key out for its default"),
            );
        } else {
            *into = n.value;
        }
    };
    let (mut conc, mut host) = (c.concurrency as u64, c.per_host as u64);
    number(&raw.concurrency, "concurrency", &mut conc);
    number(&raw.per_host, "per_host", &mut host);
    number(
        &raw.timeout_seconds,
        "timeout_seconds",
        &mut c.timeout_seconds,
    );
    number(&raw.cache_hours, "cache_hours", &mut c.cache_hours);
    // More than a few dozen requests at once is never polite; the cap keeps a typo harmless.
    c.concurrency = usize::try_from(conc.min(64)).unwrap_or(8);
    c.per_host = usize::try_from(host.min(16)).unwrap_or(2);
    c
}

/// The kinds of source, unless `site.yaml` gives its own (`kinds:`): what the source is.
pub(crate) const DEFAULT_KINDS: &[(&str, &str)] = &[
    ("survey", "Survey"),
    ("evaluation", "Evaluation"),
    ("official-returns-analysis", "Analysis of official returns"),
    ("policy-argument", "Policy argument"),
    ("news-report", "News report"),
    ("report", "Report"),
];

/// The study designs, unless `site.yaml` gives its own (`designs:`): how the evidence was
/// produced. General enough for any field; a site names its own to be more precise.
pub(crate) const DEFAULT_DESIGNS: &[(&str, &str)] = &[
    ("survey", "Survey"),
    ("interviews", "Interviews or focus groups"),
    ("evaluation", "Evaluation"),
    ("randomised-trial", "Randomised controlled trial"),
    ("cohort-study", "Cohort or longitudinal study"),
    ("case-study", "Case study"),
    ("official-data-analysis", "Analysis of official data"),
    ("foi-requests", "Freedom of Information requests"),
    ("systematic-review", "Systematic review"),
    ("literature-review", "Literature review"),
    ("commentary", "Commentary"),
    ("news-report", "News report"),
    ("not-stated", "Method not stated"),
];

fn terms(list: &[(&str, &str)]) -> Vec<Term> {
    list.iter()
        .map(|(key, label)| Term {
            key: key.to_string(),
            label: label.to_string(),
        })
        .collect()
}

/// A vocabulary from `site.yaml` (key → label), or the defaults; every key a valid id.
fn vocabulary(
    raw: &Option<Spanned<BTreeMap<String, String>>>,
    defaults: &[(&str, &str)],
    name: &str,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Term> {
    let Some(raw) = raw else {
        return terms(defaults);
    };
    let mut out = Vec::new();
    for (key, label) in &raw.value {
        if !crate::model::valid_id(key) || label.trim().is_empty() {
            diags.push(
                Diagnostic::error(
                    Code::InvalidVocabulary,
                    format!("`{key}` in `{name}` needs a key of lowercase letters, digits and hyphens and a label"),
                )
                .at_opt(CONFIG, position_of(raw))
                .help(format!("write each entry as `key: Label`, e.g. `survey: Survey`, under `{name}:`")),
            );
            continue;
        }
        out.push(Term {
            key: key.clone(),
            label: label.clone(),
        });
    }
    out
}

/// The path part of an absolute http(s) URL, starting and ending with `/`; `None` when `url` is
/// not one (`example.org/evidence/`, `/evidence/`).
pub fn base_path_of(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let host_end = rest.find('/').unwrap_or(rest.len());
    let host = &rest[..host_end];
    if host.is_empty() || host.contains(char::is_whitespace) {
        return None;
    }
    let path = &rest[host_end..];
    Some(match path {
        "" => "/".to_string(),
        p if p.ends_with('/') => p.to_string(),
        p => format!("{p}/"),
    })
}

/// The site's URL (ending with `/`) and its path part (starting and ending with `/`).
fn base_url(raw: &RawConfig, env: &Environment, diags: &mut Vec<Diagnostic>) -> (String, String) {
    let mut base_url = env
        .base_url
        .clone()
        .unwrap_or_else(|| raw.base_url.value.clone());
    if !base_url.ends_with('/') {
        base_url.push('/');
    }
    let base_path = match base_path_of(&base_url) {
        Some(path) => path,
        None => {
            diags.push(
                Diagnostic::error(
                    Code::InvalidUrl,
                    format!("`{}` is not an absolute http(s) URL", raw.base_url.value),
                )
                .at_opt(CONFIG, position_of(&raw.base_url))
                .help("give the URL the site is published at, e.g. https://example.org/evidence/"),
            );
            "/".to_string()
        }
    };
    (base_url, base_path)
}

/// A well-formed BCP 47 language tag: a primary language of 2–3 letters, then an optional script
/// (4 letters), region (2 letters or 3 digits) and variants (5–8 letters or digits, or 4 starting
/// with a digit), separated by hyphens. Which languages exist is not checked, only the shape.
fn check_language(lang: &Spanned<String>, diags: &mut Vec<Diagnostic>) {
    if is_language_tag(&lang.value) {
        return;
    }
    let suggestion = lang.value.replace('_', "-");
    let help = if suggestion != lang.value && is_language_tag(&suggestion) {
        format!("separate a tag's parts with hyphens: `{suggestion}`")
    } else {
        "use a BCP 47 tag such as en-GB, fr-FR or cy, not a language's name".to_string()
    };
    diags.push(
        Diagnostic::error(
            Code::InvalidLanguage,
            format!("`{}` is not a language tag", lang.value),
        )
        .at_opt(CONFIG, position_of(lang))
        .help(help),
    );
}

fn is_language_tag(tag: &str) -> bool {
    let alpha = |s: &str| s.bytes().all(|b| b.is_ascii_alphabetic());
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let mut parts = tag.split('-').peekable();
    match parts.next() {
        Some(p) if (2..=3).contains(&p.len()) && alpha(p) => {}
        _ => return false,
    }
    if parts.peek().is_some_and(|p| p.len() == 4 && alpha(p)) {
        parts.next();
    }
    if parts
        .peek()
        .is_some_and(|p| (p.len() == 2 && alpha(p)) || (p.len() == 3 && digits(p)))
    {
        parts.next();
    }
    parts.all(|p| {
        let alnum = p.bytes().all(|b| b.is_ascii_alphanumeric());
        alnum && ((5..=8).contains(&p.len()) || (p.len() == 4 && p.as_bytes()[0].is_ascii_digit()))
    })
}

/// A date that must be a whole day (`YYYY-MM-DD`): the site's and a page's.
pub(crate) fn check_day(file: &Path, d: &Spanned<String>, diags: &mut Vec<Diagnostic>) {
    if parse_day(&d.value).is_none() {
        diags.push(
            Diagnostic::error(Code::InvalidDate, format!("`{}` is not a date", d.value))
                .at_opt(file, position_of(d))
                .help("write the date as YYYY-MM-DD, in quotes"),
        );
    }
}

/// An absolute http(s) URL with nothing in it that would break a link.
pub(crate) fn check_url(file: &Path, url: &Spanned<String>, diags: &mut Vec<Diagnostic>) -> bool {
    let u = url.value.trim();
    let ok = (u.starts_with("https://") || u.starts_with("http://"))
        && u.len() > "https://x".len()
        && !u
            .chars()
            .any(|c| c.is_whitespace() || c == '"' || c == '<' || c == '>');
    if !ok {
        diags.push(
            Diagnostic::error(
                Code::InvalidUrl,
                format!("`{}` is not an absolute http(s) URL", url.value),
            )
            .at_opt(file, position_of(url))
            .help("write the full address, starting with https://"),
        );
    }
    ok
}

#[cfg(test)]
mod language_tests {
    use super::is_language_tag;

    #[test]
    fn language_tags_are_checked_for_shape() {
        for ok in [
            "en",
            "en-GB",
            "fr-FR",
            "cy",
            "zh-Hant-TW",
            "es-419",
            "sl-rozaj",
            "de-CH-1901",
            "ast",
        ] {
            assert!(is_language_tag(ok), "{ok}");
        }
        for bad in [
            "English",
            "en_GB",
            "",
            "e",
            "en-",
            "en--GB",
            "en-GB-x",
            "fr-FRA1",
            "english-GB",
        ] {
            assert!(!is_language_tag(bad), "{bad}");
        }
    }
}
