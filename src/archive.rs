//! The archived text of a source, made from the file the source was published as: the stage
//! behind `evident archive add`. [`extract`] turns a file's bytes into the text `archive/<id>.txt`
//! holds: the readable text of an HTML page, the text of a PDF page by page (each page after a
//! [`page_marker`] line, labelled as the PDF prints its page numbers), or plain text as it is.
//! It is pure (bytes in, text out); the command reads and writes the files in `load` and `write`.
//!
//! This module is the one that knows html2text and pdf-extract (with the lopdf it re-exports).

use std::panic::{self, AssertUnwindSafe};

use html2text::{Element, Handle, RcDom};
use pdf_extract::{Dictionary, Document, Object};

use crate::diagnostic::{Code, Diagnostic};
use crate::layout::{page_marker, parse_page_marker};

/// Fewer non-blank characters than this per page, on average, and a PDF is taken for a scan.
const MIN_CHARS_PER_PAGE: usize = 20;

/// Wider than any paragraph, so that html2text never breaks a line inside one.
const NO_WRAP: usize = 1_000_000;

/// Elements whose content is not the page's text: code, styling, navigation, site banners and
/// footers, forms and embedded media.
const BOILERPLATE: &[&str] = &[
    "script", "style", "noscript", "template", "nav", "aside", "footer", "form", "button",
    "select", "iframe", "svg", "canvas", "object", "embed",
];

/// ARIA roles that mark the same boilerplate on a `div`.
const BOILERPLATE_ROLES: &[&str] = &[
    "navigation",
    "banner",
    "contentinfo",
    "search",
    "complementary",
];

/// What a file was taken for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Html,
    Pdf,
    Text,
}

/// The text extracted from a file, ready to be written as an archive.
#[derive(Debug)]
pub struct Archived {
    pub kind: Kind,
    pub text: String,
    /// How many pages a PDF has (`None` for HTML and text).
    pub pages: Option<usize>,
    /// Warnings about the text (a PDF that looks like a scan).
    pub diagnostics: Vec<Diagnostic>,
}

impl Archived {
    /// How many characters the text has.
    pub fn chars(&self) -> usize {
        self.text.chars().count()
    }
}

/// What `name` (the input's file name, for its extension and for diagnostics) holds: a PDF when
/// its bytes say so or it is named `.pdf`, HTML when named so or its bytes open like HTML, else
/// text.
pub fn kind_of(name: &str, bytes: &[u8]) -> Kind {
    let ext = name
        .rsplit_once('.')
        .map_or("", |(_, e)| e)
        .to_ascii_lowercase();
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(1024)]).to_ascii_lowercase();
    let start = head.trim_start_matches('\u{feff}').trim_start();
    if head.contains("%pdf-") || ext == "pdf" {
        Kind::Pdf
    } else if matches!(ext.as_str(), "html" | "htm" | "xhtml")
        || start.starts_with("<!doctype html")
        || start.starts_with("<html")
    {
        Kind::Html
    } else {
        Kind::Text
    }
}

/// The archived text of the file `name` whose bytes are `bytes`.
pub fn extract(name: &str, bytes: &[u8]) -> Result<Archived, Diagnostic> {
    let kind = kind_of(name, bytes);
    let (text, pages) = match kind {
        Kind::Html => (html_text(bytes), None),
        Kind::Pdf => {
            let pages = pdf_pages(bytes).map_err(|why| unreadable_pdf(name, &why))?;
            (pages_text(&pages), Some(pages.len()))
        }
        Kind::Text => (plain_text(name, bytes)?, None),
    };
    let mut diagnostics = Vec::new();
    let chars = text
        .lines()
        .filter(|l| parse_page_marker(l).is_none())
        .flat_map(str::chars)
        .filter(|c| !c.is_whitespace())
        .count();
    if kind != Kind::Text && chars < pages.unwrap_or(1).max(1) * MIN_CHARS_PER_PAGE {
        diagnostics.push(no_text(name, kind, pages.unwrap_or(1), chars));
    }
    Ok(Archived {
        kind,
        text,
        pages,
        diagnostics,
    })
}

fn unreadable_pdf(name: &str, why: &str) -> Diagnostic {
    Diagnostic::error(
        Code::UnreadablePdf,
        format!("evident cannot read the text of {name}: {why}"),
    )
    .help("save the PDF again from a viewer (Print → Save as PDF), or paste its text into the archive yourself")
}

fn no_text(name: &str, kind: Kind, pages: usize, chars: usize) -> Diagnostic {
    let (what, help) = match kind {
        Kind::Pdf => (
            format!(
                "{chars} characters on {pages} page{}: it looks like a scan, and evident does not OCR",
                if pages == 1 { "" } else { "s" }
            ),
            "run OCR on the PDF (e.g. ocrmypdf) and add it again, or type the quoted passages under their [[page N]] markers",
        ),
        _ => (
            format!("{chars} characters: the page may make its text with JavaScript"),
            "save the page from a browser once it has loaded (Save Page As…) and add that file",
        ),
    };
    Diagnostic::warning(
        Code::ArchiveNoText,
        format!("{name} has almost no text ({what})"),
    )
    .help(help)
}

/// `archive add` for a source that does not exist: `looked_for` is its file below the site.
pub fn no_such_source(id: &str, looked_for: &str) -> Diagnostic {
    Diagnostic::error(
        Code::NoSuchSource,
        format!("there is no source `{id}`: {looked_for} does not exist"),
    )
    .help(format!(
        "check the id, or create the source first with `evident new source {id}`"
    ))
}

/// `archive add` over an archive that holds text, without `--force`.
pub fn exists(path: &str) -> Diagnostic {
    Diagnostic::error(
        Code::ArchiveExists,
        format!("{path} exists already, so evident will not replace it"),
    )
    .help("pass --force to replace it (compare the two first: the quotes checked against it may change)")
}

/// A text file as it is (without a byte-order mark), which must be UTF-8.
fn plain_text(name: &str, bytes: &[u8]) -> Result<String, Diagnostic> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        Diagnostic::error(
            Code::NotUtf8,
            format!(
                "{name} is not UTF-8 text (byte {} is not), nor HTML or PDF",
                e.valid_up_to()
            ),
        )
        .help("save the text as UTF-8, or give the source's HTML or PDF file")
    })?;
    Ok(text.trim_start_matches('\u{feff}').to_string())
}

/// The readable text of an HTML page: paragraphs and headings as blocks separated by blank
/// lines, entities decoded, without scripts, styles, navigation, banners, footers and forms.
pub fn html_text(bytes: &[u8]) -> String {
    let config = html2text::config::plain_no_decorate()
        .raw_mode(true)
        .no_link_wrapping();
    // html2text fails only on a document with no renderable content at all.
    let text = config
        .parse_html(bytes)
        .and_then(|dom| {
            prune(&dom);
            config.dom_to_render_tree(&dom)
        })
        .and_then(|tree| config.render_to_string(tree, NO_WRAP))
        .unwrap_or_default();
    tidy(&strip_heading_marks(&text))
}

/// html2text marks headings Markdown-style (`## Methods`), even undecorated; an archive holds the
/// heading's words alone, on their own line.
fn strip_heading_marks(text: &str) -> String {
    text.lines()
        .map(|line| {
            let rest = line.trim_start_matches('#');
            match rest.strip_prefix(' ') {
                Some(words) if (1..=6).contains(&(line.len() - rest.len())) => words,
                _ => line,
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Removes the boilerplate elements from the parsed page. A `header` is the site's banner
/// outside an `article` or `main`, and the article's title inside one.
fn prune(dom: &RcDom) {
    fn walk(node: &Handle, in_content: bool) {
        node.children
            .borrow_mut()
            .retain(|child| !is_boilerplate(child, in_content));
        for child in node.children.borrow().iter() {
            let content =
                in_content || tag_of(child).is_some_and(|t| t == "article" || t == "main");
            walk(child, content);
        }
    }
    walk(&dom.document, false);
}

fn tag_of(node: &Handle) -> Option<String> {
    match &node.data {
        Element { name, .. } => Some(name.local.to_string()),
        _ => None,
    }
}

fn is_boilerplate(node: &Handle, in_content: bool) -> bool {
    let Element { name, attrs, .. } = &node.data else {
        return false;
    };
    let tag: &str = &name.local;
    let role = attrs
        .borrow()
        .iter()
        .find(|a| &*a.name.local == "role")
        .map(|a| a.value.to_string().to_ascii_lowercase());
    BOILERPLATE.contains(&tag)
        || (tag == "header" && !in_content)
        || role.is_some_and(|r| BOILERPLATE_ROLES.contains(&r.as_str()))
}

/// Trims each line's end, drops blank lines at the ends and keeps at most one blank line
/// between blocks; ends with a newline.
fn tidy(text: &str) -> String {
    let mut out = String::new();
    let mut blank = false;
    for line in text.lines().map(str::trim_end) {
        if line.is_empty() {
            blank = !out.is_empty();
            continue;
        }
        if blank {
            out.push('\n');
            blank = false;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// Each page of a PDF as (label, text), in page order.
fn pdf_pages(bytes: &[u8]) -> Result<Vec<(String, String)>, String> {
    // pdf-extract panics on some malformed fonts and streams instead of returning an error; a
    // damaged PDF must be a diagnostic, not a crash.
    panic::catch_unwind(AssertUnwindSafe(|| pdf_pages_inner(bytes))).unwrap_or_else(|_| {
        Err("the PDF is damaged or uses a feature pdf-extract does not read".into())
    })
}

fn pdf_pages_inner(bytes: &[u8]) -> Result<Vec<(String, String)>, String> {
    let mut doc =
        Document::load_mem(bytes).map_err(|e| format!("it is not a PDF it can parse ({e})"))?;
    if doc.is_encrypted() && doc.decrypt("").is_err() {
        return Err("the PDF is encrypted with a password".into());
    }
    let pages = doc.get_pages();
    if pages.is_empty() {
        return Err("the PDF has no pages".into());
    }
    let labels = page_labels(&doc, pages.len());
    pages
        .keys()
        .zip(labels)
        .map(|(&n, label)| {
            let mut text = String::new();
            let mut out = pdf_extract::PlainTextOutput::new(&mut text);
            pdf_extract::output_doc_page(&doc, &mut out, n)
                .map_err(|e| format!("page {n}: {e}"))?;
            Ok((label, unligature(&text)))
        })
        .collect()
}

/// The PDF's text, each page after its marker line, pages separated by a blank line.
fn pages_text(pages: &[(String, String)]) -> String {
    let mut out = String::new();
    for (i, (label, text)) in pages.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&page_marker(label));
        out.push('\n');
        out.push_str(&tidy(text));
    }
    out
}

/// Typographic ligatures as the letters they join: a quote typed from the page has "fi", not
/// "ﬁ". (Hyphens at line ends are kept: the quote check folds them.)
fn unligature(text: &str) -> String {
    text.replace('\u{fb00}', "ff")
        .replace('\u{fb01}', "fi")
        .replace('\u{fb02}', "fl")
        .replace('\u{fb03}', "ffi")
        .replace('\u{fb04}', "ffl")
        .replace(['\u{fb05}', '\u{fb06}'], "st")
}

/// Each page's label, from the PDF's `/PageLabels` when it has them (journal page numbers, roman
/// front matter), else its 1-based index.
fn page_labels(doc: &Document, count: usize) -> Vec<String> {
    let mut ranges = Vec::new();
    if let Some(tree) = doc
        .catalog()
        .ok()
        .and_then(|c| c.get(b"PageLabels").ok())
        .and_then(|o| dict(doc, o))
    {
        number_tree(doc, tree, &mut ranges, 0);
    }
    ranges.sort_by_key(|(start, _)| *start);
    (0..count)
        .map(|i| {
            ranges
                .iter()
                .rev()
                .find(|(start, _)| *start <= i)
                .map(|(start, style)| style.label(i - start))
                .filter(|l| !l.is_empty())
                .unwrap_or_else(|| (i + 1).to_string())
        })
        .collect()
}

fn dict<'d>(doc: &'d Document, o: &'d Object) -> Option<&'d Dictionary> {
    doc.dereference(o).ok()?.1.as_dict().ok()
}

/// Collects the (first page index, style) entries of a number tree (`/Nums`, and `/Kids` to a
/// bounded depth, so a looping tree ends).
fn number_tree(doc: &Document, node: &Dictionary, out: &mut Vec<(usize, LabelStyle)>, depth: u8) {
    if depth > 16 {
        return;
    }
    if let Ok(nums) = node.get(b"Nums").and_then(Object::as_array) {
        for pair in nums.chunks(2) {
            let (Some(key), Some(value)) = (pair.first(), pair.get(1)) else {
                continue;
            };
            let start = key.as_i64().ok().and_then(|k| usize::try_from(k).ok());
            if let (Some(start), Some(d)) = (start, dict(doc, value)) {
                out.push((start, LabelStyle::from_dict(d)));
            }
        }
    }
    if let Ok(kids) = node.get(b"Kids").and_then(Object::as_array) {
        for kid in kids {
            if let Some(d) = dict(doc, kid) {
                number_tree(doc, d, out, depth + 1);
            }
        }
    }
}

/// One page-label range: a numbering style (`/S`), a prefix (`/P`) and a first number (`/St`).
struct LabelStyle {
    style: Option<u8>,
    prefix: String,
    start: usize,
}

impl LabelStyle {
    fn from_dict(d: &Dictionary) -> Self {
        let style = d
            .get(b"S")
            .and_then(Object::as_name)
            .ok()
            .and_then(|n| n.first().copied());
        let prefix = d
            .get(b"P")
            .and_then(Object::as_str)
            .map(|s| String::from_utf8_lossy(s).into_owned())
            .unwrap_or_default();
        let start = d
            .get(b"St")
            .and_then(Object::as_i64)
            .ok()
            .and_then(|s| usize::try_from(s).ok())
            .filter(|s| *s >= 1)
            .unwrap_or(1);
        LabelStyle {
            style,
            prefix,
            start,
        }
    }

    /// The label of the page `offset` pages into this range.
    fn label(&self, offset: usize) -> String {
        let n = self.start + offset;
        let number = match self.style {
            Some(b'D') => n.to_string(),
            Some(b'R') => roman(n).to_uppercase(),
            Some(b'r') => roman(n),
            Some(b'A') => letters(n).to_uppercase(),
            Some(b'a') => letters(n),
            _ => String::new(),
        };
        format!("{}{number}", self.prefix)
    }
}

/// Lowercase roman numerals (`4` → `iv`).
fn roman(mut n: usize) -> String {
    const DIGITS: [(usize, &str); 13] = [
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ];
    let mut out = String::new();
    for (value, digits) in DIGITS {
        while n >= value {
            out.push_str(digits);
            n -= value;
        }
    }
    out
}

/// PDF letter labels: a–z, then aa–zz, and so on (`27` → `aa`).
fn letters(n: usize) -> String {
    let letter = char::from(b'a' + u8::try_from((n - 1) % 26).unwrap_or(0));
    letter.to_string().repeat((n - 1) / 26 + 1)
}

/// Whether a source's front matter points at `path` with its `archive:` key, so that the quote
/// check reads the archive just written.
pub fn names_archive(source_md: &str, path: &str) -> bool {
    source_md.lines().any(|l| {
        l.strip_prefix("archive:").is_some_and(|v| {
            let v = v.split(" #").next().unwrap_or("").trim();
            v.trim_matches(|c| c == '"' || c == '\'') == path
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_told_by_bytes_then_name() {
        assert_eq!(kind_of("x.bin", b"%PDF-1.7\n"), Kind::Pdf);
        assert_eq!(kind_of("x.pdf", b"garbage"), Kind::Pdf);
        assert_eq!(kind_of("x", b"\n <!DOCTYPE html><p>a"), Kind::Html);
        assert_eq!(kind_of("x.HTM", b"<p>a"), Kind::Html);
        assert_eq!(kind_of("x.txt", b"plain <b>"), Kind::Text);
    }

    #[test]
    fn labels_follow_pdf_styles() {
        let style = |s: Option<u8>, prefix: &str, start| LabelStyle {
            style: s,
            prefix: prefix.into(),
            start,
        };
        assert_eq!(style(Some(b'D'), "", 63).label(2), "65");
        assert_eq!(style(Some(b'r'), "", 1).label(3), "iv");
        assert_eq!(style(Some(b'R'), "", 1).label(13), "XIV");
        assert_eq!(style(Some(b'A'), "A-", 1).label(0), "A-A");
        assert_eq!(letters(28), "bb");
        assert_eq!(style(None, "", 1).label(0), "");
    }

    #[test]
    fn html_keeps_text_and_drops_boilerplate() {
        let html = b"<html><head><style>p{}</style><script>var x = 1;</script></head><body>\
            <header>Site menu</header><nav><a href=/>Home</a></nav>\
            <article><header><h1>Title</h1></header><p>One &amp; <b>two</b>.</p><p>Three</p></article>\
            <div role=navigation>Skip</div><footer>Copyright</footer></body></html>";
        let text = html_text(html);
        assert_eq!(text, "Title\n\nOne & two.\n\nThree\n", "{text}");
    }

    #[test]
    fn archive_key_is_found() {
        assert!(names_archive(
            "---\narchive: archive/x.txt   # why\n---\n",
            "archive/x.txt"
        ));
        assert!(names_archive(
            "archive: \"archive/x.txt\"\n",
            "archive/x.txt"
        ));
        assert!(!names_archive("title: x\n", "archive/x.txt"));
    }
}
