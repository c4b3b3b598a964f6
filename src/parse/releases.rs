//! Release records under `releases/`: `releases/<version>.json`, each the evidence graph
//! (`evidence.json`) as it stood at a version, with a `release` object giving the version and its
//! date (`evident release` writes them). Only what versions are compared on is read; the file is
//! kept byte for byte, to be published as is.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use serde::Deserialize;

use crate::diagnostic::{Code, Diagnostic, Position};
use crate::model::{Graph, GraphFinding, Provenance, Release, Withdrawn};

#[derive(Deserialize)]
struct RawReleaseFile {
    release: RawReleaseMeta,
    #[serde(default)]
    findings: Vec<RawReleaseFinding>,
    #[serde(default)]
    claims: Vec<RawReleaseClaim>,
    #[serde(default)]
    stances: Vec<RawReleaseStance>,
}

#[derive(Deserialize)]
struct RawReleaseMeta {
    version: String,
    date: String,
}

#[derive(Deserialize)]
struct RawReleaseFinding {
    id: String,
    statement: String,
    figure: Option<String>,
    value: Option<serde_json::Value>,
    withdrawn: Option<RawReleaseWithdrawn>,
    quote: Option<String>,
    locator: Option<String>,
    source: Option<String>,
    origin: Option<String>,
}

#[derive(Deserialize)]
struct RawReleaseWithdrawn {
    date: String,
    reason: String,
    replaced_by: Option<String>,
}

#[derive(Deserialize)]
struct RawReleaseClaim {
    id: String,
    title: String,
}

#[derive(Deserialize)]
struct RawReleaseStance {
    finding: String,
    claim: String,
    stance: String,
}

/// Reads one release record; `None` (reported) when it is not one. The version and date are
/// checked by the resolve stage.
pub(crate) fn parse_release(
    path: &Path,
    bytes: &[u8],
    diags: &mut Vec<Diagnostic>,
) -> Option<Release> {
    if path.extension().and_then(|e| e.to_str()) != Some("json") {
        return None;
    }
    let raw: RawReleaseFile = match serde_json::from_slice(bytes) {
        Ok(r) => r,
        Err(e) => {
            let line = u32::try_from(e.line()).unwrap_or(1).max(1);
            let column = u32::try_from(e.column()).unwrap_or(1).max(1);
            diags.push(
                Diagnostic::error(
                    Code::InvalidRelease,
                    format!("this release record cannot be read: {e}"),
                )
                .at(path, Position::new(line, column))
                .help("a release record is written by `evident release`: restore the file from the repository's history rather than edit it"),
            );
            return None;
        }
    };
    let findings: BTreeMap<String, GraphFinding> = (raw.findings.into_iter())
        .map(|f| {
            let finding = GraphFinding {
                statement: f.statement,
                figure: f.figure,
                value: f.value.filter(|v| !v.is_null()).map(|v| v.to_string()),
                withdrawn: f.withdrawn.map(|w| {
                    Box::new(Withdrawn {
                        date: w.date,
                        reason: w.reason,
                        replaced_by: w.replaced_by.map(crate::model::FindingId),
                    })
                }),
                provenance: match (f.quote, f.locator, f.source) {
                    (Some(quote), Some(locator), Some(source)) => Some(Provenance {
                        quote,
                        locator,
                        source,
                        origin: f.origin,
                    }),
                    _ => None,
                },
            };
            (f.id, finding)
        })
        .collect();
    let graph = Graph {
        findings,
        claims: raw.claims.into_iter().map(|c| (c.id, c.title)).collect(),
        stances: (raw.stances.into_iter())
            .map(|s| ((s.finding, s.claim), s.stance))
            .collect(),
    };
    Some(Release {
        version: raw.release.version,
        date: raw.release.date,
        file: path.to_path_buf(),
        bytes: Arc::from(bytes),
        graph,
    })
}
