//! Markdown: the one module that knows pulldown-cmark. Two passes over a body: [`scan`] finds the
//! heading anchors, the links (with their byte offsets) and figures typed into prose, so the
//! resolve stage can check them, and [`to_html`] renders it with the links the resolve stage
//! rewrote and the figures that `[](figure:<id>)` references print.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use pulldown_cmark::{html, CodeBlockKind, CowStr, Event, Options, Parser, Tag, TagEnd};

use crate::highlight;

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_SMART_PUNCTUATION
}

/// A link or image destination in a body, with the byte offset of the destination text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Link {
    pub dest: String,
    /// Byte offset within the body where the destination (or, failing that, the link) starts.
    pub offset: usize,
    pub len: usize,
}

/// What the resolve stage needs to know of a body before rendering.
#[derive(Clone, Debug, Default)]
pub(crate) struct Scan {
    pub anchors: Vec<String>,
    pub links: Vec<Link>,
    /// Text that looks like a figure (a percentage, a fraction in words, a sum of money, a count
    /// with separators), typed into the prose rather than printed from a finding.
    pub figures: Vec<Link>,
}

pub(crate) fn scan(body: &str) -> Scan {
    let mut out = Scan::default();
    let mut slugs = Slugger::default();
    let mut heading: Option<(Option<String>, String)> = None;
    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { id, .. }) => {
                heading = Some((id.map(|s| s.to_string()), String::new()));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((id, text)) = heading.take() {
                    out.anchors.push(slugs.anchor(id.as_deref(), &text));
                }
            }
            Event::Text(t) => {
                if let Some((_, text)) = heading.as_mut() {
                    text.push_str(&t);
                }
                // Text events of one run are contiguous in the source, so offsets map back.
                let slice = &body[range.clone()];
                let base = if slice.starts_with(t.as_ref()) {
                    range.start
                } else {
                    range.start + slice.find(t.as_ref()).unwrap_or(0)
                };
                for (at, len) in prose_figures(&t) {
                    out.figures.push(Link {
                        dest: t[at..at + len].to_string(),
                        offset: base + at,
                        len: t[at..at + len].chars().count(),
                    });
                }
            }
            Event::Code(t) => {
                if let Some((_, text)) = heading.as_mut() {
                    text.push_str(&t);
                }
            }
            Event::Start(Tag::Link { dest_url, .. })
            | Event::Start(Tag::Image { dest_url, .. }) => {
                let slice = &body[range.clone()];
                let (offset, len) = match slice.find(dest_url.as_ref()) {
                    Some(i) if !dest_url.is_empty() => (range.start + i, dest_url.len()),
                    _ => (range.start, range.len()),
                };
                out.links.push(Link {
                    dest: dest_url.to_string(),
                    offset,
                    len,
                });
            }
            _ => {}
        }
    }
    out
}

/// How [`to_html`] renders: what it does with raw HTML, and whether fenced code is highlighted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct MdOptions {
    pub raw: RawHtml,
    /// Fenced code with a known language as classed spans (site.yaml `highlight_code`).
    pub highlight: bool,
}

impl MdOptions {
    /// The defaults: raw HTML sanitised, code highlighted.
    #[cfg(test)]
    pub(crate) const DEFAULT: MdOptions = MdOptions {
        raw: RawHtml::Sanitise,
        highlight: true,
    };
}

/// What a Markdown table is put in ([`to_html`]).
const TABLE_BOX: &str = "<div class=\"table-wrap\" tabindex=\"0\">\n";

/// How [`to_html`] treats raw HTML in the Markdown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum RawHtml {
    /// Kept, but sanitised with ammonia: the default, since content is not trusted to run script
    /// or load from elsewhere. Harmless markup such as `<abbr>` or `<sup>` survives.
    Sanitise,
    /// Passed through, for sites that opt in with `raw_html: true`.
    Allow,
}

/// Strips anything that could run script or load from another site, keeping ids and classes so
/// anchors, footnotes and theme styles still work (and `tabindex`, which a table's box has).
/// Link `rel` is left alone.
fn sanitise(html: &str) -> String {
    ammonia::Builder::default()
        .add_generic_attributes(["id", "class", "lang", "title", "tabindex"])
        .link_rel(None)
        .url_relative(ammonia::UrlRelative::PassThrough)
        .clean(html)
        .to_string()
}

/// A glossary term to link from its first use in a body: every form of it (lower case), and the
/// URL of its definition.
#[derive(Clone, Debug, Hash)]
pub(crate) struct TermLink {
    pub forms: Vec<String>,
    pub url: String,
}

/// Renders `body` to HTML, replacing each link destination found in `links` (dest → URL), the
/// text of each link found in `texts` (dest → text: a figure reference prints the finding's
/// figure), linking the first use of each glossary term in `terms` (outside links, headings and
/// code), and giving every heading an id (its explicit `{#id}`, or a slug of its text).
pub(crate) fn to_html(
    body: &str,
    links: &HashMap<String, String>,
    texts: &HashMap<String, String>,
    terms: &[TermLink],
    opts: MdOptions,
) -> String {
    let raw = opts.raw;
    let mut slugs = Slugger::default();
    let mut events: Vec<Event> = Vec::new();
    let mut in_heading: Option<usize> = None;
    let mut heading_text = String::new();
    let mut has_raw = false;
    // Inside a link whose text is replaced: the replacement, until the link ends.
    let mut replacing: Option<String> = None;
    let mut in_link = 0usize;
    let mut in_code_block = false;
    // Inside a fenced block with a language: its info string and code, until the block ends.
    let mut fenced: Option<(CowStr, String)> = None;
    let mut used = vec![false; terms.len()];
    for event in Parser::new_ext(body, options()) {
        if let Some((_, code)) = fenced.as_mut() {
            match event {
                Event::Text(t) => code.push_str(&t),
                Event::End(TagEnd::CodeBlock) => {
                    if let Some((info, code)) = fenced.take() {
                        code_block(info, code, opts.highlight, &mut events);
                    }
                }
                // A code block holds nothing but text.
                _ => {}
            }
            continue;
        }
        if replacing.is_some() {
            if let Event::End(TagEnd::Link) = event {
                events.push(Event::Text(CowStr::from(
                    replacing.take().unwrap_or_default(),
                )));
                events.push(event);
            }
            continue;
        }
        match event {
            Event::Start(Tag::Heading { .. }) => {
                in_heading = Some(events.len());
                heading_text.clear();
                events.push(event);
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some(i) = in_heading.take() {
                    if let Event::Start(Tag::Heading { id, .. }) = &mut events[i] {
                        let anchor = slugs.anchor(id.as_deref(), &heading_text);
                        *id = Some(CowStr::from(anchor));
                    }
                }
                events.push(event);
            }
            Event::Text(ref t) if in_heading.is_none() && in_link == 0 && !in_code_block => {
                link_terms(t, terms, &mut used, &mut events);
            }
            Event::Text(ref t) | Event::Code(ref t) => {
                if in_heading.is_some() {
                    heading_text.push_str(t);
                }
                events.push(event);
            }
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) if !info.is_empty() => {
                fenced = Some((info, String::new()));
            }
            Event::Start(Tag::CodeBlock(_)) => {
                in_code_block = true;
                events.push(event);
            }
            Event::End(TagEnd::CodeBlock) => {
                in_code_block = false;
                events.push(event);
            }
            Event::End(TagEnd::Link) => {
                in_link = in_link.saturating_sub(1);
                events.push(event);
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                replacing = texts.get(dest_url.as_ref()).cloned();
                if replacing.is_none() {
                    in_link += 1;
                }
                let dest_url = rewrite(dest_url, links);
                events.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = rewrite(dest_url, links);
                events.push(Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            Event::Html(_) | Event::InlineHtml(_) => {
                has_raw = true;
                events.push(event);
            }
            // A wide table scrolls in a box of its own, as the theme's tables do, never the page;
            // the box takes the keyboard's focus, so that it can be scrolled without a pointer.
            Event::Start(Tag::Table(_)) => {
                events.push(Event::Html(CowStr::Borrowed(TABLE_BOX)));
                events.push(event);
            }
            Event::End(TagEnd::Table) => {
                events.push(event);
                events.push(Event::Html(CowStr::Borrowed("</div>\n")));
            }
            other => events.push(other),
        }
    }
    let mut out = String::with_capacity(body.len() * 3 / 2);
    html::push_html(&mut out, events.into_iter());
    if has_raw && raw == RawHtml::Sanitise {
        return sanitise(&out);
    }
    out
}

/// A fenced block with a language: highlighted when the language is one [`highlight`] knows,
/// otherwise the plain `<pre><code class="language-x">` pulldown-cmark prints, escaped.
fn code_block<'a>(info: CowStr<'a>, code: String, highlight: bool, events: &mut Vec<Event<'a>>) {
    // pulldown-cmark takes the language as the info string's first word; so does this.
    let lang = info.split(' ').next().unwrap_or("");
    let highlighted = highlight
        .then(|| highlight::highlight(lang, &code))
        .flatten();
    match highlighted {
        Some(html) => events.push(Event::Html(CowStr::from(html))),
        None => events.extend([
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))),
            Event::Text(CowStr::from(code)),
            Event::End(TagEnd::CodeBlock),
        ]),
    }
}

/// Pushes `text`, with the first use of each term not used yet on this page made a link to its
/// definition.
fn link_terms<'a>(text: &str, terms: &[TermLink], used: &mut [bool], events: &mut Vec<Event<'a>>) {
    let mut rest = text.to_string();
    while !rest.is_empty() {
        let Some((at, len, i)) = first_term(&rest, terms, used) else {
            break;
        };
        used[i] = true;
        let (before, found, after) = (&rest[..at], &rest[at..at + len], &rest[at + len..]);
        if !before.is_empty() {
            events.push(Event::Text(CowStr::from(before.to_string())));
        }
        events.push(Event::Start(Tag::Link {
            link_type: pulldown_cmark::LinkType::Inline,
            dest_url: CowStr::from(terms[i].url.clone()),
            title: CowStr::from("In the glossary"),
            id: CowStr::from(""),
        }));
        events.push(Event::Text(CowStr::from(found.to_string())));
        events.push(Event::End(TagEnd::Link));
        rest = after.to_string();
    }
    if !rest.is_empty() {
        events.push(Event::Text(CowStr::from(rest)));
    }
}

/// The earliest use in `text` of a term not used yet (the longest form where two start together):
/// byte offset, length and the term's index. Only whole words match.
fn first_term(text: &str, terms: &[TermLink], used: &[bool]) -> Option<(usize, usize, usize)> {
    let lower = text.to_lowercase();
    // Lower-casing keeps byte offsets only where it keeps lengths.
    if lower.len() != text.len() {
        return None;
    }
    let mut best: Option<(usize, usize, usize)> = None;
    for (i, t) in terms.iter().enumerate().filter(|(i, _)| !used[*i]) {
        for form in &t.forms {
            let mut from = 0;
            while let Some(pos) = lower[from..].find(form.as_str()) {
                let at = from + pos;
                let end = at + form.len();
                let before_ok = lower[..at]
                    .chars()
                    .next_back()
                    .is_none_or(|c| !c.is_alphanumeric());
                let after_ok = lower[end..]
                    .chars()
                    .next()
                    .is_none_or(|c| !c.is_alphanumeric());
                if before_ok && after_ok {
                    let better = best.is_none_or(|(b, l, _)| at < b || (at == b && form.len() > l));
                    if better {
                        best = Some((at, form.len(), i));
                    }
                    break;
                }
                from = end;
            }
        }
    }
    best
}

fn rewrite<'a>(dest: CowStr<'a>, links: &HashMap<String, String>) -> CowStr<'a> {
    match links.get(dest.as_ref()) {
        Some(url) => CowStr::from(url.clone()),
        None => dest,
    }
}

/// The words a fraction or ratio in words starts with ("two-thirds", "one in five").
const NUMBER_WORDS: [&str; 11] = [
    "a", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
];

/// A word of prose: where it starts, its text, and whether it has an ASCII digit and is all
/// ASCII.
struct Word<'t> {
    at: usize,
    text: &'t str,
    digit: bool,
    ascii: bool,
}

/// The words of `text` with their byte offsets: runs between whitespace and parentheses (a hyphen
/// joins: "two-thirds" is one word). Scanned byte by byte, a character decoded only where one is
/// not ASCII: this runs on every text run of every page.
fn words_of(text: &str) -> Vec<Word<'_>> {
    let bytes = text.as_bytes();
    let mut words = Vec::with_capacity(bytes.len() / 5 + 1);
    let (mut start, mut digit, mut ascii) = (None, false, true);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let (breaks, width) = if b.is_ascii() {
            (matches!(b, b'\t'..=b'\r' | b' ' | b'(' | b')'), 1)
        } else {
            let c = text[i..].chars().next().unwrap_or(' ');
            (c.is_whitespace(), c.len_utf8())
        };
        match (breaks, start) {
            (true, Some(s)) => {
                words.push(Word {
                    at: s,
                    text: &text[s..i],
                    digit,
                    ascii,
                });
                start = None;
            }
            (false, None) => {
                start = Some(i);
                (digit, ascii) = (false, true);
            }
            _ => {}
        }
        digit |= b.is_ascii_digit();
        ascii &= b.is_ascii();
        i += width;
    }
    if let Some(s) = start {
        words.push(Word {
            at: s,
            text: &text[s..],
            digit,
            ascii,
        });
    }
    words
}

/// Whether an ASCII word may start with a number word, before it is cleaned: a cheap test that
/// lets through every word [`prose_figures`] could read as one.
fn starts_with_number_word(raw: &[u8]) -> bool {
    const TRIM: &[u8] = b",.;:!?\"";
    let start = raw
        .iter()
        .position(|b| !TRIM.contains(b))
        .unwrap_or(raw.len());
    let rest = &raw[start..];
    let mut lead = &rest[..rest.iter().position(|&b| b == b'-').unwrap_or(rest.len())];
    while let [head @ .., last] = lead {
        if !TRIM.contains(last) {
            break;
        }
        lead = head;
    }
    lead.len() <= 5
        && NUMBER_WORDS
            .iter()
            .any(|n| n.as_bytes().eq_ignore_ascii_case(lead))
}

/// Where `text` states a figure by hand: a percentage ("72%", "10 per cent"), a fraction in words
/// ("two-thirds", "one in five"), a sum of money ("£0.5bn", "€2.5 million") or a count with
/// separators ("30,000"). Years and other bare numbers are left alone. Byte offset and length.
pub(crate) fn prose_figures<'t>(text: &'t str) -> Vec<(usize, usize)> {
    const PARTS: [&str; 16] = [
        "third", "thirds", "quarter", "quarters", "fifth", "fifths", "sixth", "sixths", "seventh",
        "sevenths", "eighth", "eighths", "ninth", "ninths", "tenth", "tenths",
    ];
    let words = words_of(text);
    // Lower-cased only when it has to be: most words are neither.
    let clean = |w: &'t str| -> Cow<'t, str> {
        let w = w.trim_matches(|c: char| {
            matches!(c, ',' | '.' | ';' | ':' | '!' | '?' | '"' | '“' | '”')
        });
        if w.bytes().any(|b| b.is_ascii_uppercase() || !b.is_ascii()) {
            Cow::Owned(w.to_lowercase())
        } else {
            Cow::Borrowed(w)
        }
    };
    let is_number = |w: &str| {
        let w = w.trim_matches(|c: char| matches!(c, ',' | '.' | ';' | ':'));
        !w.is_empty()
            && w.chars()
                .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
    };
    let mut out = Vec::new();
    for (i, word) in words.iter().enumerate() {
        let (start, raw) = (&word.at, word.text);
        // Every figure starts with a digit or a number word (anything not plain ASCII is let
        // through): most words end here, before any copy is made.
        if !word.digit && word.ascii && !starts_with_number_word(raw.as_bytes()) {
            continue;
        }
        let w = clean(raw);
        let w = w.as_ref();
        let lead = w.split('-').next().unwrap_or(w);
        if !w.bytes().any(|b| b.is_ascii_digit()) && !NUMBER_WORDS.contains(&lead) {
            continue;
        }
        let word = |k: usize| {
            words
                .get(i + k)
                .map_or(Cow::Borrowed(""), |w| clean(w.text))
        };
        let (next, after) = (word(1), word(2));
        let (next, after) = (next.as_ref(), after.as_ref());
        let span = |k: usize| {
            let (s, last) = (words[i + k].at, words[i + k].text);
            let end = s + last.trim_end_matches([',', '.', ';', ':']).len();
            (*start, end - *start)
        };
        let digits = w.trim_start_matches(['£', '€', '$', '¥']);
        let money =
            digits.len() < w.len() && digits.chars().next().is_some_and(|c| c.is_ascii_digit());
        let percent = is_number(w) && (next == "%" || (next == "per" && after == "cent"))
            || (w.ends_with('%') && is_number(w.trim_end_matches('%')));
        let separated = {
            let groups: Vec<&str> = w.split(',').collect();
            groups.len() > 1
                && groups[0].len() <= 3
                && groups
                    .iter()
                    .all(|g| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit()))
                && groups[1..].iter().all(|g| g.len() == 3)
        };
        let hyphenated = w
            .split_once('-')
            .is_some_and(|(a, b)| NUMBER_WORDS.contains(&a) && PARTS.contains(&b));
        let spaced = NUMBER_WORDS.contains(&w) && PARTS.contains(&next);
        // "one in five"; not "one, in 2010" (punctuation between) nor "one in 2010" (a year).
        let year = after.len() == 4 && after.starts_with(['1', '2']) && is_number(after);
        let ratio = (NUMBER_WORDS[1..].contains(&w) || is_number(w))
            && !raw.ends_with(',')
            && next == "in"
            && !year
            && (NUMBER_WORDS[1..].contains(&after) || is_number(after));
        if percent && next == "per" && after == "cent" {
            out.push(span(2));
        } else if (percent && next == "%")
            || (money && ["thousand", "million", "billion", "bn", "m"].contains(&next))
        {
            out.push(span(1));
        } else if percent || money || separated || hyphenated {
            out.push(span(0));
        } else if spaced {
            out.push(span(1));
        } else if ratio {
            out.push(span(2));
        }
    }
    out
}

/// A short inline Markdown string (a statement) as plain text: for titles and metadata.
pub(crate) fn inline_plain(text: &str) -> String {
    if reads_as_itself(text) {
        return text.to_string();
    }
    parsed_plain(text)
}

/// Whether `text` is its own plain text: it has no character that Markdown or its smart
/// punctuation reads specially (letters, digits, spaces and `,;:?()%/.-` only, with no `..` or
/// `--`), no list marker at its start and no space at either end. Most statements are; parsing
/// each was a fiftieth of a rebuild.
fn reads_as_itself(text: &str) -> bool {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    let list = text.starts_with('-') || matches!(text.as_bytes().get(digits), Some(b'.' | b')'));
    let plain = |c: char| {
        c.is_alphanumeric()
            || matches!(
                c,
                ' ' | ',' | ';' | ':' | '?' | '(' | ')' | '%' | '/' | '.' | '-'
            )
    };
    !list
        && !text.starts_with(' ')
        && !text.ends_with(' ')
        && !text.contains("..")
        && !text.contains("--")
        && text.chars().all(plain)
}

/// [`inline_plain`], by parsing.
fn parsed_plain(text: &str) -> String {
    let mut out = String::new();
    for event in Parser::new_ext(text, options()) {
        match event {
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                out.push_str(&t)
            }
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            _ => {}
        }
    }
    out.trim().to_string()
}

/// The first sentence of a body's first paragraph, as plain text: a page's description for search
/// engines, link previews and reference managers. Empty when the body has no paragraph.
pub(crate) fn first_sentence(body: &str) -> String {
    let mut text = String::new();
    let mut in_paragraph = false;
    for event in Parser::new_ext(body, options()) {
        match event {
            Event::Start(Tag::Paragraph) => in_paragraph = true,
            Event::End(TagEnd::Paragraph) if in_paragraph => break,
            Event::Text(t) | Event::Code(t) if in_paragraph => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak if in_paragraph => text.push(' '),
            _ => {}
        }
    }
    let end = text
        .match_indices(". ")
        .map(|(i, _)| i + 1)
        .next()
        .unwrap_or(text.len());
    text[..end].trim().to_string()
}

/// Renders a short inline Markdown string (a statement, a note) without a wrapping paragraph.
pub(crate) fn inline_to_html(text: &str) -> String {
    inline_with_terms(text, &[], &mut [])
}

/// [`inline_to_html`], with the first use of each term not `used` yet (on this page) made a link
/// to its definition; `used` has one flag per term.
pub(crate) fn inline_with_terms(text: &str, terms: &[TermLink], used: &mut [bool]) -> String {
    let mut out = String::new();
    let mut linked: Vec<Event> = Vec::new();
    let mut in_link = 0usize;
    for event in Parser::new_ext(text, options()) {
        match event {
            Event::Start(Tag::Link { .. }) => in_link += 1,
            Event::End(TagEnd::Link) => in_link = in_link.saturating_sub(1),
            Event::Text(ref t) if in_link == 0 && !terms.is_empty() => {
                link_terms(t, terms, used, &mut linked);
                continue;
            }
            _ => {}
        }
        linked.push(event);
    }
    let events = linked.into_iter().filter(|e| {
        !matches!(
            e,
            Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph)
        )
    });
    let events = events.map(|e| match e {
        Event::Html(h) | Event::InlineHtml(h) => Event::Text(h),
        other => other,
    });
    html::push_html(&mut out, events);
    out.trim_end().to_string()
}

/// Makes heading anchors: lowercase words joined by hyphens, unique within one page.
#[derive(Default)]
struct Slugger {
    seen: HashSet<String>,
}

impl Slugger {
    fn anchor(&mut self, explicit: Option<&str>, text: &str) -> String {
        let base = match explicit {
            Some(id) => id.to_string(),
            None => slugify(text),
        };
        let base = if base.is_empty() {
            "section".to_string()
        } else {
            base
        };
        let mut candidate = base.clone();
        let mut n = 1;
        while !self.seen.insert(candidate.clone()) {
            candidate = format!("{base}-{n}");
            n += 1;
        }
        candidate
    }
}

/// Lowercase ASCII letters and digits (other letters kept), runs of anything else become one hyphen.
pub(crate) fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_hyphen = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if pending_hyphen && !out.is_empty() {
                out.push('-');
            }
            pending_hyphen = false;
            out.extend(c.to_lowercase());
        } else if c != '\'' && c != '’' {
            pending_hyphen = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scan_finds_anchors_and_links() {
        let body = "# Title\n\n## Method {#how}\n\nSee [x](finding:a-b) and [y](../about.md#m).\n\n## Method\n";
        let s = scan(body);
        assert_eq!(s.anchors, vec!["title", "how", "method"]);
        assert_eq!(s.links.len(), 2);
        assert_eq!(&body[s.links[0].offset..][..11], "finding:a-b");
    }

    #[test]
    fn html_rewrites_links_and_escapes_raw_html() {
        let mut links = HashMap::new();
        links.insert("finding:a".to_string(), "/findings/a/".to_string());
        let html = to_html(
            "## Hello world\n\n[x](finding:a) <script>x</script>\n",
            &links,
            &HashMap::new(),
            &[],
            MdOptions::DEFAULT,
        );
        assert!(html.contains(r#"<h2 id="hello-world">"#), "{html}");
        assert!(html.contains(r#"href="/findings/a/""#), "{html}");
        assert!(!html.contains("<script"), "{html}");
        let kept = to_html(
            "A <abbr title=\"Resource Allocation System\">RAS</abbr> <img src=x onerror=alert(1)> [j](javascript:alert(1))\n",
            &HashMap::new(),
            &HashMap::new(),
            &[],
            MdOptions::DEFAULT,
        );
        assert!(
            kept.contains("<abbr title=\"Resource Allocation System\">RAS</abbr>"),
            "{kept}"
        );
        assert!(
            !kept.contains("onerror") && !kept.contains("javascript:"),
            "{kept}"
        );
    }

    #[test]
    fn a_figure_reference_prints_the_figure() {
        let links = HashMap::from([("figure:a".to_string(), "/findings/a/".to_string())]);
        let texts = HashMap::from([("figure:a".to_string(), "two-thirds".to_string())]);
        let html = to_html(
            "Some [](figure:a) said so.",
            &links,
            &texts,
            &[],
            MdOptions::DEFAULT,
        );
        assert_eq!(
            html,
            "<p>Some <a href=\"/findings/a/\">two-thirds</a> said so.</p>\n"
        );
    }

    #[test]
    fn figures_typed_into_prose_are_found() {
        let found = |t: &str| -> Vec<String> {
            prose_figures(t)
                .into_iter()
                .map(|(a, n)| t[a..a + n].to_string())
                .collect()
        };
        assert_eq!(
            found("In 2013, two-thirds of 195 staff (72%) said; 10 per cent more, a third, one in five, £0.5bn, €2 million and 30,000 people."),
            ["two-thirds", "72%", "10 per cent", "a third", "one in five", "£0.5bn", "€2 million", "30,000"]
        );
        assert!(
            found("Between 2005 and 2009, 75 councils, 2011/12, half of them, on behalf of")
                .is_empty()
        );
        assert!(found("two reports: one, in 2010, of a study; one in 2013").is_empty());
        // A percentage before "per" that is not "per cent", at the end of a text run (a link
        // follows): this once indexed past the last word, and the build panicked.
        assert_eq!(found("Costs rose 5% per"), ["5%"]);
        assert_eq!(found("5% per year, 10 per cent"), ["5%", "10 per cent"]);
        // Whitespace that is not ASCII separates words too.
        assert_eq!(
            found("Rose 10\u{a0}per\u{2003}cent."),
            ["10\u{a0}per\u{2003}cent"]
        );
        // Capitals, quotes and punctuation around a number word (the quick test before a word is
        // cleaned lets each through).
        assert_eq!(
            found("Two-thirds said so; “One in five” did, \"A THIRD\" agreed; ONE-FIFTH."),
            ["Two-thirds", "“One in five”", "\"A THIRD\"", "ONE-FIFTH"]
        );
        let body = "Text with 72% in it.\n\n`40%` in code is not prose.\n";
        let s = scan(body);
        assert_eq!(s.figures.len(), 1);
        assert_eq!(&body[s.figures[0].offset..s.figures[0].offset + 3], "72%");
    }

    #[test]
    fn the_first_use_of_a_term_links_to_the_glossary() {
        let terms = [TermLink {
            forms: vec![
                "personal budgets".into(),
                "personal budget".into(),
                "pb".into(),
            ],
            url: "/glossary/#personal-budget".into(),
        }];
        let html = to_html(
            "## Personal budgets\n\nMany [personal budget](x) holders; personal budgets grew. A personal budget.\n",
            &HashMap::new(),
            &HashMap::new(),
            &terms,
            MdOptions::DEFAULT,
        );
        // Not in the heading, not inside another link: the first use in plain text, once.
        assert_eq!(
            html.matches("/glossary/#personal-budget").count(),
            1,
            "{html}"
        );
        assert!(html.contains("holders; <a href=\"/glossary/#personal-budget\" title=\"In the glossary\">personal budgets</a> grew"), "{html}");
        // Whole words only.
        let none = to_html(
            "PBS and pbx",
            &HashMap::new(),
            &HashMap::new(),
            &terms,
            MdOptions::DEFAULT,
        );
        assert!(!none.contains("<a"), "{none}");
    }

    #[test]
    fn first_sentence_is_plain_text() {
        let body = "# Head\n\nA *short* [summary](x.md) of the\nsource. More here.\n\nNext.\n";
        assert_eq!(first_sentence(body), "A short summary of the source.");
        assert_eq!(first_sentence("No full stop"), "No full stop");
        assert_eq!(first_sentence(""), "");
    }

    #[test]
    fn slugs_are_unique() {
        let mut s = Slugger::default();
        assert_eq!(s.anchor(None, "A b"), "a-b");
        assert_eq!(s.anchor(None, "A  b!"), "a-b-1");
        assert_eq!(slugify("Don’t stop: 2013"), "dont-stop-2013");
    }

    #[test]
    fn a_plain_statement_is_its_own_plain_text_and_any_other_is_parsed() {
        for plain in [
            "Most councils (72%) said so.",
            "Self-directed support: 1,200 of 3,000 people; why?",
            "75% said so",
        ] {
            assert!(reads_as_itself(plain), "{plain}");
            assert_eq!(inline_plain(plain), parsed_plain(plain));
        }
        for marked in [
            "1. A list",
            "2) A list",
            "- A list",
            "Wait...",
            "A -- B",
            "It's *so*",
            " Spaced",
            "Two\nlines",
        ] {
            assert!(!reads_as_itself(marked), "{marked}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2048))]
        /// Whatever the shortcut takes as its own plain text, parsing gives the same. (Few
        /// characters, so that runs of the ones that matter come up often.)
        #[test]
        fn text_read_as_itself_parses_to_itself(text in "[aé1 .\\-()%:,]{0,12}") {
            if reads_as_itself(&text) {
                proptest::prop_assert_eq!(parsed_plain(&text), text);
            }
        }

        /// Whatever prose it is given, the figures found are spans of it: never past its end
        /// (as "5% per" at the end of a text run once was, which panicked the build), each
        /// starting and ending on a character and holding a digit or a number word. Built from
        /// the words figures are made of, in any order, with ASCII and other whitespace.
        #[test]
        fn figures_found_in_any_prose_are_spans_of_it(
            words in proptest::collection::vec(figure_word(), 0..12),
            gaps in proptest::collection::vec(
                proptest::sample::select(vec![" ", "\u{a0}", "\n", "(", ") ", "\u{2003}", ""]),
                12,
            ),
        ) {
            let mut text = String::new();
            for (word, gap) in words.iter().zip(&gaps) {
                text.push_str(word);
                text.push_str(gap);
            }
            for (at, len) in prose_figures(&text) {
                let span = text.get(at..at + len);
                proptest::prop_assert!(span.is_some_and(|s| !s.is_empty()), "{text:?}: {at}+{len}");
            }
        }
    }

    /// A word of prose of the kinds figures are made of.
    fn figure_word() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let words = [
            "per",
            "cent",
            "in",
            "a",
            "One",
            "two-thirds,",
            "third",
            "\"A",
            "£2.5",
            "million",
            "2010",
            "“One",
            "five”",
            "%",
        ];
        prop_oneof![
            "[0-9]{1,3}(,[0-9]{3})?%?",
            proptest::sample::select(words.to_vec()).prop_map(String::from),
            "[a-zA-Z\\-,.;:!?\"]{0,7}",
            ".{0,3}",
        ]
    }
}
