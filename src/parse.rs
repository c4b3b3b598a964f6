//! The parse stage: [`parse`] turns loaded files into `Raw*` records (front matter, YAML lists,
//! Markdown bodies with their links and anchors), each remembering where it came from. It checks
//! syntax and shape only; ids, references and quotes are the resolve stage's work.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use serde::Deserialize;

use crate::data::{from_yaml, position_of, Spanned};
use crate::diagnostic::{Diagnostic, Position};
use crate::load::{Contents, Inputs};
use crate::markdown::{scan, Scan};
use crate::model::Body;

/// A string (or other value) with the place it was written.
pub(crate) type S<T> = Spanned<T>;

#[derive(Debug, Deserialize)]
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
    #[serde(default)]
    pub raw_html: bool,
    #[serde(default)]
    pub menu: Vec<RawMenuItem>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawMenuItem {
    pub title: String,
    pub url: S<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPage {
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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPerson {
    pub family: Option<String>,
    pub given: Option<String>,
    pub literal: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSource {
    #[serde(default)]
    pub aliases: Vec<S<String>>,
    #[serde(rename = "type")]
    pub source_type: S<RawSourceType>,
    pub title: String,
    #[serde(default)]
    pub authors: Vec<S<RawPerson>>,
    #[serde(default)]
    pub editors: Vec<S<RawPerson>>,
    pub date: S<String>,
    pub container_title: Option<String>,
    pub collection_title: Option<String>,
    pub volume: Option<String>,
    pub issue: Option<String>,
    pub pages: Option<String>,
    pub publisher: Option<String>,
    pub publisher_place: Option<String>,
    pub doi: Option<S<String>>,
    pub isbn: Option<S<String>>,
    pub issn: Option<S<String>>,
    pub url: Option<S<String>>,
    pub repository_url: Option<S<String>>,
    pub kind: RawEvidenceKind,
    pub archive: Option<S<String>>,
    pub unverified: Option<S<BTreeMap<String, String>>>,
    #[serde(default)]
    pub notes: Vec<String>,
}

#[derive(Clone, Copy, Debug, Deserialize)]
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

#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum RawEvidenceKind {
    Survey,
    Evaluation,
    OfficialReturnsAnalysis,
    PolicyArgument,
    NewsReport,
    Report,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFindingsFile {
    pub findings: Vec<S<RawFinding>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFinding {
    #[serde(default)]
    pub aliases: Vec<S<String>>,
    pub id: S<String>,
    pub statement: String,
    pub figure: S<String>,
    pub value: S<RawValue>,
    pub source: S<String>,
    pub origin: Option<S<String>>,
    pub locator: String,
    pub quote: S<String>,
    pub population: Option<String>,
    pub period: Option<String>,
    pub place: Option<String>,
    #[serde(default)]
    pub stances: Vec<RawStance>,
    #[serde(default)]
    pub notes: Vec<String>,
}

#[derive(Debug, Deserialize)]
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
}

#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum RawValueKind {
    Percent,
    Fraction,
    Count,
    Gbp,
    Ratio,
}

#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum RawScale {
    Thousand,
    Million,
    Billion,
}

#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum RawStanceKind {
    Supports,
    Contradicts,
    Mixed,
    Context,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawStance {
    pub claim: S<String>,
    pub stance: RawStanceKind,
    pub reason: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawClaim {
    #[serde(default)]
    pub aliases: Vec<S<String>>,
    pub title: String,
    pub topic: S<String>,
    pub summary: Option<String>,
    #[serde(default)]
    pub weight: i64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTopic {
    #[serde(default)]
    pub aliases: Vec<S<String>>,
    pub title: String,
    pub question: Option<String>,
    pub summary: Option<String>,
    #[serde(default)]
    pub weight: i64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawGap {
    #[serde(default)]
    pub aliases: Vec<S<String>>,
    pub title: String,
    pub source: S<String>,
    pub origin: Option<S<String>>,
    pub locator: String,
    pub quote: S<String>,
    pub claims: Vec<S<String>>,
    pub expected: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDataset {
    pub title: String,
    pub description: Option<String>,
    pub license: Option<String>,
    pub source: Option<S<String>>,
    pub fields: Vec<S<RawField>>,
    pub rows: Vec<S<BTreeMap<String, serde_json::Value>>>,
    #[serde(default)]
    pub notes: Vec<String>,
}

#[derive(Debug, Deserialize)]
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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTable {
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

#[derive(Debug, Deserialize)]
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
#[derive(Debug)]
pub(crate) struct RawFile<T> {
    pub file: PathBuf,
    pub stem: String,
    pub meta: T,
}

/// A Markdown link found in a body, with its whole-file position.
#[derive(Clone, Debug)]
pub(crate) struct RawLink {
    pub dest: String,
    pub position: Position,
}

/// A Markdown file: its front matter parsed to `T`, and its body.
#[derive(Debug)]
pub(crate) struct RawDoc<T> {
    pub file: PathBuf,
    /// The file name without `.md`; the id for sources, claims, topics and gaps.
    pub stem: String,
    pub meta: T,
    pub body: Body,
    pub anchors: Vec<String>,
    pub links: Vec<RawLink>,
}

/// A template file, by the name templates use to include it.
#[derive(Clone, Debug)]
pub(crate) struct RawTemplate {
    pub name: String,
    pub file: PathBuf,
    pub text: String,
}

/// What the parse stage hands to the resolve stage.
#[derive(Debug, Default)]
pub struct Parsed {
    pub(crate) config: Option<RawConfig>,
    pub(crate) pages: Vec<RawDoc<RawPage>>,
    pub(crate) sources: Vec<RawDoc<RawSource>>,
    pub(crate) claims: Vec<RawDoc<RawClaim>>,
    pub(crate) topics: Vec<RawDoc<RawTopic>>,
    pub(crate) gaps: Vec<RawDoc<RawGap>>,
    /// Findings with the file they came from.
    pub(crate) findings: Vec<(PathBuf, S<RawFinding>)>,
    pub(crate) tables: Vec<RawFile<RawTable>>,
    pub(crate) datasets: Vec<RawFile<RawDataset>>,
    /// Archived texts by path (`archive/...`).
    pub(crate) archives: BTreeMap<PathBuf, Arc<str>>,
    /// Templates: the theme's, with the site's `templates/` laid over them.
    pub(crate) templates: BTreeMap<String, RawTemplate>,
    /// Files to copy: output path → (input path, bytes). Theme static, then site static, then
    /// content assets, later ones replacing earlier.
    pub(crate) assets: BTreeMap<String, (PathBuf, Vec<u8>)>,
    /// Paths of content files, to resolve links to `.md` files.
    pub(crate) content_files: Vec<PathBuf>,
    pub(crate) manifest: Vec<crate::permalinks::Entry>,
    /// `kind:id` of nodes whose file failed to parse: they exist, so references to them are not
    /// reported again (one mistake, one diagnostic).
    pub(crate) broken: BTreeSet<String>,
    /// A findings file failed to parse, so an unknown finding id may be one of its findings.
    pub(crate) findings_incomplete: bool,
}

impl Parsed {
    /// Adds what another part of the site parsed to (content and data files only).
    fn join(&mut self, other: Parsed) {
        self.pages.extend(other.pages);
        self.sources.extend(other.sources);
        self.claims.extend(other.claims);
        self.topics.extend(other.topics);
        self.gaps.extend(other.gaps);
        self.findings.extend(other.findings);
        self.tables.extend(other.tables);
        self.datasets.extend(other.datasets);
        self.archives.extend(other.archives);
        self.assets.extend(other.assets);
        self.content_files.extend(other.content_files);
        self.broken.extend(other.broken);
        self.findings_incomplete |= other.findings_incomplete;
    }
}

/// The kinds of node that live in `content/<folder>/<id>.md`.
pub(crate) const NODE_FOLDERS: [&str; 4] = ["sources", "claims", "topics", "gaps"];

pub fn parse(inputs: &Inputs) -> (Parsed, Vec<Diagnostic>) {
    let mut parsed = Parsed::default();
    let mut diags = Vec::new();

    let config_path = Path::new("site.yaml");
    match inputs.text(config_path) {
        Some(text) => match from_yaml::<RawConfig>(config_path, text, 1) {
            Ok(c) => parsed.config = Some(c),
            Err(d) => diags.push(d),
        },
        None => diags.push(
            Diagnostic::error("missing-config", "this folder has no site.yaml")
                .in_file(config_path)
                .help("run evident in a site's folder (or pass --root DIR), or create one with `evident init DIR`"),
        ),
    }
    if let Some(text) = inputs.text(Path::new(crate::permalinks::MANIFEST)) {
        parsed.manifest = crate::permalinks::parse(text, &mut diags);
    }
    let theme = parsed
        .config
        .as_ref()
        .and_then(|c| c.theme.as_ref().map(|t| t.value.clone()))
        .unwrap_or_else(|| "default".to_string());

    // Each content and data file parses on its own, in parallel; runs of files are then joined in
    // path order, so the outcome does not depend on thread timing.
    let (from_files, d) = inputs
        .files
        .par_iter()
        .fold(
            || (Parsed::default(), Vec::new()),
            |(mut parsed, mut diags), (path, contents)| {
                let Some(top) = path
                    .components()
                    .next()
                    .and_then(|c| c.as_os_str().to_str())
                else {
                    return (parsed, diags);
                };
                match (top, contents) {
                    ("content", Contents::Text(text)) => {
                        parse_content(path, text, None, &mut parsed, &mut diags)
                    }
                    // A plain page is read here, and its body again when it is rendered.
                    ("content", Contents::Deferred(real)) => {
                        match crate::load::read_text(path, real) {
                            Ok(text) => parse_content(
                                path,
                                &text.into(),
                                Some(real),
                                &mut parsed,
                                &mut diags,
                            ),
                            Err(d) => {
                                parsed.content_files.push(path.clone());
                                parsed.broken.insert(format!("page:{}", stem(path)));
                                diags.push(d);
                            }
                        }
                    }
                    ("content", Contents::Bytes(bytes)) => {
                        let out = path.strip_prefix("content").unwrap_or(path);
                        parsed
                            .assets
                            .insert(slash(out), (path.clone(), bytes.clone()));
                    }
                    ("data", Contents::Text(text)) => {
                        parse_data(path, text, &mut parsed, &mut diags)
                    }
                    ("archive", Contents::Text(text)) => {
                        parsed.archives.insert(path.clone(), text.clone());
                    }
                    _ => {}
                }
                (parsed, diags)
            },
        )
        .reduce(
            || (Parsed::default(), Vec::new()),
            |(mut a, mut da), (b, db)| {
                a.join(b);
                da.extend(db);
                (a, da)
            },
        );
    parsed.join(from_files);
    diags.extend(d);

    // Theme first, then the site's own files over it.
    let theme_root = PathBuf::from("themes").join(&theme);
    let has_theme = inputs.under(&slash(&theme_root)).next().is_some();
    if !has_theme {
        let position = parsed
            .config
            .as_ref()
            .and_then(|c| c.theme.as_ref())
            .and_then(position_of);
        diags.push(
            Diagnostic::error("unknown-theme", format!("there is no theme `{theme}`"))
                .at_opt(config_path, position)
                .help(format!(
                    "create themes/{theme}/templates/, or set `theme:` in site.yaml to a folder under themes/"
                )),
        );
    }
    for prefix in [theme_root, PathBuf::new()] {
        let templates_dir = prefix.join("templates");
        let static_dir = prefix.join("static");
        for (path, contents) in inputs.under(&slash(&templates_dir)) {
            if let Contents::Text(text) = contents {
                let name = slash(path.strip_prefix(&templates_dir).unwrap_or(path));
                parsed.templates.insert(
                    name.clone(),
                    RawTemplate {
                        name,
                        file: path.clone(),
                        text: text.to_string(),
                    },
                );
            }
        }
        for (path, contents) in inputs.under(&slash(&static_dir)) {
            let out = slash(path.strip_prefix(&static_dir).unwrap_or(path));
            let bytes = match contents {
                Contents::Bytes(b) => b.clone(),
                Contents::Text(t) => t.as_bytes().to_vec(),
                Contents::Deferred(_) => continue,
            };
            parsed.assets.insert(out, (path.clone(), bytes));
        }
    }
    (parsed, diags)
}

/// A path with `/` separators, whatever the platform.
pub(crate) fn slash(p: &Path) -> String {
    p.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn parse_content(
    path: &Path,
    text: &Arc<str>,
    on_disk: Option<&PathBuf>,
    parsed: &mut Parsed,
    diags: &mut Vec<Diagnostic>,
) {
    parsed.content_files.push(path.to_path_buf());
    let rel = path.strip_prefix("content").unwrap_or(path);
    let parts: Vec<&str> = rel
        .components()
        .filter_map(|c| c.as_os_str().to_str())
        .collect();
    let folder = if parts.len() >= 2 { parts[0] } else { "" };
    if NODE_FOLDERS.contains(&folder) && parts.len() > 2 {
        diags.push(
            Diagnostic::error(
                "nested-node",
                format!("{folder} are files directly in content/{folder}/, not in sub-folders"),
            )
            .in_file(path)
            .help(format!("move this file to content/{folder}/")),
        );
        return;
    }
    if folder == "findings" {
        diags.push(
            Diagnostic::error(
                "finding-in-content",
                "findings are YAML records in data/findings/*.yaml, not Markdown pages",
            )
            .in_file(path)
            .help("move the finding into a `findings:` list in data/findings/"),
        );
        return;
    }
    let kind = match folder {
        "sources" => "source",
        "claims" => "claim",
        "topics" => "topic",
        "gaps" => "gap",
        _ => "page",
    };
    let parsed_ok = match split_front_matter(path, text, diags) {
        None => false,
        Some((yaml, line, body)) => match folder {
            "sources" => push_doc(
                path,
                text,
                None,
                yaml,
                line,
                body,
                &mut parsed.sources,
                diags,
            ),
            "claims" => push_doc(
                path,
                text,
                None,
                yaml,
                line,
                body,
                &mut parsed.claims,
                diags,
            ),
            "topics" => push_doc(
                path,
                text,
                None,
                yaml,
                line,
                body,
                &mut parsed.topics,
                diags,
            ),
            "gaps" => push_doc(path, text, None, yaml, line, body, &mut parsed.gaps, diags),
            _ => push_doc(
                path,
                text,
                on_disk,
                yaml,
                line,
                body,
                &mut parsed.pages,
                diags,
            ),
        },
    };
    if !parsed_ok {
        parsed.broken.insert(format!("{kind}:{}", stem(path)));
    }
}

#[allow(clippy::too_many_arguments)]
fn push_doc<T: for<'de> Deserialize<'de>>(
    path: &Path,
    text: &Arc<str>,
    on_disk: Option<&PathBuf>,
    yaml: &str,
    yaml_line: u32,
    body: usize,
    out: &mut Vec<RawDoc<T>>,
    diags: &mut Vec<Diagnostic>,
) -> bool {
    // An empty front matter block is an empty mapping, so "missing key" errors name the key.
    let yaml = if yaml.trim().is_empty() { "{}" } else { yaml };
    let meta = match from_yaml::<T>(path, yaml, yaml_line) {
        Ok(m) => m,
        Err(mut d) => {
            if d.position.is_none() {
                d.position = Some(Position::new(1, 1));
            }
            diags.push(d);
            return false;
        }
    };
    let body_text = &text[body..];
    let Scan { anchors, links, .. } = scan(body_text);
    // Positions in one pass over the text (links come in order), not one pass per link.
    let mut lines = LineCounter::new(text);
    let links = links
        .into_iter()
        .map(|l| RawLink {
            position: lines.position(body + l.offset).with_len(l.len),
            dest: l.dest,
        })
        .collect();
    out.push(RawDoc {
        file: path.to_path_buf(),
        stem: path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
        meta,
        body: match on_disk {
            Some(real) => Body::on_disk(path.to_path_buf(), real.clone(), body),
            None => Body::new(text.clone(), body),
        },
        anchors,
        links,
    });
    true
}

/// Whole-file positions of offsets asked for in increasing order, counted incrementally (an
/// offset before the last one asked for is counted from the start again).
struct LineCounter<'a> {
    text: &'a str,
    at: usize,
    line: u32,
    line_start: usize,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a str) -> Self {
        LineCounter {
            text,
            at: 0,
            line: 1,
            line_start: 0,
        }
    }

    fn position(&mut self, offset: usize) -> Position {
        if offset < self.at || offset > self.text.len() || !self.text.is_char_boundary(offset) {
            return Position::of_offset(self.text, offset);
        }
        for (i, b) in self.text.as_bytes()[self.at..offset].iter().enumerate() {
            if *b == b'\n' {
                self.line += 1;
                self.line_start = self.at + i + 1;
            }
        }
        self.at = offset;
        let column = self.text[self.line_start..offset].chars().count() + 1;
        Position::new(self.line, u32::try_from(column).unwrap_or(u32::MAX))
    }
}

/// Splits `---\nyaml\n---\nbody`. Returns the YAML, the line it starts on, and the byte offset of
/// the body.
fn split_front_matter<'t>(
    path: &Path,
    text: &'t str,
    diags: &mut Vec<Diagnostic>,
) -> Option<(&'t str, u32, usize)> {
    let first_end = text.find('\n').map_or(text.len(), |i| i + 1);
    if text[..first_end].trim_end() != "---" {
        diags.push(
            Diagnostic::error("missing-front-matter", "this page has no front matter")
                .at(path, Position::new(1, 1))
                .help("start the file with a `---` line, YAML keys (at least `title:`), and another `---` line"),
        );
        return None;
    }
    let mut offset = first_end;
    while offset < text.len() {
        let end = text[offset..]
            .find('\n')
            .map_or(text.len(), |i| offset + i + 1);
        if text[offset..end].trim_end() == "---" {
            return Some((&text[first_end..offset], 2, end));
        }
        offset = end;
    }
    diags.push(
        Diagnostic::error(
            "unclosed-front-matter",
            "the front matter opened here is never closed",
        )
        .at(path, Position::new(1, 1).with_len(3))
        .help("end the front matter with a line that holds only `---`"),
    );
    None
}

fn parse_data(path: &Path, text: &str, parsed: &mut Parsed, diags: &mut Vec<Diagnostic>) {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    if ext != "yaml" && ext != "yml" {
        return;
    }
    let rel = path.strip_prefix("data").unwrap_or(path);
    let folder = rel
        .components()
        .next()
        .and_then(|c| c.as_os_str().to_str())
        .unwrap_or("");
    match folder {
        "findings" => {
            if text.trim().is_empty() {
                diags.push(
                    Diagnostic::error("empty-file", "this findings file is empty")
                        .in_file(path)
                        .help("add a `findings:` list, or delete the file"),
                );
                return;
            }
            match from_yaml::<RawFindingsFile>(path, text, 1) {
                Ok(f) => parsed
                    .findings
                    .extend(f.findings.into_iter().map(|x| (path.to_path_buf(), x))),
                Err(d) => {
                    parsed.findings_incomplete = true;
                    diags.push(d)
                }
            }
        }
        "tables" => match record_file(path, text, diags) {
            Some(meta) => parsed.tables.push(RawFile {
                file: path.to_path_buf(),
                stem: stem(path),
                meta,
            }),
            None => {
                parsed.broken.insert(format!("table:{}", stem(path)));
            }
        },
        "datasets" => match record_file(path, text, diags) {
            Some(meta) => parsed.datasets.push(RawFile {
                file: path.to_path_buf(),
                stem: stem(path),
                meta,
            }),
            None => {
                parsed.broken.insert(format!("dataset:{}", stem(path)));
            }
        },
        _ => diags.push(
            Diagnostic::warning("unused-data", "evident does not read this data file")
                .in_file(path)
                .help("findings go in data/findings/, tables in data/tables/, datasets in data/datasets/"),
        ),
    }
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn record_file<T: for<'de> Deserialize<'de>>(
    path: &Path,
    text: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<T> {
    if text.trim().is_empty() {
        diags.push(
            Diagnostic::error("empty-file", "this file is empty")
                .in_file(path)
                .help("fill in the keys docs/reference.md lists, or delete the file"),
        );
        return None;
    }
    from_yaml::<T>(path, text, 1)
        .map_err(|mut d| {
            if d.position.is_none() {
                d.position = Some(Position::new(1, 1));
            }
            diags.push(d)
        })
        .ok()
}

#[cfg(test)]
mod tests {

    #[test]
    fn line_counter_agrees_with_counting_from_the_start() {
        let text = "a\nbé c\n\nd [x](y) é\n[z](w)";
        let mut c = LineCounter::new(text);
        let offsets: Vec<usize> = (0..=text.len())
            .filter(|&i| text.is_char_boundary(i))
            .collect();
        for &o in offsets.iter().chain(offsets.iter().rev().take(3)) {
            assert_eq!(c.position(o), Position::of_offset(text, o), "offset {o}");
        }
    }

    use super::*;

    #[test]
    fn front_matter_split_keeps_whole_file_lines() {
        let text = "---\ntitle: x\n---\nbody\n";
        let mut d = Vec::new();
        let (yaml, line, body) = split_front_matter(Path::new("a.md"), text, &mut d).unwrap();
        assert_eq!((yaml, line, &text[body..]), ("title: x\n", 2, "body\n"));
        let crlf = "---\r\ntitle: x\r\n---\r\nbody\r\n";
        let (yaml, _, body) = split_front_matter(Path::new("a.md"), crlf, &mut d).unwrap();
        assert_eq!((yaml, &crlf[body..]), ("title: x\r\n", "body\r\n"));
        assert!(d.is_empty());
    }

    #[test]
    fn unclosed_front_matter_is_an_error() {
        let mut d = Vec::new();
        assert!(split_front_matter(Path::new("a.md"), "---\ntitle: x\n", &mut d).is_none());
        assert_eq!(d[0].code, "unclosed-front-matter");
    }
}

/// The keys each YAML record type accepts, read from serde's own field lists, so that a test can
/// check every one is documented (docs/reference.md). Nested records are listed separately.
pub fn accepted_keys() -> Vec<(&'static str, Vec<&'static str>)> {
    use introspect::fields;
    vec![
        ("site.yaml", fields::<RawConfig>()),
        ("menu item", fields::<RawMenuItem>()),
        ("page", fields::<RawPage>()),
        ("source", fields::<RawSource>()),
        ("person", fields::<RawPerson>()),
        ("findings file", fields::<RawFindingsFile>()),
        ("finding", fields::<RawFinding>()),
        ("value", fields::<RawValue>()),
        ("stance", fields::<RawStance>()),
        ("claim", fields::<RawClaim>()),
        ("topic", fields::<RawTopic>()),
        ("gap", fields::<RawGap>()),
        ("table", fields::<RawTable>()),
        ("table row", fields::<RawTableRow>()),
        ("dataset", fields::<RawDataset>()),
        ("dataset field", fields::<RawField>()),
    ]
}

/// A deserializer that answers nothing but records the field names a struct asks for.
mod introspect {
    use serde::de::{self, Deserialize, Deserializer, Visitor};
    use std::cell::Cell;
    use std::fmt;

    #[derive(Debug)]
    struct Stop;
    impl fmt::Display for Stop {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("introspection")
        }
    }
    impl std::error::Error for Stop {}
    impl de::Error for Stop {
        fn custom<T: fmt::Display>(_: T) -> Self {
            Stop
        }
    }

    struct Fields<'a>(&'a Cell<&'static [&'static str]>);

    impl<'de> Deserializer<'de> for Fields<'_> {
        type Error = Stop;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
            Err(Stop)
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Stop> {
            self.0.set(fields);
            Err(Stop)
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
            option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
            ignored_any
        }
    }

    pub fn fields<T: for<'de> Deserialize<'de>>() -> Vec<&'static str> {
        let cell = Cell::new(&[][..]);
        let _ = T::deserialize(Fields(&cell));
        cell.get().to_vec()
    }
}
