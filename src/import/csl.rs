//! CSL-JSON (what Zotero's "Better CSL JSON", Mendeley and citation.js export), read with serde
//! structs over serde_json: the format is plain JSON whose keys evident's own follow, so the
//! structs below are the whole reader. Each item is read on its own, so one malformed item is
//! skipped with its line while the rest are imported.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;

use super::{
    bare_doi, date_in, date_of, looks_like_issn, pages, set, unreadable, Entry, Person, Unreadable,
};
use crate::diagnostic::{Diagnostic, Position};

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
struct Item {
    #[serde(default)]
    id: Option<Value>,
    #[serde(rename = "type", default)]
    item_type: String,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    author: Vec<Name>,
    #[serde(default)]
    editor: Vec<Name>,
    #[serde(default)]
    container_author: Vec<Name>,
    #[serde(default)]
    issued: Option<CslDate>,
    accessed: Option<CslDate>,
    #[serde(default)]
    container_title: Option<Value>,
    #[serde(default)]
    collection_title: Option<Value>,
    #[serde(default)]
    volume: Option<Value>,
    #[serde(default)]
    issue: Option<Value>,
    #[serde(default)]
    page: Option<Value>,
    #[serde(default)]
    publisher: Option<Value>,
    #[serde(default)]
    publisher_place: Option<Value>,
    #[serde(rename = "DOI", default)]
    doi: Option<Value>,
    #[serde(rename = "ISBN", default)]
    isbn: Option<Value>,
    #[serde(rename = "ISSN", default)]
    issn: Option<Value>,
    #[serde(rename = "URL", default)]
    url: Option<Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
struct Name {
    family: Option<String>,
    given: Option<String>,
    literal: Option<String>,
    non_dropping_particle: Option<String>,
    dropping_particle: Option<String>,
    suffix: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
struct CslDate {
    #[serde(default)]
    date_parts: Vec<Vec<Value>>,
    raw: Option<String>,
    literal: Option<String>,
}

/// The entries of a CSL-JSON file (an array of items, or one item), or the error that stops it
/// being read.
pub(super) fn entries(
    file: &Path,
    text: &str,
) -> Result<Vec<Result<Entry, Unreadable>>, Diagnostic> {
    let at = |e: &serde_json::Error| {
        let line = e.line().max(1);
        let offset: usize = text.lines().take(line - 1).map(|l| l.len() + 1).sum();
        offset + e.column().saturating_sub(1)
    };
    let items: Vec<&RawValue> = match serde_json::from_str::<Vec<&RawValue>>(text) {
        Ok(items) => items,
        Err(list_error) => match serde_json::from_str::<&RawValue>(text) {
            Ok(one) if one.get().trim_start().starts_with('{') => vec![one],
            _ => {
                return Err(unreadable(
                    file,
                    text,
                    Some(at(&list_error)),
                    "CSL-JSON",
                    &list_error.to_string(),
                ))
            }
        },
    };
    Ok(items
        .into_iter()
        .enumerate()
        .map(|(i, raw)| {
            // The item's text points into `text`, which gives its line.
            let offset = (raw.get().as_ptr() as usize).saturating_sub(text.as_ptr() as usize);
            let line = Position::of_offset(text, offset).line;
            match serde_json::from_str::<Item>(raw.get()) {
                Ok(item) => Ok(entry(&item, i + 1, line)),
                Err(e) => Err((
                    format!("item {} (line {line})", i + 1),
                    format!("unparseable: {e}"),
                )),
            }
        })
        .collect())
}

/// evident's `type:` for a CSL type (the table in docs/reference.md).
fn source_type(t: &str) -> &'static str {
    match t {
        "article-journal" => "article-journal",
        "article-newspaper" => "article-newspaper",
        "article-magazine" => "article-magazine",
        "chapter" | "paper-conference" | "entry-encyclopedia" | "entry-dictionary" | "entry" => {
            "chapter"
        }
        "book" | "classic" => "book",
        "webpage" | "post" | "post-weblog" => "webpage",
        _ => "report",
    }
}

fn entry(item: &Item, n: usize, line: u32) -> Entry {
    let id = match &item.id {
        Some(Value::String(s)) => format!("`{s}`"),
        Some(Value::Number(x)) => format!("`{x}`"),
        _ => format!("item {n}"),
    };
    let source_type = source_type(&item.item_type);
    let people = |names: &[Name]| names.iter().filter_map(person).collect::<Vec<_>>();
    Entry {
        label: format!("{id} (line {line})"),
        source_type,
        title: item.title.clone().unwrap_or_default(),
        authors: people(&item.author),
        editors: people(&item.editor),
        container_authors: people(&item.container_author),
        date: item.issued.as_ref().and_then(date),
        fields: fields(item),
        invalid: Vec::new(),
    }
}

fn fields(item: &Item) -> BTreeMap<&'static str, String> {
    let mut f = BTreeMap::new();
    super::set_accessed(&mut f, item.accessed.as_ref().and_then(date));
    let plain: [(&Option<Value>, &'static str); 9] = [
        (&item.container_title, "container_title"),
        (&item.collection_title, "collection_title"),
        (&item.volume, "volume"),
        (&item.issue, "issue"),
        (&item.page, "pages"),
        (&item.publisher, "publisher"),
        (&item.publisher_place, "publisher_place"),
        (&item.doi, "doi"),
        (&item.url, "url"),
    ];
    for (value, key) in plain {
        if let Some(v) = value.as_ref().and_then(text) {
            let v = match key {
                "doi" => bare_doi(&v),
                "pages" => pages(&v),
                _ => v,
            };
            set(&mut f, key, &v);
        }
    }
    // ISBN and ISSN may list several (print and online): the first is kept.
    for (value, key) in [(&item.isbn, "isbn"), (&item.issn, "issn")] {
        if let Some(v) = value.as_ref().and_then(text) {
            let first = v.split([' ', ';', ',']).next().unwrap_or(&v).to_string();
            if key == "isbn" || looks_like_issn(&first) {
                set(&mut f, key, &first);
            }
        }
    }
    f
}

/// A string, a number, or the first of a list, as text.
fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Array(a) => a.first().and_then(text),
        _ => None,
    }
}

fn date(d: &CslDate) -> Option<String> {
    if let Some(first) = d.date_parts.first() {
        let part = |i: usize| {
            first
                .get(i)
                .and_then(|v| text(v)?.trim().parse::<i64>().ok())
        };
        if let Some(year) = part(0) {
            return date_of(year, part(1), part(2));
        }
    }
    d.raw.as_deref().or(d.literal.as_deref()).and_then(date_in)
}

fn person(n: &Name) -> Option<Person> {
    let join = |parts: &[&Option<String>], sep: &str| {
        let s = parts
            .iter()
            .filter_map(|p| p.as_deref().map(str::trim).filter(|p| !p.is_empty()))
            .collect::<Vec<_>>()
            .join(sep);
        (!s.is_empty()).then_some(s)
    };
    let family = join(&[&n.non_dropping_particle, &n.family], " ");
    match (family, &n.literal) {
        (Some(family), _) => Some(Person::Name {
            family,
            given: join(&[&n.given, &n.dropping_particle], " ").map(|g| {
                match n.suffix.as_deref().filter(|s| !s.trim().is_empty()) {
                    Some(s) => format!("{g}, {}", s.trim()),
                    None => g,
                }
            }),
        }),
        (None, Some(l)) if !l.trim().is_empty() => Some(Person::Literal(l.trim().to_string())),
        _ => None,
    }
}
