//! RIS, read with the smallest tag parser: a record is `TY  - ` to `ER  - `, one `XX  - value`
//! line per field. A parser of our own, because the one maintained Rust crate (biblib) files
//! editors (`A2`, `ED`) with the authors and has no ISBN, place or series; RIS is a line format
//! with no nesting, so the parser is a loop.

use std::collections::BTreeMap;
use std::path::Path;

use super::{
    bare_doi, date_in, looks_like_issn, pages, person_in, set, unreadable, Entry, Unreadable,
};
use crate::diagnostic::Diagnostic;

/// One record: its first line, and its tags with their values in order.
#[derive(Debug, Default)]
pub(super) struct Record {
    pub line: usize,
    pub tags: Vec<(String, String)>,
}

impl Record {
    fn all<'a>(&'a self, tag: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.tags
            .iter()
            .filter(move |(t, v)| t == tag && !v.trim().is_empty())
            .map(|(_, v)| v.trim())
    }

    fn first<'a>(&'a self, tags: &[&'a str]) -> Option<&'a str> {
        tags.iter().find_map(|t| self.all(t).next())
    }
}

/// `XX  - value` (the spec's two spaces are often one, and `ER  -` has no value): the tag and
/// the value, or `None` for a line that is not a tag line.
fn tag_line(line: &str) -> Option<(&str, &str)> {
    let b = line.as_bytes();
    if b.len() < 3
        || !b[0].is_ascii_uppercase()
        || !(b[1].is_ascii_uppercase() || b[1].is_ascii_digit())
    {
        return None;
    }
    let rest = line[2..].trim_start_matches(' ');
    let value = rest.strip_prefix('-')?;
    if !value.is_empty() && !value.starts_with(' ') {
        return None;
    }
    Some((&line[..2], value.trim()))
}

/// The records of a RIS text, and the lines outside any record that are not blank.
pub(super) fn records(text: &str) -> (Vec<Record>, Vec<(usize, String)>) {
    let mut records = Vec::new();
    let mut stray = Vec::new();
    let mut open: Option<Record> = None;
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let line = raw.trim_start_matches('\u{feff}').trim_end();
        match (tag_line(line), open.as_mut()) {
            (Some(("TY", ty)), _) => {
                records.extend(open.take());
                open = Some(Record {
                    line: n,
                    tags: vec![("TY".into(), ty.into())],
                });
            }
            (Some(("ER", _)), Some(_)) => records.extend(open.take()),
            (Some((tag, value)), Some(r)) => r.tags.push((tag.into(), value.into())),
            // A wrapped value (an abstract, a long title) goes on from the line before.
            (None, Some(r)) if !line.trim().is_empty() => {
                if let Some((_, v)) = r.tags.last_mut() {
                    v.push(' ');
                    v.push_str(line.trim());
                }
            }
            (_, None) if !line.trim().is_empty() => stray.push((n, line.to_string())),
            _ => {}
        }
    }
    records.extend(open);
    (records, stray)
}

/// The entries of a `.ris` file, or the error that stops it being read.
pub(super) fn entries(
    file: &Path,
    text: &str,
) -> Result<Vec<Result<Entry, Unreadable>>, Diagnostic> {
    let (records, stray) = records(text);
    if records.is_empty() {
        let offset = stray
            .first()
            .map(|(n, _)| text.lines().take(n - 1).map(|l| l.len() + 1).sum());
        return Err(unreadable(
            file,
            text,
            offset,
            "RIS",
            "it has no record (a record starts with a `TY  - ` line)",
        ));
    }
    let mut out: Vec<(usize, Result<Entry, Unreadable>)> =
        records.iter().map(|r| (r.line, Ok(entry(r)))).collect();
    out.extend(stray.into_iter().map(|(n, l)| {
        let shown: String = l.chars().take(40).collect();
        (
            n,
            Err((
                format!("line {n}"),
                format!("unparseable: `{shown}` is outside any record (no `TY  - ` before it)"),
            )),
        )
    }));
    out.sort_by_key(|(n, _)| *n);
    Ok(out.into_iter().map(|(_, e)| e).collect())
}

/// evident's `type:` for a RIS `TY` (the table in docs/reference.md).
fn source_type(ty: &str) -> &'static str {
    match ty.trim().to_ascii_uppercase().as_str() {
        "JOUR" | "JFULL" | "EJOUR" | "INPR" => "article-journal",
        "NEWS" => "article-newspaper",
        "MGZN" => "article-magazine",
        "CHAP" | "ECHAP" | "CPAPER" | "ENCYC" | "DICT" => "chapter",
        "BOOK" | "EBOOK" | "EDBOOK" | "CONF" => "book",
        "ELEC" | "WEB" | "BLOG" | "ICOMM" => "webpage",
        _ => "report",
    }
}

fn entry(r: &Record) -> Entry {
    let ty = r.first(&["TY"]).unwrap_or("");
    let source_type = source_type(ty);
    let title_tags: &[&str] = if source_type == "book" {
        &["TI", "T1", "BT", "CT"]
    } else {
        &["TI", "T1", "CT"]
    };
    let people = |tags: &[&str]| {
        tags.iter()
            .flat_map(|t| r.all(t))
            .filter_map(person_in)
            .collect::<Vec<_>>()
    };
    // The most precise of the dates given: `DA` is often the full date, `PY` the year.
    let date = ["DA", "PY", "Y1"]
        .iter()
        .flat_map(|t| r.all(t))
        .filter_map(date_in)
        .max_by_key(String::len);
    Entry {
        label: match r.first(&["ID"]) {
            Some(id) => format!("`{id}` (line {})", r.line),
            None => format!("{ty} record (line {})", r.line),
        },
        source_type,
        title: r.first(title_tags).unwrap_or_default().to_string(),
        authors: people(&["AU", "A1"]),
        editors: people(&["A2", "ED"]),
        container_authors: Vec::new(),
        date,
        fields: fields(r, source_type),
        invalid: Vec::new(),
    }
}

fn fields(r: &Record, source_type: &str) -> BTreeMap<&'static str, String> {
    let mut f = BTreeMap::new();
    let container: &[&str] = match source_type {
        "chapter" => &["T2", "BT"],
        "book" | "report" => &[],
        _ => &["T2", "JF", "JO", "JA", "J2"],
    };
    let plain: [(&[&str], &'static str); 9] = [
        (container, "container_title"),
        (&["T3"], "collection_title"),
        (&["VL"], "volume"),
        (&["IS", "CP"], "issue"),
        (&["PB"], "publisher"),
        (&["CY"], "publisher_place"),
        (&["DO"], "doi"),
        (&["UR"], "url"),
        (&["L2"], "url"),
    ];
    // Zotero and Mendeley write the access date as `Y2`.
    super::set_accessed(&mut f, r.first(&["Y2"]).and_then(date_in));
    for (tags, key) in plain {
        if let Some(v) = r.first(tags) {
            let v = if key == "doi" {
                bare_doi(v)
            } else {
                v.to_string()
            };
            set(&mut f, key, &v);
        }
    }
    match (r.first(&["SP"]), r.first(&["EP"])) {
        (Some(sp), Some(ep)) if !sp.contains(['-', '–']) => {
            set(&mut f, "pages", &format!("{sp}-{ep}"))
        }
        (Some(sp), _) => set(&mut f, "pages", &pages(sp)),
        _ => {}
    }
    for sn in r.all("SN") {
        // `SN` holds an ISSN or an ISBN, sometimes several, sometimes with "(print)" after.
        let first = sn.split([' ', ';', ',']).next().unwrap_or(sn);
        let key = if looks_like_issn(first) {
            "issn"
        } else {
            "isbn"
        };
        set(&mut f, key, first);
    }
    f
}
