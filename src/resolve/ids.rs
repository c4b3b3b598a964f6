//! Ids and references: every node's id checked (permalink-safe, unique), the set of ids of each
//! kind (counting nodes whose file failed to parse, so one mistake is reported once), and each
//! reference looked up with a "did you mean" for a near miss.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use crate::diagnostic::{Code, Diagnostic, Position};
use crate::model::{valid_id, ClaimId, SourceId, TopicId};
use crate::parse::raw::RawDoc;
use crate::parse::yaml::{position_of, Spanned};
use crate::parse::Parsed;

/// The ids of each kind of node, for checking references against the full set.
pub(crate) struct Ids {
    pub sources: BTreeSet<String>,
    pub claims: BTreeSet<String>,
    pub topics: BTreeSet<String>,
    pub gaps: BTreeSet<String>,
    /// Each finding id with the file and place of its first definition.
    pub findings: HashMap<String, (PathBuf, Option<Position>)>,
}

impl Ids {
    /// Checks every node's id. Ids of nodes whose files failed to parse count as known, so that
    /// one mistake is reported once and not again at every reference to the node.
    pub fn new(parsed: &Parsed, diags: &mut Vec<Diagnostic>) -> Self {
        let with_broken = |mut ids: BTreeSet<String>, kind: &str| {
            let prefix = format!("{kind}:");
            ids.extend(
                parsed
                    .broken
                    .iter()
                    .filter_map(|b| b.strip_prefix(&prefix).map(str::to_string)),
            );
            ids
        };
        Ids {
            sources: with_broken(doc_ids(&parsed.sources, "source", diags), "source"),
            claims: with_broken(doc_ids(&parsed.claims, "claim", diags), "claim"),
            topics: with_broken(doc_ids(&parsed.topics, "topic", diags), "topic"),
            gaps: with_broken(doc_ids(&parsed.gaps, "gap", diags), "gap"),
            findings: finding_ids(parsed, diags),
        }
    }

    pub fn source(
        &self,
        id: &Spanned<String>,
        file: &Path,
        d: &mut Vec<Diagnostic>,
    ) -> Option<SourceId> {
        find_ref(&self.sources, "source", "sources", id, file, d).map(SourceId)
    }

    pub fn claim(&self, id: &Spanned<String>, file: &Path, d: &mut Vec<Diagnostic>) -> Option<ClaimId> {
        find_ref(&self.claims, "claim", "claims", id, file, d).map(ClaimId)
    }

    pub fn topic(&self, id: &Spanned<String>, file: &Path, d: &mut Vec<Diagnostic>) -> Option<TopicId> {
        find_ref(&self.topics, "topic", "topics", id, file, d).map(TopicId)
    }
}

/// Finding ids, each checked and with its first definition; a second definition is an error.
fn finding_ids(
    parsed: &Parsed,
    diags: &mut Vec<Diagnostic>,
) -> HashMap<String, (PathBuf, Option<Position>)> {
    let mut finding_ids: HashMap<String, (PathBuf, Option<Position>)> = HashMap::new();
    for (file, f) in &parsed.findings {
        let id = &f.value.id;
        let pos = position_of(id);
        if !check_id(&id.value, "finding", file, pos, diags) {
            continue;
        }
        if let Some((first_file, first_pos)) = finding_ids.get(&id.value) {
            diags.push(
                Diagnostic::error(
                    Code::DuplicateId,
                    format!("two findings have the id `{}`", id.value),
                )
                .at_opt(file, pos)
                .help(format!(
                    "the first is at {}; ids are permalinks, so give this finding a new one",
                    Diagnostic::error(Code::DuplicateId, "")
                        .at_opt(first_file, *first_pos)
                        .location()
                )),
            );
        } else {
            finding_ids.insert(id.value.clone(), (file.clone(), pos));
        }
    }
    finding_ids
}

pub(crate) fn check_id(
    id: &str,
    kind: &str,
    file: &Path,
    position: Option<Position>,
    diags: &mut Vec<Diagnostic>,
) -> bool {
    if valid_id(id) {
        return true;
    }
    let suggestion = crate::markdown::slugify(id);
    diags.push(
        Diagnostic::error(Code::InvalidId, format!("`{id}` is not a valid {kind} id"))
            .at(
                file,
                position
                    .unwrap_or(Position::new(1, 1))
                    .with_len(id.chars().count()),
            )
            .help(format!(
                "ids are permalinks: lowercase letters, digits and hyphens only{}",
                if valid_id(&suggestion) {
                    format!(", e.g. `{suggestion}`")
                } else {
                    String::new()
                }
            )),
    );
    false
}

pub(crate) fn doc_ids<T>(
    docs: &[RawDoc<T>],
    kind: &str,
    diags: &mut Vec<Diagnostic>,
) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    for d in docs {
        if check_id(&d.stem, kind, &d.file, None, diags) {
            ids.insert(d.stem.clone());
        }
    }
    ids
}

/// Looks `id` up in `set`; reports an unknown id (with a near match, if any) at its place.
pub(crate) fn find_ref(
    set: &BTreeSet<String>,
    kind: &str,
    folder: &str,
    id: &Spanned<String>,
    file: &Path,
    diags: &mut Vec<Diagnostic>,
) -> Option<String> {
    if set.contains(&id.value) {
        return Some(id.value.clone());
    }
    let near = closest(&id.value, set);
    diags.push(
        Diagnostic::error(
            match kind {
                "source" => Code::UnknownSource,
                "claim" => Code::UnknownClaim,
                "topic" => Code::UnknownTopic,
                "finding" => Code::UnknownFinding,
                "gap" => Code::UnknownGap,
                "dataset" => Code::UnknownDataset,
                _ => Code::UnknownId,
            },
            format!("there is no {kind} with the id `{}`", id.value),
        )
        .at_opt(
            file,
            position_of(id).map(|p| p.with_len(id.value.chars().count())),
        )
        .label("not defined")
        .help(match (near, folder) {
            (Some(n), "findings") => {
                format!("did you mean `{n}`? (findings are defined in data/findings/)")
            }
            (Some(n), "datasets") => {
                format!("did you mean `{n}`? (defined in data/datasets/{n}.yaml)")
            }
            (Some(n), _) => format!("did you mean `{n}`? (defined in content/{folder}/{n}.md)"),
            (None, "findings") => "add the finding to data/findings/, or fix the id".to_string(),
            (None, "datasets") => format!("create data/datasets/{}.yaml, or fix the id", id.value),
            (None, _) => format!("create content/{folder}/{}.md, or fix the id", id.value),
        }),
    );
    None
}

/// The known id nearest to `id` by edit distance, if it is near enough to be a typo.
fn closest<'a>(id: &str, set: &'a BTreeSet<String>) -> Option<&'a str> {
    set.iter()
        .map(|s| (edit_distance(id, s), s))
        .filter(|(d, s)| *d <= (s.len() / 3).max(2))
        .min()
        .map(|(_, s)| s.as_str())
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}
