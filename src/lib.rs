//! evident: a static site generator for open evidence.
//!
//! It reads curated research summaries (Markdown) and structured findings (YAML) and builds a
//! cross-linked static site on which every source and every finding has a citable page.
//!
//! # Code map
//!
//! The build is a line of stages. Only `load` and `write` touch the disk; the stages between are
//! pure, so they are tested without a disk and run in parallel without locks.
//!
//! ```text
//! load(root)               -> Inputs                     load.rs     IO: read the site's folders
//! parse(&Inputs)           -> Parsed, diagnostics        parse/      front matter, Markdown, YAML
//! resolve(Parsed)          -> Site, Theme, diagnostics   resolve/    ids, references, links, quotes
//! render(&Site, &Theme)    -> Rendered, diagnostics      render/     pages, exports, data, search
//! write(Rendered, out)                                   write.rs    IO: public/ updated (changed files) or swapped
//! ```
//!
//! Arrows point one way: commands → pipeline → stages → model → leaves. `tests/it/architecture.rs`
//! declares the allowed imports and fails on any other, on `std::fs` outside `load` and `write`,
//! and on a module this map leaves out.
//!
//! - Commands: `main.rs` (and the allocator, jemalloc); `cli.rs` (clap: flags, exit codes,
//!   printing diagnostics); `serve.rs` (axum, tokio, notify: the preview server with live reload).
//! - `pipeline.rs`: the stages wired once, for `build`, `check` (and `check --external`),
//!   `permalinks`, `release`, `serve`, `init`, `new` and `archive add`; `Incremental`, what
//!   `serve` keeps between rebuilds (inputs read again file by file as its watcher reports them, a
//!   plain page known by the number `load` listed it with, a parse memo per file and per translation file
//!   with the last join of every file's records, in which those of the files that changed are replaced, the
//!   quote checks that passed, the findings resolved (`resolve::FindingMemo`), the plain pages
//!   resolved while every link target is as it was (`resolve::PageMemo`, which also keeps the
//!   pages' own part of the targets, and which of them publish), the findings' index
//!   updated file by file (`resolve::IndexMemo`), the views of findings,
//!   sources and claims whose inputs are unchanged (`render::ViewMemo`), each
//!   source's citation files, each finding's text in `evidence.json`, the graph's CSV files
//!   and the search index's documents, the search index's terms with each finding's words, and
//!   the sitemap while the pages are the same (`render::FilesMemo`), the citations made so far, and the last good build (whose backlinks are patched where
//!   findings changed), from which
//!   the page of an edited finding, or of a Markdown file whose body alone changed, is made at
//!   once when nothing else shows the edit: `Incremental::quick`); the build cache
//!   (`cite::CiteCache`, the findings and Markdown files as parsed in a `parse::ParseMemo`, the quote and
//!   figure checks that passed in a `resolve::CheckMemo`, the pages kept, and the output's
//!   folders by their stamps in a `write::Folders`; all but the folders in bincode; read through
//!   `load`, written through `write`).
//! - Stages: `load.rs`; `archive.rs` (html2text, pdf-extract: a source's archived text from its
//!   HTML or PDF, with `[[page N]]` markers; for `archive add`); `parse/`; `resolve/`; `cite/`
//!   (hayagriva: formatted references, BibTeX/RIS/CSL-JSON, page metadata; used by render;
//!   `by_shape.rs`: each style made for one shape of item (its type, the fields it lacks), those
//!   tests worked out ahead;
//!   `locales.rs`: the CSL locales carried, and which one a site's language gets);
//!   `render/` (minijinja: views, jobs, tables, charts, exports, feeds, search, and versions:
//!   releases under `releases/` compared, for `/versions/` and finding pages; `kept.rs`: pages
//!   kept from the last build by fingerprints of their inputs or contexts (with the site's counts
//!   their templates read), their files checked by reading them back or, once stamped, by their
//!   stamps, or, in `serve`'s check of every page, taken from the last site it holds, with the
//!   fingerprints of the views the two sites share); `write.rs`;
//!   `external/` (reqwest: `check --external`; the site's external links collected, their answers
//!   and the drift of sources' live pages from their archives turned into diagnostics, pure; the
//!   requests in `fetch.rs`, the one place evident uses the network);
//!   `scaffold.rs` (the stubs `init` and `new` write).
//! - `import/` (biblatex, serde_json, a RIS tag reader: BibTeX, RIS and CSL-JSON entries into
//!   source stubs, skipping what the site has; for `import`).
//! - Model: `model.rs` (Source, Finding, Claim, Topic, Gap, Stance, Table, Dataset, Release,
//!   Site);
//!   `permalinks.rs` (the manifest of published URLs: parsed, checked, updated).
//! - Leaves: `diagnostic/` (problems as data, every code in `codes.rs`, human/JSON/GitHub
//!   formats); `layout.rs` (site folders, file names, `OutputFile`); `theme.rs` (the default
//!   theme, required templates, template anchors); `html.rs` (escaping, the redirect page);
//!   `markdown.rs` (pulldown-cmark, ammonia); `highlight.rs` (syntect, two-face: fenced code as
//!   classed spans); `dates.rs` (dates, `SOURCE_DATE_EPOCH`).
//! - `docs_tests.rs`: the docs are tested (every key, flag and diagnostic code documented).

pub mod archive;
pub mod cite;
pub mod cli;
pub mod dates;
pub mod diagnostic;
pub mod external;
pub mod highlight;
pub mod html;
pub mod import;
pub mod layout;
pub mod load;
pub mod markdown;
pub mod model;
pub mod parse;
pub mod permalinks;
pub mod pipeline;
pub mod render;
pub mod resolve;
pub mod scaffold;
pub mod serve;
pub mod theme;
pub mod write;

mod docs_tests;

pub use pipeline::{
    build, build_in_memory, update_permalinks, BuildOptions, BuildReport, Fatal, PermalinksReport,
};
