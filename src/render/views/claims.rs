//! Claim pages: what each finding says about the claim, the stance counts, and the sources ×
//! stance matrix.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::model::*;
use crate::render::kept::{add_hashed, Fingerprint};
use crate::render::templates::Html;
use crate::render::views::{add_gaps, kept_or_made, Keeping, Links, Ref};

#[derive(Clone, Serialize)]
pub(crate) struct EvidenceRow {
    pub finding: String,
    pub stance: &'static str,
    pub symbol: &'static str,
    pub label: String,
    pub reason: String,
}

/// How many findings take one stance, and from how many studies: five findings from one survey
/// are one study's evidence, not five.
#[derive(Clone, Serialize)]
pub(crate) struct StanceCount {
    pub stance: &'static str,
    pub symbol: &'static str,
    pub label: String,
    /// Findings with this stance.
    pub count: usize,
    /// The studies those findings come from (origin, else the source that reports them).
    pub studies: usize,
    /// "5 findings from 1 study".
    pub text: String,
}

/// One row of a claim's studies × stance matrix.
#[derive(Clone, Serialize)]
pub(crate) struct MatrixRow {
    /// The study the findings come from (their origin, else the source that reports them).
    pub source: Ref,
    /// The study's design, e.g. "Survey of practitioners".
    pub design_label: String,
    /// One cell per stance in `StanceKind::ALL` order: the findings with that stance.
    pub cells: Vec<Vec<Ref>>,
}

#[derive(Clone, Serialize)]
pub(crate) struct ClaimView {
    pub id: String,
    pub url: String,
    pub title: String,
    pub topic: Ref,
    pub summary: Option<String>,
    pub body: Html,
    pub evidence: Vec<EvidenceRow>,
    /// Per stance, findings and studies.
    pub counts: Vec<StanceCount>,
    /// All the claim's findings and the studies they come from, e.g. "7 findings from 3 studies".
    pub total: String,
    pub matrix: Vec<MatrixRow>,
    pub gaps: Vec<Ref>,
}

pub(crate) fn claim_views(
    site: &Site,
    links: &Links,
    kept: Keeping<ClaimView>,
    diags: &mut Vec<Diagnostic>,
) -> BTreeMap<String, Arc<ClaimView>> {
    // In parallel: a claim's view lists every finding on it, which at N = 10,000 is 40 ms of one
    // thread over the site's claims. Each claim's diagnostics are kept in the claims' order.
    let items = (site.claims.iter())
        .map(|(id, c)| (id.0.as_str(), c))
        .collect();
    kept_or_made(
        items,
        kept,
        |c| claim_print(site, c),
        |c, d| claim_view(site, c, links, d),
        diags,
    )
}

/// The fingerprint of what `c`'s view reads besides what every claim's view reads
/// ([`kept_or_made`]): the claim, its topic's title, and, for each finding with a stance on it,
/// the stance, its reason, the finding's figure and statement, and its study's id, title and
/// design; its gaps' ids and titles. `None` for a claim whose body is read from disk.
fn claim_print(site: &Site, c: &Claim) -> Option<u128> {
    let mut fp = Fingerprint::new();
    add_hashed(&mut fp, c);
    add_hashed(&mut fp, &site.topics.get(&c.topic).map(|t| &t.title));
    let rows = site.backlinks.stances_by_claim.get(&c.id);
    for (id, kind) in rows.into_iter().flat_map(|v| v.iter()) {
        add_hashed(&mut fp, &(id, kind));
        let Some(f) = site.findings.get(id) else {
            add_hashed(&mut fp, &0u8);
            continue;
        };
        let reason = f
            .stances
            .iter()
            .find(|s| s.claim == c.id)
            .map(|s| &s.reason);
        let figure = f.figure.as_ref().map(|x| &x.text);
        let study = site.sources.get(f.study());
        let study = study.map(|s| (&s.title, &s.design.label));
        add_hashed(
            &mut fp,
            &(1u8, reason, figure, &f.statement, f.study(), study),
        );
    }
    add_gaps(&mut fp, site, site.backlinks.gaps_by_claim.get(&c.id));
    c.doc.body.in_memory().then(|| fp.finish())
}

/// One claim's view (`c` need not be the site's: in `serve`, the claim as just edited).
pub(crate) fn claim_view(
    site: &Site,
    c: &Claim,
    links: &Links,
    diags: &mut Vec<Diagnostic>,
) -> ClaimView {
    let rows = site
        .backlinks
        .stances_by_claim
        .get(&c.id)
        .map(|v| v.as_slice())
        .unwrap_or_default();
    let counts = StanceKind::ALL
        .iter()
        .map(|k| {
            let of_kind: Vec<&FindingId> = rows
                .iter()
                .filter(|(_, s)| s == k)
                .map(|(f, _)| f)
                .collect();
            let (count, studies) = (of_kind.len(), studies(site, of_kind.iter().copied()));
            StanceCount {
                stance: k.key(),
                symbol: k.symbol(),
                label: super::stance_label(site, *k),
                count,
                studies,
                text: counted(site, count, studies),
            }
        })
        .collect();
    let total = counted(site, rows.len(), studies(site, rows.iter().map(|(f, _)| f)));
    ClaimView {
        id: c.id.0.clone(),
        url: links.url(&c.id.path()),
        title: c.title.clone(),
        topic: links.topic(&c.topic),
        summary: c.summary.clone(),
        body: links.body(&c.doc, diags),
        evidence: evidence(site, c, rows),
        counts,
        total,
        matrix: matrix(site, rows, links),
        gaps: site
            .backlinks
            .gaps_by_claim
            .get(&c.id)
            .into_iter()
            .flatten()
            .map(|g| links.gap(g))
            .collect(),
    }
}

/// The claim's findings with their stance and reason, by stance then finding id.
fn evidence(site: &Site, c: &Claim, rows: &[(FindingId, StanceKind)]) -> Vec<EvidenceRow> {
    let labels = StanceKind::ALL.map(|k| super::stance_label(site, k));
    let rank = |kind: &StanceKind| StanceKind::ALL.iter().position(|k| k == kind);
    let mut evidence: Vec<EvidenceRow> = rows
        .iter()
        .map(|(fid, kind)| {
            let reason = site
                .findings
                .get(fid)
                .and_then(|f| f.stances.iter().find(|s| s.claim == c.id))
                .map(|s| s.reason.clone())
                .unwrap_or_default();
            EvidenceRow {
                finding: fid.0.clone(),
                stance: kind.key(),
                symbol: kind.symbol(),
                label: rank(kind).map_or_else(String::new, |i| labels[i].clone()),
                reason,
            }
        })
        .collect();
    let rank = |e: &EvidenceRow| StanceKind::ALL.iter().position(|k| k.key() == e.stance);
    evidence.sort_by(|a, b| (rank(a), &a.finding).cmp(&(rank(b), &b.finding)));
    evidence
}

/// How many studies the findings come from.
pub(crate) fn studies<'a>(site: &Site, findings: impl Iterator<Item = &'a FindingId>) -> usize {
    let studies: BTreeSet<&SourceId> = findings
        .filter_map(|f| site.findings.get(f))
        .map(|f| f.study())
        .collect();
    studies.len()
}

/// "1 finding from 1 study", "5 findings from 2 studies", in the site's language.
pub(crate) fn counted(site: &Site, findings: usize, studies: usize) -> String {
    let s = &site.strings;
    s.with(
        "count_findings_from_studies",
        &[
            (
                "findings",
                &s.with("count_findings", &[("count", &findings)]),
            ),
            ("studies", &s.with("count_studies", &[("count", &studies)])),
        ],
    )
}

/// Studies down, stances across: which findings of each study take which stance.
fn matrix(site: &Site, rows: &[(FindingId, StanceKind)], links: &Links) -> Vec<MatrixRow> {
    let mut by_study: BTreeMap<&SourceId, Vec<(usize, &FindingId)>> = BTreeMap::new();
    for (fid, kind) in rows {
        let Some(f) = site.findings.get(fid) else {
            continue;
        };
        let i = StanceKind::ALL.iter().position(|k| k == kind).unwrap_or(0);
        by_study.entry(f.study()).or_default().push((i, fid));
    }
    by_study
        .into_iter()
        .map(|(sid, findings)| MatrixRow {
            design_label: site
                .sources
                .get(sid)
                .map_or_else(String::new, |s| s.design.label.clone()),
            source: links.source(sid),
            cells: cells(&findings, links),
        })
        .collect()
}

/// One study's cells, each allocated to its size: claim views last the whole build, and with a
/// study per finding, cells grown by pushing were mostly unused capacity.
fn cells(findings: &[(usize, &FindingId)], links: &Links) -> Vec<Vec<Ref>> {
    (0..StanceKind::ALL.len())
        .map(|k| {
            let of_kind = || findings.iter().filter(move |(i, _)| *i == k);
            let mut cell = Vec::with_capacity(of_kind().count());
            cell.extend(of_kind().map(|(_, fid)| links.finding(fid)));
            cell
        })
        .collect()
}
