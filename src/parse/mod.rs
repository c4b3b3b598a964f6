//! The parse stage: [`parse`] turns loaded files into `Raw*` records (front matter, YAML lists,
//! Markdown bodies with their links and anchors), each remembering where it came from. It checks
//! syntax and shape only; ids, references and quotes are the resolve stage's work.
//!
//! - `raw.rs`: the records, as serde reads them; `keys.rs`: the keys each accepts (for the docs).
//! - `content.rs`: Markdown files (front matter and body); `data.rs`: YAML files under `data/`;
//!   `releases.rs`: release records (JSON) under `releases/`.
//! - `yaml.rs`: the one module that knows serde-saphyr; `Spanned`, a value with its place, which
//!   the build cache writes and reads back whole.
//! - [`ParseMemo`]: parses kept between runs, every file's in memory (`serve`), or the records of
//!   findings files and of sources', claims', topics' and gaps' Markdown files in the build cache
//!   (`build`; `stored.rs`: each file's records in bincode, written and read back). `joined.rs`:
//!   `serve`'s last join of every file's records, in which a run replaces those of the files
//!   that changed.

use std::collections::hash_map::HashMap;
use std::collections::{BTreeMap, BTreeSet};
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
mod joined;
pub mod keys;
pub(crate) mod raw;
pub(crate) mod recover;
mod releases;
mod stored;
pub(crate) mod yaml;

use content::{parse_content, MarkdownFile};
use raw::*;

/// What the parse stage hands to the resolve stage.
#[derive(Clone, Debug, Default)]
pub struct Parsed {
    pub(crate) config: Option<RawConfig>,
    /// Plain pages; each shared, as findings are, so that `serve` knows a page it resolved
    /// before by its record (`resolve::PageMemo`), and copying the parse copies pointers.
    pub(crate) pages: Vec<Arc<RawDoc<RawPage>>>,
    pub(crate) sources: Vec<RawDoc<RawSource>>,
    pub(crate) claims: Vec<RawDoc<RawClaim>>,
    pub(crate) topics: Vec<RawDoc<RawTopic>>,
    pub(crate) gaps: Vec<RawDoc<RawGap>>,
    /// Findings with the file they came from; each shared, so that joining every file's, moving
    /// them, and taking a file's from `serve`'s parse memo copies a pointer, not a kilobyte of
    /// fields.
    pub(crate) findings: Vec<FoundFinding>,
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

/// A finding as parsed, with the file it came from.
pub(crate) type FoundFinding = (PathBuf, Arc<S<RawFinding>>);

/// A file `serve` may show the pages of at once when it is edited: findings, or a Markdown file
/// under `content/` whose body alone may have changed.
pub(crate) enum Edited {
    Findings(Vec<FoundFinding>),
    Page(Arc<RawDoc<RawPage>>),
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
        self.findings.is_empty() && self.holds_nothing_else()
    }

    /// Whether nothing but findings was parsed (of what a content or data file gives).
    fn holds_nothing_else(&self) -> bool {
        self.pages.is_empty()
            && self.sources.is_empty()
            && self.claims.is_empty()
            && self.topics.is_empty()
            && self.gaps.is_empty()
            && self.content_files.is_empty()
            && self.holds_no_data()
    }

    /// Whether nothing was parsed but findings and Markdown files (and their names).
    fn holds_no_data(&self) -> bool {
        self.archives.is_empty() && self.holds_only_records()
    }

    /// Whether nothing was parsed but records that a file alone gives, each kept with its file's
    /// path: findings, Markdown files (and their names), and archived texts. No table, dataset,
    /// glossary, asset or release, and no sign of a file that did not parse or could not be read.
    fn holds_only_records(&self) -> bool {
        self.tables.is_empty()
            && self.datasets.is_empty()
            && self.glossary.is_none()
            && self.scope.is_none()
            && self.assets.is_empty()
            && self.broken.is_empty()
            && !self.findings_incomplete
            && self.unreadable.is_empty()
            && self.releases.is_empty()
    }

    /// Makes room in the lists for what `parts` hold, to be joined to them.
    fn reserve<'a>(&mut self, parts: impl Iterator<Item = &'a Parsed> + Clone) {
        let count = |n: fn(&Parsed) -> usize| parts.clone().map(n).sum::<usize>();
        self.pages.reserve(count(|p| p.pages.len()));
        self.sources.reserve(count(|p| p.sources.len()));
        self.claims.reserve(count(|p| p.claims.len()));
        self.topics.reserve(count(|p| p.topics.len()));
        self.gaps.reserve(count(|p| p.gaps.len()));
        self.findings.reserve(count(|p| p.findings.len()));
        self.content_files.reserve(count(|p| p.content_files.len()));
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

/// What parsing each content and data file gave, kept between runs: a file whose text has not
/// changed is not parsed again. Parsing a file depends on nothing but its path and text.
///
/// `serve` keeps every file's parse in memory ([`ParseMemo::default`]). `build` keeps the records
/// of findings files and of Markdown files (nodes' and plain pages') in the build cache
/// ([`ParseMemo::stored`]), in bincode with their places (`stored.rs`), and
/// only those of files that parsed without a diagnostic: they are most of what a site's parse
/// costs, and their records are plain data. (A Markdown file's body is not kept: it is its text's,
/// as loaded, or a plain page's file, read when the page is made.)
#[derive(Default)]
pub struct ParseMemo {
    memo: Mutex<HashMap<PathBuf, Arc<Memoised>>>,
    /// The last run's join of every file's parse (`serve`'s memo only): see `joined.rs`.
    joined: Mutex<Option<joined::Joined>>,
    /// The theme's translation files, and the built-in English one, as parsed (a site's own
    /// files' parses are in `memo`).
    translations: Mutex<HashMap<PathBuf, Arc<Translated>>>,
    stored: Option<Stored>,
}

/// A translation file's parse: the hash of its text, what it gave, and what it reported.
type Translated = (u64, Option<RawFile<RawTranslations>>, Vec<Diagnostic>);

/// One file's parse: the hash of its contents, what it gave, and what it reported.
type Memoised = (u64, Parsed, Vec<Diagnostic>);

/// Files' records as the build cache keeps them: path → (hash of the text, records in
/// bincode); and how that changed in this run.
struct Stored {
    files: Mutex<stored::Files>,
    /// The build cache's file as read, when entries can be added to it (else it is written
    /// whole).
    file: Option<stored::FileRead>,
    /// The files whose entries this run changed, in order: each with its new records, or `None`
    /// when it is no longer kept.
    edits: Mutex<Vec<(String, Option<stored::Kept>)>>,
}

impl ParseMemo {
    /// A memo for `build`, starting from the build cache's file of parsed files (`bytes`, if
    /// there is one); a file written by another build of evident is ignored, and so is any part
    /// of one that is not whole.
    pub fn stored(bytes: Option<&[u8]>, build: &str) -> ParseMemo {
        let (files, file) = bytes
            .and_then(|b| stored::read_files(b, build))
            .unwrap_or_default();
        ParseMemo {
            memo: Mutex::default(),
            joined: Mutex::default(),
            translations: Mutex::default(),
            stored: Some(Stored {
                files: Mutex::new(files),
                file,
                edits: Mutex::default(),
            }),
        }
    }

    /// The build cache's file of parsed files, whole ([`stored::whole`]), if this memo keeps one
    /// and it changed in this run.
    pub fn stored_bytes(&self, build: &str) -> Option<Vec<u8>> {
        let stored = self.stored.as_ref()?;
        if !stored.changed() {
            return None;
        }
        let files = std::mem::take(&mut *stored.files.lock().unwrap_or_else(|p| p.into_inner()));
        Some(stored::whole(&files, build))
    }

    /// What this run changed, as entries to add to the end of the build cache's file as read
    /// ([`stored::entry`]), with the length the file must still have: a rebuild after a few
    /// edits writes a few entries rather than the whole file. `None` when nothing changed, or the
    /// file is to be written whole ([`ParseMemo::stored_bytes`]): none was read whole, or the
    /// entries replaced would be more than a fifth of it.
    pub fn appended(&self, build: &str) -> Option<(usize, Vec<u8>)> {
        let stored = self.stored.as_ref()?;
        let file = stored.file?;
        let edits = stored.edits.lock().unwrap_or_else(|p| p.into_inner());
        if edits.is_empty() {
            return None;
        }
        let seed = stored::seed(build);
        let mut bytes = Vec::new();
        for (path, kept) in edits.iter() {
            let kept = kept.as_ref().map(|(key, record)| (*key, &record[..]));
            stored::entry(&mut bytes, seed, path, kept);
        }
        // Counted as if each entry added replaced one as long (a new file's replaces none).
        let dead = file.dead + bytes.len();
        (dead * 5 <= file.len + bytes.len()).then_some((file.len, bytes))
    }

    /// A hash of what a file holds; `None` for what is not held (a plain page read later: `build`
    /// keys it by its text once read, `parse_page_kept`). `serve`'s memo keeps no plain page's parse: at 10,000 pages their entries would be about 20 MB (an
    /// estimate: a whole `Parsed` each, with its diagnostics). `serve`'s kept join knows each by
    /// the number it was listed with, and holds its records until a run finds the number changed
    /// (`joined.rs`).
    fn key(contents: &Contents) -> Option<u64> {
        use xxhash_rust::xxh3::xxh3_64_with_seed;
        match contents {
            Contents::Text(t) => Some(xxh3_64_with_seed(t.as_bytes(), 0)),
            Contents::Bytes(b) => Some(xxh3_64_with_seed(b, 1)),
            Contents::Deferred(..) | Contents::Failed => None,
        }
    }

    fn get(&self, path: &Path, key: u64, contents: &Contents) -> Option<(Parsed, Vec<Diagnostic>)> {
        if let Some(stored) = &self.stored {
            let record = {
                let files = stored.files.lock().unwrap_or_else(|p| p.into_inner());
                let (k, record) = files.get(path.to_str()?)?;
                (*k == key).then(|| record.clone())?
            };
            return stored::read(&record, path, contents).map(|parsed| (parsed, Vec::new()));
        }
        // Copied once the lock is let go: the other threads look up their files meanwhile.
        let memoised = {
            let memo = self.memo.lock().unwrap_or_else(|p| p.into_inner());
            memo.get(path).filter(|m| m.0 == key)?.clone()
        };
        let (_, parsed, diags) = &*memoised;
        Some((parsed.clone(), diags.clone()))
    }

    fn put(&self, path: &Path, key: u64, parsed: &Parsed, diags: &[Diagnostic]) {
        let Some(stored) = &self.stored else {
            self.memo.lock().unwrap_or_else(|p| p.into_inner()).insert(
                path.to_path_buf(),
                Arc::new((key, parsed.clone(), diags.to_vec())),
            );
            return;
        };
        // A path the file's lines cannot hold is parsed each time.
        let Some(name) = path.to_str().filter(|n| !n.contains('\n')) else {
            return;
        };
        let record = stored::record(path, parsed, diags);
        let mut files = stored.files.lock().unwrap_or_else(|p| p.into_inner());
        let kept = record.map(|record| (key, Arc::<[u8]>::from(record)));
        let changed = match &kept {
            Some(kept) => {
                files.insert(name.to_string(), kept.clone());
                true
            }
            None => files.remove(name).is_some(),
        };
        if changed {
            stored.edited(name, kept);
        }
    }

    /// Forgets files that are no longer there.
    fn retain(&self, inputs: &Inputs) {
        // Every file with a key (its text or bytes) has an entry, so there are more entries than
        // such files exactly when some file is gone: only then are they looked up one by one (a
        // few milliseconds at N = 10,000, for every rebuild of `serve`).
        let keyed = (inputs.files.values())
            .filter(|c| matches!(c, Contents::Text(_) | Contents::Bytes(_)))
            .count();
        let mut memo = self.memo.lock().unwrap_or_else(|p| p.into_inner());
        if memo.len() > keyed {
            memo.retain(|path, _| inputs.files.contains_key(path));
        }
        drop(memo);
        if let Some(stored) = &self.stored {
            let mut files = stored.files.lock().unwrap_or_else(|p| p.into_inner());
            let gone: Vec<String> = (files.keys())
                .filter(|path| !inputs.files.contains_key(Path::new(path)))
                .cloned()
                .collect();
            for path in gone {
                files.remove(&path);
                stored.edited(&path, None);
            }
        }
    }
}

impl Stored {
    /// Notes that the entry of the file at `path` changed to `kept` (`None`: no longer kept),
    /// when the file read can be added to (else it is written whole anyway).
    fn edited(&self, path: &str, kept: Option<stored::Kept>) {
        if self.file.is_some() {
            (self.edits.lock().unwrap_or_else(|p| p.into_inner())).push((path.to_string(), kept));
        }
    }

    /// Whether the build cache's file is to be written: none was read whole, or this run
    /// changed an entry.
    fn changed(&self) -> bool {
        self.file.is_none()
            || !self
                .edits
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .is_empty()
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
    parse_theme(inputs, &mut parsed, &mut diags, memo);
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

/// Each content and data file parses on its own, in parallel; the files are then joined in path
/// order, so the outcome does not depend on thread timing. Joined once, into lists made as long
/// as they will be: joined in pairs up a tree, a large site's records were copied once a level.
///
/// With `serve`'s memo, the last run's join is kept, and a run in which a few files changed
/// replaces their records in it instead (`joined.rs`).
fn parse_files(
    inputs: &Inputs,
    reader: &dyn ReadText,
    memo: Option<&ParseMemo>,
) -> (Parsed, Vec<Diagnostic>) {
    let parse = |path: &Path, contents: &Contents| parse_one(path, contents, reader, memo);
    let joined = memo.filter(|m| m.stored.is_none()).map(|m| &m.joined);
    let mut kept = joined.map(|j| j.lock().unwrap_or_else(|p| p.into_inner()));
    // A site of files that could not be read, parsed on every run, could never update a join:
    // none is kept.
    if !joined::worth_keeping(inputs) {
        if let Some(k) = kept.as_deref_mut() {
            *k = None;
        }
        kept = None;
    }
    if let Some(done) =
        (kept.as_deref_mut().and_then(Option::as_mut)).and_then(|j| j.update(inputs, parse))
    {
        return done;
    }
    let each: Vec<(Parsed, Vec<Diagnostic>)> = (inputs.files.par_iter())
        .map(|(path, contents)| parse(path, contents))
        .collect();
    // What each file was parsed from, noted before the parses are moved into the join.
    let files = kept
        .is_some()
        .then(|| joined::Joined::files_of(inputs, &each));
    let mut parsed = Parsed::default();
    let mut diags = Vec::new();
    parsed.reserve(each.iter().map(|(p, _)| p));
    for (p, d) in each {
        parsed.join(p);
        diags.extend(d);
    }
    if let (Some(kept), Some(files)) = (kept.as_deref_mut(), files) {
        *kept = Some(joined::Joined::new(files, parsed.clone()));
    }
    (parsed, diags)
}

/// The parse of one file, from `memo` when it holds the file as it is (and kept there when it
/// does not).
fn parse_one(
    path: &Path,
    contents: &Contents,
    reader: &dyn ReadText,
    memo: Option<&ParseMemo>,
) -> (Parsed, Vec<Diagnostic>) {
    let stored = memo.filter(|m| m.stored.is_some());
    if let (Some(memo), Contents::Deferred(real, _)) = (stored, contents) {
        return parse_page_kept(path, real, contents, reader, memo);
    }
    let memo = memo.zip(ParseMemo::key(contents));
    if let Some(done) = memo.and_then(|(memo, key)| memo.get(path, key, contents)) {
        return done;
    }
    let (mut p, mut d) = (Parsed::default(), Vec::new());
    parse_file(path, contents, reader, &mut p, &mut d);
    if let Some((memo, key)) = memo {
        memo.put(path, key, &p, &d);
    }
    (p, d)
}

/// A plain page (`contents`, on disk at `real`) parsed for `build`: read, and its records taken
/// from the build cache (`memo`) when kept there under its text's hash, else parsed and kept.
/// The read is what a plain page's parse cannot do without; the scan of its Markdown is most of
/// the rest.
fn parse_page_kept(
    path: &Path,
    real: &Path,
    contents: &Contents,
    reader: &dyn ReadText,
    memo: &ParseMemo,
) -> (Parsed, Vec<Diagnostic>) {
    let (mut p, mut d) = (Parsed::default(), Vec::new());
    let text = match reader.read_text(path, real) {
        Ok(text) => text,
        Err(e) => {
            unreadable_page(path, e, &mut p, &mut d);
            return (p, d);
        }
    };
    let key = crate::model::Body::hash_text(&text);
    if let Some(done) = memo.get(path, key, contents) {
        return done;
    }
    parse_page(path, (real, key), text, &mut p, &mut d);
    memo.put(path, key, &p, &d);
    (p, d)
}

/// A plain page's text (`text`, read from the file `on_disk` names, with its hash) parsed.
fn parse_page(
    path: &Path,
    on_disk: (&Path, u64),
    text: String,
    parsed: &mut Parsed,
    diags: &mut Vec<Diagnostic>,
) {
    let file = MarkdownFile {
        path,
        text: &text.into(),
        on_disk: Some(on_disk),
    };
    parse_content(&file, parsed, diags)
}

/// A plain page that could not be read (`e` says why).
fn unreadable_page(path: &Path, e: Diagnostic, parsed: &mut Parsed, diags: &mut Vec<Diagnostic>) {
    parsed.content_files.push(path.to_path_buf());
    parsed.broken.insert(format!("page:{}", stem(path)));
    diags.push(e);
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
        ("content", Contents::Deferred(real, _)) => match reader.read_text(path, real) {
            Ok(text) => {
                let hash = crate::model::Body::hash_text(&text);
                parse_page(path, (real, hash), text, parsed, diags)
            }
            Err(e) => unreadable_page(path, e, parsed, diags),
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
fn parse_theme(
    inputs: &Inputs,
    parsed: &mut Parsed,
    diags: &mut Vec<Diagnostic>,
    memo: Option<&ParseMemo>,
) {
    let theme = parsed
        .config
        .as_ref()
        .and_then(|c| c.theme.as_ref().map(|t| t.value.clone()))
        .unwrap_or_else(|| crate::theme::DEFAULT_NAME.to_string());
    let theme_root = PathBuf::from("themes").join(&theme);
    let has_theme = inputs.under(&slash(&theme_root)).next().is_some();
    if !has_theme {
        parsed.theme.unknown = true;
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
    parse_translations(inputs, &theme_root, parsed, diags, memo);
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
                Contents::Deferred(..) | Contents::Failed => continue,
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
    memo: Option<&ParseMemo>,
) {
    let folder = theme_root.join(crate::theme::I18N_FOLDER);
    let parse = |path: &Path, text: &str| {
        let mut found = Vec::new();
        let file = match yaml::from_yaml::<RawTranslations>(path, text, 1) {
            Ok(meta) => Some(RawFile {
                file: path.to_path_buf(),
                stem: stem(path),
                meta,
            }),
            Err(d) => {
                found.extend(d);
                None
            }
        };
        (file, found)
    };
    // As parsed before, when `memo` holds the same text for the path.
    let read = |path: &Path, text: &str, diags: &mut Vec<Diagnostic>| {
        let Some(memo) = memo else {
            let (file, found) = parse(path, text);
            diags.extend(found);
            return file;
        };
        let key = xxhash_rust::xxh3::xxh3_64(text.as_bytes());
        let mut held = memo.translations.lock().unwrap_or_else(|p| p.into_inner());
        let done = match held.get(path).filter(|t| t.0 == key) {
            Some(done) => done.clone(),
            None => {
                let (file, found) = parse(path, text);
                let done = Arc::new((key, file, found));
                held.insert(path.to_path_buf(), done.clone());
                done
            }
        };
        diags.extend(done.2.iter().cloned());
        done.1.clone()
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
            Contents::Deferred(..) | Contents::Failed => continue,
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

#[cfg(test)]
mod tests {
    use super::*;

    struct NoReader;

    impl ReadText for NoReader {
        fn read_text(&self, rel: &Path, _: &Path) -> Result<String, Diagnostic> {
            Err(Diagnostic::error(Code::IoError, "not read").in_file(rel))
        }
    }

    /// Plain pages' texts by where they are, counting the reads.
    #[derive(Default)]
    struct MemoryDisk {
        files: Mutex<HashMap<PathBuf, String>>,
        reads: std::sync::atomic::AtomicUsize,
    }

    impl MemoryDisk {
        fn write(&self, real: &str, text: &str) {
            (self.files.lock().unwrap()).insert(real.into(), text.into());
        }

        fn reads(&self) -> usize {
            self.reads.load(std::sync::atomic::Ordering::SeqCst)
        }
    }

    impl ReadText for MemoryDisk {
        fn read_text(&self, rel: &Path, real: &Path) -> Result<String, Diagnostic> {
            self.reads.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let files = self.files.lock().unwrap();
            let text = files.get(real).cloned();
            text.ok_or_else(|| Diagnostic::error(Code::IoError, "no such file").in_file(rel))
        }
    }

    // An alias, a list of stances, numbers and empty optional keys: what the cache must keep.
    const FINDINGS: &str = "findings:\n  - id: f1\n    statement: Most said so.\n    figure: &fig \"75%\"\n    value: {kind: percent, number: 75.5}\n    source: s1\n    locator: p. 2\n    quote: *fig\n    stances:\n      - {claim: c1, stance: supports, reason: Why.}\n  - id: f2\n    statement: Few.\n    source: s1\n    locator: p. 3\n    quote: \"few did\"\n    withdrawn: {date: 2020-01-02, reason: Wrong., replaced_by: f1}\n";

    fn inputs(files: &[(&str, &str)]) -> Inputs {
        let mut inputs = Inputs::default();
        for (path, text) in files {
            inputs.insert_text(*path, *text);
        }
        inputs
    }

    #[test]
    fn findings_kept_in_the_build_cache_read_back_as_parsed_places_and_all() {
        let inputs = inputs(&[
            ("data/findings/a.yaml", FINDINGS),
            ("data/findings/bad.yaml", "findings: ["),
            ("data/claims.yaml", "claims: []\n"),
        ]);
        let memo = ParseMemo::stored(None, "build 1");
        let (first, first_diags) = parse_with(&inputs, &NoReader, Some(&memo));
        assert_eq!(first.findings.len(), 2);
        let stored = memo
            .stored_bytes("build 1")
            .expect("a first build writes it");
        assert!(holds(&stored, "data/findings/a.yaml"));
        assert!(
            !holds(&stored, "bad.yaml"),
            "a file with a diagnostic is parsed each time"
        );

        let again = ParseMemo::stored(Some(&stored), "build 1");
        let (second, second_diags) = parse_with(&inputs, &NoReader, Some(&again));
        assert_eq!(format!("{first:?}"), format!("{second:?}"));
        assert_eq!(first_diags, second_diags);
        assert_eq!(again.stored_bytes("build 1"), None, "nothing changed");

        // What the cache holds is what the next build reads (not the file parsed again)...
        let marked = replaced(&stored, "build 1", "Most said so.", "From a cache.");
        let (read, _) = parse_with(
            &inputs,
            &NoReader,
            Some(&ParseMemo::stored(Some(&marked), "build 1")),
        );
        assert_eq!(read.findings[0].1.value.statement, "From a cache.");
        // ...unless the file's text changed, or another build of evident wrote it.
        let edited = self::inputs(&[("data/findings/a.yaml", &FINDINGS.replace("Few.", "Fewer."))]);
        let (read, _) = parse_with(
            &edited,
            &NoReader,
            Some(&ParseMemo::stored(Some(&marked), "build 1")),
        );
        assert_eq!(read.findings[0].1.value.statement, "Most said so.");
        let other = ParseMemo::stored(Some(&marked), "build 2");
        let (read, _) = parse_with(&inputs, &NoReader, Some(&other));
        assert_eq!(read.findings[0].1.value.statement, "Most said so.");
        let (read, _) = parse_with(
            &inputs,
            &NoReader,
            Some(&ParseMemo::stored(Some(b"not a cache"), "build 1")),
        );
        assert_eq!(read.findings[0].1.value.statement, "Most said so.");
    }

    /// `serve`'s memo keeps the last run's join, and replaces in it the records of the files that
    /// changed: each run's parse must be the one made from scratch, records, order and
    /// diagnostics alike, whether the join was updated or made again. Which it was is told by a
    /// mark put into the kept join: an update leaves it there, a join made again drops it.
    #[test]
    fn the_join_kept_updated_file_by_file_is_the_parse_made_afresh() {
        let memo = ParseMemo::default();
        let mark = Path::new("archive/mark.txt");
        let marked = |memo: &ParseMemo| {
            let mut joined = memo.joined.lock().unwrap();
            let j = joined.as_mut().expect("serve's memo keeps the join");
            j.mark(mark);
        };
        let disk = MemoryDisk::default();
        let step = |inputs: &Inputs, updated: bool, what: &str| {
            let (made, made_diags) = parse(inputs, &disk);
            let (mut kept, kept_diags) = parse_with(inputs, &disk, Some(&memo));
            let was_updated = kept.archives.remove(mark).is_some();
            assert_eq!(was_updated, updated, "{what}: updated");
            assert_eq!(format!("{kept:?}"), format!("{made:?}"), "{what}");
            assert_eq!(kept_diags, made_diags, "{what}: diagnostics");
            marked(&memo);
        };
        let mut now = inputs(&[
            ("data/findings/a.yaml", FINDINGS),
            (
                "data/findings/c.yaml",
                &FINDINGS.replace("f1", "f3").replace("f2", "f4"),
            ),
            ("content/sources/s1.md", SOURCE),
            (
                "content/claims/c1.md",
                "---\ntitle: C\ntopic: t1\n---\nBody.\n",
            ),
            ("content/topics/t1.md", "---\ntitle: T\n---\n"),
            ("content/about.md", "---\ntitle: About\n---\nPlain.\n"),
            ("archive/s1.txt", "Most said so."),
            (
                "data/tables/t.yaml",
                "title: T\ncaption: C\ncolumns: [figure]\nrows:\n  - {finding: f1}\n",
            ),
            ("site.yaml", "title: S\n"),
        ]);
        step(&now, false, "the first run joins every file");
        assert_eq!(parse(&now, &NoReader).0.tables.len(), 1, "the table parses");
        step(&now, true, "nothing changed");
        now.insert_text("data/findings/a.yaml", FINDINGS.replace("Few.", "Fewer."));
        step(&now, true, "a finding edited");
        now.insert_text(
            "data/findings/b.yaml",
            FINDINGS.replace("f1", "f5").replace("f2", "f6"),
        );
        now.insert_text(
            "content/sources/s0.md",
            SOURCE.replace("A report", "Another"),
        );
        step(&now, true, "files added between others");
        now.files.remove(Path::new("data/findings/c.yaml"));
        now.insert_text("archive/s1.txt", "Most said so, and more.");
        now.insert_text("content/claims/c1.md", "---\ntitle: [\n---\n");
        step(
            &now,
            false,
            "a claim that does not parse joins every file again",
        );
        now.insert_text(
            "content/claims/c1.md",
            "---\ntitle: C\ntopic: t1\nwhat: x\n---\n",
        );
        step(&now, false, "and so does the claim it was");
        now.insert_text("content/about.md", "---\ntitle: About us\n---\nPlain.\n");
        now.files.remove(Path::new("content/sources/s0.md"));
        step(&now, true, "a page edited and a source gone");
        // A data file evident does not read: a warning, and nothing else.
        now.insert_text("data/a-note.yaml", "note: x\n");
        now.insert_text(
            "data/findings/b.yaml",
            FINDINGS.replace("f1", "f7").replace("f2", "f8"),
        );
        step(&now, true, "a file with a warning added");
        let warned = |inputs: &Inputs| {
            let diags = parse(inputs, &disk).1;
            diags.iter().any(|d| d.code == Code::UnusedData)
        };
        assert!(warned(&now), "the file's warning");
        now.files.remove(Path::new("data/a-note.yaml"));
        step(&now, true, "and taken away");
        assert!(!warned(&now));
        now.insert_text(
            "data/findings/a.yaml",
            "findings:\n  - id: f1\n    statement: [\n",
        );
        step(&now, false, "a findings file that does not parse");
        now.insert_text("data/findings/a.yaml", FINDINGS);
        step(&now, false, "and the file it was");
        now.insert_text(
            "data/tables/t.yaml",
            "title: Table\ncaption: C\ncolumns: [figure]\nrows:\n  - {finding: f1}\n",
        );
        step(&now, false, "a table edited");
        for n in 0..40 {
            now.insert_text(format!("content/topics/n{n}.md"), "---\ntitle: N\n---\n");
        }
        step(&now, false, "more files than an update takes");
        // Plain pages, which the parse reads itself: each is read once, and again only when it
        // is listed again, as `serve` lists a file its watcher reports.
        for n in 0..40 {
            let (path, real) = (format!("content/p{n}.md"), format!("/disk/p{n}.md"));
            disk.write(
                &real,
                &format!("---\ntitle: Page {n}\n---\n[a](about.md)\n"),
            );
            (now.files).insert(path.into(), Contents::deferred(real.into()));
        }
        step(&now, false, "plain pages added, more than an update takes");
        let reads = disk.reads();
        step(&now, true, "plain pages not listed again");
        assert_eq!(
            disk.reads(),
            reads + 40,
            "read only by the parse made afresh"
        );
        // Changed on disk, but not reported: kept as parsed, unread (as `serve` keeps a text it
        // was not told changed).
        disk.write("/disk/p3.md", "---\ntitle: Page three\n---\n");
        let reads = disk.reads();
        let title = |p: &Parsed| {
            let page = p.pages.iter().find(|d| d.stem == "p3");
            page.map(|d| d.meta.title.clone())
        };
        let kept = parse_with(&now, &disk, Some(&memo)).0;
        assert_eq!(title(&kept).as_deref(), Some("Page 3"));
        assert_eq!(disk.reads(), reads, "not read");
        let relisted = Contents::deferred("/disk/p3.md".into());
        (now.files).insert("content/p3.md".into(), relisted);
        let reads = disk.reads();
        step(&now, true, "a page listed again is read again");
        assert_eq!(
            disk.reads(),
            reads + 40 + 1,
            "the page listed again, read by both"
        );
        let kept = parse_with(&now, &disk, Some(&memo)).0;
        assert_eq!(title(&kept).as_deref(), Some("Page three"), "its new title");
        for n in 0..40 {
            let real = format!("/disk/p{n}.md");
            (now.files).insert(
                format!("content/p{n}.md").into(),
                Contents::deferred(real.into()),
            );
        }
        let reads = disk.reads();
        step(
            &now,
            false,
            "every page listed again, as after the watcher lost track",
        );
        assert_eq!(disk.reads(), reads + 80, "every page read again by both");
    }

    // Front matter with places, an alias, nested records and a map; a body with a heading, links
    // and a figure typed into its prose.
    const SOURCE: &str = "---\ntype: report\ntitle: &t A report\nauthors:\n  - {family: Glasby, given: Jon}\ndate: \"2010\"\nkind: *t\ndesign: survey\nunverified: {date: guess}\n---\n\n## Findings here\n\nSee [the claim](../claims/c1.md) and [a site](https://example.org/): 42% said so.\n";

    #[test]
    fn markdown_nodes_kept_in_the_build_cache_read_back_as_parsed_body_and_all() {
        let files = [
            ("content/sources/s1.md", SOURCE),
            (
                "content/claims/c1.md",
                "---\ntitle: C\ntopic: t1\n---\nBody.\n",
            ),
            ("content/topics/t1.md", "---\ntitle: T\n---\n"),
            (
                "content/gaps/g1.md",
                "---\ntitle: G\nsource: s1\nlocator: p. 1\nquote: q\nclaims: [c1]\n---\n",
            ),
            ("content/about.md", "---\ntitle: About\n---\nPlain.\n"),
            ("content/sources/bad.md", "---\ntitle: [\n---\n"),
        ];
        let memo = ParseMemo::stored(None, "b");
        let (first, first_diags) = parse_with(&inputs(&files), &NoReader, Some(&memo));
        assert_eq!(first.sources.len(), 1);
        assert_eq!(first.sources[0].links.len(), 2, "{first:?}");
        assert_eq!(first.sources[0].figures.len(), 1, "{first:?}");
        let stored = memo.stored_bytes("b").expect("a first build writes it");
        for kept in [
            "sources/s1.md",
            "claims/c1.md",
            "topics/t1.md",
            "gaps/g1.md",
        ] {
            assert!(holds(&stored, kept), "{kept}");
        }
        assert!(
            !holds(&stored, "about.md"),
            "a plain page held as text (never so but in tests) is parsed each time"
        );
        assert!(!holds(&stored, "bad.md"), "so is a file with a diagnostic");

        let again = ParseMemo::stored(Some(&stored), "b");
        let (second, second_diags) = parse_with(&inputs(&files), &NoReader, Some(&again));
        assert_eq!(format!("{first:?}"), format!("{second:?}"));
        assert_eq!(first_diags, second_diags);
        assert_eq!(again.stored_bytes("b"), None, "nothing changed");

        // The front matter is the cache's; the body, the file's text as loaded.
        let marked = replaced(&stored, "b", "A report", "A cached");
        let memo = ParseMemo::stored(Some(&marked), "b");
        let (read, _) = parse_with(&inputs(&files), &NoReader, Some(&memo));
        assert_eq!(read.sources[0].meta.title, "A cached");
        let body = read.sources[0].body.text(&NoReader).unwrap();
        assert!(body.starts_with("\n## Findings here"), "{body}");
    }

    /// A plain page's Markdown is read when it is parsed and again when it is made: the build
    /// cache keeps its records under its text's hash, so a later build reads it but does not
    /// parse it again; its body is still its file, read when the page is made. A page whose text
    /// changed is parsed again; one with a diagnostic is not kept.
    #[test]
    fn plain_pages_kept_in_the_build_cache_are_read_but_not_parsed_again() {
        let disk = MemoryDisk::default();
        let page = "---\ntitle: About\ntags: [a, b]\n---\n\n## Method\n\nSee [the claim](claims/c1.md): 42% said so.\n";
        disk.write("/disk/about.md", page);
        disk.write("/disk/bad.md", "---\ntitle: [\n---\n");
        let mut inputs = Inputs::default();
        for name in ["about", "bad"] {
            let real = PathBuf::from(format!("/disk/{name}.md"));
            (inputs.files).insert(
                format!("content/{name}.md").into(),
                Contents::deferred(real),
            );
        }
        let memo = ParseMemo::stored(None, "b");
        let (first, first_diags) = parse_with(&inputs, &disk, Some(&memo));
        assert_eq!(first.pages.len(), 1);
        assert_eq!(first.pages[0].links.len(), 1, "{first:?}");
        assert_eq!(first.pages[0].figures.len(), 1, "{first:?}");
        let stored = memo.stored_bytes("b").expect("a first build writes it");
        assert!(holds(&stored, "content/about.md"));
        assert!(
            !holds(&stored, "content/bad.md"),
            "a file with a diagnostic"
        );

        let reads = disk.reads();
        let again = ParseMemo::stored(Some(&stored), "b");
        let (second, second_diags) = parse_with(&inputs, &disk, Some(&again));
        assert_eq!(format!("{first:?}"), format!("{second:?}"));
        assert_eq!(first_diags, second_diags);
        assert_eq!(disk.reads(), reads + 2, "each page read, to be known");
        assert_eq!(again.stored_bytes("b"), None, "nothing changed");

        // The records are the cache's; the body, the file on disk.
        let marked = replaced(&stored, "b", "About", "Aloft");
        let memo = ParseMemo::stored(Some(&marked), "b");
        let (read, _) = parse_with(&inputs, &disk, Some(&memo));
        assert_eq!(read.pages[0].meta.title, "Aloft");
        let body = read.pages[0].body.text(&disk).unwrap();
        assert!(body.starts_with("\n## Method"), "{body}");

        // The text changed: parsed again, and kept as it is now.
        disk.write("/disk/about.md", &page.replace("About", "Other"));
        let memo = ParseMemo::stored(Some(&marked), "b");
        let (edited, _) = parse_with(&inputs, &disk, Some(&memo));
        assert_eq!(edited.pages[0].meta.title, "Other");
        let now = memo.stored_bytes("b").expect("the page's entry changed");
        assert!(holds(&now, "Other") && !holds(&now, "Aloft"));
    }

    /// Found by a review, when the cache was JSON: serde_json read some numbers back one step off
    /// what it wrote unless its `float_roundtrip` feature was on. A value's number must come back
    /// exactly, even one JSON cannot write (`.inf`, `.nan`).
    #[test]
    fn a_number_reads_back_from_the_build_cache_exactly() {
        for number in [
            "6.178787134922198e+305",
            "9.136353238902674e-45",
            "0.30000000000000004",
            ".inf",
            "-.inf",
            ".nan",
        ] {
            let text = FINDINGS.replace("number: 75.5", &format!("number: {number}"));
            let files = [("data/findings/a.yaml", text.as_str())];
            let memo = ParseMemo::stored(None, "b");
            let (first, _) = parse_with(&inputs(&files), &NoReader, Some(&memo));
            let stored = memo.stored_bytes("b").unwrap();
            assert!(holds(&stored, "a.yaml"), "{number}: kept");
            let again = ParseMemo::stored(Some(&stored), "b");
            let (second, _) = parse_with(&inputs(&files), &NoReader, Some(&again));
            let value = |p: &Parsed| {
                let number = p.findings[0].1.value.value.as_ref().unwrap().value.number;
                number.unwrap().to_bits()
            };
            assert_eq!(value(&first), value(&second), "{number}");
            let written: f64 = match number {
                ".inf" => f64::INFINITY,
                "-.inf" => f64::NEG_INFINITY,
                ".nan" => f64::NAN,
                _ => number.parse().unwrap(),
            };
            assert_eq!(value(&first), written.to_bits(), "{number}");
        }
    }

    #[test]
    fn a_build_cache_file_is_read_up_to_an_entry_cut_short_or_not_its_own() {
        let files = [("data/findings/a.yaml", FINDINGS)];
        let memo = ParseMemo::stored(None, "b");
        parse_with(&inputs(&files), &NoReader, Some(&memo));
        let stored = memo.stored_bytes("b").unwrap();
        let marked = replaced(&stored, "b", "Most said so.", "From a cache.");
        let statement = |bytes: &[u8]| {
            let memo = ParseMemo::stored(Some(bytes), "b");
            let (read, _) = parse_with(&inputs(&files), &NoReader, Some(&memo));
            read.findings[0].1.value.statement.clone()
        };
        assert_eq!(statement(&marked), "From a cache.");
        // Cut anywhere in its entry, even at a line's end, the file's records are not read: it
        // is parsed again.
        for cut in [marked.len() - 1, marked.len() - 2, marked.len() / 2, 30] {
            assert_eq!(statement(&marked[..cut]), "Most said so.", "cut at {cut}");
        }
        // A record a byte short of the length its line gives, or one of the same length
        // changed: its checksum does not match.
        let mut shorter = marked.clone();
        shorter.remove(marked.len() - 2);
        assert_eq!(statement(&shorter), "Most said so.");
        let at = (marked.windows(5)).position(|w| w == b"cache").unwrap();
        let mut changed = marked.clone();
        changed[at] = b'C';
        assert_eq!(statement(&changed), "Most said so.");
        // A head of another shape: nothing is read.
        let mut spaced = marked.clone();
        spaced.insert(marked.iter().position(|&b| b == b'\n').unwrap(), b' ');
        assert_eq!(statement(&spaced), "Most said so.");
        // What follows a whole entry and is not one is not read, and the file is written whole
        // again, without it.
        let mut more = marked.clone();
        more.extend_from_slice(b"more\n");
        assert_eq!(statement(&more), "From a cache.");
        let memo = ParseMemo::stored(Some(&more), "b");
        parse_with(&inputs(&files), &NoReader, Some(&memo));
        assert_eq!(memo.appended("b"), None);
        assert_eq!(memo.stored_bytes("b"), Some(marked.clone()));
        // An entry another build of evident wrote, added to the end, is not read.
        let mut other = marked.clone();
        let record = stored::read_files(&marked, "b").unwrap().0;
        let (key, record) = &record["data/findings/a.yaml"];
        let edited = replaced(&stored, "b", "Most said so.", "Not my cache.");
        let edited = &stored::read_files(&edited, "b").unwrap().0["data/findings/a.yaml"].1;
        assert_eq!(record.len(), edited.len());
        let seed = stored::seed("another build");
        stored::entry(
            &mut other,
            seed,
            "data/findings/a.yaml",
            Some((*key, edited)),
        );
        assert_eq!(statement(&other), "From a cache.");
    }

    #[test]
    fn a_rebuild_adds_the_entries_it_changed_to_the_build_cache_file() {
        // Twenty files: two entries added are a tenth of the file.
        let paths: Vec<String> = (0..20).map(|n| format!("data/findings/{n}.yaml")).collect();
        let mut files: Vec<(&str, &str)> = paths.iter().map(|p| (p.as_str(), FINDINGS)).collect();
        files.push(("data/findings/b.yaml", FINDINGS));
        let first = ParseMemo::stored(None, "b");
        parse_with(&inputs(&files), &NoReader, Some(&first));
        assert_eq!(
            first.appended("b"),
            None,
            "a first build writes the file whole"
        );
        let whole = first.stored_bytes("b").unwrap();
        // One file edited, one gone: two entries added, and the file read back holds what a
        // file written whole would.
        let edited = FINDINGS.replace("Few.", "Fewer.");
        files.pop();
        files[0].1 = &edited;
        let memo = ParseMemo::stored(Some(&whole), "b");
        let (parsed, _) = parse_with(&inputs(&files), &NoReader, Some(&memo));
        let (len, entries) = memo.appended("b").expect("a few entries to add");
        assert_eq!(len, whole.len());
        assert!(holds(&entries, "b.yaml") && holds(&entries, "Fewer."));
        let added = [&whole[..], &entries].concat();
        let rewritten = memo.stored_bytes("b").unwrap();
        let (read, file) = stored::read_files(&added, "b").unwrap();
        assert_eq!(read, stored::read_files(&rewritten, "b").unwrap().0);
        assert!(!read.contains_key("data/findings/b.yaml"));
        let file = file.expect("read whole");
        assert_eq!(file.len, added.len());
        assert!(file.dead > 0 && file.dead < entries.len() * 2, "{file:?}");
        // The next build reads the file added to, and parses nothing again.
        let again = ParseMemo::stored(Some(&added), "b");
        let (second, _) = parse_with(&inputs(&files), &NoReader, Some(&again));
        assert_eq!(format!("{parsed:?}"), format!("{second:?}"));
        assert_eq!(again.appended("b"), None, "nothing changed");
        assert_eq!(again.stored_bytes("b"), None);
        // Once the entries replaced would be more than a fifth of the file, it is written whole.
        let mut file = added;
        for n in 0.. {
            let text = FINDINGS.replace("Few.", &format!("Few {n}."));
            let mut files = files.clone();
            files[0].1 = &text;
            let memo = ParseMemo::stored(Some(&file), "b");
            parse_with(&inputs(&files), &NoReader, Some(&memo));
            match memo.appended("b") {
                Some((_, entries)) => file.extend_from_slice(&entries),
                None => {
                    let whole = memo.stored_bytes("b").unwrap();
                    // A sixth of the file was replaced entries (the one this build would add
                    // is counted too).
                    assert!(whole.len() * 6 / 5 <= file.len(), "{n}: {}", file.len());
                    assert!((1..10).contains(&n), "{n}");
                    break;
                }
            }
        }
    }

    #[test]
    fn a_path_with_a_line_break_is_parsed_each_time() {
        let memo = ParseMemo::stored(None, "b");
        let files = [
            ("data/findings/a.yaml", FINDINGS),
            ("data/findings/a\nb.yaml", FINDINGS),
        ];
        let (parsed, _) = parse_with(&inputs(&files), &NoReader, Some(&memo));
        assert_eq!(parsed.findings.len(), 4);
        let stored = memo.stored_bytes("b").unwrap();
        assert!(holds(&stored, "data/findings/a.yaml"));
        assert!(!holds(&stored, "a\nb.yaml"));
    }

    #[test]
    fn a_file_gone_or_no_longer_clean_leaves_the_build_cache() {
        let memo = ParseMemo::stored(None, "b");
        parse_with(
            &inputs(&[("data/findings/a.yaml", FINDINGS)]),
            &NoReader,
            Some(&memo),
        );
        let stored = memo.stored_bytes("b").unwrap();
        let gone = ParseMemo::stored(Some(&stored), "b");
        parse_with(&inputs(&[]), &NoReader, Some(&gone));
        assert!(!holds(&gone.stored_bytes("b").unwrap(), "a.yaml"));
        let broken = ParseMemo::stored(Some(&stored), "b");
        let text = FINDINGS.replace("statement: Few.", "statement: [");
        parse_with(
            &inputs(&[("data/findings/a.yaml", &text)]),
            &NoReader,
            Some(&broken),
        );
        assert!(!holds(&broken.stored_bytes("b").unwrap(), "a.yaml"));
    }

    /// Whether `bytes` hold `text`.
    fn holds(bytes: &[u8], text: &str) -> bool {
        bytes.windows(text.len()).any(|w| w == text.as_bytes())
    }

    /// The build cache's file `bytes` of `build` with `from` replaced by `to` in the records
    /// that hold it, of the same length (a record's strings carry their lengths), written whole
    /// again (so that each entry's checksum is its own).
    fn replaced(bytes: &[u8], build: &str, from: &str, to: &str) -> Vec<u8> {
        assert_eq!(from.len(), to.len());
        let (files, _) = stored::read_files(bytes, build).expect("a cache of this build");
        let mut found = false;
        let files = (files.into_iter()).map(|(path, (key, record))| {
            let mut record = record.to_vec();
            if let Some(at) = (record.windows(from.len())).position(|w| w == from.as_bytes()) {
                record[at..at + to.len()].copy_from_slice(to.as_bytes());
                found = true;
            }
            (path, (key, Arc::from(record)))
        });
        let files = files.collect();
        assert!(found, "the cache holds {from}");
        stored::whole(&files, build)
    }
}
