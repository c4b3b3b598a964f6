//! Every schema mistake in a YAML text in one run. serde stops at the first mistake, so after each
//! one the text is repaired just enough for the parser to go on, and parsed again: an unknown or
//! repeated key is taken out; a value of the wrong type is taken out with its key (and the
//! "missing key" that follows is not reported); a missing key is put in with a stand-in value
//! (text, a list, a number, a mapping or the first allowed word, whichever the parser takes);
//! a tab that indents a line becomes spaces. Only mistakes on the maintainer's own lines are
//! reported, each at its own line and column; nothing the repairs made up is ever reported or
//! returned, as the parse then fails with every mistake found.
//!
//! The messages are said in a maintainer's words ("unknown key `perod`: did you mean `period`?"),
//! not the parser's.

use crate::diagnostic::{Code, Position};

/// A repair stops after this many rounds: more mistakes than this in one file are reported on
/// the next run.
pub(crate) const MAX_ROUNDS: usize = 64;

/// Stand-in values for a missing key, tried in turn until the parser takes one (text that is not
/// blank, which required text must not be).
const STAND_INS: [&str; 5] = ["\"x\"", "[]", "0", "false", MAPPING_STAND_IN];

/// The stand-in that is a mapping: a key missing inside it is filled in, not reported.
const MAPPING_STAND_IN: &str = "{}";

/// One mistake, in the words shown to the maintainer; the position is in the original text.
#[derive(Debug)]
pub(crate) struct Mistake {
    pub code: Code,
    pub message: String,
    pub help: String,
    pub position: Position,
}

/// The text being repaired: its lines, each with the line of the original it came from (none for
/// a line the repairs added).
pub(crate) struct Draft {
    lines: Vec<Line>,
    /// Keys taken out with a value of the wrong type: the "missing key" that may follow is a
    /// consequence, not a mistake.
    taken_out: Vec<String>,
    /// Stand-ins put in, by line and key, with which of [`STAND_INS`] each holds.
    stand_ins: Vec<StandIn>,
}

struct Line {
    text: String,
    origin: Option<u32>,
}

struct StandIn {
    line: usize,
    key: String,
    tried: usize,
}

/// What a parser error is, read from its message.
enum Kind {
    UnknownKey(String),
    DuplicateKey(String),
    MissingKey(String),
    UnknownVariant(String, Vec<String>),
    WrongType(String),
    /// Text that must be written is blank (`raw.rs`'s `text`).
    Blank,
    Tab,
    Syntax,
}

impl Draft {
    /// `yaml` starts at line `first_line` of its file: blank lines before it keep every line
    /// number the parser reports whole-file.
    pub(crate) fn new(yaml: &str, first_line: u32) -> Self {
        let pad = (1..first_line).map(|_| "");
        let lines = pad
            .chain(yaml.lines())
            .enumerate()
            .map(|(i, l)| Line {
                text: l.to_string(),
                origin: u32::try_from(i + 1).ok(),
            })
            .collect();
        Draft {
            lines,
            taken_out: Vec::new(),
            stand_ins: Vec::new(),
        }
    }

    /// The first line (1-based) that is no longer where it was in the original, `None` when
    /// every line is: a line put in (a missing key's stand-in) moves every line after it, and a
    /// line rewritten in place (a stand-in in a flow mapping) counts as moved too. Places in the
    /// repaired text before it are the original's.
    pub(crate) fn first_moved(&self) -> Option<u64> {
        (self.lines.iter().enumerate())
            .position(|(i, l)| l.origin != u32::try_from(i + 1).ok())
            .map(|i| i as u64 + 1)
    }

    pub(crate) fn text(&self) -> String {
        let mut out = String::new();
        for l in &self.lines {
            out.push_str(&l.text);
            out.push('\n');
        }
        out
    }

    /// Takes in a parser error at `line`:`column` (1-based, in the current text): the mistake to
    /// report, if it is one, and whether the text was repaired so that parsing may go on.
    pub(crate) fn take(
        &mut self,
        message: &str,
        line: u64,
        column: u64,
    ) -> (Option<Mistake>, bool) {
        let kind = kind_of(message);
        let Some(i) = usize::try_from(line).ok().and_then(|l| l.checked_sub(1)) else {
            return (None, false);
        };
        if i >= self.lines.len() {
            return (None, false);
        }
        let col = usize::try_from(column.max(1) - 1).unwrap_or(0);
        if let Some(s) = self.stand_ins.iter().position(|s| s.line == i) {
            // A key missing beside a stand-in that is not a mapping is missing from the mapping
            // the stand-in was put in: another mistake, reported in the same run.
            let scalar = STAND_INS.get(self.stand_ins[s].tried) != Some(&MAPPING_STAND_IN);
            if let (Kind::MissingKey(key), true) = (&kind, scalar) {
                return self.missing(i, col, key);
            }
            return (None, self.retry_stand_in(s, &kind));
        }
        match kind {
            Kind::UnknownKey(key) => {
                // A misspelt required key is also missing: that follows from this mistake.
                if let Some(near) = nearest(&key, &expected(message)) {
                    self.taken_out.push(near.to_string());
                }
                let m = unknown_key(&key, message, self.position(i, col, key.len()));
                (Some(m), self.take_out(i, col))
            }
            Kind::DuplicateKey(key) => {
                let m = Mistake {
                    code: Code::DuplicateKey,
                    message: format!("the key `{key}` appears twice in this mapping"),
                    help: "keep one of them: a key may appear once in a mapping".into(),
                    position: self.position(i, col, key.len()),
                };
                (Some(m), self.take_out(i, col))
            }
            Kind::MissingKey(key) => self.missing(i, col, &key),
            Kind::UnknownVariant(value, allowed) => {
                let m = unknown_value(&value, &allowed, self.position(i, col, value.len()));
                (Some(m), self.take_out_value(i, col))
            }
            Kind::WrongType(expected) => {
                let found = value_at(&self.lines[i].text, col);
                let m = wrong_type(&expected, &found, self.position(i, col, found.len()));
                (Some(m), self.take_out_value(i, col))
            }
            Kind::Blank => {
                let text = &self.lines[i].text;
                let key = byte_of(text, col).and_then(|at| key_before(text, at));
                let m = blank(
                    &key.map(|(k, _)| k).unwrap_or_default(),
                    self.position(i, col, 2),
                );
                (Some(m), self.take_out_value(i, col))
            }
            Kind::Tab => self.tab(i, col),
            Kind::Syntax => (None, false),
        }
    }

    /// The original position of column `col` (0-based) of current line `i`.
    fn position(&self, i: usize, col: usize, len: usize) -> Position {
        let line = self.lines[i].origin.unwrap_or(1);
        Position::new(line, u32::try_from(col + 1).unwrap_or(1)).with_len(len)
    }

    /// Takes out the entry whose key starts at `col` of line `i`: in a block mapping the line and
    /// the lines nested below it; in a flow mapping (`{a: 1, b: 2}`) the `key: value` part.
    fn take_out(&mut self, i: usize, col: usize) -> bool {
        let text = &self.lines[i].text;
        let Some(start) = byte_of(text, col) else {
            return false;
        };
        if in_flow(&text[..start]) {
            let end = flow_entry_end(text, start);
            let mut t = text.clone();
            t.replace_range(start..end, "");
            self.lines[i].text = t;
            return true;
        }
        let indent = indent_of(text).max(start);
        let mut j = i + 1;
        while j < self.lines.len() && nested(&self.lines[j].text, indent) {
            j += 1;
        }
        // A key after "- " starts a sequence item: keep the dash, so the item stays.
        let keep = text[..start].to_string();
        let dash = keep.trim_end().ends_with('-');
        self.lines[i].text = if dash {
            keep.trim_end().to_string()
        } else {
            String::new()
        };
        for l in &mut self.lines[i + 1..j] {
            l.text.clear();
        }
        true
    }

    /// Takes out the entry whose value starts at `col` of line `i`, remembering its key.
    fn take_out_value(&mut self, i: usize, col: usize) -> bool {
        let text = self.lines[i].text.clone();
        let Some(at) = byte_of(&text, col) else {
            return false;
        };
        let Some((key, key_at)) = key_before(&text, at) else {
            return false;
        };
        let key_col = text[..key_at].chars().count();
        self.taken_out.push(key);
        self.take_out(i, key_col)
    }

    /// A missing key: a consequence of a value taken out, a key indented wrongly, or a mistake.
    fn missing(&mut self, i: usize, col: usize, key: &str) -> (Option<Mistake>, bool) {
        if let Some(k) = self.taken_out.iter().position(|k| k == key) {
            self.taken_out.remove(k);
            return (None, self.put_in(i, col, key));
        }
        let indent = indent_of(&self.lines[i].text).max(col);
        if let Some((j, found)) = self.misindented(i, key, indent) {
            let m = Mistake {
                code: Code::InvalidYaml,
                message: format!(
                    "`{key}` is indented {found} spaces, but the other keys of its mapping {indent}"
                ),
                help: format!("indent `{key}:` by {indent} spaces, like the keys above it"),
                position: self.position(j, found, key.len()),
            };
            let rest = self.lines[j].text.trim_start().to_string();
            self.lines[j].text = format!("{}{rest}", " ".repeat(indent));
            return (Some(m), true);
        }
        let first = self.mapping_start(i, col);
        let first_key = self.lines[first].text.trim_start().trim_start_matches("- ");
        let len = first_key.find(':').unwrap_or(1);
        let m = Mistake {
            code: Code::MissingKey,
            message: format!("missing key `{key}` in the mapping that starts here"),
            help: format!("add `{key}:` to it; docs/reference.md says what it holds"),
            position: self.position(first, key_column(&self.lines[first].text), len),
        };
        (Some(m), self.put_in(i, col, key))
    }

    /// The line of the first key of the block mapping whose keys start at column `col`, which
    /// has a key at line `i`.
    fn mapping_start(&self, i: usize, col: usize) -> usize {
        let text = &self.lines[i].text;
        if in_flow(&text[..byte_of(text, col).unwrap_or(text.len())]) {
            return i;
        }
        let mut first = i;
        for j in (0..=i).rev() {
            let t = &self.lines[j].text;
            if t.trim().is_empty() || t.trim_start().starts_with('#') || indent_of(t) > col {
                continue;
            }
            if key_column(t) != col {
                break;
            }
            first = j;
            if t.trim_start().starts_with("- ") {
                break;
            }
        }
        first
    }

    /// A line near `i` that holds `key:` indented 1 or 2 spaces off `indent`.
    fn misindented(&self, i: usize, key: &str, indent: usize) -> Option<(usize, usize)> {
        let wanted = format!("{key}:");
        let near = (i.saturating_sub(8)..(i + 9).min(self.lines.len())).filter(|&j| j != i);
        near.filter_map(|j| {
            let t = &self.lines[j].text;
            let found = indent_of(t);
            let off = found.abs_diff(indent);
            (self.lines[j].origin.is_some()
                && (1..=2).contains(&off)
                && t.trim_start().starts_with(&wanted))
            .then_some((j, found))
        })
        .min_by_key(|&(j, _)| j.abs_diff(i))
    }

    /// Puts in `key` with a stand-in value, in the mapping whose entry at line `i` (column `col`)
    /// the parser was at: inside a flow mapping on that line, else on a line after the entry.
    fn put_in(&mut self, i: usize, col: usize, key: &str) -> bool {
        let text = self.lines[i].text.clone();
        let at = byte_of(&text, col).unwrap_or(text.len());
        if let Some(open) = open_flow(&text[..at.min(text.len())]) {
            let mut t = text;
            t.insert_str(open + 1, &format!("{key}: {}, ", STAND_INS[0]));
            self.lines[i].text = t;
            self.lines[i].origin = None;
            self.stand_ins.push(StandIn {
                line: i,
                key: key.to_string(),
                tried: 0,
            });
            return true;
        }
        let indent = indent_of(&text).max(col);
        let mut j = i + 1;
        while j < self.lines.len() && nested(&self.lines[j].text, indent) {
            j += 1;
        }
        self.lines.insert(
            j,
            Line {
                text: format!("{}{key}: {}", " ".repeat(indent), STAND_INS[0]),
                origin: None,
            },
        );
        for s in &mut self.stand_ins {
            if s.line >= j {
                s.line += 1;
            }
        }
        self.stand_ins.push(StandIn {
            line: j,
            key: key.to_string(),
            tried: 0,
        });
        true
    }

    /// The parser refused stand-in `s`: the next one, or the first allowed word.
    fn retry_stand_in(&mut self, s: usize, kind: &Kind) -> bool {
        let (line, key) = (self.stand_ins[s].line, self.stand_ins[s].key.clone());
        let old = STAND_INS[self.stand_ins[s].tried.min(STAND_INS.len() - 1)];
        let new = match kind {
            Kind::UnknownVariant(_, allowed) if !allowed.is_empty() => allowed[0].clone(),
            Kind::WrongType(_) | Kind::UnknownVariant(..) => {
                self.stand_ins[s].tried += 1;
                match STAND_INS.get(self.stand_ins[s].tried) {
                    Some(v) => v.to_string(),
                    None => return false,
                }
            }
            // A mapping stand-in that lacks keys of its own: put them in, inside it.
            Kind::MissingKey(inner) => return self.fill_mapping(line, inner),
            _ => return false,
        };
        let t = &mut self.lines[line].text;
        let from = format!("{key}: {old}");
        let Some(at) = t.find(&from) else {
            return false;
        };
        t.replace_range(at..at + from.len(), &format!("{key}: {new}"));
        true
    }

    /// Puts `key` inside the last `{` of stand-in line `line`.
    fn fill_mapping(&mut self, line: usize, key: &str) -> bool {
        let t = &mut self.lines[line].text;
        let Some(open) = t.rfind('{') else {
            return false;
        };
        t.insert_str(open + 1, &format!("{key}: {}, ", STAND_INS[0]));
        true
    }

    /// A tab where YAML wants spaces: reported where the tab is, and replaced by the indent of
    /// the line above.
    fn tab(&mut self, i: usize, col: usize) -> (Option<Mistake>, bool) {
        let first = (i..self.lines.len()).find_map(|j| {
            let t = &self.lines[j].text;
            let from = if j == i {
                byte_of(t, col).unwrap_or(0)
            } else {
                0
            };
            t[from..].find('\t').map(|b| (j, from + b))
        });
        let Some((j, at)) = first else {
            return (None, false);
        };
        let text = self.lines[j].text.clone();
        let m = Mistake {
            code: Code::InvalidYaml,
            message: "a tab, where YAML needs spaces".into(),
            help: "replace the tab with spaces (YAML does not allow tabs for indentation)".into(),
            position: self.position(j, text[..at].chars().count(), 1),
        };
        if !text[..at].trim().is_empty() {
            // A tab inside a value: nothing to repair.
            return (Some(m), false);
        }
        let above = (0..j)
            .rev()
            .map(|k| &self.lines[k].text)
            .find(|t| !t.trim().is_empty())
            .map_or(0, |t| key_column(t));
        self.lines[j].text = format!("{}{}", " ".repeat(above), text.trim_start());
        (Some(m), true)
    }
}

/// Reads a parser message.
fn kind_of(message: &str) -> Kind {
    let ticked = |m: &str| {
        let start = m.find('`')? + 1;
        let end = start + m[start..].find('`')?;
        Some(m[start..end].to_string())
    };
    if message.starts_with("unknown field") {
        return Kind::UnknownKey(ticked(message).unwrap_or_default());
    }
    if message.starts_with("missing field") {
        return Kind::MissingKey(ticked(message).unwrap_or_default());
    }
    if let Some(rest) = message.strip_prefix("duplicate mapping key: ") {
        let key = rest.split(',').next().unwrap_or(rest).trim();
        return Kind::DuplicateKey(key.to_string());
    }
    if message.starts_with("unknown variant") {
        return Kind::UnknownVariant(ticked(message).unwrap_or_default(), expected(message));
    }
    if message.contains(crate::parse::raw::BLANK) {
        return Kind::Blank;
    }
    if message.contains("tab") {
        return Kind::Tab;
    }
    let wrong = [
        ("expected sequence start", "a list"),
        ("expected mapping start", "keys (`key: value` lines)"),
        ("expected string scalar", "text"),
        ("invalid floating point", "a number"),
        ("invalid bool", "`true` or `false`"),
    ];
    if let Some((_, what)) = wrong.iter().find(|(m, _)| message.contains(m)) {
        return Kind::WrongType(what.to_string());
    }
    if message.starts_with("invalid i") || message.starts_with("invalid u") {
        return Kind::WrongType("a whole number".into());
    }
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        let what = rest.split(", expected ").nth(1).unwrap_or("another type");
        return Kind::WrongType(what.to_string());
    }
    Kind::Syntax
}

/// The values or keys after "expected one of" (or "expected `x`") in a serde message.
fn expected(message: &str) -> Vec<String> {
    let Some(at) = message.find("expected ") else {
        return Vec::new();
    };
    let list = message[at + 9..].trim_start_matches("one of ");
    list.split(", ")
        .map(|s| s.trim().trim_matches('`').to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

fn unknown_key(key: &str, message: &str, position: Position) -> Mistake {
    let keys = expected(message);
    let near = nearest(key, &keys);
    let help = match near {
        Some(k) => format!("did you mean `{k}`? The keys here are: {}", keys.join(", ")),
        None => format!(
            "remove it or fix its spelling; the keys here are: {}",
            keys.join(", ")
        ),
    };
    Mistake {
        code: Code::UnknownKey,
        message: format!("unknown key `{key}`"),
        help,
        position,
    }
}

fn unknown_value(value: &str, allowed: &[String], position: Position) -> Mistake {
    let help = match nearest(value, allowed) {
        Some(v) => format!("did you mean `{v}`? Use one of: {}", allowed.join(", ")),
        None => format!("use one of: {}", allowed.join(", ")),
    };
    Mistake {
        code: Code::UnknownValue,
        message: format!("`{value}` is not one of the values allowed here"),
        help,
        position,
    }
}

fn blank(key: &str, position: Position) -> Mistake {
    Mistake {
        code: Code::MissingKey,
        message: format!("`{key}` is blank"),
        help: "write it, or remove the key if it is optional and there is nothing to say".into(),
        position,
    }
}

fn wrong_type(expected: &str, found: &str, position: Position) -> Mistake {
    let help = match expected {
        "a number" => {
            "write the number alone, without words or units (e.g. `23.8`, not `23.8 percent`)"
        }
        "a whole number" => "write a whole number alone, without a decimal point, words or units (e.g. `3`)",
        "a list" => "write each item on its own `- ` line below the key, or as `[a, b]`",
        "text" => "write plain text here; quote it if it starts with `[`, `{`, `-` or contains `: `",
        _ => "give the value the type docs/reference.md names (quote text that looks like a number or date)",
    };
    // A key with no value: the parser stops at its colon.
    let found = match found {
        "" => String::new(),
        ":" => ", found nothing".into(),
        _ => format!(", found `{found}`"),
    };
    Mistake {
        code: Code::WrongType,
        message: format!("expected {expected} here{found}"),
        help: help.into(),
        position,
    }
}

/// The candidate closest to `word` by edit distance, if it is close enough to be a misspelling.
fn nearest<'a>(word: &str, candidates: &'a [String]) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).max(1);
    candidates
        .iter()
        .map(|c| (edit_distance(word, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c.as_str())
}

/// Edits from `a` to `b`, a swap of two neighbouring letters counting as one (`givne`, `given`).
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    d[0] = (0..=b.len()).collect();
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

/// The byte offset of character column `col` (0-based) of `text`.
fn byte_of(text: &str, col: usize) -> Option<usize> {
    text.char_indices()
        .map(|(b, _)| b)
        .chain(std::iter::once(text.len()))
        .nth(col)
}

/// The column of a line's key: its indent, past a sequence item's `- `.
fn key_column(text: &str) -> usize {
    let rest = text.trim_start_matches(' ');
    indent_of(text) + if rest.starts_with("- ") { 2 } else { 0 }
}

fn indent_of(text: &str) -> usize {
    text.len() - text.trim_start_matches(' ').len()
}

/// Whether `line` belongs to an entry indented `indent` (blank, a comment, or indented more).
fn nested(line: &str, indent: usize) -> bool {
    let t = line.trim_start();
    t.is_empty() || t.starts_with('#') || indent_of(line) > indent
}

/// Whether a flow mapping or list is open at the end of `before`.
fn in_flow(before: &str) -> bool {
    open_flow(before).is_some()
}

/// The byte offset of the `{` of the flow mapping open at the end of `before`, if any.
fn open_flow(before: &str) -> Option<usize> {
    let mut open = Vec::new();
    let mut quote = None;
    for (b, c) in before.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '{' | '[') => open.push((b, c)),
            (None, '}' | ']') => {
                open.pop();
            }
            _ => {}
        }
    }
    open.iter().rev().find(|(_, c)| *c == '{').map(|(b, _)| *b)
}

/// Where the flow entry starting at `start` ends, with its comma.
fn flow_entry_end(text: &str, start: usize) -> usize {
    let mut depth = 0i32;
    let mut quote = None;
    for (b, c) in text[start..].char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '{' | '[') => depth += 1,
            (None, '}' | ']') if depth == 0 => return start + b,
            (None, '}' | ']') => depth -= 1,
            (None, ',') if depth == 0 => {
                let after = &text[start + b + 1..];
                return start + b + 1 + (after.len() - after.trim_start().len());
            }
            _ => {}
        }
    }
    text.len()
}

/// The key whose value starts at byte `at` of `text`, with the key's byte offset.
fn key_before(text: &str, at: usize) -> Option<(String, usize)> {
    let before = text[..at].trim_end();
    let before = before.strip_suffix(':')?;
    let start = before
        .rfind(|c: char| c.is_whitespace() || c == '{' || c == ',' || c == '-')
        .map_or(0, |i| i + 1);
    let key = before[start..].trim_matches(['"', '\'']);
    (!key.is_empty()).then(|| (key.to_string(), start))
}

/// The scalar at column `col` of `text`, for a message: up to the end of the line, or of its
/// flow entry.
fn value_at(text: &str, col: usize) -> String {
    let Some(start) = byte_of(text, col) else {
        return String::new();
    };
    let end = if in_flow(&text[..start]) {
        flow_entry_end(text, start)
    } else {
        text.len()
    };
    let v = text[start..end].trim().trim_end_matches(',').trim();
    let v = v.split(" #").next().unwrap_or(v).trim();
    v.chars().take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_suggests_a_misspelling_only() {
        let keys: Vec<String> = ["period", "population", "place"].map(String::from).to_vec();
        assert_eq!(nearest("perod", &keys), Some("period"));
        assert_eq!(nearest("populaton", &keys), Some("population"));
        assert_eq!(nearest("colour", &keys), None);
        let given = vec!["family".to_string(), "given".to_string()];
        assert_eq!(nearest("givne", &given), Some("given"));
    }

    #[test]
    fn flow_entries_are_taken_out_whole() {
        let mut d = Draft::new("v: {kind: percent, bogus: 1, number: 2}\n", 1);
        assert!(d.take_out(0, 19));
        assert_eq!(d.text(), "v: {kind: percent, number: 2}\n");
    }

    #[test]
    fn block_entries_are_taken_out_with_their_nested_lines() {
        let mut d = Draft::new("a: 1\nb:\n  - x\n  - y\nc: 2\n", 1);
        assert!(d.take_out(1, 0));
        assert_eq!(d.text(), "a: 1\n\n\n\nc: 2\n");
    }

    #[test]
    fn a_whole_number_is_not_helped_with_a_decimal_example() {
        let at = Position::new(1, 1);
        let whole = wrong_type("a whole number", "1.5", at);
        assert_eq!(whole.message, "expected a whole number here, found `1.5`");
        assert!(!whole.help.contains("23.8"), "{}", whole.help);
        assert!(
            whole.help.contains("without a decimal point"),
            "{}",
            whole.help
        );
        assert!(wrong_type("a number", "x", at).help.contains("23.8"));
    }

    #[test]
    fn key_before_a_value() {
        assert_eq!(
            key_before("  number: 23.8 percent", 10),
            Some(("number".into(), 2))
        );
        assert_eq!(
            key_before("v: {kind: x, number: y}", 21),
            Some(("number".into(), 13))
        );
    }
}
