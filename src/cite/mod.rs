//! Citations: the one module that knows hayagriva (and, through it, citationberg). It owns how a
//! [`Source`] is cited and exported:
//!
//! - formatted references in five styles ([`Style`]), from the official CSL style files vendored
//!   in `styles/` (see `styles/README.md` for their versions), with the en-GB locale;
//! - a finding cited two ways: its source with the finding's locator ([`cite_with_locator`]), and
//!   the finding's page on this site as a web page ([`cite_page`]);
//! - exports: CSL-JSON ([`csl_json`]), BibTeX ([`bibtex`]) and RIS ([`ris`]);
//! - page metadata for reference managers: Highwire Press `citation_*` tags ([`highwire_tags`])
//!   and schema.org JSON-LD ([`json_ld`], [`page_json_ld`]);
//! - the fields each type of source needs to be cited at all ([`missing_fields`]).
//!
//! Every style works from the same CSL-JSON item that the `.json` export contains, fed to
//! hayagriva as `citationberg::json::Item`: so the output can be compared with citeproc-js given
//! the same item and style file, and no mapping to hayagriva's own entry types can drop a field.
//! hayagriva writes no BibTeX or RIS, so those two writers are here, small and escaped.
//!
//! Each engine run formats one item, so it runs a copy of the style with the conditions on the
//! item's type, and on the fields it lacks, worked out ahead (`by_shape.rs`): the same output, for
//! much less of hayagriva's time.

use std::fmt::Write as _;
use std::sync::OnceLock;

use rayon::prelude::*;

use crate::diagnostic::{Code, Diagnostic};
use crate::html::escape_html;

mod by_shape;
mod locales;
use by_shape::ByShape;
pub use locales::CslLocale;

use hayagriva::citationberg::json as csl;
use hayagriva::citationberg::taxonomy::Locator;
use hayagriva::citationberg::{
    FontStyle, FontVariant, FontWeight, IndependentStyle, LocaleCode, TextDecoration, VerticalAlign,
};
use hayagriva::lang::{Case, SentenceCase, TitleCase};
use hayagriva::{
    BibliographyDriver, BibliographyRequest, BufWriteFormat, CitationItem, CitationRequest,
    ElemChild, ElemChildren, Formatting, LocatorPayload, SpecificLocator,
};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value as Json};

use crate::model::{Date, Person, Source, SourceType};

/// A citation style, one per vendored CSL file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Style {
    Apa,
    Harvard,
    Chicago,
    Vancouver,
    Mla,
}

impl Style {
    pub const ALL: [Style; 5] = [
        Style::Apa,
        Style::Harvard,
        Style::Chicago,
        Style::Vancouver,
        Style::Mla,
    ];

    /// Short name, used in HTML ids and golden file names.
    pub fn key(self) -> &'static str {
        match self {
            Style::Apa => "apa",
            Style::Harvard => "harvard",
            Style::Chicago => "chicago",
            Style::Vancouver => "vancouver",
            Style::Mla => "mla",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Style::Apa => "APA 7",
            Style::Harvard => "Harvard (Cite Them Right)",
            Style::Chicago => "Chicago (author-date)",
            Style::Vancouver => "Vancouver",
            Style::Mla => "MLA 9",
        }
    }

    /// The style file as evident uses it: with its corrections ([`vancouver_book_authors`] and
    /// the others), which the citation cache's stamp includes.
    fn patched_xml(self) -> String {
        match self {
            Style::Vancouver => vancouver_names_workaround(&vancouver_book_authors(self.xml())),
            Style::Harvard => harvard_no_preprint(self.xml()),
            _ => self.xml().to_string(),
        }
    }

    fn xml(self) -> &'static str {
        match self {
            Style::Apa => include_str!("../../styles/apa.csl"),
            Style::Harvard => include_str!("../../styles/harvard-cite-them-right.csl"),
            Style::Chicago => include_str!("../../styles/chicago-author-date.csl"),
            // Vancouver is the NLM "Citing Medicine" style; the CSL repository renamed
            // `vancouver.csl` to this file.
            Style::Vancouver => include_str!("../../styles/nlm-citation-sequence.csl"),
            Style::Mla => include_str!("../../styles/modern-language-association.csl"),
        }
    }
}

struct Styles {
    styles: Vec<(Style, ByShape)>,
    /// Styles whose output depends on a citation's position (first, subsequent, ibid): each of
    /// their citations needs a run of its own.
    positional: Vec<Style>,
    /// The positional styles without their bibliography: their in-text citations at a further
    /// locator, without formatting the reference again (most of a run's cost; the reference is
    /// the same at any locator).
    citation_only: Vec<(Style, ByShape)>,
    /// Styles that failed to load (a bug in evident, which the tests catch).
    problems: Vec<Diagnostic>,
}

/// The parsed styles, once per process. The files are part of the binary and tested, so a parse
/// failure is a bug in evident; it is reported by [`style_problems`], never dropped silently.
fn styles() -> &'static Styles {
    static STYLES: OnceLock<Styles> = OnceLock::new();
    STYLES.get_or_init(|| {
        let mut problems = Vec::new();
        let mut styles = Vec::new();
        let mut positional = Vec::new();
        let mut citation_only = Vec::new();
        // Parsing the files is a fifth of a small site's build: they are parsed side by side.
        let loaded: Vec<_> = Style::ALL
            .par_iter()
            .map(|&s| {
                let xml = s.patched_xml();
                (s, load_style(s.label(), &xml), xml.contains("position="))
            })
            .collect();
        for (s, whole, is_positional) in loaded {
            match whole {
                Ok(x) => {
                    if is_positional {
                        positional.push(s);
                        citation_only.push((s, ByShape::new(without_bibliography(&x))));
                    }
                    styles.push((s, ByShape::new(x)));
                }
                Err(d) => problems.push(d),
            }
        }
        Styles {
            styles,
            positional,
            citation_only,
            problems,
        }
    })
}

/// A style without its `<bibliography>`: its citations alone.
fn without_bibliography(style: &IndependentStyle) -> IndependentStyle {
    IndependentStyle {
        bibliography: None,
        ..style.clone()
    }
}

/// Parses a style. Its `<macro>` and `<locale>` elements are moved to the end of `<style>`
/// first ([`lists_last`]): the same style, parsed in half the time.
pub fn load_style(name: &str, xml: &str) -> Result<IndependentStyle, Diagnostic> {
    IndependentStyle::from_xml(&lists_last(xml))
        .map_err(|e| style_problem(&format!("the citation style {name} failed to load: {e}")))
}

/// `xml` with the `<macro>` and then the `<locale>` children of `<style>` moved, each in their
/// order, to just before `</style>`.
///
/// The order of `<style>`'s children means nothing in CSL, but it costs: the XML reader gathers
/// a list (the macros) by reading ahead to the end of its parent and keeping everything else it
/// passes (the citation and bibliography layouts), then reads those again; each list inside them
/// then copies what is left of the kept events, so a large style took twice as long to parse.
/// With the macros, then the (few, short) locales, last, little is kept. The children are found by
/// their indentation, as in every style evident carries; a style laid out otherwise is returned as
/// it is (and a test checks that each style parses to the same value both ways).
fn lists_last(xml: &str) -> String {
    const OPEN: [&str; 2] = ["\n  <macro", "\n  <locale"];
    const CLOSE: [&str; 2] = ["\n  </macro>", "\n  </locale>"];
    let mut kept = String::with_capacity(xml.len());
    let mut moved = [String::new(), String::new()];
    // Where the next macro and the next locale open, each searched for again only once passed
    // (searching both after every element made a style without locales quadratic to scan).
    let mut next = OPEN.map(|open| xml.find(open));
    let mut done = 0;
    while let Some((which, at)) = (0..2)
        .filter_map(|i| next[i].map(|at| (i, at)))
        .min_by_key(|&(_, at)| at)
    {
        let opening = xml[at..].find('>').map(|e| at + e);
        let end = match opening {
            Some(gt) if xml[..gt].ends_with('/') => gt + 1,
            _ => match xml[at..].find(CLOSE[which]) {
                Some(e) => at + e + CLOSE[which].len(),
                None => return xml.to_string(),
            },
        };
        kept.push_str(&xml[done..at]);
        moved[which].push_str(&xml[at..end]);
        done = end;
        for (i, open) in OPEN.iter().enumerate() {
            if next[i].is_some_and(|n| n < done) {
                next[i] = xml[done..].find(open).map(|n| done + n);
            }
        }
    }
    let [macros, locales] = moved;
    let moved = macros + &locales;
    let rest = &xml[done..];
    let Some(end) = rest.rfind("</style>").filter(|_| !moved.is_empty()) else {
        return xml.to_string();
    };
    kept.push_str(&rest[..end]);
    kept.push_str(moved.trim_start_matches('\n'));
    kept.push('\n');
    kept.push_str(&rest[end..]);
    kept
}

fn style_problem(message: &str) -> Diagnostic {
    Diagnostic::error(Code::CitationStyle, message.to_string())
        .help("this is a bug in evident, not in your site: please report it")
}

/// A warning for a site whose language CSL has no locale for: its citations' words ("and",
/// "accessed", month names) are then en-US, as the CSL specification says.
pub fn locale_warning(
    language: &str,
    at: Option<crate::diagnostic::Position>,
) -> Option<Diagnostic> {
    if CslLocale::for_language(language).is_some() {
        return None;
    }
    Some(
        Diagnostic::warning(
            Code::CitationLocale,
            format!(
                "citations are formatted in {}: the Citation Style Language has no locale for `{language}`",
                CslLocale::fallback().code()
            ),
        )
        .at_opt(crate::layout::CONFIG, at)
        .help("the pages are still in the site's language; to choose the citations' language, set `language:` to a tag with a CSL locale (their list is in evident's styles/README.md)"),
    )
}

/// Styles built into evident, or the files of `citer`'s locale, that failed to load. Neither is
/// loaded for this when `citer` started from a cache of this version of evident, these styles and
/// this locale that holds a source's citations ([`Citer::with_cache`]): the build that formatted
/// them loaded both, and would have failed, and written no cache, had either not loaded.
pub fn style_problems(citer: &Citer) -> Vec<Diagnostic> {
    if citer.started.0 > 0 {
        return Vec::new();
    }
    let mut problems = styles().problems.clone();
    problems.extend(citer.locale.loaded().problems.iter().cloned());
    problems
}

/// Cite Them Right Harvard marks a journal article with neither volume nor pages "[Preprint]",
/// inferring a preprint from missing fields. evident's journal articles are published articles
/// (it has no preprint type), so a record whose volume and pages are not known would be called a
/// preprint it is not. The mark is removed; the vendored file stays byte-identical to upstream,
/// and citeproc-js, which follows the file, differs here (tests/browser/citeproc-known.json).
fn harvard_no_preprint(xml: &str) -> String {
    xml.replace("<text value=\"Preprint\" prefix=\"[\" suffix=\"]\"/>", "")
}

/// hayagriva 0.10.1 renders no names for a `<names>` element that has no `<name>` child, which
/// the CSL specification allows (default name options apply): with the official NLM file, every
/// Vancouver reference lost its authors (hayagriva issue 519, fixed after 0.10.1). An empty
/// `<name/>` is the same thing spelt out, so it is added to the file's three such elements here,
/// leaving the vendored file byte-identical to upstream. Remove when hayagriva is upgraded.
fn vancouver_names_workaround(xml: &str) -> String {
    xml.replace(
        "\">\n      <label prefix=\", \"/>",
        "\">\n      <name/><label prefix=\", \"/>",
    )
    .replace(
        "\">\n            <label prefix=\", \"/>",
        "\">\n            <name/><label prefix=\", \"/>",
    )
}

/// The NLM file's "In:" names a chapter's book by its editors alone: a book written by one
/// author, whose chapters others wrote, lost its author ("In: Personalisation"), where Citing
/// Medicine (chapter 5, contributions to books) gives the book's authors or editors after "In:"
/// ("In: Beresford P. Personalisation"). The book's authors (`container-author`) are printed
/// before its editors here; citeproc-js, following the file, leaves them out
/// (`tests/browser/citeproc-known.json`).
fn vancouver_book_authors(xml: &str) -> String {
    vancouver_page_hyphen(xml).replace(
        "<macro name=\"secondary-authors\">\n    <names variable=\"editor\">\n      <label prefix=\", \"/>\n    </names>\n  </macro>",
        "<macro name=\"secondary-authors\">\n    <group delimiter=\". \">\n      <names variable=\"container-author\"><name/></names>\n      <names variable=\"editor\">\n        <name/><label prefix=\", \"/>\n      </names>\n    </group>\n  </macro>",
    )
}

/// Citing Medicine joins the first and last page with a hyphen (`p. 67-74`, `161-77`); the NLM
/// file leaves the locale's en dash. A locale block for every language gives the file the
/// hyphen; citeproc-js, following the file, keeps the dash (`tests/browser/citeproc-known.json`).
fn vancouver_page_hyphen(xml: &str) -> String {
    xml.replacen(
        "  <locale xml:lang=\"en\">",
        "  <locale>\n    <terms>\n      <term name=\"page-range-delimiter\">-</term>\n    </terms>\n  </locale>\n  <locale xml:lang=\"en\">",
        1,
    )
}

/// One formatted citation in one style.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Citation {
    pub style: Style,
    /// The reference-list entry, HTML-escaped, with `<i>` for italics.
    pub html: String,
    /// The same entry as plain text.
    pub text: String,
    /// The in-text citation, e.g. "(Slasberg, Beresford and Schofield, 2012, p. 165)".
    pub in_text: String,
}

/// The five references for a source, in `locale`.
pub fn cite(source: &Source, locale: CslLocale) -> Vec<Citation> {
    render_all(&csl_json(source), None, locale)
}

/// The five references for a source, with in-text citations that carry `locator` (e.g.
/// `p. 165`, `para. 3, bullet 2`). Returns `None` in the second place when the locator does not
/// start with a label CSL knows (page, paragraph, section, chapter, figure, table), so that the
/// caller shows it beside the citation instead of losing it.
pub fn cite_with_locator(
    source: &Source,
    locator: &str,
    locale: CslLocale,
) -> (Vec<Citation>, bool) {
    match parse_locator(locator) {
        Some((kind, value)) => (
            render_all(&csl_json(source), Some((kind, value)), locale),
            true,
        ),
        None => (render_all(&csl_json(source), None, locale), false),
    }
}

/// Formatting a citation through the CSL engine costs about half a millisecond of CPU per style;
/// a site with 10,000 findings needs 100,000 of them. Findings of one source differ only in the
/// locator, and pages of one site only in title and URL, so [`Citer`] formats each style once
/// with placeholders (probes) and fills them in per finding. It does so only where that is the
/// same as formatting afresh:
///
/// - each probe came out of the engine whole, either as written or changed by one of
///   hayagriva's own case transforms ([`Case`]; APA, Chicago and MLA title-case a page's title)
///   or by evident's own before the run (APA's capitalised subtitles, [`SUBTITLES`]), and the
///   fill applies the same transform to the value (when the probe fits several transforms, they
///   must agree on the value);
/// - the value is plain text the engine treats as the probe: no quotes, no closing punctuation
///   that could merge with the style's own, no doubled spaces, no range a style could reformat.
///
/// Anything else is formatted afresh, style by style. Tests compare both ways on values chosen to
/// trip it. The title probe has small words first and last, a colon and one capitalised word, so
/// that each transform shows itself and no two are mistaken for each other.
const PROBE_TITLE: &str = "a Qzxone of the qzxtwo: an qzxthree and the";
const PROBE_URL: &str = "https://qzx.invalid/qzxurl/";
const PROBE_LOCATOR: &str = "qzxLocator";

/// A case transform as hayagriva applies it, with evident's corrections to its title case
/// ([`fix_title_case`]).
fn transform(case: &Case, value: &str) -> String {
    let shown = case.transform(value);
    match case {
        Case::Title(_) => fix_title_case(value, &shown),
        _ => shown,
    }
}

/// Small words that title case leaves in lower case, as citeproc-js has them (hayagriva 0.10.1's
/// list is shorter: it capitalises "per", "via" and the like).
const LOWER_IN_TITLES: &[&str] = &[
    "a", "about", "above", "across", "after", "against", "along", "among", "an", "and", "around",
    "as", "at", "before", "behind", "below", "beneath", "beside", "between", "beyond", "but", "by",
    "down", "during", "except", "for", "from", "in", "inside", "into", "like", "near", "nor", "of",
    "off", "on", "onto", "or", "out", "over", "per", "since", "so", "than", "the", "through",
    "till", "to", "toward", "towards", "under", "until", "unto", "up", "upon", "versus", "via",
    "vs", "with", "within", "without", "yet",
];

/// Corrects hayagriva's title case of `original` (`shown`) where it differs from citeproc-js:
/// a word written with capitals after its first letter or with digits ("DFE-RR1234", "RAS",
/// "iPhone") keeps its own case (hayagriva makes "DFE-Rr1234"), and a small word written in
/// lower case stays so ("10 per Cent"), except first, after a colon or other closing
/// punctuation, and last (hayagriva capitalises the last word in quoted titles, as the Chicago
/// Manual of Style does; citeproc-js does not); and one written with a capital after the first
/// word keeps it (hayagriva, like citeproc-js, makes "Asked in in Control's" of a statement's
/// "asked in In Control's", where Zotero's users would mark the name `nocase`).
fn fix_title_case(original: &str, shown: &str) -> String {
    let (a, b): (Vec<char>, Vec<char>) = (original.chars().collect(), shown.chars().collect());
    if a.len() != b.len() {
        return shown.to_string();
    }
    let mut out: Vec<char> = b.clone();
    let mut i = 0;
    let mut first = true;
    while i < a.len() {
        if !a[i].is_alphanumeric() {
            if ":.?!".contains(a[i]) {
                first = true;
            }
            i += 1;
            continue;
        }
        let start = i;
        while i < a.len() && (a[i].is_alphanumeric() || a[i] == '\'' || a[i] == '’') {
            i += 1;
        }
        let word: String = a[start..i].iter().collect();
        let last = !a[i..].iter().any(|c| c.is_alphanumeric());
        let small = !first && !last && LOWER_IN_TITLES.contains(&word.as_str());
        // A small word written with a capital inside a title is a name's ("In Control", "Out of
        // Hours"), as in a page's title, which is a finding's statement in sentence case.
        let named = !first
            && word.starts_with(char::is_uppercase)
            && LOWER_IN_TITLES.contains(&word.to_lowercase().as_str());
        if keeps_own_case(&word) || small || named {
            out[start..i].copy_from_slice(&a[start..i]);
        }
        first = false;
    }
    out.into_iter().collect()
}

/// Whether title case leaves `word` as written: it has capitals after its first letter, or
/// capitals and digits ("iPhone", "RAS", "DFE-RR1234").
fn keeps_own_case(word: &str) -> bool {
    word.chars().skip(1).any(char::is_uppercase)
        || (word.chars().any(char::is_uppercase) && word.chars().any(|c| c.is_ascii_digit()))
}

/// `reference` with `title`, wherever a style printed it changed only in case, corrected by
/// [`fix_title_case`].
fn fix_title_in(reference: &str, title: &str) -> String {
    title_in(reference, title, fix_title_case)
}

/// `reference` with `title`, wherever a style printed it changed only in case, as `fix` makes it
/// from the title and how it was printed.
fn title_in(reference: &str, title: &str, fix: impl Fn(&str, &str) -> String) -> String {
    let (lower, wanted) = (reference.to_lowercase(), title.to_lowercase());
    // Lower-casing keeps byte offsets only where it keeps lengths.
    if wanted.is_empty() || lower.len() != reference.len() || wanted.len() != title.len() {
        return reference.to_string();
    }
    match lower.find(&wanted) {
        Some(at) => {
            let shown = &reference[at..at + title.len()];
            let fixed = fix(title, shown);
            format!(
                "{}{fixed}{}",
                &reference[..at],
                &reference[at + title.len()..]
            )
        }
        None => reference.to_string(),
    }
}

/// Case transforms a style may apply to a value, as hayagriva applies them. In a quoted title
/// (Chicago, MLA) hayagriva's title case also capitalises the last word.
fn cases() -> &'static [Case; 8] {
    static CASES: OnceLock<[Case; 8]> = OnceLock::new();
    CASES.get_or_init(|| {
        [
            Case::NoTransform,
            Case::Title(TitleCase::default()),
            Case::Title({
                let mut t = TitleCase::default();
                t.always_capitalize_last_word = true;
                t
            }),
            Case::Sentence(SentenceCase::default()),
            Case::FirstUpper,
            Case::Uppercase,
            Case::Lowercase,
            Case::AllUpper,
        ]
    })
}

/// A case transform by its place in [`cases`], or past them evident's own ([`SUBTITLES`]): what
/// templates keep, so that they can be cached.
type CaseIx = u8;

/// Past hayagriva's transforms ([`cases`]): the value as written with its subtitles capitalised,
/// as evident gives titles to APA ([`for_style`]).
const SUBTITLES: CaseIx = 8;

/// Past [`SUBTITLES`]: APA's title case ([`apa_title_case`]), which APA's templates take where
/// the style asks for title case ([`template`]).
const APA_TITLE: CaseIx = 9;

fn transform_ix(case: CaseIx, value: &str) -> String {
    match (cases().get(usize::from(case)), case) {
        (Some(c), _) => transform(c, value),
        (None, APA_TITLE) => apa_title_case(value),
        (None, _) => subtitle_capitalised(value),
    }
}

/// Words of three letters or fewer that APA's title case leaves in lower case (APA 7, 6.17: short
/// conjunctions, articles and short prepositions). Every other word is capitalised, however short
/// ("Is") or long ("With").
const APA_MINOR: &[&str] = &[
    "a", "an", "and", "as", "at", "but", "by", "for", "if", "in", "nor", "of", "off", "on", "or",
    "per", "so", "the", "to", "up", "via", "yet",
];

/// `title` in APA's title case (APA 7, 6.17), which APA uses for a title named in the text: the
/// first word, the first after a colon, em dash or closing punctuation, and every word but
/// [`APA_MINOR`]'s capitalised, each part of a hyphenated word on its own ("Large-Scale"). As in
/// [`fix_title_case`], a word with capitals after its first letter or with digits keeps its own
/// case ("DFE-RR1234", "iPhone"), as does a minor word written with a capital after the first word
/// (a name's: "In Control"). Where the shared title case keeps "If" (Chicago capitalises
/// subordinating conjunctions), APA lowers it; where it keeps "with", APA raises it.
fn apa_title_case(title: &str) -> String {
    let mut out = String::with_capacity(title.len());
    let mut first = true;
    let mut rest = title;
    while let Some(c) = rest.chars().next() {
        if !c.is_alphanumeric() {
            first |= ":.?!—".contains(c);
            out.push(c);
            rest = &rest[c.len_utf8()..];
            continue;
        }
        let end = (rest.char_indices())
            .find(|(_, c)| !(c.is_alphanumeric() || *c == '\'' || *c == '’'))
            .map_or(rest.len(), |(i, _)| i);
        let (word, after) = rest.split_at(end);
        let own_case = keeps_own_case(word);
        let minor = !first && APA_MINOR.contains(&word.to_lowercase().as_str());
        let mut chars = word.chars();
        match chars.next() {
            Some(f) if !own_case && !minor && f.to_uppercase().count() == 1 => {
                out.extend(f.to_uppercase());
                out.push_str(chars.as_str());
            }
            _ => out.push_str(word),
        }
        first = false;
        rest = after;
    }
    out
}

/// One field of a citation with its probes taken out: the text between them, and for each gap
/// the slot it is for and the transforms that fit what the engine printed.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Field {
    parts: Vec<String>,
    gaps: Vec<(usize, Vec<CaseIx>)>,
}

/// One style's citation with its probes taken out, when the engine kept them whole.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Template {
    style: Style,
    /// html, text, in-text.
    fields: [Field; 3],
}

/// Every style's template (or `None`), in [`Style::ALL`] order.
type Templates = Vec<(Style, Option<Template>)>;

/// A probe, how it may be changed (`true`: case transforms), and what a value must be.
type Probe = (&'static str, bool, fn(&str) -> bool);

const TITLE: Probe = (PROBE_TITLE, true, plain_title);
const URL: Probe = (PROBE_URL, false, plain_url);
const LOCATOR: Probe = (PROBE_LOCATOR, true, plain_value);

/// A title may also have hyphens between words (a locator may not: `165-7` is a page range that
/// some styles rewrite).
fn plain_title(value: &str) -> bool {
    plain_value(&value.replace(['-', '–'], " ")) && !value.contains(" -") && !value.contains("- ")
}

/// Whether a URL may take the URL probe's place: printed as is by every style.
fn plain_url(value: &str) -> bool {
    value.starts_with("http")
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ":/.-_~%".contains(c))
        && !value.contains("qzx")
}

/// Whether text may take a title or locator probe's place without the engine treating it
/// differently.
fn plain_value(value: &str) -> bool {
    !value.is_empty()
        && !value.to_lowercase().contains("qzx")
        && !value.contains("  ")
        && value.trim() == value
        && value.chars().all(|c| {
            // Inner `.`, `:`, `?` and `!` are printed as is; at the end they could merge with
            // the style's own punctuation, which the last-character test below excludes.
            c.is_alphanumeric() || " %—,()/+#&.:?!".contains(c)
        })
        && value
            .chars()
            .last()
            .is_some_and(|c| c.is_alphanumeric() || c == '%' || c == ')')
        && value.chars().next().is_some_and(|c| c.is_alphanumeric())
}

/// Takes the probes out of one field; `None` if any trace of a probe is left (it was shortened,
/// split or changed in a way no transform explains).
fn field(text: &str, probes: &[Probe], html: bool) -> Option<Field> {
    let enc = |s: &str| if html { escape_html(s) } else { s.to_string() };
    // How each probe looks in this field, if it is there: the first transform whose output is in
    // the text, and every transform with that same output.
    let mut looks: Vec<(usize, String, Vec<CaseIx>)> = Vec::new();
    for (slot, (probe, transforms, _)) in probes.iter().enumerate() {
        // Index 0 is `Case::NoTransform`.
        let allowed: Vec<CaseIx> = if *transforms {
            (0..=SUBTITLES).collect()
        } else {
            vec![0]
        };
        let Some(shown) = allowed
            .iter()
            .map(|c| enc(&transform_ix(*c, probe)))
            .find(|shown| text.contains(shown.as_str()))
        else {
            continue;
        };
        let fits = allowed
            .iter()
            .copied()
            .filter(|c| enc(&transform_ix(*c, probe)) == shown)
            .collect();
        looks.push((slot, shown, fits));
    }
    let mut parts = Vec::new();
    let mut gaps = Vec::new();
    let mut current = String::new();
    let mut rest = text;
    'scan: while let Some(c) = rest.chars().next() {
        for (slot, shown, fits) in &looks {
            if let Some(after) = rest.strip_prefix(shown.as_str()) {
                parts.push(std::mem::take(&mut current));
                gaps.push((*slot, fits.clone()));
                rest = after;
                continue 'scan;
            }
        }
        current.push(c);
        rest = &rest[c.len_utf8()..];
    }
    parts.push(current);
    if parts.iter().any(|p| p.to_lowercase().contains("qzx")) {
        return None;
    }
    Some(Field { parts, gaps })
}

fn template(c: &Citation, probes: &[Probe]) -> Option<Template> {
    let mut fields = [
        field(&c.html, probes, true)?,
        field(&c.text, probes, false)?,
        field(&c.in_text, probes, false)?,
    ];
    // Where APA asks for title case (a title named in the text), the engine's is the shared one;
    // APA's own is filled in instead, as a fresh run corrects it ([`fix_title_in`]).
    if c.style == Style::Apa {
        let gaps = fields.iter_mut().flat_map(|f| f.gaps.iter_mut());
        for (_, fits) in gaps.filter(|(_, fits)| fits.iter().any(|&c| is_title(c))) {
            fits.retain(|&c| !is_title(c));
            fits.push(APA_TITLE);
        }
    }
    Some(Template {
        style: c.style,
        fields,
    })
}

/// Whether `case` is one of hayagriva's title cases ([`cases`]).
fn is_title(case: CaseIx) -> bool {
    matches!(cases().get(usize::from(case)), Some(Case::Title(_)))
}

/// The values that fill templates, each case transform of each worked out once (a page's title
/// appears in three fields of five styles).
struct Shown<'a> {
    values: &'a [&'a str],
    made: std::collections::HashMap<(usize, CaseIx), String>,
}

impl<'a> Shown<'a> {
    fn new(values: &'a [&'a str]) -> Self {
        Shown {
            values,
            made: Default::default(),
        }
    }

    fn get(&mut self, slot: usize, case: CaseIx) -> Option<&str> {
        let value = *self.values.get(slot)?;
        Some(
            self.made
                .entry((slot, case))
                .or_insert_with(|| transform_ix(case, value)),
        )
    }

    /// The value for `slot` as every transform in `fits` shows it; `None` when they disagree.
    fn agreed(&mut self, slot: usize, fits: &[CaseIx]) -> Option<String> {
        let (first, rest) = fits.split_first()?;
        let shown = self.get(slot, *first)?.to_string();
        for case in rest {
            if self.get(slot, *case)? != shown {
                return None;
            }
        }
        Some(shown)
    }
}

/// Fills a template with the values in `shown` (one per probe); `None` when the transforms that
/// fit a probe disagree on a value.
fn fill(t: &Template, shown: &mut Shown) -> Option<Citation> {
    let mut out = Vec::with_capacity(3);
    for (i, f) in t.fields.iter().enumerate() {
        let mut s = String::new();
        for (k, part) in f.parts.iter().enumerate() {
            s.push_str(part);
            if let Some((slot, fits)) = f.gaps.get(k) {
                let value = shown.agreed(*slot, fits)?;
                s.push_str(&if i == 0 { escape_html(&value) } else { value });
            }
        }
        out.push(s);
    }
    let [html, text, in_text]: [String; 3] = out.try_into().ok()?;
    Some(Citation {
        style: t.style,
        html,
        text,
        in_text,
    })
}

/// Fills `templates` where they are usable, and formats the other styles afresh.
fn fill_or_render(
    templates: &Templates,
    probes: &[Probe],
    values: &[&str],
    fresh: impl Fn(&[Style]) -> Vec<Citation>,
) -> Vec<Citation> {
    let usable = probes.iter().zip(values).all(|((_, _, plain), v)| plain(v));
    let mut shown = Shown::new(values);
    let filled: Vec<(Style, Option<Citation>)> = templates
        .iter()
        .map(|(style, t)| {
            (
                *style,
                t.as_ref()
                    .filter(|_| usable)
                    .and_then(|t| fill(t, &mut shown)),
            )
        })
        .collect();
    let missing: Vec<Style> = filled
        .iter()
        .filter(|(_, c)| c.is_none())
        .map(|(s, _)| *s)
        .collect();
    let mut fresh = if missing.is_empty() {
        Vec::new()
    } else {
        fresh(&missing)
    }
    .into_iter();
    filled
        .into_iter()
        .filter_map(|(style, c)| c.or_else(|| fresh.next().filter(|c| c.style == style)))
        .collect()
}

fn templates(
    item: &Json,
    locator: Option<&(Locator, String)>,
    probes: &[Probe],
    locale: CslLocale,
) -> Templates {
    templates_of(&render_styles(item, locator, &Style::ALL, locale), probes)
}

/// Every style's template from citations made with probes.
fn templates_of(made: &[Citation], probes: &[Probe]) -> Templates {
    Style::ALL
        .iter()
        .map(|s| {
            let t = made
                .iter()
                .find(|c| c.style == *s)
                .and_then(|c| template(c, probes));
            (*s, t)
        })
        .collect()
}

/// Formats findings' citations for a whole site, with as few CSL runs as it can (see above). Safe
/// to share between threads.
pub struct Citer {
    page: WebPage,
    /// The locale of the site's language, in which every citation is formatted.
    locale: CslLocale,
    /// Made the first time a page is cited: a site with no findings parses no style at all.
    page_templates: OnceLock<Templates>,
    /// (source's CSL-JSON, locator kind) → templates with the locator value left open.
    locators: std::sync::Mutex<std::collections::HashMap<(String, String), Templates>>,
    /// Citations already made, kept for the next build in `serve` (empty unless [`Citer::keep_cached`]
    /// was asked for): a rebuild after one edit then formats only what the edit changed.
    kept_pages: Option<Memo<WebPage, Vec<Citation>>>,
    kept_locators: Option<Memo<(String, String), WithLocator>>,
    kept_sources: Option<Memo<String, Vec<Citation>>>,
    /// How many sources' citations and locator templates the cache it started from held.
    started: (usize, usize),
    /// Whether it has formatted a source's citations or locator templates afresh since.
    grew: std::sync::atomic::AtomicBool,
}

type Memo<K, V> = std::sync::Mutex<std::collections::HashMap<K, V>>;

/// Citations kept between runs (`build`'s cache, `serve`'s first build): each source's own
/// citations and its locator templates, keyed by the source's whole CSL record, so an edited
/// source is formatted afresh. Findings' and pages' citations are filled from the templates, so
/// a run that starts from a cache of the same site makes no CSL run for them either. A cache
/// written by another version of evident (or with other styles) is ignored.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct CiteCache {
    stamp: String,
    sources: Vec<(String, Vec<Citation>)>,
    locators: Vec<((String, String), Templates)>,
    /// The templates the site's pages are cited from, keyed by the CSL record they were made
    /// from (the site's shared fields), once a page was cited.
    page: Option<(String, Templates)>,
}

/// Bump when what is cached, or how it is made, changes: a rule of [`for_style`] or of the
/// corrections after a run (the style files' own corrections are in the stamp already).
const CACHE_FORMAT: u32 = 6;

/// What a cache was made with: this version, the styles and `locale`. A cache with another stamp
/// is not used.
fn cache_stamp(locale: CslLocale) -> String {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for s in Style::ALL {
        s.patched_xml().hash(&mut h);
    }
    format!(
        "evident {} cite {CACHE_FORMAT} styles {:016x} locale {}",
        env!("CARGO_PKG_VERSION"),
        h.finish(),
        locale.code()
    )
}

impl CiteCache {
    /// A cache from its bytes (bincode); an empty one when they are not a cache at all. Whether
    /// it was made by this version, with these styles and the site's locale,
    /// [`Citer::with_cache`] checks.
    pub fn from_bytes(bytes: &[u8]) -> CiteCache {
        bincode::deserialize::<CiteCache>(bytes).unwrap_or_default()
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        bincode::serialize(self).unwrap_or_default()
    }

    /// How many sources it holds.
    pub fn len(&self) -> usize {
        self.sources.len()
    }

    pub fn is_empty(&self) -> bool {
        self.sources.is_empty()
    }
}

/// A source's citations with a finding's locator, and whether the locator could be put in them.
type WithLocator = (Vec<Citation>, bool);

impl Citer {
    /// `site` gives what every page shares (site title, publisher, version, date); its id, title
    /// and URL are ignored.
    pub fn new(site: &WebPage) -> Self {
        let page = WebPage {
            id: "qzxid".into(),
            title: PROBE_TITLE.into(),
            url: PROBE_URL.into(),
            ..site.clone()
        };
        Citer {
            page_templates: OnceLock::new(),
            locale: page.locale(),
            page,
            locators: Default::default(),
            kept_pages: None,
            kept_locators: None,
            kept_sources: None,
            started: (0, 0),
            grew: Default::default(),
        }
    }

    /// A citer that starts from `cache` and records what it makes, for [`Citer::cache`]. A cache
    /// made by another version of evident, or in another locale, is not used.
    pub fn with_cache(site: &WebPage, cache: CiteCache) -> Self {
        let mut citer = Citer {
            kept_sources: Some(Default::default()),
            ..Citer::new(site)
        };
        let cache = if cache.stamp == cache_stamp(citer.locale) {
            cache
        } else {
            CiteCache::default()
        };
        citer.started = (cache.sources.len(), cache.locators.len());
        if let Some((item, templates)) = cache.page {
            // The record as text, as the cache keeps it (not the JSON value, which a string
            // would never equal).
            let key = page_item(&citer.page).to_string();
            if item == key {
                let _ = citer.page_templates.set(templates);
            }
        }
        if let Some(memo) = &citer.kept_sources {
            memo.lock()
                .unwrap_or_else(|p| p.into_inner())
                .extend(cache.sources);
        }
        citer
            .locators
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend(cache.locators);
        citer
    }

    /// A citer that remembers every citation it makes, for use across rebuilds (`serve`),
    /// starting from `cache`.
    pub fn keep_cached(site: &WebPage, cache: CiteCache) -> Self {
        Citer {
            kept_pages: Some(Default::default()),
            kept_locators: Some(Default::default()),
            ..Citer::with_cache(site, cache)
        }
    }

    /// What this citer knows about `sources` (those of the site just built), for the next run;
    /// `None` when that is the cache it started from ([`Citer::with_cache`]): nothing formatted
    /// afresh, and every source it held still the site's.
    pub fn cache<'a>(&self, sources: impl Iterator<Item = &'a Source>) -> Option<CiteCache> {
        let keys: std::collections::BTreeSet<String> =
            sources.map(|s| csl_json(s).to_string()).collect();
        let kept = self
            .kept_sources
            .as_ref()
            .map(|m| m.lock().unwrap_or_else(|p| p.into_inner()));
        let locators = self.locators.lock().unwrap_or_else(|p| p.into_inner());
        let held = |k: &String| kept.as_ref().and_then(|m| m.get(k));
        let of_site = |(item, _): &&(String, String)| keys.contains(item);
        if !self.grew.load(std::sync::atomic::Ordering::Relaxed)
            && keys.iter().filter(|k| held(k).is_some()).count() == self.started.0
            && locators.keys().filter(of_site).count() == self.started.1
        {
            return None;
        }
        let mut cache = CiteCache {
            stamp: cache_stamp(self.locale),
            sources: keys
                .iter()
                .filter_map(|k| Some((k.clone(), held(k)?.clone())))
                .collect(),
            locators: locators
                .iter()
                .filter(|(k, _)| of_site(k))
                .map(|(k, t)| (k.clone(), t.clone()))
                .collect(),
            page: (self.page_templates.get())
                .map(|t| (page_item(&self.page).to_string(), t.clone())),
        };
        cache.locators.sort_by(|a, b| a.0.cmp(&b.0));
        Some(cache)
    }

    /// Whether this citer was made for a site with these shared fields.
    pub fn fits(&self, site: &WebPage) -> bool {
        let shared = |p: &WebPage| {
            (
                p.site_title.clone(),
                p.publisher.clone(),
                p.version.clone(),
                p.date.clone(),
                p.language.clone(),
            )
        };
        shared(site) == shared(&self.page)
    }

    /// The locale every citation of this citer is formatted in.
    pub fn locale(&self) -> CslLocale {
        self.locale
    }

    /// [`cite`]. `locators` are those of the findings that cite `source`: the templates for
    /// their kinds (page, paragraph, …) are made in the same engine runs as the source's own
    /// citations, so those findings' citations need no run of their own.
    pub fn source(&self, source: &Source, locators: &[&str]) -> Vec<Citation> {
        let Some(memo) = &self.kept_sources else {
            return self.source_afresh(source, locators);
        };
        let key = csl_json(source).to_string();
        if let Some(c) = memo.lock().unwrap_or_else(|p| p.into_inner()).get(&key) {
            return c.clone();
        }
        let c = self.source_afresh(source, locators);
        memo.lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(key, c.clone());
        self.grew.store(true, std::sync::atomic::Ordering::Relaxed);
        c
    }

    /// [`cite_page`], for a page of this site.
    pub fn page(&self, page: &WebPage) -> Vec<Citation> {
        let Some(memo) = &self.kept_pages else {
            return self.page_afresh(page);
        };
        if let Some(c) = memo.lock().unwrap_or_else(|p| p.into_inner()).get(page) {
            return c.clone();
        }
        let c = self.page_afresh(page);
        memo.lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(page.clone(), c.clone());
        c
    }

    /// [`cite_with_locator`].
    pub fn with_locator(&self, source: &Source, locator: &str) -> (Vec<Citation>, bool) {
        let Some(memo) = &self.kept_locators else {
            return self.with_locator_afresh(source, locator);
        };
        // The source's whole CSL record is the key, so an edit to the source is seen.
        let key = (csl_json(source).to_string(), locator.to_string());
        if let Some(c) = memo.lock().unwrap_or_else(|p| p.into_inner()).get(&key) {
            return c.clone();
        }
        let c = self.with_locator_afresh(source, locator);
        memo.lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(key, c.clone());
        c
    }

    /// [`cite`], and in the same engine runs the templates for the kinds of `locators` (each
    /// kind once), which the findings' citations then fill.
    fn source_afresh(&self, source: &Source, locators: &[&str]) -> Vec<Citation> {
        let item = csl_json(source);
        let mut kinds: Vec<Locator> = Vec::new();
        for (kind, _) in locators.iter().filter_map(|l| parse_locator(l)) {
            if !kinds.contains(&kind) {
                kinds.push(kind);
            }
        }
        let probes: Vec<(Locator, String)> = (kinds.iter())
            .map(|k| (*k, PROBE_LOCATOR.to_string()))
            .collect();
        let cited: Vec<Option<&(Locator, String)>> = std::iter::once(None)
            .chain(probes.iter().map(Some))
            .collect();
        let made = render_cited(&item, &cited, &Style::ALL, self.locale);
        let mut plain = Vec::new();
        let mut probed: Vec<Vec<Citation>> = vec![Vec::new(); kinds.len()];
        for per_style in made {
            let mut each = per_style.into_iter();
            plain.extend(each.next());
            for (slot, c) in probed.iter_mut().zip(each) {
                slot.push(c);
            }
        }
        // Only [`Citer::source`] calls this, and notes that the citer grew.
        let mut locator_templates = self.locators.lock().unwrap_or_else(|p| p.into_inner());
        for (kind, made) in kinds.iter().zip(&probed) {
            let key = (item.to_string(), format!("{kind:?}"));
            locator_templates.insert(key, templates_of(made, &[LOCATOR]));
        }
        plain
    }

    fn page_afresh(&self, page: &WebPage) -> Vec<Citation> {
        let same_site = WebPage {
            id: self.page.id.clone(),
            title: self.page.title.clone(),
            url: self.page.url.clone(),
            ..page.clone()
        };
        if same_site != self.page {
            return cite_page(page);
        }
        let templates = self.page_templates.get_or_init(|| {
            self.grew.store(true, std::sync::atomic::Ordering::Relaxed);
            templates(&page_item(&self.page), None, &[TITLE, URL], self.locale)
        });
        fill_or_render(
            templates,
            &[TITLE, URL],
            &[&page.title, &page.url],
            |only| render_styles(&page_item(page), None, only, self.locale),
        )
    }

    fn with_locator_afresh(&self, source: &Source, locator: &str) -> (Vec<Citation>, bool) {
        let Some((kind, value)) = parse_locator(locator) else {
            return (render_all(&csl_json(source), None, self.locale), false);
        };
        // Keyed by the source's whole record, so a citer kept across rebuilds sees its edits.
        let item = csl_json(source);
        let key = (item.to_string(), format!("{kind:?}"));
        let cached = self
            .locators
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&key)
            .cloned();
        let templates = cached.unwrap_or_else(|| {
            let probe = (kind, PROBE_LOCATOR.to_string());
            let t = templates(&item, Some(&probe), &[LOCATOR], self.locale);
            self.grew.store(true, std::sync::atomic::Ordering::Relaxed);
            self.locators
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert(key, t.clone());
            t
        });
        let citations = fill_or_render(&templates, &[LOCATOR], &[&value], |only| {
            render_styles(&item, Some(&(kind, value.clone())), only, self.locale)
        });
        (citations, true)
    }
}

/// A page of this site, cited as a web page.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct WebPage {
    /// Any stable id, e.g. `finding-x`.
    pub id: String,
    pub title: String,
    pub site_title: String,
    pub publisher: Option<String>,
    pub url: String,
    pub version: Option<String>,
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub date: Option<String>,
    /// The site's language (a BCP 47 tag): its citation is formatted in the nearest CSL locale.
    pub language: String,
}

impl WebPage {
    /// The CSL locale of the page's language: [`CslLocale::for_language`], or en-US when CSL has
    /// none for it (the site is warned: [`locale_warning`]).
    pub fn locale(&self) -> CslLocale {
        CslLocale::for_language(&self.language).unwrap_or_else(CslLocale::fallback)
    }
}

/// The five references for a page of this site, in its language.
pub fn cite_page(page: &WebPage) -> Vec<Citation> {
    render_all(&page_item(page), None, page.locale())
}

fn page_item(page: &WebPage) -> Json {
    let mut m = Map::new();
    m.insert("id".into(), json!(page.id));
    m.insert("type".into(), json!("webpage"));
    // The styles have no place for a web page's version, so it goes with the title, as the
    // styles' own guides do for versioned works ("Title (version 2)").
    let title = match &page.version {
        Some(v) => format!("{} (version {v})", page.title),
        None => page.title.clone(),
    };
    m.insert("title".into(), json!(title));
    m.insert("container-title".into(), json!(page.site_title));
    if let Some(p) = &page.publisher {
        m.insert("publisher".into(), json!(p));
    }
    if let Some(d) = page.date.as_deref().and_then(crate::dates::parse_date) {
        m.insert("issued".into(), date_parts(&d));
    }
    m.insert("URL".into(), json!(page.url));
    Json::Object(m)
}

fn parse_locator(locator: &str) -> Option<(Locator, String)> {
    let l = locator.trim();
    let lower = l.to_lowercase();
    const LABELS: [(&str, Locator); 14] = [
        ("pp.", Locator::Page),
        ("p.", Locator::Page),
        ("pages", Locator::Page),
        ("page", Locator::Page),
        ("paras.", Locator::Paragraph),
        ("para.", Locator::Paragraph),
        ("paragraph", Locator::Paragraph),
        ("sec.", Locator::Section),
        ("section", Locator::Section),
        ("ch.", Locator::Chapter),
        ("chapter", Locator::Chapter),
        ("fig.", Locator::Figure),
        ("figure", Locator::Figure),
        ("table", Locator::Table),
    ];
    for (label, kind) in LABELS {
        if let Some(rest) = lower.strip_prefix(label) {
            if !rest.starts_with(|c: char| c.is_whitespace() || c.is_ascii_digit()) {
                continue;
            }
            let value = l[label.len()..].trim();
            if value.starts_with(|c: char| c.is_ascii_digit()) {
                return Some((kind, value.to_string()));
            }
        }
    }
    None
}

/// A title's own quotation marks, written British style as ‘…’, nested inside the ‘…’ that
/// the styles put around titles (en-GB locale) must become “…”. citeproc-js flips quotes found
/// in the data; hayagriva does not, and it swallows one of the two closing ’ marks. So where a
/// style quotes the title, the title given to it has its inner quotes as “…” (apostrophes are left
/// alone); where it does not (APA, Vancouver), the title keeps its quotes as written.
fn flip_inner_quotes(title: &str) -> String {
    let chars: Vec<char> = title.chars().collect();
    let mut out = String::with_capacity(title.len());
    let mut open = false;
    for (i, &c) in chars.iter().enumerate() {
        let before = i.checked_sub(1).map(|j| chars[j]);
        let after = chars.get(i + 1).copied();
        match c {
            '‘' if before.is_none_or(|b| b.is_whitespace() || "([—–-".contains(b)) => {
                open = true;
                out.push('“');
            }
            '’' if open && after.is_none_or(|a| a.is_whitespace() || ".,;:!?)".contains(a)) => {
                open = false;
                out.push('”');
            }
            _ => out.push(c),
        }
    }
    if open {
        // An unmatched ‘: leave the title exactly as written.
        return title.to_string();
    }
    out
}

fn render_all(item: &Json, locator: Option<(Locator, String)>, locale: CslLocale) -> Vec<Citation> {
    render_styles(item, locator.as_ref(), &Style::ALL, locale)
}

/// Formats `item` in each of `only` (in [`Style::ALL`] order).
fn render_styles(
    item: &Json,
    locator: Option<&(Locator, String)>,
    only: &[Style],
    locale: CslLocale,
) -> Vec<Citation> {
    render_cited(item, &[locator], only, locale)
        .into_iter()
        .filter_map(|mut c| c.pop())
        .collect()
}

/// Formats `item` in each of `only`, cited once per entry of `locators`: per style, the
/// citations in `locators` order (they share the reference; the in-text citations differ).
/// A style that does not test a citation's position formats them all in one engine run, since
/// a repeated citation of one item is then printed as if it came first.
fn render_cited(
    item: &Json,
    locators: &[Option<&(Locator, String)>],
    only: &[Style],
    locale: CslLocale,
) -> Vec<Vec<Citation>> {
    // The items are built here from validated data; if citationberg refused one, every style
    // would be empty, which the golden tests catch.
    let Some(shared) = EngineItem::new(item) else {
        return Vec::new();
    };
    let st = styles();
    let run = |style: Style, csl_style: &ByShape, item: &csl::Item| {
        if !st.positional.contains(&style) {
            return render_one(style, csl_style, item, locators, locale);
        }
        // Each citation in a run of its own, so that each is a first citation; after the first,
        // without the reference.
        let (first, rest) = locators.split_first()?;
        let mut made = render_one(style, csl_style, item, &[*first], locale)?;
        for locator in rest {
            let reference = made.first()?;
            made.push(cite_only(style, item, *locator, reference, locale)?);
        }
        Some(made)
    };
    st.styles
        .iter()
        .filter(|(style, _)| only.contains(style))
        .filter_map(|(style, csl_style)| {
            let own = for_style(*style, item).and_then(|i| EngineItem::new(&i));
            let items = own.as_ref().unwrap_or(&shared);
            let written = run(*style, csl_style, &items.as_written)?;
            // A title's own quotes flip only where the style puts the title itself in quotes:
            // in the reference, the in-text citation (APA quotes an authorless title there), or
            // both.
            let first = written.first()?;
            let in_reference = quotes_title(&first.text, &items.title);
            let in_text = quotes_title(&first.in_text, &items.title);
            if !items.has_inner_quotes || !(in_reference || in_text) {
                return Some(written);
            }
            let turned = run(*style, csl_style, &items.flipped)?;
            let merged = written.iter().zip(&turned).map(|(written, turned)| {
                let (reference, citation) = (
                    if in_reference { turned } else { written },
                    if in_text { turned } else { written },
                );
                Citation {
                    style: *style,
                    html: reference.html.clone(),
                    text: reference.text.clone(),
                    in_text: citation.in_text.clone(),
                }
            });
            Some(merged.collect())
        })
        .collect()
}

/// An item as the engine takes it: as written, and with its titles' own quotation marks flipped
/// ([`flip_inner_quotes`]).
struct EngineItem {
    as_written: csl::Item,
    flipped: csl::Item,
    has_inner_quotes: bool,
    title: String,
}

impl EngineItem {
    fn new(item: &Json) -> Option<EngineItem> {
        let mut flipped = item.clone();
        for key in ["title", "container-title"] {
            if let Some(Json::String(t)) = flipped.get(key) {
                flipped[key] = json!(flip_inner_quotes(t));
            }
        }
        Some(EngineItem {
            has_inner_quotes: flipped != *item,
            title: item
                .get("title")
                .and_then(Json::as_str)
                .unwrap_or("")
                .into(),
            as_written: serde_json::from_value(item.clone()).ok()?,
            flipped: serde_json::from_value(flipped).ok()?,
        })
    }
}

/// `item` as `style`'s guide wants it given, where that differs from the record and the style
/// file cannot tell (`None`: as it is). Each rule is the guide's, and citeproc-js with the same
/// file does not follow it (`tests/browser/citeproc-known.json` lists the differences):
///
/// - APA 7 (9.25): a group author that is also the publisher is not named again as publisher,
///   nor (9.16) as the site of its web page; and (6.17) a title in sentence case capitalises the
///   first word after a colon, its subtitle.
/// - MLA 9 (2.1): a work by an organisation that is also its publisher begins with its title;
///   the organisation is named as publisher only.
fn for_style(style: Style, item: &Json) -> Option<Json> {
    let mut out = item.clone();
    // Whether the item's one author is the organisation named in `key`.
    let author_is = |key: &str| match (item.get("author"), item.get(key)) {
        (Some(Json::Array(authors)), Some(Json::String(name))) => {
            let literal = authors.first().and_then(|a| a.get("literal")?.as_str());
            authors.len() == 1 && literal.map(str::trim) == Some(name.trim())
        }
        _ => false,
    };
    let author_publishes = author_is("publisher");
    match style {
        Style::Apa => {
            if author_publishes {
                out.as_object_mut()?.remove("publisher");
            }
            // 9.16: a web page's site is not named when it is its author.
            let webpage = item.get("type").and_then(Json::as_str) == Some("webpage");
            if webpage && author_is("container-title") {
                out.as_object_mut()?.remove("container-title");
            }
            let mut titles = vec!["title"];
            if item.get("type").and_then(Json::as_str) == Some("chapter") {
                titles.push("container-title");
            }
            for key in titles {
                if let Some(Json::String(t)) = out.get(key) {
                    out[key] = json!(subtitle_capitalised(t));
                }
            }
        }
        Style::Mla if author_publishes => {
            out.as_object_mut()?.remove("author");
        }
        _ => {}
    }
    (out != *item).then_some(out)
}

/// `title` with the first word after each colon capitalised (APA's sentence case), after any
/// opening quotation mark or bracket, unless that word already has a capital letter (a name such
/// as "iPad" is left as written) or would change length (`ß`). An em dash does not start a
/// subtitle here: APA capitalises after one only in headings.
fn subtitle_capitalised(title: &str) -> String {
    let mut out = String::with_capacity(title.len());
    let mut rest = title;
    while let Some(at) = rest.find(": ") {
        let (head, tail) = rest.split_at(at + 2);
        out.push_str(head);
        let word_end = tail.find(char::is_whitespace).unwrap_or(tail.len());
        let word = &tail[..word_end];
        let opening = word.len()
            - word
                .trim_start_matches(['‘', '“', '"', '\'', '(', '['])
                .len();
        let (marks, word) = word.split_at(opening);
        out.push_str(marks);
        let mut chars = word.chars();
        match chars.next() {
            Some(first)
                if first.is_lowercase()
                    && first.to_uppercase().count() == 1
                    && !word.chars().any(char::is_uppercase) =>
            {
                out.extend(first.to_uppercase());
                out.push_str(chars.as_str());
            }
            _ => out.push_str(word),
        }
        rest = &tail[word_end..];
    }
    out.push_str(rest);
    out
}

/// Whether a reference puts the title in quotation marks: an opening quote right before the
/// title's first letters (compared without case, since styles change it).
fn quotes_title(text: &str, title: &str) -> bool {
    let start: String = title.chars().take(5).collect::<String>().to_lowercase();
    let lower = text.to_lowercase();
    ['‘', '“', '"']
        .iter()
        .any(|q| lower.contains(&format!("{q}{start}")))
}

/// One engine run: `item` in `csl_style` (made for its shape: [`ByShape::for_item`]) and `locale`,
/// cited once per entry of `locators`.
fn engine_run(
    csl_style: &IndependentStyle,
    item: &csl::Item,
    locators: &[Option<&(Locator, String)>],
    csl_locale: CslLocale,
) -> hayagriva::Rendered {
    let files = &csl_locale.loaded().files;
    let locale = Some(LocaleCode(csl_locale.code().into()));
    let mut driver = BibliographyDriver::new();
    for locator in locators {
        let loc = locator.map(|(k, v)| SpecificLocator(*k, LocatorPayload::Str(v)));
        driver.citation(CitationRequest::new(
            vec![CitationItem::with_locator(item, loc)],
            csl_style,
            locale.clone(),
            files,
            None,
        ));
    }
    driver.finish(BibliographyRequest {
        style: csl_style,
        locale,
        locale_files: files,
    })
}

/// The item's titles, whose case [`fix_title_in`] corrects.
fn titles(item: &csl::Item) -> Vec<&str> {
    ["title", "container-title"]
        .iter()
        .filter_map(|key| match item.0.get(*key) {
            Some(csl::Value::String(t)) => Some(t.as_str()),
            _ => None,
        })
        .collect()
}

/// An in-text citation, its titles' case corrected: APA's in its own title case (a title is named
/// in APA's text only in title case), the other styles' by [`fix_title_case`].
fn in_text(c: &hayagriva::RenderedCitation, titles: &[&str], style: Style) -> String {
    (titles.iter()).fold(plain(&c.citation), |s, t| match style {
        Style::Apa => title_in(&s, t, |title, _| apa_title_case(title)),
        _ => fix_title_in(&s, t),
    })
}

/// One item in one style, cited once per entry of `locators` in one engine run.
fn render_one(
    style: Style,
    csl_style: &ByShape,
    item: &csl::Item,
    locators: &[Option<&(Locator, String)>],
    locale: CslLocale,
) -> Option<Vec<Citation>> {
    let rendered = engine_run(&csl_style.for_item(item), item, locators, locale);
    let mut entry = rendered.bibliography?.items.into_iter().next()?;
    if rendered.citations.len() != locators.len() {
        return None;
    }
    if style == Style::Chicago {
        chicago_substituted_title(item, &mut entry.content);
    }
    let (mut html, mut text) = (html(&entry.content), plain(&entry.content));
    if style == Style::Vancouver {
        // The NLM file asks for `p.` before every page range (`plural="never"`, as Citing
        // Medicine does); hayagriva 0.10.1 ignores that and writes `pp.`.
        html = html.replace("pp. ", "p. ");
        text = text.replace("pp. ", "p. ");
    }
    // A group whose later parts are all empty leaves its delimiter before the closing full stop
    // in hayagriva 0.10.1 ("Disability & Society,." in Chicago when volume and pages are
    // missing); citeproc-js drops it.
    let (mut html, mut text) = (html.replace(",.", "."), text.replace(",.", "."));
    let titles = titles(item);
    for t in &titles {
        text = fix_title_in(&text, t);
        html = fix_title_in(&html, &escape_html(t));
    }
    Some(
        (rendered.citations.iter())
            .map(|c| Citation {
                style,
                html: html.clone(),
                text: text.clone(),
                in_text: in_text(c, &titles, style),
            })
            .collect(),
    )
}

/// `reference` (the item's citation in `style`) with the in-text citation at `locator`, from
/// the style without its bibliography: the same citation as a run of the whole style gives
/// (a test compares them), for about a third of its cost.
fn cite_only(
    style: Style,
    item: &csl::Item,
    locator: Option<&(Locator, String)>,
    reference: &Citation,
    locale: CslLocale,
) -> Option<Citation> {
    let (_, csl_style) = styles().citation_only.iter().find(|(s, _)| *s == style)?;
    let rendered = engine_run(&csl_style.for_item(item), item, &[locator], locale);
    let [c] = rendered.citations.as_slice() else {
        return None;
    };
    Some(Citation {
        in_text: in_text(c, &titles(item), style),
        ..reference.clone()
    })
}

/// Chicago quotes the title of anything with a container title (its `title` macro tests
/// `variable="container-title"`). When an article has no author, the container title stands in
/// for it; CSL suppresses a substituted variable in the output only, and citeproc-js still
/// quotes the title, but hayagriva 0.10.1 also treats it as absent in the test and italicises
/// the title instead. This puts the first italic text that is not the container title back
/// in roman type, within quotes.
fn chicago_substituted_title(item: &csl::Item, content: &mut ElemChildren) {
    let authorless = !item.0.contains_key("author") && !item.0.contains_key("editor");
    let container = match item.0.get("container-title") {
        Some(csl::Value::String(c)) => c.clone(),
        _ => return,
    };
    if !authorless {
        return;
    }
    fn fix(children: &mut ElemChildren, container: &str) -> bool {
        for child in &mut children.0 {
            match child {
                ElemChild::Text(t)
                    if t.formatting.font_style == FontStyle::Italic
                        && !t.text.eq_ignore_ascii_case(container) =>
                {
                    t.formatting.font_style = FontStyle::Normal;
                    t.text = format!("‘{}’", t.text.trim_end());
                    return true;
                }
                ElemChild::Elem(e) => {
                    let found = fix(&mut e.children, container);
                    if found {
                        return true;
                    }
                }
                _ => {}
            }
        }
        false
    }
    fix(content, &container);
}

fn plain(children: &ElemChildren) -> String {
    let mut s = String::new();
    // Writing to a String cannot fail.
    let _ = children.write_buf(&mut s, BufWriteFormat::Plain);
    tidy(&s)
}

/// Styles end blocks with spaces or leave doubled ones where a variable is empty; hayagriva
/// also leaves a space before `;` where the NLM file joins date and volume (`2012 ;29(3)`).
fn tidy(s: &str) -> String {
    let s = s.replace(" ;", ";");
    let mut out = String::with_capacity(s.len());
    let mut last_space = false;
    for c in s.trim().chars() {
        if c == ' ' {
            if !last_space {
                out.push(c);
            }
            last_space = true;
        } else {
            out.push(c);
            last_space = false;
        }
    }
    out
}

/// hayagriva's own HTML writer does not escape text, so the tree is walked here.
fn html(children: &ElemChildren) -> String {
    let mut s = String::new();
    write_html(children, &mut s);
    tidy(&s)
}

fn write_html(children: &ElemChildren, out: &mut String) {
    for child in &children.0 {
        match child {
            ElemChild::Text(t) => formatted(&t.formatting, &escape_html(&t.text), out),
            ElemChild::Elem(e) => write_html(&e.children, out),
            ElemChild::Markup(m) => out.push_str(&escape_html(m)),
            ElemChild::Link { text, url } => {
                let _ = write!(out, "<a href=\"{}\">", escape_html(url));
                formatted(&text.formatting, &escape_html(&text.text), out);
                out.push_str("</a>");
            }
            ElemChild::Transparent { .. } => {}
        }
    }
}

fn formatted(f: &Formatting, text: &str, out: &mut String) {
    let mut close = Vec::new();
    let mut open = |tag: &'static str, start: &str| {
        out.push_str(start);
        close.push(tag);
    };
    if f.font_style == FontStyle::Italic {
        open("</i>", "<i>");
    }
    if f.font_weight == FontWeight::Bold {
        open("</b>", "<b>");
    }
    if f.font_variant == FontVariant::SmallCaps {
        open("</span>", "<span style=\"font-variant:small-caps\">");
    }
    if f.text_decoration == TextDecoration::Underline {
        open("</u>", "<u>");
    }
    match f.vertical_align {
        VerticalAlign::Sup => open("</sup>", "<sup>"),
        VerticalAlign::Sub => open("</sub>", "<sub>"),
        _ => {}
    }
    out.push_str(text);
    for tag in close.iter().rev() {
        out.push_str(tag);
    }
}

// ---------------------------------------------------------------------------------------------
// The record, field by field

/// First and last page of `161-177`, `161–177` or `161`.
fn page_range(pages: &str) -> (String, Option<String>) {
    let mut parts = pages.splitn(2, ['-', '–', '—']);
    let first = parts
        .next()
        .unwrap_or("")
        .trim()
        .trim_end_matches('-')
        .to_string();
    let last = parts
        .next()
        .map(|p| p.trim_start_matches(['-', '–']).trim().to_string())
        .filter(|p| !p.is_empty());
    (first, last)
}

/// A note naming the fields that are not verified, for exports that have no other way to say it.
pub fn unverified_note(s: &Source) -> Option<String> {
    if s.unverified.is_empty() {
        return None;
    }
    let fields: Vec<String> = s
        .unverified
        .iter()
        .map(|(field, why)| format!("{field} ({why})"))
        .collect();
    Some(format!("Unverified: {}", fields.join("; ")))
}

fn csl_name(p: &Person) -> Json {
    match p {
        Person::Name { family, given } => match given {
            Some(g) => json!({"family": family, "given": g}),
            None => json!({"family": family}),
        },
        Person::Literal(l) => json!({"literal": l}),
    }
}

fn date_parts(d: &Date) -> Json {
    let mut parts = vec![json!(d.year)];
    if let Some(m) = d.month {
        parts.push(json!(m));
        if let Some(day) = d.day {
            parts.push(json!(day));
        }
    }
    json!({"date-parts": [parts]})
}

/// The source as a CSL-JSON item: what the styles format and what the `.json` export holds.
pub fn csl_json(s: &Source) -> Json {
    let mut m = Map::new();
    let mut put = |k: &str, v: Option<&String>| {
        if let Some(v) = v {
            m.insert(k.into(), json!(v));
        }
    };
    put("id", Some(&s.id.0));
    put("type", Some(&s.source_type.csl().to_string()));
    put("title", Some(&s.title));
    put("container-title", s.container_title.as_ref());
    put("collection-title", s.collection_title.as_ref());
    put("volume", s.volume.as_ref());
    put("issue", s.issue.as_ref());
    put("page", s.pages.as_ref());
    put("publisher", s.publisher.as_ref());
    put("publisher-place", s.publisher_place.as_ref());
    put("DOI", s.doi.as_ref());
    put("ISBN", s.isbn.as_ref());
    put("ISSN", s.issn.as_ref());
    put("URL", s.citation_url().map(str::to_string).as_ref());
    put("note", unverified_note(s).as_ref());
    if !s.authors.is_empty() {
        m.insert("author".into(), s.authors.iter().map(csl_name).collect());
    }
    if !s.container_authors.is_empty() {
        let names = s.container_authors.iter().map(csl_name).collect();
        m.insert("container-author".into(), names);
    }
    if !s.editors.is_empty() {
        m.insert("editor".into(), s.editors.iter().map(csl_name).collect());
    }
    m.insert("issued".into(), date_parts(&s.date));
    if let Some(a) = &s.accessed {
        m.insert("accessed".into(), date_parts(a));
    }
    Json::Object(m)
}

/// The whole bibliography as a CSL-JSON array.
pub fn csl_json_all<'a>(sources: impl Iterator<Item = &'a Source>) -> Vec<u8> {
    let items = Json::Array(sources.map(csl_json).collect());
    format!("{items:#}\n").into_bytes()
}

/// One source as pretty CSL-JSON (an array of one item, as reference managers import it).
pub fn csl_json_file(s: &Source) -> Vec<u8> {
    csl_json_all(std::iter::once(s))
}

/// The whole bibliography as a CSL-JSON array, joined from each source's own file
/// ([`csl_json_file`]): the bytes [`csl_json_all`] makes, each item formatted once.
pub fn csl_json_joined<'a>(files: impl Iterator<Item = &'a [u8]>) -> Vec<u8> {
    // An item is indented alike in an array of one and of many: the file without its brackets.
    let item = |f: &'a [u8]| {
        f.strip_prefix(b"[\n")
            .and_then(|f| f.strip_suffix(b"\n]\n"))
    };
    let mut out = b"[\n".to_vec();
    for (i, file) in files.enumerate() {
        if i > 0 {
            out.extend_from_slice(b",\n");
        }
        out.extend_from_slice(item(file).unwrap_or(file));
    }
    if out.len() == 2 {
        return b"[]\n".to_vec();
    }
    out.extend_from_slice(b"\n]\n");
    out
}

// ---------------------------------------------------------------------------------------------
// BibTeX

fn bibtex_type(t: SourceType) -> &'static str {
    match t {
        SourceType::ArticleJournal | SourceType::ArticleNewspaper | SourceType::ArticleMagazine => {
            "article"
        }
        SourceType::Chapter => "incollection",
        SourceType::Report => "techreport",
        SourceType::Book => "book",
        SourceType::Webpage => "misc",
    }
}

/// Escapes text for a brace-delimited BibTeX field: LaTeX's special characters get their
/// commands, so `&` stays an ampersand in every BibTeX style. UTF-8 is kept as it is (biber,
/// bibtexparser and reference managers read it).
pub fn bibtex_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\textbackslash{}"),
            '{' => out.push_str("\\{"),
            '}' => out.push_str("\\}"),
            '&' | '%' | '$' | '#' | '_' => {
                out.push('\\');
                out.push(c);
            }
            '~' => out.push_str("\\textasciitilde{}"),
            '^' => out.push_str("\\textasciicircum{}"),
            '\n' | '\r' | '\t' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// URLs and DOIs are verbatim fields: only braces would break them, and they are percent-encoded.
fn bibtex_verbatim(s: &str) -> String {
    s.replace('{', "%7B").replace('}', "%7D")
}

fn bibtex_names(people: &[Person]) -> String {
    people
        .iter()
        .map(|p| match p {
            Person::Name {
                family,
                given: Some(g),
            } => {
                format!("{}, {}", bibtex_escape(family), bibtex_escape(g))
            }
            Person::Name {
                family,
                given: None,
            } => format!("{{{}}}", bibtex_escape(family)),
            // Braces keep an organisation's name whole instead of "Control, In".
            Person::Literal(l) => format!("{{{}}}", bibtex_escape(l)),
        })
        .collect::<Vec<_>>()
        .join(" and ")
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// One BibTeX entry (with biblatex's `date` too, which keeps the day).
pub fn bibtex(s: &Source) -> String {
    let mut fields: Vec<(&str, String)> = Vec::new();
    let text = |v: &str| bibtex_escape(v);
    if !s.authors.is_empty() {
        fields.push(("author", bibtex_names(&s.authors)));
    }
    if !s.editors.is_empty() {
        fields.push(("editor", bibtex_names(&s.editors)));
    }
    if !s.container_authors.is_empty() {
        fields.push(("bookauthor", bibtex_names(&s.container_authors)));
    }
    fields.push(("title", text(&s.title)));
    // biblatex (and pandoc) tell news and magazine pieces from journal articles by this.
    match s.source_type {
        SourceType::ArticleNewspaper => fields.push(("entrysubtype", "newspaper".into())),
        SourceType::ArticleMagazine => fields.push(("entrysubtype", "magazine".into())),
        _ => {}
    }
    if let Some(c) = &s.container_title {
        let key = match s.source_type {
            SourceType::Chapter => "booktitle",
            SourceType::Webpage => "howpublished",
            _ => "journal",
        };
        fields.push((key, text(c)));
    }
    if let Some(c) = &s.collection_title {
        fields.push(("series", text(c)));
    }
    if let Some(v) = &s.volume {
        fields.push(("volume", text(v)));
    }
    if let Some(v) = &s.issue {
        fields.push(("number", text(v)));
    }
    if let Some(p) = &s.pages {
        let (first, last) = page_range(p);
        let pages = match last {
            Some(l) => format!("{first}--{l}"),
            None => first,
        };
        fields.push(("pages", text(&pages)));
    }
    if let Some(p) = &s.publisher {
        let key = if s.source_type == SourceType::Report {
            "institution"
        } else {
            "publisher"
        };
        fields.push((key, text(p)));
    }
    if let Some(p) = &s.publisher_place {
        fields.push(("address", text(p)));
    }
    fields.push(("year", s.date.year.to_string()));
    fields.push(("date", s.date.iso()));
    if let Some(d) = &s.doi {
        fields.push(("doi", bibtex_verbatim(d)));
    }
    if let Some(v) = &s.isbn {
        fields.push(("isbn", text(v)));
    }
    if let Some(v) = &s.issn {
        fields.push(("issn", text(v)));
    }
    if let Some(u) = s.citation_url() {
        fields.push(("url", bibtex_verbatim(u)));
    }
    if let Some(a) = &s.accessed {
        fields.push(("urldate", a.iso()));
    }
    if let Some(n) = unverified_note(s) {
        fields.push(("note", text(&n)));
    }
    let mut out = format!("@{}{{{},\n", bibtex_type(s.source_type), s.id);
    for (k, v) in fields {
        let _ = writeln!(out, "  {k} = {{{v}}},");
    }
    if let Some(m) = s.date.month {
        // The month as BibTeX's macro, for styles that read `month`.
        let _ = writeln!(out, "  month = {},", MONTHS[usize::from(m - 1)]);
    }
    out.push_str("}\n");
    out
}

/// The whole bibliography in BibTeX: each source's entry ([`bibtex`]), a blank line apart.
pub fn bibtex_all<'a>(entries: impl Iterator<Item = &'a str>) -> Vec<u8> {
    entries.collect::<Vec<_>>().join("\n").into_bytes()
}

// ---------------------------------------------------------------------------------------------
// RIS

fn ris_type(t: SourceType) -> &'static str {
    match t {
        SourceType::ArticleJournal => "JOUR",
        SourceType::Chapter => "CHAP",
        SourceType::ArticleNewspaper => "NEWS",
        SourceType::ArticleMagazine => "MGZN",
        SourceType::Report => "RPRT",
        SourceType::Book => "BOOK",
        SourceType::Webpage => "ELEC",
    }
}

/// RIS values are one line each.
fn ris_value(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn ris_name(p: &Person) -> String {
    match p {
        Person::Name {
            family,
            given: Some(g),
        } => format!("{family}, {g}"),
        Person::Name {
            family,
            given: None,
        } => family.clone(),
        Person::Literal(l) => l.clone(),
    }
}

/// One RIS record.
pub fn ris(s: &Source) -> String {
    let mut lines: Vec<(&str, String)> = vec![("TY", ris_type(s.source_type).into())];
    for a in &s.authors {
        lines.push(("AU", ris_name(a)));
    }
    for e in &s.editors {
        lines.push(("A2", ris_name(e)));
    }
    lines.push(("TI", s.title.clone()));
    if let Some(c) = &s.container_title {
        lines.push(("T2", c.clone()));
    }
    if let Some(c) = &s.collection_title {
        lines.push(("T3", c.clone()));
    }
    if let Some(v) = &s.volume {
        lines.push(("VL", v.clone()));
    }
    if let Some(v) = &s.issue {
        lines.push(("IS", v.clone()));
    }
    if let Some(p) = &s.pages {
        let (first, last) = page_range(p);
        lines.push(("SP", first));
        if let Some(l) = last {
            lines.push(("EP", l));
        }
    }
    if let Some(p) = &s.publisher {
        lines.push(("PB", p.clone()));
    }
    if let Some(p) = &s.publisher_place {
        lines.push(("CY", p.clone()));
    }
    lines.push(("PY", s.date.year.to_string()));
    lines.push((
        "DA",
        format!(
            "{:04}/{}/{}/",
            s.date.year,
            s.date.month.map_or(String::new(), |m| format!("{m:02}")),
            s.date.day.map_or(String::new(), |d| format!("{d:02}"))
        ),
    ));
    if let Some(d) = &s.doi {
        lines.push(("DO", d.clone()));
    }
    // RIS has one SN tag for either number; a chapter or book is found by its ISBN.
    if let Some(v) = s.isbn.as_ref().or(s.issn.as_ref()) {
        lines.push(("SN", v.clone()));
    }
    if let Some(u) = s.citation_url() {
        lines.push(("UR", u.to_string()));
    }
    if let Some(a) = &s.accessed {
        lines.push(("Y2", a.iso().replace('-', "/")));
    }
    if let Some(n) = unverified_note(s) {
        lines.push(("N1", n));
    }
    lines.push(("ID", s.id.0.clone()));
    let mut out = String::new();
    for (tag, value) in lines {
        let _ = writeln!(out, "{tag}  - {}", ris_value(&value));
    }
    out.push_str("ER  - \n");
    out
}

/// The whole bibliography in RIS: each source's record ([`ris`]), a blank line apart.
pub fn ris_all<'a>(records: impl Iterator<Item = &'a str>) -> Vec<u8> {
    records.collect::<Vec<_>>().join("\n").into_bytes()
}

// ---------------------------------------------------------------------------------------------
// Page metadata

/// The page metadata reference managers read for a source (Zotero's Embedded Metadata translator,
/// Mendeley, EndNote): Highwire Press `citation_*` tags, with Dublin Core where Highwire has no
/// word for the item's type. What each type saves as in Zotero:
///
/// - a journal article: `citation_journal_title` → Journal Article;
/// - a chapter: `citation_inbook_title` → Book Section;
/// - a report: `citation_technical_report_institution` (its publisher), or `DC.type` when it has
///   none → Report;
/// - a book: `citation_isbn`, or `DC.type` → Book;
/// - a news or magazine article: `DC.type` `newspaperArticle` / `magazineArticle`, with the paper
///   or magazine as `DC.source` (a `citation_journal_title` would make it a journal article);
/// - a web page: no type tag; the page's `og:type` is `website` → Web Page, titled by `DC.source`.
///
/// Authors are "Family, Given"; an organisation, or a person with one name, ends with a comma,
/// which tells Zotero to keep the name whole instead of splitting "In Control" into a given name
/// "In" and a family name "Control". `citation_public_url` is the source's own address, so the
/// saved item points at the source and not at this site's page about it (which Zotero keeps as
/// the item's snapshot). `citation_abstract` is `summary`: our summary's first sentence.
pub fn highwire_tags(s: &Source, summary: &str) -> Vec<(&'static str, String)> {
    let mut tags: Vec<(&'static str, String)> = vec![("citation_title", s.title.clone())];
    for a in &s.authors {
        tags.push(("citation_author", meta_name(a)));
    }
    for e in &s.editors {
        tags.push(("citation_editor", meta_name(e)));
    }
    let d = &s.date;
    let date = match (d.month, d.day) {
        (Some(m), Some(day)) => format!("{:04}/{m:02}/{day:02}", d.year),
        (Some(m), None) => format!("{:04}/{m:02}", d.year),
        _ => format!("{:04}", d.year),
    };
    tags.push(("citation_publication_date", date));
    tags.extend(type_tags(s));
    if let Some(c) = &s.collection_title {
        tags.push(("citation_series_title", c.clone()));
    }
    if let Some(v) = &s.volume {
        tags.push(("citation_volume", v.clone()));
    }
    if let Some(v) = &s.issue {
        tags.push(("citation_issue", v.clone()));
    }
    if let Some(p) = &s.pages {
        let (first, last) = page_range(p);
        tags.push(("citation_firstpage", first));
        if let Some(l) = last {
            tags.push(("citation_lastpage", l));
        }
    }
    if let Some(p) = &s.publisher {
        tags.push(("citation_publisher", p.clone()));
    }
    if let Some(v) = &s.doi {
        tags.push(("citation_doi", v.clone()));
    }
    if let Some(v) = &s.isbn {
        tags.push(("citation_isbn", v.clone()));
    }
    if let Some(v) = &s.issn {
        tags.push(("citation_issn", v.clone()));
    }
    if let Some(u) = s.citation_url() {
        tags.push(("citation_public_url", u.to_string()));
    }
    if !summary.is_empty() {
        tags.push(("citation_abstract", summary.to_string()));
    }
    tags
}

/// The tags that decide what type of item a reference manager saves.
fn type_tags(s: &Source) -> Vec<(&'static str, String)> {
    let container = s.container_title.clone();
    let dc = |t: &str| ("DC.type", t.to_string());
    match s.source_type {
        SourceType::ArticleJournal => container
            .map(|c| ("citation_journal_title", c))
            .into_iter()
            .collect(),
        SourceType::Chapter => container
            .into_iter()
            .flat_map(|c| {
                [
                    ("citation_inbook_title", c.clone()),
                    ("citation_book_title", c),
                ]
            })
            .collect(),
        SourceType::ArticleNewspaper => {
            let mut t = vec![dc("newspaperArticle")];
            t.extend(container.map(|c| ("DC.source", c)));
            t
        }
        SourceType::ArticleMagazine => {
            let mut t = vec![dc("magazineArticle")];
            t.extend(container.map(|c| ("DC.source", c)));
            t
        }
        SourceType::Report => match &s.publisher {
            Some(p) => vec![("citation_technical_report_institution", p.clone())],
            None => vec![dc("report")],
        },
        SourceType::Book if s.isbn.is_none() => vec![dc("book")],
        SourceType::Book => Vec::new(),
        SourceType::Webpage => container.map(|c| ("DC.source", c)).into_iter().collect(),
    }
}

/// A name as page metadata gives it: "Family, Given", or a name to keep whole with a trailing
/// comma ("In Control,").
pub fn meta_name(p: &Person) -> String {
    match p {
        Person::Name {
            family,
            given: Some(g),
        } => format!("{family}, {g}"),
        Person::Name {
            family,
            given: None,
        } => format!("{family},"),
        Person::Literal(l) => format!("{l},"),
    }
}

fn schema_person(p: &Person) -> Json {
    match p {
        Person::Name { family, given } => {
            let mut m = Map::new();
            m.insert("@type".into(), json!("Person"));
            m.insert("name".into(), json!(p.display()));
            m.insert("familyName".into(), json!(family));
            if let Some(g) = given {
                m.insert("givenName".into(), json!(g));
            }
            Json::Object(m)
        }
        Person::Literal(l) => json!({"@type": "Organization", "name": l}),
    }
}

/// schema.org JSON-LD for a source's page, as a string safe inside `<script>`.
pub fn json_ld(s: &Source, page_url: &str) -> String {
    let kind = match s.source_type {
        SourceType::ArticleJournal => "ScholarlyArticle",
        SourceType::Chapter => "Chapter",
        SourceType::ArticleNewspaper => "NewsArticle",
        SourceType::ArticleMagazine => "Article",
        SourceType::Report => "Report",
        SourceType::Book => "Book",
        SourceType::Webpage => "WebPage",
    };
    let mut m = Map::new();
    m.insert("@context".into(), json!("https://schema.org"));
    m.insert("@type".into(), json!(kind));
    m.insert("@id".into(), json!(page_url));
    m.insert("name".into(), json!(s.title));
    if !matches!(s.source_type, SourceType::Book | SourceType::Report) {
        m.insert("headline".into(), json!(s.title));
    }
    if !s.authors.is_empty() {
        m.insert(
            "author".into(),
            s.authors.iter().map(schema_person).collect(),
        );
    }
    if !s.editors.is_empty() {
        m.insert(
            "editor".into(),
            s.editors.iter().map(schema_person).collect(),
        );
    }
    m.insert("datePublished".into(), json!(s.date.iso()));
    let publisher = s
        .publisher
        .as_ref()
        .map(|p| json!({"@type": "Organization", "name": p}));
    if let Some(p) = &s.pages {
        let (first, last) = page_range(p);
        m.insert("pagination".into(), json!(p));
        m.insert("pageStart".into(), json!(first));
        if let Some(l) = last {
            m.insert("pageEnd".into(), json!(l));
        }
    }
    match (s.source_type, &s.container_title) {
        (SourceType::ArticleJournal, Some(c)) => {
            let mut periodical = json!({"@type": "Periodical", "name": c});
            if let Some(issn) = &s.issn {
                periodical["issn"] = json!(issn);
            }
            let mut part = periodical;
            if let Some(v) = &s.volume {
                part = json!({"@type": "PublicationVolume", "volumeNumber": v, "isPartOf": part});
            }
            if let Some(i) = &s.issue {
                part = json!({"@type": "PublicationIssue", "issueNumber": i, "isPartOf": part});
            }
            m.insert("isPartOf".into(), part);
        }
        (SourceType::Chapter, Some(c)) => {
            let mut book = json!({"@type": "Book", "name": c});
            if let Some(isbn) = &s.isbn {
                book["isbn"] = json!(isbn);
            }
            if let Some(p) = &publisher {
                book["publisher"] = p.clone();
            }
            if let Some(series) = &s.collection_title {
                book["isPartOf"] = json!({"@type": "BookSeries", "name": series});
            }
            m.insert("isPartOf".into(), book);
        }
        (SourceType::ArticleNewspaper | SourceType::ArticleMagazine, Some(c)) => {
            m.insert(
                "isPartOf".into(),
                json!({"@type": if s.source_type == SourceType::ArticleNewspaper { "Newspaper" } else { "Periodical" }, "name": c}),
            );
        }
        (_, Some(c)) => {
            m.insert(
                "isPartOf".into(),
                json!({"@type": "CreativeWork", "name": c}),
            );
        }
        _ => {}
    }
    if s.source_type != SourceType::Chapter {
        if let Some(p) = publisher {
            m.insert("publisher".into(), p);
        }
        if let Some(isbn) = &s.isbn {
            m.insert("isbn".into(), json!(isbn));
        }
    }
    if let Some(doi) = &s.doi {
        m.insert(
            "identifier".into(),
            json!({"@type": "PropertyValue", "propertyID": "DOI", "value": doi}),
        );
        m.insert("sameAs".into(), json!(format!("https://doi.org/{doi}")));
    }
    if let Some(u) = s.citation_url() {
        m.insert("url".into(), json!(u));
    }
    script_safe(&Json::Object(m))
}

/// schema.org JSON-LD describing a page of this site (a finding's page) and what it cites.
pub fn page_json_ld(page: &WebPage, description: &str, cites: &Source, cites_url: &str) -> String {
    let mut m = Map::new();
    m.insert("@context".into(), json!("https://schema.org"));
    m.insert("@type".into(), json!("WebPage"));
    m.insert("@id".into(), json!(page.url));
    m.insert("url".into(), json!(page.url));
    m.insert("name".into(), json!(page.title));
    m.insert("description".into(), json!(description));
    let mut site = json!({"@type": "WebSite", "name": page.site_title});
    if let Some(p) = &page.publisher {
        site["publisher"] = json!({"@type": "Organization", "name": p});
    }
    m.insert("isPartOf".into(), site);
    if let Some(v) = &page.version {
        m.insert("version".into(), json!(v));
    }
    if let Some(d) = &page.date {
        m.insert("dateModified".into(), json!(d));
    }
    let mut cited = json!({"@type": "CreativeWork", "name": cites.title, "url": cites_url});
    if let Some(doi) = &cites.doi {
        cited["sameAs"] = json!(format!("https://doi.org/{doi}"));
    }
    m.insert("citation".into(), cited);
    script_safe(&Json::Object(m))
}

/// JSON that cannot close the `<script>` element it sits in.
fn script_safe(v: &Json) -> String {
    serde_json::to_string_pretty(v)
        .unwrap_or_default()
        .replace("</", "<\\/")
        .replace("<!--", "<\\!--")
}

#[cfg(test)]
mod tests;
