//! Importing: `evident import FILE` turns what reference managers export (BibTeX, RIS, CSL-JSON)
//! into source stubs, one `content/sources/<id>.md` per entry with its archive stub. Each format
//! is read into the same [`Entry`] (`bibtex.rs`, `ris.rs`, `csl.rs`); this module names the
//! entries, skips the ones the site has already, and says what the files are. The write stage
//! writes them; nothing here touches the disk.

mod bibtex;
mod csl;
mod ris;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use unicode_normalization::UnicodeNormalization;

use crate::diagnostic::{Code, Diagnostic, Position};
// The identifier checks `evident check` runs, so that an import never writes a stub that fails
// them (the one edge from import to resolve).
use crate::resolve::sources::{valid_doi, valid_isbn, valid_issn, SOURCE_FIELDS};
use crate::write::{IfExists, NewFile};

/// The formats `import` reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Bibtex,
    Ris,
    CslJson,
}

impl Format {
    /// The names `--format` takes.
    pub const NAMES: [&'static str; 3] = ["bibtex", "ris", "csl-json"];

    pub fn from_name(name: &str) -> Option<Format> {
        match name {
            "bibtex" => Some(Format::Bibtex),
            "ris" => Some(Format::Ris),
            "csl-json" => Some(Format::CslJson),
            _ => None,
        }
    }

    /// The format a file's extension names (`.bib`, `.ris`, `.json`).
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "bib" | "bibtex" => Some(Format::Bibtex),
            "ris" => Some(Format::Ris),
            "json" => Some(Format::CslJson),
            _ => None,
        }
    }
}

/// What the site has already: source ids (and aliases) with their titles, and DOIs.
#[derive(Debug, Default)]
pub struct Existing {
    /// Id → the source's title (`None` for an alias, or a file that does not parse).
    pub ids: BTreeMap<String, Option<String>>,
    /// DOI (lowercase) → the id of the source that has it.
    pub dois: BTreeMap<String, String>,
}

/// What one import made and skipped, in the file's order.
#[derive(Debug, Default)]
pub struct ImportReport {
    /// (entry, path of the stub made for it, below the site).
    pub made: Vec<(String, PathBuf)>,
    /// (entry, why it was skipped).
    pub skipped: Vec<(String, String)>,
}

impl ImportReport {
    /// The report as lines for the terminal.
    pub fn lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (entry, path) in &self.made {
            out.push(format!("made    {}  ({entry})", path.display()));
        }
        for (entry, why) in &self.skipped {
            out.push(format!("skipped {entry}: {why}"));
        }
        let next = if self.made.is_empty() {
            ""
        } else {
            ". Next: set each stub's kind and design, write its summary, then run evident check"
        };
        out.push(format!(
            "{} made, {} skipped{next}",
            self.made.len(),
            self.skipped.len()
        ));
        out
    }
}

/// A person as a source's `authors:` takes one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Person {
    Name {
        family: String,
        given: Option<String>,
    },
    /// An organisation.
    Literal(String),
}

/// One bibliographic entry, whatever format it came from: the fields evident's source front
/// matter takes, already in its vocabulary.
#[derive(Clone, Debug, Default)]
pub(crate) struct Entry {
    /// How the report names it: its key or id in the file, and its line.
    pub label: String,
    /// An evident `type:` value.
    pub source_type: &'static str,
    pub title: String,
    pub authors: Vec<Person>,
    pub editors: Vec<Person>,
    pub container_authors: Vec<Person>,
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub date: Option<String>,
    /// The other keys, each an evident front-matter key with its value.
    pub fields: BTreeMap<&'static str, String>,
    /// Identifiers as exported that evident would reject (key, value): kept as comments.
    pub invalid: Vec<(&'static str, String)>,
}

/// Moves a DOI, ISBN, ISSN or URL that the site's check would reject out of the fields, so the
/// site still builds; the stub keeps it as a comment to check by hand.
fn set_aside_invalid(entry: &mut Entry) {
    type Check = fn(&str) -> bool;
    let checks: [(&str, Check); 4] = [
        ("doi", valid_doi),
        ("isbn", valid_isbn),
        ("issn", valid_issn),
        ("url", |u| {
            (u.starts_with("https://") || u.starts_with("http://"))
                && !u.contains(|c: char| c.is_whitespace() || c == '"' || c == '<' || c == '>')
        }),
    ];
    for (key, valid) in checks {
        if let Some((k, v)) = entry.fields.remove_entry(key) {
            if valid(&v) {
                entry.fields.insert(k, v);
            } else {
                entry.invalid.push((k, v));
            }
        }
    }
}

/// An entry the parser could not read, reported and skipped: (label, why).
pub(crate) type Unreadable = (String, String);

/// The stubs for the entries of `text` (the contents of `file`, in `format`) that the site does
/// not have yet, with the report. Fails only when the file cannot be read as `format` at all.
pub fn import(
    file: &Path,
    text: &str,
    format: Format,
    existing: &Existing,
) -> Result<(Vec<NewFile>, ImportReport), Diagnostic> {
    let entries = match format {
        Format::Bibtex => bibtex::entries(file, text)?,
        Format::Ris => ris::entries(file, text)?,
        Format::CslJson => csl::entries(file, text)?,
    };
    let source = file.file_name().map_or_else(
        || file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let mut ids = existing.ids.clone();
    let mut dois = existing.dois.clone();
    let mut files = Vec::new();
    let mut report = ImportReport::default();
    for entry in entries {
        let mut entry = match entry {
            Ok(e) => e,
            Err((label, why)) => {
                report.skipped.push((label, why));
                continue;
            }
        };
        set_aside_invalid(&mut entry);
        let id = match place(&entry, &ids, &dois) {
            Ok(id) => id,
            Err(why) => {
                report.skipped.push((entry.label, why));
                continue;
            }
        };
        ids.insert(id.clone(), Some(entry.title.clone()));
        if let Some(doi) = entry.fields.get("doi") {
            dois.insert(doi.to_lowercase(), id.clone());
        }
        let path = PathBuf::from(format!("content/sources/{id}.md"));
        files.push(NewFile {
            path: path.clone(),
            text: stub(&entry, &id, &source),
            if_exists: IfExists::Refuse,
        });
        // As `evident new source` does: the archived text quotes are checked against, kept
        // when there is one already.
        files.push(NewFile {
            path: PathBuf::from(format!("archive/{id}.txt")),
            text: crate::layout::ARCHIVE_STUB.to_string(),
            if_exists: IfExists::Keep,
        });
        report.made.push((entry.label, path));
    }
    Ok((files, report))
}

/// The id for a new entry, or why it is skipped: it has no title or date, a source has its
/// DOI, or a source with its id has its title (the same entry imported again).
fn place(
    entry: &Entry,
    ids: &BTreeMap<String, Option<String>>,
    dois: &BTreeMap<String, String>,
) -> Result<String, String> {
    if entry.title.trim().is_empty() {
        return Err("no title".into());
    }
    let Some(date) = &entry.date else {
        return Err("no date or year (a source needs one)".into());
    };
    if let Some(doi) = entry.fields.get("doi") {
        if let Some(id) = dois.get(&doi.to_lowercase()) {
            return Err(format!("duplicate: source `{id}` has the DOI {doi}"));
        }
    }
    let base = base_id(entry, &date[..4]);
    let title = fold_title(&entry.title);
    for suffix in std::iter::once(String::new()).chain(('b'..='z').map(|c| format!("-{c}"))) {
        let id = format!("{base}{suffix}");
        match ids.get(&id) {
            None => return Ok(id),
            Some(Some(t)) if fold_title(t) == title => {
                return Err(format!("duplicate: source `{id}` has this title"));
            }
            Some(_) => {}
        }
    }
    Err(format!("ids `{base}` to `{base}-z` are all taken"))
}

/// `family-year` from the first author (or organisation), else the first editor, publisher or
/// title word.
fn base_id(entry: &Entry, year: &str) -> String {
    let name = entry
        .authors
        .first()
        .or_else(|| entry.editors.first())
        .map(|p| match p {
            Person::Name { family, .. } => family.clone(),
            Person::Literal(l) => l.clone(),
        })
        .or_else(|| entry.fields.get("publisher").cloned())
        .unwrap_or_else(|| {
            entry
                .title
                .split_whitespace()
                .next()
                .unwrap_or("source")
                .to_string()
        });
    let mut slug = slug(&name);
    // Ids are at most 100 bytes; a long organisation name keeps its first words.
    if slug.len() > 60 {
        slug.truncate(60);
        slug = slug.trim_end_matches('-').to_string();
    }
    if slug.is_empty() {
        slug = "source".into();
    }
    format!("{slug}-{year}")
}

/// `[a-z0-9-]`: accents dropped, other letters folded, everything else a hyphen.
pub(crate) fn slug(text: &str) -> String {
    let mut out = String::new();
    let mut hyphen = false;
    for c in text.nfkd() {
        let folded: &str = match c {
            'ß' => "ss",
            'æ' | 'Æ' => "ae",
            'ø' | 'Ø' => "o",
            'œ' | 'Œ' => "oe",
            'ł' | 'Ł' => "l",
            'đ' | 'Đ' | 'ð' | 'Ð' => "d",
            'þ' | 'Þ' => "th",
            '\'' | '’' => "",
            c if c.is_ascii_alphanumeric() => {
                if hyphen && !out.is_empty() {
                    out.push('-');
                }
                hyphen = false;
                out.push(c.to_ascii_lowercase());
                continue;
            }
            c if unicode_normalization::char::is_combining_mark(c) => "",
            _ => {
                hyphen = true;
                continue;
            }
        };
        if !folded.is_empty() {
            if hyphen && !out.is_empty() {
                out.push('-');
            }
            hyphen = false;
            out.push_str(folded);
        }
    }
    out
}

/// A title compared for duplicates: letters and digits only, lowercase.
fn fold_title(title: &str) -> String {
    title
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// A YAML double-quoted scalar (JSON's string syntax is YAML's).
fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{}\"", s.replace('"', "'")))
}

fn people(out: &mut String, key: &str, people: &[Person]) {
    if people.is_empty() {
        return;
    }
    let _ = writeln!(out, "{key}:");
    for p in people {
        let _ = match p {
            Person::Name {
                family,
                given: Some(g),
            } => writeln!(
                out,
                "  - {{family: {}, given: {}}}",
                quoted(family),
                quoted(g)
            ),
            Person::Name {
                family,
                given: None,
            } => writeln!(out, "  - {{family: {}}}", quoted(family)),
            Person::Literal(l) => writeln!(out, "  - {{literal: {}}}", quoted(l)),
        };
    }
}

/// The stub's text: every field the entry has, the keys import cannot know (`kind`, `design`)
/// with neutral values, and a placeholder summary.
fn stub(entry: &Entry, id: &str, source: &str) -> String {
    let mut out = String::from("---\n");
    let _ = writeln!(
        out,
        "# Imported from {source} ({}) by `evident import`: check each field against the source.",
        entry.label.replace('\n', " ")
    );
    let _ = writeln!(out, "type: {}", entry.source_type);
    let _ = writeln!(out, "title: {}", quoted(&entry.title));
    people(&mut out, "authors", &entry.authors);
    people(&mut out, "editors", &entry.editors);
    people(&mut out, "container_authors", &entry.container_authors);
    let _ = writeln!(out, "date: {}", quoted(entry.date.as_deref().unwrap_or("")));
    // The plain keys, in the reference's order: a source's fields after the people and the date.
    let plain = SOURCE_FIELDS
        .iter()
        .skip_while(|k| **k != "container_title");
    for key in plain {
        if let Some(v) = entry.fields.get(key) {
            let _ = writeln!(out, "{key}: {}", quoted(v));
        }
    }
    for (key, v) in &entry.invalid {
        let _ = writeln!(
            out,
            "# {key}: {}   # as exported, but not a valid {key}: check it, then uncomment",
            quoted(v)
        );
    }
    out.push_str(
        "kind: report                # what kind of source it is (a key of the site's `kinds`): import cannot tell, so set it\n\
         design: not-stated          # how the study was done (a key of the site's `designs`): import cannot tell, so set it\n",
    );
    let _ = writeln!(out, "archive: archive/{id}.txt");
    out.push_str("---\nWrite a summary of this source in the site's own words: what kind of evidence it is, who\nwrote it, and what it found.\n");
    out
}

// Helpers the three readers share.

/// `YYYY`, `YYYY-MM` or `YYYY-MM-DD` from numbers, or `None` when the year is not four digits
/// or the month or day is out of range (a day is dropped with its month).
pub(crate) fn date_of(year: i64, month: Option<i64>, day: Option<i64>) -> Option<String> {
    if !(1000..=9999).contains(&year) {
        return None;
    }
    match month.filter(|m| (1..=12).contains(m)) {
        None => Some(format!("{year:04}")),
        Some(m) => match day.filter(|d| (1..=31).contains(d)) {
            None => Some(format!("{year:04}-{m:02}")),
            Some(d) => Some(format!("{year:04}-{m:02}-{d:02}")),
        },
    }
}

/// An access date (BibTeX `urldate`, RIS `Y2`, CSL `accessed`) as `accessed:` takes it: a whole
/// day, else nothing (a year alone says too little of when the page was read).
pub(crate) fn set_accessed(fields: &mut BTreeMap<&'static str, String>, date: Option<String>) {
    if let Some(day) = date.filter(|d| crate::dates::parse_day(d).is_some()) {
        fields.insert("accessed", day);
    }
}

/// The leading `YYYY[-/]MM[-/]DD` of a free-text date (RIS `PY`/`DA`, CSL `raw`), or a lone
/// four-digit year anywhere in it.
pub(crate) fn date_in(text: &str) -> Option<String> {
    let parts: Vec<&str> = text.trim().split(['-', '/']).collect();
    let number = |i: usize| -> Option<i64> {
        parts
            .get(i)
            .map(|p| p.trim())
            .filter(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|p| p.parse().ok())
    };
    if parts[0].trim().len() == 4 {
        if let Some(year) = number(0) {
            return date_of(year, number(1), number(2));
        }
    }
    text.split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 4)
        .and_then(|w| date_of(w.parse().ok()?, None, None))
}

/// A DOI without `https://doi.org/` or `doi:` before it.
pub(crate) fn bare_doi(doi: &str) -> String {
    let d = doi.trim();
    let lower = d.to_ascii_lowercase();
    for prefix in [
        "https://doi.org/",
        "http://doi.org/",
        "https://dx.doi.org/",
        "http://dx.doi.org/",
        "doi:",
    ] {
        if lower.starts_with(prefix) {
            return d[prefix.len()..].trim().to_string();
        }
    }
    d.to_string()
}

/// A page range with an en dash or `--` as a plain hyphen, as the reference writes it.
pub(crate) fn pages(p: &str) -> String {
    p.trim().replace("--", "-").replace(['–', '—'], "-")
}

/// A name as reference managers write it in one string: `Family, Given` is a person, a name of
/// one word is a family name, and several words without a comma an organisation.
pub(crate) fn person_in(name: &str) -> Option<Person> {
    let name = name.trim();
    if name.is_empty() {
        return None;
    }
    Some(match name.split_once(',') {
        Some((family, given)) => Person::Name {
            family: family.trim().to_string(),
            given: Some(given.trim().to_string()).filter(|g| !g.is_empty()),
        },
        None if !name.contains(char::is_whitespace) => Person::Name {
            family: name.to_string(),
            given: None,
        },
        None => Person::Literal(name.to_string()),
    })
}

/// Puts `value` under `key` when it has text.
pub(crate) fn set(fields: &mut BTreeMap<&'static str, String>, key: &'static str, value: &str) {
    let v = value.split_whitespace().collect::<Vec<_>>().join(" ");
    if !v.is_empty() {
        fields.entry(key).or_insert(v);
    }
}

/// Whether `sn` (RIS `SN`, a CSL or BibTeX ISSN/ISBN) has the shape of an ISSN: `NNNN-NNNC`.
pub(crate) fn looks_like_issn(sn: &str) -> bool {
    let c: Vec<char> = sn.chars().filter(|c| *c != '-' && *c != ' ').collect();
    c.len() == 8
        && c[..7].iter().all(char::is_ascii_digit)
        && (c[7].is_ascii_digit() || c[7] == 'X' || c[7] == 'x')
}

/// The error for a file `import` cannot read as `what` at all.
pub(crate) fn unreadable(
    file: &Path,
    text: &str,
    offset: Option<usize>,
    what: &str,
    why: &str,
) -> Diagnostic {
    let d = Diagnostic::error(
        Code::CannotImport,
        format!("cannot read this file as {what}: {why}"),
    );
    match offset {
        Some(o) => d.at(file, Position::of_offset(text, o)),
        None => d.in_file(file),
    }
    .help(format!(
        "export it again from the reference manager, or give `--format` ({})",
        Format::NAMES.join(", ")
    ))
}

#[cfg(test)]
mod tests;
