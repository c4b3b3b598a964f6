//! The links between nodes, computed once: backlinks (each source's findings, each claim's
//! stances, each topic's claims, gaps by claim and by source) and redirects from old ids
//! (`aliases:`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

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

pub(crate) fn backlinks(
    findings: &BTreeMap<FindingId, std::sync::Arc<Finding>>,
    claims: &BTreeMap<ClaimId, Claim>,
    gaps: &BTreeMap<GapId, Gap>,
) -> Backlinks {
    let mut b = Backlinks::default();
    // A withdrawn finding keeps its page, but no other page lists or counts it.
    for f in findings.values().filter(|f| f.counts()) {
        b.findings_by_source
            .entry(f.source.clone())
            .or_default()
            .push(f.id.clone());
        if let Some(o) = &f.origin {
            if *o != f.source {
                b.findings_by_source
                    .entry(o.clone())
                    .or_default()
                    .push(f.id.clone());
            }
        }
        for s in &f.stances {
            b.stances_by_claim
                .entry(s.claim.clone())
                .or_default()
                .push((f.id.clone(), s.kind));
        }
    }
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
