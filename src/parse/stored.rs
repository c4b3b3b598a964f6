//! One file's records as the build cache keeps them ([`ParseMemo`](super::ParseMemo)), in
//! bincode: a findings file's findings, or a source's, claim's, topic's or gap's Markdown file
//! (naming its kind): its front matter, where its body starts, and what the scan of its body
//! found. Read back, a Markdown file's body is taken from its text as loaded,
//! which the cache's key says is the text it was parsed from.

use std::path::Path;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostic;
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
}

#[derive(Deserialize)]
enum NodeIn {
    // Boxed: a source's record is several times a claim's.
    Source(Box<DocIn<RawSource>>),
    Claim(DocIn<RawClaim>),
    Topic(DocIn<RawTopic>),
    Gap(DocIn<RawGap>),
}

/// The record the build cache keeps for the file at `path`, when its parse reported nothing and
/// gave findings and nothing else, or one source, claim, topic or gap whose body is in its loaded
/// text. `None` otherwise: the file is then parsed each time.
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

/// The one Markdown node `parsed` holds, when it holds nothing else but its file's name.
fn node<'a>(path: &Path, parsed: &'a Parsed) -> Option<NodeOut<'a>> {
    let counts = [
        parsed.sources.len(),
        parsed.claims.len(),
        parsed.topics.len(),
        parsed.gaps.len(),
    ];
    let alone = counts.iter().sum::<usize>() == 1
        && parsed.pages.is_empty()
        && parsed.content_files == [path]
        && parsed.holds_no_data();
    if !alone {
        return None;
    }
    (parsed
        .sources
        .first()
        .and_then(|d| doc_out(d).map(NodeOut::Source)))
    .or_else(|| {
        parsed
            .claims
            .first()
            .and_then(|d| doc_out(d).map(NodeOut::Claim))
    })
    .or_else(|| {
        parsed
            .topics
            .first()
            .and_then(|d| doc_out(d).map(NodeOut::Topic))
    })
    .or_else(|| {
        parsed
            .gaps
            .first()
            .and_then(|d| doc_out(d).map(NodeOut::Gap))
    })
}

fn doc_out<T>(d: &RawDoc<T>) -> Option<DocOut<'_, T>> {
    Some(DocOut {
        meta: &d.meta,
        body: d.body.start_in_text()?,
        anchors: &d.anchors,
        links: &d.links,
        figures: &d.figures,
    })
}

fn doc_in<T>(d: DocIn<T>, path: &Path, text: &Arc<str>) -> RawDoc<T> {
    RawDoc {
        file: path.to_path_buf(),
        stem: stem(path),
        meta: d.meta,
        body: Body::new(text.clone(), d.body),
        anchors: d.anchors,
        links: d.links,
        figures: d.figures,
    }
}

/// The records of the file at `path` from the bytes [`record`] made, its text (`text`) as
/// loaded; `None` when the bytes cannot be read as records.
pub(super) fn read(bytes: &[u8], path: &Path, text: Option<&Arc<str>>) -> Option<Parsed> {
    let node = match from_cache::<RecordIn>(bytes)? {
        RecordIn::Findings(records) => {
            let findings = records
                .into_iter()
                .map(|f| (path.to_path_buf(), Box::new(f)));
            return Some(Parsed {
                findings: findings.collect(),
                ..Parsed::default()
            });
        }
        RecordIn::Node(node) => *node,
    };
    let text = text?;
    let mut parsed = Parsed {
        content_files: vec![path.to_path_buf()],
        ..Parsed::default()
    };
    match node {
        NodeIn::Source(d) => parsed.sources.push(doc_in(*d, path, text)),
        NodeIn::Claim(d) => parsed.claims.push(doc_in(d, path, text)),
        NodeIn::Topic(d) => parsed.topics.push(doc_in(d, path, text)),
        NodeIn::Gap(d) => parsed.gaps.push(doc_in(d, path, text)),
    }
    Some(parsed)
}
