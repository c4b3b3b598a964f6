//! Sources: each bibliographic record checked (date, identifiers, URLs, people, the archived
//! text it names, the fields `unverified:` may name) and checked for the fields its citations
//! need.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::dates::parse_date;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::*;
use crate::parse::raw::{RawDoc, RawPerson, RawSource, RawSourceType};
use crate::parse::yaml::{position_of, Spanned};
use crate::parse::Parsed;
use crate::resolve::config::check_url;
use crate::resolve::links::{document, Targets};

/// The field names a source's `unverified:` map may name.
pub const SOURCE_FIELDS: &[&str] = &[
    "type",
    "title",
    "authors",
    "editors",
    "container_authors",
    "date",
    "container_title",
    "collection_title",
    "volume",
    "issue",
    "pages",
    "publisher",
    "publisher_place",
    "doi",
    "isbn",
    "issn",
    "url",
    "repository_url",
    "archive_url",
    "accessed",
];

/// A source, or `None` when its date, kind or design is not valid (reported): the model has no
/// placeholders, and the source's id stays known, so references to it are not reported again.
pub(crate) fn resolve_source(
    doc: &RawDoc<RawSource>,
    parsed: &Parsed,
    targets: &Targets,
    config: &Config,
    diags: &mut Vec<Diagnostic>,
) -> Option<Source> {
    let m = &doc.meta;
    let file = &doc.file;
    let date = parse_date(&m.date.value);
    if date.is_none() {
        diags.push(
            Diagnostic::error(
                Code::InvalidDate,
                format!("`{}` is not a date", m.date.value),
            )
            .at_opt(file, position_of(&m.date))
            .help("write YYYY, YYYY-MM or YYYY-MM-DD, in quotes"),
        );
    }
    check_identifiers(file, m, diags);
    for url in [&m.url, &m.repository_url, &m.archive_url]
        .into_iter()
        .flatten()
    {
        check_url(file, url, diags);
    }
    let accessed = (m.accessed.as_ref()).and_then(|a| accessed(file, a, date.as_ref(), diags));
    let archive = archive(file, m, parsed, diags);
    let unverified = unverified(file, m, diags);
    let authors = m
        .authors
        .iter()
        .filter_map(|p| person(file, p, diags))
        .collect();
    let container_authors = m
        .container_authors
        .iter()
        .filter_map(|p| person(file, p, diags))
        .collect();
    let editors = m
        .editors
        .iter()
        .filter_map(|p| person(file, p, diags))
        .collect();
    let kind = term(
        file,
        &m.kind,
        &config.kinds,
        Code::UnknownEvidenceKind,
        "kinds",
        diags,
    );
    let design = term(
        file,
        &m.design,
        &config.designs,
        Code::UnknownDesign,
        "designs",
        diags,
    );
    let doc = document(doc, targets, diags);
    let source = Source {
        id: SourceId(stem_of(file)),
        source_type: source_type(m.source_type.value),
        title: m.title.clone(),
        authors,
        editors,
        container_authors,
        date: date?,
        container_title: m.container_title.clone(),
        collection_title: m.collection_title.clone(),
        volume: m.volume.clone(),
        issue: m.issue.clone(),
        pages: m.pages.clone(),
        publisher: m.publisher.clone(),
        publisher_place: m.publisher_place.clone(),
        doi: m.doi.as_ref().map(|d| d.value.clone()),
        isbn: m.isbn.as_ref().map(|d| d.value.clone()),
        issn: m.issn.as_ref().map(|d| d.value.clone()),
        url: m.url.as_ref().map(|d| d.value.clone()),
        repository_url: m.repository_url.as_ref().map(|d| d.value.clone()),
        archive_url: m.archive_url.as_ref().map(|d| d.value.clone()),
        accessed,
        kind: kind?,
        design: design?,
        archive,
        unverified,
        notes: m.notes.clone(),
        doc,
    };
    check_citable(&source, file, &m.source_type, diags);
    Some(source)
}

/// The day the source was read (`accessed:`): a whole day, not before the source's own date as
/// far as both are known; `None` when it is not (reported).
fn accessed(
    file: &Path,
    raw: &crate::parse::raw::S<String>,
    published: Option<&Date>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Date> {
    let Some(day) = crate::dates::parse_day(&raw.value) else {
        diags.push(
            Diagnostic::error(Code::InvalidDate, format!("`{}` is not a day", raw.value))
                .at_opt(file, position_of(raw))
                .help("write the day you read the source at its address as YYYY-MM-DD, in quotes"),
        );
        return None;
    };
    if published.is_some_and(|p| day.before(p)) {
        diags.push(
            Diagnostic::error(
                Code::InvalidDate,
                format!("`{}` is before the source's own date", raw.value),
            )
            .at_opt(file, position_of(raw))
            .help("`accessed` is the day you read the source, after it was published: check both dates"),
        );
        return None;
    }
    Some(day)
}

fn stem_of(file: &Path) -> String {
    crate::parse::stem(file)
}

fn source_type(t: RawSourceType) -> SourceType {
    match t {
        RawSourceType::ArticleJournal => SourceType::ArticleJournal,
        RawSourceType::Chapter => SourceType::Chapter,
        RawSourceType::ArticleNewspaper => SourceType::ArticleNewspaper,
        RawSourceType::ArticleMagazine => SourceType::ArticleMagazine,
        RawSourceType::Report => SourceType::Report,
        RawSourceType::Book => SourceType::Book,
        RawSourceType::Webpage => SourceType::Webpage,
    }
}

/// A key of one of the site's vocabularies, with its label; an unknown key is reported with the
/// vocabulary's keys.
fn term(
    file: &Path,
    key: &Spanned<String>,
    vocabulary: &[Term],
    code: Code,
    name: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<Term> {
    if let Some(t) = vocabulary.iter().find(|t| t.key == key.value) {
        return Some(t.clone());
    }
    let keys: Vec<&str> = vocabulary.iter().map(|t| t.key.as_str()).collect();
    diags.push(
        Diagnostic::error(
            code,
            format!("`{}` is not one of the site's {name}", key.value),
        )
        .at_opt(file, position_of(key))
        .help(format!(
            "use one of: {}; or add it under `{name}:` in site.yaml",
            keys.join(", ")
        )),
    );
    None
}

/// DOI, ISBN and ISSN, each checked where given.
fn check_identifiers(file: &Path, m: &RawSource, diags: &mut Vec<Diagnostic>) {
    if let Some(doi) = &m.doi {
        if !valid_doi(&doi.value) {
            diags.push(
                Diagnostic::error(Code::InvalidDoi, format!("`{}` is not a DOI", doi.value))
                    .at_opt(file, position_of(doi))
                    .help("a DOI looks like 10.1234/abc, without https://doi.org/"),
            );
        }
    }
    if let Some(isbn) = &m.isbn {
        if !valid_isbn(&isbn.value) {
            diags.push(
                Diagnostic::error(
                    Code::InvalidIsbn,
                    format!("`{}` is not a valid ISBN (wrong length or check digit)", isbn.value),
                )
                .at_opt(file, position_of(isbn))
                .help("copy the ISBN-13 from the book's imprint page; reference managers drop invalid ones"),
            );
        }
    }
    if let Some(issn) = &m.issn {
        if !valid_issn(&issn.value) {
            diags.push(
                Diagnostic::error(
                    Code::InvalidIssn,
                    format!(
                        "`{}` is not a valid ISSN (format NNNN-NNNC, with its check digit)",
                        issn.value
                    ),
                )
                .at_opt(file, position_of(issn))
                .help("copy the ISSN from the journal's masthead"),
            );
        }
    }
}

/// The archived text a source names, which must exist.
fn archive(
    file: &Path,
    m: &RawSource,
    parsed: &Parsed,
    diags: &mut Vec<Diagnostic>,
) -> Option<PathBuf> {
    let a = m.archive.as_ref()?;
    let p = PathBuf::from(&a.value);
    if parsed.archives.contains_key(&p) {
        return Some(p);
    }
    if parsed.unreadable.contains(&p) {
        // It exists but could not be read: reported by the load stage.
        return None;
    }
    diags.push(
        Diagnostic::error(Code::MissingArchive, format!("there is no archived text at `{}`", a.value))
            .at_opt(file, position_of(a))
            .help("put the source's text under archive/ and give its path from the site root, e.g. archive/x.txt"),
    );
    None
}

/// `unverified:`: field name → why, for fields a source has.
fn unverified(file: &Path, m: &RawSource, diags: &mut Vec<Diagnostic>) -> BTreeMap<String, String> {
    let mut unverified = BTreeMap::new();
    let Some(u) = &m.unverified else {
        return unverified;
    };
    for (field, why) in &u.value {
        if SOURCE_FIELDS.contains(&field.as_str()) {
            unverified.insert(field.clone(), why.clone());
        } else {
            diags.push(
                Diagnostic::error(
                    Code::UnknownField,
                    format!("`unverified` names `{field}`, which is not a source field"),
                )
                .at_opt(file, position_of(u))
                .help(format!("name one of: {}", SOURCE_FIELDS.join(", "))),
            );
        }
    }
    unverified
}

/// Reports the fields a source's citations need that it lacks.
fn check_citable(
    source: &Source,
    file: &Path,
    at: &Spanned<RawSourceType>,
    diags: &mut Vec<Diagnostic>,
) {
    for (field, need, why) in missing_fields(source) {
        // A field the record names in `unverified:` without a value is known to be unknown:
        // the maintainer has said so, and the page shows the note.
        if matches!(need, Need::Expected) && source.unverified.contains_key(field) {
            continue;
        }
        let message = format!(
            "this {} has no `{field}`, which its citations need: {why}",
            source.source_type.label().to_lowercase()
        );
        let d = match need {
            Need::Required => Diagnostic::error(Code::CitationFieldMissing, message),
            Need::Expected => Diagnostic::warning(Code::CitationFieldMissing, message),
        };
        diags.push(d.at_opt(file, position_of(at)).help(format!(
            "add `{field}:` to the front matter, or mark what is known in `unverified:`"
        )));
    }
}

fn person(file: &Path, p: &Spanned<RawPerson>, diags: &mut Vec<Diagnostic>) -> Option<Person> {
    match (&p.value.family, &p.value.given, &p.value.literal) {
        (Some(f), given, None) if !f.trim().is_empty() => Some(Person::Name {
            family: f.clone(),
            given: given.clone(),
        }),
        (None, None, Some(l)) if !l.trim().is_empty() => Some(Person::Literal(l.clone())),
        _ => {
            diags.push(
                Diagnostic::error(Code::InvalidPerson, "a person needs `family` (and usually `given`), or only `literal`")
                    .at_opt(file, position_of(p))
                    .help("write `{family: Beresford, given: Peter}`, or `{literal: In Control}` for an organisation"),
            );
            None
        }
    }
}

/// How bad a missing field is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Need {
    /// Without it the citation is wrong (a journal article with no journal).
    Required,
    /// The styles expect it; the citation is incomplete without it.
    Expected,
}

/// A field a citation needs that the source lacks: (field name as in YAML, how bad, why).
pub(crate) fn missing_fields(s: &Source) -> Vec<(&'static str, Need, &'static str)> {
    let mut out = Vec::new();
    let container = s.container_title.is_some();
    match s.source_type {
        SourceType::ArticleJournal => {
            if !container {
                out.push((
                    "container_title",
                    Need::Required,
                    "a journal article is cited by its journal",
                ));
            }
            if s.volume.is_none() {
                out.push((
                    "volume",
                    Need::Expected,
                    "every style gives a journal article's volume",
                ));
            }
            if s.pages.is_none() && s.doi.is_none() {
                out.push(("pages", Need::Expected, "every style gives a journal article's pages (or a DOI for an article without pages)"));
            }
        }
        SourceType::Chapter => {
            if !container {
                out.push((
                    "container_title",
                    Need::Required,
                    "a chapter is cited by the book it is in",
                ));
            }
            if s.publisher.is_none() {
                out.push((
                    "publisher",
                    Need::Expected,
                    "every style gives the book's publisher",
                ));
            }
            if s.pages.is_none() {
                out.push((
                    "pages",
                    Need::Expected,
                    "APA, Harvard and Chicago give a chapter's pages",
                ));
            }
        }
        SourceType::ArticleNewspaper | SourceType::ArticleMagazine => {
            if !container {
                out.push((
                    "container_title",
                    Need::Required,
                    "a news or magazine article is cited by the paper or magazine it is in",
                ));
            }
        }
        SourceType::Report | SourceType::Book => {
            if s.publisher.is_none() {
                out.push((
                    "publisher",
                    Need::Expected,
                    "every style gives a report's or book's publisher",
                ));
            }
        }
        SourceType::Webpage => {
            if s.citation_url().is_none() {
                out.push(("url", Need::Required, "a web page is cited by its URL"));
            }
        }
    }
    out
}

/// `10.<registrant>/<suffix>`, as the DOI handbook defines it.
pub fn valid_doi(doi: &str) -> bool {
    let Some(rest) = doi.strip_prefix("10.") else {
        return false;
    };
    let Some((registrant, suffix)) = rest.split_once('/') else {
        return false;
    };
    !registrant.is_empty()
        && registrant
            .split('.')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        && !suffix.is_empty()
        && !suffix.chars().any(char::is_whitespace)
}

/// ISBN-10 or ISBN-13 with a correct check digit; hyphens and spaces are ignored.
pub fn valid_isbn(isbn: &str) -> bool {
    let chars: Vec<char> = isbn.chars().filter(|c| *c != '-' && *c != ' ').collect();
    match chars.len() {
        10 => {
            let mut sum = 0u32;
            for (i, c) in chars.iter().enumerate() {
                let v = match (i, c) {
                    (9, 'X' | 'x') => 10,
                    (_, c) => match c.to_digit(10) {
                        Some(v) => v,
                        None => return false,
                    },
                };
                sum += v * (10 - i as u32);
            }
            sum.is_multiple_of(11)
        }
        13 => {
            let mut sum = 0u32;
            for (i, c) in chars.iter().enumerate() {
                let Some(v) = c.to_digit(10) else {
                    return false;
                };
                sum += if i % 2 == 0 { v } else { 3 * v };
            }
            sum.is_multiple_of(10)
        }
        _ => false,
    }
}

/// ISSN `NNNN-NNNC` with a correct check digit.
pub fn valid_issn(issn: &str) -> bool {
    let chars: Vec<char> = issn.chars().filter(|c| *c != '-').collect();
    if chars.len() != 8 || issn.len() != 9 || issn.as_bytes()[4] != b'-' {
        return false;
    }
    let mut sum = 0u32;
    for (i, c) in chars[..7].iter().enumerate() {
        let Some(v) = c.to_digit(10) else {
            return false;
        };
        sum += v * (8 - i as u32);
    }
    let check = (11 - sum % 11) % 11;
    match chars[7] {
        'X' | 'x' => check == 10,
        c => c.to_digit(10) == Some(check),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers() {
        assert!(valid_isbn("978-1-4473-6679-9"));
        assert!(valid_isbn("978-1-4473-1614-5"));
        assert!(!valid_isbn("978-1-4473-1614-4"));
        assert!(valid_issn("0264-519X"));
        assert!(!valid_issn("0264-5191"));
        assert!(valid_doi("10.56687/9781447366799-010"));
        assert!(!valid_doi("https://doi.org/10.1/x"));
    }
}
