//! The last stage and the only one that writes. [`write`] makes a new site in one of two ways, so
//! that a failed build never leaves a half-written site and the previous one stays whole until the
//! new one is complete:
//!
//! - into a folder evident wrote before, as an update in place: each file is compared with the one
//!   there as it is made, only the files that differ are written (into a sibling folder), and
//!   once the build has succeeded they are moved in and the files it no longer makes are deleted.
//!   A rebuild after a small edit then touches a few files, not every one (and unchanged files
//!   keep their dates, for tools that upload what changed);
//! - into a new or empty folder, or one whose last update was cut short, whole: the files are
//!   streamed into a sibling temporary folder, which is swapped into place.
//!
//! It refuses to replace a folder it did not create (one without the [`OUTPUT_MARKER`] file), so
//! a mistyped `--output ~` cannot delete anything, and an output that is the site, contains it or
//! lies inside a folder evident reads.
//!
//! It also writes the files maintainers' commands make: `evident permalinks` rewrites
//! `permalinks.txt` ([`replace_file`]), and `init` and `new` create stubs ([`create_files`]).

use std::collections::HashMap;
use std::ffi::OsString;
use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;

use crate::diagnostic::{Code, Diagnostic};
use crate::layout::{OutputFile, Sink, OUTPUT_MARKER as MARKER, SITE_FOLDERS};
use crate::load;

fn io_error(path: &Path, what: &str, e: &io::Error) -> Diagnostic {
    Diagnostic::error(Code::IoError, format!("{what} {}: {e}", path.display()))
        .help("check the output folder's permissions and free disk space")
}

/// Checks, before any work, that `out` may be replaced.
pub fn check_output(out: &Path) -> Result<(), Diagnostic> {
    if !out.exists() {
        return Ok(());
    }
    if !out.is_dir() {
        return Err(Diagnostic::error(
            Code::OutputNotFolder,
            format!("the output path {} is a file, not a folder", out.display()),
        )
        .help("pass another --output, or remove the file"));
    }
    let empty = fs::read_dir(out)
        .map(|mut d| d.next().is_none())
        .unwrap_or(false);
    if !empty && !out.join(MARKER).exists() {
        return Err(Diagnostic::error(
            Code::OutputNotEvident,
            format!(
                "{} is not empty and was not written by evident, so evident will not replace it",
                out.display()
            ),
        )
        .help("pass an empty or new folder with --output, or delete this one yourself"));
    }
    Ok(())
}

/// Checks that the output folder is not the site, does not contain it, and is not inside a folder
/// evident reads.
pub fn check_output_location(root: &Path, output: &Path) -> Result<(), Diagnostic> {
    let root_abs = absolute(root);
    let out_abs = absolute(output);
    let bad = |msg: String| {
        Diagnostic::error(Code::BadOutput, msg)
            .help("write the site to its own folder, e.g. `--output public` (the default)")
    };
    if out_abs == root_abs {
        return Err(bad(format!(
            "the output folder {} is the site's own folder; building would replace the sources",
            output.display()
        )));
    }
    if root_abs.starts_with(&out_abs) {
        return Err(bad(format!(
            "the output folder {} contains the site; building would replace the sources",
            output.display()
        )));
    }
    for folder in SITE_FOLDERS {
        if out_abs.starts_with(root_abs.join(folder)) {
            return Err(bad(format!(
                "the output folder {} is inside {folder}/, which evident reads as input",
                output.display()
            )));
        }
    }
    Ok(())
}

/// `p` made absolute, with its longest existing ancestor canonicalised (so `public/` that does not
/// exist yet works).
fn absolute(p: &Path) -> PathBuf {
    let p = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(p)
    };
    let mut existing = p.as_path();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => break,
        }
    }
    let mut c = existing
        .canonicalize()
        .unwrap_or_else(|_| existing.to_path_buf());
    for r in rest.iter().rev() {
        if r == ".." {
            c.pop();
        } else if r != "." {
            c.push(r);
        }
    }
    c
}

/// Replaces one file of the site (`permalinks.txt`) with `text`.
pub fn replace_file(path: &Path, text: &str) -> Result<(), Diagnostic> {
    fs::write(path, text).map_err(|e| {
        Diagnostic::error(
            Code::IoError,
            format!("cannot write {}: {e}", path.display()),
        )
        .help("check the folder's permissions")
    })
}

/// A file a command creates: its path below `root`, its text, and what happens when a file is
/// already there.
pub struct NewFile {
    pub path: PathBuf,
    pub text: String,
    pub if_exists: IfExists,
}

/// Writes `bytes` as `name` in the cache folder `dir` (made if need be), through a temporary file
/// renamed into place, so that a reader never sees half a cache.
pub fn write_cache(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> Result<(), Diagnostic> {
    let tmp = dir.join(format!(".{name}.tmp"));
    fs::create_dir_all(dir)
        .and_then(|()| fs::write(&tmp, bytes))
        .and_then(|()| fs::rename(&tmp, dir.join(name)))
        .map_err(|e| {
            Diagnostic::error(
                Code::IoError,
                format!("cannot write {}: {e}", dir.join(name).display()),
            )
            .help("check the folder's permissions")
        })
}

/// Adds `bytes` to the end of the file `name` in the cache folder `dir`, if it is there and is
/// still `len` bytes long (as when it was read). A reader must take a part of it that is not
/// whole (an addition cut short) for what it is.
pub fn append_cache(dir: &Path, name: &str, len: usize, bytes: &[u8]) -> Result<(), Diagnostic> {
    use std::io::Write;
    let path = dir.join(name);
    let cannot = |e: io::Error| io_error(&path, "cannot add to", &e);
    let mut file = fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .map_err(cannot)?;
    if file.metadata().map_err(cannot)?.len() != len as u64 {
        let changed = io::Error::other("it changed since it was read");
        return Err(cannot(changed));
    }
    file.write_all(bytes).map_err(cannot)
}

/// Removes the files `names` from the cache folder `dir`, where they are (a cache is only a
/// cache: one that cannot be removed is left).
pub fn remove_cached(dir: &Path, names: &[&str]) {
    for name in names {
        let _ = fs::remove_file(dir.join(name));
    }
}

/// What creating a file does when one is already there.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum IfExists {
    /// Refuse the whole command (a node stub).
    Refuse,
    /// Keep the file there (an archive stub).
    Keep,
    /// Replace it (a file the command read and extended, such as the glossary).
    Replace,
}

/// Creates `files` below `root`, refusing (before writing anything) when one that may not be
/// replaced exists. Returns the paths written.
pub fn create_files(root: &Path, files: &[NewFile]) -> Result<Vec<PathBuf>, Diagnostic> {
    for f in files.iter().filter(|f| f.if_exists == IfExists::Refuse) {
        let path = root.join(&f.path);
        if path.exists() {
            return Err(Diagnostic::error(
                Code::Exists,
                format!("{} already exists", path.display()),
            )
            .help("ids are unique per kind; pick another id"));
        }
    }
    let mut written = Vec::new();
    for f in files {
        let path = root.join(&f.path);
        if f.if_exists == IfExists::Keep && path.exists() {
            continue;
        }
        let io = |p: &Path, e: io::Error| {
            Diagnostic::error(Code::IoError, format!("cannot write {}: {e}", p.display()))
                .help("check the folder's permissions")
        };
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
        }
        fs::write(&path, &f.text).map_err(|e| io(&path, e))?;
        written.push(path);
    }
    Ok(written)
}

/// What a streamed write did.
pub struct Streamed {
    /// What the producer reported.
    pub diagnostics: Vec<Diagnostic>,
    /// Whether the new site replaced the old one (false when `fails` said no).
    pub written: bool,
    /// The output's folders as an update in place found them (none for a site written whole).
    pub folders: Folders,
}

/// Whether [`write`] will update `out` in place (a folder a finished build made), leaving the
/// files handed over as unchanged where they are, rather than build a new folder and swap.
pub fn updates_in_place(out: &Path) -> bool {
    out.join(MARKER).is_file() && !out.join(UPDATING).exists()
}

/// Writes each file `produce` hands to its sink straight into a new sibling folder (so no copy of
/// the site is kept in memory), then swaps that folder into place, unless `fails` finds the
/// producer's diagnostics fatal: then the new folder is removed and `out` is left as it was.
/// `paths` lists every file to come, so that folders are made once, up front.
pub fn write(
    out: &Path,
    paths: &[&str],
    produce: impl FnOnce(&Sink) -> Result<Vec<Diagnostic>, Diagnostic>,
    fails: impl Fn(&[Diagnostic]) -> bool,
) -> Result<Streamed, Diagnostic> {
    write_known(out, paths, produce, fails, &Folders::default())
}

/// [`write`], an update in place reading again only the folders of `out` that changed since
/// `last` recorded them ([`Folders`]).
pub fn write_known(
    out: &Path,
    paths: &[&str],
    produce: impl FnOnce(&Sink) -> Result<Vec<Diagnostic>, Diagnostic>,
    fails: impl Fn(&[Diagnostic]) -> bool,
    last: &Folders,
) -> Result<Streamed, Diagnostic> {
    check_output(out)?;
    if updates_in_place(out) {
        return update(out, produce, fails, last);
    }
    let (tmp, old) = (sibling(out, "new")?, sibling(out, "old")?);
    let result = make_folders(&tmp, paths).and_then(|()| {
        let sink = |f: OutputFile| {
            let path = tmp.join(&f.path);
            if f.more {
                // A later part of a file handed over in parts: its first part made the file.
                return fs::OpenOptions::new()
                    .append(true)
                    .open(&path)
                    .and_then(|mut file| std::io::Write::write_all(&mut file, &f.bytes))
                    .map_err(|e| io_error(&path, "cannot write", &e));
            }
            if f.unchanged && f.bytes.is_empty() {
                // A kept page not read back (its file known by its stamp, for an update in place
                // that the folder no longer allows, as when another build began one): the file
                // in `out` is the page.
                let old = out.join(&f.path);
                return (fs::copy(&old, &path).map(|_| ()))
                    .map_err(|e| io_error(&old, "cannot copy", &e));
            }
            let mut result = fs::write(&path, &f.bytes);
            // A folder not known before the build (the search index's chunks): make it.
            if let (Err(e), Some(dir)) = (&result, path.parent()) {
                if e.kind() == std::io::ErrorKind::NotFound && fs::create_dir_all(dir).is_ok() {
                    result = fs::write(&path, &f.bytes);
                }
            }
            result.map_err(|e| io_error(&path, "cannot write", &e))
        };
        let diagnostics = produce(&sink)?;
        if fails(&diagnostics) {
            let _ = fs::remove_dir_all(&tmp);
            return Ok(Streamed {
                diagnostics,
                written: false,
                folders: Folders::default(),
            });
        }
        let marker = tmp.join(MARKER);
        fs::write(&marker, b"").map_err(|e| io_error(&marker, "cannot write", &e))?;
        swap(&tmp, out, &old)?;
        Ok(Streamed {
            diagnostics,
            written: true,
            folders: Folders::default(),
        })
    });
    if result.is_err() {
        let _ = fs::remove_dir_all(&tmp);
    }
    result
}

/// Left in an output folder while an update in place moves its files in: a build that finds it
/// (the update was cut short) writes the whole site afresh.
const UPDATING: &str = ".evident-updating";

/// A sibling folder of `out` for this build, `.{name}.evident-{what}-{pid}`: none is there when
/// this returns, and `out`'s parent exists.
fn sibling(out: &Path, what: &str) -> Result<PathBuf, Diagnostic> {
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent).map_err(|e| io_error(&parent, "cannot create", &e))?;
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    let dir = parent.join(format!(".{name}.evident-{what}-{}", std::process::id()));
    if dir.exists() {
        fs::remove_dir_all(&dir).map_err(|e| io_error(&dir, "cannot remove", &e))?;
    }
    Ok(dir)
}

/// [`write`] into a folder evident wrote before: only the files that differ from the ones there
/// are written, into a sibling folder, and moved in once `fails` has found nothing fatal.
fn update(
    out: &Path,
    produce: impl FnOnce(&Sink) -> Result<Vec<Diagnostic>, Diagnostic>,
    fails: impl Fn(&[Diagnostic]) -> bool,
    last: &Folders,
) -> Result<Streamed, Diagnostic> {
    let changes = Changes {
        out,
        side: sibling(out, "changed")?,
        files: Mutex::new(HashMap::new()),
    };
    let result = produce(&|f| changes.take(f)).and_then(|diagnostics| {
        if fails(&diagnostics) {
            return Ok(Streamed {
                diagnostics,
                written: false,
                folders: Folders::default(),
            });
        }
        let folders = changes.apply(last)?;
        Ok(Streamed {
            diagnostics,
            written: true,
            folders,
        })
    });
    let _ = fs::remove_dir_all(&changes.side);
    result
}

/// The files of an update in place, as they are handed over.
struct Changes<'a> {
    out: &'a Path,
    /// Where the files that differ are written until the build is known to have succeeded.
    side: PathBuf,
    /// Every file handed over, and whether it differs from the one in `out` (and so is in
    /// `side`).
    files: Mutex<HashMap<String, bool>>,
}

impl Changes<'_> {
    fn take(&self, f: OutputFile) -> Result<(), Diagnostic> {
        let new = self.side.join(&f.path);
        let files = || self.files.lock().unwrap_or_else(|p| p.into_inner());
        if f.more {
            // A later part: when the first equalled the whole file there, that file is its start.
            if files().insert(f.path.clone(), true) == Some(false) {
                let old = self.out.join(&f.path);
                make_parent(&new)?;
                fs::copy(&old, &new).map_err(|e| io_error(&old, "cannot copy", &e))?;
            }
            return fs::OpenOptions::new()
                .append(true)
                .open(&new)
                .and_then(|mut file| std::io::Write::write_all(&mut file, &f.bytes))
                .map_err(|e| io_error(&new, "cannot write", &e));
        }
        let changed = !f.unchanged && !same_bytes(&self.out.join(&f.path), &f.bytes);
        files().insert(f.path, changed);
        if changed {
            make_parent(&new)?;
            fs::write(&new, &f.bytes).map_err(|e| io_error(&new, "cannot write", &e))?;
        }
        Ok(())
    }

    /// Deletes the files of `out` the build did not make, then moves the changed ones in; the
    /// folders as read on the way (`last` saying which need not be read again).
    fn apply(&self, last: &Folders) -> Result<Folders, Diagnostic> {
        let files = self.files.lock().unwrap_or_else(|p| p.into_inner());
        let updating = self.out.join(UPDATING);
        fs::write(&updating, b"").map_err(|e| io_error(&updating, "cannot write", &e))?;
        // The folders files were deleted from: only those, and those above them, can be left
        // empty (trying every folder of a large site costs a failed call each).
        let mut emptied = std::collections::BTreeSet::new();
        let keep = |rel: &str| files.contains_key(rel) || rel == MARKER || rel == UPDATING;
        let (found, seen) = stale(self.out, "", &keep, last)?;
        for path in found {
            fs::remove_file(&path).map_err(|e| io_error(&path, "cannot remove", &e))?;
            emptied.extend(path.parent().map(Path::to_path_buf));
        }
        // Deepest first, then up; a folder that still holds files stays, and so do those above
        // (as does one already removed from a deeper folder: removing it again fails).
        let mut deepest: Vec<&PathBuf> = emptied.iter().collect();
        deepest.sort_by_key(|f| std::cmp::Reverse(f.components().count()));
        for folder in deepest {
            let mut at = Some(folder.as_path());
            while let Some(f) = at.filter(|f| *f != self.out && f.starts_with(self.out)) {
                if fs::remove_dir(f).is_err() {
                    break;
                }
                at = f.parent();
            }
        }
        for (path, _) in files.iter().filter(|(_, changed)| **changed) {
            let (from, to) = (self.side.join(path), self.out.join(path));
            make_parent(&to)?;
            fs::rename(&from, &to).map_err(|e| io_error(&to, "cannot move the new file to", &e))?;
        }
        fs::remove_file(&updating).map_err(|e| io_error(&updating, "cannot remove", &e))?;
        Ok(Folders(seen.into_iter().collect()))
    }
}

/// The output folder's folders as an update in place last read them, by path below the output
/// folder (`""` for itself), each with its stamp ([`load::stamp`]) and the names of its files and
/// folders. A folder whose stamp has not changed since holds the same names (adding, removing or
/// renaming an entry changes a folder's times, and a stamp is only taken of a folder settled for
/// a while): the next update finds the files no longer made without reading it again, a status
/// call where reading the folder was three or four (11,000 folders at N = 10,000).
#[derive(Default, Debug, PartialEq)]
pub struct Folders(HashMap<String, Folder>);

/// A folder's stamp and the names in it.
#[derive(Clone, Debug, PartialEq)]
struct Folder {
    stamp: u64,
    files: Vec<OsString>,
    folders: Vec<OsString>,
}

impl Folder {
    /// Its names as lines of the build cache's file (each list joined by `/`), when every one is
    /// UTF-8 without a line break (else the folder is not recorded, and so always read).
    fn lines(&self) -> Option<[String; 2]> {
        let join = |names: &[OsString]| -> Option<String> {
            let names: Option<Vec<&str>> = names.iter().map(|n| n.to_str()).collect();
            Some(names?.join("/")).filter(|line| !line.contains('\n'))
        };
        Some([join(&self.files)?, join(&self.folders)?])
    }
}

/// The first line of the build cache's file of folders ([`Folders::text`]).
const FOLDERS_HEAD: &str = "evident: output folders";

impl Folders {
    /// The folders recorded in `text` (the build cache's file) for the output folder `out` by
    /// `build`; none when it is another's, or not whole.
    pub fn read(text: Option<&str>, build: &str, out: &Path) -> Folders {
        text.and_then(|t| Self::parse(t, build, &absolute(out).to_string_lossy()))
            .unwrap_or_default()
    }

    fn parse(text: &str, build: &str, out: &str) -> Option<Folders> {
        let mut lines = text.split('\n');
        if [lines.next()?, lines.next()?, lines.next()?] != [FOLDERS_HEAD, build, out] {
            return None;
        }
        let names = |line: &str| match line {
            "" => Vec::new(),
            _ => line.split('/').map(OsString::from).collect(),
        };
        let mut folders = HashMap::new();
        loop {
            let head = lines.next()?;
            if head.is_empty() {
                // The text ends with its last line's break: nothing may follow.
                return lines.next().is_none().then_some(Folders(folders));
            }
            let (stamp, rel) = head.split_once(' ')?;
            let stamp = u64::from_str_radix(stamp, 16).ok()?;
            let (files, below) = (names(lines.next()?), names(lines.next()?));
            let folder = Folder {
                stamp,
                files,
                folders: below,
            };
            folders.insert(rel.to_string(), folder);
        }
    }

    /// The build cache's file of these folders, of the output folder `out`, by `build`: three
    /// lines naming the file's kind, the build and the output folder, then three a folder: its
    /// stamp (16 hexadecimal digits) and path, its files' names and its folders' names, each
    /// list joined by `/`. `None` when none was recorded (the output was written whole, or not at
    /// all).
    pub fn text(self, build: &str, out: &Path) -> Option<String> {
        let out = absolute(out).to_str()?.to_string();
        if self.0.is_empty() || out.contains('\n') || build.contains('\n') {
            return None;
        }
        let mut folders: Vec<(String, Folder)> = self.0.into_iter().collect();
        folders.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let mut text = [FOLDERS_HEAD, build, &out, ""].join("\n");
        for (rel, f) in folders.iter().filter(|(rel, _)| !rel.contains('\n')) {
            let Some([files, below]) = f.lines() else {
                continue;
            };
            let _ = writeln!(text, "{:016x} {rel}\n{files}\n{below}", f.stamp);
        }
        Some(text)
    }
}

/// What [`stale`] found: the files no longer made, and the folders as seen.
type Walked = (Vec<PathBuf>, Vec<(String, Folder)>);

/// The files in folder `dir` and below (`rel`: its path below the output folder, with `/`
/// separators as [`OutputFile::path`] has them; empty for the output folder) that `keep` does not
/// name, and the folders as found, to be recorded. A folder `last` recorded with the stamp it
/// still has is not read again. Folders are walked in parallel: at the end of an update both
/// cores are free.
fn stale(
    dir: &Path,
    rel: &str,
    keep: &(dyn Fn(&str) -> bool + Sync),
    last: &Folders,
) -> Result<Walked, Diagnostic> {
    // Taken before the folder is read: a change in between changes the stamp the next update
    // finds, so that it reads the folder again.
    let stamp = load::stamp(dir);
    let folder = match last.0.get(rel) {
        Some(f) if stamp == Some(f.stamp) => f.clone(),
        _ => read_folder(dir)?,
    };
    let path_of = |name: &OsString| match rel {
        "" => name.to_string_lossy().into_owned(),
        _ => [rel, "/", &name.to_string_lossy()].concat(),
    };
    let files = folder.files.iter().filter(|name| !keep(&path_of(name)));
    let mut found: Vec<PathBuf> = files.map(|name| dir.join(name)).collect();
    let below: Vec<_> = (folder.folders.par_iter())
        .map(|name| stale(&dir.join(name), &path_of(name), keep, last))
        .collect::<Result<_, _>>()?;
    let mut seen: Vec<(String, Folder)> = match stamp {
        Some(stamp) => vec![(rel.to_string(), Folder { stamp, ..folder })],
        None => Vec::new(),
    };
    for (f, s) in below {
        found.extend(f);
        seen.extend(s);
    }
    Ok((found, seen))
}

/// The names of the files and folders in `dir`.
fn read_folder(dir: &Path) -> Result<Folder, Diagnostic> {
    let unreadable = |e: io::Error| {
        Diagnostic::error(Code::IoError, format!("cannot read {}: {e}", dir.display()))
            .help("check the output folder's permissions")
    };
    let mut folder = Folder {
        stamp: 0,
        files: Vec::new(),
        folders: Vec::new(),
    };
    for entry in fs::read_dir(dir).map_err(unreadable)? {
        let entry = entry.map_err(unreadable)?;
        match entry.file_type().map_err(unreadable)?.is_dir() {
            true => folder.folders.push(entry.file_name()),
            false => folder.files.push(entry.file_name()),
        }
    }
    Ok(folder)
}

/// Whether the file at `path` holds exactly `bytes` (false when it cannot be read).
fn same_bytes(path: &Path, bytes: &[u8]) -> bool {
    let len_matches =
        fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64);
    len_matches && fs::read(path).is_ok_and(|old| old == bytes)
}

fn make_parent(path: &Path) -> Result<(), Diagnostic> {
    match path.parent() {
        Some(dir) => fs::create_dir_all(dir).map_err(|e| io_error(dir, "cannot create", &e)),
        None => Ok(()),
    }
}

fn make_folders(tmp: &Path, paths: &[&str]) -> Result<(), Diagnostic> {
    fs::create_dir_all(tmp).map_err(|e| io_error(tmp, "cannot create", &e))?;
    // Every folder a file is in, and every folder above those.
    let mut dirs: Vec<&Path> = paths
        .iter()
        .filter_map(|p| Path::new(p).parent())
        .flat_map(Path::ancestors)
        .filter(|p| !p.as_os_str().is_empty())
        .collect();
    dirs.sort_unstable();
    dirs.dedup();
    // Level by level, each level in parallel: a site of 10,000 pages has 10,000 folders, and
    // making them one by one is a tenth of the build.
    let depth = |d: &&Path| d.components().count();
    let deepest = dirs.iter().map(depth).max().unwrap_or(0);
    for level in 1..=deepest {
        dirs.par_iter()
            .filter(|d| depth(d) == level)
            .try_for_each(|d| {
                let d = tmp.join(d);
                match fs::create_dir(&d) {
                    Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => {
                        Err(io_error(&d, "cannot create", &e))
                    }
                    _ => Ok(()),
                }
            })?;
    }
    Ok(())
}

fn swap(tmp: &Path, out: &Path, old: &Path) -> Result<(), Diagnostic> {
    if out.exists() {
        fs::rename(out, old).map_err(|e| io_error(out, "cannot move aside", &e))?;
        if let Err(e) = fs::rename(tmp, out) {
            // Put the previous site back before reporting.
            let _ = fs::rename(old, out);
            return Err(io_error(out, "cannot move the new site into", &e));
        }
        // The previous site is ours (it had the marker); removing it cannot touch anything else.
        let _ = fs::remove_dir_all(old);
    } else {
        fs::rename(tmp, out).map_err(|e| io_error(out, "cannot move the new site into", &e))?;
    }
    Ok(())
}
