//! The home page's evidence matrix: claims down, studies across (each finding's origin, else the
//! source that reports it, labelled by its design), stances in the cells.

use std::collections::HashMap;

use serde::Serialize;

use crate::model::*;
use crate::render::views::sources::short_citation;
use crate::render::views::{Links, Ref};

/// The largest home-page matrix: beyond it the grid is unreadable, so only claim pages show one.
const MATRIX_MAX_SOURCES: usize = 40;
const MATRIX_MAX_CLAIMS: usize = 60;

#[derive(Clone, Serialize)]
pub(crate) struct HomeMatrix {
    pub sources: Vec<MatrixSource>,
    pub rows: Vec<HomeMatrixRow>,
    /// False when the site is too large for one grid (the home page then links to claims).
    pub shown: bool,
}

/// A study: the source its findings come from.
#[derive(Clone, Serialize)]
pub(crate) struct MatrixSource {
    pub id: String,
    pub short: String,
    pub title: String,
    pub url: String,
    /// The study's design, e.g. "Survey of practitioners".
    pub design_label: String,
}

#[derive(Clone, Serialize)]
pub(crate) struct HomeMatrixRow {
    pub claim: Ref,
    pub topic: Ref,
    /// One cell per study in `sources` order.
    pub cells: Vec<Vec<StanceGroup>>,
    pub gaps: Vec<Ref>,
}

/// The findings of one source that take one stance on one claim.
#[derive(Clone, Serialize)]
pub(crate) struct StanceGroup {
    pub stance: &'static str,
    pub symbol: &'static str,
    pub label: String,
    pub findings: Vec<Ref>,
}

pub(crate) fn home_matrix(site: &Site, links: &Links) -> HomeMatrix {
    let mut sources = matrix_sources(site);
    // Past this size a claims × sources grid is too large to read (or to send): the home page
    // says so and each claim page keeps its own matrix.
    let fits = sources.len() <= MATRIX_MAX_SOURCES && site.claims.len() <= MATRIX_MAX_CLAIMS;
    if !fits {
        sources.clear();
    }
    let column: HashMap<&SourceId, usize> = sources
        .iter()
        .enumerate()
        .map(|(i, s)| (&s.id, i))
        .collect();
    let mut rows = Vec::new();
    for t in site.topics_in_order().into_iter().filter(|_| fits) {
        for c in site.claims_of(&t.id) {
            rows.push(HomeMatrixRow {
                claim: links.claim(&c.id),
                topic: links.topic(&t.id),
                cells: cells(site, c, &column, links),
                gaps: site
                    .backlinks
                    .gaps_by_claim
                    .get(&c.id)
                    .into_iter()
                    .flatten()
                    .map(|g| links.gap(g))
                    .collect(),
            });
        }
    }
    HomeMatrix {
        shown: fits,
        sources: sources
            .iter()
            .map(|s| MatrixSource {
                id: s.id.0.clone(),
                short: short_citation(s),
                title: s.title.clone(),
                url: links.url(&s.id.path()),
                design_label: s.design.label.clone(),
            })
            .collect(),
        rows,
    }
}

/// Studies that bear on at least one claim, oldest first.
fn matrix_sources(site: &Site) -> Vec<&Source> {
    let studies: std::collections::BTreeSet<&SourceId> = site
        .findings
        .values()
        .filter(|f| !f.stances.is_empty())
        .map(|f| f.study())
        .collect();
    let mut sources: Vec<&Source> = studies
        .into_iter()
        .filter_map(|id| site.sources.get(id))
        .collect();
    sources.sort_by(|a, b| (a.date, &a.id).cmp(&(b.date, &b.id)));
    sources
}

/// One claim's row: cells[source][stance] = findings, filled in one pass over its stances.
fn cells(
    site: &Site,
    c: &Claim,
    column: &HashMap<&SourceId, usize>,
    links: &Links,
) -> Vec<Vec<StanceGroup>> {
    let mut grid: Vec<Vec<Vec<Ref>>> = vec![vec![Vec::new(); StanceKind::ALL.len()]; column.len()];
    for (fid, kind) in site
        .backlinks
        .stances_by_claim
        .get(&c.id)
        .into_iter()
        .flat_map(|v| v.iter())
    {
        let Some(col) = site.findings.get(fid).and_then(|f| column.get(f.study())) else {
            continue;
        };
        let k = StanceKind::ALL.iter().position(|x| x == kind).unwrap_or(0);
        grid[*col][k].push(links.finding(fid));
    }
    grid.into_iter()
        .map(|by_stance| {
            by_stance
                .into_iter()
                .zip(StanceKind::ALL)
                .filter(|(findings, _)| !findings.is_empty())
                .map(|(findings, k)| StanceGroup {
                    stance: k.key(),
                    symbol: k.symbol(),
                    label: super::stance_label(site, k),
                    findings,
                })
                .collect()
        })
        .collect()
}
