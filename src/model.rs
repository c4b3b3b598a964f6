//! The evidence model: the validated, cross-linked graph that the resolve stage builds and the
//! render stage reads. Nouns, one name each, in code, YAML, URLs and templates alike: Source,
//! Finding, Claim, Topic, Gap, and the Stance a finding takes on a claim. Pages are the plain
//! Markdown pages around them (home, about).
//!
//! No type here derives `Serialize`: templates see view-models built in `render.rs`, so renaming a
//! field in a template never ripples into the model.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use crate::dates::Date;
use crate::diagnostic::{Diagnostic, Position};

/// Whether `id` is a permalink-safe id: `[a-z0-9-]`, not starting or ending with `-`.
pub fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 100
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
        && !id.ends_with('-')
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $kind:literal) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The page's path below the site root, e.g. `sources/x/`.
            pub fn path(&self) -> String {
                format!("{}/{}/", $kind, self.0)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

id_type!(
    /// The id of a [`Source`]: its permalink is `/sources/<id>/`.
    SourceId,
    "sources"
);
id_type!(
    /// The id of a [`Finding`]: its permalink is `/findings/<id>/`.
    FindingId,
    "findings"
);
id_type!(
    /// The id of a [`Claim`]: its permalink is `/claims/<id>/`.
    ClaimId,
    "claims"
);
id_type!(
    /// The id of a [`Topic`]: its permalink is `/topics/<id>/`.
    TopicId,
    "topics"
);
id_type!(
    /// The id of a [`Gap`]: its permalink is `/gaps/<id>/`.
    GapId,
    "gaps"
);
id_type!(
    /// The id of a [`Table`]: its permalink is `/tables/<id>/`.
    TableId,
    "tables"
);
id_type!(
    /// The id of a [`Dataset`]: its permalink is `/datasets/<id>/`.
    DatasetId,
    "datasets"
);

/// Facts from outside the inputs that a build may use. Read at the edge (the CLI), so the stages
/// stay pure.
#[derive(Clone, Debug, Default)]
pub struct Environment {
    /// The date of `SOURCE_DATE_EPOCH`, as `YYYY-MM-DD`, when it is set.
    pub source_date: Option<String>,
    /// Replaces `base_url` (used by `serve`).
    pub base_url: Option<String>,
    /// Links between the site's pages are made relative, naming `index.html` files, so that the
    /// output opens from disk (`build --relative`).
    pub relative_links: bool,
}

/// One line of the permalink manifest, `permalinks.txt` (see `permalinks.rs`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ManifestEntry {
    pub line: u32,
    /// The URL path below the site, starting with `/`, with an optional `#anchor`.
    pub path: String,
    pub changed: Option<String>,
    pub hash: Option<String>,
}

/// The site's settings from `site.yaml`.
#[derive(Clone, Debug)]
pub struct Config {
    pub title: String,
    /// Always ends with `/`.
    pub base_url: String,
    /// The path part of `base_url`, always starting and ending with `/`: links are made from it.
    pub base_path: String,
    /// Links between pages are rewritten relative to each page, naming `index.html` files.
    pub relative_links: bool,
    pub language: String,
    /// Where `language:` is in site.yaml (`None` when it is not given), for diagnostics about it.
    pub language_at: Option<Position>,
    pub description: Option<String>,
    pub theme: String,
    pub version: Option<String>,
    pub date: Option<String>,
    pub publisher: Option<String>,
    pub license: Option<String>,
    pub repository: Option<String>,
    /// How readers reach the publisher: a `mailto:` or http(s) address.
    pub contact: Option<String>,
    pub raw_html: bool,
    /// Fenced code with a known language highlighted (default `true`).
    pub highlight_code: bool,
    /// How many findings `findings.atom` lists, most recently changed first (0: all).
    pub feed_limit: usize,
    /// How many findings a page of the findings index lists, at most (a source's findings are
    /// never split across pages); 0: every finding on `findings/`.
    pub findings_per_page: usize,
    pub menu: Vec<MenuItem>,
    /// The site's own stylesheets: output paths below the site's root (`css/extra.css`).
    pub stylesheets: Vec<String>,
    /// The kinds of source a source may be.
    pub kinds: Vec<Term>,
    /// The study designs a source may have.
    pub designs: Vec<Term>,
    /// Text that looks like a figure but may stand in prose.
    pub allowed_in_prose: Vec<String>,
    /// How `evident check --external` requests the addresses the site links to.
    pub external: ExternalConfig,
}

/// `external:` in site.yaml, with its defaults: each number is at least 1.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExternalConfig {
    /// Hosts (`example.org`, which covers its subdomains) or URL prefixes (`https://x.org/a/*`,
    /// the `*` optional) never requested.
    pub skip: Vec<String>,
    /// Requests at once, in all.
    pub concurrency: usize,
    /// Requests at once to one host.
    pub per_host: usize,
    pub timeout_seconds: u64,
    /// How long a result in the cache is trusted.
    pub cache_hours: u64,
}

impl Default for ExternalConfig {
    fn default() -> Self {
        ExternalConfig {
            skip: Vec::new(),
            concurrency: 8,
            per_host: 2,
            timeout_seconds: 10,
            cache_hours: 24,
        }
    }
}

#[derive(Clone, Debug)]
pub struct MenuItem {
    pub title: String,
    pub url: String,
}

/// Reads again the text of a plain page that the load stage deferred (`real` on disk, `rel` in the
/// site). The load stage provides it, so no other stage touches the disk; a failed read is a
/// diagnostic.
pub trait ReadText: Send + Sync {
    fn read_text(&self, rel: &Path, real: &Path) -> Result<String, Diagnostic>;

    /// The text, and the file's stamp as it was read: a number that changes whenever the file is
    /// written (see [`ReadText::stamp`]). `None` for the stamp unless the reader knows one.
    fn read_text_stamped(
        &self,
        rel: &Path,
        real: &Path,
    ) -> Result<(String, Option<u64>), Diagnostic> {
        Ok((self.read_text(rel, real)?, None))
    }

    /// The stamp of the file at `real`, without reading it: its length and modification time, as
    /// one number. `None` when the reader knows none, or when the file was written so recently
    /// that a later write might leave the same stamp.
    fn stamp(&self, _real: &Path) -> Option<u64> {
        None
    }
}

/// A Markdown body: the part of its file after the front matter. It shares the file's text with
/// the loaded inputs instead of copying it, or, for plain pages, names the file to read again when
/// the page is rendered: a large site then never holds every page's Markdown at once.
#[derive(Clone, Default)]
pub struct Body {
    held: Held,
    start: usize,
}

#[derive(Clone)]
enum Held {
    Text(Arc<str>),
    /// Where the file is (in the site, and on disk), and a hash of its text as parsed.
    File(PathBuf, PathBuf, u64),
}

impl Default for Held {
    fn default() -> Self {
        Held::Text("".into())
    }
}

impl Body {
    /// The body of `text` from byte `start` (a char boundary, where the front matter ends).
    pub fn new(text: Arc<str>, start: usize) -> Self {
        let start = start.min(text.len());
        Body {
            held: Held::Text(text),
            start,
        }
    }

    /// The body of a file on disk (`real`; `rel` in the site) from byte `start`, read when asked
    /// for. `text` is a hash of the file's text as it was parsed ([`Body::text_hash`]): what tells
    /// the body from another without reading it.
    pub fn on_disk(rel: PathBuf, real: PathBuf, start: usize, text: u64) -> Self {
        Body {
            held: Held::File(rel, real, text),
            start,
        }
    }

    /// A hash of the whole text of a file a body is read from on disk, as its parse read it
    /// (`None` for a body held as text).
    pub fn text_hash(&self) -> Option<u64> {
        match self.held {
            Held::File(_, _, text) => Some(text),
            Held::Text(_) => None,
        }
    }

    /// The hash [`Body::on_disk`] takes of a file's text.
    pub fn hash_text(text: &str) -> u64 {
        xxhash_rust::xxh3::xxh3_64_with_seed(text.as_bytes(), 2)
    }

    /// Whether the body is held as text, and so hashes as its Markdown (not read from disk when
    /// asked for).
    pub fn in_memory(&self) -> bool {
        matches!(self.held, Held::Text(_))
    }

    /// Where the body starts in the text it shares with the loaded inputs; `None` for a body
    /// read from disk when asked for.
    pub fn start_in_text(&self) -> Option<usize> {
        matches!(self.held, Held::Text(_)).then_some(self.start)
    }

    /// Where the body starts in its file on disk; `None` for a body held as text.
    pub fn start_on_disk(&self) -> Option<usize> {
        matches!(self.held, Held::File(..)).then_some(self.start)
    }

    /// The Markdown. A body on disk is read again with `reader`, and fails if the file can no
    /// longer be read as UTF-8 text.
    pub fn text(&self, reader: &dyn ReadText) -> Result<Cow<'_, str>, Diagnostic> {
        match &self.held {
            Held::Text(t) => Ok(Cow::Borrowed(t.get(self.start..).unwrap_or(t))),
            Held::File(rel, real, _) => {
                let t = reader.read_text(rel, real)?;
                Ok(Cow::Owned(t.get(self.start..).unwrap_or(&t).to_string()))
            }
        }
    }
}

/// A body held as text hashes as its Markdown; a body on disk as where it is and the hash of its
/// file's text as parsed (its text is not known without reading it: see [`Body::in_memory`]).
impl std::hash::Hash for Body {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        match &self.held {
            Held::Text(t) => {
                h.write_u8(0);
                t.get(self.start..).unwrap_or(t).hash(h);
            }
            Held::File(rel, real, text) => {
                h.write_u8(1);
                (rel, real, self.start, text).hash(h);
            }
        }
    }
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.held {
            Held::Text(t) => fmt::Debug::fmt(t.get(self.start..).unwrap_or(t), f),
            Held::File(p, _, text) => {
                let start = self.start;
                write!(f, "<{} from byte {start}, text {text:016x}>", p.display())
            }
        }
    }
}

impl From<&str> for Body {
    fn from(text: &str) -> Self {
        Body::new(text.into(), 0)
    }
}

/// A Markdown body and what the resolve stage learnt of it.
#[derive(Clone, Debug, Default)]
pub struct Document {
    pub file: PathBuf,
    pub body: Body,
    /// Link destinations as written → the URL they resolve to.
    pub links: HashMap<String, String>,
    /// The http(s) links the body writes, with where each is written (for `check --external`).
    pub external_links: Vec<(String, Position)>,
    /// `figure:<id>` references → the figure each prints.
    pub figures: HashMap<String, String>,
    pub anchors: Vec<String>,
}

/// Hashes every field, its maps in sorted order (so two documents alike hash alike).
impl std::hash::Hash for Document {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        fn sorted(map: &HashMap<String, String>) -> Vec<(&String, &String)> {
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_unstable();
            entries
        }
        self.file.hash(h);
        self.body.hash(h);
        sorted(&self.links).hash(h);
        self.external_links.hash(h);
        sorted(&self.figures).hash(h);
        self.anchors.hash(h);
    }
}

/// A plain page: `content/about.md` and the like.
#[derive(Clone, Debug)]
pub struct Page {
    /// Path below the site root, e.g. `about/` (empty for the home page).
    pub path: String,
    pub title: String,
    pub description: Option<String>,
    pub template: String,
    pub weight: i64,
    /// `YYYY-MM-DD`, when the page gives one.
    pub date: Option<String>,
    /// Tag names as written, in the page's order.
    pub tags: Vec<String>,
    pub doc: Document,
}

/// A tag that plain pages carry, with its own page at `tags/<slug>/`.
#[derive(Clone, Debug)]
pub struct Tag {
    /// The URL name: the tag's name, lowercased, with hyphens between words.
    pub slug: String,
    /// The name as pages write it (the first spelling, in page order, when several slug alike).
    pub name: String,
    /// Indexes into [`Site::pages`], newest first, then by title.
    pub pages: Vec<usize>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SourceType {
    ArticleJournal,
    Chapter,
    ArticleNewspaper,
    ArticleMagazine,
    Report,
    Book,
    Webpage,
}

impl SourceType {
    /// The CSL type name, which is also the YAML spelling.
    pub fn csl(self) -> &'static str {
        match self {
            SourceType::ArticleJournal => "article-journal",
            SourceType::Chapter => "chapter",
            SourceType::ArticleNewspaper => "article-newspaper",
            SourceType::ArticleMagazine => "article-magazine",
            SourceType::Report => "report",
            SourceType::Book => "book",
            SourceType::Webpage => "webpage",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SourceType::ArticleJournal => "Journal article",
            SourceType::Chapter => "Book chapter",
            SourceType::ArticleNewspaper => "News article",
            SourceType::ArticleMagazine => "Magazine article",
            SourceType::Report => "Report",
            SourceType::Book => "Book",
            SourceType::Webpage => "Web page",
        }
    }
}

/// A word of one of the site's vocabularies (kinds of source, study designs): its key, as YAML
/// writes it, and its label, as pages show it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Term {
    pub key: String,
    pub label: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Person {
    Name {
        family: String,
        given: Option<String>,
    },
    Literal(String),
}

impl Person {
    /// "Given Family", or the literal name.
    pub fn display(&self) -> String {
        match self {
            Person::Name {
                family,
                given: Some(g),
            } => format!("{g} {family}"),
            Person::Name {
                family,
                given: None,
            } => family.clone(),
            Person::Literal(l) => l.clone(),
        }
    }
}

/// A bibliographic record and our summary of it. It hashes as every field (for `serve`'s views
/// kept while what they read is unchanged).
#[derive(Clone, Debug, Hash)]
pub struct Source {
    pub id: SourceId,
    pub source_type: SourceType,
    pub title: String,
    pub authors: Vec<Person>,
    pub editors: Vec<Person>,
    /// The authors of the book a chapter is in.
    pub container_authors: Vec<Person>,
    pub date: Date,
    pub container_title: Option<String>,
    pub collection_title: Option<String>,
    pub volume: Option<String>,
    pub issue: Option<String>,
    pub pages: Option<String>,
    pub publisher: Option<String>,
    pub publisher_place: Option<String>,
    pub doi: Option<String>,
    pub isbn: Option<String>,
    pub issn: Option<String>,
    pub url: Option<String>,
    pub repository_url: Option<String>,
    /// A copy of the source in a web archive (e.g. the Wayback Machine), for when `url` moves.
    pub archive_url: Option<String>,
    /// The day the source was read at its address (CSL `accessed`): Harvard and Vancouver print
    /// it after an address.
    pub accessed: Option<Date>,
    /// What kind of source it is (a key of the site's `kinds`), e.g. `news-report`.
    pub kind: Term,
    /// How the study it reports was done (a key of the site's `designs`), e.g. `survey`.
    pub design: Term,
    pub archive: Option<PathBuf>,
    /// Field name → why it is unverified.
    pub unverified: BTreeMap<String, String>,
    pub notes: Vec<String>,
    pub doc: Document,
}

impl Source {
    /// The URL its citations give: its own, or else its repository's.
    pub fn citation_url(&self) -> Option<&str> {
        self.url.as_deref().or(self.repository_url.as_deref())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ValueKind {
    Percent,
    Fraction,
    Count,
    /// A sum of money, in the currency its value names.
    Money,
    Ratio,
}

impl ValueKind {
    pub fn key(self) -> &'static str {
        match self {
            ValueKind::Percent => "percent",
            ValueKind::Fraction => "fraction",
            ValueKind::Count => "count",
            ValueKind::Money => "money",
            ValueKind::Ratio => "ratio",
        }
    }
}

/// The ISO 4217 currency codes (active and fund codes, as the standard lists them in 2026).
const CURRENCIES: &str = "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD BTN BWP BYN BZD CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS VED VES VND VUV WST XAF XAG XAU XBA XBB XBC XBD XCD XCG XDR XOF XPD XPF XPT XSU XTS XUA XXX YER ZAR ZMW ZWG ZWL";

/// Whether `code` is an ISO 4217 currency code (`GBP`, `EUR`, …).
pub fn is_currency(code: &str) -> bool {
    code.len() == 3 && CURRENCIES.split(' ').any(|c| c == code)
}

/// A number as the YAML most likely wrote it: whole numbers without a decimal point.
pub fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Amount {
    Number(f64),
    Range { min: f64, max: f64 },
    Fraction { numerator: f64, denominator: f64 },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scale {
    Thousand,
    Million,
    Billion,
}

impl Scale {
    /// How many units one of the scale is.
    pub fn factor(self) -> f64 {
        match self {
            Scale::Thousand => 1e3,
            Scale::Million => 1e6,
            Scale::Billion => 1e9,
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Scale::Thousand => "thousand",
            Scale::Million => "million",
            Scale::Billion => "billion",
        }
    }
}

/// A figure's structured value, exactly as the source gives it: no rounding, no conversion.
#[derive(Clone, Debug, PartialEq)]
pub struct Value {
    pub kind: ValueKind,
    pub amount: Amount,
    pub scale: Option<Scale>,
    pub qualifier: Option<String>,
    pub per: Option<String>,
    /// The ISO 4217 code of a sum of money (`kind: money`), e.g. `GBP`.
    pub currency: Option<String>,
}

/// A figure exactly as the source prints it, and its structured value.
#[derive(Clone, Debug, PartialEq)]
pub struct Figure {
    pub text: String,
    pub value: Value,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum StanceKind {
    Supports,
    Contradicts,
    Mixed,
    Context,
}

impl StanceKind {
    pub const ALL: [StanceKind; 4] = [
        StanceKind::Supports,
        StanceKind::Contradicts,
        StanceKind::Mixed,
        StanceKind::Context,
    ];

    pub fn key(self) -> &'static str {
        match self {
            StanceKind::Supports => "supports",
            StanceKind::Contradicts => "contradicts",
            StanceKind::Mixed => "mixed",
            StanceKind::Context => "context",
        }
    }

    /// Shown beside the word, so stance never rests on colour alone.
    pub fn symbol(self) -> &'static str {
        match self {
            StanceKind::Supports => "✓",
            StanceKind::Contradicts => "✗",
            StanceKind::Mixed => "±",
            StanceKind::Context => "○",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            StanceKind::Supports => "Supports",
            StanceKind::Contradicts => "Contradicts",
            StanceKind::Mixed => "Mixed",
            StanceKind::Context => "Context",
        }
    }
}

/// What one finding says about one claim.
#[derive(Clone, Debug, PartialEq)]
pub struct Stance {
    pub claim: ClaimId,
    pub kind: StanceKind,
    pub reason: String,
}

/// One reported result, with the quote that states it: a figure exactly as printed, or (a
/// qualitative finding) a statement alone.
#[derive(Clone, Debug)]
pub struct Finding {
    pub id: FindingId,
    pub file: PathBuf,
    pub position: Option<Position>,
    pub statement: String,
    /// `None` for a qualitative finding: a result stated in words, with no figure.
    pub figure: Option<Figure>,
    pub source: SourceId,
    pub origin: Option<SourceId>,
    pub locator: String,
    pub quote: String,
    pub population: Option<String>,
    pub period: Option<String>,
    pub place: Option<String>,
    pub stances: Vec<Stance>,
    pub notes: Vec<String>,
    /// Set when the finding is withdrawn: its page and permalink stay, but it no longer counts.
    pub withdrawn: Option<Box<Withdrawn>>,
    /// Its hash as `permalinks.txt` records it, worked out when first asked for
    /// (`permalinks::finding_hash`) and kept with the finding: a build reads it three times
    /// (the manifest's check, and the date its view and its feed entry give), and `serve` keeps
    /// an unchanged finding between rebuilds. A finding is not changed once resolved.
    pub(crate) hash: std::sync::OnceLock<String>,
}

/// Why and when a finding was withdrawn, and what replaces it. A withdrawn finding keeps its page
/// (which says so) but is left out of counts, claim pages, tables, charts and search.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Withdrawn {
    /// `YYYY-MM-DD`.
    pub date: String,
    pub reason: String,
    pub replaced_by: Option<FindingId>,
}

impl Finding {
    /// How the finding is named in lists and links: its figure as printed, or its statement when
    /// it has no figure.
    pub fn label(&self) -> &str {
        match &self.figure {
            Some(f) => &f.text,
            None => &self.statement,
        }
    }

    /// The study the evidence comes from: its origin, or else the source that reports it.
    pub fn study(&self) -> &SourceId {
        self.origin.as_ref().unwrap_or(&self.source)
    }

    /// Whether the finding still counts (it is not withdrawn).
    pub fn counts(&self) -> bool {
        self.withdrawn.is_none()
    }
}

/// A proposition the evidence bears on. It hashes as every field, as [`Source`] does.
#[derive(Clone, Debug, Hash)]
pub struct Claim {
    pub id: ClaimId,
    pub title: String,
    pub topic: TopicId,
    pub summary: Option<String>,
    pub weight: i64,
    pub doc: Document,
}

/// A grouping of claims.
#[derive(Clone, Debug)]
pub struct Topic {
    pub id: TopicId,
    pub title: String,
    pub question: Option<String>,
    pub summary: Option<String>,
    pub weight: i64,
    pub doc: Document,
}

/// Evidence a source refers to but does not give. It appears where its figures would.
#[derive(Clone, Debug)]
pub struct Gap {
    pub id: GapId,
    pub title: String,
    pub source: SourceId,
    pub origin: Option<SourceId>,
    pub locator: String,
    pub quote: String,
    pub claims: Vec<ClaimId>,
    pub expected: Option<String>,
    pub doc: Document,
}

/// The type of a dataset field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldType {
    String,
    Integer,
    Number,
    Percent,
    Boolean,
    Date,
}

impl FieldType {
    pub fn key(self) -> &'static str {
        match self {
            FieldType::String => "string",
            FieldType::Integer => "integer",
            FieldType::Number => "number",
            FieldType::Percent => "percent",
            FieldType::Boolean => "boolean",
            FieldType::Date => "date",
        }
    }

    /// The Frictionless Table Schema type.
    pub fn table_schema(self) -> &'static str {
        match self {
            FieldType::String => "string",
            FieldType::Integer => "integer",
            FieldType::Number | FieldType::Percent => "number",
            FieldType::Boolean => "boolean",
            FieldType::Date => "date",
        }
    }

    pub fn is_numeric(self) -> bool {
        matches!(
            self,
            FieldType::Integer | FieldType::Number | FieldType::Percent
        )
    }
}

/// One column of a dataset's schema.
#[derive(Clone, Debug)]
pub struct Field {
    pub name: String,
    pub title: String,
    pub field_type: FieldType,
    pub unit: Option<String>,
    pub description: Option<String>,
    /// The field holds the figure of the row's finding, and is checked against it.
    pub figure: bool,
}

/// One value of a dataset row. `Missing` is a value the source does not give: shown as such,
/// never as zero.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Missing,
    Text(String),
    Number(f64),
    Bool(bool),
}

#[derive(Clone, Debug)]
pub struct DatasetRow {
    /// One cell per field, in schema order.
    pub cells: Vec<Cell>,
    pub source: SourceId,
    pub finding: Option<FindingId>,
    pub gap: Option<GapId>,
}

/// Structured data with a schema and a source for every row.
#[derive(Clone, Debug)]
pub struct Dataset {
    pub id: DatasetId,
    pub title: String,
    pub description: Option<String>,
    pub license: Option<String>,
    pub fields: Vec<Field>,
    pub rows: Vec<DatasetRow>,
    pub notes: Vec<String>,
}

/// What a table column shows for each row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Column {
    Label,
    Figure,
    Value,
    Statement,
    Source,
    Origin,
    Locator,
    Quote,
    Population,
    Period,
    Place,
    /// The row's stance on a claim (finding rows).
    Stance(ClaimId),
    /// How many findings take this stance (claim rows).
    Count(StanceKind),
    /// Gaps that bear on the claim (claim rows).
    Gaps,
    /// A dataset field, by index.
    Field(usize),
}

/// A row of a table: a finding, a gap shown where its figures would be, a claim, or a dataset row.
#[derive(Clone, Debug)]
pub enum RowItem {
    Finding(FindingId),
    Gap(GapId),
    Claim(ClaimId),
    Dataset(usize),
}

#[derive(Clone, Debug)]
pub struct TableRow {
    pub label: String,
    pub item: RowItem,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChartKind {
    Bar,
}

/// Where a table is shown besides its own page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Placement {
    Home,
    Claim(ClaimId),
    Topic(TopicId),
}

/// A comparison table defined in `data/tables/`.
#[derive(Clone, Debug)]
pub struct Table {
    pub id: TableId,
    pub title: String,
    pub caption: String,
    pub description: Option<String>,
    pub notes: Vec<String>,
    pub dataset: Option<DatasetId>,
    pub columns: Vec<(Column, String)>,
    pub rows: Vec<TableRow>,
    pub chart: Option<ChartKind>,
    pub show_on: Vec<Placement>,
}

/// A file copied into the output as is.
#[derive(Clone, Debug)]
pub struct Asset {
    /// Path in the output, e.g. `site.css`.
    pub path: String,
    /// Path of the input it comes from.
    pub input: PathBuf,
    pub bytes: Vec<u8>,
}

/// A word readers may not know, defined once on the glossary page and linked from its first use
/// on each page.
#[derive(Clone, Debug)]
pub struct GlossaryTerm {
    /// The anchor on the glossary page: the term's slug.
    pub id: String,
    pub term: String,
    /// Other forms linked and searched the same.
    pub also: Vec<String>,
    pub abbreviations: Vec<String>,
    /// Inline Markdown.
    pub definition: String,
    /// The sources the definition rests on.
    pub sources: Vec<SourceId>,
}

impl GlossaryTerm {
    /// Every form a page may use: the term, its other forms and its abbreviations.
    pub fn forms(&self) -> impl Iterator<Item = &String> {
        std::iter::once(&self.term)
            .chain(&self.also)
            .chain(&self.abbreviations)
    }
}

/// Whether a scope note is about evidence known to exist but not included, or outside what the
/// site covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScopeStatus {
    NotIncluded,
    OutOfScope,
}

/// What the site does not cover, and why: shown with the gaps, so a reader sees what is not known
/// as well as what is.
#[derive(Clone, Debug)]
pub struct ScopeNote {
    pub title: String,
    pub status: ScopeStatus,
    pub reason: String,
    pub source: Option<SourceId>,
}

/// The links between nodes, computed once so that every page can show its backlinks.
#[derive(Clone, Debug, Default)]
pub struct Backlinks {
    /// Findings whose `source` or `origin` is the source, in finding-id order. Each list is
    /// shared, so that `serve` patches the last build's where findings changed.
    pub findings_by_source: BTreeMap<SourceId, Arc<Vec<FindingId>>>,
    /// Each claim's findings with their stance, in finding-id order.
    pub stances_by_claim: BTreeMap<ClaimId, Arc<Vec<(FindingId, StanceKind)>>>,
    pub claims_by_topic: BTreeMap<TopicId, Vec<ClaimId>>,
    pub gaps_by_claim: BTreeMap<ClaimId, Vec<GapId>>,
    pub gaps_by_source: BTreeMap<SourceId, Vec<GapId>>,
}

/// The whole validated site.
#[derive(Clone, Debug)]
pub struct Site {
    pub config: Config,
    pub pages: Vec<Arc<Page>>,
    /// Tags of plain pages, by slug.
    pub tags: Vec<Tag>,
    pub sources: BTreeMap<SourceId, Source>,
    /// Shared: `serve` keeps each finding it resolved for its next run, which takes an unchanged
    /// one over by pointer (`resolve::FindingMemo`).
    pub findings: BTreeMap<FindingId, std::sync::Arc<Finding>>,
    pub claims: BTreeMap<ClaimId, Claim>,
    pub topics: BTreeMap<TopicId, Topic>,
    pub gaps: BTreeMap<GapId, Gap>,
    pub tables: BTreeMap<TableId, Table>,
    pub datasets: BTreeMap<DatasetId, Dataset>,
    /// The glossary, in alphabetical order of terms.
    pub glossary: Vec<GlossaryTerm>,
    /// What the site does not cover.
    pub scope: Vec<ScopeNote>,
    pub backlinks: Backlinks,
    pub assets: Vec<Asset>,
    /// Old path → new path, from `aliases:` (paths below the site, e.g. `findings/old/`).
    pub redirects: BTreeMap<String, String>,
    /// The committed list of published URLs (empty when the site has none yet).
    pub manifest: Vec<ManifestEntry>,
    /// URL prefixes (`/sources/x/`) of nodes that exist but are in error (their file did not parse,
    /// or a required part did not resolve): their pages are missing from this build because of a
    /// mistake already reported, so the manifest does not report them again.
    pub withheld: BTreeSet<String>,
    /// The releases recorded in `releases/<version>.json`, oldest first.
    pub releases: Vec<Release>,
    /// The theme's interface strings in the site's language (the same value as the theme's), for
    /// the labels the render stage writes itself: stances, counts, dates, feed titles.
    pub strings: Arc<crate::theme::Strings>,
}

impl Site {
    /// Claims of a topic, by weight then id.
    pub fn claims_of(&self, topic: &TopicId) -> Vec<&Claim> {
        let mut claims: Vec<&Claim> = self
            .backlinks
            .claims_by_topic
            .get(topic)
            .into_iter()
            .flatten()
            .filter_map(|c| self.claims.get(c))
            .collect();
        claims.sort_by(|a, b| (a.weight, &a.id).cmp(&(b.weight, &b.id)));
        claims
    }

    /// Topics by weight then id.
    pub fn topics_in_order(&self) -> Vec<&Topic> {
        let mut topics: Vec<&Topic> = self.topics.values().collect();
        topics.sort_by(|a, b| (a.weight, &a.id).cmp(&(b.weight, &b.id)));
        topics
    }
}

/// A finding as a release recorded it (or as the site has it now), for comparing versions: the
/// fields a reader sees change. `value` is the structured value as compact JSON, so that two
/// records compare equal exactly when `evidence.json` would print them alike.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GraphFinding {
    pub statement: String,
    pub figure: Option<String>,
    pub value: Option<String>,
    pub withdrawn: Option<Box<Withdrawn>>,
    /// Where the figure comes from: its quote, locator, source and original study (`origin`).
    /// `None` in a record that does not have it; a change is shown only between records that
    /// both have it.
    pub provenance: Option<Provenance>,
}

/// A finding's quote, locator, source and original study, as a release recorded them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Provenance {
    pub quote: String,
    pub locator: String,
    pub source: String,
    pub origin: Option<String>,
}

/// The part of an evidence graph (`evidence.json`) that versions are compared on: findings,
/// claims (id → title) and stances ((finding, claim) → stance key).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Graph {
    pub findings: BTreeMap<String, GraphFinding>,
    pub claims: BTreeMap<String, String>,
    pub stances: BTreeMap<(String, String), String>,
}

/// A release of the site: `releases/<version>.json`, the evidence graph as it stood at that
/// version, with the date it was released. The file is published as is.
#[derive(Clone, Debug)]
pub struct Release {
    pub version: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    pub file: PathBuf,
    /// The stored file, byte for byte.
    pub bytes: Arc<[u8]>,
    pub graph: Graph,
}

/// Orders version strings as people read them: `0.10.0` after `0.9.1` (numeric parts compare
/// as numbers, other parts as text), and a pre-release before its release, as semantic versioning
/// has it: `1.0.0-rc.1` < `1.0.0` (a `-` starts a pre-release only when a letter follows it, so
/// that dates such as `2024-05-01` stay numbers). Build metadata (`+…`) only breaks ties.
pub fn version_key(v: &str) -> VersionKey {
    let (v, build) = v.split_once('+').unwrap_or((v, ""));
    let pre_at = v
        .match_indices('-')
        .find(|(i, _)| v[i + 1..].starts_with(|c: char| c.is_ascii_alphabetic()))
        .map(|(i, _)| i);
    let (core, pre) = match pre_at {
        Some(i) => (&v[..i], Some(&v[i + 1..])),
        None => (v, None),
    };
    let parts = |s: &str| -> Vec<(u64, String)> {
        s.split(['.', '-'])
            .map(|p| match p.parse::<u64>() {
                Ok(n) => (n, String::new()),
                Err(_) => (u64::MAX, p.to_string()),
            })
            .collect()
    };
    VersionKey {
        core: parts(core),
        release: pre.is_none(),
        pre: pre.map(parts).unwrap_or_default(),
        build: build.to_string(),
    }
}

/// What [`version_key`] orders by, field by field.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct VersionKey {
    core: Vec<(u64, String)>,
    /// A release sorts after its pre-releases.
    release: bool,
    pre: Vec<(u64, String)>,
    build: String,
}

#[cfg(test)]
mod version_tests {
    use super::version_key;

    #[test]
    fn versions_sort_as_people_read_them() {
        let ordered = [
            "0.9.1",
            "0.10.0-alpha",
            "0.10.0-alpha.2",
            "0.10.0-alpha.10",
            "0.10.0-beta",
            "0.10.0-rc.1",
            "0.10.0",
            "0.10.0+build.5",
            "0.10.1",
            "2024-05-01",
            "2024-11-01",
        ];
        for pair in ordered.windows(2) {
            assert!(
                version_key(pair[0]) < version_key(pair[1]),
                "{} should sort before {}",
                pair[0],
                pair[1]
            );
        }
    }
}
