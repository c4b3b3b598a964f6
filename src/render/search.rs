//! Client-side search without a third party: a small index of our own, split into chunks fetched
//! on demand. `search/manifest.json` lists the term shards and the filters; each shard
//! (`search/terms/<prefix>.json`) maps the terms starting with its two-letter prefix to the
//! numbers of the documents containing them; documents (kind, title, URL, a snippet, topics and
//! stances for filtering) come in fixed-size chunks (`search/docs/<n>.json`). A query fetches the
//! manifest, one shard per word and the chunks of the results it shows, so the bytes a first
//! search transfers grow with the results, not with the site.
//!
//! Terms are Snowball (Porter2) English stems, so "outcomes" finds "outcome"; the client stems
//! query words with the same algorithm (`snowball-english.js`, generated from the same Snowball
//! source as `rust-stemmers`). Compounds match however they are written: "well-being" is also
//! indexed as "wellbeing", and so is "well being" where the site writes the word closed or
//! hyphenated anywhere; the client looks up every run of adjacent query words joined as well as
//! the words apart. Synonyms (e.g. a glossary's "self-directed support" and "SDS") index a
//! document containing one of them under all of them. `search/stems.json` lists every indexed
//! word (but plain numbers) by its stem, so a test can check that the client stems as the index
//! does; the client never fetches it.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use rustc_hash::{FxHashMap, FxHashSet};

use rust_stemmers::{Algorithm, Stemmer};
use serde::Serialize;
use serde_json::json;

use crate::layout::OutputFile;
use crate::model::{Claim, ClaimId, Dataset, Finding, FindingId, Gap, Person, Site, Source, Topic};
use crate::render::kept::ByFinding;

/// Documents per chunk.
const CHUNK: usize = 200;
/// Words shorter than this are not indexed (they match too much to help).
const MIN_WORD: usize = 2;
/// The longest run of adjacent words the index joins into one term when the joined word occurs
/// elsewhere on the site ("well being" → "wellbeing").
const MAX_JOIN: usize = 3;

/// A document as a result shows it. Its fields are in sorted order, as the chunks give them.
#[derive(Serialize)]
struct Doc {
    kind: &'static str,
    stances: Vec<&'static str>,
    text: String,
    title: String,
    topics: Vec<String>,
    url: String,
}

/// Hyphens that join the parts of a compound: "well-being".
fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '\u{2010}' | '\u{2011}')
}

/// Every run of letters and digits, lowercased; `72%` is `72`. Short ones too: they may be part of
/// a compound ("e-mail"), though alone they are not indexed.
fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    each_token(text, &mut String::new(), |word, _| {
        out.push(word.to_string())
    });
    out
}

/// Calls `found` with each token of `text` ([`tokens`]), lowercased in `buf`, and whether a hyphen
/// joins it to the one before: a site's texts are hundreds of thousands of words, and a `String`
/// each was as many allocations.
fn each_token(text: &str, buf: &mut String, mut found: impl FnMut(&str, bool)) {
    let mut start = None;
    let mut hyphenated = false;
    let mut any = false;
    let mut separator = 0usize;
    let mut hyphen = false;
    let mut emit = |word: &str, hyphenated: bool| {
        buf.clear();
        if word.is_ascii() {
            buf.push_str(word);
            buf.make_ascii_lowercase();
        } else {
            buf.push_str(&word.to_lowercase());
        }
        found(buf, hyphenated);
    };
    for (i, c) in text.char_indices() {
        if c.is_alphanumeric() {
            if start.is_none() {
                hyphenated = any && separator == 1 && hyphen;
                start = Some(i);
            }
        } else {
            if let Some(s) = start.take() {
                emit(&text[s..i], hyphenated);
                any = true;
                separator = 0;
            }
            separator += 1;
            hyphen = is_hyphen(c);
        }
    }
    if let Some(s) = start {
        emit(&text[s..], hyphenated);
    }
}

/// The Snowball (Porter2) English stem of a lowercase word: "outcomes" → "outcom".
fn stem(word: &str) -> String {
    thread_local! {
        static STEMMER: Stemmer = Stemmer::create(Algorithm::English);
    }
    STEMMER.with(|s| s.stem(word).into_owned())
}

/// The terms of the site, numbered, each kept once: a site repeats a few thousand terms hundreds
/// of thousands of times, and each small `String` costs the allocator 32 bytes or more.
#[derive(Default)]
struct Terms {
    ids: FxHashMap<String, u32>,
    names: Vec<String>,
    /// The words of the site, numbered, each kept once (so that a document's words can be kept
    /// as numbers between passes, not read again from its text).
    words: FxHashMap<String, u32>,
    word_names: Vec<String>,
    /// Each word's term (its stem) by the word's number, once it is asked for: a site repeats its
    /// words. `NO_TERM` until then.
    word_terms: Vec<u32>,
}

/// A word whose term has not been asked for.
const NO_TERM: u32 = u32::MAX;

impl Terms {
    /// The number of a term.
    fn id(&mut self, term: String) -> u32 {
        if let Some(&id) = self.ids.get(&term) {
            return id;
        }
        let id = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        self.names.push(term.clone());
        self.ids.insert(term, id);
        id
    }

    /// The number of a lowercase word (not its stem: see [`Terms::term`]).
    fn word(&mut self, word: &str) -> u32 {
        if let Some(&w) = self.words.get(word) {
            return w;
        }
        let w = u32::try_from(self.word_names.len()).unwrap_or(u32::MAX);
        self.words.insert(word.to_string(), w);
        self.word_names.push(word.to_string());
        self.word_terms.push(NO_TERM);
        w
    }

    /// The number of the stem of the word numbered `w`.
    fn term(&mut self, w: u32) -> u32 {
        let known = self.word_terms[w as usize];
        if known != NO_TERM {
            return known;
        }
        let id = self.id(stem(&self.word_names[w as usize]));
        self.word_terms[w as usize] = id;
        id
    }

    /// The number of a lowercase word's stem.
    fn of(&mut self, word: &str) -> u32 {
        let w = self.word(word);
        self.term(w)
    }

    fn word_name(&self, w: u32) -> &str {
        &self.word_names[w as usize]
    }

    fn name(&self, id: u32) -> &str {
        &self.names[id as usize]
    }
}

/// Adds a term to a document's terms, kept sorted and without repeats: a few dozen numbers in a
/// `Vec` take a fraction of a `BTreeSet`'s nodes.
fn add(set: &mut Vec<u32>, id: u32) {
    if let Err(i) = set.binary_search(&id) {
        set.insert(i, id);
    }
}

/// Records that `word` is indexed under the term `id` (for `stems.json`).
fn note(words: &mut Vec<BTreeSet<String>>, id: u32, word: &str) {
    let i = id as usize;
    if words.len() <= i {
        words.resize_with(i + 1, BTreeSet::new);
    }
    if !words[i].contains(word) {
        words[i].insert(word.to_string());
    }
}

fn shard_of(term: &str) -> String {
    term.chars().take(2).collect()
}

/// The terms of a text that need nothing else of the site: the stem of each word, and of each
/// hyphenated compound written as one word ("well-being" → "wellb"). Each with the number of the
/// word it stems ([`Terms::word`]). `words` are the text's words by their numbers, and `hyphenated`
/// says of each whether a hyphen joins it to the one before.
fn own_terms(words: &[u32], hyphenated: &[bool], terms: &mut Terms) -> Vec<(u32, u32)> {
    let mut out = Vec::new();
    for &w in words {
        if terms.word_name(w).chars().count() >= MIN_WORD {
            out.push((w, terms.term(w)));
        }
    }
    let mut start = 0;
    for end in 1..=words.len() {
        if end == words.len() || !hyphenated[end] {
            let run = &words[start..end];
            let numeric = |w: &u32| terms.word_name(*w).chars().all(char::is_numeric);
            if run.len() >= 2 && !run.iter().all(numeric) {
                let word: String = run.iter().map(|&w| terms.word_name(w)).collect();
                let w = terms.word(&word);
                out.push((w, terms.term(w)));
            }
            start = end;
        }
    }
    out
}

/// A document of the index: a node of the site.
#[derive(Clone, Copy)]
enum Entry<'a> {
    Source(&'a Source),
    /// A finding, with its place among the site's findings.
    Finding(&'a Finding, usize),
    Claim(&'a Claim),
    Topic(&'a Topic),
    Gap(&'a Gap),
    Dataset(&'a Dataset),
}

/// The documents in index order. Their texts are made where they are read (their words kept as
/// numbers, [`Texts`]), and their chunks as they are written: held together, 10,000 findings'
/// texts, titles and snippets were megabytes of small strings.
fn documents(site: &Site) -> impl Iterator<Item = Entry<'_>> {
    let findings = (site.findings.values().enumerate()).filter(|(_, f)| f.counts());
    (site.sources.values().map(Entry::Source))
        .chain(findings.map(|(i, f)| Entry::Finding(f, i)))
        .chain(site.claims.values().map(Entry::Claim))
        .chain(site.topics.values().map(Entry::Topic))
        .chain(site.gaps.values().map(Entry::Gap))
        .chain(site.datasets.values().map(Entry::Dataset))
}

fn authors(s: &Source) -> Vec<String> {
    s.authors.iter().map(Person::display).collect()
}

fn topic_of_claim(site: &Site, c: &ClaimId) -> String {
    site.claims
        .get(c)
        .map(|c| c.topic.0.clone())
        .unwrap_or_default()
}

impl Entry<'_> {
    /// The text the document is found by.
    fn text(self) -> String {
        match self {
            Entry::Source(s) => format!(
                "{} {} {} {}",
                s.title,
                authors(s).join(" "),
                s.container_title.as_deref().unwrap_or_default(),
                s.date.year
            ),
            Entry::Finding(f, _) => [
                f.figure.as_ref().map_or("", |x| x.text.as_str()),
                &f.statement,
                &f.quote,
                f.population.as_deref().unwrap_or_default(),
            ]
            .join(" "),
            Entry::Claim(c) => format!("{} {}", c.title, c.summary.as_deref().unwrap_or_default()),
            Entry::Topic(t) => format!(
                "{} {} {}",
                t.title,
                t.question.as_deref().unwrap_or_default(),
                t.summary.as_deref().unwrap_or_default()
            ),
            Entry::Gap(g) => format!(
                "{} {} {}",
                g.title,
                g.quote,
                g.expected.as_deref().unwrap_or_default()
            ),
            Entry::Dataset(d) => {
                format!(
                    "{} {}",
                    d.title,
                    d.description.as_deref().unwrap_or_default()
                )
            }
        }
    }

    /// What a result shows of the document.
    fn doc(self, site: &Site) -> Doc {
        let base = &site.config.base_path;
        let doc = |kind, title: &String, path: String, text: &Option<String>| Doc {
            kind,
            title: title.clone(),
            url: [base.as_str(), &path].concat(),
            text: text.clone().unwrap_or_default(),
            topics: Vec::new(),
            stances: Vec::new(),
        };
        match self {
            Entry::Source(s) => source_doc(base, s),
            Entry::Finding(f, _) => finding_doc(site, f),
            Entry::Claim(c) => Doc {
                topics: vec![c.topic.0.clone()],
                ..doc("claim", &c.title, c.id.path(), &c.summary)
            },
            Entry::Topic(t) => Doc {
                topics: vec![t.id.0.clone()],
                ..doc("topic", &t.title, t.id.path(), &t.question)
            },
            Entry::Gap(g) => gap_doc(site, g),
            Entry::Dataset(d) => doc("dataset", &d.title, d.id.path(), &d.description),
        }
    }
}

fn source_doc(base: &str, s: &Source) -> Doc {
    let authors = authors(s);
    Doc {
        kind: "source",
        title: s.title.clone(),
        url: [base, &s.id.path()].concat(),
        text: format!("{} · {}", authors.join(", "), s.date.year),
        topics: Vec::new(),
        stances: Vec::new(),
    }
}

fn finding_doc(site: &Site, f: &Finding) -> Doc {
    let mut topics: BTreeSet<String> = (f.stances.iter())
        .map(|s| topic_of_claim(site, &s.claim))
        .collect();
    topics.remove("");
    let stances: BTreeSet<&'static str> = f.stances.iter().map(|s| s.kind.key()).collect();
    Doc {
        kind: "finding",
        title: match &f.figure {
            Some(x) => [&x.text, " — ", &f.statement].concat(),
            None => f.statement.clone(),
        },
        url: [site.config.base_path.as_str(), &f.id.path()].concat(),
        text: ["“", &f.quote, "” (", &f.locator, ")"].concat(),
        topics: topics.into_iter().collect(),
        stances: stances.into_iter().collect(),
    }
}

fn gap_doc(site: &Site, g: &Gap) -> Doc {
    let topics: BTreeSet<String> = g.claims.iter().map(|c| topic_of_claim(site, c)).collect();
    Doc {
        kind: "gap",
        title: g.title.clone(),
        url: [site.config.base_path.as_str(), &g.id.path()].concat(),
        text: site.strings.text("tables_missing_evidence"),
        topics: topics.into_iter().filter(|t| !t.is_empty()).collect(),
        stances: Vec::new(),
    }
}

/// A finding's document as the index's chunks give it (compact JSON): made from the finding, the
/// site's base path and its claims' topics alone, so that `serve` can keep it while they are
/// unchanged (see `render::files::FilesMemo`).
pub(crate) fn finding_doc_text(site: &Site, f: &Finding) -> Box<str> {
    // Every map key is a string, so serialising cannot fail.
    (serde_json::to_string(&finding_doc(site, f)).unwrap_or_default()).into_boxed_str()
}

/// Compact JSON and a newline. Every map key is a string, so serialising cannot fail.
fn json_bytes(v: &impl Serialize) -> Vec<u8> {
    let mut bytes = serde_json::to_vec(v).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// One way of writing a synonym: the stems of its words, and the stem of its words written as
/// one (the term the client looks up for the run of query words).
struct Alias {
    stems: Vec<u32>,
    key: u32,
    word: String,
}

fn alias(phrase: &str, terms: &mut Terms) -> Option<Alias> {
    let tokens = tokens(phrase);
    let word = tokens.concat();
    (word.chars().count() >= MIN_WORD).then(|| Alias {
        stems: tokens.iter().map(|t| terms.of(t)).collect(),
        key: terms.of(&word),
        word,
    })
}

/// Whether `stems` holds `phrase` as adjacent words.
fn has_phrase(stems: &[u32], phrase: &[u32]) -> bool {
    !phrase.is_empty() && stems.windows(phrase.len()).any(|w| w == phrase)
}

/// The index files under `search/`. `synonyms` pairs a term with its alternatives ("direct
/// payment" and "DP"): a document containing any of them is found by each of them.
/// Each finding's document is `docs`' where given ([`finding_doc_text`], in the site's order;
/// `None` for a withdrawn finding, which is not indexed).
/// With `memo` (`serve`), the terms are numbered as in its last run, and each finding's words
/// and own terms are the last run's where the finding is unchanged ([`SearchMemo`]).
pub(crate) fn index_files<'a>(
    site: &'a Site,
    synonyms: &[(String, Vec<String>)],
    docs: Option<Vec<Option<&'a str>>>,
    mut memo: Option<&mut SearchMemo>,
) -> IndexFiles<'a> {
    let mut local = Terms::default();
    let (terms, kept) = match memo.as_deref_mut() {
        Some(SearchMemo { terms, docs, .. }) => (terms, Some(docs)),
        None => (&mut local, None),
    };
    let (mut sets, mut words, texts) = own_terms_of(site, terms, kept);
    join_terms(&texts, terms, &mut sets, &mut words);
    synonym_terms(&texts, synonyms, terms, &mut sets, &mut words);
    drop(texts);
    let count = sets.len();
    let shards = shards(terms, sets);
    let files = IndexFiles {
        site,
        docs,
        manifest: manifest(site, count, shards.keys()),
        stems: stems_file(terms, &words),
        shards,
    };
    if let Some(memo) = memo {
        memo.mind_its_size();
    }
    files
}

/// The index files, the documents' chunks (most of the index's bytes) made as they are taken.
pub(crate) struct IndexFiles<'a> {
    site: &'a Site,
    /// Each finding's document as kept ([`index_files`]).
    docs: Option<Vec<Option<&'a str>>>,
    /// shard → term → the numbers of the documents with it (ascending).
    shards: BTreeMap<String, BTreeMap<String, Vec<u32>>>,
    manifest: OutputFile,
    stems: OutputFile,
}

impl<'a> IntoIterator for IndexFiles<'a> {
    type Item = OutputFile;
    type IntoIter = Box<dyn Iterator<Item = OutputFile> + 'a>;

    fn into_iter(self) -> Self::IntoIter {
        let shards = self.shards.into_iter().map(|(shard, terms)| {
            OutputFile::new(
                format!("search/terms/{}.json", shard_file(&shard)),
                json_bytes(&terms),
            )
        });
        let docs = doc_files(self.site, self.docs);
        Box::new(shards.chain(docs).chain([self.manifest, self.stems]))
    }
}

/// Every document's words by their numbers ([`Terms::word`]), in order, one document after
/// another: the later passes read them here rather than make and split each text again (a few
/// bytes a word, where the texts and their words as strings were megabytes of small strings).
#[derive(Default)]
struct Texts {
    words: Vec<u32>,
    /// Where each document's words end in `words`.
    ends: Vec<usize>,
}

impl Texts {
    fn docs(&self) -> impl Iterator<Item = &[u32]> {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts.zip(&self.ends).map(|(a, &b)| &self.words[a..b])
    }
}

/// A document's words and its own terms, by their numbers in a [`Terms`]: all that the index
/// reads of a document's text.
struct DocTerms {
    /// Its words, in order.
    words: Box<[u32]>,
    /// Each word it is found by, once, with its term ([`own_terms`]).
    own: Box<[(u32, u32)]>,
    /// Its own terms, ascending.
    set: Box<[u32]>,
}

impl DocTerms {
    fn new(e: Entry, terms: &mut Terms) -> Self {
        let (mut words, mut hyphenated) = (Vec::new(), Vec::new());
        each_token(&e.text(), &mut String::new(), |word, hyphen| {
            words.push(terms.word(word));
            hyphenated.push(hyphen);
        });
        let mut own = own_terms(&words, &hyphenated, terms);
        let mut set: Vec<u32> = own.iter().map(|&(_, id)| id).collect();
        set.sort_unstable();
        set.dedup();
        own.sort_unstable();
        own.dedup();
        DocTerms {
            words: words.into(),
            own: own.into(),
            set: set.into(),
        }
    }
}

/// What `serve` keeps of the search index between runs: the terms as numbered so far (none is
/// forgotten one by one: the memo starts afresh instead, [`SearchMemo::mind_its_size`]), and each
/// finding's [`DocTerms`] under those numbers, with the finding they were made from.
#[derive(Default)]
pub(crate) struct SearchMemo {
    terms: Terms,
    docs: KeptDocs,
    /// How many words were numbered when it was new (after its first run).
    first: usize,
}

impl SearchMemo {
    /// Starts afresh when the words numbered have come to twice those numbered in its first run
    /// (words a site no longer has are never forgotten one by one: a `serve` session of many
    /// edits, each saved as it is typed, numbers every half-typed word).
    fn mind_its_size(&mut self) {
        let words = self.terms.word_names.len();
        if self.first == 0 {
            self.first = words;
        } else if words > 2 * self.first {
            *self = SearchMemo::default();
        }
    }
}

/// Each finding's [`DocTerms`], with the finding they were made from.
type KeptDocs = ByFinding<DocTerms>;

#[cfg(test)]
impl SearchMemo {
    /// Each finding's words as kept, by the address they are kept at.
    pub fn kept_docs(&self) -> BTreeMap<FindingId, usize> {
        (self.docs.iter())
            .map(|(id, d)| (id.clone(), Arc::as_ptr(d) as usize))
            .collect()
    }
}

/// Each document's own terms (`own_terms`), the words indexed under each term, and the
/// documents' words. With `kept` (a [`SearchMemo`]'s), a finding's are taken from it where the
/// finding is the one they were made from, and it then holds this site's.
fn own_terms_of(
    site: &Site,
    terms: &mut Terms,
    mut kept: Option<&mut KeptDocs>,
) -> (Vec<Vec<u32>>, Vec<BTreeSet<String>>, Texts) {
    let mut sets = Vec::new();
    let mut words = Vec::new();
    let mut texts = Texts::default();
    // Whether each word (by its number) is in `words` under its term yet.
    let mut noted: Vec<bool> = Vec::new();
    // The findings by their places, to look their kept words up by.
    let findings: Vec<(&FindingId, &Arc<Finding>)> = match kept {
        Some(_) => site.findings.iter().collect(),
        None => Vec::new(),
    };
    for e in documents(site) {
        let doc = match (e, kept.as_deref_mut()) {
            (Entry::Finding(_, i), Some(kept)) => {
                let (id, f) = findings[i];
                let doc = match kept.get(id, f) {
                    Some(doc) => doc.clone(),
                    None => Arc::new(DocTerms::new(e, terms)),
                };
                kept.keep(id, f, &doc);
                doc
            }
            _ => Arc::new(DocTerms::new(e, terms)),
        };
        texts.words.extend_from_slice(&doc.words);
        texts.ends.push(texts.words.len());
        for &(w, id) in doc.own.iter() {
            let w = w as usize;
            if noted.len() <= w {
                noted.resize(w + 1, false);
            }
            if !noted[w] {
                noted[w] = true;
                note(&mut words, id, terms.word_name(w as u32));
            }
        }
        sets.push(doc.set.to_vec());
    }
    // A withdrawn finding's are not taken out here (it is not indexed): they go when it does.
    if let Some(kept) = kept.filter(|k| k.len() > site.findings.len()) {
        kept.only(&site.findings);
    }
    (sets, words, texts)
}

/// "well being" is also "wellbeing" where the site writes "wellbeing" or "well-being": where the
/// stem of adjacent words joined is a term already. Only joins that some word of the site starts
/// like (a word starting "wellb") are stemmed, which skips nearly all.
fn join_terms(
    texts: &Texts,
    terms: &mut Terms,
    sets: &mut [Vec<u32>],
    words: &mut Vec<BTreeSet<String>>,
) {
    // The joins only find terms that are some document's own.
    let mut known = vec![false; terms.names.len()];
    for id in sets.iter().flatten() {
        known[*id as usize] = true;
    }
    let starts: FxHashSet<&str> = words.iter().flatten().flat_map(|w| prefixes(w)).collect();
    let mut joins = Vec::new();
    for (doc, set) in texts.docs().zip(sets) {
        for (id, word) in joins_in(doc, &starts, terms) {
            if known.get(id as usize) == Some(&true) {
                add(set, id);
                if !words[id as usize].contains(&word) {
                    joins.push((id, word));
                }
            }
        }
    }
    drop(starts);
    for (id, word) in joins {
        note(words, id, &word);
    }
}

/// A word's beginnings of two or more characters, and the word.
fn prefixes(w: &str) -> impl Iterator<Item = &str> {
    (w.char_indices().skip(1).map(|(i, _)| i))
        .chain([w.len()])
        .map(move |i| &w[..i])
}

/// The runs of two to `MAX_JOIN` adjacent words that some word of the site starts like, written
/// as one, with their terms.
fn joins_in(doc: &[u32], starts: &FxHashSet<&str>, terms: &mut Terms) -> Vec<(u32, String)> {
    let mut out = Vec::new();
    let mut start = String::new();
    for i in 0..doc.len().saturating_sub(1) {
        start.clear();
        start.push_str(terms.word_name(doc[i]));
        start.extend(terms.word_name(doc[i + 1]).chars().next());
        if !starts.contains(start.as_str()) {
            continue;
        }
        for end in i + 2..=(i + MAX_JOIN).min(doc.len()) {
            let word: String = doc[i..end].iter().map(|&w| terms.word_name(w)).collect();
            out.push((terms.of(&word), word));
        }
    }
    out
}

/// A document with any form of a synonym is found by every form.
fn synonym_terms(
    texts: &Texts,
    synonyms: &[(String, Vec<String>)],
    terms: &mut Terms,
    sets: &mut [Vec<u32>],
    words: &mut Vec<BTreeSet<String>>,
) {
    let groups: Vec<Vec<Alias>> = synonyms
        .iter()
        .map(|(term, alternatives)| {
            std::iter::once(term)
                .chain(alternatives)
                .filter_map(|p| alias(p, terms))
                .collect::<Vec<_>>()
        })
        .filter(|g| g.len() >= 2)
        .collect();
    if groups.is_empty() {
        return;
    }
    for (doc, set) in texts.docs().zip(sets) {
        let doc_stems: Vec<u32> = doc.iter().map(|&w| terms.term(w)).collect();
        for group in &groups {
            let found =
                |a: &Alias| set.binary_search(&a.key).is_ok() || has_phrase(&doc_stems, &a.stems);
            if group.iter().any(found) {
                for a in group {
                    add(set, a.key);
                }
            }
        }
    }
    for a in groups.into_iter().flatten() {
        note(words, a.key, &a.word);
    }
}

/// shard → term → the numbers of the documents with it (ascending).
fn shards(terms: &Terms, sets: Vec<Vec<u32>>) -> BTreeMap<String, BTreeMap<String, Vec<u32>>> {
    let mut docs: Vec<Vec<u32>> = vec![Vec::new(); terms.names.len()];
    for (n, set) in sets.into_iter().enumerate() {
        let n = u32::try_from(n).unwrap_or(u32::MAX);
        for id in set {
            docs[id as usize].push(n);
        }
    }
    let mut shards: BTreeMap<String, BTreeMap<String, Vec<u32>>> = BTreeMap::new();
    for (id, list) in (0..).zip(docs) {
        if !list.is_empty() {
            let term = terms.name(id);
            shards
                .entry(shard_of(term))
                .or_default()
                .insert(term.to_string(), list);
        }
    }
    shards
}

/// The chunks of documents, each made when it is taken: a finding's document is `docs`' where
/// given.
fn doc_files<'a>(
    site: &'a Site,
    docs: Option<Vec<Option<&'a str>>>,
) -> impl Iterator<Item = OutputFile> + 'a {
    let mut entries = documents(site).peekable();
    let mut i = 0;
    std::iter::from_fn(move || {
        entries.peek()?;
        // Compact JSON, as serde_json writes a list: `[a,b]`.
        let mut bytes = b"[".to_vec();
        for (n, e) in entries.by_ref().take(CHUNK).enumerate() {
            if n > 0 {
                bytes.push(b',');
            }
            let kept = match e {
                Entry::Finding(_, f) => docs.as_ref().and_then(|docs| docs[f]),
                _ => None,
            };
            match kept {
                Some(text) => bytes.extend_from_slice(text.as_bytes()),
                // Writing into a `Vec` cannot fail.
                None => drop(serde_json::to_writer(&mut bytes, &e.doc(site))),
            }
        }
        bytes.extend_from_slice(b"]\n");
        let path = format!("search/docs/{i}.json");
        i += 1;
        Some(OutputFile::new(path, bytes))
    })
}

fn manifest<'a>(site: &Site, count: usize, shards: impl Iterator<Item = &'a String>) -> OutputFile {
    let topics: Vec<serde_json::Value> = site
        .topics_in_order()
        .iter()
        .map(|t| json!({"id": t.id.0, "title": t.title}))
        .collect();
    let manifest = json!({
        "version": 2,
        "chunk": CHUNK,
        "documents": count,
        "shards": shards.map(|s| (s.clone(), shard_file(s))).collect::<BTreeMap<_, _>>(),
        "kinds": ["source", "finding", "claim", "topic", "gap", "dataset"],
        "topics": topics,
        "stances": ["supports", "contradicts", "mixed", "context"],
    });
    OutputFile::new("search/manifest.json", json_bytes(&manifest))
}

/// `search/stems.json`: every indexed word by its stem.
fn stems_file(terms: &Terms, words: &[BTreeSet<String>]) -> OutputFile {
    let stems: BTreeMap<&str, &BTreeSet<String>> = (0..)
        .zip(words)
        .filter(|(_, w)| !w.is_empty())
        .map(|(id, w)| (terms.name(id), w))
        // Numbers stem as themselves (Snowball changes letters only), and a site has many.
        .filter(|(s, _)| !s.chars().all(|c| c.is_ascii_digit()))
        .collect();
    OutputFile::new("search/stems.json", json_bytes(&stems))
}

/// A file-name-safe name for a shard: letters and digits as they are, anything else as its code.
fn shard_file(shard: &str) -> String {
    shard
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_string()
            } else {
                format!("u{:x}", u32::from(c))
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::Inputs;
    use crate::model::Environment;

    /// A first search on a 10,000-finding site fetches the stemmer, the manifest, one shard per
    /// word and the document chunks of the first page of results: well under 300 kB. (It never
    /// fetches `stems.json`.)
    #[test]
    fn first_search_on_ten_thousand_findings_transfers_little() {
        let mut inputs = Inputs::default();
        inputs.insert_text("site.yaml", "title: T\nbase_url: https://example.org/\n");
        let mut archive = String::new();
        let mut findings = String::from("findings:\n");
        let vocabulary = [
            "council",
            "budget",
            "planning",
            "review",
            "support",
            "allocation",
            "staff",
            "control",
            "quality",
            "survey",
            "respondents",
            "assessment",
            "carers",
            "process",
            "outcome",
        ];
        for i in 0..10_000usize {
            let sentence = format!(
                "Item {i} says {} and {} rose by {}%.",
                vocabulary[i % 15],
                vocabulary[(i * 7) % 15],
                i % 97
            );
            archive.push_str(&sentence);
            archive.push('\n');
            findings.push_str(&format!(
                "  - id: f{i}\n    statement: Statement {i}.\n    figure: \"{}%\"\n    value: {{kind: percent, number: {}}}\n    source: s\n    locator: line {i}\n    quote: \"{sentence}\"\n",
                i % 97,
                i % 97
            ));
        }
        inputs.insert_text("archive/s.txt", archive);
        inputs.insert_text(
            "content/sources/s.md",
            "---\ntype: report\ntitle: S\ndate: \"2012\"\nkind: report\narchive: archive/s.txt\n---\n",
        );
        inputs.insert_text("data/findings/f.yaml", findings);
        let (parsed, _) = crate::parse::parse(&inputs, &crate::load::Disk);
        let (site, _, diags) = crate::resolve::resolve(parsed, &Environment::default());
        assert!(diags.iter().all(|d| !d.is_error()), "{diags:?}");
        assert_eq!(site.findings.len(), 10_000);
        let started = std::time::Instant::now();
        let files: Vec<OutputFile> = index_files(&site, &[], None, None).into_iter().collect();
        eprintln!("indexing 10,000 findings: {:?}", started.elapsed());
        let size = |p: &str| {
            files
                .iter()
                .find(|f| f.path == p)
                .map_or(0, |f| f.bytes.len())
        };
        // The client's work for the query "budget control": the manifest, the shards `bu` and
        // `co`, and the chunks holding the first 20 results.
        let mut bytes = size("search/manifest.json")
            + size("search/terms/bu.json")
            + size("search/terms/co.json");
        let shard = |name: &str| -> BTreeMap<String, Vec<u32>> {
            serde_json::from_slice(&files.iter().find(|f| f.path == name).unwrap().bytes).unwrap()
        };
        let a: BTreeSet<u32> = shard("search/terms/bu.json")["budget"]
            .iter()
            .copied()
            .collect();
        let b: BTreeSet<u32> = shard("search/terms/co.json")["control"]
            .iter()
            .copied()
            .collect();
        let hits: Vec<u32> = a.intersection(&b).copied().take(20).collect();
        assert!(!hits.is_empty());
        let chunks: BTreeSet<u32> = hits.iter().map(|n| n / CHUNK as u32).collect();
        for c in chunks {
            bytes += size(&format!("search/docs/{c}.json"));
        }
        eprintln!("first search: {bytes} bytes of index");
        bytes += include_bytes!("../../themes/default/static/snowball-english.js").len();
        assert!(bytes < 300_000, "a first search transfers {bytes} bytes");
        eprintln!("first search: {bytes} bytes with the stemmer");
        eprintln!("stems.json: {} bytes", size("search/stems.json"));
        // Stemmed terms: "outcomes" finds the findings that say "outcome".
        let outcome = (0..10_000usize)
            .filter(|i| i % 15 == 14 || (i * 7) % 15 == 14)
            .count();
        assert_eq!(
            shard("search/terms/ou.json")[&stem("outcomes")].len(),
            outcome
        );
    }

    /// A site with one finding per quote (statement "Finding <i>.").
    fn site_of(quotes: &[&str]) -> Site {
        let mut inputs = Inputs::default();
        inputs.insert_text("site.yaml", "title: T\nbase_url: https://example.org/\n");
        let mut findings = String::from("findings:\n");
        for (i, q) in quotes.iter().enumerate() {
            findings.push_str(&format!(
                "  - id: f{i}\n    statement: Finding {i}.\n    source: s\n    locator: line {i}\n    quote: \"{q}\"\n"
            ));
        }
        inputs.insert_text("archive/s.txt", quotes.join("\n"));
        inputs.insert_text(
            "content/sources/s.md",
            "---\ntype: report\ntitle: S\ndate: \"2012\"\nkind: report\narchive: archive/s.txt\n---\n",
        );
        inputs.insert_text("data/findings/f.yaml", findings);
        let (parsed, _) = crate::parse::parse(&inputs, &crate::load::Disk);
        let (site, _, diags) = crate::resolve::resolve(parsed, &Environment::default());
        assert!(diags.iter().all(|d| !d.is_error()), "{diags:?}");
        site
    }

    /// The index of `site_of(quotes)`: term → the ids of the findings it finds.
    fn index_of(
        quotes: &[&str],
        synonyms: &[(String, Vec<String>)],
    ) -> BTreeMap<String, BTreeSet<String>> {
        let files: Vec<OutputFile> = index_files(&site_of(quotes), synonyms, None, None)
            .into_iter()
            .collect();
        let docs: Vec<serde_json::Value> = files
            .iter()
            .filter(|f| f.path.starts_with("search/docs/"))
            .flat_map(|f| serde_json::from_slice::<Vec<serde_json::Value>>(&f.bytes).unwrap())
            .collect();
        let mut index = BTreeMap::new();
        for f in files.iter().filter(|f| f.path.starts_with("search/terms/")) {
            let terms: BTreeMap<String, Vec<usize>> = serde_json::from_slice(&f.bytes).unwrap();
            for (term, ns) in terms {
                let ids: BTreeSet<String> = ns
                    .into_iter()
                    .filter_map(|n| docs[n]["url"].as_str())
                    .filter_map(|u| u.strip_prefix("/findings/"))
                    .map(|u| u.trim_end_matches('/').to_string())
                    .collect();
                index.insert(term, ids);
            }
        }
        index
    }

    fn ids(list: &[&str]) -> BTreeSet<String> {
        list.iter().map(ToString::to_string).collect()
    }

    /// What the client looks up for a query word, or for a run of query words written as one.
    fn found(index: &BTreeMap<String, BTreeSet<String>>, words: &str) -> BTreeSet<String> {
        let word = tokens(words).concat();
        index.get(&stem(&word)).cloned().unwrap_or_default()
    }

    #[test]
    fn words_are_indexed_by_their_snowball_english_stem() {
        for (word, expected) in [
            ("outcomes", "outcom"),
            ("outcome", "outcom"),
            ("payments", "payment"),
            ("wellbeing", "wellb"),
            ("generously", "generous"),
            ("studies", "studi"),
            ("72", "72"),
            ("2013", "2013"),
            ("1990s", "1990s"),
        ] {
            assert_eq!(stem(word), expected, "{word}");
        }
        let index = index_of(
            &[
                "Outcomes improved for most.",
                "One outcome was worse.",
                "Direct payments were late.",
            ],
            &[],
        );
        assert_eq!(found(&index, "outcome"), ids(&["f0", "f1"]));
        assert_eq!(found(&index, "OUTCOMES"), ids(&["f0", "f1"]));
        assert_eq!(found(&index, "payment"), ids(&["f2"]));
        assert!(
            !index.contains_key("outcomes"),
            "words are not indexed as written"
        );
    }

    #[test]
    fn compounds_match_hyphenated_spaced_or_closed() {
        let index = index_of(
            &[
                "It improved well-being a little.",
                "Their wellbeing did not change.",
                "The well being of carers fell.",
                "It went well for carers.",
                "Three e-mail reminders.",
            ],
            &[],
        );
        let all = ids(&["f0", "f1", "f2"]);
        assert_eq!(found(&index, "wellbeing"), all);
        assert_eq!(found(&index, "well-being"), all);
        assert_eq!(found(&index, "well being"), all);
        // The parts are words of their own too.
        assert_eq!(found(&index, "well"), ids(&["f0", "f2", "f3"]));
        assert_eq!(found(&index, "being"), ids(&["f0", "f2"]));
        assert_eq!(found(&index, "email"), ids(&["f4"]));
        assert_eq!(found(&index, "e mail"), ids(&["f4"]));
        // Spaced words are joined only where the site writes them as one word somewhere.
        assert!(!index.contains_key(&stem("wentwell")));
    }

    #[test]
    fn synonyms_find_each_other_both_ways() {
        let quotes = [
            "Self-directed support helped some.",
            "SDS did not help others.",
            "Direct payments came late.",
            "A DP came early.",
            "Nothing related here.",
        ];
        let synonyms = vec![
            ("self-directed support".to_string(), vec!["SDS".to_string()]),
            ("direct payment".to_string(), vec!["DP".to_string()]),
        ];
        let index = index_of(&quotes, &synonyms);
        let sds = ids(&["f0", "f1"]);
        let dp = ids(&["f2", "f3"]);
        assert_eq!(found(&index, "SDS"), sds);
        assert_eq!(found(&index, "self-directed support"), sds);
        assert_eq!(found(&index, "self directed support"), sds);
        assert_eq!(found(&index, "dp"), dp);
        assert_eq!(found(&index, "direct payments"), dp);
        assert_eq!(found(&index, "direct payment"), dp);
        // Without synonyms each is found only as written.
        let plain = index_of(&quotes, &[]);
        assert_eq!(found(&plain, "SDS"), ids(&["f1"]));
        assert_eq!(found(&plain, "dp"), ids(&["f3"]));
        assert!(found(&plain, "direct payments").is_empty());
    }

    /// `search/stems.json` (for checking the client's stemmer) lists every word the index
    /// stemmed, compounds and synonyms too, under the stem it gave it.
    #[test]
    fn stems_json_lists_every_indexed_word_by_its_stem() {
        let site = site_of(&["Outcomes and an outcome of well-being.", "SDS helped."]);
        let synonyms = vec![("self-directed support".to_string(), vec!["SDS".to_string()])];
        let files: Vec<OutputFile> = index_files(&site, &synonyms, None, None)
            .into_iter()
            .collect();
        let file = files
            .iter()
            .find(|f| f.path == "search/stems.json")
            .unwrap();
        let stems: BTreeMap<String, BTreeSet<String>> =
            serde_json::from_slice(&file.bytes).unwrap();
        assert_eq!(stems["outcom"], ids(&["outcome", "outcomes"]));
        assert_eq!(stems["wellb"], ids(&["wellbeing"]));
        assert_eq!(stems["sds"], ids(&["sds"]));
        assert_eq!(
            stems[&stem("selfdirectedsupport")],
            ids(&["selfdirectedsupport"])
        );
        for (s, words) in &stems {
            for w in words {
                assert_eq!(&stem(w), s, "{w}");
            }
        }
    }

    #[test]
    fn words_are_lowercase_and_know_their_hyphens() {
        let mut t = Vec::new();
        let text = "Almost three-quarters (72%) said a Council - e-mail";
        each_token(text, &mut String::new(), |w, h| t.push((w.to_string(), h)));
        let w: Vec<&str> = t.iter().map(|(w, _)| w.as_str()).collect();
        assert_eq!(
            w,
            ["almost", "three", "quarters", "72", "said", "a", "council", "e", "mail"]
        );
        assert_eq!(tokens(text), w);
        let h: Vec<bool> = t.iter().map(|(_, h)| *h).collect();
        assert_eq!(
            h,
            [false, false, true, false, false, false, false, false, true]
        );
        let mut terms = Terms::default();
        let words: Vec<u32> = w.iter().map(|w| terms.word(w)).collect();
        let own: Vec<String> = own_terms(&words, &h, &mut terms)
            .into_iter()
            .map(|(_, id)| terms.name(id).to_string())
            .collect();
        // Single letters are not terms, but compounds with them are.
        assert_eq!(
            own,
            [
                "almost",
                "three",
                "quarter",
                "72",
                "said",
                "council",
                "mail",
                "threequart",
                "email"
            ]
        );
    }

    #[test]
    fn the_memo_starts_afresh_once_its_words_have_doubled_and_the_index_is_the_same() {
        let files = |site: &Site, memo: Option<&mut SearchMemo>| {
            let files: Vec<OutputFile> = index_files(site, &[], None, memo).into_iter().collect();
            (files.into_iter())
                .map(|f| (f.path, f.bytes))
                .collect::<BTreeMap<_, _>>()
        };
        let mut memo = SearchMemo::default();
        let first = site_of(&["Budget holders chose support", "Staff led planning"]);
        assert_eq!(files(&first, Some(&mut memo)), files(&first, None));
        let words = memo.terms.word_names.len();
        assert_eq!((memo.first, memo.docs.len()), (words, 2));
        // Each site has a finding with words of its own: the memo keeps numbering them until
        // they are twice those of its first run, then starts afresh.
        let mut fresh = false;
        for n in 0..3 * words {
            let own = format!("Staff led planning, word{n}a word{n}b");
            let site = site_of(&["Budget holders chose support", &own]);
            assert_eq!(files(&site, Some(&mut memo)), files(&site, None), "{n}");
            fresh |= memo.docs.is_empty();
            assert!(memo.terms.word_names.len() <= 2 * words + 8, "{n}");
        }
        assert!(fresh, "the memo never started afresh");
    }
}
