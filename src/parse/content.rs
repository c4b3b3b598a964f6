//! Markdown files under `content/`: front matter parsed to the record of the node kind its folder
//! names (sources, claims, topics, gaps; anything else is a plain page), and the body scanned for
//! anchors and links, each with its whole-file position.

use std::path::Path;
use std::sync::Arc;

use serde::Deserialize;

use crate::diagnostic::{Code, Diagnostic, Position};
use crate::layout::NODE_FOLDERS;
use crate::markdown::{scan, Scan};
use crate::model::Body;
use crate::parse::raw::{RawDoc, RawLink};
use crate::parse::yaml::from_yaml;
use crate::parse::{stem, Parsed};

/// A Markdown file's text, and where it is: `path` in the site, and for a plain page read late,
/// `on_disk` (the file the render stage reads again through the load stage's reader, with the
/// hash of its text, [`Body::hash_text`]).
pub(crate) struct MarkdownFile<'a> {
    pub path: &'a Path,
    pub text: &'a Arc<str>,
    pub on_disk: Option<(&'a Path, u64)>,
}

/// Parses one Markdown file under `content/` into `parsed`.
pub(crate) fn parse_content(file: &MarkdownFile, parsed: &mut Parsed, diags: &mut Vec<Diagnostic>) {
    let path = file.path;
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
                Code::NestedNode,
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
                Code::FindingInContent,
                "findings are YAML records in data/findings/*.yaml, not Markdown pages",
            )
            .in_file(path)
            .help("move the finding into a `findings:` list in data/findings/"),
        );
        return;
    }
    let kind = kind_of(folder);
    let parsed_ok = match split_front_matter(path, file.text, diags) {
        None => false,
        Some(front) => match kind {
            "source" => push_doc(file, &front, &mut parsed.sources, diags),
            "claim" => push_doc(file, &front, &mut parsed.claims, diags),
            "topic" => push_doc(file, &front, &mut parsed.topics, diags),
            "gap" => push_doc(file, &front, &mut parsed.gaps, diags),
            _ => {
                let mut pages = Vec::new();
                let pushed = push_doc(file, &front, &mut pages, diags);
                parsed.pages.extend(pages.into_iter().map(Arc::new));
                pushed
            }
        },
    };
    if !parsed_ok {
        parsed.broken.insert(format!("{kind}:{}", stem(path)));
    }
}

/// The node kind of a folder under `content/`.
pub(crate) fn kind_of(folder: &str) -> &'static str {
    match folder {
        "sources" => "source",
        "claims" => "claim",
        "topics" => "topic",
        "gaps" => "gap",
        _ => "page",
    }
}

/// A file's front matter: its YAML, the line the YAML starts on, and the byte offset of the body.
pub(crate) struct FrontMatter<'t> {
    yaml: &'t str,
    line: u32,
    body: usize,
}

/// Parses the front matter to `T` and pushes the document; false when it does not parse.
fn push_doc<T: for<'de> Deserialize<'de>>(
    file: &MarkdownFile,
    front: &FrontMatter,
    out: &mut Vec<RawDoc<T>>,
    diags: &mut Vec<Diagnostic>,
) -> bool {
    let (path, text) = (file.path, file.text);
    // An empty front matter block is an empty mapping, so "missing key" errors name the key.
    let yaml = if front.yaml.trim().is_empty() {
        "{}"
    } else {
        front.yaml
    };
    let meta = match from_yaml::<T>(path, yaml, front.line) {
        Ok(m) => m,
        Err(found) => {
            diags.extend(found.into_iter().map(|mut d| {
                d.position = d.position.or(Some(Position::new(1, 1)));
                d
            }));
            return false;
        }
    };
    let body = front.body;
    let Scan {
        anchors,
        links,
        figures,
    } = scan(&text[body..]);
    // Positions in one pass over the text (links come in order), not one pass per link.
    let mut lines = LineCounter::new(text);
    let mut place = |l: crate::markdown::Link| RawLink {
        position: lines.position(body + l.offset).with_len(l.len),
        dest: l.dest,
    };
    let links: Vec<RawLink> = links.into_iter().map(&mut place).collect();
    let figures: Vec<RawLink> = figures.into_iter().map(&mut place).collect();
    out.push(RawDoc {
        file: path.to_path_buf(),
        stem: stem(path),
        meta,
        body: match file.on_disk {
            Some((real, hash)) => Body::on_disk(path.to_path_buf(), real.to_path_buf(), body, hash),
            None => Body::new(text.clone(), body),
        },
        anchors,
        links,
        figures,
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

/// Splits `---\nyaml\n---\nbody`.
fn split_front_matter<'t>(
    path: &Path,
    text: &'t str,
    diags: &mut Vec<Diagnostic>,
) -> Option<FrontMatter<'t>> {
    let first_end = text.find('\n').map_or(text.len(), |i| i + 1);
    if text[..first_end].trim_end() != "---" {
        diags.push(
            Diagnostic::error(Code::MissingFrontMatter, "this page has no front matter")
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
            return Some(FrontMatter {
                yaml: &text[first_end..offset],
                line: 2,
                body: end,
            });
        }
        offset = end;
    }
    diags.push(
        Diagnostic::error(
            Code::UnclosedFrontMatter,
            "the front matter opened here is never closed",
        )
        .at(path, Position::new(1, 1).with_len(3))
        .help("end the front matter with a line that holds only `---`"),
    );
    None
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn front_matter_split_keeps_whole_file_lines() {
        let text = "---\ntitle: x\n---\nbody\n";
        let mut d = Vec::new();
        let f = split_front_matter(Path::new("a.md"), text, &mut d).unwrap();
        assert_eq!(
            (f.yaml, f.line, &text[f.body..]),
            ("title: x\n", 2, "body\n")
        );
        let crlf = "---\r\ntitle: x\r\n---\r\nbody\r\n";
        let f = split_front_matter(Path::new("a.md"), crlf, &mut d).unwrap();
        assert_eq!((f.yaml, &crlf[f.body..]), ("title: x\r\n", "body\r\n"));
        assert!(d.is_empty());
    }

    #[test]
    fn unclosed_front_matter_is_an_error() {
        let mut d = Vec::new();
        assert!(split_front_matter(Path::new("a.md"), "---\ntitle: x\n", &mut d).is_none());
        assert_eq!(d[0].code, Code::UnclosedFrontMatter);
    }
}
