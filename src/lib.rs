//! evident: a static site generator for open evidence.
//!
//! It reads curated research summaries (Markdown) and structured findings (YAML) and builds a
//! cross-linked static site on which every source and every finding has a citable page.
//!
//! # Code map
//!
//! The build is a line of stages; only the first and last touch the disk.
//!
//! ```text
//! load(root)            -> Inputs                               load.rs     IO: read the site's folders
//! parse(&Inputs)        -> (Parsed, Vec<Diagnostic>)            parse.rs    front matter, Markdown, YAML
//! resolve(Parsed)       -> (Site, Theme, Vec<Diagnostic>)       resolve.rs  ids, references, links, quotes
//! render(&Site, &Theme) -> (Vec<OutputFile>, Vec<Diagnostic>)   render.rs   pages, evidence.json, assets
//! write(&[OutputFile], out)                                     write.rs    IO: atomic swap into public/
//! ```
//!
//! - `model.rs`: the evidence model (Source, Finding, Claim, Topic, Gap, Stance).
//! - `diagnostic.rs`: problems as data, and their human, JSON and GitHub formats.
//! - `data.rs` (YAML), `markdown.rs` (pulldown-cmark), `render.rs` (minijinja) and `cli.rs` (clap)
//!   each own one third-party crate.
//! - `export.rs`: `evidence.json`.
//! - `cite.rs` (hayagriva): formatted citations in five CSL styles, BibTeX/RIS/CSL-JSON exports,
//!   Highwire `citation_*` tags and schema.org JSON-LD.

// A `Diagnostic` is the error type throughout, by design (diagnostics are data); it is larger than
// clippy likes for `Err`, but it is built only on the error path, so boxing it would buy nothing.
#![allow(clippy::result_large_err)]

pub mod cite;
pub mod cli;
pub mod diagnostic;
pub mod export;
pub mod load;
pub mod model;
pub mod parse;
pub mod permalinks;
pub mod render;
pub mod resolve;
pub mod scaffold;
pub mod serve;
pub mod write;

mod charts;
mod data;
mod docs_tests;
mod feeds;
mod markdown;
mod search;
mod tables;
mod tableview;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use diagnostic::{Diagnostic, Severity};
use load::Inputs;
use render::OutputFile;
use resolve::Environment;

/// What a run should do.
#[derive(Clone, Debug)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Where to write; relative paths are taken from the current folder. `None` for `check`.
    pub output: Option<PathBuf>,
    /// Treat warnings as errors: report them and do not write.
    pub deny_warnings: bool,
    /// Show each stage as it starts, on one overwritten line (for terminals; off in CI logs).
    pub progress: bool,
    pub env: Environment,
}

/// What a run did.
#[derive(Debug)]
pub struct BuildReport {
    pub inputs: Inputs,
    pub diagnostics: Vec<Diagnostic>,
    /// How many HTML pages the site has.
    pub pages: usize,
    /// How many files the site has (pages, data, assets).
    pub outputs: usize,
    /// Whether the output folder was replaced.
    pub written: bool,
    pub elapsed: Duration,
    /// Each stage and how long it took.
    pub timings: Timings,
}

impl BuildReport {
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    pub fn warnings(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count()
    }
}

/// A problem that stops a run before it can look at content: exit code 2.
#[derive(Debug)]
pub struct Fatal(pub Diagnostic);

/// Checks that the output folder is not the site, does not contain it, and is not inside a folder
/// evident reads.
pub fn check_output_location(root: &Path, output: &Path) -> Result<(), Fatal> {
    let abs = |p: &Path| -> PathBuf {
        let p = if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir().unwrap_or_default().join(p)
        };
        // Canonicalise the longest existing ancestor, so `public/` that does not exist yet works.
        let mut existing = p.as_path();
        let mut rest = Vec::new();
        while !existing.exists() {
            match (existing.parent(), existing.file_name()) {
                (Some(parent), Some(name)) => {
                    rest.push(name.to_os_string());
                    existing = parent;
                }
                _ => break,
            }
        }
        let mut c = existing
            .canonicalize()
            .unwrap_or_else(|_| existing.to_path_buf());
        for r in rest.iter().rev() {
            if r == ".." {
                c.pop();
            } else if r != "." {
                c.push(r);
            }
        }
        c
    };
    let root_abs = abs(root);
    let out_abs = abs(output);
    let bad = |msg: String| {
        Fatal(
            Diagnostic::error("bad-output", msg)
                .help("write the site to its own folder, e.g. `--output public` (the default)"),
        )
    };
    if out_abs == root_abs {
        return Err(bad(format!(
            "the output folder {} is the site's own folder; building would replace the sources",
            output.display()
        )));
    }
    if root_abs.starts_with(&out_abs) {
        return Err(bad(format!(
            "the output folder {} contains the site; building would replace the sources",
            output.display()
        )));
    }
    for folder in load::SITE_FOLDERS {
        if out_abs.starts_with(root_abs.join(folder)) {
            return Err(bad(format!(
                "the output folder {} is inside {folder}/, which evident reads as input",
                output.display()
            )));
        }
    }
    Ok(())
}

/// Runs the pure stages on loaded inputs and keeps every output file in memory.
pub fn build_in_memory(inputs: &Inputs, env: &Environment) -> (Vec<OutputFile>, Vec<Diagnostic>) {
    let (site, theme, mut diags, _) = front_stages(inputs, env, &|_| {});
    let (rendered, d) = render::render(&site, &theme, None);
    diags.extend(d);
    let (files, d) = rendered.collect();
    diags.extend(d);
    (files, diagnostic::finish(diags))
}

/// A stage's name and how long it took.
type Timings = Vec<(&'static str, Duration)>;

/// Parse and resolve, with how long each took (for `--verbose`).
pub(crate) fn front_stages(
    inputs: &Inputs,
    env: &Environment,
    progress: &dyn Fn(&'static str),
) -> (
    Arc<model::Site>,
    Arc<resolve::Theme>,
    Vec<Diagnostic>,
    Timings,
) {
    let mut timings = Vec::new();
    progress("parsing");
    let t = Instant::now();
    let (parsed, mut diags) = parse::parse(inputs);
    timings.push(("parse", t.elapsed()));
    progress("resolving");
    let t = Instant::now();
    let (site, theme, d) = resolve::resolve(parsed, env);
    diags.extend(d);
    timings.push(("resolve", t.elapsed()));
    (Arc::new(site), Arc::new(theme), diags, timings)
}

/// Builds the site: load, parse, resolve, render, and (when `output` is set and nothing is in
/// error) write. Pages are written as they are rendered, into a new folder that replaces the
/// output only when the whole build succeeded.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, Fatal> {
    let start = Instant::now();
    if !opts.root.is_dir() {
        return Err(Fatal(
            Diagnostic::error(
                "no-site",
                format!("{} is not a folder", opts.root.display()),
            )
            .help("pass the site's folder with --root, or create a site with `evident init DIR`"),
        ));
    }
    if !opts.root.join("site.yaml").is_file() {
        return Err(Fatal(
            Diagnostic::error(
                "no-site",
                format!("{} has no site.yaml, so it is not an evident site", opts.root.display()),
            )
            .help("run evident in a site's folder, pass --root DIR, or create a site with `evident init DIR`"),
        ));
    }
    if let Some(out) = &opts.output {
        check_output_location(&opts.root, out)?;
        write::check_output(out).map_err(Fatal)?;
    }
    let skip = opts.output.as_deref();
    // One line, overwritten as the stages go by and cleared at the end.
    let progress = |stage: &'static str| {
        if opts.progress {
            eprint!("\r\x1b[2K{stage}…");
        }
    };
    progress("reading");
    let t = Instant::now();
    let (inputs, mut diags) = load::load(&opts.root, skip);
    let mut timings = vec![("load", t.elapsed())];
    let (site, theme, d, stage_timings) = front_stages(&inputs, &opts.env, &progress);
    timings.extend(stage_timings);
    diags.extend(d);
    progress("rendering");
    let t = Instant::now();
    let (rendered, d) = render::render(&site, &theme, None);
    diags.extend(d);
    timings.push(("render", t.elapsed()));
    let fails = |diags: &[Diagnostic]| {
        diags
            .iter()
            .any(|d| d.is_error() || (opts.deny_warnings && d.severity == Severity::Warning))
    };
    let paths = rendered.paths();
    let pages = rendered.pages();
    let mut written = false;
    let t = Instant::now();
    match (&opts.output, fails(&diags)) {
        (Some(out), false) => {
            progress("writing");
            let result = write::write(out, &paths, |sink| rendered.produce(sink), |d| fails(d))
                .map_err(Fatal)?;
            diags.extend(result.diagnostics);
            written = result.written;
            timings.push(("write", t.elapsed()));
        }
        // `check`, or a build already failed: pages are still made, so that template mistakes
        // are found in the same run, and then dropped.
        _ => {
            progress("checking pages");
            diags.extend(rendered.check());
            timings.push(("pages", t.elapsed()));
        }
    }
    let diags = diagnostic::finish(diags);
    if opts.progress {
        eprint!("\r\x1b[2K");
    }
    Ok(BuildReport {
        inputs,
        diagnostics: diags,
        pages,
        outputs: paths.len(),
        written,
        elapsed: start.elapsed(),
        timings,
    })
}

/// What `evident permalinks` did.
#[derive(Debug)]
pub struct PermalinksReport {
    pub inputs: Inputs,
    pub diagnostics: Vec<Diagnostic>,
    pub added: usize,
    pub changed: usize,
    pub written: bool,
}

/// Adds every URL the site publishes to `permalinks.txt` (keeping every old line), re-dating
/// findings that changed to `today`. Refuses while the site has errors other than removed URLs.
pub fn update_permalinks(
    root: &Path,
    env: &Environment,
    today: &str,
) -> Result<PermalinksReport, Fatal> {
    if !root.join("site.yaml").is_file() {
        return Err(Fatal(
            Diagnostic::error("no-site", format!("{} has no site.yaml", root.display()))
                .help("run evident in a site's folder, or pass --root DIR"),
        ));
    }
    let (inputs, mut diags) = load::load(root, None);
    let (site, theme, d, _) = front_stages(&inputs, env, &|_| {});
    diags.extend(d);
    let (rendered, d) = render::render(&site, &theme, None);
    diags.extend(d);
    let paths = rendered.paths();
    diags.extend(rendered.check());
    let diags = diagnostic::finish(diags);
    let blocking = diags
        .iter()
        .any(|d| d.is_error() && !d.code.starts_with("permalink-"));
    let mut report = PermalinksReport {
        inputs,
        diagnostics: diags,
        added: 0,
        changed: 0,
        written: false,
    };
    if blocking {
        return Ok(report);
    }
    let path = root.join(permalinks::MANIFEST);
    let old = report
        .inputs
        .text(Path::new(permalinks::MANIFEST))
        .unwrap_or("")
        .to_string();
    let (text, added, changed) = permalinks::update(&old, &site, paths.iter().copied(), today);
    if text != old {
        std::fs::write(&path, text).map_err(|e| {
            Fatal(
                Diagnostic::error("io-error", format!("cannot write {}: {e}", path.display()))
                    .help("check the folder's permissions"),
            )
        })?;
        report.written = true;
    }
    report.added = added;
    report.changed = changed;
    Ok(report)
}

/// Converts `SOURCE_DATE_EPOCH` (seconds) to `YYYY-MM-DD` (UTC).
pub fn date_from_epoch(secs: i64) -> String {
    // Howard Hinnant's days-from-civil inverse.
    let z = secs.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!("{y:04}-{m:02}-{d:02}")
}

/// A name for machine use (data package names): lowercase words joined by hyphens.
pub(crate) fn markdown_slug(text: &str) -> String {
    markdown::slugify(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_dates() {
        assert_eq!(date_from_epoch(0), "1970-01-01");
        assert_eq!(date_from_epoch(1_700_000_000), "2023-11-14");
        assert_eq!(date_from_epoch(951_782_400), "2000-02-29");
    }
}
