//! The resolve stage: [`resolve`] turns parsed records into the validated [`Site`]. It checks ids,
//! every reference between nodes, every Markdown link and anchor, identifiers (DOI, ISBN, ISSN),
//! dates and URLs, and that every quote is in its source's archived text and every figure in its
//! quote. Each problem is a diagnostic at the place it was written; resolution carries on past it,
//! so one run reports them all.
//!
//! A node whose required reference or value cannot be resolved is reported and left out of the
//! model (which has no placeholder ids or values); its id stays known, so references to it are not
//! reported again.
//!
//! One file per kind of thing resolved: `config.rs`, `pages.rs`, `sources.rs`, `findings.rs`,
//! `nodes.rs` (topics, claims, gaps), `tables.rs`, `datasets.rs`, `releases.rs` (release records) and
//! `i18n.rs` (the theme's strings in the site's language); with `ids.rs` (ids and
//! references), `index.rs` (the findings' index: ids, first definitions, figures, old ids; kept
//! up to date file by file in `serve`), `links.rs` (Markdown links and anchors), `quotes.rs` (quotes against archives) and
//! `graph.rs` (backlinks, patched from the last build's in `serve`, and redirects).

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;

use crate::diagnostic::Diagnostic;
use crate::model::{
    Asset, Claim, ClaimId, Config, Environment, Finding, FindingId, Gap, GapId, Page, Site, Source,
    SourceId, Tag, Topic, TopicId,
};
use crate::parse::Parsed;
use crate::theme::Theme;

mod config;
mod datasets;
mod figures;
mod findings;
mod glossary;
mod graph;
mod i18n;
mod ids;
mod index;
mod links;
mod nodes;
mod pages;
mod quotes;
mod releases;
pub(crate) mod sources;
mod tables;

use ids::Ids;
use links::Targets;
use quotes::Archives;

pub use config::base_path_of;
pub use findings::FindingMemo;
pub use index::IndexMemo;
pub use pages::PageMemo;
pub use quotes::{normalise_quote, quote_in_text, CheckMemo};

pub fn resolve(parsed: Parsed, env: &Environment) -> (Site, Theme, Vec<Diagnostic>) {
    let (site, theme, diags, _) = resolve_keeping(parsed, env, false, Memos::default());
    (site, theme, diags)
}

/// What resolving may take from earlier runs: the quote checks that passed, and (in `serve`) the
/// findings resolved, the findings' index, and the last good build's site (whose backlinks are
/// patched where findings changed).
#[derive(Default, Clone, Copy)]
pub struct Memos<'a> {
    pub checks: Option<&'a CheckMemo>,
    pub findings: Option<&'a FindingMemo>,
    pub index: Option<&'a IndexMemo>,
    pub pages: Option<&'a PageMemo>,
    pub last: Option<&'a Site>,
}

/// [`resolve`], and (when `keep`) what resolving a finding alone needs of the site. Quote checks
/// `memos` knows passed are not made again, and the findings it holds are not resolved again.
pub fn resolve_keeping(
    mut parsed: Parsed,
    env: &Environment,
    keep: bool,
    memos: Memos,
) -> (Site, Theme, Vec<Diagnostic>, Option<EditContext>) {
    let mut diags = Vec::new();
    let config = config::resolve_config(&parsed, env, &mut diags);
    let mut theme = std::mem::take(&mut parsed.theme);
    theme.strings =
        std::sync::Arc::new(i18n::resolve_strings(&parsed, &config.language, &mut diags));
    // Ids first, so references can be checked against the full set.
    let ids = Ids::new(&parsed, memos.index, &mut diags);
    let archives = Archives::new(&parsed, memos.checks);
    // The findings (in parallel, on their own) alongside the rest, whose links and references
    // are worked out one after another: a rebuild whose quote checks are remembered is held up
    // by that line, not by the findings.
    let ((resolved, of_findings), (nodes, found)) = rayon::join(
        || {
            let mut found = Vec::new();
            let (raw, memo) = (&parsed.findings, memos.findings);
            let resolved = findings::resolve_findings(raw, &ids, &archives, memo, &mut found);
            (resolved, found)
        },
        || {
            let mut found = Vec::new();
            let nodes = resolve_nodes(
                &parsed,
                config,
                &theme,
                &ids,
                &archives,
                memos.pages,
                &mut found,
            );
            (nodes, found)
        },
    );
    diags.extend(found);
    diags.extend(of_findings);
    let findings = resolved.findings;
    let known = tables::Known {
        ids: &ids,
        findings: &findings,
        figures: &resolved.figures,
        findings_incomplete: parsed.findings_incomplete,
        broken: &parsed.broken,
        claims: &nodes.claims,
        strings: &theme.strings,
    };
    let datasets = datasets::resolve_datasets(&parsed.datasets, &known, &mut diags);
    let tables = tables::resolve_tables(&parsed.tables, &known, &datasets, &mut diags);
    let glossary =
        glossary::resolve_glossary(parsed.glossary.as_ref(), &ids, &nodes.targets, &mut diags);
    let scope = glossary::resolve_scope(parsed.scope.as_ref(), &ids, &nodes.targets, &mut diags);
    let redirects = graph::redirects(&parsed, &ids.findings, &mut diags);
    let last = memos.last.map(|s| (&s.findings, &s.backlinks));
    let backlinks = graph::backlinks(&findings, &nodes.claims, &nodes.gaps, last);
    let assets = parsed
        .assets
        .iter()
        .map(|(path, (input, bytes))| Asset {
            path: path.clone(),
            input: input.clone(),
            bytes: bytes.clone(),
        })
        .collect();

    let withheld = withheld(
        &parsed,
        &ids,
        &resolved.left_out,
        &nodes.sources,
        &nodes.claims,
        &nodes.gaps,
    )
    .into_iter()
    .chain(withheld_files(&parsed, &tables, &datasets))
    .collect();
    drop(archives);
    let site = Site {
        config: nodes.config,
        pages: nodes.pages,
        tags: nodes.tags,
        sources: nodes.sources,
        findings,
        claims: nodes.claims,
        topics: nodes.topics,
        gaps: nodes.gaps,
        tables,
        datasets,
        glossary,
        scope,
        backlinks,
        assets,
        redirects,
        manifest: std::mem::take(&mut parsed.manifest),
        withheld,
        releases: releases::resolve_releases(std::mem::take(&mut parsed.releases), &mut diags),
        strings: theme.strings.clone(),
    };
    let context = if keep {
        Some(EditContext {
            ids,
            sources: std::mem::take(&mut parsed.sources),
            archives: std::mem::take(&mut parsed.archives),
            unreadable: std::mem::take(&mut parsed.unreadable),
            templates: pages::template_names(&theme),
            targets: nodes.targets,
        })
    } else {
        let unused = (ids, nodes.targets);
        rayon::spawn(move || drop(unused));
        None
    };
    // Freed alongside what comes next: the records as parsed, every finding's among them, are
    // ten milliseconds of one thread at N = 10,000.
    rayon::spawn(move || drop(parsed));
    (site, theme, diags, context)
}

/// What [`resolve_nodes`] makes: the site's settings with its menu and stylesheets, every link
/// target, and the nodes other than findings.
struct Nodes {
    config: Config,
    targets: std::sync::Arc<Targets>,
    pages: Vec<std::sync::Arc<Page>>,
    tags: Vec<Tag>,
    sources: BTreeMap<SourceId, Source>,
    topics: BTreeMap<TopicId, Topic>,
    claims: BTreeMap<ClaimId, Claim>,
    gaps: BTreeMap<GapId, Gap>,
}

/// The link targets, the menu and stylesheets, and every node but the findings, in that order.
fn resolve_nodes(
    parsed: &Parsed,
    config: Config,
    theme: &Theme,
    ids: &Ids,
    archives: &Archives,
    memo: Option<&PageMemo>,
    diags: &mut Vec<Diagnostic>,
) -> Nodes {
    let part = pages::pages_part(&parsed.pages, memo);
    let targets = Targets::new(parsed, &config, &ids.findings, part.targets);
    let targets = std::sync::Arc::new(targets);
    let config = links::resolve_menu(config, parsed.config.as_ref(), &targets, diags);
    let config = links::resolve_stylesheets(config, parsed, diags);
    let pages = pages::resolve_pages(&parsed.pages, &part.publish, theme, &targets, memo, diags);
    let tags = pages::tags(&pages);
    let sources = resolve_sources(parsed, ids, &targets, &config, diags);
    let topics = nodes::resolve_topics(&parsed.topics, ids, &targets, diags);
    let claims = nodes::resolve_claims(&parsed.claims, ids, &targets, diags);
    let gaps = nodes::resolve_gaps(&parsed.gaps, ids, &targets, archives, diags);
    Nodes {
        config,
        targets,
        pages,
        tags,
        sources,
        topics,
        claims,
        gaps,
    }
}

/// What resolving one edited finding or plain page alone needs of the rest of the site: every id,
/// the sources with their archives, every link target (pages, nodes, anchors), and the theme's
/// template names. `serve` keeps it, to show a file just edited before the full build.
pub struct EditContext {
    ids: Ids,
    sources: Vec<crate::parse::raw::RawDoc<crate::parse::raw::RawSource>>,
    archives: BTreeMap<std::path::PathBuf, std::sync::Arc<str>>,
    unreadable: BTreeSet<std::path::PathBuf>,
    templates: BTreeSet<String>,
    targets: std::sync::Arc<Targets>,
}

impl EditContext {
    /// The plain page `raw`, resolved as the whole site would resolve it (its links against every
    /// page, node and anchor of the site as last built), with every diagnostic it gives.
    pub(crate) fn page(
        &self,
        raw: &crate::parse::raw::RawDoc<crate::parse::raw::RawPage>,
    ) -> (crate::model::Page, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        let page = pages::resolve_page(raw, &self.templates, &self.targets, &mut diags);
        (page, diags)
    }

    /// The topic `raw`, resolved as the whole site would resolve it, with every diagnostic it
    /// gives; `None` for the topic when the site would not resolve it.
    pub(crate) fn topic(
        &self,
        raw: &crate::parse::raw::RawDoc<crate::parse::raw::RawTopic>,
    ) -> (Option<crate::model::Topic>, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        let one = std::slice::from_ref(raw);
        let topic = nodes::resolve_topics(one, &self.ids, &self.targets, &mut diags);
        (topic.into_values().next(), diags)
    }

    /// The claim `raw`, as [`EditContext::topic`] resolves a topic.
    pub(crate) fn claim(
        &self,
        raw: &crate::parse::raw::RawDoc<crate::parse::raw::RawClaim>,
    ) -> (Option<crate::model::Claim>, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        let one = std::slice::from_ref(raw);
        let claim = nodes::resolve_claims(one, &self.ids, &self.targets, &mut diags);
        (claim.into_values().next(), diags)
    }

    /// The source `raw`, as [`EditContext::topic`] resolves a topic (`config` is the site's).
    pub(crate) fn source(
        &self,
        raw: &crate::parse::raw::RawDoc<crate::parse::raw::RawSource>,
        config: &crate::model::Config,
    ) -> (Option<crate::model::Source>, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        if !self.ids.sources.contains(&raw.stem) {
            return (None, diags);
        }
        // What the source's archive check reads: its own archive, or that it could not be read.
        let mut parsed = Parsed::default();
        if let Some(path) = raw
            .meta
            .archive
            .as_ref()
            .map(|a| std::path::PathBuf::from(&a.value))
        {
            if let Some(text) = self.archives.get(&path) {
                parsed.archives.insert(path.clone(), text.clone());
            }
            if self.unreadable.contains(&path) {
                parsed.unreadable.insert(path);
            }
        }
        let source = sources::resolve_source(raw, &parsed, &self.targets, config, &mut diags);
        (source, diags)
    }

    /// The finding `raw` of `file`, resolved as the whole site would resolve it, with every
    /// diagnostic it gives. `None` when the site would not resolve it (its id is not valid, or
    /// first defined elsewhere).
    pub(crate) fn finding(
        &self,
        file: &std::path::Path,
        raw: &crate::parse::raw::S<crate::parse::raw::RawFinding>,
    ) -> Option<(Option<Finding>, Vec<Diagnostic>)> {
        let source = self.ids.source(&raw.value.source, file, &mut Vec::new());
        let parsed = self.archive_of(source.as_ref());
        findings::resolve_one(file, raw, &self.ids, &Archives::new(&parsed, None))
    }

    /// The gap `raw`, as [`EditContext::topic`] resolves a topic (its quote checked against its
    /// source's archive).
    pub(crate) fn gap(
        &self,
        raw: &crate::parse::raw::RawDoc<crate::parse::raw::RawGap>,
    ) -> (Option<crate::model::Gap>, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        let source = self
            .ids
            .source(&raw.meta.source, &raw.file, &mut Vec::new());
        let parsed = self.archive_of(source.as_ref());
        let one = std::slice::from_ref(raw);
        let archives = Archives::new(&parsed, None);
        let gap = nodes::resolve_gaps(one, &self.ids, &self.targets, &archives, &mut diags);
        (gap.into_values().next(), diags)
    }

    /// What checking a quote from `source` reads: that source, and its archive (or that it could
    /// not be read). Only this source's archive is folded: folding them all is the slow part.
    fn archive_of(&self, source: Option<&SourceId>) -> Parsed {
        let sources: Vec<_> = (self.sources.iter())
            .filter(|s| source.is_some_and(|id| id.0 == s.stem))
            .cloned()
            .collect();
        let archive = (sources.iter())
            .filter_map(|s| s.meta.archive.as_ref())
            .map(|a| std::path::PathBuf::from(&a.value));
        let mut parsed = Parsed::default();
        for path in archive {
            if let Some(text) = self.archives.get(&path) {
                parsed.archives.insert(path.clone(), text.clone());
            }
            if self.unreadable.contains(&path) {
                parsed.unreadable.insert(path);
            }
        }
        parsed.sources = sources;
        parsed
    }
}

/// URL prefixes of nodes that exist but are in error: their files did not parse, or they were
/// left out of the model. Their pages are missing because of a mistake already reported.
fn withheld(
    parsed: &Parsed,
    ids: &Ids,
    findings_left_out: &[FindingId],
    sources: &BTreeMap<SourceId, Source>,
    claims: &BTreeMap<ClaimId, Claim>,
    gaps: &BTreeMap<GapId, Gap>,
) -> BTreeSet<String> {
    let mut out: BTreeSet<String> = parsed
        .broken
        .iter()
        .filter_map(|b| b.split_once(':'))
        .filter(|(kind, _)| *kind != "page")
        .map(|(kind, id)| format!("/{kind}s/{id}/"))
        .collect();
    if parsed.findings_incomplete {
        out.insert("/findings/".into());
    }
    let left_out = |kind: &str, ids: &BTreeSet<String>, has: &dyn Fn(&str) -> bool| {
        ids.iter()
            .filter(|id| !has(id))
            .map(|id| format!("/{kind}s/{id}/"))
            .collect::<Vec<_>>()
    };
    out.extend(left_out("source", &ids.sources, &|id| {
        sources.contains_key(&SourceId(id.into()))
    }));
    out.extend(left_out("claim", &ids.claims, &|id| {
        claims.contains_key(&ClaimId(id.into()))
    }));
    out.extend(left_out("gap", &ids.gaps, &|id| {
        gaps.contains_key(&GapId(id.into()))
    }));
    out.extend((findings_left_out.iter()).map(|id| format!("/findings/{}/", id.0)));
    out
}

/// URL prefixes of the tables and datasets that exist but are in error (their files did not
/// parse, or they were left out of the model): their pages and their `.csv` and `.json` files.
fn withheld_files(
    parsed: &Parsed,
    tables: &BTreeMap<crate::model::TableId, crate::model::Table>,
    datasets: &BTreeMap<crate::model::DatasetId, crate::model::Dataset>,
) -> Vec<String> {
    let left_out_tables = (parsed.tables.iter())
        .filter(|t| !tables.contains_key(&crate::model::TableId(t.stem.clone())))
        .map(|t| ("table", t.stem.as_str()));
    let left_out_datasets = (parsed.datasets.iter())
        .filter(|d| !datasets.contains_key(&crate::model::DatasetId(d.stem.clone())))
        .map(|d| ("dataset", d.stem.as_str()));
    let broken = (parsed.broken.iter())
        .filter_map(|b| b.split_once(':'))
        .filter(|(kind, _)| matches!(*kind, "table" | "dataset"));
    left_out_tables
        .chain(left_out_datasets)
        .chain(broken)
        .flat_map(|(kind, id)| [format!("/{kind}s/{id}/"), format!("/{kind}s/{id}.")])
        .collect()
}

fn resolve_sources(
    parsed: &Parsed,
    ids: &Ids,
    targets: &Targets,
    config: &crate::model::Config,
    diags: &mut Vec<Diagnostic>,
) -> BTreeMap<SourceId, crate::model::Source> {
    // Side by side, each with its own diagnostics, then taken in order as if one after another.
    let resolved: Vec<_> = (parsed.sources.par_iter())
        .filter(|doc| ids.sources.contains(&doc.stem))
        .map(|doc| {
            let mut found = Vec::new();
            let source = sources::resolve_source(doc, parsed, targets, config, &mut found);
            (source, found)
        })
        .collect();
    let mut out = Vec::with_capacity(resolved.len());
    for (source, found) in resolved {
        diags.extend(found);
        out.extend(source.map(|s| (s.id.clone(), s)));
    }
    out.into_iter().collect()
}
