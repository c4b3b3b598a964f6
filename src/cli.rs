//! The command line: the one module that knows clap. It reads the environment
//! (`SOURCE_DATE_EPOCH`, `NO_COLOR`), runs a command, prints diagnostics once, and returns the exit
//! code: 0 success (warnings allowed), 1 content errors, 2 usage or IO errors.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::dates::date_from_epoch;
use crate::diagnostic::{self, Diagnostic};
use crate::model::Environment;
use crate::pipeline::{build, environment, BuildOptions, BuildReport, Fatal};

const EXAMPLES: &str = "\
Examples:
  evident build                      build the site in this folder into public/
  evident build --root site -o out   build the site in site/ into site/out/ (-o is below the site)
  evident check --strict             check everything, failing on warnings too
  evident check --format github      report problems as GitHub Actions annotations
  evident check --external           also request the links to other sites (weekly, in CI)
  evident serve                      preview on http://127.0.0.1:1111/ with live reload
  evident init my-site               start a new site
  evident new finding my-finding     add a stub finding with every key explained
  evident release                    record this version's evidence graph in releases/

Exit codes: 0 success, 1 content errors, 2 usage or IO errors.
Reference: docs/reference.md (every key), docs/diagnostics.md (every error code).";

#[derive(Debug, Parser)]
#[command(
    name = "evident",
    version,
    about = "A static site generator for open evidence",
    long_about = "evident builds a cross-linked static website from research summaries (Markdown) and \
structured findings (YAML): every source and finding gets a citable page, every quote is checked \
against an archived copy of its source.",
    after_help = EXAMPLES
)]
pub struct Cli {
    /// The site's folder (the one with site.yaml).
    #[arg(short, long, global = true, default_value = ".", value_name = "DIR")]
    pub root: PathBuf,
    /// Print only problems (errors and warnings).
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print what each stage did.
    #[arg(short, long, global = true)]
    pub verbose: bool,
    /// When to colour the output.
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into the output folder (atomically: a failed build leaves it untouched).
    Build(BuildArgs),
    /// Check everything a build checks, without writing anything.
    Check(CheckArgs),
    /// Add every URL the site publishes to permalinks.txt (and re-date changed findings).
    Permalinks,
    /// Record the evidence graph of the site's current `version` as releases/VERSION.json (to
    /// commit), so that /versions/ shows what changed and citations of it never change.
    Release(ReleaseArgs),
    /// Serve the site on this machine, rebuilding and reloading open pages on every change.
    Serve(ServeArgs),
    /// Create a new evidence site in DIR that builds at once.
    Init(InitArgs),
    /// Add a stub source, finding, claim, topic, gap, table, dataset or glossary term with every
    /// key explained.
    New(NewArgs),
    /// Copy templates of the built-in default theme into templates/, to edit (a site's templates
    /// override the theme's of the same name).
    #[command(subcommand)]
    Theme(ThemeCommand),
    /// Store a source's text (from its HTML or PDF) as its archive, which quotes are checked
    /// against.
    #[command(subcommand)]
    Archive(ArchiveCommand),
    /// Add a source stub for each entry of a BibTeX, RIS or CSL-JSON file (what Zotero, Mendeley
    /// and EndNote export), skipping what the site has already.
    Import(ImportArgs),
}

#[derive(Debug, Args)]
pub struct ReleaseArgs {
    /// The release date, YYYY-MM-DD (default: today, or SOURCE_DATE_EPOCH's date when it is set).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = release_date)]
    pub date: Option<String>,
}

/// `--date`: a real day, refused as a usage error (exit 2) otherwise.
fn release_date(s: &str) -> Result<String, String> {
    crate::dates::parse_day(s)
        .map(|_| s.to_string())
        .ok_or_else(|| format!("`{s}` is not a YYYY-MM-DD date"))
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The port to listen on (0 picks a free one).
    #[arg(short, long, default_value_t = 1111)]
    pub port: u16,
    /// The address to listen on; only loopback is safe on a shared network.
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDR")]
    pub bind: String,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder to create (it must be new or empty).
    pub dir: PathBuf,
    /// Who publishes the site (an organisation, or a person): page citations name it. Asked for
    /// on a terminal when not given.
    #[arg(long)]
    pub publisher: Option<String>,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// What to add.
    #[arg(value_parser = crate::scaffold::KINDS)]
    pub kind: String,
    /// Its id: lowercase letters, digits and hyphens.
    pub id: String,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The file to import: .bib, .ris or .json (CSL-JSON).
    pub file: PathBuf,
    /// Its format, when its extension does not say.
    #[arg(long, value_parser = crate::import::Format::NAMES)]
    pub format: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum ThemeCommand {
    /// Copy the named templates (e.g. finding.html base.html), or with --all every template, of the
    /// default theme into the site's templates/ folder; files already there are kept.
    Export(ThemeExportArgs),
}

#[derive(Debug, Args)]
pub struct ThemeExportArgs {
    /// Template file names, e.g. finding.html.
    #[arg(required_unless_present = "all")]
    pub templates: Vec<String>,
    /// Every template (and the theme's static files into static/).
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, Subcommand)]
pub enum ArchiveCommand {
    /// Store the text of FILE (an HTML page, a PDF, or plain text) as archive/SOURCE.txt; a PDF's
    /// pages each start with a `[[page N]]` line.
    Add(ArchiveAddArgs),
}

#[derive(Debug, Args)]
pub struct ArchiveAddArgs {
    /// The source's id (its file is content/sources/SOURCE.md).
    pub source: String,
    /// The file the source was published as: .html, .pdf, or plain text.
    pub file: PathBuf,
    /// Replace the source's archive if it holds text already.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Where to write the site.
    #[arg(short, long, default_value = "public", value_name = "DIR")]
    pub output: PathBuf,
    /// Fail (exit 1) when there are warnings.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Make links between pages relative and name their index.html files, so that the built
    /// site opens from disk (public/index.html in a browser); search then needs a server.
    #[arg(long)]
    pub relative: bool,
    /// Build for another address than site.yaml's base_url (e.g. a preview deployment).
    #[arg(long, value_name = "URL", value_parser = base_url)]
    pub base_url: Option<String>,
    /// Keep the build cache (formatted citations, the findings and Markdown files as parsed,
    /// fingerprints of the pages made) here [default: .evident-cache in the site's folder]. A
    /// later build reuses what has not changed; its output is the same either way.
    #[arg(long, value_name = "DIR", conflicts_with = "no_cache")]
    pub cache: Option<PathBuf>,
    /// Neither read nor write the build cache.
    #[arg(long)]
    pub no_cache: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Fail (exit 1) when there are warnings.
    #[arg(long)]
    pub strict: bool,
    /// How to print problems.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Also request every external address the site publishes (sources' URLs and DOIs, links in
    /// Markdown) and report dead, moved and slow ones, and sources whose live page has changed
    /// since it was archived. Answers are cached in .evident-cache/links.json.
    #[arg(long)]
    pub external: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// `file:line:col: error[code]: message`, with a snippet and help.
    Human,
    /// One JSON object per line: file, line, column, severity, code, message, help.
    Json,
    /// GitHub Actions workflow commands (annotations on the pull request).
    Github,
}

pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    run(&cli)
}

/// Progress shows on a terminal only: never with --quiet, in CI logs or when output is piped.
fn show_progress(cli: &Cli) -> bool {
    !cli.quiet && std::env::var_os("CI").is_none() && std::io::stderr().is_terminal()
}

fn use_color(c: Color) -> bool {
    match c {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal(),
    }
}

/// Asks who publishes the new site, on a terminal only (never in CI or a script).
fn ask_publisher() -> Option<String> {
    if !std::io::stdin().is_terminal() || std::env::var_os("CI").is_some() {
        return None;
    }
    eprint!("Who publishes this site (an organisation or person; page citations name it)? ");
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).ok()?;
    Some(line.trim().to_string()).filter(|l| !l.is_empty())
}

/// Today's date for `evident permalinks` and `init`: `SOURCE_DATE_EPOCH` if set, else the clock.
/// These are maintainers' commands that write input files, so the clock is allowed here (never in
/// builds).
fn today() -> String {
    let secs = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| i64::try_from(d.as_secs()).unwrap_or(0))
                .unwrap_or(0)
        });
    date_from_epoch(secs)
}

fn run_permalinks(cli: &Cli, color: bool) -> i32 {
    match crate::pipeline::update_permalinks(&cli.root, &environment(&cli.root, None), &today()) {
        Err(Fatal(d)) => usage_error(cli, d, color),
        Ok(r) => {
            print_diagnostics(&cli.root, &r.diagnostics, &r.inputs, Format::Human, color);
            if r.blocked() {
                eprintln!("permalinks.txt not updated: fix the errors above first");
                return 1;
            }
            if !cli.quiet {
                eprintln!(
                    "permalinks.txt: {} URL(s) added, {} finding(s) re-dated{}",
                    r.added,
                    r.changed,
                    if r.written { "" } else { " (no change)" }
                );
            }
            0
        }
    }
}

/// `evident release`: exit 2 when the version is missing or released already, 1 when the site
/// has errors (nothing written).
fn run_release(cli: &Cli, a: &ReleaseArgs, color: bool) -> i32 {
    let date = a.date.clone().unwrap_or_else(today);
    match crate::pipeline::release(&cli.root, &environment(&cli.root, None), &date) {
        Err(Fatal(d)) => usage_error(cli, d, color),
        Ok(r) => {
            print_diagnostics(&cli.root, &r.diagnostics, &r.inputs, Format::Human, color);
            match (&r.written, cli.quiet) {
                (None, _) => {
                    eprintln!(
                        "version {} not released: fix the errors above first",
                        r.version
                    );
                    1
                }
                (Some(_), false) => {
                    let rel = crate::layout::release_file(&r.version);
                    eprintln!(
                        "Released version {} of {date}: wrote {}. Commit it; the build publishes it under /versions/.",
                        r.version,
                        shown_root(&cli.root).join(rel).display()
                    );
                    0
                }
                (Some(_), true) => 0,
            }
        }
    }
}

/// `evident new KIND ID`.
fn run_new(cli: &Cli, a: &NewArgs, color: bool) -> i32 {
    match crate::pipeline::new_node(&cli.root, &a.kind, &a.id) {
        Ok(crate::pipeline::NewReport { path, notes }) => {
            if !cli.quiet && a.kind == "term" {
                eprintln!(
                    "Added `{}` to {}: fill in its entry, then run evident check",
                    a.id.replace('-', " "),
                    path.display()
                );
            } else if !cli.quiet {
                eprintln!(
                    "Created {}: fill in its keys, then run evident check",
                    path.display()
                );
            }
            if !cli.quiet {
                for note in &notes {
                    eprintln!("Note: {note}");
                }
            }
            0
        }
        Err(d) => usage_error(cli, d, color),
    }
}

/// Prints a mistake on the command line or in the environment (not in the site's files); exit 2.
fn usage_error(cli: &Cli, d: Diagnostic, color: bool) -> i32 {
    let none = crate::load::Inputs::default();
    print_diagnostics(&cli.root, &[d], &none, Format::Human, color);
    2
}

/// `--base-url`: an absolute http(s) URL, refused as a usage error (exit 2) otherwise.
fn base_url(s: &str) -> Result<String, String> {
    crate::resolve::base_path_of(s)
        .map(|_| s.to_string())
        .ok_or_else(|| format!("`{s}` is not an absolute http(s) URL; give the full address the site will be published at, e.g. https://example.org/evidence/"))
}

pub fn run(cli: &Cli) -> i32 {
    let color = use_color(cli.color);
    let (opts, strict, format) = match &cli.command {
        Command::Permalinks => return run_permalinks(cli, color),
        Command::Release(a) => return run_release(cli, a, color),
        Command::Serve(a) => {
            let opts = crate::serve::ServeOptions {
                root: cli.root.clone(),
                bind: a.bind.clone(),
                port: a.port,
                quiet: cli.quiet,
                verbose: cli.verbose,
            };
            return match crate::serve::serve(&opts) {
                Ok(()) => 0,
                Err(d) => usage_error(cli, d, color),
            };
        }
        Command::Init(a) => {
            let site = crate::scaffold::NewSite {
                publisher: a.publisher.clone().or_else(ask_publisher),
                date: today(),
            };
            return match crate::pipeline::init(&a.dir, &site) {
                Ok(files) => {
                    if !cli.quiet {
                        eprintln!(
                            "Created a new site in {} ({} files). Next: cd {} && evident serve",
                            a.dir.display(),
                            files.len(),
                            a.dir.display()
                        );
                    }
                    0
                }
                Err(d) => usage_error(cli, d, color),
            };
        }
        Command::New(a) => return run_new(cli, a, color),
        Command::Import(a) => return run_import(cli, a, color),
        Command::Theme(ThemeCommand::Export(a)) => return run_theme_export(cli, a, color),
        Command::Archive(ArchiveCommand::Add(a)) => return run_archive_add(cli, a, color),
        Command::Build(b) => (
            BuildOptions {
                root: cli.root.clone(),
                output: Some(if b.output.is_absolute() {
                    b.output.clone()
                } else {
                    cli.root.join(&b.output)
                }),
                deny_warnings: b.deny_warnings,
                progress: show_progress(cli),
                env: Environment {
                    relative_links: b.relative,
                    ..environment(&cli.root, b.base_url.clone())
                },
                cache: (!b.no_cache).then(|| match &b.cache {
                    Some(dir) if dir.is_absolute() => dir.clone(),
                    Some(dir) => cli.root.join(dir),
                    None => cli.root.join(crate::layout::CACHE_DIR),
                }),
            },
            b.deny_warnings,
            Format::Human,
        ),
        Command::Check(c) => (
            BuildOptions {
                root: cli.root.clone(),
                output: None,
                deny_warnings: c.strict,
                progress: show_progress(cli) && c.format == Format::Human,
                env: environment(&cli.root, None),
                cache: Some(cli.root.join(crate::layout::CACHE_DIR)),
            },
            c.strict,
            c.format,
        ),
    };
    let mut report = match build(&opts) {
        Ok(r) => r,
        Err(Fatal(d)) => {
            print_diagnostics(
                &cli.root,
                &[d],
                &crate::load::Inputs::default(),
                format,
                color,
            );
            return 2;
        }
    };
    if let Command::Check(CheckArgs { external: true, .. }) = &cli.command {
        match run_external(&opts, &report.inputs, strict) {
            Ok(d) => report.diagnostics.extend(d),
            Err(d) => return usage_error(cli, d, color),
        }
        report.diagnostics = diagnostic::finish(std::mem::take(&mut report.diagnostics));
    }
    print_diagnostics(
        &cli.root,
        &report.diagnostics,
        &report.inputs,
        format,
        color,
    );
    let failed = report.errors() > 0 || (strict && report.warnings() > 0);
    if cli.verbose {
        eprintln!(
            "read {} input files; rendered {} output files; kept {} of {} pages from the last build",
            report.inputs.files.len(),
            report.outputs,
            report.kept,
            report.pages
        );
        for (stage, took) in &report.timings {
            eprintln!("  {stage:<8} {:>8.1} ms", took.as_secs_f64() * 1000.0);
        }
    }
    if !cli.quiet && format == Format::Human {
        summary(cli, &report, failed, color);
    }
    // The process ends next: it need not wait while the site's inputs are freed.
    crate::pipeline::drop_aside(report);
    i32::from(failed)
}

/// `check --external`, after the check: the link check's diagnostics. The clock is read here, at
/// the edge, for the cache's ages only (the diagnostics do not depend on it).
fn run_external(
    opts: &BuildOptions,
    inputs: &crate::load::Inputs,
    strict: bool,
) -> Result<Vec<Diagnostic>, Diagnostic> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    quiet_pdf_panics();
    let ext = crate::pipeline::ExternalOptions { strict, now };
    crate::pipeline::check_external(&opts.root, inputs, &opts.env, &ext).map_err(|Fatal(d)| d)
}

/// pdf-extract and the parsers under it panic on some damaged PDFs; the archive stage turns that
/// into a diagnostic, so their "panicked" message would only make evident look broken. Any other
/// panic is still reported as usual.
fn quiet_pdf_panics() {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let file = info.location().map_or("", |l| l.file());
        let pdf = [
            "pdf-extract",
            "lopdf",
            "cmap-parser",
            "type1-encoding",
            "cff-parser",
            "postscript",
        ];
        if !pdf.iter().any(|c| file.contains(c)) {
            hook(info);
        }
    }));
}

/// `evident theme export`.
fn run_theme_export(cli: &Cli, a: &ThemeExportArgs, color: bool) -> i32 {
    match crate::pipeline::theme_export(&cli.root, &a.templates, a.all) {
        Ok(r) => {
            if !cli.quiet {
                for p in &r.written {
                    eprintln!("wrote   {}", p.display());
                }
                for p in &r.kept {
                    eprintln!("kept    {} (already there)", p.display());
                }
                eprintln!("A site's templates/ and static/ files override the theme's of the same name: edit them there.");
            }
            0
        }
        Err(d) => usage_error(cli, d, color),
    }
}

/// `evident archive add SOURCE FILE`: prints what it wrote, and any warning; exit 2 when it
/// cannot.
fn run_archive_add(cli: &Cli, a: &ArchiveAddArgs, color: bool) -> i32 {
    let opts = crate::pipeline::ArchiveOptions {
        source: a.source.clone(),
        file: a.file.clone(),
        force: a.force,
    };
    let none = crate::load::Inputs::default();
    quiet_pdf_panics();
    let report = match crate::pipeline::archive_add(&cli.root, &opts) {
        Ok(r) => r,
        Err(d) => return usage_error(cli, d, color),
    };
    print_diagnostics(
        &cli.root,
        &report.archived.diagnostics,
        &none,
        Format::Human,
        color,
    );
    if !cli.quiet {
        let pages = report.archived.pages.map_or(String::new(), |n| {
            format!("{n} page{}, ", if n == 1 { "" } else { "s" })
        });
        eprintln!(
            "Wrote {}: {pages}{} characters",
            report.path.display(),
            report.archived.chars()
        );
        if !report.linked {
            eprintln!(
                "note: add `archive: {}` to content/sources/{}.md, so that evident check reads it",
                crate::layout::archive_file(&a.source),
                a.source
            );
        }
    }
    0
}

/// Prints diagnostics. Their paths are the site's own (`data/findings/x.yaml`); they print
/// relative to the folder evident runs in (`site/data/findings/x.yaml` with `--root site`), so
/// that editors and GitHub annotations find the file.
fn print_diagnostics(
    root: &Path,
    diags: &[Diagnostic],
    inputs: &crate::load::Inputs,
    format: Format,
    color: bool,
) {
    let prefix = shown_root(root);
    let texts = Rooted {
        inputs,
        prefix: &prefix,
    };
    let render = |d: &Diagnostic, texts: &dyn diagnostic::SourceText| {
        let mut d = d.clone();
        if let Some(f) = d.file.as_ref().filter(|f| in_site(f)) {
            d.file = Some(prefix.join(f));
        }
        match format {
            Format::Human => diagnostic::render_human(&d, texts, color),
            Format::Json => diagnostic::render_json(&d).to_string(),
            Format::Github => diagnostic::render_github(&d),
        }
    };
    let (stderr, stdout) = (std::io::stderr(), std::io::stdout());
    // Buffered: standard error writes each piece at once, two calls per diagnostic otherwise.
    let mut sink: std::io::BufWriter<Box<dyn Write>> = std::io::BufWriter::new(match format {
        Format::Human => Box::new(stderr.lock()),
        Format::Json | Format::Github => Box::new(stdout.lock()),
    });
    diagnostic::render_each(diags, &texts, render, |text| {
        let _ = writeln!(sink, "{text}");
    });
    let _ = sink.flush();
}

/// The site's folder as paths should print: relative to the working folder when it is below it.
fn shown_root(root: &Path) -> PathBuf {
    let cwd = std::env::current_dir().unwrap_or_default();
    let rel = if root.is_absolute() {
        root.strip_prefix(&cwd).map_or(root, |r| r)
    } else {
        root
    };
    rel.components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .collect()
}

/// Whether a diagnostic's path is a site path (`content/…`, `site.yaml`), not one given on the
/// command line (an import file, an output folder).
fn in_site(path: &Path) -> bool {
    let first = path
        .components()
        .next()
        .map(|c| c.as_os_str().to_string_lossy());
    path.is_relative()
        && first.is_some_and(|f| {
            crate::layout::SITE_FOLDERS.contains(&f.as_ref())
                || f == crate::layout::CONFIG
                || f == crate::layout::MANIFEST
        })
}

/// The inputs' texts, looked up by the paths as printed.
struct Rooted<'a> {
    inputs: &'a crate::load::Inputs,
    prefix: &'a Path,
}

impl diagnostic::SourceText for Rooted<'_> {
    fn text_of(&self, file: &Path) -> Option<std::borrow::Cow<'_, str>> {
        self.inputs
            .text_of(file.strip_prefix(self.prefix).unwrap_or(file))
    }
}

fn summary(cli: &Cli, r: &BuildReport, failed: bool, color: bool) {
    let (green, red, reset) = if color {
        ("\x1b[32m", "\x1b[31m", "\x1b[0m")
    } else {
        ("", "", "")
    };
    let secs = r.elapsed.as_secs_f64();
    let problems = format!(
        "{} error{}, {} warning{}",
        r.errors(),
        if r.errors() == 1 { "" } else { "s" },
        r.warnings(),
        if r.warnings() == 1 { "" } else { "s" }
    );
    let line = match (&cli.command, failed) {
        (Command::Build(b), false) => format!(
            "{green}Built{reset} {} pages ({} files) into {} in {secs:.2} s; {problems}",
            r.pages,
            r.outputs,
            b.output.display()
        ),
        (Command::Build(b), true) => format!(
            "{red}Build failed{reset} with {problems} in {secs:.2} s; {} left as it was",
            b.output.display()
        ),
        (Command::Check(_), false) => {
            format!(
                "{green}Checked{reset} {} pages in {secs:.2} s; {problems}",
                r.pages
            )
        }
        (Command::Check(_), true) => {
            format!("{red}Check failed{reset} with {problems} in {secs:.2} s")
        }
        (
            Command::Permalinks
            | Command::Release(_)
            | Command::Serve(_)
            | Command::Init(_)
            | Command::New(_)
            | Command::Archive(_)
            | Command::Theme(_)
            | Command::Import(_),
            _,
        ) => return,
    };
    eprintln!("{line}");
}

/// `evident import FILE`: prints what it made and skipped; exit 2 when the file cannot be read.
fn run_import(cli: &Cli, a: &ImportArgs, color: bool) -> i32 {
    let format = a
        .format
        .as_deref()
        .and_then(crate::import::Format::from_name);
    match crate::pipeline::import(&cli.root, &a.file, format) {
        Ok(report) => {
            if !cli.quiet {
                for line in report.lines() {
                    eprintln!("{line}");
                }
            }
            0
        }
        Err(d) => usage_error(cli, d, color),
    }
}
