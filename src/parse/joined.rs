//! The last run's parse of every content and data file, joined, kept by `serve`'s parse memo
//! ([`super::ParseMemo`]) with what each file was parsed from. A run in which a few files changed
//! replaces their records in it, file by file, where joining every file's parse again cost about
//! ten milliseconds at N = 10,000 (copying each file's records out of the memo, then into the
//! lists).
//!
//! Only records that a file alone gives, each held in a list in path order with its file's path
//! (pages, sources, claims, topics, gaps, findings, the Markdown files' names) or in a map by that
//! path (archived texts), are replaced so. A file that gives or gave anything else (a table, a
//! dataset, the glossary, an asset, a release, a parse that failed) joins every file again, as do
//! more changes than [`MOST_CHANGED`] allows.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{ParseMemo, Parsed};
use crate::diagnostic::Diagnostic;
use crate::load::{Contents, Inputs};

/// What a run joined, kept for the next.
pub(super) struct Joined {
    /// Each file as it was parsed, by path.
    files: Files,
    /// Every file's records, joined in path order.
    parsed: Parsed,
}

/// Each file as it was parsed, by path.
pub(super) type Files = BTreeMap<PathBuf, FileIn>;

/// A file as the joined parse holds it.
pub(super) struct FileIn {
    /// What it was parsed from.
    from: From,
    /// Whether its records can be replaced alone ([`Parsed::holds_only_records`]).
    replaceable: bool,
    /// What parsing it reported.
    diags: Vec<Diagnostic>,
}

/// What a file was parsed from: its text (held, so that its address is not reused: the same
/// allocation is the same text), its bytes' key in the memo ([`ParseMemo::key`]), or for a plain
/// page, which the parse reads itself, the number it was listed with ([`Contents::deferred`]:
/// the same number, the file has not been reported changed). A file that could not be read is
/// parsed each run.
enum From {
    Text(Arc<str>),
    Bytes(u64),
    Listed(u64),
    Read,
}

impl From {
    fn of(contents: &Contents) -> From {
        match contents {
            Contents::Text(t) => From::Text(t.clone()),
            Contents::Bytes(_) => ParseMemo::key(contents).map_or(From::Read, From::Bytes),
            Contents::Deferred(_, listed) => From::Listed(*listed),
            Contents::Failed => From::Read,
        }
    }

    fn is(&self, contents: &Contents) -> bool {
        match (self, contents) {
            (From::Text(a), Contents::Text(b)) => Arc::ptr_eq(a, b),
            (From::Bytes(a), Contents::Bytes(_)) => ParseMemo::key(contents) == Some(*a),
            (From::Listed(a), Contents::Deferred(_, b)) => a == b,
            _ => false,
        }
    }
}

/// The most files a run may find changed, added or gone, and still replace their records rather
/// than join every file's again: one in eight of all, or sixteen on a smaller site.
const MOST_CHANGED: (usize, usize) = (8, 16);

/// The most files of `files` that a run may find changed and still update the join.
fn most_changed(files: usize) -> usize {
    let (share, least) = MOST_CHANGED;
    (files / share).max(least)
}

/// Whether a join of `inputs`' files is worth keeping: whether a later run may update it, which it
/// cannot when more of the files are parsed on every run (files that could not be read) than
/// [`MOST_CHANGED`] allows. (Keeping the join of a site of 10,000 plain pages, when they were
/// parsed on every run, cost each rebuild 90 ms, for nothing.)
pub(super) fn worth_keeping(inputs: &Inputs) -> bool {
    let read = (inputs.files.values())
        .filter(|c| matches!(c, Contents::Failed))
        .count();
    read <= most_changed(inputs.files.len())
}

impl Joined {
    /// The join of every file's parse, `parsed`, with what each was parsed from (`files`:
    /// [`Joined::files_of`]).
    pub(super) fn new(files: Files, parsed: Parsed) -> Self {
        Joined { files, parsed }
    }

    /// Each of `inputs`' files with what it was parsed from, given `each`, their parses in path
    /// order.
    pub(super) fn files_of(inputs: &Inputs, each: &[(Parsed, Vec<Diagnostic>)]) -> Files {
        (inputs.files.iter().zip(each))
            .map(|((path, contents), (p, diags))| {
                let file = FileIn {
                    from: From::of(contents),
                    replaceable: p.holds_only_records(),
                    diags: diags.clone(),
                };
                (path.clone(), file)
            })
            .collect()
    }

    /// The join of `inputs`' files' parses, made from this one by replacing the records of the
    /// files that changed, were added or went (`parse` parses a file), with what parsing them
    /// reported, in path order. `None` when that cannot be done (a file's parse holds more than
    /// [`Parsed::holds_only_records`] allows, or [`MOST_CHANGED`]): then nothing has changed.
    pub(super) fn update(
        &mut self,
        inputs: &Inputs,
        parse: impl Fn(&Path, &Contents) -> (Parsed, Vec<Diagnostic>),
    ) -> Option<(Parsed, Vec<Diagnostic>)> {
        let changed = self.changed(inputs)?;
        let mut made = Vec::with_capacity(changed.len());
        for path in changed {
            let old = self.files.get(&path);
            if old.is_some_and(|f| !f.replaceable) {
                return None;
            }
            let new = (inputs.files.get_key_value(&path)).map(|(path, contents)| {
                let (parsed, diags) = parse(path, contents);
                (contents, parsed, diags)
            });
            if new
                .as_ref()
                .is_some_and(|(_, p, _)| !p.holds_only_records())
            {
                return None;
            }
            made.push((path, new));
        }
        for (path, new) in made {
            self.replace(&path, new);
        }
        let diags = (self.files.values()).flat_map(|f| f.diags.iter().cloned());
        Some((self.parsed.clone(), diags.collect()))
    }

    /// The paths of the files that changed, were added or went since this join was made, in
    /// path order; `None` when there are more than [`MOST_CHANGED`] allows.
    fn changed(&self, inputs: &Inputs) -> Option<Vec<PathBuf>> {
        let most = most_changed(inputs.files.len().max(self.files.len()));
        let mut changed = Vec::new();
        let (mut now, mut then) = (inputs.files.iter().peekable(), self.files.iter().peekable());
        loop {
            // The first path of either list, from both when both have it (with whether it is
            // the same file).
            let (path, same) = match (now.peek().copied(), then.peek().copied()) {
                (None, None) => return Some(changed),
                (Some((a, contents)), Some((b, file))) if a == b => {
                    now.next();
                    then.next();
                    (a, file.from.is(contents))
                }
                // A file gone.
                (Some((a, _)), Some((b, _))) if a > b => {
                    then.next();
                    (b, false)
                }
                (None, Some((b, _))) => {
                    then.next();
                    (b, false)
                }
                // A file added.
                (Some((a, _)), _) => {
                    now.next();
                    (a, false)
                }
            };
            if same {
                continue;
            }
            changed.push(path.clone());
            if changed.len() > most {
                return None;
            }
        }
    }

    /// Replaces the records of the file at `path` with `new` (its contents, parse and
    /// diagnostics; `None`: the file went).
    fn replace(&mut self, path: &Path, new: Option<(&Contents, Parsed, Vec<Diagnostic>)>) {
        let Some((contents, p, diags)) = new else {
            self.put(path, Parsed::default());
            self.files.remove(path);
            return;
        };
        self.put(path, p);
        let file = FileIn {
            from: From::of(contents),
            replaceable: true,
            diags,
        };
        self.files.insert(path.to_path_buf(), file);
    }

    /// Puts `p`, the records of the file at `path`, where that file's were.
    fn put(&mut self, path: &Path, p: Parsed) {
        let j = &mut self.parsed;
        splice(&mut j.pages, path, p.pages, |d| &d.file);
        splice(&mut j.sources, path, p.sources, |d| &d.file);
        splice(&mut j.claims, path, p.claims, |d| &d.file);
        splice(&mut j.topics, path, p.topics, |d| &d.file);
        splice(&mut j.gaps, path, p.gaps, |d| &d.file);
        splice(&mut j.findings, path, p.findings, |f| &f.0);
        splice(&mut j.content_files, path, p.content_files, |f| f);
        j.archives.remove(path);
        j.archives.extend(p.archives);
    }
}

/// Replaces the items of `list` (in path order by `file`) that came from the file at `path`
/// with `new`, where they were (or where they would be).
fn splice<T>(list: &mut Vec<T>, path: &Path, new: Vec<T>, file: impl Fn(&T) -> &PathBuf) {
    let start = list.partition_point(|x| file(x).as_path() < path);
    let len = list[start..].partition_point(|x| file(x).as_path() == path);
    list.splice(start..start + len, new);
}

#[cfg(test)]
impl Joined {
    /// Puts an archived text at `path` into the join, where no file gave it: the next run's parse
    /// has it only if it was made by updating this join.
    pub(super) fn mark(&mut self, path: &Path) {
        self.parsed.archives.insert(path.to_path_buf(), "".into());
    }
}
