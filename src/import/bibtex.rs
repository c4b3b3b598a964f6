//! BibTeX and BibLaTeX, read with the `biblatex` crate (the parser hayagriva uses): it resolves
//! LaTeX escapes such as `{\"u}`, `@string` abbreviations and `crossref`s. A syntax error fails the
//! whole file (the crate stops there); a field of the wrong shape skips its entry.

use std::collections::BTreeMap;
use std::path::Path;

use biblatex::{
    Bibliography, ChunksExt, DateValue, EditorType, Entry as BibEntry, EntryType, PermissiveType,
    RetrievalError,
};

use super::{bare_doi, looks_like_issn, pages, set, unreadable, Entry, Person, Unreadable};
use crate::diagnostic::{Diagnostic, Position};

/// The entries of a `.bib` file, or the error that stops it being read.
pub(super) fn entries(
    file: &Path,
    text: &str,
) -> Result<Vec<Result<Entry, Unreadable>>, Diagnostic> {
    let bib = Bibliography::parse(text).map_err(|e| {
        unreadable(
            file,
            text,
            Some(e.span.start),
            "BibTeX",
            &e.kind.to_string(),
        )
    })?;
    if bib.is_empty() && !text.trim().is_empty() && !text.contains('@') {
        return Err(unreadable(
            file,
            text,
            None,
            "BibTeX",
            "it has no `@type{key, ...}` entry",
        ));
    }
    Ok(bib.iter().map(|e| entry(e, text)).collect())
}

/// evident's `type:` for a BibTeX entry type (the table in docs/reference.md).
fn source_type(t: &EntryType) -> &'static str {
    match t {
        EntryType::Article => "article-journal",
        EntryType::Book
        | EntryType::MvBook
        | EntryType::Booklet
        | EntryType::Collection
        | EntryType::MvCollection
        | EntryType::Proceedings
        | EntryType::MvProceedings
        | EntryType::Reference
        | EntryType::MvReference => "book",
        EntryType::InBook
        | EntryType::BookInBook
        | EntryType::SuppBook
        | EntryType::InCollection
        | EntryType::SuppCollection
        | EntryType::InProceedings
        | EntryType::InReference => "chapter",
        EntryType::Online => "webpage",
        EntryType::Unknown(name)
            if ["www", "electronic", "webpage"].contains(&name.to_ascii_lowercase().as_str()) =>
        {
            "webpage"
        }
        _ => "report",
    }
}

fn entry(e: &BibEntry, text: &str) -> Result<Entry, Unreadable> {
    // The entry's line is its `@`'s, the last before its first field.
    let line = e
        .fields
        .values()
        .filter_map(|c| c.first())
        .map(|c| c.span.start)
        .min()
        .map(|o| text.get(..o).and_then(|t| t.rfind('@')).unwrap_or(o))
        .map(|o| Position::of_offset(text, o).line);
    let label = match line {
        Some(l) => format!("`{}` (line {l})", e.key),
        None => format!("`{}`", e.key),
    };
    let bad = |field: &str, err: RetrievalError| match err {
        RetrievalError::Missing(_) => None,
        RetrievalError::TypeError(t) => Some((
            label.clone(),
            format!(
                "unparseable `{field}` at line {}: {}",
                Position::of_offset(text, t.span.start).line,
                t.kind
            ),
        )),
    };
    let source_type = source_type(&e.entry_type);
    let mut out = Entry {
        label: label.clone(),
        source_type,
        title: get(e, "title").unwrap_or_default(),
        ..Entry::default()
    };
    match e.author() {
        Ok(people) => out.authors = people.iter().filter_map(person).collect(),
        Err(err) => {
            if let Some(b) = bad("author", err) {
                return Err(b);
            }
        }
    }
    match e.editors() {
        Ok(roles) => {
            out.editors = roles
                .iter()
                .filter(|(_, role)| *role == EditorType::Editor)
                .flat_map(|(people, _)| people.iter().filter_map(person))
                .collect();
        }
        Err(t) => {
            let why = format!(
                "unparseable `editor` at line {}: {}",
                Position::of_offset(text, t.span.start).line,
                t.kind
            );
            return Err((label, why));
        }
    }
    match e.book_author() {
        Ok(people) => out.container_authors = people.iter().filter_map(person).collect(),
        Err(err) => {
            if let Some(b) = bad("bookauthor", err) {
                return Err(b);
            }
        }
    }
    match e.date() {
        Ok(PermissiveType::Typed(d)) => {
            let at = match d.value {
                DateValue::At(t) | DateValue::After(t) | DateValue::Between(t, _) => t,
                DateValue::Before(t) => t,
            };
            // biblatex counts months and days from zero.
            out.date = super::date_of(
                i64::from(at.year),
                at.month.map(|m| i64::from(m) + 1),
                at.day.map(|d| i64::from(d) + 1),
            );
        }
        Ok(PermissiveType::Chunks(c)) => out.date = super::date_in(&c.format_verbatim()),
        Err(err) => {
            if let Some(b) = bad("date", err) {
                return Err(b);
            }
        }
    }
    out.fields = fields(e, source_type);
    Ok(out)
}

/// The plain fields, by evident key.
fn fields(e: &BibEntry, source_type: &str) -> BTreeMap<&'static str, String> {
    let mut f = BTreeMap::new();
    let container = match source_type {
        "chapter" => get(e, "booktitle").or_else(|| get(e, "maintitle")),
        _ => get(e, "journaltitle").or_else(|| get(e, "journal")),
    };
    if let Some(c) = container {
        set(&mut f, "container_title", &c);
    }
    let text_fields: [(&str, &'static str); 7] = [
        ("series", "collection_title"),
        ("volume", "volume"),
        ("publisher", "publisher"),
        ("location", "publisher_place"),
        ("address", "publisher_place"),
        ("url", "url"),
        ("isbn", "isbn"),
    ];
    for (bib, key) in text_fields {
        if let Some(v) = get(e, bib) {
            set(&mut f, key, &v);
        }
    }
    // A report's or thesis's issuing body is its publisher when it names none.
    for body in ["institution", "school", "organization"] {
        if let Some(v) = get(e, body) {
            set(&mut f, "publisher", &v);
        }
    }
    // `number` is a journal's issue; a report's number has no key in evident.
    if source_type == "article-journal" {
        if let Some(v) = get(e, "issue").or_else(|| get(e, "number")) {
            set(&mut f, "issue", &v);
        }
    }
    if let Some(v) = get(e, "pages") {
        set(&mut f, "pages", &pages(&v));
    }
    super::set_accessed(&mut f, get(e, "urldate").and_then(|d| super::date_in(&d)));
    if let Some(v) = get(e, "doi") {
        set(&mut f, "doi", &bare_doi(&v));
    }
    if let Some(v) = get(e, "issn") {
        if looks_like_issn(&v) {
            set(&mut f, "issn", &v);
        }
    }
    f
}

/// A field's text, LaTeX resolved, braces gone.
fn get(e: &BibEntry, field: &str) -> Option<String> {
    let v = e.get(field)?.format_verbatim();
    let v = v.split_whitespace().collect::<Vec<_>>().join(" ");
    (!v.is_empty()).then_some(v)
}

/// A BibTeX name: `{World Health Organization}` (several words, no given name) is an
/// organisation; a particle (`van`) joins the family name, a suffix (`Jr.`) the given names.
fn person(p: &biblatex::Person) -> Option<Person> {
    let family = [p.prefix.trim(), p.name.trim()]
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ");
    if family.is_empty() {
        return None;
    }
    let given = [p.given_name.trim(), p.suffix.trim()]
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    if given.is_empty() && p.prefix.trim().is_empty() && family.contains(char::is_whitespace) {
        return Some(Person::Literal(family));
    }
    Some(Person::Name {
        family,
        given: (!given.is_empty()).then_some(given),
    })
}
