//! YAML files under `data/`: findings lists (`data/findings/`), tables (`data/tables/`) and
//! datasets (`data/datasets/`). Any other data file is reported as unused.

use std::path::Path;
use std::sync::Arc;

use serde::Deserialize;

use crate::diagnostic::{Code, Diagnostic, Position};
use crate::parse::raw::{RawFile, RawFinding, RawFindingsFile, S};
use crate::parse::yaml::{from_yaml, from_yaml_repaired};
use crate::parse::{stem, Parsed};

fn found(path: &Path, finding: S<RawFinding>) -> crate::parse::FoundFinding {
    (path.to_path_buf(), Arc::new(finding))
}

/// The findings of a file repaired around its mistakes that hold none of them: each finding's
/// lines run from its own first line to the next one's. Only findings above the first line the
/// repairs moved (`moved`) are taken: below it, a finding's places are not the file's (its own
/// diagnostics would point at other lines, and its lines cannot be told from its neighbours').
/// None when a mistake has no line (it cannot be placed).
fn without_mistakes(
    findings: Vec<S<RawFinding>>,
    mistakes: &[Diagnostic],
    moved: Option<u64>,
) -> Vec<S<RawFinding>> {
    let lines: Option<Vec<u32>> = mistakes
        .iter()
        .map(|d| d.position.map(|p| p.line))
        .collect();
    let Some(lines) = lines else {
        return Vec::new();
    };
    let starts: Vec<u64> = findings.iter().map(|f| f.referenced.line()).collect();
    let mut clean = Vec::new();
    for (i, finding) in findings.into_iter().enumerate() {
        let (start, end) = (starts[i], starts.get(i + 1).copied().unwrap_or(u64::MAX));
        let hit = |line: &u32| (start..end).contains(&u64::from(*line));
        let in_place = end <= moved.unwrap_or(u64::MAX);
        if start > 0 && in_place && !lines.iter().any(hit) {
            clean.push(finding);
        }
    }
    clean
}

/// Parses one file under `data/` into `parsed`.
pub(crate) fn parse_data(
    path: &Path,
    text: &str,
    parsed: &mut Parsed,
    diags: &mut Vec<Diagnostic>,
) {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    if ext != "yaml" && ext != "yml" {
        return;
    }
    let rel = path.strip_prefix("data").unwrap_or(path);
    let folder = rel
        .components()
        .next()
        .and_then(|c| c.as_os_str().to_str())
        .unwrap_or("");
    match folder {
        "findings" => {
            if text.trim().is_empty() {
                diags.push(
                    Diagnostic::error(Code::EmptyFile, "this findings file is empty")
                        .in_file(path)
                        .help("add a `findings:` list, or delete the file"),
                );
                return;
            }
            match from_yaml_repaired::<RawFindingsFile>(path, text, 1) {
                Ok(f) => parsed.findings.extend(f.findings.into_iter().map(|x| found(path, x))),
                Err((mistakes, repaired)) => {
                    // Its findings with no mistake are still resolved, so that their own
                    // problems are reported in the same run; any finding id may be one this file
                    // fails to give, so none is reported unknown.
                    parsed.findings_incomplete = true;
                    let clean = repaired.map_or_else(Vec::new, |(f, moved)| {
                        without_mistakes(f.findings, &mistakes, moved)
                    });
                    parsed.findings.extend(clean.into_iter().map(|x| found(path, x)));
                    diags.extend(mistakes)
                }
            }
        }
        "tables" => match record_file(path, text, diags) {
            Some(meta) => parsed.tables.push(RawFile {
                file: path.to_path_buf(),
                stem: stem(path),
                meta,
            }),
            None => {
                parsed.broken.insert(format!("table:{}", stem(path)));
            }
        },
        "glossary.yaml" => {
            if let Some(meta) = record_file(path, text, diags) {
                parsed.glossary = Some(RawFile {
                    file: path.to_path_buf(),
                    stem: stem(path),
                    meta,
                });
            }
        }
        "scope.yaml" => {
            if let Some(meta) = record_file(path, text, diags) {
                parsed.scope = Some(RawFile {
                    file: path.to_path_buf(),
                    stem: stem(path),
                    meta,
                });
            }
        }
        "datasets" => match record_file(path, text, diags) {
            Some(meta) => parsed.datasets.push(RawFile {
                file: path.to_path_buf(),
                stem: stem(path),
                meta,
            }),
            None => {
                parsed.broken.insert(format!("dataset:{}", stem(path)));
            }
        },
        _ => diags.push(
            Diagnostic::warning(Code::UnusedData, "evident does not read this data file")
                .in_file(path)
                .help("findings go in data/findings/, tables in data/tables/, datasets in data/datasets/; the glossary is data/glossary.yaml and scope notes data/scope.yaml"),
        ),
    }
}

fn record_file<T: for<'de> Deserialize<'de>>(
    path: &Path,
    text: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<T> {
    if text.trim().is_empty() {
        diags.push(
            Diagnostic::error(Code::EmptyFile, "this file is empty")
                .in_file(path)
                .help("fill in the keys docs/reference.md lists, or delete the file"),
        );
        return None;
    }
    from_yaml::<T>(path, text, 1)
        .map_err(|found| {
            diags.extend(found.into_iter().map(|mut d| {
                d.position = d.position.or(Some(Position::new(1, 1)));
                d
            }))
        })
        .ok()
}
