//! One file's records as the build cache keeps them ([`ParseMemo`](super::ParseMemo)), in
//! bincode: a findings file's findings, or a Markdown file (a source's, claim's, topic's or gap's,
//! or a plain page, naming its kind): its front matter, where its body starts, and what the scan
//! of its body found. Read back, a node's body is taken from its text as loaded, which the cache's
//! key says is the text it was parsed from; a plain page's is its file, read again when the page
//! is made.
//!
//! Also the build cache's file of them, `parsed.bin`: an entry per file, each with its checksum
//! ([`entry`]), written whole ([`whole`]) or added to by a rebuild, and read up to the first entry
//! that is not whole or not this build's ([`read_files`]).

use std::path::Path;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostic;
use crate::load::Contents;
use crate::model::Body;
use crate::parse::raw::*;
use crate::parse::yaml::from_cache;
use crate::parse::{stem, Parsed};

/// A Markdown node's file as kept: all its parse gave but the text.
#[derive(Serialize)]
struct DocOut<'a, T> {
    meta: &'a T,
    body: usize,
    anchors: &'a [String],
    links: &'a [RawLink],
    figures: &'a [RawLink],
}

/// [`DocOut`], read back.
#[derive(Deserialize)]
struct DocIn<T> {
    meta: T,
    body: usize,
    anchors: Vec<String>,
    links: Vec<RawLink>,
    figures: Vec<RawLink>,
}

/// A file's records as written.
#[derive(Serialize)]
enum RecordOut<'a> {
    Findings(Vec<&'a S<RawFinding>>),
    Node(NodeOut<'a>),
}

/// [`RecordOut`], read back.
#[derive(Deserialize)]
enum RecordIn {
    Findings(Vec<S<RawFinding>>),
    Node(Box<NodeIn>),
}

#[derive(Serialize)]
enum NodeOut<'a> {
    Source(DocOut<'a, RawSource>),
    Claim(DocOut<'a, RawClaim>),
    Topic(DocOut<'a, RawTopic>),
    Gap(DocOut<'a, RawGap>),
    /// With the hash of the page's text ([`Body::text_hash`]).
    Page(DocOut<'a, RawPage>, u64),
}

#[derive(Deserialize)]
enum NodeIn {
    // Boxed: a source's record is several times a claim's.
    Source(Box<DocIn<RawSource>>),
    Claim(DocIn<RawClaim>),
    Topic(DocIn<RawTopic>),
    Gap(DocIn<RawGap>),
    Page(DocIn<RawPage>, u64),
}

/// The record the build cache keeps for the file at `path`, when its parse reported nothing and
/// gave findings and nothing else, one source, claim, topic or gap whose body is in its loaded
/// text, or one plain page whose body is on disk. `None` otherwise: the file is then parsed each
/// time.
pub(super) fn record(path: &Path, parsed: &Parsed, diags: &[Diagnostic]) -> Option<Vec<u8>> {
    if !diags.is_empty() {
        return None;
    }
    let record = if parsed.findings.is_empty() {
        RecordOut::Node(node(path, parsed)?)
    } else if parsed.holds_nothing_else() {
        RecordOut::Findings(parsed.findings.iter().map(|(_, f)| &**f).collect())
    } else {
        return None;
    };
    bincode::serialize(&record).ok()
}

/// The one Markdown node or page `parsed` holds, when it holds nothing else but its file's name.
fn node<'a>(path: &Path, parsed: &'a Parsed) -> Option<NodeOut<'a>> {
    let counts = [
        parsed.sources.len(),
        parsed.claims.len(),
        parsed.topics.len(),
        parsed.gaps.len(),
        parsed.pages.len(),
    ];
    let alone = counts.iter().sum::<usize>() == 1
        && parsed.content_files == [path]
        && parsed.holds_no_data();
    if !alone {
        return None;
    }
    let source = || {
        parsed
            .sources
            .first()
            .and_then(in_text)
            .map(NodeOut::Source)
    };
    let claim = || parsed.claims.first().and_then(in_text).map(NodeOut::Claim);
    let topic = || parsed.topics.first().and_then(in_text).map(NodeOut::Topic);
    let gap = || parsed.gaps.first().and_then(in_text).map(NodeOut::Gap);
    let page = || {
        let d = parsed.pages.first()?;
        let text = d.body.text_hash()?;
        doc_out(d, Body::start_on_disk).map(|d| NodeOut::Page(d, text))
    };
    (source().or_else(claim).or_else(topic).or_else(gap)).or_else(page)
}

/// `d` as kept, when its body is held as text.
fn in_text<T>(d: &RawDoc<T>) -> Option<DocOut<'_, T>> {
    doc_out(d, Body::start_in_text)
}

/// `d` as kept, when its body is held as `start` needs it to be (`None` otherwise).
fn doc_out<T>(d: &RawDoc<T>, start: fn(&Body) -> Option<usize>) -> Option<DocOut<'_, T>> {
    Some(DocOut {
        meta: &d.meta,
        body: start(&d.body)?,
        anchors: &d.anchors,
        links: &d.links,
        figures: &d.figures,
    })
}

/// `d` read back, its body made from where it starts (`None` when it cannot be).
fn doc_in<T>(
    d: DocIn<T>,
    path: &Path,
    body: impl FnOnce(usize) -> Option<Body>,
) -> Option<RawDoc<T>> {
    Some(RawDoc {
        file: path.to_path_buf(),
        stem: stem(path),
        body: body(d.body)?,
        meta: d.meta,
        anchors: d.anchors,
        links: d.links,
        figures: d.figures,
    })
}

/// The records of the file at `path` from the bytes [`record`] made, with the file as loaded
/// (`contents`: a node's text, or where a plain page is on disk); `None` when the bytes cannot be
/// read as records, or are not of a file loaded so.
pub(super) fn read(bytes: &[u8], path: &Path, contents: &Contents) -> Option<Parsed> {
    let node = match from_cache::<RecordIn>(bytes)? {
        RecordIn::Findings(records) => {
            let findings = records
                .into_iter()
                .map(|f| (path.to_path_buf(), Arc::new(f)));
            return Some(Parsed {
                findings: findings.collect(),
                ..Parsed::default()
            });
        }
        RecordIn::Node(node) => *node,
    };
    let mut parsed = Parsed {
        content_files: vec![path.to_path_buf()],
        ..Parsed::default()
    };
    let held_as_text = |start| match contents {
        Contents::Text(text) => Some(Body::new(text.clone(), start)),
        _ => None,
    };
    match node {
        NodeIn::Source(d) => parsed.sources.push(doc_in(*d, path, held_as_text)?),
        NodeIn::Claim(d) => parsed.claims.push(doc_in(d, path, held_as_text)?),
        NodeIn::Topic(d) => parsed.topics.push(doc_in(d, path, held_as_text)?),
        NodeIn::Gap(d) => parsed.gaps.push(doc_in(d, path, held_as_text)?),
        NodeIn::Page(d, text) => {
            let Contents::Deferred(real, _) = contents else {
                return None;
            };
            let on_disk =
                |start| Some(Body::on_disk(path.to_path_buf(), real.clone(), start, text));
            parsed.pages.push(Arc::new(doc_in(d, path, on_disk)?));
        }
    }
    Some(parsed)
}

/// The first line of the build cache's file of parsed files.
const HEAD: &str = "evident: files as parsed";

/// A file kept: the hash of its text, and its records.
pub(super) type Kept = (u64, Arc<[u8]>);

/// Each file kept, by its path.
pub(super) type Files = std::collections::BTreeMap<String, Kept>;

/// The build cache's file of parsed files, as read: how long it is, and roughly how many of its
/// bytes hold entries that later ones replaced (so that it is written whole again, without them,
/// once they are a fifth of it).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct FileRead {
    pub len: usize,
    pub dead: usize,
}

/// The build cache's file of parsed files for `build`, whole: a line naming the file's kind, one
/// with the build of evident that wrote it, then an entry per file kept ([`entry`]). Each file's
/// records are found without reading them (8 MB at N = 10,000, of which a build reads all but
/// the changed files' records, each when its file is parsed).
pub(super) fn whole(files: &Files, build: &str) -> Vec<u8> {
    let size: usize = files.iter().map(|(p, (_, r))| p.len() + r.len() + 60).sum();
    let mut bytes = Vec::with_capacity(HEAD.len() + build.len() + 2 + size);
    for line in [HEAD, build] {
        bytes.extend_from_slice(line.as_bytes());
        bytes.push(b'\n');
    }
    let seed = seed(build);
    for (path, (key, record)) in files {
        entry(&mut bytes, seed, path, Some((*key, record)));
    }
    bytes
}

/// Adds to `bytes` the entry of the file at `path`, made by the build whose [`seed`] is given:
/// a line with the hash of the file's text (16 hexadecimal digits), the length of its records,
/// the entry's checksum (16 digits) and its path, then its records and a line break; or, for a
/// file no longer kept (`None`), the line alone, with `-` for the length. An entry replaces any
/// earlier one of the same path, so a build that changed a few files adds their entries to the
/// end of the file rather than write it whole.
pub(super) fn entry(bytes: &mut Vec<u8>, seed: u64, path: &str, kept: Option<(u64, &[u8])>) {
    use std::io::Write;
    let (key, len, record) = match kept {
        Some((key, record)) => (key, record.len().to_string(), record),
        None => (0, "-".to_string(), &[][..]),
    };
    let check = checksum(seed, key, &len, path, record);
    let _ = writeln!(bytes, "{key:016x} {len} {check:016x} {path}");
    if kept.is_some() {
        bytes.extend_from_slice(record);
        bytes.push(b'\n');
    }
}

/// What an entry's checksum covers: the build that wrote it, the hash of its file's text, its
/// length, path and records. An entry cut short (a write that did not finish) or written by
/// another build of evident does not match it.
fn checksum(seed: u64, key: u64, len: &str, path: &str, record: &[u8]) -> u64 {
    let mut h = xxhash_rust::xxh3::Xxh3::with_seed(seed ^ key);
    for part in [len.as_bytes(), path.as_bytes(), record] {
        h.update(&(part.len() as u64).to_le_bytes());
        h.update(part);
    }
    h.digest()
}

/// What tells the entries `build` writes from another build's.
pub(super) fn seed(build: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(build.as_bytes())
}

/// The files in the build cache's file of parsed files (`bytes`), with the file as read: `None`
/// when another build of evident wrote it. Entries are read up to the first that is not whole
/// or not this build's (its checksum does not match): then the file as read is `None` too, so
/// that it is written whole again rather than added to.
pub(super) fn read_files(bytes: &[u8], build: &str) -> Option<(Files, Option<FileRead>)> {
    let mut rest = bytes;
    if take_line(&mut rest)? != HEAD || take_line(&mut rest)? != build {
        return None;
    }
    let seed = seed(build);
    let mut files = Files::new();
    let mut dead = 0;
    while !rest.is_empty() {
        let before = rest.len();
        let Some((path, kept)) = read_entry(&mut rest, seed) else {
            return Some((files, None));
        };
        let size = before - rest.len();
        let replaced = match kept {
            Some(kept) => files.insert(path.to_string(), kept),
            None => files.remove(path),
        };
        // An entry replaced is dead, and so is one that removes a file.
        dead += replaced.map_or(0, |(_, r)| r.len() + path.len() + 40);
        dead += if files.contains_key(path) { 0 } else { size };
    }
    let len = bytes.len();
    Some((files, Some(FileRead { len, dead })))
}

/// One entry ([`entry`]) from the start of `rest`, which then starts after it; `None` when it is
/// not whole or its checksum does not match.
fn read_entry<'a>(rest: &mut &'a [u8], seed: u64) -> Option<(&'a str, Option<Kept>)> {
    let mut at = *rest;
    let head = take_line(&mut at)?;
    let (key, head) = head.split_once(' ')?;
    let (len, head) = head.split_once(' ')?;
    let (check, path) = head.split_once(' ')?;
    let key = u64::from_str_radix(key, 16).ok()?;
    let check = u64::from_str_radix(check, 16).ok()?;
    let record = match len {
        "-" => None,
        _ => {
            let n: usize = len.parse().ok()?;
            // The records, then the line break that ends them.
            let (record, after) = (at.get(..n)?, at.get(n..)?);
            at = after.strip_prefix(b"\n")?;
            Some(record)
        }
    };
    if checksum(seed, key, len, path, record.unwrap_or_default()) != check {
        return None;
    }
    *rest = at;
    Some((path, record.map(|r| (key, Arc::from(r)))))
}

/// The text up to the next line break of `rest`, which then starts after it.
fn take_line<'a>(rest: &mut &'a [u8]) -> Option<&'a str> {
    let end = rest.iter().position(|&b| b == b'\n')?;
    let line = std::str::from_utf8(&rest[..end]).ok()?;
    *rest = &rest[end + 1..];
    Some(line)
}
