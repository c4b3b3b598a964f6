//! Claim pages: what each finding says about the claim, the stance counts, and the sources ×
//! stance matrix.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::model::*;
use crate::render::templates::Html;
use crate::render::views::{Links, Ref};

#[derive(Clone, Serialize)]
pub(crate) struct EvidenceRow {
    pub finding: String,
    pub stance: &'static str,
    pub symbol: &'static str,
    pub label: &'static str,
    pub reason: String,
}

#[derive(Clone, Serialize)]
pub(crate) struct StanceCount {
    pub stance: &'static str,
    pub symbol: &'static str,
    pub label: &'static str,
    pub count: usize,
}

/// One row of a claim's sources × stance matrix.
#[derive(Clone, Serialize)]
pub(crate) struct MatrixRow {
    pub source: Ref,
    pub kind_label: &'static str,
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
    pub counts: Vec<StanceCount>,
    pub matrix: Vec<MatrixRow>,
    pub gaps: Vec<Ref>,
}

pub(crate) fn claim_views(
    site: &Site,
    links: &Links,
    diags: &mut Vec<Diagnostic>,
) -> BTreeMap<String, ClaimView> {
    site.claims
        .values()
        .map(|c| (c.id.0.clone(), claim_view(site, c, links, diags)))
        .collect()
}

fn claim_view(site: &Site, c: &Claim, links: &Links, diags: &mut Vec<Diagnostic>) -> ClaimView {
    let rows = site
        .backlinks
        .stances_by_claim
        .get(&c.id)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let counts = StanceKind::ALL
        .iter()
        .map(|k| StanceCount {
            stance: k.key(),
            symbol: k.symbol(),
            label: k.label(),
            count: rows.iter().filter(|(_, s)| s == k).count(),
        })
        .collect();
    ClaimView {
        id: c.id.0.clone(),
        url: links.url(&c.id.path()),
        title: c.title.clone(),
        topic: links.topic(&c.topic),
        summary: c.summary.clone(),
        body: links.body(&c.doc, diags),
        evidence: evidence(site, c, rows),
        counts,
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
                label: kind.label(),
                reason,
            }
        })
        .collect();
    evidence.sort_by_key(|e| {
        (
            StanceKind::ALL.iter().position(|k| k.key() == e.stance),
            e.finding.clone(),
        )
    });
    evidence
}

/// Sources down, stances across: which findings of each source take which stance.
fn matrix(site: &Site, rows: &[(FindingId, StanceKind)], links: &Links) -> Vec<MatrixRow> {
    let mut by_source: BTreeMap<SourceId, Vec<Vec<Ref>>> = BTreeMap::new();
    for (fid, kind) in rows {
        let Some(f) = site.findings.get(fid) else {
            continue;
        };
        let cells = by_source
            .entry(f.source.clone())
            .or_insert_with(|| vec![Vec::new(); StanceKind::ALL.len()]);
        let i = StanceKind::ALL.iter().position(|k| k == kind).unwrap_or(0);
        cells[i].push(links.finding(fid));
    }
    by_source
        .into_iter()
        .map(|(sid, cells)| MatrixRow {
            kind_label: site.sources.get(&sid).map_or("", |s| s.kind.label()),
            source: links.source(&sid),
            cells,
        })
        .collect()
}
