//! The parse stage: [`parse`] turns loaded files into `Raw*` records (front matter, YAML lists,
//! Markdown bodies with their links and anchors), each remembering where it came from. It checks
//! syntax and shape only; ids, references and quotes are the resolve stage's work.
//!
//! - `raw.rs`: the records, as serde reads them; `keys.rs`: the keys each accepts (for the docs).
//! - `content.rs`: Markdown files (front matter and body); `data.rs`: YAML files under `data/`;
//!   `releases.rs`: release records (JSON) under `releases/`.
//! - `yaml.rs`: the one module that knows serde-saphyr.

use std::collections::hash_map::HashMap;
use std::collections::{BTreeMap, BTreeSet};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use crate::diagnostic::{Code, Diagnostic};
use crate::layout::{slash, CONFIG, MANIFEST};
use crate::load::{Contents, Inputs};
use crate::model::{ManifestEntry, ReadText};
use crate::theme::{Template, Theme};

mod content;
mod data;
pub mod keys;
pub(crate) mod raw;
pub(crate) mod recover;
mod releases;
pub(crate) mod yaml;

use content::{parse_content, MarkdownFile};
use raw::*;

/// What the parse stage hands to the resolve stage.
#[derive(Clone, Debug, Default)]
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
    /// `data/glossary.yaml`, when the site has one.
    pub(crate) glossary: Option<RawFile<RawGlossary>>,
    /// `data/scope.yaml`, when the site has one.
    pub(crate) scope: Option<RawFile<RawScope>>,
    /// Archived texts by path (`archive/...`).
    pub(crate) archives: BTreeMap<PathBuf, Arc<str>>,
    /// Templates: the theme's, with the site's `templates/` laid over them.
    pub(crate) theme: Theme,
    /// The theme's translation files (`i18n/<language>.yaml`), each with its language as `stem`.
    pub(crate) translations: Vec<RawFile<RawTranslations>>,
    /// The built-in default theme's English strings, every theme's last fallback.
    pub(crate) base_strings: Option<RawFile<RawTranslations>>,
    /// Files to copy: output path → (input path, bytes). Theme static, then site static, then
    /// content assets, later ones replacing earlier.
    pub(crate) assets: BTreeMap<String, (PathBuf, Vec<u8>)>,
    /// Paths of content files, to resolve links to `.md` files.
    pub(crate) content_files: Vec<PathBuf>,
    pub(crate) manifest: Vec<ManifestEntry>,
    /// `kind:id` of nodes whose file failed to parse: they exist, so references to them are not
    /// reported again (one mistake, one diagnostic).
    pub(crate) broken: BTreeSet<String>,
    /// A findings file failed to parse, so an unknown finding id may be one of its findings.
    pub(crate) findings_incomplete: bool,
    /// Files that exist but could not be read (reported by the load stage).
    pub(crate) unreadable: BTreeSet<PathBuf>,
    /// Release records (`releases/<version>.json`), in path order.
    pub(crate) releases: Vec<crate::model::Release>,
}

/// A file `serve` may show the pages of at once when it is edited: findings, or a Markdown file
/// under `content/` whose body alone may have changed.
pub(crate) enum Edited {
    Findings(Vec<(PathBuf, S<RawFinding>)>),
    Page(RawDoc<RawPage>),
    Topic(RawDoc<RawTopic>),
    Claim(RawDoc<RawClaim>),
    Source(Box<RawDoc<RawSource>>),
    Gap(RawDoc<RawGap>),
}

/// One file of the inputs parsed on its own, if it parses without a diagnostic and holds findings
/// and nothing else, or one plain page (`content/about.md`), topic, claim, source or gap. What
/// `serve` tries when a file changes.
pub(crate) fn edited_of(path: &Path, contents: &Contents, reader: &dyn ReadText) -> Option<Edited> {
    let (mut parsed, mut diags) = (Parsed::default(), Vec::new());
    parse_file(path, contents, reader, &mut parsed, &mut diags);
    parsed.content_files.retain(|f| f != path);
    let findings = std::mem::take(&mut parsed.findings);
    let pages = std::mem::take(&mut parsed.pages);
    let topics = std::mem::take(&mut parsed.topics);
    let claims = std::mem::take(&mut parsed.claims);
    let sources = std::mem::take(&mut parsed.sources);
    let gaps = std::mem::take(&mut parsed.gaps);
    if !diags.is_empty() || !parsed.is_empty() {
        return None;
    }
    if !findings.is_empty() {
        let nothing_else = pages.is_empty()
            && topics.is_empty()
            && claims.is_empty()
            && sources.is_empty()
            && gaps.is_empty();
        return nothing_else.then_some(Edited::Findings(findings));
    }
    match (
        pages.len(),
        topics.len(),
        claims.len(),
        sources.len(),
        gaps.len(),
    ) {
        (1, 0, 0, 0, 0) => pages.into_iter().next().map(Edited::Page),
        (0, 1, 0, 0, 0) => topics.into_iter().next().map(Edited::Topic),
        (0, 0, 1, 0, 0) => claims.into_iter().next().map(Edited::Claim),
        (0, 0, 0, 0, 1) => gaps.into_iter().next().map(Edited::Gap),
        (0, 0, 0, 1, 0) => sources
            .into_iter()
            .next()
            .map(|s| Edited::Source(Box::new(s))),
        _ => None,
    }
}

impl Parsed {
    /// Whether nothing was parsed (of what a content or data file gives).
    fn is_empty(&self) -> bool {
        self.pages.is_empty()
            && self.sources.is_empty()
            && self.claims.is_empty()
            && self.topics.is_empty()
            && self.gaps.is_empty()
            && self.findings.is_empty()
            && self.tables.is_empty()
            && self.datasets.is_empty()
            && self.glossary.is_none()
            && self.scope.is_none()
            && self.archives.is_empty()
            && self.assets.is_empty()
            && self.content_files.is_empty()
            && self.broken.is_empty()
            && !self.findings_incomplete
            && self.unreadable.is_empty()
            && self.releases.is_empty()
    }

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
        self.glossary = self.glossary.take().or(other.glossary);
        self.scope = self.scope.take().or(other.scope);
        self.archives.extend(other.archives);
        self.assets.extend(other.assets);
        self.content_files.extend(other.content_files);
        self.broken.extend(other.broken);
        self.findings_incomplete |= other.findings_incomplete;
        self.unreadable.extend(other.unreadable);
        self.releases.extend(other.releases);
    }
}

/// What parsing each content and data file gave, kept between runs by `serve`: a file whose text
/// has not changed is not parsed again. Parsing a file depends on nothing but its path and text.
#[derive(Default)]
pub struct ParseMemo(Mutex<HashMap<PathBuf, Memoised>>);

/// One file's parse: the hash of its contents, what it gave, and what it reported.
type Memoised = (u64, Parsed, Vec<Diagnostic>);

impl ParseMemo {
    /// A hash of what a file holds; `None` for what is not held (a plain page read later).
    fn key(contents: &Contents) -> Option<u64> {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        match contents {
            Contents::Text(t) => t.hash(&mut h),
            Contents::Bytes(b) => b.hash(&mut h),
            Contents::Deferred(_) | Contents::Failed => return None,
        }
        Some(h.finish())
    }

    fn get(&self, path: &Path, key: u64) -> Option<(Parsed, Vec<Diagnostic>)> {
        let memo = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let (k, parsed, diags) = memo.get(path)?;
        (*k == key).then(|| (parsed.clone(), diags.clone()))
    }

    fn put(&self, path: &Path, key: u64, parsed: &Parsed, diags: &[Diagnostic]) {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(path.to_path_buf(), (key, parsed.clone(), diags.to_vec()));
    }

    /// Forgets files that are no longer there.
    fn retain(&self, inputs: &Inputs) {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .retain(|path, _| inputs.files.contains_key(path));
    }
}

/// Parses every loaded file. `reader` reads plain pages that the load stage deferred.
pub fn parse(inputs: &Inputs, reader: &dyn ReadText) -> (Parsed, Vec<Diagnostic>) {
    parse_with(inputs, reader, None)
}

/// [`parse`], reusing what `memo` holds for files that have not changed, and keeping what it
/// parses there.
pub fn parse_with(
    inputs: &Inputs,
    reader: &dyn ReadText,
    memo: Option<&ParseMemo>,
) -> (Parsed, Vec<Diagnostic>) {
    let mut parsed = Parsed::default();
    let mut diags = Vec::new();
    parse_config(inputs, &mut parsed, &mut diags);
    let (from_files, d) = parse_files(inputs, reader, memo);
    if let Some(m) = memo {
        m.retain(inputs);
    }
    parsed.join(from_files);
    diags.extend(d);
    parse_theme(inputs, &mut parsed, &mut diags);
    (parsed, diags)
}

/// `site.yaml` and `permalinks.txt`.
fn parse_config(inputs: &Inputs, parsed: &mut Parsed, diags: &mut Vec<Diagnostic>) {
    let config_path = Path::new(CONFIG);
    match inputs.text(config_path) {
        Some(text) => match yaml::from_yaml::<RawConfig>(config_path, text, 1) {
            Ok(c) => parsed.config = Some(c),
            Err(found) => diags.extend(found),
        },
        None => diags.push(
            Diagnostic::error(Code::MissingConfig, "this folder has no site.yaml")
                .in_file(config_path)
                .help("run evident in a site's folder (or pass --root DIR), or create one with `evident init DIR`"),
        ),
    }
    if let Some(text) = inputs.text(Path::new(MANIFEST)) {
        parsed.manifest = crate::permalinks::parse(text, diags);
    }
}

/// Each content and data file parses on its own, in parallel; runs of files are then joined in
/// path order, so the outcome does not depend on thread timing.
fn parse_files(
    inputs: &Inputs,
    reader: &dyn ReadText,
    memo: Option<&ParseMemo>,
) -> (Parsed, Vec<Diagnostic>) {
    inputs
        .files
        .par_iter()
        .fold(
            || (Parsed::default(), Vec::new()),
            |(mut parsed, mut diags), (path, contents)| {
                let Some((memo, key)) = memo.zip(ParseMemo::key(contents)) else {
                    parse_file(path, contents, reader, &mut parsed, &mut diags);
                    return (parsed, diags);
                };
                let (p, d) = memo.get(path, key).unwrap_or_else(|| {
                    let (mut p, mut d) = (Parsed::default(), Vec::new());
                    parse_file(path, contents, reader, &mut p, &mut d);
                    memo.put(path, key, &p, &d);
                    (p, d)
                });
                parsed.join(p);
                diags.extend(d);
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
        )
}

fn parse_file(
    path: &Path,
    contents: &Contents,
    reader: &dyn ReadText,
    parsed: &mut Parsed,
    diags: &mut Vec<Diagnostic>,
) {
    let Some(top) = path
        .components()
        .next()
        .and_then(|c| c.as_os_str().to_str())
    else {
        return;
    };
    match (top, contents) {
        ("content", Contents::Text(text)) => {
            let file = MarkdownFile {
                path,
                text,
                on_disk: None,
            };
            parse_content(&file, parsed, diags)
        }
        // A plain page is read here, and its body again when it is rendered.
        ("content", Contents::Deferred(real)) => match reader.read_text(path, real) {
            Ok(text) => {
                let file = MarkdownFile {
                    path,
                    text: &text.into(),
                    on_disk: Some(real),
                };
                parse_content(&file, parsed, diags)
            }
            Err(d) => {
                parsed.content_files.push(path.to_path_buf());
                parsed.broken.insert(format!("page:{}", stem(path)));
                diags.push(d);
            }
        },
        ("content", Contents::Bytes(bytes)) => {
            let out = path.strip_prefix("content").unwrap_or(path);
            parsed
                .assets
                .insert(slash(out), (path.to_path_buf(), bytes.clone()));
        }
        ("data", Contents::Text(text)) => data::parse_data(path, text, parsed, diags),
        ("archive", Contents::Text(text)) => {
            parsed.archives.insert(path.to_path_buf(), text.clone());
        }
        ("releases", Contents::Bytes(bytes)) => {
            parsed
                .releases
                .extend(releases::parse_release(path, bytes, diags));
        }
        // Loaded as bytes, to be published as stored; as text when `serve` or a test gives it.
        ("releases", Contents::Text(text)) => {
            parsed
                .releases
                .extend(releases::parse_release(path, text.as_bytes(), diags));
        }
        (_, Contents::Failed) => failed(path, parsed),
        _ => {}
    }
}

/// A file that exists but could not be read: what refers to it is not reported again.
fn failed(path: &Path, parsed: &mut Parsed) {
    parsed.unreadable.insert(path.to_path_buf());
    let mut parts = path.iter().map(|p| p.to_string_lossy());
    let (top, folder) = (
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
    );
    match (top.as_ref(), folder.as_ref()) {
        ("content", _) => {
            parsed.content_files.push(path.to_path_buf());
            let depth = path.components().count();
            let kind = if depth == 3 {
                content::kind_of(&folder)
            } else {
                "page"
            };
            parsed.broken.insert(format!("{kind}:{}", stem(path)));
        }
        ("data", "findings") => parsed.findings_incomplete = true,
        ("data", "tables") => {
            parsed.broken.insert(format!("table:{}", stem(path)));
        }
        ("data", "datasets") => {
            parsed.broken.insert(format!("dataset:{}", stem(path)));
        }
        _ => {}
    }
}

/// The theme's templates and static files, then the site's own `templates/` and `static/` over
/// them.
fn parse_theme(inputs: &Inputs, parsed: &mut Parsed, diags: &mut Vec<Diagnostic>) {
    let theme = parsed
        .config
        .as_ref()
        .and_then(|c| c.theme.as_ref().map(|t| t.value.clone()))
        .unwrap_or_else(|| crate::theme::DEFAULT_NAME.to_string());
    let theme_root = PathBuf::from("themes").join(&theme);
    let has_theme = inputs.under(&slash(&theme_root)).next().is_some();
    if !has_theme {
        let position = parsed
            .config
            .as_ref()
            .and_then(|c| c.theme.as_ref())
            .and_then(yaml::position_of);
        diags.push(
            Diagnostic::error(Code::UnknownTheme, format!("there is no theme `{theme}`"))
                .at_opt(CONFIG, position)
                .help(format!(
                    "create themes/{theme}/templates/, or set `theme:` in site.yaml to a folder under themes/"
                )),
        );
    }
    parse_translations(inputs, &theme_root, parsed, diags);
    for prefix in [theme_root, PathBuf::new()] {
        let templates_dir = prefix.join("templates");
        for (path, contents) in inputs.under(&slash(&templates_dir)) {
            if let Contents::Text(text) = contents {
                let name = slash(path.strip_prefix(&templates_dir).unwrap_or(path));
                let template = Template {
                    name: name.clone(),
                    file: path.clone(),
                    text: text.to_string(),
                };
                parsed.theme.templates.insert(name, template);
            }
        }
        let static_dir = prefix.join("static");
        for (path, contents) in inputs.under(&slash(&static_dir)) {
            let out = slash(path.strip_prefix(&static_dir).unwrap_or(path));
            let bytes = match contents {
                Contents::Bytes(b) => b.clone(),
                Contents::Text(t) => t.as_bytes().to_vec(),
                Contents::Deferred(_) | Contents::Failed => continue,
            };
            parsed.assets.insert(out, (path.clone(), bytes));
        }
    }
}

/// The theme's translation files, and the built-in English strings behind them. They belong to the
/// theme (a site that wants other strings uses a theme of its own), so the site's root has none.
fn parse_translations(
    inputs: &Inputs,
    theme_root: &Path,
    parsed: &mut Parsed,
    diags: &mut Vec<Diagnostic>,
) {
    let folder = theme_root.join(crate::theme::I18N_FOLDER);
    let read = |path: &Path, text: &str, diags: &mut Vec<Diagnostic>| match yaml::from_yaml::<
        RawTranslations,
    >(path, text, 1)
    {
        Ok(meta) => Some(RawFile {
            file: path.to_path_buf(),
            stem: stem(path),
            meta,
        }),
        Err(found) => {
            diags.extend(found);
            None
        }
    };
    for (path, contents) in inputs.under(&slash(&folder)) {
        if path.extension().and_then(|e| e.to_str()) != Some("yaml") {
            continue;
        }
        let text = match contents {
            Contents::Text(t) => t.to_string(),
            Contents::Bytes(b) => match String::from_utf8(b.clone()) {
                Ok(t) => t,
                Err(_) => {
                    diags.push(
                        Diagnostic::error(Code::NotUtf8, "this translation file is not UTF-8")
                            .in_file(path)
                            .help("save the file as UTF-8"),
                    );
                    continue;
                }
            },
            Contents::Deferred(_) | Contents::Failed => continue,
        };
        if let Some(file) = read(path, &text, diags) {
            parsed.translations.push(file);
        }
    }
    let (path, text) = crate::theme::default_strings();
    parsed.base_strings = read(&path, text, diags);
}

/// A file's name without its extension: the id of a node, table or dataset.
pub(crate) fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}
