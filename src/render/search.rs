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

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use rust_stemmers::{Algorithm, Stemmer};
use serde::Serialize;
use serde_json::json;

use crate::layout::OutputFile;
use crate::model::Site;

/// Documents per chunk.
const CHUNK: usize = 200;
/// Words shorter than this are not indexed (they match too much to help).
const MIN_WORD: usize = 2;
/// The longest run of adjacent words the index joins into one term when the joined word occurs
/// elsewhere on the site ("well being" → "wellbeing").
const MAX_JOIN: usize = 3;

#[derive(Serialize)]
struct Doc {
    kind: &'static str,
    title: String,
    url: String,
    text: String,
    topics: Vec<String>,
    stances: Vec<&'static str>,
}

/// A lowercase word of a text, and whether a hyphen joins it to the word before.
struct Token {
    word: String,
    hyphenated: bool,
}

/// Hyphens that join the parts of a compound: "well-being".
fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '\u{2010}' | '\u{2011}')
}

/// Every run of letters and digits, lowercased; `72%` is `72`. Short ones too: they may be part of
/// a compound ("e-mail"), though alone they are not indexed.
fn tokens(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut hyphenated = false;
    let mut separator = 0usize;
    let mut hyphen = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if word.is_empty() {
                hyphenated = !out.is_empty() && separator == 1 && hyphen;
            }
            word.push(c);
        } else {
            if !word.is_empty() {
                out.push(Token {
                    word: std::mem::take(&mut word).to_lowercase(),
                    hyphenated,
                });
                separator = 0;
            }
            separator += 1;
            hyphen = is_hyphen(c);
        }
    }
    if !word.is_empty() {
        out.push(Token {
            word: word.to_lowercase(),
            hyphenated,
        });
    }
    out
}

/// The Snowball (Porter2) English stem of a lowercase word: "outcomes" → "outcom".
fn stem(word: &str) -> String {
    thread_local! {
        static STEMMER: Stemmer = Stemmer::create(Algorithm::English);
    }
    STEMMER.with(|s| s.stem(word).into_owned())
}

/// Stems remembered: a site repeats its words.
#[derive(Default)]
struct Stems(HashMap<String, String>);

impl Stems {
    fn of(&mut self, word: &str) -> String {
        if let Some(s) = self.0.get(word) {
            return s.clone();
        }
        let s = stem(word);
        self.0.insert(word.to_string(), s.clone());
        s
    }
}

fn joined(tokens: &[Token]) -> String {
    tokens.iter().map(|t| t.word.as_str()).collect()
}

fn shard_of(term: &str) -> String {
    term.chars().take(2).collect()
}

/// The terms of a text that need nothing else of the site: the stem of each word, and of each
/// hyphenated compound written as one word ("well-being" → "wellb"). Each with the word it stems.
fn own_terms(tokens: &[Token], cache: &mut Stems) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for t in tokens {
        if t.word.chars().count() >= MIN_WORD {
            out.push((t.word.clone(), cache.of(&t.word)));
        }
    }
    let mut start = 0;
    for end in 1..=tokens.len() {
        if end == tokens.len() || !tokens[end].hyphenated {
            let run = &tokens[start..end];
            let numbers = run.iter().all(|t| t.word.chars().all(|c| c.is_numeric()));
            if run.len() >= 2 && !numbers {
                let word = joined(run);
                let s = cache.of(&word);
                out.push((word, s));
            }
            start = end;
        }
    }
    out
}

fn documents(site: &Site) -> Vec<(Doc, String)> {
    let base = &site.config.base_path;
    let mut docs = Vec::new();
    let topic_of_claim = |c: &crate::model::ClaimId| {
        site.claims
            .get(c)
            .map(|c| c.topic.0.clone())
            .unwrap_or_default()
    };
    for s in site.sources.values() {
        let authors: Vec<String> = s
            .authors
            .iter()
            .map(crate::model::Person::display)
            .collect();
        let text = format!(
            "{} {} {} {}",
            s.title,
            authors.join(" "),
            s.container_title.clone().unwrap_or_default(),
            s.date.year
        );
        docs.push((
            Doc {
                kind: "source",
                title: s.title.clone(),
                url: format!("{base}{}", s.id.path()),
                text: format!("{} · {}", authors.join(", "), s.date.year),
                topics: Vec::new(),
                stances: Vec::new(),
            },
            text,
        ));
    }
    for f in site.findings.values().filter(|f| f.counts()) {
        let mut topics: BTreeSet<String> =
            f.stances.iter().map(|s| topic_of_claim(&s.claim)).collect();
        topics.remove("");
        let stances: BTreeSet<&'static str> = f.stances.iter().map(|s| s.kind.key()).collect();
        docs.push((
            Doc {
                kind: "finding",
                title: match &f.figure {
                    Some(x) => format!("{} — {}", x.text, f.statement),
                    None => f.statement.clone(),
                },
                url: format!("{base}{}", f.id.path()),
                text: format!("“{}” ({})", f.quote, f.locator),
                topics: topics.into_iter().collect(),
                stances: stances.into_iter().collect(),
            },
            format!(
                "{} {} {} {}",
                f.figure.as_ref().map_or("", |x| x.text.as_str()),
                f.statement,
                f.quote,
                f.population.clone().unwrap_or_default()
            ),
        ));
    }
    for c in site.claims.values() {
        docs.push((
            Doc {
                kind: "claim",
                title: c.title.clone(),
                url: format!("{base}{}", c.id.path()),
                text: c.summary.clone().unwrap_or_default(),
                topics: vec![c.topic.0.clone()],
                stances: Vec::new(),
            },
            format!("{} {}", c.title, c.summary.clone().unwrap_or_default()),
        ));
    }
    for t in site.topics.values() {
        docs.push((
            Doc {
                kind: "topic",
                title: t.title.clone(),
                url: format!("{base}{}", t.id.path()),
                text: t.question.clone().unwrap_or_default(),
                topics: vec![t.id.0.clone()],
                stances: Vec::new(),
            },
            format!(
                "{} {} {}",
                t.title,
                t.question.clone().unwrap_or_default(),
                t.summary.clone().unwrap_or_default()
            ),
        ));
    }
    for g in site.gaps.values() {
        docs.push((
            Doc {
                kind: "gap",
                title: g.title.clone(),
                url: format!("{base}{}", g.id.path()),
                text: "Missing evidence".into(),
                topics: g
                    .claims
                    .iter()
                    .map(topic_of_claim)
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .filter(|t| !t.is_empty())
                    .collect(),
                stances: Vec::new(),
            },
            format!(
                "{} {} {}",
                g.title,
                g.quote,
                g.expected.clone().unwrap_or_default()
            ),
        ));
    }
    for d in site.datasets.values() {
        docs.push((
            Doc {
                kind: "dataset",
                title: d.title.clone(),
                url: format!("{base}{}", d.id.path()),
                text: d.description.clone().unwrap_or_default(),
                topics: Vec::new(),
                stances: Vec::new(),
            },
            format!("{} {}", d.title, d.description.clone().unwrap_or_default()),
        ));
    }
    docs
}

/// Compact JSON and a newline.
fn json_bytes(v: &serde_json::Value) -> Vec<u8> {
    format!("{v}\n").into_bytes()
}

/// One way of writing a synonym: the stems of its words, and the stem of its words written as
/// one (the term the client looks up for the run of query words).
struct Alias {
    stems: Vec<String>,
    key: String,
    word: String,
}

fn alias(phrase: &str) -> Option<Alias> {
    let tokens = tokens(phrase);
    let word = joined(&tokens);
    (word.chars().count() >= MIN_WORD).then(|| Alias {
        stems: tokens.iter().map(|t| stem(&t.word)).collect(),
        key: stem(&word),
        word,
    })
}

/// Whether `stems` holds `phrase` as adjacent words.
fn has_phrase(stems: &[String], phrase: &[String]) -> bool {
    !phrase.is_empty() && stems.windows(phrase.len()).any(|w| w == phrase)
}

/// The index files under `search/`. `synonyms` pairs a term with its alternatives ("direct
/// payment" and "DP"): a document containing any of them is found by each of them.
pub(crate) fn index_files(site: &Site, synonyms: &[(String, Vec<String>)]) -> Vec<OutputFile> {
    let docs = documents(site);
    // Each text is split into words once per pass, not kept split: at 10,000 findings, a
    // million small strings held together were the build's memory peak.
    let texts = || docs.iter().map(|(_, text)| tokens(text));
    // Every indexed word, by its stem.
    let mut stems: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut terms: Vec<BTreeSet<String>> = Vec::with_capacity(docs.len());
    let mut cache = Stems::default();
    for tokens in texts() {
        let mut set = BTreeSet::new();
        for (word, s) in own_terms(&tokens, &mut cache) {
            stems.entry(s.clone()).or_default().insert(word);
            set.insert(s);
        }
        terms.push(set);
    }
    // "well being" is also "wellbeing" where the site writes "wellbeing" or "well-being": where
    // the stem of adjacent words joined is a term already. Only joins that some word of the site
    // starts like (a word starting "wellb") are stemmed, which skips nearly all.
    let vocabulary: HashSet<String> = terms.iter().flatten().cloned().collect();
    let starts: HashSet<&str> = stems
        .values()
        .flatten()
        .flat_map(|w| {
            w.char_indices()
                .skip(1)
                .map(|(i, _)| i)
                .chain([w.len()])
                .map(move |i| &w[..i])
        })
        .collect();
    let mut joins = Vec::new();
    let mut start = String::new();
    for (tokens, set) in texts().zip(&mut terms) {
        for i in 0..tokens.len().saturating_sub(1) {
            start.clear();
            start.push_str(&tokens[i].word);
            start.extend(tokens[i + 1].word.chars().next());
            if !starts.contains(start.as_str()) {
                continue;
            }
            for end in i + 2..=(i + MAX_JOIN).min(tokens.len()) {
                let word = joined(&tokens[i..end]);
                let s = cache.of(&word);
                if vocabulary.contains(&s) {
                    set.insert(s.clone());
                    joins.push((s, word));
                }
            }
        }
    }
    drop(starts);
    for (s, word) in joins {
        stems.entry(s).or_default().insert(word);
    }
    let groups: Vec<Vec<Alias>> = synonyms
        .iter()
        .map(|(term, alternatives)| {
            std::iter::once(term)
                .chain(alternatives)
                .filter_map(|p| alias(p))
                .collect::<Vec<_>>()
        })
        .filter(|g| g.len() >= 2)
        .collect();
    if !groups.is_empty() {
        for (tokens, set) in texts().zip(&mut terms) {
            let doc_stems: Vec<String> = tokens.iter().map(|t| cache.of(&t.word)).collect();
            for group in &groups {
                if group
                    .iter()
                    .any(|a| set.contains(&a.key) || has_phrase(&doc_stems, &a.stems))
                {
                    for a in group {
                        set.insert(a.key.clone());
                    }
                }
            }
        }
        for a in groups.iter().flatten() {
            stems
                .entry(a.key.clone())
                .or_default()
                .insert(a.word.clone());
        }
    }
    // shard → term → document numbers (ascending, deduplicated).
    let mut shards: BTreeMap<String, BTreeMap<String, Vec<u32>>> = BTreeMap::new();
    for (n, set) in terms.into_iter().enumerate() {
        let n = u32::try_from(n).unwrap_or(u32::MAX);
        for t in set {
            shards
                .entry(shard_of(&t))
                .or_default()
                .entry(t)
                .or_default()
                .push(n);
        }
    }
    let mut files = Vec::new();
    for (shard, terms) in &shards {
        files.push(OutputFile {
            path: format!("search/terms/{}.json", shard_file(shard)),
            bytes: json_bytes(&json!(terms)),
        });
    }
    for (i, chunk) in docs.chunks(CHUNK).enumerate() {
        let list: Vec<&Doc> = chunk.iter().map(|(d, _)| d).collect();
        files.push(OutputFile {
            path: format!("search/docs/{i}.json"),
            bytes: json_bytes(&json!(list)),
        });
    }
    let topics: Vec<serde_json::Value> = site
        .topics_in_order()
        .iter()
        .map(|t| json!({"id": t.id.0, "title": t.title}))
        .collect();
    let manifest = json!({
        "version": 2,
        "chunk": CHUNK,
        "documents": docs.len(),
        "shards": shards.keys().map(|s| (s.clone(), shard_file(s))).collect::<BTreeMap<_, _>>(),
        "kinds": ["source", "finding", "claim", "topic", "gap", "dataset"],
        "topics": topics,
        "stances": ["supports", "contradicts", "mixed", "context"],
    });
    files.push(OutputFile {
        path: "search/manifest.json".into(),
        bytes: json_bytes(&manifest),
    });
    // Numbers stem as themselves (Snowball changes letters only), and a site has many.
    stems.retain(|s, _| !s.chars().all(|c| c.is_ascii_digit()));
    files.push(OutputFile {
        path: "search/stems.json".into(),
        bytes: json_bytes(&json!(stems)),
    });
    files
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
        let files = index_files(&site, &[]);
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
        let files = index_files(&site_of(quotes), synonyms);
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
        let word: String = tokens(words).into_iter().map(|t| t.word).collect();
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
        let files = index_files(&site, &synonyms);
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
        let t = tokens("Almost three-quarters (72%) said a Council - e-mail");
        let w: Vec<&str> = t.iter().map(|t| t.word.as_str()).collect();
        assert_eq!(
            w,
            ["almost", "three", "quarters", "72", "said", "a", "council", "e", "mail"]
        );
        let h: Vec<bool> = t.iter().map(|t| t.hyphenated).collect();
        assert_eq!(
            h,
            [false, false, true, false, false, false, false, false, true]
        );
        let own: Vec<String> = own_terms(&t, &mut Stems::default())
            .into_iter()
            .map(|(_, s)| s)
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
}
