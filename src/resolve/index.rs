//! The findings' index: every finding id with where it is defined (and its figure), and every
//! old id (`aliases:`) with the finding that lists it. Ids, references and links are checked
//! against it; a second definition of an id is reported from it.
//!
//! A build makes it from every finding. `serve` keeps it from one rebuild to the next
//! ([`IndexMemo`]) and updates it file by file: a findings file whose records are the ones the
//! parse memo handed over last time (the same allocations) is passed over; the records of a file
//! that changed or went are taken out, and the new ones put in. The maps are persistent (imbl), so
//! the index the last build holds (which `serve` still shows edits from) and this run's share all
//! but what changed. Updated or made whole, it is the same index: a unit test compares the two
//! over random edits.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::diagnostic::{Code, Diagnostic, Position};
use crate::model::valid_id;
use crate::parse::raw::{RawFinding, S};
use crate::parse::yaml::position_of;
use crate::parse::FoundFinding;
use crate::resolve::ids::check_id;

type Map<V> =
    imbl::GenericHashMap<String, V, rustc_hash::FxBuildHasher, imbl::shared_ptr::DefaultSharedPtr>;

/// Where a record stands among every finding: its file, and its place in the file.
type Order = (Arc<Path>, u32);

/// One definition of a finding id.
#[derive(Clone, Debug, PartialEq)]
struct Def {
    at: Order,
    position: Option<Position>,
    figure: Option<String>,
}

/// Every finding id and old id, each with its definitions in order.
#[derive(Clone, Default, Debug, PartialEq)]
pub(crate) struct FindingIndex {
    /// Each valid finding id with its definitions, first first.
    defs: Map<Vec<Def>>,
    /// Each old id with the findings that list it, in order: the last counts.
    aliases: Map<Vec<(Order, String)>>,
    /// The ids defined more than once.
    twice: imbl::OrdSet<String>,
}

impl FindingIndex {
    /// The index of `findings` (every finding of the site, in file order), with the diagnostics
    /// of their ids: an id that is not valid, or defined a second time.
    pub fn new(findings: &[FoundFinding], diags: &mut Vec<Diagnostic>) -> Self {
        let mut kept = Kept::default();
        kept.update(findings, diags);
        kept.index
    }

    /// Whether a finding has the id `id`.
    pub fn contains(&self, id: &str) -> bool {
        self.defs.contains_key(id)
    }

    /// Every finding id, in no particular order.
    pub fn ids(&self) -> impl Iterator<Item = &String> {
        self.defs.keys()
    }

    /// The file of the first definition of `id`.
    pub fn first_file(&self, id: &str) -> Option<&Path> {
        self.defs.get(id).map(|defs| &*defs[0].at.0)
    }

    /// The figure a `figure:<id>` link prints: `Some(None)` for a finding with none. Of one id
    /// defined twice in the file where it is first defined, the later one's.
    pub fn figure(&self, id: &str) -> Option<Option<&str>> {
        let defs = self.defs.get(id)?;
        let first = &defs[0].at.0;
        let last = (defs.iter()).take_while(|d| d.at.0 == *first).last()?;
        Some(last.figure.as_deref())
    }

    /// The finding id `old` is an old id of (of the findings listing it, the last).
    pub fn alias(&self, old: &str) -> Option<&String> {
        self.aliases
            .get(old)
            .and_then(|ids| ids.last())
            .map(|(_, id)| id)
    }

    /// An error for each definition of an id after its first.
    fn duplicates(&self, diags: &mut Vec<Diagnostic>) {
        for id in &self.twice {
            let defs = &self.defs[id];
            let first = Diagnostic::error(Code::DuplicateId, "")
                .at_opt(&*defs[0].at.0, defs[0].position)
                .location();
            for def in &defs[1..] {
                diags.push(
                    Diagnostic::error(Code::DuplicateId, format!("two findings have the id `{id}`"))
                        .at_opt(&*def.at.0, def.position)
                        .help(format!(
                            "the first is at {first}; ids are permalinks, so give this finding a new one"
                        )),
                );
            }
        }
    }

    /// Puts in (or, when `out`, takes out) the record `raw`, at `at`.
    fn record(&mut self, at: &Order, raw: &S<RawFinding>, out: bool) {
        let id = &raw.value.id;
        if valid_id(&id.value) {
            let def = Def {
                at: at.clone(),
                position: position_of(id),
                figure: raw.value.figure.as_ref().map(|f| f.value.clone()),
            };
            let defs = self.defs.entry(id.value.clone()).or_default();
            match out {
                true => defs.retain(|d| d.at != def.at),
                false => {
                    let place = defs.partition_point(|d| d.at < def.at);
                    defs.insert(place, def);
                }
            }
            let count = defs.len();
            if count == 0 {
                self.defs.remove(&id.value);
            }
            match count > 1 {
                true => self.twice.insert(id.value.clone()),
                false => self.twice.remove(&id.value),
            };
        }
        for old in &raw.value.aliases {
            let ids = self.aliases.entry(old.value.clone()).or_default();
            match out {
                true => ids.retain(|(place, _)| place != at),
                false => {
                    let place = ids.partition_point(|(place, _)| place < at);
                    ids.insert(place, (at.clone(), id.value.clone()));
                }
            }
            if ids.is_empty() {
                self.aliases.remove(&old.value);
            }
        }
    }
}

/// The index `serve` keeps between rebuilds ([`FindingIndex`]).
#[derive(Default)]
pub struct IndexMemo {
    kept: Mutex<Kept>,
}

impl IndexMemo {
    /// The index of `findings`: the last run's, updated where their files changed.
    pub(crate) fn index(
        &self,
        findings: &[FoundFinding],
        diags: &mut Vec<Diagnostic>,
    ) -> FindingIndex {
        let mut kept = self.kept.lock().unwrap_or_else(|p| p.into_inner());
        kept.update(findings, diags);
        kept.index.clone()
    }
}

/// The index, with each findings file's records as it last took them in, and what checking
/// their ids reported.
#[derive(Default)]
struct Kept {
    index: FindingIndex,
    files: std::collections::HashMap<PathBuf, File>,
    /// Which update this is, to find the files no longer there.
    run: u64,
}

struct File {
    at: Arc<Path>,
    records: Vec<Arc<S<RawFinding>>>,
    /// The diagnostics of ids that are not valid.
    diags: Vec<Diagnostic>,
    run: u64,
}

impl Kept {
    /// Brings the index up to date with `findings`, file by file, adding the diagnostics of their
    /// ids to `diags`.
    fn update(&mut self, findings: &[FoundFinding], diags: &mut Vec<Diagnostic>) {
        self.run += 1;
        for group in findings.chunk_by(|a, b| a.0 == b.0) {
            let path = &group[0].0;
            let same = self.files.get(path).is_some_and(|f| {
                f.records.len() == group.len()
                    && (f.records.iter().zip(group)).all(|(a, (_, b))| Arc::ptr_eq(a, b))
            });
            if !same {
                self.take_out(path);
                self.put_in(path, group);
            }
            let file = self.files.get_mut(path).expect("a file just put in");
            file.run = self.run;
            diags.extend(file.diags.iter().cloned());
        }
        let gone: Vec<PathBuf> = (self.files.iter())
            .filter(|(_, f)| f.run != self.run)
            .map(|(path, _)| path.clone())
            .collect();
        gone.iter().for_each(|path| self.take_out(path));
        self.index.duplicates(diags);
    }

    fn take_out(&mut self, path: &Path) {
        let Some(file) = self.files.remove(path) else {
            return;
        };
        for (n, raw) in file.records.iter().enumerate() {
            self.index.record(&(file.at.clone(), n as u32), raw, true);
        }
    }

    fn put_in(&mut self, path: &Path, group: &[FoundFinding]) {
        let at: Arc<Path> = Arc::from(path);
        let mut diags = Vec::new();
        for (n, (_, raw)) in group.iter().enumerate() {
            let id = &raw.value.id;
            check_id(&id.value, "finding", path, position_of(id), &mut diags);
            self.index.record(&(at.clone(), n as u32), raw, false);
        }
        let records = group.iter().map(|(_, raw)| raw.clone()).collect();
        let file = File {
            at,
            records,
            diags,
            run: self.run,
        };
        self.files.insert(path.to_path_buf(), file);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::Inputs;
    use crate::parse::{parse_with, ParseMemo};
    use proptest::prelude::*;

    struct NoReader;

    impl crate::model::ReadText for NoReader {
        fn read_text(&self, rel: &Path, _: &Path) -> Result<String, Diagnostic> {
            Err(Diagnostic::error(Code::IoError, "not read").in_file(rel))
        }
    }

    const REST: &str = "    statement: S.\n    source: s1\n    locator: p. 1\n    quote: q\n";

    /// A finding: its id (one of a few, so that some are defined twice, and one not valid), its
    /// figure, and its old ids.
    fn finding() -> impl Strategy<Value = String> {
        let id = prop::sample::select(vec!["a", "b", "c", "Not valid"]);
        let figure = prop::option::of(prop::sample::select(vec!["1%", "2%"]));
        let aliases = prop::sample::subsequence(vec!["x", "y", "a"], 0..=2);
        (id, figure, aliases).prop_map(|(id, figure, aliases)| {
            let figure = figure.map_or(String::new(), |f| format!("    figure: \"{f}\"\n"));
            format!(
                "  - id: {id}\n{REST}{figure}    aliases: [{}]\n",
                aliases.join(", ")
            )
        })
    }

    /// The findings files of a site, by number: a file is absent, or holds 0 to 3 findings.
    fn site() -> impl Strategy<Value = Vec<Option<Vec<String>>>> {
        prop::collection::vec(prop::option::of(prop::collection::vec(finding(), 0..=3)), 4)
    }

    fn inputs(site: &[Option<Vec<String>>]) -> Inputs {
        let mut inputs = Inputs::default();
        for (n, file) in site.iter().enumerate() {
            if let Some(findings) = file {
                let text = format!("findings:\n{}", findings.concat());
                let text = if findings.is_empty() {
                    "findings: []\n".into()
                } else {
                    text
                };
                inputs.insert_text(format!("data/findings/f{n}.yaml"), text);
            }
        }
        inputs
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        /// After any sequence of sites, the index `serve` keeps up to date file by file is the
        /// index made whole from the same findings, with the same diagnostics.
        #[test]
        fn the_index_kept_up_to_date_is_the_index_made_whole(sites in prop::collection::vec(site(), 1..8)) {
            let (parses, memo) = (ParseMemo::default(), IndexMemo::default());
            for site in &sites {
                let (parsed, _) = parse_with(&inputs(site), &NoReader, Some(&parses));
                let written = site.iter().flatten().map(Vec::len).sum::<usize>();
                prop_assert_eq!(parsed.findings.len(), written, "every finding written is parsed");
                let (mut kept_diags, mut whole_diags) = (Vec::new(), Vec::new());
                let kept = memo.index(&parsed.findings, &mut kept_diags);
                let whole = FindingIndex::new(&parsed.findings, &mut whole_diags);
                prop_assert_eq!(&kept, &whole);
                kept_diags.sort();
                whole_diags.sort();
                prop_assert_eq!(kept_diags, whole_diags);
            }
        }
    }

    #[test]
    fn a_second_definition_is_reported_at_its_place_with_the_first() {
        let site = vec![
            Some(vec![format!("  - id: a\n{REST}")]),
            Some(vec![format!("  - id: a\n{REST}    figure: \"3%\"\n")]),
        ];
        let (parsed, _) = parse_with(&inputs(&site), &NoReader, None);
        let mut diags = Vec::new();
        let index = FindingIndex::new(&parsed.findings, &mut diags);
        assert_eq!(
            index.first_file("a"),
            Some(Path::new("data/findings/f0.yaml"))
        );
        assert_eq!(
            index.figure("a"),
            Some(None),
            "the first definition's figure"
        );
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].code, Code::DuplicateId);
        assert_eq!(
            diags[0].file.as_deref(),
            Some(Path::new("data/findings/f1.yaml"))
        );
        let help = diags[0].help.as_deref().unwrap_or_default();
        assert!(help.contains("data/findings/f0.yaml:2:"), "{help}");
    }
}
