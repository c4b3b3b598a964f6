//! The files of a site that are not pages: `evidence.json`, table and dataset downloads, the
//! evidence graph as CSV and its data package, redirect pages, citation exports, the theme's and
//! site's static files, and the search index.

use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use crate::cite;
use crate::diagnostic::Diagnostic;
use crate::html::redirect_page;
use crate::layout::{OutputFile, GENERATED_FILES};
use crate::model::{Finding, Site, Source};
use crate::render::exports::{self, FindingExports};
use crate::render::kept::{add_hashed, ByFinding, Fingerprint};
use crate::render::search;
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
/// With `memo` (`serve`), each finding's text in them is the last run's where the finding is
/// unchanged ([`FilesMemo`]).
pub(crate) fn heavy_files(
    site: &Site,
    memo: Option<&FilesMemo>,
    sink: &mut dyn FnMut(OutputFile) -> Result<(), Diagnostic>,
) -> Result<(), Diagnostic> {
    let texts = memo.map(|m| m.finding_texts(site));
    let exports: Option<Vec<&FindingExports>> =
        (texts.as_ref()).map(|ts| ts.iter().map(|t| &t.exports).collect());
    let exports = exports.as_deref();
    exports::evidence_json(site, exports, HEAVY_PATHS[0], sink)?;
    // The evidence graph as CSV, and its data package: megabytes on a large site, made while the
    // pages are and handed over in parts, never whole.
    exports::graph_files(site, exports, HEAVY_PATHS[1], sink)?;
    // The glossary's forms of each term find each other: "SDS" finds self-directed support.
    let synonyms: Vec<(String, Vec<String>)> = (site.glossary.iter())
        .map(|t| {
            (
                t.term.clone(),
                t.also.iter().chain(&t.abbreviations).cloned().collect(),
            )
        })
        .collect();
    let docs = (texts.as_ref()).map(|ts| ts.iter().map(|t| t.doc.as_deref()).collect());
    let mut kept = memo.map(|m| m.search.lock().unwrap_or_else(|p| p.into_inner()));
    let index = search::index_files(site, &synonyms, docs, kept.as_deref_mut());
    drop(kept);
    for file in index {
        sink(file)?;
    }
    Ok(())
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

/// What `serve` made of the files in its last run, kept for the next:
/// - each source's citation files (as views are: [`kept_or_made`]), made again only for a source
///   that changed (as it hashes: every field; the files read nothing else);
/// - each finding's text in the heavy files ([`FindingTexts`]), made again only for a finding
///   that is not the allocation it was (`serve` resolves again only the findings that changed);
/// - the search index's terms, and each finding's words and own terms ([`search::SearchMemo`]),
///   likewise;
/// - the sitemap, while the pages and the settings it reads are the same
///   ([`super::feeds::SitemapMemo`]).
#[derive(Default)]
pub struct FilesMemo {
    sources: Mutex<KeptById<SourceFiles>>,
    findings: Mutex<KeptTexts>,
    search: Mutex<search::SearchMemo>,
    /// The sitemap, kept while the pages are the same.
    pub(crate) sitemap: super::feeds::SitemapMemo,
}

/// A finding's text in the heavy files, made from the finding and [`texts_stamp`]'s settings.
pub(crate) struct FindingTexts {
    exports: FindingExports,
    /// Its document in the search index (none for a withdrawn finding, which is not indexed).
    doc: Option<Box<str>>,
}

impl FindingTexts {
    fn new(site: &Site, f: &Finding) -> Self {
        FindingTexts {
            exports: FindingExports::new(f, &site.config.base_url),
            doc: f.counts().then(|| search::finding_doc_text(site, f)),
        }
    }
}

/// Each finding's texts, and what they read of the site besides the finding ([`texts_stamp`]).
#[derive(Default)]
struct KeptTexts {
    stamp: u128,
    texts: ByFinding<FindingTexts>,
}

/// What a finding's texts read of the site besides the finding: its base URL and path, and the
/// topic of each claim (a search document lists its claims' topics).
fn texts_stamp(site: &Site) -> u128 {
    let mut fp = Fingerprint::new();
    add_hashed(&mut fp, &site.config.base_url);
    add_hashed(&mut fp, &site.config.base_path);
    for (id, c) in &site.claims {
        add_hashed(&mut fp, &(id, &c.topic));
    }
    fp.finish()
}

impl FilesMemo {
    /// Each finding's texts, in the site's order: the last run's where the finding is the
    /// allocation they were made from and the settings they read are the same, else made (in
    /// parallel). The memo then holds this site's.
    fn finding_texts(&self, site: &Site) -> Vec<Arc<FindingTexts>> {
        let mut kept = self.findings.lock().unwrap_or_else(|p| p.into_inner());
        let stamp = texts_stamp(site);
        if kept.stamp != stamp {
            *kept = KeptTexts {
                stamp,
                texts: ByFinding::default(),
            };
        }
        let texts: Vec<Arc<FindingTexts>> = (site.findings.par_iter())
            .map(|(id, f)| match kept.texts.get(id, f) {
                Some(t) => t.clone(),
                None => Arc::new(FindingTexts::new(site, f)),
            })
            .collect();
        for ((id, f), t) in site.findings.iter().zip(&texts) {
            kept.texts.keep(id, f, t);
        }
        if kept.texts.len() > site.findings.len() {
            kept.texts.only(&site.findings);
        }
        texts
    }
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
        exports::graph_files(&site, None, HEAVY_PATHS[1], &mut sink).unwrap();
        assert_eq!(made, HEAVY_PATHS[1..]);
        assert_eq!(HEAVY_PATHS[0], "evidence.json");
    }
}

#[cfg(test)]
mod kept_texts {
    use std::collections::BTreeMap;

    use super::*;
    use crate::model::{Environment, FindingId, Withdrawn};

    fn bundled() -> Site {
        let (inputs, _) = crate::load::load(std::path::Path::new(env!("CARGO_MANIFEST_DIR")), None);
        let (parsed, _) = crate::parse::parse(&inputs, &crate::load::Disk);
        crate::resolve::resolve(parsed, &Environment::default()).0
    }

    /// The heavy files by path, joined whole.
    fn heavy(site: &Site, memo: Option<&FilesMemo>) -> BTreeMap<String, Vec<u8>> {
        let mut files = Vec::new();
        heavy_files(site, memo, &mut |f| {
            files.push(f);
            Ok(())
        })
        .unwrap();
        (OutputFile::joined(files).into_iter())
            .map(|f| (f.path, f.bytes))
            .collect()
    }

    /// Each finding's texts as the memo holds them.
    fn kept(memo: &FilesMemo) -> BTreeMap<FindingId, Arc<FindingTexts>> {
        let kept = memo.findings.lock().unwrap();
        (kept.texts.iter())
            .map(|(id, t)| (id.clone(), t.clone()))
            .collect()
    }

    /// Which findings' texts were made again between `before` and `after`.
    fn made_again(
        before: &BTreeMap<FindingId, Arc<FindingTexts>>,
        after: &BTreeMap<FindingId, Arc<FindingTexts>>,
    ) -> Vec<String> {
        (after.iter())
            .filter(|(id, t)| !before.get(*id).is_some_and(|b| Arc::ptr_eq(b, t)))
            .map(|(id, _)| id.0.clone())
            .collect()
    }

    #[test]
    fn heavy_files_from_the_texts_kept_are_those_made_whole() {
        let mut site = bundled();
        let memo = FilesMemo::default();
        assert_eq!(heavy(&site, Some(&memo)), heavy(&site, None));
        let first = kept(&memo);
        assert_eq!(first.len(), site.findings.len());
        assert!(first.len() > 10 && first.values().any(|t| t.doc.is_some()));
        // Nothing changed: every text is kept.
        assert_eq!(heavy(&site, Some(&memo)), heavy(&site, None));
        assert_eq!(made_again(&first, &kept(&memo)), Vec::<String>::new());

        // One finding edited (a new allocation, as `serve` resolves it again), one withdrawn:
        // theirs alone are made again.
        let mut ids = site.findings.keys().cloned();
        let (edited, withdrawn) = (ids.next().unwrap(), ids.next().unwrap());
        let mut f = (*site.findings[&edited]).clone();
        f.statement.push_str(" Edited.");
        site.findings.insert(edited.clone(), Arc::new(f));
        let mut f = (*site.findings[&withdrawn]).clone();
        assert!(f.counts() && !f.stances.is_empty());
        f.withdrawn = Some(Box::new(Withdrawn {
            date: "2026-01-01".into(),
            reason: "Misread.".into(),
            replaced_by: None,
        }));
        site.findings.insert(withdrawn.clone(), Arc::new(f));
        let before = kept(&memo);
        assert_eq!(heavy(&site, Some(&memo)), heavy(&site, None));
        let mut again = vec![edited.0.clone(), withdrawn.0.clone()];
        again.sort();
        assert_eq!(made_again(&before, &kept(&memo)), again);
        // And they are kept for the run after.
        let before = kept(&memo);
        heavy(&site, Some(&memo));
        assert_eq!(made_again(&before, &kept(&memo)), Vec::<String>::new());

        // A finding with a word of its own comes, then goes with another: the words the site no
        // longer has are in no file, though the memo still numbers them.
        let mut f = (*site.findings[&edited]).clone();
        f.id = FindingId("zz-new".into());
        // "Budgetholders" joins "budget holders", which other findings write apart.
        f.statement = "Quixotically well-being budgetholders.".into();
        site.findings.insert(f.id.clone(), Arc::new(f));
        let docs = |memo: &FilesMemo| {
            let search = memo.search.lock().unwrap();
            search.kept_docs()
        };
        let before = docs(&memo);
        assert_eq!(heavy(&site, Some(&memo)), heavy(&site, None));
        let after = docs(&memo);
        let again: Vec<&usize> = (after.iter())
            .filter(|(id, d)| before.get(*id) != Some(d))
            .map(|(_, d)| d)
            .collect();
        assert_eq!(again.len(), 1, "only the new finding's words are made");
        let stems = |files: &BTreeMap<String, Vec<u8>>| {
            String::from_utf8(files["search/stems.json"].clone()).unwrap()
        };
        let files = heavy(&site, Some(&memo));
        let budget = |files: &BTreeMap<String, Vec<u8>>| {
            String::from_utf8(files["search/terms/bu.json"].clone()).unwrap()
        };
        assert!(stems(&files).contains("quixot") && budget(&files).contains("\"budgethold\""));
        site.findings.remove(&FindingId("zz-new".into()));
        site.findings.remove(&edited);
        let files = heavy(&site, Some(&memo));
        assert_eq!(files, heavy(&site, None));
        assert!(!stems(&files).contains("quixot") && !budget(&files).contains("\"budgethold\""));

        // A claim moved to another topic, then the base URL changed: every text is made again.
        let before = kept(&memo);
        let claim = site.claims.values_mut().next().unwrap();
        let other = site.topics.keys().find(|t| **t != claim.topic);
        claim.topic = other.unwrap().clone();
        assert_eq!(heavy(&site, Some(&memo)), heavy(&site, None));
        assert_eq!(made_again(&before, &kept(&memo)).len(), site.findings.len());
        let before = kept(&memo);
        site.config.base_url = "https://example.net/evidence/".into();
        site.config.base_path = "/evidence/".into();
        assert_eq!(heavy(&site, Some(&memo)), heavy(&site, None));
        assert_eq!(made_again(&before, &kept(&memo)).len(), site.findings.len());
    }
}
