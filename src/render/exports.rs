//! Machine-readable exports of the evidence graph. `evidence.json` holds every source, finding,
//! claim, stance, topic and gap with its id, URL and fields; its shape is documented in
//! docs/evidence-json.md. Maps are ordered and numbers print as given, so the file is byte-stable.

use std::collections::BTreeMap;

use std::io::Write;

use serde::Serialize;
use serde_json::{json, Map, Value as Json};

use crate::diagnostic::Diagnostic;
use crate::layout::OutputFile;
use crate::markdown::slugify;
use crate::model::*;
use crate::render::tables::{csv_line, csv_to, num, table_view, PROVENANCE_COLUMNS};

pub const EVIDENCE_JSON_VERSION: u32 = 2;

/// Indented JSON and a newline: serialising a JSON value cannot fail, so nothing is dropped.
pub(crate) fn json_pretty(v: &Json) -> Vec<u8> {
    format!("{v:#}\n").into_bytes()
}

fn opt(v: &Option<String>) -> Json {
    v.as_ref().map_or(Json::Null, |s| Json::String(s.clone()))
}

/// A number as the YAML gives it: `239000`, not `239000.0`.
pub(crate) fn json_number(n: f64) -> Json {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        json!(n as i64)
    } else {
        json!(n)
    }
}

fn value(v: &Value) -> Json {
    let mut m = Map::new();
    m.insert("kind".into(), json!(v.kind.key()));
    let n = json_number;
    match v.amount {
        Amount::Number(x) => {
            m.insert("number".into(), n(x));
        }
        Amount::Range { min, max } => {
            m.insert("min".into(), n(min));
            m.insert("max".into(), n(max));
        }
        Amount::Fraction {
            numerator,
            denominator,
        } => {
            m.insert("numerator".into(), n(numerator));
            m.insert("denominator".into(), n(denominator));
        }
    }
    if let Some(c) = &v.currency {
        m.insert("currency".into(), json!(c));
    }
    if let Some(s) = v.scale {
        m.insert("scale".into(), json!(s.key()));
    }
    if let Some(q) = &v.qualifier {
        m.insert("qualifier".into(), json!(q));
    }
    if let Some(p) = &v.per {
        m.insert("per".into(), json!(p));
    }
    Json::Object(m)
}

/// A finding's structured value as compact JSON, as `evidence.json` prints it: how versions are
/// compared.
pub(crate) fn value_key(v: &Value) -> String {
    value(v).to_string()
}

/// The release record of the site's current version: `evidence.json` with a `release` object
/// (`version`, `date`). What `evident release` stores in `releases/<version>.json`.
pub fn release_json(site: &Site, version: &str, date: &str) -> Vec<u8> {
    let release = json!({"version": version, "date": date});
    let mut bytes = Vec::new();
    // Gathering the parts in memory cannot fail.
    let _ = written_in_parts(
        "",
        PART,
        &mut |part| {
            bytes.extend_from_slice(&part.bytes);
            Ok(())
        },
        |w| write_document(w, site, Some(&release), None),
    );
    bytes
}

/// `evidence.json`, handed to `sink` in parts of about a megabyte as it is serialised, in order:
/// indented JSON as [`json_pretty`] prints it, never whole in memory (at 100,000 findings the
/// file is about 90 MB). Each finding's entries are `kept`'s where given. Stops at the sink's
/// first error.
pub fn evidence_json(
    site: &Site,
    kept: KeptExports<'_>,
    path: &str,
    sink: &mut dyn FnMut(OutputFile) -> Result<(), Diagnostic>,
) -> Result<(), Diagnostic> {
    written_in_parts(path, PART, sink, |w| write_document(w, site, None, kept))
}

/// Indented JSON and a newline, handed to `sink` in parts of about `part` bytes as it is
/// serialised.
#[cfg(test)]
fn pretty_parts(
    doc: &impl Serialize,
    path: &str,
    part: usize,
    sink: &mut dyn FnMut(OutputFile) -> Result<(), Diagnostic>,
) -> Result<(), Diagnostic> {
    written_in_parts(path, part, sink, |w| pretty_at(w, 0, doc))
}

/// What `write` writes and a newline, handed to `sink` in parts of about `part` bytes as it is
/// written.
fn written_in_parts(
    path: &str,
    part: usize,
    sink: &mut dyn FnMut(OutputFile) -> Result<(), Diagnostic>,
    write: impl FnOnce(&mut Parts) -> std::io::Result<()>,
) -> Result<(), Diagnostic> {
    let mut parts = Parts::new(path, part, sink);
    // Every map key is a string, so writing fails only when the sink does.
    let written = write(&mut parts);
    parts.finish(if written.is_ok() { b"\n" } else { b"" })
}

/// How much of `evidence.json` is gathered before it is handed over.
const PART: usize = 1 << 20;

/// A writer that hands what is written to a sink in parts of `part` bytes or a little more.
struct Parts<'a> {
    path: &'a str,
    part: usize,
    buf: Vec<u8>,
    /// Whether a part has been handed over (the next one carries the file on).
    handed: bool,
    sink: &'a mut dyn FnMut(OutputFile) -> Result<(), Diagnostic>,
    /// Why the sink refused a part.
    failed: Option<Diagnostic>,
}

impl<'a> Parts<'a> {
    fn new(
        path: &'a str,
        part: usize,
        sink: &'a mut dyn FnMut(OutputFile) -> Result<(), Diagnostic>,
    ) -> Self {
        Parts {
            path,
            part,
            buf: Vec::with_capacity(part),
            handed: false,
            sink,
            failed: None,
        }
    }

    /// Hands over the last part, with `tail` after what was written, unless the sink refused a
    /// part: then its error.
    fn finish(mut self, tail: &[u8]) -> Result<(), Diagnostic> {
        if let Some(d) = self.failed.take() {
            return Err(d);
        }
        self.buf.extend_from_slice(tail);
        self.hand()
    }

    fn hand(&mut self) -> Result<(), Diagnostic> {
        let part = OutputFile {
            path: self.path.to_string(),
            bytes: std::mem::replace(&mut self.buf, Vec::with_capacity(self.part)),
            more: self.handed,
            unchanged: false,
        };
        self.handed = true;
        (self.sink)(part)
    }

    /// Hands over a full part, keeping why the sink refused it.
    #[cold]
    fn hand_full(&mut self) -> std::io::Result<()> {
        self.hand().map_err(|d| {
            self.failed = Some(d);
            std::io::Error::other("the sink refused a part")
        })
    }
}

impl std::io::Write for Parts<'_> {
    // serde_json writes a few bytes at a time (a key, a colon, an indent), millions of times for
    // a large site: each write is kept to a copy and a comparison.
    #[inline]
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.write_all(bytes).map(|()| bytes.len())
    }

    #[inline]
    fn write_all(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.buf.extend_from_slice(bytes);
        if self.buf.len() >= self.part {
            return self.hand_full();
        }
        Ok(())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// `evidence.json`'s document, written to `w` as serde_json's pretty printer would write it,
/// its keys in sorted order (as a `serde_json::Map` prints them): each node made into a small
/// JSON value as it is written, and dropped, or, for a finding, its entries as `kept`.
fn write_document<W: Write>(
    w: &mut W,
    site: &Site,
    release: Option<&Json>,
    kept: KeptExports<'_>,
) -> std::io::Result<()> {
    let c = &site.config;
    let url = |path: String| format!("{}{path}", c.base_url);
    let mut doc = Object::open(w)?;
    doc.list(
        "claims",
        site.claims.values().map(|x| Item::Made(claim(x, &url))),
    )?;
    match kept {
        Some(kept) => doc.list(
            "findings",
            kept.iter().map(|k| Item::<()>::Kept(&k.evidence)),
        )?,
        None => doc.list(
            "findings",
            site.findings.values().map(|x| Item::Made(finding(x, &url))),
        )?,
    }
    doc.entry("format", &"evident-evidence")?;
    doc.entry("format_version", &EVIDENCE_JSON_VERSION)?;
    doc.list("gaps", site.gaps.values().map(|x| Item::Made(gap(x, &url))))?;
    if let Some(release) = release {
        doc.entry("release", release)?;
    }
    let about = json!({
        "title": c.title,
        "base_url": c.base_url,
        "version": opt(&c.version),
        "date": opt(&c.date),
        "license": opt(&c.license),
    });
    doc.entry("site", &about)?;
    doc.list(
        "sources",
        site.sources.values().map(|x| Item::Made(source(x, &url))),
    )?;
    // A withdrawn finding is in the graph (its page stays), but it no longer bears on claims.
    match kept {
        Some(kept) => {
            let stances = kept.iter().flat_map(|k| k.stances.iter());
            doc.list("stances", stances.map(|s| Item::<()>::Kept(s)))?
        }
        None => {
            let stances = site.findings.values().flat_map(|f| stances_of(f));
            doc.list("stances", stances.map(Item::Made))?
        }
    }
    let topics = site.topics_in_order().into_iter();
    doc.list("topics", topics.map(|t| Item::Made(topic(site, t, &url))))?;
    doc.close()
}

/// An item of a list in `evidence.json`: made as it is written, or its text as kept (indented as
/// the list's items are).
enum Item<'a, T> {
    Made(T),
    Kept(&'a str),
}

/// A JSON object at the top of a document, written one entry at a time as serde_json's pretty
/// printer writes one (two spaces a level).
struct Object<'a, W> {
    w: &'a mut W,
    empty: bool,
}

impl<'a, W: Write> Object<'a, W> {
    fn open(w: &'a mut W) -> std::io::Result<Self> {
        w.write_all(b"{")?;
        Ok(Object { w, empty: true })
    }

    /// Starts an entry (keys are plain words, with nothing to escape).
    fn key(&mut self, key: &str) -> std::io::Result<()> {
        let lead: &[u8] = if self.empty { b"\n  \"" } else { b",\n  \"" };
        self.empty = false;
        self.w.write_all(lead)?;
        self.w.write_all(key.as_bytes())?;
        self.w.write_all(b"\": ")
    }

    fn entry(&mut self, key: &str, value: &impl Serialize) -> std::io::Result<()> {
        self.key(key)?;
        pretty_at(self.w, 1, value)
    }

    fn list<'i, T: Serialize>(
        &mut self,
        key: &str,
        items: impl Iterator<Item = Item<'i, T>>,
    ) -> std::io::Result<()> {
        self.key(key)?;
        self.w.write_all(b"[")?;
        let mut empty = true;
        for item in items {
            self.w
                .write_all(if empty { b"\n    " } else { b",\n    " })?;
            empty = false;
            match item {
                Item::Made(value) => pretty_at(self.w, 2, &value)?,
                Item::Kept(text) => self.w.write_all(text.as_bytes())?,
            }
        }
        self.w.write_all(if empty { b"]" } else { b"\n  ]" })
    }

    fn close(self) -> std::io::Result<()> {
        self.w.write_all(if self.empty { b"}" } else { b"\n}" })
    }
}

/// Writes `value` as serde_json's pretty printer does, nested `depth` levels deep: each line
/// after the first indented two spaces a level.
fn pretty_at<W: Write>(w: &mut W, depth: usize, value: &impl Serialize) -> std::io::Result<()> {
    let nested = Nested {
        depth,
        has_value: false,
    };
    let mut serializer = serde_json::Serializer::with_formatter(w, nested);
    value
        .serialize(&mut serializer)
        .map_err(std::io::Error::other)
}

/// serde_json's `PrettyFormatter` (two spaces a level), starting `depth` levels deep.
struct Nested {
    depth: usize,
    has_value: bool,
}

impl Nested {
    fn line<W: Write + ?Sized>(&self, w: &mut W, lead: &[u8]) -> std::io::Result<()> {
        w.write_all(lead)?;
        (0..self.depth).try_for_each(|_| w.write_all(b"  "))
    }

    fn open<W: Write + ?Sized>(&mut self, w: &mut W, bracket: &[u8]) -> std::io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    fn close<W: Write + ?Sized>(&mut self, w: &mut W, bracket: &[u8]) -> std::io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.line(w, b"\n")?;
        }
        w.write_all(bracket)
    }

    fn item<W: Write + ?Sized>(&mut self, w: &mut W, first: bool) -> std::io::Result<()> {
        self.line(w, if first { b"\n" } else { b",\n" })
    }
}

impl serde_json::ser::Formatter for Nested {
    fn begin_array<W: Write + ?Sized>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"[")
    }

    fn end_array<W: Write + ?Sized>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"]")
    }

    fn begin_array_value<W: Write + ?Sized>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.item(w, first)
    }

    fn end_array_value<W: Write + ?Sized>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: Write + ?Sized>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"{")
    }

    fn end_object<W: Write + ?Sized>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"}")
    }

    fn begin_object_key<W: Write + ?Sized>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.item(w, first)
    }

    fn begin_object_value<W: Write + ?Sized>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: Write + ?Sized>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// A finding's text in each file of the evidence graph, made from the finding and the site's
/// base URL alone, so that `serve` can keep it while the finding is unchanged (see
/// `render::files::FilesMemo`): one finding edited costs one finding's text.
pub(crate) struct FindingExports {
    /// Its entry in `evidence.json`'s `findings`, indented as there.
    evidence: Box<str>,
    /// Its entries in `evidence.json`'s `stances` (none for a withdrawn finding).
    stances: Box<[Box<str>]>,
    /// Its line of `downloads/findings.csv`.
    row: Box<str>,
    /// Its lines of `downloads/stances.csv`.
    stance_rows: Box<str>,
}

/// Each finding's [`FindingExports`] in the site's order, where they were kept.
pub(crate) type KeptExports<'a> = Option<&'a [&'a FindingExports]>;

impl FindingExports {
    pub fn new(f: &Finding, base_url: &str) -> Self {
        let url = |path: String| format!("{base_url}{path}");
        let mut row = String::new();
        csv_line(&mut row, &finding_row(f, base_url));
        let mut stance_lines = String::new();
        for cells in stance_rows(f) {
            csv_line(&mut stance_lines, &cells);
        }
        FindingExports {
            evidence: item_text(&finding(f, &url)),
            stances: stances_of(f).map(|s| item_text(&s)).collect(),
            row: row.into_boxed_str(),
            stance_rows: stance_lines.into_boxed_str(),
        }
    }
}

/// `value` as a list item of `evidence.json`: [`pretty_at`] two levels deep.
fn item_text(value: &impl Serialize) -> Box<str> {
    let mut bytes = Vec::new();
    // Writing into a `Vec` cannot fail.
    let _ = pretty_at(&mut bytes, 2, value);
    String::from_utf8(bytes)
        .unwrap_or_default()
        .into_boxed_str()
}

/// A finding's stances as `evidence.json` lists them ([`bearing`]).
fn stances_of(f: &Finding) -> impl Iterator<Item = StanceJson<'_>> {
    bearing(f).iter().map(move |s| stance(f, s))
}

/// A finding's stances as the graph's files give them: none for a withdrawn finding, which no
/// longer bears on claims.
fn bearing(f: &Finding) -> &[Stance] {
    if f.counts() {
        &f.stances
    } else {
        &[]
    }
}

// Each node of `evidence.json` is written from borrowed fields, its keys in sorted order (as a
// `serde_json::Map` prints them), without building a JSON value first: at 10,000 findings that
// was a tree of small strings per node, made and freed on every build.

/// A person as `evidence.json` writes one: `{"family", "given"}` or `{"literal"}`.
#[derive(Serialize)]
#[serde(untagged)]
enum PersonJson<'a> {
    Name {
        family: &'a str,
        given: &'a Option<String>,
    },
    Literal {
        literal: &'a str,
    },
}

fn people(list: &[Person]) -> Vec<PersonJson<'_>> {
    (list.iter())
        .map(|p| match p {
            Person::Name { family, given } => PersonJson::Name { family, given },
            Person::Literal(literal) => PersonJson::Literal { literal },
        })
        .collect()
}

#[derive(Serialize)]
struct SourceJson<'a> {
    accessed: Option<String>,
    authors: Vec<PersonJson<'a>>,
    collection_title: &'a Option<String>,
    container_authors: Vec<PersonJson<'a>>,
    container_title: &'a Option<String>,
    date: String,
    design: &'a str,
    doi: &'a Option<String>,
    editors: Vec<PersonJson<'a>>,
    id: &'a str,
    isbn: &'a Option<String>,
    issn: &'a Option<String>,
    issue: &'a Option<String>,
    kind: &'a str,
    notes: &'a [String],
    pages: &'a Option<String>,
    publisher: &'a Option<String>,
    publisher_place: &'a Option<String>,
    publisher_url: &'a Option<String>,
    repository_url: &'a Option<String>,
    title: &'a str,
    #[serde(rename = "type")]
    source_type: &'a str,
    unverified: &'a BTreeMap<String, String>,
    url: String,
    volume: &'a Option<String>,
}

fn source<'a>(s: &'a Source, url: &dyn Fn(String) -> String) -> SourceJson<'a> {
    SourceJson {
        accessed: s.accessed.as_ref().map(Date::iso),
        authors: people(&s.authors),
        collection_title: &s.collection_title,
        container_authors: people(&s.container_authors),
        container_title: &s.container_title,
        date: s.date.iso(),
        design: &s.design.key,
        doi: &s.doi,
        editors: people(&s.editors),
        id: s.id.as_str(),
        isbn: &s.isbn,
        issn: &s.issn,
        issue: &s.issue,
        kind: &s.kind.key,
        notes: &s.notes,
        pages: &s.pages,
        publisher: &s.publisher,
        publisher_place: &s.publisher_place,
        publisher_url: &s.url,
        repository_url: &s.repository_url,
        title: &s.title,
        source_type: s.source_type.csl(),
        unverified: &s.unverified,
        url: url(s.id.path()),
        volume: &s.volume,
    }
}

#[derive(Serialize)]
struct FindingJson<'a> {
    figure: Option<&'a str>,
    id: &'a str,
    locator: &'a str,
    notes: &'a [String],
    origin: Option<&'a str>,
    period: &'a Option<String>,
    place: &'a Option<String>,
    population: &'a Option<String>,
    quote: &'a str,
    source: &'a str,
    statement: &'a str,
    study: &'a str,
    url: String,
    value: Option<Json>,
    withdrawn: Option<WithdrawnJson<'a>>,
}

#[derive(Serialize)]
struct WithdrawnJson<'a> {
    date: &'a str,
    reason: &'a str,
    replaced_by: Option<&'a str>,
}

fn finding<'a>(f: &'a Finding, url: &dyn Fn(String) -> String) -> FindingJson<'a> {
    FindingJson {
        figure: f.figure.as_ref().map(|x| x.text.as_str()),
        id: f.id.as_str(),
        locator: &f.locator,
        notes: &f.notes,
        origin: f.origin.as_ref().map(|o| o.as_str()),
        period: &f.period,
        place: &f.place,
        population: &f.population,
        quote: &f.quote,
        source: f.source.as_str(),
        statement: &f.statement,
        study: f.study().as_str(),
        url: url(f.id.path()),
        value: f.figure.as_ref().map(|x| value(&x.value)),
        withdrawn: f.withdrawn.as_ref().map(|w| WithdrawnJson {
            date: &w.date,
            reason: &w.reason,
            replaced_by: w.replaced_by.as_ref().map(|r| r.as_str()),
        }),
    }
}

#[derive(Serialize)]
struct StanceJson<'a> {
    claim: &'a str,
    finding: &'a str,
    reason: &'a str,
    stance: &'a str,
}

fn stance<'a>(f: &'a Finding, s: &'a Stance) -> StanceJson<'a> {
    StanceJson {
        claim: s.claim.as_str(),
        finding: f.id.as_str(),
        reason: &s.reason,
        stance: s.kind.key(),
    }
}

#[derive(Serialize)]
struct ClaimJson<'a> {
    id: &'a str,
    summary: &'a Option<String>,
    title: &'a str,
    topic: &'a str,
    url: String,
}

fn claim<'a>(c: &'a Claim, url: &dyn Fn(String) -> String) -> ClaimJson<'a> {
    ClaimJson {
        id: c.id.as_str(),
        summary: &c.summary,
        title: &c.title,
        topic: c.topic.as_str(),
        url: url(c.id.path()),
    }
}

#[derive(Serialize)]
struct TopicJson<'a> {
    claims: Vec<&'a str>,
    id: &'a str,
    question: &'a Option<String>,
    summary: &'a Option<String>,
    title: &'a str,
    url: String,
}

fn topic<'a>(site: &'a Site, t: &'a Topic, url: &dyn Fn(String) -> String) -> TopicJson<'a> {
    TopicJson {
        claims: site
            .claims_of(&t.id)
            .iter()
            .map(|c| c.id.as_str())
            .collect(),
        id: t.id.as_str(),
        question: &t.question,
        summary: &t.summary,
        title: &t.title,
        url: url(t.id.path()),
    }
}

#[derive(Serialize)]
struct GapJson<'a> {
    claims: Vec<&'a str>,
    expected: &'a Option<String>,
    id: &'a str,
    locator: &'a str,
    origin: Option<&'a str>,
    quote: &'a str,
    source: &'a str,
    title: &'a str,
    url: String,
}

fn gap<'a>(g: &'a Gap, url: &dyn Fn(String) -> String) -> GapJson<'a> {
    GapJson {
        claims: g.claims.iter().map(|c| c.as_str()).collect(),
        expected: &g.expected,
        id: g.id.as_str(),
        locator: &g.locator,
        origin: g.origin.as_ref().map(|o| o.as_str()),
        quote: &g.quote,
        source: g.source.as_str(),
        title: &g.title,
        url: url(g.id.path()),
    }
}

/// A CSV resource of the evidence graph: its path, columns (name, Table Schema type) and rows.
/// The rows are made as the CSV is written, one at a time: the findings table of a large site is
/// tens of megabytes of strings.
struct GraphTable<'s> {
    name: &'static str,
    title: &'static str,
    fields: Vec<(&'static str, &'static str)>,
    rows: Box<dyn Iterator<Item = Row<'s>> + 's>,
    primary_key: Option<&'static str>,
    foreign_keys: Vec<(&'static str, &'static str)>,
}

/// A row of a graph table: its cells, or (for a finding, [`FindingExports`]) its lines as kept.
enum Row<'s> {
    Cells(Vec<String>),
    Lines(&'s str),
}

fn s(o: &Option<String>) -> String {
    o.clone().unwrap_or_default()
}

fn graph<'s>(site: &'s Site, kept: KeptExports<'s>) -> Vec<GraphTable<'s>> {
    vec![
        sources_table(site),
        findings_table(site, kept),
        claims_table(site),
        stances_table(site, kept),
        topics_table(site),
        gaps_table(site),
    ]
}

fn sources_table(site: &Site) -> GraphTable<'_> {
    let base = &site.config.base_url;
    let names = |ps: &[Person]| {
        ps.iter()
            .map(Person::display)
            .collect::<Vec<_>>()
            .join("; ")
    };
    GraphTable {
        name: "sources",
        title: "Sources",
        fields: vec![
            ("id", "string"),
            ("url", "string"),
            ("type", "string"),
            ("kind", "string"),
            ("design", "string"),
            ("title", "string"),
            ("authors", "string"),
            ("date", "string"),
            ("container_title", "string"),
            ("volume", "string"),
            ("issue", "string"),
            ("pages", "string"),
            ("publisher", "string"),
            ("doi", "string"),
            ("isbn", "string"),
            ("issn", "string"),
            ("publisher_url", "string"),
            ("unverified_fields", "string"),
        ],
        rows: Box::new(
            site.sources
                .values()
                .map(move |x| {
                    vec![
                        x.id.0.clone(),
                        format!("{base}{}", x.id.path()),
                        x.source_type.csl().into(),
                        x.kind.key.clone(),
                        x.design.key.clone(),
                        x.title.clone(),
                        names(&x.authors),
                        x.date.iso(),
                        s(&x.container_title),
                        s(&x.volume),
                        s(&x.issue),
                        s(&x.pages),
                        s(&x.publisher),
                        s(&x.doi),
                        s(&x.isbn),
                        s(&x.issn),
                        s(&x.url),
                        x.unverified.keys().cloned().collect::<Vec<_>>().join("; "),
                    ]
                })
                .map(Row::Cells),
        ),
        primary_key: Some("id"),
        foreign_keys: vec![],
    }
}

fn findings_table<'s>(site: &'s Site, kept: KeptExports<'s>) -> GraphTable<'s> {
    let base = &site.config.base_url;
    GraphTable {
        name: "findings",
        title: "Findings",
        fields: vec![
            ("id", "string"),
            ("url", "string"),
            ("statement", "string"),
            ("figure", "string"),
            ("value_kind", "string"),
            ("number", "number"),
            ("min", "number"),
            ("max", "number"),
            ("numerator", "number"),
            ("denominator", "number"),
            ("scale", "string"),
            ("qualifier", "string"),
            ("per", "string"),
            ("currency", "string"),
            ("source", "string"),
            ("origin", "string"),
            ("study", "string"),
            ("locator", "string"),
            ("quote", "string"),
            ("population", "string"),
            ("period", "string"),
            ("place", "string"),
            ("withdrawn", "date"),
        ],
        rows: match kept {
            Some(kept) => Box::new(kept.iter().map(|k| Row::Lines(&k.row))),
            None => Box::new(
                site.findings
                    .values()
                    .map(|f| Row::Cells(finding_row(f, base))),
            ),
        },
        primary_key: Some("id"),
        foreign_keys: vec![("source", "sources")],
    }
}

/// A finding's row of `downloads/findings.csv`.
fn finding_row(f: &Finding, base: &str) -> Vec<String> {
    let mut row = vec![
        f.id.0.clone(),
        format!("{base}{}", f.id.path()),
        f.statement.clone(),
    ];
    row.extend(figure_cells(f.figure.as_ref()));
    row.extend([
        f.source.0.clone(),
        f.origin.as_ref().map(|o| o.0.clone()).unwrap_or_default(),
        f.study().0.clone(),
        f.locator.clone(),
        f.quote.clone(),
        s(&f.population),
        s(&f.period),
        s(&f.place),
        f.withdrawn
            .as_ref()
            .map(|w| w.date.clone())
            .unwrap_or_default(),
    ]);
    row
}

/// A finding's rows of `downloads/stances.csv` ([`bearing`]).
fn stance_rows(f: &Finding) -> impl Iterator<Item = Vec<String>> + '_ {
    bearing(f).iter().map(move |st| {
        vec![
            f.id.0.clone(),
            st.claim.0.clone(),
            st.kind.key().into(),
            st.reason.clone(),
        ]
    })
}

/// The figure and value columns of a finding's row: empty for a qualitative finding.
fn figure_cells(figure: Option<&Figure>) -> [String; 11] {
    let Some(x) = figure else {
        return Default::default();
    };
    let v = &x.value;
    let n = |x: f64| num(x);
    let e = String::new;
    let (number, min, max, nu, de) = match v.amount {
        Amount::Number(x) => (n(x), e(), e(), e(), e()),
        Amount::Range { min, max } => (e(), n(min), n(max), e(), e()),
        Amount::Fraction {
            numerator,
            denominator,
        } => (e(), e(), e(), n(numerator), n(denominator)),
    };
    [
        x.text.clone(),
        v.kind.key().into(),
        number,
        min,
        max,
        nu,
        de,
        v.scale.map(|x| x.key().to_string()).unwrap_or_default(),
        s(&v.qualifier),
        s(&v.per),
        s(&v.currency),
    ]
}

fn claims_table(site: &Site) -> GraphTable<'_> {
    let base = &site.config.base_url;
    GraphTable {
        name: "claims",
        title: "Claims",
        fields: vec![
            ("id", "string"),
            ("url", "string"),
            ("title", "string"),
            ("topic", "string"),
            ("summary", "string"),
        ],
        rows: Box::new(
            site.claims
                .values()
                .map(move |c| {
                    vec![
                        c.id.0.clone(),
                        format!("{base}{}", c.id.path()),
                        c.title.clone(),
                        c.topic.0.clone(),
                        s(&c.summary),
                    ]
                })
                .map(Row::Cells),
        ),
        primary_key: Some("id"),
        foreign_keys: vec![("topic", "topics")],
    }
}

fn stances_table<'s>(site: &'s Site, kept: KeptExports<'s>) -> GraphTable<'s> {
    GraphTable {
        name: "stances",
        title: "Stances of findings on claims",
        fields: vec![
            ("finding", "string"),
            ("claim", "string"),
            ("stance", "string"),
            ("reason", "string"),
        ],
        rows: match kept {
            Some(kept) => Box::new(kept.iter().map(|k| Row::Lines(&k.stance_rows))),
            None => Box::new(
                site.findings
                    .values()
                    .flat_map(|f| stance_rows(f).map(Row::Cells)),
            ),
        },
        primary_key: None,
        foreign_keys: vec![("finding", "findings"), ("claim", "claims")],
    }
}

fn topics_table(site: &Site) -> GraphTable<'_> {
    let base = &site.config.base_url;
    GraphTable {
        name: "topics",
        title: "Topics",
        fields: vec![
            ("id", "string"),
            ("url", "string"),
            ("title", "string"),
            ("question", "string"),
        ],
        rows: Box::new(
            site.topics_in_order()
                .into_iter()
                .map(move |t| {
                    vec![
                        t.id.0.clone(),
                        format!("{base}{}", t.id.path()),
                        t.title.clone(),
                        s(&t.question),
                    ]
                })
                .map(Row::Cells),
        ),
        primary_key: Some("id"),
        foreign_keys: vec![],
    }
}

fn gaps_table(site: &Site) -> GraphTable<'_> {
    let base = &site.config.base_url;
    GraphTable {
        name: "gaps",
        title: "Gaps: evidence referred to but not given",
        fields: vec![
            ("id", "string"),
            ("url", "string"),
            ("title", "string"),
            ("source", "string"),
            ("locator", "string"),
            ("quote", "string"),
            ("claims", "string"),
        ],
        rows: Box::new(
            site.gaps
                .values()
                .map(move |g| {
                    vec![
                        g.id.0.clone(),
                        format!("{base}{}", g.id.path()),
                        g.title.clone(),
                        g.source.0.clone(),
                        g.locator.clone(),
                        g.quote.clone(),
                        g.claims
                            .iter()
                            .map(move |c| c.0.clone())
                            .collect::<Vec<_>>()
                            .join("; "),
                    ]
                })
                .map(Row::Cells),
        ),
        primary_key: Some("id"),
        foreign_keys: vec![("source", "sources")],
    }
}

/// The evidence graph's tables as CSV downloads under `downloads/`, after the data package that
/// describes them (at `package`), handed to `sink` as they are made: each file in parts of about
/// a megabyte, so that no table is whole in memory (at 100,000 findings the findings' table is
/// tens of megabytes). Stops at the sink's first error.
pub fn graph_files(
    site: &Site,
    kept: KeptExports<'_>,
    package: &str,
    sink: &mut dyn FnMut(OutputFile) -> Result<(), Diagnostic>,
) -> Result<(), Diagnostic> {
    graph_files_in(site, kept, package, PART, sink)
}

/// [`graph_files`], in parts of about `part` bytes.
fn graph_files_in(
    site: &Site,
    kept: KeptExports<'_>,
    package: &str,
    part: usize,
    sink: &mut dyn FnMut(OutputFile) -> Result<(), Diagnostic>,
) -> Result<(), Diagnostic> {
    let graph = graph(site, kept);
    sink(OutputFile::new(package, datapackage(site, &graph)))?;
    for t in graph {
        let header: Vec<String> = t.fields.iter().map(|(n, _)| n.to_string()).collect();
        let path = format!("downloads/{}.csv", t.name);
        let mut parts = Parts::new(&path, part, sink);
        let _ = table_csv(&mut parts, &header, t.rows);
        parts.finish(b"")?;
    }
    Ok(())
}

/// A graph table as CSV ([`crate::render::tables::csv`]), row by row; fails only when `w` does.
fn table_csv<'s>(
    w: &mut dyn Write,
    header: &[String],
    rows: impl Iterator<Item = Row<'s>>,
) -> std::io::Result<()> {
    csv_to(w, header, std::iter::empty::<Vec<String>>())?;
    let mut buf = String::new();
    for row in rows {
        match row {
            Row::Cells(cells) => {
                buf.clear();
                csv_line(&mut buf, &cells);
                w.write_all(buf.as_bytes())?;
            }
            Row::Lines(lines) => w.write_all(lines.as_bytes())?,
        }
    }
    Ok(())
}

/// A Frictionless Data Package describing every download.
fn datapackage(site: &Site, graph: &[GraphTable]) -> Vec<u8> {
    let license = site
        .config
        .license
        .as_ref()
        .map(|l| vec![json!({"name": l})]);
    let mut resources = Vec::new();
    for t in graph {
        let mut schema = json!({
            "fields": t.fields.iter().map(|(n, ty)| json!({"name": n, "type": ty})).collect::<Vec<_>>(),
            "missingValues": [""],
        });
        if let Some(pk) = t.primary_key {
            schema["primaryKey"] = json!(pk);
        }
        if !t.foreign_keys.is_empty() {
            schema["foreignKeys"] = json!(t
                .foreign_keys
                .iter()
                .map(|(f, r)| json!({"fields": f, "reference": {"resource": r, "fields": "id"}}))
                .collect::<Vec<_>>());
        }
        resources.push(json!({
            "name": t.name,
            "title": t.title,
            "path": format!("downloads/{}.csv", t.name),
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "profile": "tabular-data-resource",
            "schema": schema,
        }));
    }
    for ds in site.datasets.values() {
        let mut fields: Vec<Json> = ds
            .fields
            .iter()
            .map(|f| {
                let mut m =
                    json!({"name": f.name, "title": f.title, "type": f.field_type.table_schema()});
                if let Some(d) = &f.description {
                    m["description"] = json!(d);
                }
                if let Some(u) = &f.unit {
                    m["unit"] = json!(u);
                }
                m
            })
            .collect();
        fields.extend(
            PROVENANCE_COLUMNS
                .iter()
                .map(|n| json!({"name": n, "type": "string"})),
        );
        resources.push(json!({
            "name": format!("dataset-{}", ds.id),
            "title": ds.title,
            "description": ds.description.clone().unwrap_or_else(|| ds.title.clone()),
            "path": format!("datasets/{}.csv", ds.id),
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "profile": "tabular-data-resource",
            "schema": {"fields": fields, "missingValues": [""]},
        }));
    }
    for t in site.tables.values() {
        let v = table_view(site, t);
        let mut names = vec!["item".to_string()];
        names.extend(v.columns.iter().cloned());
        names.extend(PROVENANCE_COLUMNS.map(String::from));
        resources.push(json!({
            "name": format!("table-{}", t.id),
            "title": t.title,
            "description": t.caption,
            "path": format!("tables/{}.csv", t.id),
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "profile": "tabular-data-resource",
            "schema": {"fields": names.iter().map(|n| json!({"name": n, "type": "string"})).collect::<Vec<_>>(), "missingValues": [""]},
        }));
    }
    let mut doc = json!({
        "profile": "tabular-data-package",
        "name": slugify(&site.config.title),
        "title": site.config.title,
        "homepage": site.config.base_url,
        "resources": resources,
    });
    if let Some(v) = &site.config.version {
        doc["version"] = json!(v);
    }
    if let Some(d) = &site.config.date {
        doc["created"] = json!(format!("{d}T00:00:00Z"));
    }
    if let Some(l) = license {
        doc["licenses"] = json!(l);
    }
    if let Some(d) = &site.config.description {
        doc["description"] = json!(d);
    }
    json_pretty(&doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The valid fixture, with a withdrawn finding replaced by another, a range, and a source by
    /// a named author without a given name and an organisation.
    fn fixture_site() -> Site {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid");
        let (mut inputs, _) = crate::load::load(&root, None);
        let edit = |inputs: &mut crate::load::Inputs, path: &str, from: &str, to: &str| {
            let text = inputs.text(std::path::Path::new(path)).unwrap();
            assert!(text.contains(from), "{path} has no {from:?}");
            let text = text.replacen(from, to, 1);
            inputs.insert_text(path, text);
        };
        edit(
            &mut inputs,
            "data/findings/s1.yaml",
            "      - {claim: users-lead, stance: contradicts, reason: \"few\"}\n",
            "      - {claim: users-lead, stance: contradicts, reason: \"few\"}\n    withdrawn: {date: \"2026-02-01\", reason: Misread., replaced_by: staff-lead}\n",
        );
        edit(
            &mut inputs,
            "data/findings/s1.yaml",
            "value: {kind: percent, number: 72}",
            "value: {kind: percent, min: 70, max: 72.5}",
        );
        edit(
            &mut inputs,
            "content/sources/s1.md",
            "  - {family: Beresford, given: Peter}\n",
            "  - {family: Beresford}\n  - {literal: Care Quality Commission}\n",
        );
        let (parsed, _) = crate::parse::parse(&inputs, &crate::load::Disk);
        let (site, _, _) = crate::resolve::resolve(parsed, &crate::model::Environment::default());
        site
    }

    /// Whether every object in `v`, however deep, has its keys in sorted order as written.
    fn keys_sorted(text: &str) -> bool {
        let mut de = serde_json::Deserializer::from_str(text);
        let v: serde_json::Value = serde::Deserialize::deserialize(&mut de).unwrap();
        // A `Map` sorts its keys: printing it again gives the same text only if they were.
        format!("{v:#}\n") == text
    }

    #[test]
    fn evidence_json_writes_each_kind_of_node_with_its_keys_sorted() {
        let site = fixture_site();
        let bytes = release_json(&site, "1.0", "2026-01-10");
        let text = String::from_utf8(bytes).unwrap();
        assert!(keys_sorted(&text), "{text}");
        let v: Json = serde_json::from_str(&text).unwrap();
        let finding = |id: &str| {
            (v["findings"].as_array().unwrap().iter())
                .find(|f| f["id"] == id)
                .cloned()
                .unwrap()
        };
        assert_eq!(
            finding("users-two")["withdrawn"],
            json!({"date": "2026-02-01", "reason": "Misread.", "replaced_by": "staff-lead"})
        );
        assert_eq!(
            finding("staff-lead")["value"],
            json!({"kind": "percent", "min": 70, "max": 72.5})
        );
        assert_eq!(finding("staff-lead")["withdrawn"], Json::Null);
        assert_eq!(finding("staff-lead")["period"], Json::Null);
        assert_eq!(finding("staff-lead")["origin"], Json::Null);
        assert_eq!(
            finding("staff-lead")["url"],
            "https://example.org/sub/findings/staff-lead/"
        );
        let s1 = &v["sources"][0];
        assert_eq!(
            s1["authors"],
            json!([{"family": "Beresford", "given": null}, {"literal": "Care Quality Commission"}])
        );
        assert_eq!(s1["type"], "article-newspaper");
        assert_eq!(s1["unverified"], json!({"date": "guess"}));
        assert_eq!(s1["editors"], json!([]));
        // The withdrawn finding no longer bears on claims.
        let stances = v["stances"].as_array().unwrap();
        assert!(stances.iter().all(|s| s["finding"] != "users-two"));
        assert!(stances.iter().any(|s| s["finding"] == "staff-lead"
            && s["claim"] == "users-lead"
            && s["stance"] == "contradicts"));
        assert!(v["gaps"].as_array().is_some_and(|g| !g.is_empty()));
        assert!(v["topics"][0]["claims"]
            .as_array()
            .is_some_and(|c| !c.is_empty()));
        assert_eq!(
            v["release"],
            json!({"version": "1.0", "date": "2026-01-10"})
        );
    }

    #[test]
    fn a_large_file_is_handed_over_in_parts_that_join_to_the_whole() {
        let doc = json!((0..2000).map(|i| format!("item {i}")).collect::<Vec<_>>());
        let mut parts = Vec::new();
        pretty_parts(&doc, "evidence.json", 1000, &mut |p| {
            parts.push(p);
            Ok(())
        })
        .unwrap();
        assert!(parts.len() > 20, "{} parts", parts.len());
        assert!(!parts[0].more && parts[1..].iter().all(|p| p.more));
        assert!(parts.iter().all(|p| p.path == "evidence.json"));
        let (last, whole) = parts.split_last().unwrap();
        assert!(whole.iter().all(|p| p.bytes.len() >= 1000) && !last.bytes.is_empty());
        let joined = OutputFile::joined(parts);
        assert_eq!(joined.len(), 1);
        assert_eq!(joined[0].bytes, json_pretty(&doc));
        assert!(!joined[0].more);

        // The sink's first error stops the file there.
        let mut handed = 0;
        let err = pretty_parts(&doc, "evidence.json", 1000, &mut |_| {
            handed += 1;
            if handed == 3 {
                Err(Diagnostic::error(
                    crate::diagnostic::Code::IoError,
                    "disk full",
                ))
            } else {
                Ok(())
            }
        });
        assert_eq!(err.unwrap_err().message, "disk full");
        assert_eq!(handed, 3);
    }

    #[test]
    fn the_graph_csv_files_handed_over_in_parts_join_to_the_files_made_whole() {
        let site = fixture_site();
        let files = |part: usize| {
            let mut handed = Vec::new();
            graph_files_in(&site, None, "datapackage.json", part, &mut |f| {
                handed.push(f);
                Ok(())
            })
            .unwrap();
            handed
        };
        let (whole, parts) = (files(PART), files(40));
        assert!(whole.iter().all(|f| !f.more));
        let findings = |f: &&OutputFile| f.path == "downloads/findings.csv";
        assert!(parts.iter().filter(findings).count() > 3);
        assert!(parts
            .iter()
            .filter(|f| f.more)
            .all(|f| f.path.ends_with(".csv")));
        let joined = OutputFile::joined(parts);
        let paths = |fs: &[OutputFile]| fs.iter().map(|f| f.path.clone()).collect::<Vec<_>>();
        assert_eq!(paths(&joined), paths(&whole));
        for (a, b) in joined.iter().zip(&whole) {
            assert_eq!(a.bytes, b.bytes, "{}", a.path);
        }
        let text = String::from_utf8(whole.iter().find(findings).unwrap().bytes.clone()).unwrap();
        assert!(
            text.starts_with("\u{feff}id,") && text.contains("\r\nstaff-lead,"),
            "{text}"
        );
    }
}
