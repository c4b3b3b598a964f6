//! Ids and references: every node's id checked (permalink-safe, unique), the set of ids of each
//! kind (counting nodes whose file failed to parse, so one mistake is reported once), and each
//! reference looked up with a "did you mean" for a near miss.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use crate::diagnostic::{Code, Diagnostic, Position};
use crate::model::{valid_id, ClaimId, SourceId, TopicId};
use crate::parse::raw::RawDoc;
use crate::parse::yaml::{position_of, Spanned};
use crate::parse::Parsed;
use crate::resolve::index::{FindingIndex, IndexMemo};

/// The ids of each kind of node, for checking references against the full set.
pub(crate) struct Ids {
    pub sources: BTreeSet<String>,
    pub claims: BTreeSet<String>,
    pub topics: BTreeSet<String>,
    pub gaps: BTreeSet<String>,
    /// Each finding id with its definitions, and the findings' old ids.
    pub findings: FindingIndex,
    /// Old ids (`aliases:`) of nodes other than findings, by kind: `source:old` → the node's id
    /// now.
    pub aliases: HashMap<String, String>,
}

impl Ids {
    /// Checks every node's id. Ids of nodes whose files failed to parse count as known, so that
    /// one mistake is reported once and not again at every reference to the node. The findings'
    /// are `memo`'s index brought up to date, when there is one.
    pub fn new(parsed: &Parsed, memo: Option<&IndexMemo>, diags: &mut Vec<Diagnostic>) -> Self {
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
            findings: match memo {
                Some(memo) => memo.index(&parsed.findings, diags),
                None => FindingIndex::new(&parsed.findings, diags),
            },
            aliases: aliases(parsed),
        }
    }

    /// Looks `id` up in `set` (ids of `kind`). An old id listed in a node's `aliases:` resolves
    /// to the node, with a warning to update the reference; an unknown id is reported.
    pub fn find(
        &self,
        set: &BTreeSet<String>,
        kind: RefKind,
        id: &Spanned<String>,
        file: &Path,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<String> {
        if set.contains(&id.value) {
            return Some(id.value.clone());
        }
        if let Some(now) = self.alias(kind.name(), &id.value) {
            diags.push(
                Diagnostic::warning(
                    Code::OldId,
                    format!("`{}` is an old id of the {} `{now}`", id.value, kind.name()),
                )
                .at_opt(
                    file,
                    position_of(id).map(|p| p.with_len(id.value.chars().count())),
                )
                .help(format!(
                    "refer to `{now}`: the old id is kept only so that its URL redirects"
                )),
            );
            return Some(now.clone());
        }
        find_ref(set, kind, id, file, diags)
    }

    /// The id now of the node of `kind` whose old id is `old`.
    pub fn alias(&self, kind: &str, old: &str) -> Option<&String> {
        match kind {
            "finding" => self.findings.alias(old),
            _ => self.aliases.get(&format!("{kind}:{old}")),
        }
    }

    /// A fingerprint of every source's and claim's id and old id: what resolving a finding
    /// reads of the ids, unless its withdrawal names what replaces it (another finding's id).
    pub fn print_of_sources_and_claims(&self) -> u128 {
        let mut aliases: Vec<(&String, &String)> = (self.aliases.iter())
            .filter(|(old, _)| old.starts_with("source:") || old.starts_with("claim:"))
            .collect();
        aliases.sort_unstable();
        let mut print = crate::resolve::quotes::Fingerprint::default();
        // Each list's length first, then its items each with its length: no two lists run
        // together.
        let lists = [
            self.sources.iter().map(String::as_str).collect::<Vec<_>>(),
            self.claims.iter().map(String::as_str).collect(),
            (aliases.iter())
                .flat_map(|(old, now)| [old.as_str(), now.as_str()])
                .collect(),
        ];
        for list in lists {
            print.part(&(list.len() as u64).to_le_bytes());
            list.iter().for_each(|part| print.part(part.as_bytes()));
        }
        print.finish()
    }

    pub fn source(
        &self,
        id: &Spanned<String>,
        file: &Path,
        d: &mut Vec<Diagnostic>,
    ) -> Option<SourceId> {
        self.find(&self.sources, RefKind::Source, id, file, d)
            .map(SourceId)
    }

    pub fn claim(
        &self,
        id: &Spanned<String>,
        file: &Path,
        d: &mut Vec<Diagnostic>,
    ) -> Option<ClaimId> {
        self.find(&self.claims, RefKind::Claim, id, file, d)
            .map(ClaimId)
    }

    pub fn topic(
        &self,
        id: &Spanned<String>,
        file: &Path,
        d: &mut Vec<Diagnostic>,
    ) -> Option<TopicId> {
        self.find(&self.topics, RefKind::Topic, id, file, d)
            .map(TopicId)
    }
}

/// The old ids (`aliases:`) of nodes other than findings (which the findings' index holds):
/// `kind:old` → id now.
pub(crate) fn aliases(parsed: &Parsed) -> HashMap<String, String> {
    let mut out = HashMap::new();
    macro_rules! docs {
        ($list:expr, $kind:literal) => {
            for d in &$list {
                for a in &d.meta.aliases {
                    out.insert(format!("{}:{}", $kind, a.value), d.stem.clone());
                }
            }
        };
    }
    docs!(parsed.sources, "source");
    docs!(parsed.claims, "claim");
    docs!(parsed.topics, "topic");
    docs!(parsed.gaps, "gap");
    out
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
/// The kinds of thing a reference may name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RefKind {
    Source,
    Claim,
    Topic,
    Finding,
    Gap,
    Dataset,
}

impl RefKind {
    pub fn name(self) -> &'static str {
        match self {
            RefKind::Source => "source",
            RefKind::Claim => "claim",
            RefKind::Topic => "topic",
            RefKind::Finding => "finding",
            RefKind::Gap => "gap",
            RefKind::Dataset => "dataset",
        }
    }

    fn code(self) -> Code {
        match self {
            RefKind::Source => Code::UnknownSource,
            RefKind::Claim => Code::UnknownClaim,
            RefKind::Topic => Code::UnknownTopic,
            RefKind::Finding => Code::UnknownFinding,
            RefKind::Gap => Code::UnknownGap,
            RefKind::Dataset => Code::UnknownDataset,
        }
    }

    /// Where a thing of this kind is defined, for the help line.
    fn defined_in(self, id: &str) -> String {
        match self {
            RefKind::Finding => "data/findings/".to_string(),
            RefKind::Dataset => format!("data/datasets/{id}.yaml"),
            other => format!("content/{}s/{id}.md", other.name()),
        }
    }
}

/// Looks `id` up in `set`; reports an unknown id (with a near match, if any) at its place.
pub(crate) fn find_ref(
    set: &BTreeSet<String>,
    kind: RefKind,
    id: &Spanned<String>,
    file: &Path,
    diags: &mut Vec<Diagnostic>,
) -> Option<String> {
    if set.contains(&id.value) {
        return Some(id.value.clone());
    }
    let help = match closest(&id.value, set) {
        Some(n) if kind == RefKind::Finding => {
            format!("did you mean `{n}`? (findings are defined in data/findings/)")
        }
        Some(n) => format!("did you mean `{n}`? (defined in {})", kind.defined_in(n)),
        None if kind == RefKind::Finding => {
            "add the finding to data/findings/, or fix the id".to_string()
        }
        None => format!("create {}, or fix the id", kind.defined_in(&id.value)),
    };
    diags.push(
        Diagnostic::error(
            kind.code(),
            format!("there is no {} with the id `{}`", kind.name(), id.value),
        )
        .at_opt(
            file,
            position_of(id).map(|p| p.with_len(id.value.chars().count())),
        )
        .label("not defined")
        .help(help),
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
