//! The first stage and the only one that reads the disk: [`load`] walks a site's folders and
//! returns their files as [`Inputs`]. Files that must be text are decoded here, so every later
//! stage works on `&str`; a file that is not UTF-8, cannot be read, or lies outside the site through
//! a symlink becomes a diagnostic instead.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::diagnostic::{Code, Diagnostic, Position, SourceText};
use crate::layout::{CONFIG, MANIFEST, NODE_FOLDERS, OUTPUT_MARKER, SITE_FOLDERS};
use crate::model::ReadText;
use crate::theme;

/// Files larger than this are refused: no evidence page is 64 MiB, and reading one would only
/// exhaust memory.
const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Adds the built-in default theme under `themes/default/` unless the site has its own.
pub fn add_default_theme(inputs: &mut Inputs) {
    if inputs.under("themes/default").next().is_some() {
        return;
    }
    for (rel, bytes) in theme::default_files() {
        let contents = match (is_text(&rel), std::str::from_utf8(bytes)) {
            (true, Ok(t)) => Contents::Text(t.into()),
            _ => Contents::Bytes(bytes.to_vec()),
        };
        inputs.files.insert(rel, contents);
    }
}

/// A file's contents: text for what evident parses, bytes for what it copies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Contents {
    /// Shared, so that parsed bodies can point into it instead of copying it.
    Text(Arc<str>),
    /// A plain page's Markdown, not read yet: the parse stage reads it (with [`read_text`]) and
    /// keeps only its front matter and links, and the page is read again when it is rendered.
    /// This is what lets a site of 50,000 pages build in a few hundred MiB.
    ///
    /// With where it is on disk, the number this process gave it when it was listed
    /// ([`Contents::deferred`]): the same file listed again (as `serve` does for the paths its
    /// watcher reports) has a new number, so a file whose number is the same has not been
    /// reported changed, and its parse may be kept without reading it.
    Deferred(PathBuf, u64),
    Bytes(Vec<u8>),
    /// A file that exists but could not be read (not UTF-8, too large, unreadable): its problem is
    /// reported once, and what refers to it is not reported again.
    Failed,
}

/// Everything a build reads, keyed by path relative to the site root (with `/` separators).
#[derive(Clone, Debug, Default)]
pub struct Inputs {
    pub files: BTreeMap<PathBuf, Contents>,
}

impl Contents {
    /// A file to be read later, from `real`, with a number no other in this process has.
    pub fn deferred(real: PathBuf) -> Contents {
        static LISTED: AtomicU64 = AtomicU64::new(0);
        Contents::Deferred(real, LISTED.fetch_add(1, Ordering::Relaxed))
    }
}

impl Inputs {
    pub fn text(&self, path: &Path) -> Option<&str> {
        match self.files.get(path)? {
            Contents::Text(t) => Some(t),
            Contents::Bytes(_) | Contents::Deferred(..) | Contents::Failed => None,
        }
    }

    /// Files below `folder` (relative path), in sorted order.
    pub fn under<'a>(
        &'a self,
        folder: &'a str,
    ) -> impl Iterator<Item = (&'a PathBuf, &'a Contents)> + 'a {
        let prefix = PathBuf::from(folder);
        self.files
            .range(prefix.clone()..)
            .take_while(move |(p, _)| p.starts_with(&prefix))
    }

    /// Lets go of every text that nothing else holds (the YAML and archives a build has parsed
    /// and resolved; not the Markdown its pages' bodies still point into): each becomes a file to
    /// read again from `root` should a diagnostic need to show it. After resolving, a build keeps
    /// its inputs only for that, and on a large site these texts are a tenth of its memory.
    pub fn defer_unshared(&mut self, root: &Path) {
        for (rel, contents) in self.files.iter_mut() {
            if matches!(contents, Contents::Text(t) if Arc::strong_count(t) == 1) {
                *contents = Contents::deferred(root.join(rel));
            }
        }
    }

    /// Adds or replaces one text file; used by tests and by `serve` for in-memory edits.
    pub fn insert_text(&mut self, path: impl Into<PathBuf>, text: impl Into<String>) {
        self.files
            .insert(path.into(), Contents::Text(text.into().into()));
    }
}

impl SourceText for Inputs {
    fn text_of(&self, file: &Path) -> Option<std::borrow::Cow<'_, str>> {
        match self.files.get(file)? {
            Contents::Text(t) => Some(std::borrow::Cow::Borrowed(t)),
            Contents::Deferred(real, _) => read_text(file, real).ok().map(std::borrow::Cow::Owned),
            Contents::Bytes(_) | Contents::Failed => None,
        }
    }
}

/// The load stage's reader for plain pages it deferred: the later stages read them through it
/// ([`ReadText`]), so only this stage touches the disk.
#[derive(Clone, Copy, Debug, Default)]
pub struct Disk;

impl ReadText for Disk {
    fn read_text(&self, rel: &Path, real: &Path) -> Result<String, Diagnostic> {
        read_text(rel, real)
    }

    fn read_text_stamped(
        &self,
        rel: &Path,
        real: &Path,
    ) -> Result<(String, Option<u64>), Diagnostic> {
        use std::io::Read;
        let unreadable = |e: std::io::Error| unreadable_file(rel, &e);
        let mut file = std::fs::File::open(real).map_err(unreadable)?;
        // Taken before the bytes: a write in between changes the bytes, which the caller checks.
        let stamp = file.metadata().ok().and_then(|m| stamp_of(&m));
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).map_err(unreadable)?;
        let text = decode(bytes).map_err(|(position, byte)| not_utf8(rel, position, byte))?;
        Ok((text, stamp))
    }

    fn stamp(&self, real: &Path) -> Option<u64> {
        stamp(real)
    }
}

/// The stamp of the file or folder at `real` ([`ReadText::stamp`]): `None` when it cannot be
/// read, or changed too lately to be known by its stamp.
pub fn stamp(real: &Path) -> Option<u64> {
    std::fs::metadata(real).ok().and_then(|m| stamp_of(&m))
}

/// How long after a file was written its stamp is trusted: a file system may keep times only to
/// the second, and a second write within the same tick, of the same length, would leave the
/// stamp as it was (git's "racily clean" entries).
const SETTLED: std::time::Duration = std::time::Duration::from_secs(2);

/// A file's length and modification time (to the nanosecond where the file system keeps it), as
/// one number ([`ReadText::stamp`]): what rsync's quick check compares. Every write moves the
/// modification time; what keeps it is a copy or a restore that sets it from the original (`cp -p`,
/// `tar`, `rsync -t`, the `tar` of a CI cache), and those bring the original's bytes with it. So
/// an output folder a CI run restores from its cache is still known by its stamps, where inodes
/// and status-change times (all new after a restore) would have every file read back. What a
/// stamp cannot see is a file changed and its time then set back to the very one recorded (`touch
/// -r`), or two files of the same length and time swapped by renaming. Unix only; elsewhere files
/// are read.
#[cfg(unix)]
fn stamp_of(meta: &std::fs::Metadata) -> Option<u64> {
    use std::hash::{Hash, Hasher};
    use std::os::unix::fs::MetadataExt;
    let age = std::time::SystemTime::now()
        .duration_since(meta.modified().ok()?)
        .ok()?;
    if age < SETTLED {
        return None;
    }
    let mut h = std::hash::DefaultHasher::new();
    (meta.len(), meta.mtime(), meta.mtime_nsec()).hash(&mut h);
    Some(h.finish())
}

#[cfg(not(unix))]
fn stamp_of(_: &std::fs::Metadata) -> Option<u64> {
    None
}

/// What tells this build of evident from another: its version, and its executable's size and
/// modification time, so that a cache of pages one build made is never used by another (even of
/// the same version). `None` when the executable cannot be found.
pub fn build_id() -> Option<String> {
    let meta = std::env::current_exe().and_then(std::fs::metadata).ok()?;
    let modified = meta
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    Some(format!(
        "evident {} {} {}",
        env!("CARGO_PKG_VERSION"),
        meta.len(),
        modified.as_nanos()
    ))
}

/// Reads a text file that [`load`] deferred (`real` on disk, `rel` in the site, for diagnostics).
pub fn read_text(rel: &Path, real: &Path) -> Result<String, Diagnostic> {
    decode(read_bytes(rel, real)?).map_err(|(position, byte)| not_utf8(rel, position, byte))
}

/// Reads a file's bytes (`real` on disk, `rel` in the site, for diagnostics).
fn read_bytes(rel: &Path, real: &Path) -> Result<Vec<u8>, Diagnostic> {
    std::fs::read(real).map_err(|e| unreadable_file(rel, &e))
}

fn unreadable_file(rel: &Path, e: &std::io::Error) -> Diagnostic {
    let help = match e.kind() {
        std::io::ErrorKind::NotFound => "check the path: there is no file there",
        _ => "check the file's permissions (evident needs to read it)",
    };
    Diagnostic::error(Code::UnreadableFile, format!("cannot read this file: {e}"))
        .in_file(rel)
        .help(help)
}

fn not_utf8(rel: &Path, position: Position, byte: u8) -> Diagnostic {
    Diagnostic::error(
        Code::NotUtf8,
        format!("this file is not UTF-8 text (byte 0x{byte:02x})"),
    )
    .at(rel, position)
    .help("save the file as UTF-8 in your editor")
}

/// Whether a file is a plain page, whose Markdown is read only when needed.
fn is_deferred(rel: &Path) -> bool {
    let mut parts = rel
        .components()
        .map(|c| c.as_os_str().to_str().unwrap_or(""));
    parts.next() == Some("content")
        && rel.extension().and_then(|e| e.to_str()) == Some("md")
        && !parse_folders_hold_nodes(parts.next().unwrap_or(""), rel.components().count())
}

/// Sources, claims, topics and gaps are nodes: their Markdown is read once, up front.
fn parse_folders_hold_nodes(first: &str, depth: usize) -> bool {
    depth > 2 && NODE_FOLDERS.contains(&first)
}

/// Whether a file is parsed as text (and so must be UTF-8) or copied as bytes.
fn is_text(rel: &Path) -> bool {
    let top = rel.components().next().and_then(|c| c.as_os_str().to_str());
    let ext = rel.extension().and_then(|e| e.to_str()).unwrap_or("");
    match top {
        Some(CONFIG) | Some(MANIFEST) | Some("data") | Some("archive") | Some("templates") => true,
        Some("content") => ext == "md",
        Some("themes") => {
            rel.components().nth(2).and_then(|c| c.as_os_str().to_str()) == Some("templates")
        }
        _ => false,
    }
}

/// The files with extension `ext` in the folder `rel` below `root` (not below its subfolders),
/// sorted, as paths below `root`; none when there is no such folder.
pub fn files_in(root: &Path, rel: &Path, ext: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root.join(rel))
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|e| rel.join(e.file_name()))
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    files.sort();
    files
}

/// The text of the file at `rel` below `root`, or `None` when there is none.
pub fn read_if_exists(root: &Path, rel: &Path) -> Result<Option<String>, Diagnostic> {
    let real = root.join(rel);
    if !real.exists() {
        return Ok(None);
    }
    read_text(rel, &real).map(Some)
}

/// The bytes of the file at `rel` below `root`, or `None` when there is none (an archive that
/// `evident archive add` would replace).
pub fn read_bytes_if_exists(root: &Path, rel: &Path) -> Result<Option<Vec<u8>>, Diagnostic> {
    let real = root.join(rel);
    if !real.exists() {
        return Ok(None);
    }
    read_bytes(rel, &real).map(Some)
}

/// The bytes of a file given on the command line (the HTML or PDF `evident archive add` reads).
pub fn read_input(path: &Path) -> Result<Vec<u8>, Diagnostic> {
    read_bytes(path, path)
}

/// Checks that `root` is a site: a folder with a `site.yaml`.
pub fn check_site(root: &Path) -> Result<(), Diagnostic> {
    if !root.is_dir() {
        return Err(
            Diagnostic::error(Code::NoSite, format!("{} is not a folder", root.display())).help(
                "pass the site's folder with --root, or create a site with `evident init DIR`",
            ),
        );
    }
    if !root.join(CONFIG).is_file() {
        return Err(Diagnostic::error(
            Code::NoSite,
            format!("{} has no site.yaml, so it is not an evident site", root.display()),
        )
        .help("run evident in a site's folder, pass --root DIR, or create a site with `evident init DIR`"));
    }
    Ok(())
}

/// The date (`YYYY-MM-DD`) of the last commit of the git checkout `root` is in, if it is in one
/// and git is installed: a build's date when nothing else gives one.
pub fn commit_date(root: &Path) -> Option<String> {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["log", "-1", "--format=%cs"])
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    let date = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (out.status.success() && crate::dates::parse_day(&date).is_some()).then_some(date)
}

/// Checks that `dir` is new or empty, for `evident init`.
pub fn check_empty(dir: &Path) -> Result<(), Diagnostic> {
    let used = dir.exists()
        && std::fs::read_dir(dir)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true);
    if used {
        return Err(Diagnostic::error(
            Code::InitNotEmpty,
            format!("{} is not empty", dir.display()),
        )
        .help("give a new or empty folder, so nothing of yours is overwritten"));
    }
    Ok(())
}

/// The site folders (of [`SITE_FOLDERS`]) that exist under `root`, for a watcher.
pub fn site_folders(root: &Path) -> Vec<PathBuf> {
    SITE_FOLDERS
        .iter()
        .map(|name| root.join(name))
        .filter(|p| p.is_dir())
        .collect()
}

/// Reads the site at `root` (which must exist). `skip` is a folder never to descend into, such
/// as an output folder that a misconfiguration placed inside a site folder.
pub fn load(root: &Path, skip: Option<&Path>) -> (Inputs, Vec<Diagnostic>) {
    let mut inputs = Inputs::default();
    let mut diags = Vec::new();
    let canonical_root = match root.canonicalize() {
        Ok(r) => r,
        Err(e) => {
            diags.push(
                Diagnostic::error(
                    Code::UnreadableRoot,
                    format!("cannot read the site folder: {e}"),
                )
                .in_file(root),
            );
            return (inputs, diags);
        }
    };
    let skip = skip.and_then(|s| s.canonicalize().ok());

    // Walk first (in order), then read the files in parallel: reading is most of the time.
    // Each file, and whether it is a link (only links can lead outside the site, so only they are
    // resolved: resolving every path costs a system call per folder level per file).
    let mut files: Vec<(PathBuf, bool)> = [CONFIG, MANIFEST]
        .iter()
        .map(|name| root.join(name))
        .filter(|file| file.exists())
        .map(|file| (file, true))
        .collect();
    for folder in SITE_FOLDERS {
        let dir = root.join(folder);
        if !dir.exists() {
            continue;
        }
        let mut walker = WalkDir::new(&dir)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                let hidden = e.depth() > 0 && hidden(folder, &e.file_name().to_string_lossy());
                let skipped = skip.as_ref().is_some_and(|s| {
                    e.file_type().is_dir() && e.path().canonicalize().ok().as_ref() == Some(s)
                });
                !hidden && !skipped
            });
        while let Some(entry) = walker.next() {
            match entry {
                Ok(e) if e.file_type().is_file() => {
                    let link = e.path_is_symlink() || e.depth() == 0;
                    files.push((e.into_path(), link));
                }
                Ok(e) if e.path_is_symlink() || e.depth() == 0 => {
                    // A linked folder: everything below it is inside the site only if it is.
                    match e.path().canonicalize() {
                        Ok(real) if real.starts_with(&canonical_root) => {}
                        Ok(real) => {
                            diags.push(outside(&relative(root, e.path()), &real));
                            walker.skip_current_dir();
                        }
                        Err(err) => {
                            diags.push(unreadable(&relative(root, e.path()), &err));
                            walker.skip_current_dir();
                        }
                    }
                }
                Ok(_) => {}
                Err(e) => diags.push(walk_error(root, &e)),
            }
        }
    }
    let read: Vec<Result<(PathBuf, Contents), Diagnostic>> = files
        .par_iter()
        .map(|(file, link)| read_one(root, &canonical_root, file, *link))
        .collect();
    for r in read {
        keep(&mut inputs, &mut diags, r);
    }
    add_default_theme(&mut inputs);
    (inputs, diags)
}

/// Reads again what changed since [`load`]: `changed` are paths as a file watcher reports them
/// (below `root`). A file that exists is read again and one that is gone is dropped, with
/// everything below it if it was a folder. Diagnostics about the changed paths replace the ones
/// `diags` had for them. Returns `false` when the change needs a full [`load`] instead (a theme
/// folder changed, or the site's root cannot be read).
/// A path as the watcher reports it (absolute), as the site's inputs name it (relative to the
/// root); `None` when it is not inside the site.
fn site_path(root: &Path, canonical_root: &Path, path: &Path) -> Option<PathBuf> {
    let r = (path.strip_prefix(root))
        .or_else(|_| path.strip_prefix(canonical_root))
        .ok()?;
    Some(relative(Path::new(""), r))
}

/// Of the paths a watcher reports, those that name the site's inputs (not a hidden editor file,
/// say), as the inputs name them; `None` when one is not inside the site.
pub fn input_paths(root: &Path, changed: &[PathBuf]) -> Option<Vec<PathBuf>> {
    let canonical = root.canonicalize().ok()?;
    let mut out = Vec::new();
    for path in changed {
        let rel = site_path(root, &canonical, path)?;
        if is_input(&rel) {
            out.push(rel);
        }
    }
    Some(out)
}

/// Whether a path (relative to the root) is one the site reads.
fn is_input(rel: &Path) -> bool {
    let mut parts = rel.components().map(|c| c.as_os_str().to_string_lossy());
    let top = parts.next().unwrap_or_default();
    let wanted = SITE_FOLDERS.contains(&top.as_ref())
        || (rel.components().count() == 1 && (top == CONFIG || top == MANIFEST));
    wanted
        && !rel
            .components()
            .any(|c| hidden(&top, &c.as_os_str().to_string_lossy()))
}

pub fn reload(
    root: &Path,
    inputs: &mut Inputs,
    diags: &mut Vec<Diagnostic>,
    changed: &[PathBuf],
) -> bool {
    let Ok(canonical_root) = root.canonicalize() else {
        return false;
    };
    for path in changed {
        let Some(rel) = site_path(root, &canonical_root, path) else {
            continue;
        };
        if !is_input(&rel) {
            continue;
        }
        let top = (rel.components().next())
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .unwrap_or_default();
        if rel.starts_with("themes") {
            return false;
        }
        diags.retain(|d| d.file.as_deref().is_none_or(|f| !f.starts_with(&rel)));
        let gone: Vec<PathBuf> = inputs
            .files
            .keys()
            .filter(|k| k.starts_with(&rel))
            .cloned()
            .collect();
        for k in gone {
            inputs.files.remove(&k);
        }
        let on_disk = root.join(&rel);
        let files: Vec<PathBuf> = if on_disk.is_dir() {
            WalkDir::new(&on_disk)
                .follow_links(true)
                .sort_by_file_name()
                .into_iter()
                .filter_entry(|e| e.depth() == 0 || !hidden(&top, &e.file_name().to_string_lossy()))
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_file())
                .map(walkdir::DirEntry::into_path)
                .collect()
        } else if on_disk.is_file() {
            vec![on_disk]
        } else {
            Vec::new()
        };
        for f in files {
            keep(inputs, diags, read_one(root, &canonical_root, &f, true));
        }
    }
    true
}

/// A size in MiB as people read it: `64 MiB`, `64.6 MiB` (never rounded to the limit).
fn mib(bytes: u64) -> String {
    let tenths = bytes * 10 / (1024 * 1024);
    if tenths.is_multiple_of(10) {
        format!("{} MiB", tenths / 10)
    } else {
        format!("{}.{} MiB", tenths / 10, tenths % 10)
    }
}

/// Whether a file or folder named `name` in the site folder `folder` is left out. Names starting
/// with a dot are, except in `static/`, whose files are published as they are (`.nojekyll`,
/// `.well-known/security.txt`) but for version control's and editors' own files and evident's
/// output marker.
fn hidden(folder: &str, name: &str) -> bool {
    const NEVER: [&str; 5] = [".git", ".gitkeep", ".gitignore", ".DS_Store", OUTPUT_MARKER];
    name.starts_with('.') && (folder != "static" || NEVER.contains(&name))
}

/// Keeps a file read, or its problem with a [`Contents::Failed`] entry in its place.
fn keep(
    inputs: &mut Inputs,
    diags: &mut Vec<Diagnostic>,
    read: Result<(PathBuf, Contents), Diagnostic>,
) {
    match read {
        Ok((rel, contents)) => {
            inputs.files.insert(rel, contents);
        }
        Err(d) => {
            if let Some(file) = &d.file {
                inputs.files.insert(file.clone(), Contents::Failed);
            }
            diags.push(d);
        }
    }
}

fn relative(root: &Path, path: &Path) -> PathBuf {
    let rel = path.strip_prefix(root).unwrap_or(path);
    // Normalise to forward-slash components so keys are the same on every platform.
    rel.components()
        .filter(|c| matches!(c, Component::Normal(_)))
        .collect()
}

fn walk_error(root: &Path, e: &walkdir::Error) -> Diagnostic {
    let path = e.path().map(|p| relative(root, p)).unwrap_or_default();
    if let Some(ancestor) = e.loop_ancestor() {
        return Diagnostic::error(
            Code::SymlinkLoop,
            format!(
                "a symbolic link loops back to {}",
                relative(root, ancestor).display()
            ),
        )
        .in_file(path)
        .help("remove the link, or point it at a folder that does not contain it");
    }
    Diagnostic::error(Code::UnreadableFile, format!("cannot read this path: {e}"))
        .in_file(path)
        .help("check that the file exists and that you may read it")
}

fn outside(rel: &Path, real: &Path) -> Diagnostic {
    Diagnostic::error(
        Code::OutsideSite,
        format!(
            "this path is a link to {}, outside the site folder",
            real.display()
        ),
    )
    .in_file(rel)
    .help("evident reads nothing outside the site; copy the file into the site instead")
}

fn unreadable(rel: &Path, e: &std::io::Error) -> Diagnostic {
    Diagnostic::error(Code::UnreadableFile, format!("cannot read this path: {e}"))
        .in_file(rel)
        .help("check that the file exists and that you may read it")
}

/// Reads one file. `link`: the path may be a link, so check where it leads.
fn read_one(
    root: &Path,
    canonical_root: &Path,
    path: &Path,
    link: bool,
) -> Result<(PathBuf, Contents), Diagnostic> {
    let rel = relative(root, path);
    let real = if link {
        match path.canonicalize() {
            Ok(real) if !real.starts_with(canonical_root) => return Err(outside(&rel, &real)),
            Err(e) => return Err(unreadable(&rel, &e)),
            Ok(real) => real,
        }
    } else {
        path.to_path_buf()
    };
    if let Ok(meta) = std::fs::metadata(path) {
        if meta.len() > MAX_FILE_BYTES {
            return Err(Diagnostic::error(
                Code::FileTooLarge,
                format!(
                    "this file is {} ({} bytes); evident reads files up to {} ({} bytes)",
                    mib(meta.len()),
                    meta.len(),
                    mib(MAX_FILE_BYTES),
                    MAX_FILE_BYTES
                ),
            )
            .in_file(rel)
            .help("split the file, or move it out of the site's folders"));
        }
    }
    if is_deferred(&rel) {
        return Ok((rel, Contents::deferred(real)));
    }
    let bytes = read_bytes(&rel, path)?;
    let contents = if is_text(&rel) {
        match decode(bytes) {
            Ok(text) => Contents::Text(text.into()),
            Err((position, byte)) => return Err(not_utf8(&rel, position, byte)),
        }
    } else {
        Contents::Bytes(bytes)
    };
    Ok((rel, contents))
}

/// Decodes UTF-8, dropping a byte-order mark; on failure says where the first bad byte is.
fn decode(bytes: Vec<u8>) -> Result<String, (Position, u8)> {
    let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => rest.to_vec(),
        None => bytes,
    };
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let bytes = e.into_bytes();
        let valid = std::str::from_utf8(&bytes[..at]).unwrap_or_default();
        (Position::of_offset(valid, valid.len()), bytes[at])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_nothing_else_holds_are_let_go_and_read_again_to_be_shown() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("data")).unwrap();
        std::fs::write(dir.path().join("data/a.yaml"), "a: 1\n").unwrap();
        let mut inputs = Inputs::default();
        inputs.insert_text("data/a.yaml", "a: 1\n");
        inputs.insert_text("content/b.md", "A body.\n");
        let body = match &inputs.files[Path::new("content/b.md")] {
            Contents::Text(t) => t.clone(),
            _ => unreachable!("inserted as text"),
        };
        inputs.defer_unshared(dir.path());
        let (yaml, md) = (Path::new("data/a.yaml"), Path::new("content/b.md"));
        assert!(
            matches!(&inputs.files[yaml], Contents::Deferred(p, _) if p == &dir.path().join(yaml))
        );
        assert!(
            matches!(&inputs.files[md], Contents::Text(_)),
            "a parsed body still points into it"
        );
        assert_eq!(inputs.text_of(yaml).as_deref(), Some("a: 1\n"));
        assert_eq!(inputs.text_of(md).as_deref(), Some(&*body));
    }

    #[test]
    fn decode_reports_first_bad_byte() {
        let (pos, byte) = decode(b"ab\ncd\xff".to_vec()).unwrap_err();
        assert_eq!((pos.line, pos.column, byte), (2, 3, 0xff));
        assert_eq!(decode(b"\xEF\xBB\xBFhi".to_vec()).unwrap(), "hi");
    }

    #[test]
    fn text_files_are_the_parsed_ones() {
        assert!(is_text(Path::new("content/a.md")));
        assert!(!is_text(Path::new("content/a.png")));
        assert!(is_text(Path::new("themes/default/templates/base.html")));
        assert!(!is_text(Path::new("themes/default/static/site.css")));
    }
}
