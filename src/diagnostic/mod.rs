//! Diagnostics as data: every problem a stage finds is a [`Diagnostic`], collected into a list and
//! printed once, sorted, at the end of a run.
//!
//! Locations are whole-file 1-based line and column (columns count characters), so a problem in
//! front matter or deep in a YAML file points at the same place an editor shows.
//!
//! The human format is hand-written rather than produced by codespan-reporting: the first line must
//! be `file:line:col: severity[code]: message` (greppable, and what editors and CI annotators parse),
//! which neither codespan-reporting nor annotate-snippets print; the snippet below it is twenty lines.

use std::cmp::Ordering;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

mod codes;

pub use codes::{Code, CodeDoc, CODES};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A 1-based line and column (in characters) within a file, with the length of the marked text.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct Position {
    pub line: u32,
    pub column: u32,
    /// Characters to underline; at least one is shown.
    pub len: u32,
}

impl Position {
    pub fn new(line: u32, column: u32) -> Self {
        Position {
            line,
            column,
            len: 1,
        }
    }

    pub fn with_len(mut self, len: usize) -> Self {
        self.len = u32::try_from(len).unwrap_or(u32::MAX).max(1);
        self
    }

    /// The position of byte `offset` in `text`.
    pub fn of_offset(text: &str, offset: usize) -> Self {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let before = &text[..offset];
        let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        Position::new(to_u32(line), to_u32(column))
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// One problem, with where it is and how to fix it: its [`Fields`], shared. A copy is a pointer
/// (`serve` hands a page's warnings on from run to run, 40,000 on a large site), and changing a
/// field of one copy leaves the others as they were.
#[derive(Clone, PartialEq, Eq)]
pub struct Diagnostic(Arc<Fields>);

/// What a [`Diagnostic`] says, read through it (`diagnostic.message`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fields {
    pub severity: Severity,
    /// What kind of problem it is; each code is documented in docs/diagnostics.md.
    pub code: Code,
    pub message: String,
    /// Path relative to the site root (or as the user gave it, for paths outside it).
    pub file: Option<PathBuf>,
    pub position: Option<Position>,
    /// Short text under the caret.
    pub label: Option<String>,
    pub help: Option<String>,
}

impl std::ops::Deref for Diagnostic {
    type Target = Fields;

    fn deref(&self) -> &Fields {
        &self.0
    }
}

impl std::ops::DerefMut for Diagnostic {
    /// The fields of this copy alone: copied first if another copy shares them.
    fn deref_mut(&mut self) -> &mut Fields {
        Arc::make_mut(&mut self.0)
    }
}

impl std::fmt::Debug for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl Diagnostic {
    pub fn error(code: Code, message: impl Into<String>) -> Self {
        Diagnostic(Arc::new(Fields {
            severity: Severity::Error,
            code,
            message: message.into(),
            file: None,
            position: None,
            label: None,
            help: None,
        }))
    }

    pub fn warning(code: Code, message: impl Into<String>) -> Self {
        let mut warning = Diagnostic::error(code, message);
        warning.severity = Severity::Warning;
        warning
    }

    pub fn in_file(mut self, file: impl Into<PathBuf>) -> Self {
        self.file = Some(file.into());
        self
    }

    pub fn at(mut self, file: impl Into<PathBuf>, position: Position) -> Self {
        self.file = Some(file.into());
        self.position = Some(position);
        self
    }

    pub fn at_opt(mut self, file: impl Into<PathBuf>, position: Option<Position>) -> Self {
        self.file = Some(file.into());
        self.position = position;
        self
    }

    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line:col` (or as much of it as is known).
    pub fn location(&self) -> String {
        match (&self.file, self.position) {
            (Some(f), Some(p)) => format!("{}:{}:{}", display_path(f), p.line, p.column),
            (Some(f), None) => display_path(f),
            (None, _) => String::new(),
        }
    }

    fn sort_key(
        &self,
    ) -> (
        Option<&PathBuf>,
        Option<Position>,
        Severity,
        &'static str,
        &str,
    ) {
        (
            self.file.as_ref(),
            self.position,
            self.severity,
            self.code.as_str(),
            &self.message,
        )
    }
}

impl PartialOrd for Diagnostic {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Diagnostic {
    fn cmp(&self, other: &Self) -> Ordering {
        self.sort_key().cmp(&other.sort_key())
    }
}

/// Paths print with forward slashes on every platform, so output and snapshots agree.
pub fn display_path(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

/// Sorts and removes exact repeats, so each problem prints once.
pub fn finish(mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diagnostics.sort();
    diagnostics.dedup();
    diagnostics
}

/// Looks up the text of a file for snippets. The build's loaded inputs implement it.
pub trait SourceText {
    fn text_of(&self, file: &Path) -> Option<std::borrow::Cow<'_, str>>;
}

/// Each of `diags` made into text by `render` (given a file's text through `texts`), handed to
/// `emit` in order. They are made on rayon's threads, a run of 64 at a time, and within a run a
/// file's text is looked up once for each stretch of its diagnostics (a plain page's is read from
/// disk for its snippet) and lent to each of them: on a site with tens of thousands of warnings,
/// reading or copying a page again for each of its warnings was most of the time printing them
/// took.
pub fn render_each(
    diags: &[Diagnostic],
    texts: &(dyn SourceText + Sync),
    render: impl Fn(&Diagnostic, &dyn SourceText) -> String + Sync,
    mut emit: impl FnMut(&str),
) {
    use rayon::prelude::*;
    let same_file = |a: &Diagnostic, b: &Diagnostic| {
        a.file.as_deref().map(Path::as_os_str) == b.file.as_deref().map(Path::as_os_str)
    };
    for batch in diags.chunks(4096) {
        let made: Vec<Vec<String>> = (batch.par_chunks(64))
            .map(|run| {
                (run.chunk_by(same_file))
                    .flat_map(|stretch| {
                        let texts = FileText::new(texts);
                        stretch
                            .iter()
                            .map(|d| render(d, &texts))
                            .collect::<Vec<_>>()
                    })
                    .collect()
            })
            .collect();
        made.iter().flatten().for_each(|text| emit(text));
    }
}

/// Texts looked up through `inner`: the first file asked for (a stretch's diagnostics are in one
/// file, however `render` shows its path) read once and lent after, any other read each time.
struct FileText<'a> {
    inner: &'a dyn SourceText,
    first: std::cell::OnceCell<(PathBuf, Option<std::borrow::Cow<'a, str>>)>,
}

impl<'a> FileText<'a> {
    fn new(inner: &'a dyn SourceText) -> Self {
        FileText {
            inner,
            first: std::cell::OnceCell::new(),
        }
    }
}

impl SourceText for FileText<'_> {
    fn text_of(&self, file: &Path) -> Option<std::borrow::Cow<'_, str>> {
        use std::borrow::Cow;
        let inner = self.inner;
        let (first, text) = (self.first).get_or_init(|| (file.to_path_buf(), inner.text_of(file)));
        if first.as_os_str() != file.as_os_str() {
            return inner.text_of(file);
        }
        text.as_deref().map(Cow::Borrowed)
    }
}

/// Renders one diagnostic in the human format:
///
/// ```text
/// data/findings.yaml:12:8: error[unknown-source]: no source has the id `x`
///    |
/// 12 |     source: x
///    |             ^ not defined
///    = help: ...
/// ```
pub fn render_human(d: &Diagnostic, sources: &dyn SourceText, color: bool) -> String {
    let (red, yellow, blue, bold, reset) = if color {
        ("\x1b[31m", "\x1b[33m", "\x1b[34m", "\x1b[1m", "\x1b[0m")
    } else {
        ("", "", "", "", "")
    };
    let sev_color = if d.is_error() { red } else { yellow };
    let mut out = String::new();
    let loc = d.location();
    if !loc.is_empty() {
        let _ = write!(out, "{bold}{loc}:{reset} ");
    }
    let _ = writeln!(
        out,
        "{bold}{sev_color}{}[{}]{reset}{bold}: {}{reset}",
        d.severity.as_str(),
        d.code,
        d.message
    );
    let file_text = match (&d.file, d.position) {
        (Some(f), Some(_)) => sources.text_of(f),
        _ => None,
    };
    let line_text = match (&file_text, d.position) {
        (Some(t), Some(p)) => t.lines().nth(p.line as usize - 1).map(|l| (l, p)),
        _ => None,
    };
    if let Some((text, p)) = line_text {
        let text = text.trim_end_matches('\r');
        let num = p.line.to_string();
        let pad = " ".repeat(num.len());
        let shown: String = text
            .chars()
            .map(|c| if c == '\t' { ' ' } else { c })
            .collect();
        let caret_pad = " ".repeat(p.column.saturating_sub(1) as usize);
        let width = (p.len as usize)
            .min(shown.chars().count().saturating_sub(p.column as usize - 1))
            .max(1);
        let _ = writeln!(out, "{blue}{pad} |{reset}");
        let _ = writeln!(out, "{blue}{num} |{reset} {shown}");
        let _ = write!(
            out,
            "{blue}{pad} |{reset} {caret_pad}{sev_color}{}",
            "^".repeat(width)
        );
        if let Some(label) = &d.label {
            let _ = write!(out, " {label}");
        }
        let _ = writeln!(out, "{reset}");
        if d.help.is_some() {
            let _ = writeln!(out, "{blue}{pad} |{reset}");
        }
        if let Some(help) = &d.help {
            let _ = writeln!(out, "{blue}{pad} ={reset} {bold}help:{reset} {help}");
        }
    } else if let Some(help) = &d.help {
        let _ = writeln!(out, "  {bold}help:{reset} {help}");
    }
    out
}

/// One JSON object per diagnostic, for `check --format json`.
pub fn render_json(d: &Diagnostic) -> serde_json::Value {
    serde_json::json!({
        "file": d.file.as_deref().map(display_path),
        "line": d.position.map(|p| p.line),
        "column": d.position.map(|p| p.column),
        "severity": d.severity.as_str(),
        "code": d.code.as_str(),
        "message": d.message,
        "help": d.help,
    })
}

/// A GitHub Actions workflow command, for `check --format github`.
pub fn render_github(d: &Diagnostic) -> String {
    let kind = if d.is_error() { "error" } else { "warning" };
    let mut props = Vec::new();
    if let Some(f) = &d.file {
        props.push(format!("file={}", escape_gh_property(&display_path(f))));
    }
    if let Some(p) = d.position {
        props.push(format!("line={}", p.line));
        props.push(format!("col={}", p.column));
    }
    props.push(format!("title={}", escape_gh_property(d.code.as_str())));
    let mut msg = d.message.clone();
    if let Some(h) = &d.help {
        msg.push_str("\nhelp: ");
        msg.push_str(h);
    }
    format!("::{kind} {}::{}", props.join(","), escape_gh_data(&msg))
}

fn escape_gh_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_gh_property(s: &str) -> String {
    escape_gh_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offset_to_position_counts_characters() {
        let text = "ab\ncé\u{1F600}x\n";
        let off = text.find('x').unwrap();
        assert_eq!(Position::of_offset(text, off), Position::new(2, 4));
        assert_eq!(Position::of_offset(text, 0), Position::new(1, 1));
    }

    #[test]
    fn github_format_escapes() {
        let d = Diagnostic::error(Code::IoError, "a\nb").at("x:y.md", Position::new(3, 4));
        assert_eq!(
            render_github(&d),
            "::error file=x%3Ay.md,line=3,col=4,title=io-error::a%0Ab"
        );
    }

    /// A copy shares the fields until one of the two is changed; then only that one changes.
    #[test]
    fn a_copy_is_shared_and_changing_it_changes_it_alone() {
        let first = Diagnostic::warning(Code::FigureInProse, "5%").in_file("a.md");
        let mut copy = first.clone();
        assert!(std::ptr::eq(&*first, &*copy));
        copy.severity = Severity::Error;
        copy.file = Some("b.md".into());
        assert_eq!(
            (first.severity, first.file.as_deref()),
            (Severity::Warning, Some(Path::new("a.md")))
        );
        assert_eq!(
            (copy.severity, copy.file.as_deref()),
            (Severity::Error, Some(Path::new("b.md")))
        );
        assert_eq!(
            (first.message.as_str(), copy.message.as_str()),
            ("5%", "5%")
        );
    }

    /// Texts read from "disk" (owned), counted.
    struct Disk(std::sync::atomic::AtomicUsize);

    impl SourceText for Disk {
        fn text_of(&self, file: &Path) -> Option<std::borrow::Cow<'_, str>> {
            self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let lines = (1..=200).map(|n| format!("{} line {n}\n", file.display()));
            Some(std::borrow::Cow::Owned(lines.collect()))
        }
    }

    /// Diagnostics are made in parallel runs and handed over in order, each with its own file's
    /// line; a run reads each file once.
    #[test]
    fn render_each_keeps_the_order_and_reads_a_file_once_a_run() {
        let diags: Vec<Diagnostic> = (0..130)
            .map(|n| {
                let file = if n < 65 { "a.md" } else { "b.md" };
                Diagnostic::warning(Code::FigureInProse, format!("number {n}"))
                    .at(file, Position::new(n + 1, 1))
            })
            .collect();
        let disk = Disk(Default::default());
        let mut made = Vec::new();
        let render = |d: &Diagnostic, texts: &dyn SourceText| render_human(d, texts, false);
        render_each(&diags, &disk, render, |text| made.push(text.to_string()));
        let one_by_one: Vec<String> = (diags.iter())
            .map(|d| render_human(d, &Disk(Default::default()), false))
            .collect();
        assert_eq!(made, one_by_one);
        assert!(made[70].contains("b.md line 71"), "{}", made[70]);
        // Runs of 64: the first in a.md, the second in both, the third in b.md.
        assert_eq!(disk.0.load(std::sync::atomic::Ordering::SeqCst), 4);
        // The same when `render` shows each path under a folder, as the CLI does with `--root`.
        let disk = Disk(Default::default());
        let rooted = |d: &Diagnostic, texts: &dyn SourceText| {
            let mut d = d.clone();
            d.file = d.file.as_ref().map(|f| Path::new("site").join(f));
            render_human(&d, texts, false)
        };
        let mut shown = Vec::new();
        render_each(&diags, &disk, rooted, |text| shown.push(text.to_string()));
        assert!(shown[70].contains("site/b.md line 71"), "{}", shown[70]);
        assert_eq!(disk.0.load(std::sync::atomic::Ordering::SeqCst), 4);
    }
}
