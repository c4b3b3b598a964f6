//! The files of a site that are not pages: `evidence.json`, table and dataset downloads, the
//! evidence graph as CSV and its data package, redirect pages, citation exports, the theme's and
//! site's static files, and the search index.

use std::sync::Mutex;

use crate::cite;
use crate::diagnostic::Diagnostic;
use crate::html::redirect_page;
use crate::layout::{OutputFile, GENERATED_FILES};
use crate::model::{Site, Source};
use crate::render::exports;
use crate::render::kept::{add_hashed, Fingerprint};
use crate::render::tables::{dataset_downloads, table_downloads};
use crate::render::views::{kept_or_made, sources::export_path, KeptById, Views};

/// Paths among [`heavy_files`] known before they are made (a permalink may name them):
/// `evidence.json`, `datapackage.json` and the graph's CSV files, the last eight of the files every
/// build writes. The search index's file names depend on its contents, and no permalink names them.
pub(crate) const HEAVY_PATHS: &[&str] = GENERATED_FILES.split_at(GENERATED_FILES.len() - 8).1;

pub(crate) fn other_files(site: &Site, views: &Views, memo: Option<&FilesMemo>) -> Vec<OutputFile> {
    let file = |path: String, bytes: Vec<u8>| OutputFile::new(path, bytes);
    let mut files = downloads(site, views);
    let c = &site.config;
    for (old, new) in &site.redirects {
        let to = format!("{}{new}", c.base_path);
        let canonical = format!("{}{new}", c.base_url);
        let page = redirect_page(&c.language, &to, &canonical);
        files.push(file(format!("{old}index.html"), page.into_bytes()));
    }
    // Each release's graph, published as stored: a record that does not change.
    for r in &site.releases {
        let path = crate::render::versions::release_graph_path(&r.version);
        files.push(file(path, r.bytes.to_vec()));
    }
    files.extend(citation_files(site, memo));
    for a in &site.assets {
        files.push(file(a.path.clone(), a.bytes.clone()));
    }
    files
}

/// The files that take longest to make and that no page needs: `evidence.json`, the evidence
/// graph as CSV with its data package, and the search index, handed to `sink` one at a time (a build writes each and keeps none). `serve` makes them
/// when they are first asked for.
pub(crate) fn heavy_files(
    site: &Site,
    sink: &mut dyn FnMut(OutputFile) -> Result<(), Diagnostic>,
) -> Result<(), Diagnostic> {
    exports::evidence_json(site, HEAVY_PATHS[0], sink)?;
    // The evidence graph as CSV, and its data package: megabytes on a large site, made while the
    // pages are and handed over in parts, never whole.
    exports::graph_files(site, HEAVY_PATHS[1], sink)?;
    // The glossary's forms of each term find each other: "SDS" finds self-directed support.
    let synonyms: Vec<(String, Vec<String>)> = (site.glossary.iter())
        .map(|t| {
            (
                t.term.clone(),
                t.also.iter().chain(&t.abbreviations).cloned().collect(),
            )
        })
        .collect();
    crate::render::search::index_files(site, &synonyms)
        .into_iter()
        .try_for_each(sink)
}

/// Each table and dataset downloads as CSV and JSON.
fn downloads(site: &Site, views: &Views) -> Vec<OutputFile> {
    let tables = views
        .tables
        .values()
        .map(|t| (format!("tables/{}", t.id), table_downloads(site, t)));
    let datasets = site
        .datasets
        .values()
        .map(|d| (format!("datasets/{}", d.id), dataset_downloads(site, d)));
    let mut files = Vec::new();
    for (stem, (csv, json)) in tables.chain(datasets) {
        files.push(OutputFile::new(format!("{stem}.csv"), csv));
        files.push(OutputFile::new(format!("{stem}.json"), json));
    }
    files
}

/// One source's BibTeX, RIS and CSL-JSON.
struct SourceFiles {
    bib: String,
    ris: String,
    json: Vec<u8>,
}

/// Each source's citation files that `serve` made in its last run, kept for the next (as views
/// are: [`kept_or_made`]): made again only for a source that changed (as it hashes: every field;
/// the files read nothing else).
#[derive(Default)]
pub struct FilesMemo {
    sources: Mutex<KeptById<SourceFiles>>,
}

/// Per-source BibTeX, RIS and CSL-JSON, and the whole bibliography in each format, joined from
/// the sources' own (each formatted once). With `memo`, a source's files are the last run's
/// where the source is as it was.
fn citation_files(site: &Site, memo: Option<&FilesMemo>) -> Vec<OutputFile> {
    let items = (site.sources.iter())
        .map(|(id, s)| (id.0.as_str(), s))
        .collect();
    // Nothing of the site besides the source is read: no print shared by all of them.
    let kept = memo.map(|m| (&m.sources, 0));
    let print = |s: &Source| {
        let mut fp = Fingerprint::new();
        add_hashed(&mut fp, s);
        Some(fp.finish())
    };
    let make = |s: &Source, _: &mut Vec<Diagnostic>| SourceFiles {
        bib: cite::bibtex(s),
        ris: cite::ris(s),
        json: cite::csl_json_file(s),
    };
    // In the sources' order (their ids'), as the map's.
    let made = kept_or_made(items, kept, print, make, &mut Vec::new());
    let mut files: Vec<OutputFile> = Vec::with_capacity(made.len() * 3 + 3);
    for (s, f) in site.sources.values().zip(made.values()) {
        let bib = f.bib.as_bytes().to_vec();
        files.push(OutputFile::new(export_path(&s.id, "bib"), bib));
        let ris = f.ris.as_bytes().to_vec();
        files.push(OutputFile::new(export_path(&s.id, "ris"), ris));
        files.push(OutputFile::new(export_path(&s.id, "json"), f.json.clone()));
    }
    let bib = made.values().map(|f| f.bib.as_str());
    files.push(OutputFile::new("citations.bib", cite::bibtex_all(bib)));
    let ris = made.values().map(|f| f.ris.as_str());
    files.push(OutputFile::new("citations.ris", cite::ris_all(ris)));
    let json = made.values().map(|f| f.json.as_slice());
    let json = cite::csl_json_joined(json);
    files.push(OutputFile::new("citations.json", json));
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_heavy_paths_name_every_file_of_the_evidence_graph() {
        let mut inputs = crate::load::Inputs::default();
        inputs.insert_text("site.yaml", "title: T\nbase_url: https://example.org/\n");
        let (parsed, _) = crate::parse::parse(&inputs, &crate::load::Disk);
        let env = crate::model::Environment::default();
        let (site, _, _) = crate::resolve::resolve(parsed, &env);
        let mut made = Vec::new();
        let mut sink = |f: OutputFile| {
            if !f.more {
                made.push(f.path);
            }
            Ok(())
        };
        exports::graph_files(&site, HEAVY_PATHS[1], &mut sink).unwrap();
        assert_eq!(made, HEAVY_PATHS[1..]);
        assert_eq!(HEAVY_PATHS[0], "evidence.json");
    }
}
