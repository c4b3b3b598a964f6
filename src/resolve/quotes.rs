//! Quotes checked against their sources: every quote must be in its source's archived text, and
//! every figure in its quote.
//!
//! What may differ between a quote and the archive, and what may not (docs/reference.md, "Quotes"):
//! runs of white space, curly and straight quote marks and dash forms are folded; a word
//! hyphenated across a line break (text taken from a PDF) matches with or without its hyphen; an
//! elision (`[…]`, `[...]`, `…` or `...`) may stand for any words, each part being checked in
//! order; case and every other character must match. When the archive has page markers
//! (`[[page 12]]`) and the locator names pages (`p. 12`, `pp. 12–13`), the quote must start on
//! one of them. A quote not found gets the nearest archived passage in its help, with the words
//! that differ marked.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;
use std::sync::{Mutex, OnceLock};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::{xxh3_128, Xxh3};

use crate::diagnostic::{Code, Diagnostic};
use crate::layout::parse_page_marker;
use crate::model::SourceId;
use crate::parse::yaml::{position_of, Spanned};
use crate::parse::Parsed;

/// Folds the differences a quote may have from its archived text without changing its words:
/// runs of white space, curly and straight quotes, and dash forms.
pub fn normalise_quote(text: &str) -> String {
    let mut f = Folder::default();
    f.push_str(text);
    f.out
}

/// Builds folded text a character at a time.
#[derive(Default)]
struct Folder {
    out: String,
    space: bool,
}

impl Folder {
    fn push_str(&mut self, text: &str) {
        text.chars().for_each(|c| self.push(c));
    }

    fn push(&mut self, c: char) {
        let c = match c {
            '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '`' => '\'',
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' => '"',
            '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}'
            | '\u{2212}' => '-',
            '\u{00A0}' => ' ',
            c => c,
        };
        if c.is_whitespace() {
            self.space = true;
        } else {
            if self.space && !self.out.is_empty() {
                self.out.push(' ');
            }
            self.space = false;
            self.out.push(c);
        }
    }
}

/// One archived text, folded: its page starts, and a second reading when a word is hyphenated
/// across a line break.
pub(crate) struct Archived<'p> {
    path: &'p str,
    /// Hyphens at line breaks dropped ("individ-\nual" reads "individual").
    joined: Folded,
    /// Hyphens at line breaks kept ("self-\ndirected" reads "self-directed"), when there are any.
    hyphened: Option<Folded>,
    /// Words of `joined` by loose form, for the nearest passage; made the first time a quote is
    /// not found.
    index: OnceLock<WordIndex>,
}

struct Folded {
    text: String,
    /// Byte offset where each page starts, with its label.
    pages: Vec<(usize, String)>,
}

impl<'p> Archived<'p> {
    fn new(path: &'p str, raw: &str) -> Self {
        let (joined, breaks) = fold_archive(raw, false);
        Archived {
            path,
            joined,
            hyphened: (breaks > 0).then(|| fold_archive(raw, true).0),
            index: OnceLock::new(),
        }
    }
}

/// Folds an archive, taking page marker lines out: the folded text, and how many words were
/// hyphenated across a line break.
fn fold_archive(raw: &str, keep_hyphens: bool) -> (Folded, usize) {
    let mut f = Folder::default();
    let mut pages = Vec::new();
    let mut breaks = 0;
    let mut glue = false;
    let mut lines = raw.lines().peekable();
    while let Some(line) = lines.next() {
        if let Some(label) = parse_page_marker(line) {
            f.space = true;
            pages.push((
                f.out.len() + usize::from(!f.out.is_empty()),
                label.to_string(),
            ));
            continue;
        }
        let next_starts_word = lines
            .peek()
            .and_then(|n| n.trim_start().chars().next())
            .is_some_and(char::is_alphabetic);
        let trimmed = line.trim_end();
        let split = trimmed
            .strip_suffix('-')
            .filter(|w| w.chars().next_back().is_some_and(char::is_alphabetic) && next_starts_word);
        // A line that continues a hyphenated word starts without a space.
        let line = if glue { line.trim_start() } else { line };
        glue = split.is_some();
        match split {
            Some(_) => {
                breaks += 1;
                let head = line.trim_end().strip_suffix('-').unwrap_or(line);
                f.push_str(head);
                if keep_hyphens {
                    f.out.push('-');
                }
            }
            None => {
                f.push_str(line);
                f.push('\n');
            }
        }
    }
    let text = f.out;
    (Folded { text, pages }, breaks)
}

/// Whether `quote` is in `text` by the quote check's own rules (folded white space, quote marks
/// and dashes, hyphens at line breaks, elisions; pages are not looked at). `evident check
/// --external` uses it to tell which archived quotes a live page no longer has.
pub fn quote_in_text(text: &str, quote: &str) -> bool {
    let a = Archived::new("", text);
    let quote = normalise_quote(quote);
    let parts = parts(&quote);
    !parts.is_empty()
        && std::iter::once(&a.joined)
            .chain(&a.hyphened)
            .any(|r| find_parts(&r.text, &parts).is_some())
}

/// A quote, the figure it must print and the locator that says where it is.
pub(crate) struct Quoted<'a> {
    pub quote: &'a Spanned<String>,
    pub figure: Option<&'a Spanned<String>>,
    pub locator: &'a str,
}

/// Checks a quote (and that its figure is in it) against its source's archived text, reporting
/// what does not hold. A check the memo knows passed before, on the same inputs, is not made again.
pub(crate) fn check_quote(
    file: &Path,
    q: &Quoted,
    source: &SourceId,
    archives: &Archives,
    diags: &mut Vec<Diagnostic>,
) {
    let archive = archives.by_source.get(source.as_str());
    let key = || check_key(q, source, archive);
    CheckMemo::check(archives.memo, key, diags, |diags| {
        check_afresh(file, q, source, archive, diags);
    });
}

/// What a quote check reads, fingerprinted: the source, the quote, its figure and locator, and
/// the archive's path and text (or that there is none, or that it could not be read).
fn check_key(q: &Quoted, source: &SourceId, archive: Option<&Archive>) -> u128 {
    let (figure, text) = match q.figure {
        Some(f) => ("figure", f.value.as_str()),
        None => ("no figure", ""),
    };
    let print;
    let archive: [&[u8]; 2] = match archive {
        None => [b"no source", b""],
        Some(Archive::Missing) => [b"missing", b""],
        Some(Archive::Unreadable) => [b"unreadable", b""],
        Some(Archive::Text(t)) => {
            print = t.print.to_le_bytes();
            [t.path.as_bytes(), &print]
        }
    };
    fingerprint(&[
        b"quote",
        source.as_str().as_bytes(),
        q.quote.value.as_bytes(),
        figure.as_bytes(),
        text.as_bytes(),
        q.locator.as_bytes(),
        archive[0],
        archive[1],
    ])
}

/// A fingerprint of a list of byte strings (each with its length, so that no two lists run
/// together).
pub(crate) fn fingerprint(parts: &[&[u8]]) -> u128 {
    let mut print = Fingerprint::default();
    parts.iter().for_each(|part| print.part(part));
    print.finish()
}

/// [`fingerprint`] made a part at a time.
#[derive(Default)]
pub(crate) struct Fingerprint(Xxh3);

impl Fingerprint {
    pub fn part(&mut self, part: &[u8]) {
        self.0.update(&(part.len() as u64).to_le_bytes());
        self.0.update(part);
    }

    pub fn finish(&self) -> u128 {
        self.0.digest128()
    }
}

fn check_afresh(
    file: &Path,
    q: &Quoted,
    source: &SourceId,
    archive: Option<&Archive>,
    diags: &mut Vec<Diagnostic>,
) {
    let quote = normalise_quote(&q.quote.value);
    let at = |d: Diagnostic| d.at_opt(file, position_of(q.quote));
    if quote.is_empty() {
        diags.push(at(Diagnostic::error(
            Code::EmptyQuote,
            "the quote is empty",
        )
        .help("copy a short verbatim passage from the source")));
        return;
    }
    if let Some(fig) = q.figure {
        if !quote.contains(&normalise_quote(&fig.value)) || fig.value.trim().is_empty() {
            diags.push(
                Diagnostic::error(
                    Code::FigureNotInQuote,
                    format!("the figure `{}` does not appear in the quote", fig.value),
                )
                .at_opt(file, position_of(fig))
                .help("write the figure exactly as the quote prints it, or quote the passage that contains it"),
            );
        }
    }
    match archive {
        // The source's own file failed to parse, or its archive could not be read: reported there.
        None | Some(Archive::Unreadable) => {}
        Some(Archive::Missing) => diags.push(at(Diagnostic::warning(
            Code::UncheckedQuote,
            format!("source `{source}` has no archived text, so this quote cannot be checked"),
        )
        .help("archive the source's text under archive/ (`evident archive add`) and set `archive:` on the source"))),
        Some(Archive::Text(a)) => {
            if let Err(d) = find_in(a.folded(), &quote, q.locator, source) {
                diags.push(at(d));
            }
        }
    }
}

/// Finds `quote` in the archive (on the pages its locator names, if the archive has pages).
fn find_in(a: &Archived, quote: &str, locator: &str, source: &SourceId) -> Result<(), Diagnostic> {
    let parts = parts(quote);
    let readings = std::iter::once(&a.joined).chain(&a.hyphened);
    let found = readings
        .filter_map(|r| find_parts(&r.text, &parts).map(|start| (r, start)))
        .next();
    let Some((reading, start)) = found else {
        return Err(not_found(a, &parts, source));
    };
    let wanted = locator_pages(locator);
    let Some(page) = page_at(&reading.pages, start) else {
        return Ok(());
    };
    if wanted.is_empty() || wanted.iter().any(|w| w.contains(page)) {
        return Ok(());
    }
    Err(Diagnostic::error(
        Code::QuoteNotOnPage,
        format!("the quote is on page {page} of the archived text ({}), but the locator says `{locator}`", a.path),
    )
    .help("fix the locator (or the page markers of the archive), so that readers find the quote where it says"))
}

/// The parts of a quote between elisions (`[…]`, `[...]`, `…`, `...`), each trimmed.
fn parts(quote: &str) -> Vec<&str> {
    let mut parts = vec![quote];
    for mark in ["[…]", "[...]", "…", "..."] {
        parts = parts.iter().flat_map(|p| p.split(mark)).collect();
    }
    parts
        .into_iter()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect()
}

/// Where the first part starts, when every part is found in order.
fn find_parts(text: &str, parts: &[&str]) -> Option<usize> {
    let mut from = 0;
    let mut first = None;
    for p in parts {
        let at = from + text[from..].find(p)?;
        first.get_or_insert(at);
        from = at + p.len();
    }
    first
}

/// The label of the page that holds byte `at`, when the text has page markers.
fn page_at(pages: &[(usize, String)], at: usize) -> Option<&str> {
    if pages.is_empty() {
        return None;
    }
    let i = pages.partition_point(|(start, _)| *start <= at);
    // Text before the first marker belongs to no page; say so by its first page's label.
    Some(pages[i.saturating_sub(1)].1.as_str())
}

/// Pages a locator names: `p. 12`, `pp. 12–13`, `pages 12, 14`, `page iv`.
#[derive(Debug, PartialEq)]
enum Pages {
    One(String),
    Range(u64, u64),
}

impl Pages {
    fn contains(&self, label: &str) -> bool {
        match self {
            Pages::One(l) => l.eq_ignore_ascii_case(label),
            Pages::Range(a, b) => label.parse::<u64>().is_ok_and(|n| (*a..=*b).contains(&n)),
        }
    }
}

fn locator_pages(locator: &str) -> Vec<Pages> {
    let lower = locator.to_lowercase();
    let starts = ["pages ", "page ", "pp. ", "pp.", "p. ", "p.", "pp ", "p "];
    let Some((at, len)) = starts
        .iter()
        .filter_map(|s| {
            let i = lower.find(s)?;
            let word_start = i == 0 || !lower[..i].ends_with(char::is_alphanumeric);
            word_start.then_some((i, s.len()))
        })
        .min()
    else {
        return Vec::new();
    };
    let rest = &lower[at + len..];
    let list: String = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || matches!(c, ',' | ' ' | '-' | '–' | '—'))
        .collect();
    list.split(',')
        .map(str::trim)
        // A list of pages ends at the first item that is not one ("table 3").
        .take_while(|item| !item.contains(' ') && !item.is_empty())
        .filter_map(|item| {
            let mut ends = item.split(['-', '–', '—']).map(str::trim);
            let (a, b) = (ends.next()?, ends.next());
            match (a.parse::<u64>(), b.map(str::parse::<u64>)) {
                (Ok(a), Some(Ok(b))) if b >= a => Some(Pages::Range(a, b)),
                _ if !a.is_empty() => Some(Pages::One(a.split(' ').next()?.to_string())),
                _ => None,
            }
        })
        .collect()
}

/// The error for a quote (or a part of one) not found, with the nearest archived passage.
fn not_found(a: &Archived, parts: &[&str], source: &SourceId) -> Diagnostic {
    // The first part not found in order is the one to show.
    let mut from = 0;
    let missing = parts
        .iter()
        .position(|p| match a.joined.text[from..].find(p) {
            Some(i) => {
                from += i + p.len();
                false
            }
            None => true,
        })
        .unwrap_or(0);
    let which = if parts.len() > 1 {
        format!("part {} of the quote (between its elisions)", missing + 1)
    } else {
        "the quote".to_string()
    };
    let rules = "copy the words exactly as the source prints them: case matters; white space, quote marks, dash forms and a hyphen at a line break may differ; mark words left out with […]";
    let help = match nearest_passage(a, parts[missing]) {
        Some(near) => {
            format!("the nearest archived passage is “{near}” (the words in « » differ); {rules}")
        }
        None => rules.to_string(),
    };
    Diagnostic::error(
        Code::QuoteNotInSource,
        format!(
            "{which} is not in the archived text of `{source}` ({})",
            a.path
        ),
    )
    .help(help)
}

/// Each word of the archive (by loose form: lower case, without punctuation) and where it is.
struct WordIndex {
    /// The words with their exact form.
    words: Vec<(String, String)>,
    at: HashMap<String, Vec<usize>>,
}

fn loose(word: &str) -> String {
    word.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

fn word_index(text: &str) -> WordIndex {
    let words: Vec<(String, String)> = text.split(' ').map(|w| (loose(w), w.to_string())).collect();
    let mut at: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, (l, _)) in words.iter().enumerate() {
        if !l.is_empty() {
            at.entry(l.clone()).or_default().push(i);
        }
    }
    WordIndex { words, at }
}

/// The archived passage most like `part`, with the words that differ from it marked « ».
fn nearest_passage(a: &Archived, part: &str) -> Option<String> {
    let index = a.index.get_or_init(|| word_index(&a.joined.text));
    let quote: Vec<(String, &str)> = part.split(' ').map(|w| (loose(w), w)).collect();
    // Windows start where a quote word is found, the rarest words first, a few hundred at most.
    let mut anchors: Vec<(usize, &Vec<usize>)> = quote
        .iter()
        .enumerate()
        .filter(|(_, (l, _))| l.chars().count() >= 3)
        .filter_map(|(k, (l, _))| index.at.get(l).map(|v| (k, v)))
        .collect();
    anchors.sort_by_key(|(_, v)| v.len());
    let mut starts: Vec<usize> = anchors
        .iter()
        .flat_map(|(k, v)| v.iter().map(move |p| p.saturating_sub(*k)))
        .take(400)
        .collect();
    starts.sort_unstable();
    starts.dedup();
    let span = quote.len() + 3;
    let best = starts
        .iter()
        .map(|&s| {
            let window = &index.words[s..(s + span).min(index.words.len())];
            (lcs(&quote, window).len(), s)
        })
        .max_by_key(|&(score, s)| (score, std::cmp::Reverse(s)))?;
    if best.0 * 2 < quote.len() {
        return None;
    }
    let window = &index.words[best.1..(best.1 + span).min(index.words.len())];
    let pairs = lcs(&quote, window);
    // The passage covers the whole quote: its words before the first match and after the last
    // stand against the archive's words there.
    let (lead, trail) = (pairs.first()?.0, quote.len() - 1 - pairs.last()?.0);
    let first = pairs.first()?.1.saturating_sub(lead);
    let last = (pairs.last()?.1 + trail).min(window.len() - 1);
    let marked: Vec<String> = (first..=last)
        .map(|j| {
            // A quote may start or end inside the punctuation around a word.
            let same = pairs.iter().any(|&(i, jj)| {
                let edge = i == 0 || i + 1 == quote.len();
                jj == j && (quote[i].1 == window[j].1 || (edge && window[j].1.contains(quote[i].1)))
            });
            if same {
                window[j].1.clone()
            } else {
                format!("«{}»", window[j].1)
            }
        })
        .collect();
    Some(marked.join(" "))
}

/// The longest common subsequence of loose words: pairs (quote index, window index).
fn lcs(quote: &[(String, &str)], window: &[(String, String)]) -> Vec<(usize, usize)> {
    let (n, m) = (quote.len(), window.len());
    let mut t = vec![vec![0u16; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            t[i][j] = if !quote[i].0.is_empty() && quote[i].0 == window[j].0 {
                t[i + 1][j + 1] + 1
            } else {
                t[i + 1][j].max(t[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut pairs) = (0, 0, Vec::new());
    while i < n && j < m {
        if !quote[i].0.is_empty() && quote[i].0 == window[j].0 {
            pairs.push((i, j));
            i += 1;
            j += 1;
        } else if t[i + 1][j] >= t[i][j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    pairs
}

/// A source's archive as the quote check sees it.
enum Archive<'p> {
    Text(Unfolded<'p>),
    /// The source names no archive (or one that is not there: reported on the source).
    Missing,
    /// The archive exists but could not be read (reported by the load stage).
    Unreadable,
}

/// An archived text, with the fingerprint of its text, folded the first time a quote is
/// checked against it: when every quote from a source is known to pass, it never is.
struct Unfolded<'p> {
    path: &'p str,
    raw: &'p str,
    print: u128,
    folded: OnceLock<Box<Archived<'p>>>,
}

impl<'p> Unfolded<'p> {
    fn new(path: &'p str, raw: &'p str) -> Self {
        Unfolded {
            path,
            raw,
            print: xxh3_128(raw.as_bytes()),
            folded: OnceLock::new(),
        }
    }

    fn folded(&self) -> &Archived<'p> {
        self.folded
            .get_or_init(|| Box::new(Archived::new(self.path, self.raw)))
    }
}

/// Each source's archived text, folded once, so checking many quotes against one source costs
/// one pass over its text, not one per quote; and the quote checks that passed before.
pub(crate) struct Archives<'p> {
    by_source: HashMap<&'p str, Archive<'p>>,
    memo: Option<&'p CheckMemo>,
}

impl<'p> Archives<'p> {
    pub fn new(parsed: &'p Parsed, memo: Option<&'p CheckMemo>) -> Self {
        let by_source = parsed
            .sources
            .par_iter()
            .map(|s| {
                let archive = match s.meta.archive.as_ref() {
                    None => Archive::Missing,
                    Some(a) => match parsed.archives.get(Path::new(&a.value)) {
                        Some(t) => Archive::Text(Unfolded::new(&a.value, t)),
                        None if parsed.unreadable.contains(Path::new(&a.value)) => {
                            Archive::Unreadable
                        }
                        None => Archive::Missing,
                    },
                };
                (s.stem.as_str(), archive)
            })
            .collect();
        Archives { by_source, memo }
    }

    /// The memo of checks that passed before, if this run has one.
    pub fn memo(&self) -> Option<&'p CheckMemo> {
        self.memo
    }

    /// A fingerprint of every source's archive as a quote check reads it: its path and text, or
    /// that the source names none or that it could not be read.
    pub fn print(&self) -> u128 {
        let mut sources: Vec<_> = self.by_source.iter().collect();
        sources.sort_unstable_by_key(|(id, _)| **id);
        let mut all = Fingerprint::default();
        for (id, archive) in sources {
            let (state, path, print): (&[u8], &str, u128) = match archive {
                Archive::Missing => (b"missing", "", 0),
                Archive::Unreadable => (b"unreadable", "", 0),
                Archive::Text(t) => (b"text", t.path, t.print),
            };
            for part in [id.as_bytes(), state, path.as_bytes(), &print.to_le_bytes()] {
                all.part(part);
            }
        }
        all.finish()
    }
}

/// The checks of quotes and figures that passed, each known by a fingerprint of everything it
/// reads ([`check_key`]). A build keeps the last build's in its cache: a check that passed then,
/// on the same inputs, passes now without being made, and an archive no check needs is never
/// folded. A check that reported anything is made again every time. `serve` keeps one for its
/// runs.
#[derive(Default)]
pub struct CheckMemo {
    before: HashSet<u128>,
    now: Mutex<BTreeSet<u128>>,
}

/// [`CheckMemo`] as the build cache keeps it, in bincode: the build of evident that wrote it
/// (another's is ignored), and the checks that passed.
#[derive(Serialize, Deserialize)]
struct StoredChecks {
    build: String,
    passed: Vec<u128>,
}

impl CheckMemo {
    /// The memo the build cache's file `bytes` holds, if the same build of evident wrote it.
    pub fn stored(bytes: Option<&[u8]>, build: &str) -> CheckMemo {
        let before = bytes
            .and_then(|b| bincode::deserialize::<StoredChecks>(b).ok())
            .filter(|f| f.build == build)
            .map(|f| f.passed)
            .unwrap_or_default();
        CheckMemo {
            before: before.into_iter().collect(),
            now: Mutex::default(),
        }
    }

    /// The checks that passed in this run, for the build cache: `None` when they are the ones it
    /// holds.
    pub fn stored_bytes(&self, build: &str) -> Option<Vec<u8>> {
        let now = self.now.lock().unwrap_or_else(|p| p.into_inner());
        if now.len() == self.before.len() && now.iter().all(|k| self.before.contains(k)) {
            return None;
        }
        let file = StoredChecks {
            build: build.to_string(),
            passed: now.iter().copied().collect(),
        };
        bincode::serialize(&file).ok()
    }

    /// Adds the checks that passed in this run to those known for the next (`serve`: a check's
    /// fingerprint covers all it reads, so one that passed once always does).
    pub fn settle(&mut self) {
        let now = std::mem::take(self.now.get_mut().unwrap_or_else(|p| p.into_inner()));
        self.before.extend(now);
    }

    /// Makes `check` (which reports into `diags`) unless `memo` knows one with the fingerprint
    /// `key` passed; remembers it as passed when it reports nothing.
    pub(crate) fn check(
        memo: Option<&CheckMemo>,
        key: impl FnOnce() -> u128,
        diags: &mut Vec<Diagnostic>,
        check: impl FnOnce(&mut Vec<Diagnostic>),
    ) {
        let Some(memo) = memo else {
            return check(diags);
        };
        let key = key();
        if !memo.before.contains(&key) {
            let reported = diags.len();
            check(diags);
            if diags.len() > reported {
                return;
            }
        }
        (memo.now.lock().unwrap_or_else(|p| p.into_inner())).insert(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_check_that_passed_is_not_made_again_and_one_that_failed_is() {
        let fail = |d: &mut Vec<Diagnostic>| d.push(Diagnostic::error(Code::EmptyQuote, "x"));
        let first = CheckMemo::stored(None, "build 1");
        CheckMemo::check(Some(&first), || 1, &mut Vec::new(), |_| {});
        CheckMemo::check(Some(&first), || 2, &mut Vec::new(), fail);
        let stored = first
            .stored_bytes("build 1")
            .expect("a new memo is written");
        // How many checks `memo` makes of the passing check 1 and the check 2, which passes now.
        let made = |memo: &CheckMemo| {
            let mut made = 0;
            CheckMemo::check(Some(memo), || 1, &mut Vec::new(), |_| made += 1);
            CheckMemo::check(Some(memo), || 2, &mut Vec::new(), |_| made += 10);
            made
        };
        let second = CheckMemo::stored(Some(&stored), "build 1");
        assert_eq!(
            made(&second),
            10,
            "only the check that failed is made again"
        );
        let stored = second
            .stored_bytes("build 1")
            .expect("check 2 passed since");
        let third = CheckMemo::stored(Some(&stored), "build 1");
        assert_eq!(made(&third), 0);
        assert_eq!(third.stored_bytes("build 1"), None, "nothing changed");
        let other = CheckMemo::stored(Some(&stored), "build 2");
        assert_eq!(made(&other), 11, "another build's memo is ignored");
        let mut diags = Vec::new();
        CheckMemo::check(None, || 1, &mut diags, fail);
        assert_eq!(diags.len(), 1, "no memo: the check is made");
    }

    #[test]
    fn quotes_normalise() {
        assert_eq!(
            normalise_quote("  it’s “fine” –\n ok "),
            normalise_quote("it's \"fine\" - ok")
        );
    }

    fn archived(text: &str) -> Archived<'static> {
        Archived::new("archive/x.txt", text)
    }

    fn check(a: &Archived, quote: &str, locator: &str) -> Result<(), Diagnostic> {
        find_in(a, &normalise_quote(quote), locator, &SourceId("x".into()))
    }

    #[test]
    fn elisions_match_each_part_in_order() {
        let a = archived("Two-thirds said control improved. Later, one in five said it did not.\n");
        assert!(check(&a, "Two-thirds said […] one in five said", "").is_ok());
        assert!(check(&a, "Two-thirds said ... it did not", "").is_ok());
        assert!(check(&a, "one in five said […] Two-thirds said", "").is_err());
    }

    #[test]
    fn a_word_hyphenated_at_a_line_break_matches_either_way() {
        let a = archived("the individ-\nual budget is self-\ndirected support\n");
        assert!(check(&a, "the individual budget", "").is_ok());
        assert!(check(&a, "is self-directed support", "").is_ok());
        assert!(
            check(&a, "The individual budget", "").is_err(),
            "case matters"
        );
    }

    #[test]
    fn a_quote_must_be_on_the_page_its_locator_names() {
        let a = archived("[[page 63]]\nFirst page text.\n[[page 64]]\nSecond page text here.\n");
        assert!(check(&a, "Second page text", "p. 64").is_ok());
        assert!(check(&a, "Second page text", "pp. 63–64").is_ok());
        assert!(
            check(&a, "First page text.", "table 2").is_ok(),
            "no pages named"
        );
        let e = check(&a, "Second page text", "p. 63").unwrap_err();
        assert_eq!(e.code, Code::QuoteNotOnPage);
        assert!(e.message.contains("page 64"), "{}", e.message);
    }

    #[test]
    fn a_quote_not_found_shows_the_nearest_passage_with_differences_marked() {
        let a = archived(
            "Almost three-quarters (72%) said council staff usually lead on support planning.\n",
        );
        let e = check(
            &a,
            "said council staff generally lead on support planning",
            "",
        )
        .unwrap_err();
        let help = e.help.clone().unwrap_or_default();
        assert!(
            help.contains("“said council staff «usually» lead on support planning.”"),
            "{help}"
        );
    }

    #[test]
    fn locators_name_pages() {
        assert_eq!(locator_pages("p. 12"), [Pages::One("12".into())]);
        assert_eq!(locator_pages("pp. 12–14, table 3"), [Pages::Range(12, 14)]);
        assert_eq!(locator_pages("para. 4"), []);
        assert_eq!(locator_pages("Table 1, p. iv"), [Pages::One("iv".into())]);
    }
}
