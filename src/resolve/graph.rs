//! The links between nodes, computed once: backlinks (each source's findings, each claim's
//! stances, each topic's claims, gaps by claim and by source) and redirects from old ids
//! (`aliases:`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;

use crate::diagnostic::{Code, Diagnostic};
use crate::model::*;
use crate::parse::yaml::{position_of, Spanned};
use crate::parse::Parsed;
use crate::resolve::ids::check_id;
use crate::resolve::index::FindingIndex;

/// Old URLs from `aliases:`: each must be a valid id that no node of its kind has now.
/// Whether a finding has an id is looked up in the findings' index.
pub(crate) fn redirects(
    parsed: &Parsed,
    findings: &FindingIndex,
    diags: &mut Vec<Diagnostic>,
) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    let mut add = |kind: &str,
                   folder: &str,
                   id: &str,
                   file: &Path,
                   alias: &Spanned<String>,
                   taken: &dyn Fn(&str) -> bool| {
        let pos = position_of(alias);
        if !check_id(&alias.value, kind, file, pos, diags) {
            return;
        }
        let old = format!("{folder}/{}/", alias.value);
        if taken(&alias.value) || out.contains_key(&old) {
            diags.push(
                Diagnostic::error(
                    Code::AliasClash,
                    format!(
                        "`{}` is already the id or alias of another {kind}",
                        alias.value
                    ),
                )
                .at_opt(file, pos)
                .help("an old URL can redirect to one place only; remove one of the two"),
            );
            return;
        }
        out.insert(old, format!("{folder}/{id}/"));
    };
    let finding = |id: &str| findings.contains(id);
    for (file, f) in &parsed.findings {
        for a in &f.value.aliases {
            add("finding", "findings", &f.value.id.value, file, a, &finding);
        }
    }
    macro_rules! docs {
        ($list:expr, $kind:literal, $folder:literal) => {
            let taken: BTreeSet<&str> = $list.iter().map(|d| d.stem.as_str()).collect();
            for d in &$list {
                for a in &d.meta.aliases {
                    add($kind, $folder, &d.stem, &d.file, a, &|id| {
                        taken.contains(id)
                    });
                }
            }
        };
    }
    docs!(parsed.sources, "source", "sources");
    docs!(parsed.claims, "claim", "claims");
    docs!(parsed.topics, "topic", "topics");
    docs!(parsed.gaps, "gap", "gaps");
    out
}

/// The backlinks of the site. Those of findings are patched from `last` (the last good build's
/// findings, and its backlinks) where few findings changed: a finding changed is one that is not
/// the same allocation as before (`serve` keeps those it did not resolve again), or is new or
/// gone. Without `last`, or when many changed, they are made whole.
pub(crate) fn backlinks(
    findings: &BTreeMap<FindingId, Arc<Finding>>,
    claims: &BTreeMap<ClaimId, Claim>,
    gaps: &BTreeMap<GapId, Gap>,
    last: Option<(&BTreeMap<FindingId, Arc<Finding>>, &Backlinks)>,
) -> Backlinks {
    let changed = last.and_then(|(before, _)| changed(before, findings, findings.len() / 8 + 1));
    let mut b = match (last, changed) {
        (Some((_, old)), Some(changed)) => patched(old, changed),
        _ => {
            let mut b = Backlinks::default();
            findings.values().for_each(|f| of_finding(&mut b, f, true));
            b
        }
    };
    for c in claims.values() {
        b.claims_by_topic
            .entry(c.topic.clone())
            .or_default()
            .push(c.id.clone());
    }
    for g in gaps.values() {
        for c in &g.claims {
            b.gaps_by_claim
                .entry(c.clone())
                .or_default()
                .push(g.id.clone());
        }
        b.gaps_by_source
            .entry(g.source.clone())
            .or_default()
            .push(g.id.clone());
        if let Some(o) = &g.origin {
            if *o != g.source {
                b.gaps_by_source
                    .entry(o.clone())
                    .or_default()
                    .push(g.id.clone());
            }
        }
    }
    b
}

/// The backlinks of findings in `old`, with those of each finding `changed` taken out as it was
/// and put in as it is.
fn patched(old: &Backlinks, changed: Vec<Changed>) -> Backlinks {
    let mut b = Backlinks {
        findings_by_source: old.findings_by_source.clone(),
        stances_by_claim: old.stances_by_claim.clone(),
        ..Backlinks::default()
    };
    for (before, now) in changed {
        if let Some(f) = before {
            of_finding(&mut b, f, false);
        }
        if let Some(f) = now {
            of_finding(&mut b, f, true);
        }
    }
    b
}

/// A finding changed: as it was (if it was), and as it is (if it is).
type Changed<'a> = (Option<&'a Arc<Finding>>, Option<&'a Arc<Finding>>);

/// The findings of `now` that are not those of `before` (by allocation), and those gone; `None`
/// when there are more than `most`.
fn changed<'a>(
    before: &'a BTreeMap<FindingId, Arc<Finding>>,
    now: &'a BTreeMap<FindingId, Arc<Finding>>,
    most: usize,
) -> Option<Vec<Changed<'a>>> {
    let (mut a, mut b) = (before.iter().peekable(), now.iter().peekable());
    let mut out = Vec::new();
    loop {
        let step = match (a.peek(), b.peek()) {
            (None, None) => return Some(out),
            (Some((_, x)), Some((_, y))) if Arc::ptr_eq(x, y) => (true, true, None),
            (Some((i, x)), Some((j, y))) => match i.cmp(j) {
                std::cmp::Ordering::Equal => (true, true, Some((Some(*x), Some(*y)))),
                std::cmp::Ordering::Less => (true, false, Some((Some(*x), None))),
                std::cmp::Ordering::Greater => (false, true, Some((None, Some(*y)))),
            },
            (Some((_, x)), None) => (true, false, Some((Some(*x), None))),
            (None, Some((_, y))) => (false, true, Some((None, Some(*y)))),
        };
        if step.0 {
            a.next();
        }
        if step.1 {
            b.next();
        }
        out.extend(step.2);
        if out.len() > most {
            return None;
        }
    }
}

/// Adds (`add`) or takes out the backlinks of one finding. A withdrawn finding keeps its page,
/// but no other page lists or counts it.
fn of_finding(b: &mut Backlinks, f: &Finding, add: bool) {
    if !f.counts() {
        return;
    }
    let mut sources = vec![&f.source];
    sources.extend(f.origin.as_ref().filter(|o| **o != f.source));
    for s in sources {
        let item = vec![f.id.clone()];
        edit(
            &mut b.findings_by_source,
            s,
            &f.id,
            add.then_some(item),
            |x| x,
        );
    }
    let mut claims: Vec<&ClaimId> = f.stances.iter().map(|s| &s.claim).collect();
    claims.sort_unstable();
    claims.dedup();
    for c in claims {
        let stances = (f.stances.iter()).filter(|s| s.claim == *c);
        let items = add.then(|| stances.map(|s| (f.id.clone(), s.kind)).collect());
        edit(&mut b.stances_by_claim, c, &f.id, items, |(id, _)| id);
    }
}

/// In the list at `key` (in finding-id order), puts `items` of the finding `id` in after the
/// earlier ids', or (`None`) takes every item of `id` out; a list left empty goes.
fn edit<K: Ord + Clone, T: Clone>(
    map: &mut BTreeMap<K, Arc<Vec<T>>>,
    key: &K,
    id: &FindingId,
    items: Option<Vec<T>>,
    id_of: fn(&T) -> &FindingId,
) {
    let list = Arc::make_mut(map.entry(key.clone()).or_default());
    match items {
        Some(items) => {
            let place = list.partition_point(|x| id_of(x) < id);
            list.splice(place..place, items);
        }
        None => list.retain(|x| id_of(x) != id),
    }
    if list.is_empty() {
        map.remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A finding's id, source, origin, stances (claim and kind) and whether it is withdrawn.
    type Sketch = (usize, usize, Option<usize>, Vec<(usize, usize)>, bool);

    fn finding((id, source, origin, stances, withdrawn): Sketch) -> Arc<Finding> {
        let withdrawn = withdrawn.then(|| {
            Box::new(Withdrawn {
                date: "2020-01-01".into(),
                reason: "Wrong.".into(),
                replaced_by: None,
            })
        });
        let stances = (stances.into_iter())
            .map(|(claim, kind)| Stance {
                claim: ClaimId(format!("c{claim}")),
                kind: StanceKind::ALL[kind % StanceKind::ALL.len()],
                reason: String::new(),
            })
            .collect();
        Arc::new(Finding {
            id: FindingId(format!("f{id}")),
            file: "data/findings/a.yaml".into(),
            position: None,
            statement: String::new(),
            figure: None,
            source: SourceId(format!("s{source}")),
            origin: origin.map(|o| SourceId(format!("s{o}"))),
            locator: String::new(),
            quote: String::new(),
            population: None,
            period: None,
            place: None,
            stances,
            notes: Vec::new(),
            withdrawn,
            hash: Default::default(),
        })
    }

    fn sketch() -> impl Strategy<Value = Sketch> {
        let stances = prop::collection::vec((0..3usize, 0..5usize), 0..4);
        (
            0..12usize,
            0..3usize,
            prop::option::of(0..3usize),
            stances,
            prop::bool::weighted(0.2),
        )
    }

    /// The findings' backlinks as made before they were patched: each finding in id order, each
    /// stance in its order.
    fn reference(findings: &BTreeMap<FindingId, Arc<Finding>>) -> Backlinks {
        let mut b = Backlinks::default();
        for f in findings.values().filter(|f| f.counts()) {
            let mut add = |s: &SourceId| {
                let list = b.findings_by_source.entry(s.clone()).or_default();
                Arc::make_mut(list).push(f.id.clone());
            };
            add(&f.source);
            f.origin.iter().filter(|o| **o != f.source).for_each(add);
            for s in &f.stances {
                let list = b.stances_by_claim.entry(s.claim.clone()).or_default();
                Arc::make_mut(list).push((f.id.clone(), s.kind));
            }
        }
        b
    }

    /// The backlinks of findings as lists, to compare: by source, then by claim.
    type Lists = (
        Vec<(String, Vec<FindingId>)>,
        Vec<(String, Vec<(FindingId, StanceKind)>)>,
    );

    fn lists(b: &Backlinks) -> Lists {
        let by_source = (b.findings_by_source.iter()).map(|(s, l)| (s.0.clone(), l.to_vec()));
        let by_claim = (b.stances_by_claim.iter()).map(|(c, l)| (c.0.clone(), l.to_vec()));
        (by_source.collect(), by_claim.collect())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        /// Backlinks patched from the last site's are the backlinks made whole, whatever changed:
        /// findings replaced, added, gone, withdrawn, or moved to another source or claim.
        #[test]
        fn backlinks_patched_from_the_last_site_are_those_made_whole(
            before in prop::collection::vec(sketch(), 0..12),
            edits in prop::collection::vec((0..12usize, prop::option::of(sketch())), 0..4),
        ) {
            let before: BTreeMap<FindingId, Arc<Finding>> =
                before.into_iter().map(finding).map(|f| (f.id.clone(), f)).collect();
            let mut now = before.clone();
            for (id, edit) in edits {
                let id = FindingId(format!("f{id}"));
                match edit {
                    Some(mut sketch) => {
                        sketch.0 = id.0[1..].parse().unwrap();
                        now.insert(id, finding(sketch));
                    }
                    None => {
                        now.remove(&id);
                    }
                }
            }
            let (claims, gaps) = (BTreeMap::new(), BTreeMap::new());
            let old = backlinks(&before, &claims, &gaps, None);
            let changed = changed(&before, &now, usize::MAX).expect("no limit");
            let patched = patched(&old, changed);
            let whole = backlinks(&now, &claims, &gaps, None);
            prop_assert_eq!(lists(&whole), lists(&reference(&now)));
            prop_assert_eq!(lists(&patched), lists(&whole));
        }
    }
}
