//! The parse stage's records: what each YAML file and front matter block may say, as serde reads
//! it, with the place each value was written (`Spanned`). Unknown keys are refused
//! (`deny_unknown_fields`), so a misspelt key is reported, not ignored. The resolve stage turns
//! these into the model.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::diagnostic::Position;
use crate::model::Body;
use crate::parse::yaml::Spanned;

/// A string (or other value) with the place it was written.
pub(crate) type S<T> = Spanned<T>;

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawConfig {
    pub title: S<String>,
    pub base_url: S<String>,
    pub language: Option<S<String>>,
    pub description: Option<String>,
    pub theme: Option<S<String>>,
    pub version: Option<S<String>>,
    pub date: Option<S<String>>,
    pub publisher: Option<String>,
    pub license: Option<String>,
    pub repository: Option<S<String>>,
    /// How readers reach the publisher: an email (`mailto:`) or web address.
    pub contact: Option<S<String>>,
    #[serde(default)]
    pub raw_html: bool,
    pub highlight_code: Option<bool>,
    /// How many findings the Atom feed lists (0: all).
    pub feed_limit: Option<usize>,
    /// How many findings a page of the findings index lists (0: all on one page).
    pub findings_per_page: Option<usize>,
    #[serde(default)]
    pub menu: Vec<RawMenuItem>,
    /// Stylesheets of the site's own (in `static/`), linked after the theme's.
    #[serde(default)]
    pub stylesheets: Vec<S<String>>,
    /// The kinds of source (key → label), replacing the defaults.
    pub kinds: Option<S<BTreeMap<String, String>>>,
    /// The study designs (key → label), replacing the defaults.
    pub designs: Option<S<BTreeMap<String, String>>>,
    /// Text that looks like a figure but may stand in prose (e.g. a period, "2005 to 2009").
    #[serde(default)]
    pub allowed_in_prose: Vec<String>,
    /// How `evident check --external` requests the addresses the site links to.
    pub external: Option<RawExternal>,
}

/// `external:` in site.yaml: the link check's limits and the addresses it never requests.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawExternal {
    #[serde(default)]
    pub skip: Vec<String>,
    pub concurrency: Option<S<u64>>,
    pub per_host: Option<S<u64>>,
    pub timeout_seconds: Option<S<u64>>,
    pub cache_hours: Option<S<u64>>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawMenuItem {
    #[serde(deserialize_with = "text")]
    pub title: String,
    pub url: S<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPage {
    #[serde(deserialize_with = "text")]
    pub title: String,
    pub description: Option<String>,
    pub template: Option<S<String>>,
    #[serde(default)]
    pub weight: i64,
    #[serde(default)]
    pub draft: bool,
    pub date: Option<S<String>>,
    #[serde(default)]
    pub tags: Vec<S<String>>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPerson {
    pub family: Option<String>,
    pub given: Option<String>,
    pub literal: Option<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSource {
    #[serde(default)]
    pub aliases: Vec<S<String>>,
    #[serde(rename = "type")]
    pub source_type: S<RawSourceType>,
    #[serde(deserialize_with = "text")]
    pub title: String,
    #[serde(default)]
    pub authors: Vec<S<RawPerson>>,
    #[serde(default)]
    pub editors: Vec<S<RawPerson>>,
    /// The authors of the book a chapter is in (CSL `container-author`).
    #[serde(default)]
    pub container_authors: Vec<S<RawPerson>>,
    pub date: S<String>,
    #[serde(default, deserialize_with = "optional_text")]
    pub container_title: Option<String>,
    #[serde(default, deserialize_with = "optional_text")]
    pub collection_title: Option<String>,
    #[serde(default, deserialize_with = "optional_text")]
    pub volume: Option<String>,
    #[serde(default, deserialize_with = "optional_text")]
    pub issue: Option<String>,
    #[serde(default, deserialize_with = "optional_text")]
    pub pages: Option<String>,
    #[serde(default, deserialize_with = "optional_text")]
    pub publisher: Option<String>,
    #[serde(default, deserialize_with = "optional_text")]
    pub publisher_place: Option<String>,
    pub doi: Option<S<String>>,
    pub isbn: Option<S<String>>,
    pub issn: Option<S<String>>,
    pub url: Option<S<String>>,
    pub repository_url: Option<S<String>>,
    /// A copy of the source in a web archive (e.g. the Wayback Machine).
    pub archive_url: Option<S<String>>,
    /// The day the source was read at its address (CSL `accessed`).
    pub accessed: Option<S<String>>,
    pub kind: S<String>,
    pub design: S<String>,
    pub archive: Option<S<String>>,
    pub unverified: Option<S<BTreeMap<String, String>>>,
    #[serde(default)]
    pub notes: Vec<String>,
}

#[derive(Clone, Copy, Debug, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum RawSourceType {
    ArticleJournal,
    Chapter,
    ArticleNewspaper,
    ArticleMagazine,
    Report,
    Book,
    Webpage,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFindingsFile {
    pub findings: Vec<S<RawFinding>>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFinding {
    #[serde(default)]
    pub aliases: Vec<S<String>>,
    pub id: S<String>,
    #[serde(deserialize_with = "text")]
    pub statement: String,
    pub figure: Option<S<String>>,
    pub value: Option<S<RawValue>>,
    pub source: S<String>,
    pub origin: Option<S<String>>,
    #[serde(deserialize_with = "text")]
    pub locator: String,
    pub quote: S<String>,
    #[serde(default, deserialize_with = "optional_text")]
    pub population: Option<String>,
    #[serde(default, deserialize_with = "optional_text")]
    pub period: Option<String>,
    #[serde(default, deserialize_with = "optional_text")]
    pub place: Option<String>,
    #[serde(default)]
    pub stances: Vec<RawStance>,
    #[serde(default)]
    pub notes: Vec<String>,
    /// The finding is withdrawn: when, why, and what replaces it.
    pub withdrawn: Option<S<RawWithdrawn>>,
}

/// `withdrawn:` on a finding.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawWithdrawn {
    pub date: S<String>,
    #[serde(deserialize_with = "text")]
    pub reason: String,
    pub replaced_by: Option<S<String>>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawValue {
    pub kind: RawValueKind,
    pub number: Option<f64>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    pub scale: Option<RawScale>,
    pub qualifier: Option<S<String>>,
    pub per: Option<String>,
    pub currency: Option<S<String>>,
}

#[derive(Clone, Copy, Debug, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum RawValueKind {
    Percent,
    Fraction,
    Count,
    Money,
    Ratio,
}

#[derive(Clone, Copy, Debug, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum RawScale {
    Thousand,
    Million,
    Billion,
}

#[derive(Clone, Copy, Debug, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum RawStanceKind {
    Supports,
    Contradicts,
    Mixed,
    Context,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawStance {
    pub claim: S<String>,
    pub stance: RawStanceKind,
    #[serde(deserialize_with = "text")]
    pub reason: String,
}

/// `data/glossary.yaml`: the words readers may not know.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawGlossary {
    pub terms: Vec<S<RawGlossaryTerm>>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawGlossaryTerm {
    /// The term as pages use it, e.g. "personal budget".
    pub term: S<String>,
    /// Other forms linked and searched the same, e.g. "personal budgets".
    #[serde(default)]
    pub also: Vec<String>,
    /// Short forms, e.g. "SDS"; searched as the term, and shown beside it.
    #[serde(default)]
    pub abbreviations: Vec<String>,
    /// What it means, in the site's own words (inline Markdown).
    pub definition: S<String>,
    /// The sources the definition rests on (and any words it quotes come from).
    #[serde(default)]
    pub sources: Vec<S<String>>,
}

/// `data/scope.yaml`: what the site does not cover, and why.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawScope {
    pub notes: Vec<S<RawScopeNote>>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawScopeNote {
    /// What is not covered, e.g. "Community Care's 2011 and 2012 surveys".
    #[serde(deserialize_with = "text")]
    pub title: String,
    pub status: RawScopeStatus,
    /// Why, in one line.
    pub reason: S<String>,
    /// A source of the site that refers to it, if any.
    pub source: Option<S<String>>,
}

#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum RawScopeStatus {
    /// Known to exist, not (yet) included.
    NotIncluded,
    /// Outside what the site covers.
    OutOfScope,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawClaim {
    #[serde(default)]
    pub aliases: Vec<S<String>>,
    #[serde(deserialize_with = "text")]
    pub title: String,
    pub topic: S<String>,
    pub summary: Option<S<String>>,
    #[serde(default)]
    pub weight: i64,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTopic {
    #[serde(default)]
    pub aliases: Vec<S<String>>,
    #[serde(deserialize_with = "text")]
    pub title: String,
    pub question: Option<S<String>>,
    pub summary: Option<S<String>>,
    #[serde(default)]
    pub weight: i64,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawGap {
    #[serde(default)]
    pub aliases: Vec<S<String>>,
    #[serde(deserialize_with = "text")]
    pub title: String,
    pub source: S<String>,
    pub origin: Option<S<String>>,
    #[serde(deserialize_with = "text")]
    pub locator: String,
    pub quote: S<String>,
    pub claims: Vec<S<String>>,
    pub expected: Option<S<String>>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDataset {
    #[serde(deserialize_with = "text")]
    pub title: String,
    pub description: Option<String>,
    pub license: Option<String>,
    pub source: Option<S<String>>,
    pub fields: Vec<S<RawField>>,
    pub rows: Vec<S<BTreeMap<String, serde_json::Value>>>,
    #[serde(default)]
    pub notes: Vec<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawField {
    pub name: S<String>,
    pub title: Option<String>,
    #[serde(rename = "type")]
    pub field_type: RawFieldType,
    pub unit: Option<String>,
    pub description: Option<String>,
    #[serde(default)]
    pub figure: bool,
}

#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum RawFieldType {
    String,
    Integer,
    Number,
    Percent,
    Boolean,
    Date,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTable {
    #[serde(deserialize_with = "text")]
    pub title: String,
    pub caption: String,
    pub description: Option<String>,
    #[serde(default)]
    pub notes: Vec<String>,
    pub dataset: Option<S<String>>,
    pub columns: Vec<S<String>>,
    #[serde(default)]
    pub rows: Vec<S<RawTableRow>>,
    pub chart: Option<RawChart>,
    #[serde(default)]
    pub show_on: Vec<S<String>>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTableRow {
    pub finding: Option<S<String>>,
    pub gap: Option<S<String>>,
    pub claim: Option<S<String>>,
    pub label: Option<String>,
}

#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum RawChart {
    Bar,
}

/// A YAML record from a file of its own (`data/tables/<id>.yaml`), with the file and its id.
#[derive(Clone, Debug)]
pub(crate) struct RawFile<T> {
    pub file: PathBuf,
    pub stem: String,
    pub meta: T,
}

/// A Markdown link found in a body, with its whole-file position.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub(crate) struct RawLink {
    pub dest: String,
    pub position: Position,
}

/// A Markdown file: its front matter parsed to `T`, and its body.
#[derive(Clone, Debug)]
pub(crate) struct RawDoc<T> {
    pub file: PathBuf,
    /// The file name without `.md`; the id for sources, claims, topics and gaps.
    pub stem: String,
    pub meta: T,
    pub body: Body,
    pub anchors: Vec<String>,
    pub links: Vec<RawLink>,
    /// Figures typed into the body's prose (`dest` holds the text), with their places.
    pub figures: Vec<RawLink>,
}

/// A theme's translation file (`i18n/<language>.yaml`): string key → text, or → plural forms.
pub(crate) type RawTranslations = BTreeMap<String, RawMessage>;

/// One interface string as written: a text, or its plural forms.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub(crate) enum RawMessage {
    Text(String),
    Plural(RawPlural),
}

/// A string's plural forms, chosen by its `count` argument.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPlural {
    pub one: Option<String>,
    pub other: String,
}

/// Text a reader must see (a title, a statement): written, not blank. A blank one is refused
/// where it stands, as a YAML mistake.
fn text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let s = String::deserialize(d)?;
    if s.trim().is_empty() {
        return Err(serde::de::Error::custom(BLANK));
    }
    Ok(s)
}

/// An optional text: absent, or written (a blank one would stand in citations and pages as if it
/// were given, and silence the check that a citation needs it).
fn optional_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    match Option::<String>::deserialize(d)? {
        Some(s) if s.trim().is_empty() => Err(serde::de::Error::custom(BLANK)),
        other => Ok(other),
    }
}

/// What [`text`] and [`optional_text`] say of a blank value; `recover.rs` and `yaml.rs` know it.
pub(crate) const BLANK: &str = "this must not be blank";
