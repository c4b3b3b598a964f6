//! Client-side search without a third party: a small index of our own, split into chunks fetched
//! on demand. `search/manifest.json` lists the term shards and the filters; each shard
//! (`search/terms/<prefix>.json`) maps the words starting with its two-letter prefix to the
//! numbers of the documents containing them; documents (kind, title, URL, a snippet, topics and
//! stances for filtering) come in fixed-size chunks (`search/docs/<n>.json`). A query fetches the
//! manifest, one shard per word and the chunks of the results it shows, so the bytes a first
//! search transfers grow with the results, not with the site.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::json;

use crate::layout::OutputFile;
use crate::model::Site;

/// Documents per chunk.
const CHUNK: usize = 200;
/// Words shorter than this are not indexed (they match too much to help).
const MIN_WORD: usize = 2;

#[derive(Serialize)]
struct Doc {
    kind: &'static str,
    title: String,
    url: String,
    text: String,
    topics: Vec<String>,
    stances: Vec<&'static str>,
}

/// Lowercase words of letters and digits; `72%` indexes as `72`.
pub(crate) fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= MIN_WORD)
        .map(str::to_lowercase)
}

fn shard_of(word: &str) -> String {
    word.chars().take(2).collect()
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
    for f in site.findings.values() {
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

/// The index files under `search/`.
pub(crate) fn index_files(site: &Site) -> Vec<OutputFile> {
    let docs = documents(site);
    // shard → word → document numbers (ascending, deduplicated).
    let mut shards: BTreeMap<String, BTreeMap<String, Vec<u32>>> = BTreeMap::new();
    for (n, (_, text)) in docs.iter().enumerate() {
        let n = u32::try_from(n).unwrap_or(u32::MAX);
        let unique: BTreeSet<String> = words(text).collect();
        for w in unique {
            shards
                .entry(shard_of(&w))
                .or_default()
                .entry(w)
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
        "version": 1,
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

    /// A first search on a 10,000-finding site fetches the manifest, one shard per word and the
    /// document chunks of the first page of results: well under 300 kB.
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
        let files = index_files(&site);
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
        assert!(bytes < 300_000, "a first search transfers {bytes} bytes");
        eprintln!("first search: {bytes} bytes");
    }

    #[test]
    fn words_are_lowercase_and_skip_single_letters() {
        let w: Vec<String> = words("Almost three-quarters (72%) said a Council").collect();
        assert_eq!(w, ["almost", "three", "quarters", "72", "said", "council"]);
    }
}
