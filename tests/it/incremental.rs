//! Incremental builds equal cold ones. `serve` keeps its inputs and citations between rebuilds
//! (`pipeline::Incremental`), and `build` starts from the citation cache: after any sequence of
//! edits, renames, deletions and broken states, what they make must be what a cold build of the
//! same files makes, byte for byte, with the same diagnostics.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use evident::model::Environment;
use evident::pipeline::Incremental;
use proptest::prelude::*;

use crate::support::{copy_dir, copy_dir_keeping_times, set_modified, tree, Site};

/// Runs evident in the site and asserts that it succeeded.
fn ok(site: &Site, args: &[&str]) {
    let run = site.run(args);
    assert_eq!(run.code, 0, "evident {args:?} failed:\n{}", run.stderr);
}

/// One change a maintainer makes to the `valid` fixture, as the watcher would see it.
#[derive(Clone, Debug)]
enum Edit {
    /// A finding's statement reworded.
    Statement(u8),
    /// The source's title changed (every citation of it changes).
    SourceTitle(u8),
    /// A findings file added (a finding quoting the source).
    AddFindings(u8),
    /// The added findings file deleted.
    DeleteFindings,
    /// The added findings file renamed.
    RenameFindings,
    /// The main findings file broken (the build fails), then mended by a later edit.
    BreakFindings,
    MendFindings,
    /// A claim's body, the claim's title (which finding pages show), the site's title, the
    /// archived text.
    ClaimBody(u8),
    ClaimTitle(u8),
    SiteTitle(u8),
    Archive(u8),
    /// The claim the findings take stances on deleted, then written again (the findings file is
    /// unchanged, but what resolving its findings reads is not).
    ClaimGone,
    ClaimBack,
    /// The archived passage of the first finding's quote reworded, then put back.
    QuoteGone,
    QuoteBack,
    /// A stance's reason (the claim's page shows it), the gap's title (the source's and the
    /// claim's pages show it), the topic's title (the claim's page shows it).
    Reason(u8),
    GapTitle(u8),
    TopicTitle(u8),
    /// A plain page's title (tag pages list it) and body (with a link), which `serve` keeps as
    /// parsed until its watcher reports the file; a plain page added in a folder of its own; that
    /// folder renamed, and removed, each reported by the folder's path alone.
    PageTitle(u8),
    PageBody(u8),
    AddPage(u8),
    RenamePages,
    RemovePages,
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        any::<u8>().prop_map(Edit::Statement),
        any::<u8>().prop_map(Edit::SourceTitle),
        any::<u8>().prop_map(Edit::AddFindings),
        Just(Edit::DeleteFindings),
        Just(Edit::RenameFindings),
        Just(Edit::BreakFindings),
        Just(Edit::MendFindings),
        any::<u8>().prop_map(Edit::ClaimBody),
        any::<u8>().prop_map(Edit::ClaimTitle),
        any::<u8>().prop_map(Edit::SiteTitle),
        any::<u8>().prop_map(Edit::Archive),
        Just(Edit::ClaimGone),
        Just(Edit::ClaimBack),
        Just(Edit::QuoteGone),
        Just(Edit::QuoteBack),
        any::<u8>().prop_map(Edit::Reason),
        any::<u8>().prop_map(Edit::GapTitle),
        any::<u8>().prop_map(Edit::TopicTitle),
        any::<u8>().prop_map(Edit::PageTitle),
        any::<u8>().prop_map(Edit::PageBody),
        any::<u8>().prop_map(Edit::AddPage),
        Just(Edit::RenamePages),
        Just(Edit::RemovePages),
    ]
}

/// The folders of plain pages the edits add, rename and remove.
const GUIDES: [&str; 2] = ["content/guides", "content/how-to"];

const CLAIM: &str = "content/claims/users-lead.md";
const CLAIM_TEXT: &str = include_str!("../fixtures/valid/content/claims/users-lead.md");

const FINDINGS: &str = "data/findings/s1.yaml";
const EXTRA: &str = "data/findings/extra.yaml";
const EXTRA_RENAMED: &str = "data/findings/extra-2.yaml";

/// Replaces the first line of `rel` that starts with `prefix` (after indentation) by `line`.
fn set_line(site: &Site, rel: &str, prefix: &str, line: &str) -> PathBuf {
    let text = site.read(rel);
    let out: Vec<String> = text
        .lines()
        .map(|l| {
            if l.trim_start().starts_with(prefix) {
                line.to_string()
            } else {
                l.to_string()
            }
        })
        .collect();
    site.write(rel, out.join("\n") + "\n");
    site.path(rel)
}

/// A findings file (for `EXTRA`) with one finding, `extra-<n>`.
fn extra(n: u8) -> String {
    format!(
        "findings:\n  - id: extra-{n}\n    statement: Another reading, number {n}.\n    \
         source: s1\n    locator: para 2\n    quote: \"Two-thirds of survey respondents said it.\"\n"
    )
}

/// Applies `edit` and returns the paths that changed.
fn apply(site: &Site, edit: &Edit, original: &str) -> Vec<PathBuf> {
    match edit {
        Edit::Statement(n) => vec![set_line(
            site,
            FINDINGS,
            "statement: Most said",
            &format!("    statement: Most said staff lead, reading {n}."),
        )],
        Edit::SourceTitle(n) => vec![set_line(
            site,
            "content/sources/s1.md",
            "title:",
            &format!("title: Flawed personal budgets, part {n}"),
        )],
        Edit::AddFindings(n) => {
            site.write(EXTRA, extra(*n));
            vec![site.path(EXTRA)]
        }
        Edit::DeleteFindings => {
            let _ = fs::remove_file(site.path(EXTRA));
            vec![site.path(EXTRA)]
        }
        Edit::RenameFindings => {
            let _ = fs::rename(site.path(EXTRA), site.path(EXTRA_RENAMED));
            vec![site.path(EXTRA), site.path(EXTRA_RENAMED)]
        }
        Edit::BreakFindings => {
            site.write(FINDINGS, format!("{original}  - id: [broken\n"));
            vec![site.path(FINDINGS)]
        }
        Edit::MendFindings => {
            site.write(FINDINGS, original);
            vec![site.path(FINDINGS)]
        }
        Edit::ClaimBody(n) => {
            // (Written again if `ClaimGone` deleted it.)
            let head = &CLAIM_TEXT[..CLAIM_TEXT.rfind("---").unwrap() + 3];
            site.write(CLAIM, format!("{head}\nBody, revision {n}.\n"));
            vec![site.path(CLAIM)]
        }
        Edit::ClaimTitle(n) => {
            // (Written again if `ClaimGone` deleted it.)
            let text = CLAIM_TEXT.replace("Users lead planning", &format!("Users lead, {n}"));
            site.write(CLAIM, text);
            vec![site.path(CLAIM)]
        }
        Edit::SiteTitle(n) => vec![set_line(
            site,
            "site.yaml",
            "title:",
            &format!("title: Fixture evidence {n}"),
        )],
        Edit::Archive(n) => {
            let rel = "archive/s1.txt";
            let text = site.read(rel);
            site.write(rel, format!("{text}A later note, {n}.\n"));
            vec![site.path(rel)]
        }
        Edit::ClaimGone => {
            let _ = fs::remove_file(site.path(CLAIM));
            vec![site.path(CLAIM)]
        }
        Edit::ClaimBack => {
            site.write(CLAIM, CLAIM_TEXT);
            vec![site.path(CLAIM)]
        }
        Edit::QuoteGone | Edit::QuoteBack => {
            let rel = "archive/s1.txt";
            let (from, to) = match edit {
                Edit::QuoteGone => ("usually lead", "often lead"),
                _ => ("often lead", "usually lead"),
            };
            let text = site.read(rel);
            site.write(rel, text.replace(from, to));
            vec![site.path(rel)]
        }
        Edit::Reason(n) => vec![set_line(
            site,
            FINDINGS,
            "- {claim: users-lead, stance: contradicts, reason: \"staff",
            &format!("      - {{claim: users-lead, stance: contradicts, reason: \"staff {n}\"}}"),
        )],
        Edit::GapTitle(n) => vec![set_line(
            site,
            "content/gaps/foi.md",
            "title:",
            &format!("title: FOI figures {n}"),
        )],
        Edit::TopicTitle(n) => vec![set_line(
            site,
            "content/topics/control.md",
            "title:",
            &format!("title: Control {n}"),
        )],
        Edit::PageTitle(n) => vec![set_line(
            site,
            ABOUT,
            "title:",
            &format!("title: About, {n}"),
        )],
        Edit::PageBody(n) => {
            let text = site.read(ABOUT);
            let head = &text[..text.rfind("---").unwrap() + 3];
            let body = format!("\n## Method {n}\n\nSee [the claim](claims/users-lead.md).\n");
            site.write(ABOUT, format!("{head}{body}"));
            vec![site.path(ABOUT)]
        }
        Edit::AddPage(n) => {
            // Into whichever folder of guides there is now.
            let folder = (GUIDES.iter())
                .find(|f| site.path(f).is_dir())
                .unwrap_or(&GUIDES[0]);
            let rel = format!("{folder}/guide-{}.md", n % 3);
            let text = format!("---\ntitle: Guide {n}\ntags: [Method]\n---\nSteps, {n}.\n");
            site.write(&rel, text);
            vec![site.path(&rel)]
        }
        Edit::RenamePages => {
            let [a, b] = GUIDES.map(|f| site.path(f));
            let _ = match a.is_dir() {
                true => fs::rename(&a, &b),
                false => fs::rename(&b, &a),
            };
            vec![a, b]
        }
        Edit::RemovePages => {
            let folders = GUIDES.map(|f| site.path(f));
            for f in &folders {
                let _ = fs::remove_dir_all(f);
            }
            folders.to_vec()
        }
    }
}

type Files = BTreeMap<String, Vec<u8>>;

/// Each diagnostic as the outcomes compare them: file, place and message.
fn messages<'a>(d: impl IntoIterator<Item = &'a evident::diagnostic::Diagnostic>) -> Vec<String> {
    (d.into_iter())
        .map(|d| format!("{:?} {:?} {}", d.file, d.position, d.message))
        .collect()
}

/// What a build made: its files, or (when it failed) its error messages.
fn outcome(
    result: Result<
        (
            std::sync::Arc<evident::render::Rendered>,
            Vec<evident::diagnostic::Diagnostic>,
        ),
        Vec<evident::diagnostic::Diagnostic>,
    >,
) -> Result<(Files, Vec<String>), Vec<String>> {
    match result {
        Ok((rendered, diags)) => {
            let (files, more) = rendered.collect();
            let files = files.into_iter().map(|f| (f.path, f.bytes)).collect();
            let mut all = messages(&diags);
            all.extend(messages(&more));
            Ok((files, all))
        }
        Err(diags) => Err(messages(&diags)),
    }
}

/// The site last made, as `serve` holds it: the pages it made or kept, with their bytes.
type Held = (std::sync::Arc<evident::render::Rendered>, Files);

/// What a build made ([`outcome`]).
type Outcome = Result<(Files, Vec<String>), Vec<String>>;

/// [`outcome`], with the site's pages made as `serve` checks them: keeping those `before` holds
/// wherever nothing they depend on changed (handed over as unchanged, their bytes taken from
/// `before`). With the site as held now, and how many pages were kept.
fn outcome_held(
    result: evident::pipeline::Built,
    before: Option<&Held>,
) -> (Outcome, Option<Held>, usize) {
    let Ok((rendered, diags)) = result else {
        return (outcome(result), None, 0);
    };
    let made = before.and_then(|(r, files)| Some(r.made_pages()?.only(|p| files.contains_key(p))));
    assert!(
        rendered.keep_made(made),
        "pages are kept once, before the site is made"
    );
    let files = std::sync::Mutex::new(Files::new());
    let more = rendered.produce(&|f| {
        let bytes = match (f.unchanged, before) {
            (true, Some((_, held))) => held[&f.path].clone(),
            (true, None) => panic!("{} kept from no site", f.path),
            _ => f.bytes,
        };
        files
            .lock()
            .unwrap()
            .entry(f.path)
            .or_default()
            .extend(bytes);
        Ok(())
    });
    let files = files.into_inner().unwrap();
    let all = messages(diags.iter().chain(more.as_ref().unwrap()));
    let kept = rendered.kept_count();
    (Ok((files.clone(), all)), Some((rendered, files)), kept)
}

fn cold(site: &Site) -> Result<(Files, Vec<String>), Vec<String>> {
    let mut fresh = Incremental::new(site.root(), &Environment::default());
    outcome(fresh.build())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, .. ProptestConfig::default() })]

    /// Each site's pages made as `serve` checks them, keeping the last good site's pages where
    /// nothing they depend on changed. With or without a permalinks manifest (whose check and
    /// dates read each finding's hash, kept with the finding between rebuilds).
    #[test]
    fn serve_after_any_edits_equals_a_cold_build(
        manifest in any::<bool>(),
        edits in proptest::collection::vec(edit(), 1..8),
    ) {
        let site = Site::from_fixture("valid");
        if manifest {
            ok(&site, &["permalinks"]);
        }
        let original = site.read(FINDINGS);
        let mut kept = Incremental::new(site.root(), &Environment::default());
        // The last good site, as `serve` holds it to keep its pages in the next.
        let (_, mut held, _) = outcome_held(kept.build(), None);
        for (step, e) in edits.iter().enumerate() {
            let changed = apply(&site, e, &original);
            kept.reload(Some(&changed));
            let (warm, now, _) = outcome_held(kept.build(), held.as_ref());
            held = now.or(held);
            let cold = cold(&site);
            match (&warm, &cold) {
                (Ok((w, wd)), Ok((c, cd))) => {
                    prop_assert_eq!(wd, cd, "diagnostics differ after step {} ({:?})", step, e);
                    let differ: Vec<&String> = c
                        .keys()
                        .chain(w.keys())
                        .filter(|p| w.get(*p) != c.get(*p))
                        .collect();
                    prop_assert!(differ.is_empty(), "after step {} ({:?}) these differ: {:?}", step, e, differ);
                }
                (Err(w), Err(c)) => prop_assert_eq!(w, c, "errors differ after step {} ({:?})", step, e),
                _ => prop_assert!(false, "one build failed and the other did not after step {} ({:?}): {:?} / {:?}",
                    step, e, warm.as_ref().err(), cold.as_ref().err()),
            }
        }
    }
}

/// `serve` checks every page of each site it makes, and keeps the pages of the last one where
/// nothing they depend on changed: after a finding's statement is reworded, the site is a cold
/// build's, no page that shows the statement is the last site's, and the pages kept are the ones
/// a rebuild into an output folder keeps (the same keys).
#[test]
fn serve_keeps_the_pages_an_edit_leaves_as_they_were() {
    let site = Site::from_fixture("valid");
    ok(&site, &["build"]);
    let mut kept_by = Incremental::new(site.root(), &Environment::default());
    let (first, held, none) = outcome_held(kept_by.build(), None);
    assert!(first.is_ok() && none == 0);
    let changed = apply(&site, &Edit::Statement(7), &site.read(FINDINGS));
    kept_by.reload(Some(&changed));
    let (warm, _, count) = outcome_held(kept_by.build(), held.as_ref());
    let (files, diags) = warm.expect("the edit builds");
    let (cold_files, cold_diags) = cold(&site).expect("a cold build");
    assert_eq!(diags, cold_diags);
    let differ: Vec<&String> = (cold_files.keys().chain(files.keys()))
        .filter(|p| files.get(*p) != cold_files.get(*p))
        .collect();
    assert!(
        differ.is_empty(),
        "these differ from a cold build: {differ:?}"
    );
    let (by_build, pages) = kept(&site.run(&["build", "-v"]).stderr);
    assert_eq!(count, by_build, "serve keeps what a rebuild keeps");
    let shown = (files.iter())
        .filter(|(p, html)| {
            p.ends_with(".html") && {
                String::from_utf8_lossy(html).contains("Most said staff lead, reading 7.")
            }
        })
        .count();
    assert!(shown > 0, "the statement is on some page");
    assert!(
        count > 0 && count <= pages - shown,
        "{count} of {pages} kept"
    );
}

/// `serve`'s check of every page makes the pages, and none of the other files (which report
/// nothing): the same pages, byte for byte, as making the whole site gives.
#[test]
fn the_check_of_every_page_makes_the_pages_alone() {
    let site = Site::from_fixture("valid");
    let mut kept_by = Incremental::new(site.root(), &Environment::default());
    let (rendered, _) = kept_by.build().expect("the fixture builds");
    let pages = std::sync::Mutex::new(Files::new());
    let found = rendered.produce_pages(&|f| {
        pages.lock().unwrap().insert(f.path, f.bytes);
        Ok(())
    });
    assert_eq!(found.map(|d| d.len()), Ok(0));
    let pages = pages.into_inner().unwrap();
    let (all, _) = rendered.collect();
    let html: Files = (all.into_iter())
        .filter(|f| f.path.ends_with(".html"))
        .map(|f| (f.path, f.bytes))
        .collect();
    assert_eq!(pages.len(), rendered.pages());
    assert!(pages == html, "the pages differ from the site's");
}

/// A plain page of [`pages_kept_by_serve_are_resolved_again_when_the_targets_change`]: tagged, with
/// a heading, and a link to the next page's heading.
fn note(n: usize, title: &str) -> String {
    format!(
        "---\ntitle: {title}\ntags: [Notes, n{}]\n---\n## Part {n}\n\nOn to [the next](n{}.md#part-{}).\n",
        n % 3,
        n + 1,
        n + 1
    )
}

/// `serve` keeps the plain pages it resolved (`resolve::PageMemo`, used from 64 pages) while their
/// records are the ones they were made from and every link target is as it was: a page's edit
/// resolves that page alone; a change to what links may reach (a heading, a page gone, a tag, a
/// draft mark, a page at another's URL) resolves every page again. After each step `serve`'s build must be a cold build's, diagnostics and all;
/// a page resolved again is told from one kept by its address in the site.
#[test]
fn pages_kept_by_serve_are_resolved_again_when_the_targets_change() {
    let site = Site::from_fixture("valid");
    const PAGES: usize = 70;
    for n in 0..PAGES {
        site.write(
            &format!("content/notes/n{n}.md"),
            note(n, &format!("Note {n}")),
        );
    }
    site.write(
        &format!("content/notes/n{PAGES}.md"),
        "---\ntitle: Last\n---\n## Part 70\n",
    );
    let page = |n: usize| site.path(&format!("content/notes/n{n}.md"));
    let mut kept = Incremental::new(site.root(), &Environment::default());
    let pages_of = |built: &evident::pipeline::Built| match built {
        Ok((rendered, _)) => rendered.site().pages.clone(),
        Err(_) => Vec::new(),
    };
    let first = kept.build();
    assert!(first.is_ok());
    let mut before = pages_of(&first);
    type Step<'a> = (&'a str, &'a dyn Fn() -> PathBuf, Option<&'a str>);
    let steps: [Step; 10] = [
        (
            "a page's title",
            &|| {
                site.write("content/notes/n5.md", note(5, "Fifth note"));
                page(5)
            },
            Some("notes/n5/"),
        ),
        (
            "a page's body, with another link",
            &|| {
                let text = note(7, "Note 7") + "And [back](n6.md).\n";
                site.write("content/notes/n7.md", text);
                page(7)
            },
            Some("notes/n7/"),
        ),
        (
            "a heading changed",
            &|| {
                site.edit("content/notes/n30.md", "## Part 30", "## Part thirty");
                page(30)
            },
            None,
        ),
        (
            "the heading back",
            &|| {
                site.edit("content/notes/n30.md", "## Part thirty", "## Part 30");
                page(30)
            },
            None,
        ),
        (
            "a page linked to, gone",
            &|| {
                fs::remove_file(page(12)).unwrap();
                page(12)
            },
            None,
        ),
        (
            "and back",
            &|| {
                site.write("content/notes/n12.md", note(12, "Note 12"));
                page(12)
            },
            None,
        ),
        (
            "a link to a tag no page has yet",
            &|| {
                let last = "---\ntitle: Last\n---\n## Part 70\n\nSee [fresh](/tags/fresh/).\n";
                site.write("content/notes/n70.md", last);
                page(70)
            },
            None,
        ),
        (
            "a page given that tag, its tags alone changed",
            &|| {
                site.edit(
                    "content/notes/n69.md",
                    "tags: [Notes, n0]",
                    "tags: [Notes, n0, fresh]",
                );
                page(69)
            },
            None,
        ),
        (
            "a page linked to, made a draft",
            &|| {
                let draft = "title: Note 12\ndraft: true";
                site.edit("content/notes/n12.md", "title: Note 12", draft);
                page(12)
            },
            None,
        ),
        (
            "a second page at a page's URL",
            &|| {
                site.write("content/notes/n5/index.md", "---\ntitle: Twin\n---\n");
                site.path("content/notes/n5/index.md")
            },
            None,
        ),
    ];
    for (step, change, alone) in steps {
        let changed = change();
        kept.reload(Some(&[changed]));
        let built = kept.build();
        let now = pages_of(&built);
        let warm = outcome(built);
        same_as_cold(step, &warm, &cold(&site));
        let again: Vec<&str> = (now.iter())
            .filter(|p| !before.iter().any(|b| std::sync::Arc::ptr_eq(b, p)))
            .map(|p| p.path.as_str())
            .collect();
        match alone {
            Some(path) => assert_eq!(again, [path], "{step}: that page alone is resolved again"),
            None if warm.is_ok() => {
                assert_eq!(
                    again.len(),
                    now.len(),
                    "{step}: every page is resolved again"
                )
            }
            None => {}
        }
        if warm.is_ok() {
            before = now;
        }
    }
}

/// Requires `serve`'s build after `step` to be the cold build's, naming what differs (the files,
/// or the diagnostics) rather than printing both sites.
fn same_as_cold(step: &str, warm: &Outcome, cold: &Outcome) {
    match (warm, cold) {
        (Ok((w, wd)), Ok((c, cd))) => {
            assert_eq!(wd, cd, "{step}: diagnostics");
            let differ: BTreeSet<&String> = (c.keys().chain(w.keys()))
                .filter(|p| w.get(*p) != c.get(*p))
                .collect();
            assert!(differ.is_empty(), "{step}: these differ: {differ:?}");
        }
        (Err(w), Err(c)) => assert_eq!(w, c, "{step}: errors"),
        _ => panic!(
            "{step}: one build failed and the other did not: {:?} / {:?}",
            warm.as_ref().err(),
            cold.as_ref().err()
        ),
    }
}

/// `serve` keeps the findings it resolved (`resolve::FindingMemo`) and resolves again only those
/// whose records changed, while what they read of the rest of the site is unchanged: each step
/// here leaves the findings files as they were and changes what their findings read (a claim
/// their stances name, the archive their quotes are checked against, a finding a withdrawal
/// names as its replacement). After each, `serve`'s build must be a cold build's, diagnostics
/// and all.
#[test]
fn findings_kept_by_serve_are_resolved_again_when_what_they_read_changes() {
    let site = Site::from_fixture("valid");
    let replacing = "findings:\n  - id: old-reading\n    statement: An earlier reading.\n    \
        source: s1\n    locator: para 2\n    quote: \"Two-thirds of survey respondents said it.\"\n    \
        withdrawn: {date: \"2026-01-05\", reason: Misread., replaced_by: new-reading}\n";
    site.write(EXTRA, replacing);
    site.write(EXTRA_RENAMED, extra(1).replace("extra-1", "new-reading"));
    let mut kept = Incremental::new(site.root(), &Environment::default());
    assert!(kept.build().is_ok());
    type Step<'a> = (&'a str, &'a dyn Fn() -> PathBuf, Option<&'a str>);
    let steps: [Step; 6] = [
        (
            "the claim deleted",
            &|| {
                fs::remove_file(site.path(CLAIM)).unwrap();
                site.path(CLAIM)
            },
            Some("users-lead"),
        ),
        (
            "the claim back",
            &|| {
                site.write(CLAIM, CLAIM_TEXT);
                site.path(CLAIM)
            },
            None,
        ),
        (
            "the quote's passage reworded",
            &|| {
                site.edit("archive/s1.txt", "usually lead", "often lead");
                site.path("archive/s1.txt")
            },
            Some("not in"),
        ),
        (
            "the passage back",
            &|| {
                site.edit("archive/s1.txt", "often lead", "usually lead");
                site.path("archive/s1.txt")
            },
            None,
        ),
        (
            "the replacement deleted",
            &|| {
                fs::remove_file(site.path(EXTRA_RENAMED)).unwrap();
                site.path(EXTRA_RENAMED)
            },
            Some("new-reading"),
        ),
        (
            "the replacement back",
            &|| {
                site.write(EXTRA_RENAMED, extra(1).replace("extra-1", "new-reading"));
                site.path(EXTRA_RENAMED)
            },
            None,
        ),
    ];
    for (step, change, error) in steps {
        let changed = change();
        kept.reload(Some(&[changed]));
        let warm = outcome(kept.build());
        let cold = cold(&site);
        assert_eq!(warm, cold, "after {step}");
        match error {
            Some(said) => {
                let errors = cold.as_ref().expect_err(step);
                assert!(
                    errors.iter().any(|e| e.contains(said)),
                    "after {step}: {errors:?}"
                );
            }
            None => assert!(cold.is_ok(), "after {step}: {:?}", cold.err()),
        }
    }
}

/// A change to the site: what it is, and the change made (returning the file changed).
type Step<'a> = (&'a str, &'a dyn Fn() -> PathBuf);

/// Makes each change in turn, and requires `serve`'s build after it (`kept`, told of the file
/// changed) to equal a cold build of the same files.
fn each_step_equals_a_cold_build(site: &Site, kept: &mut Incremental, steps: &[Step]) {
    for (step, change) in steps {
        let changed = change();
        kept.reload(Some(&[changed]));
        let warm = outcome(kept.build());
        let cold = cold(site);
        assert!(cold.is_ok(), "after {step}: {:?}", cold.err());
        assert_eq!(warm, cold, "after {step}");
    }
}

/// `serve` keeps the view of a finding it did not resolve again (`render::ViewMemo`). Each step
/// here leaves the findings as they were and changes what their views read besides them: a
/// claim's title, the source's title and unverified fields, the site's publisher, the
/// glossary's terms (which link a note's first use), the permalinks manifest (the date each last
/// changed), and a first and a second release (each finding's record). After each, `serve`'s build must be a cold
/// build's.
#[test]
fn finding_views_kept_by_serve_are_made_again_when_what_they_read_changes() {
    let site = Site::from_fixture("valid");
    let noted = format!("{}    notes: [\"Planned by staff.\"]\n", extra(1));
    site.write(EXTRA, noted);
    let glossary = "terms:\n  - term: staff\n    definition: People paid to do the work.\n";
    let mut kept = Incremental::new(site.root(), &Environment::default());
    assert!(kept.build().is_ok());
    let source = "content/sources/s1.md";
    let steps: [Step; 9] = [
        ("the claim's title changed", &|| {
            site.edit(CLAIM, "title: Users lead planning", "title: Users lead");
            site.path(CLAIM)
        }),
        ("the source's title changed", &|| {
            site.edit(source, "Flawed personal budgets", "Flawed budgets");
            site.path(source)
        }),
        ("the source's unverified field changed", &|| {
            site.edit(source, "\"guess\"", "\"a guess\"");
            site.path(source)
        }),
        ("the site's publisher given", &|| {
            site.edit(
                "site.yaml",
                "license:",
                "publisher: Example Trust\nlicense:",
            );
            site.path("site.yaml")
        }),
        ("a glossary term added", &|| {
            site.write(evident::layout::GLOSSARY, glossary);
            site.path(evident::layout::GLOSSARY)
        }),
        ("a release made", &|| {
            ok(&site, &["release", "--date", "2024-05-02"]);
            site.path("releases/1.0.json")
        }),
        ("the permalinks manifest written", &|| {
            ok(&site, &["permalinks"]);
            site.path("permalinks.txt")
        }),
        ("the version raised", &|| {
            site.edit("site.yaml", "version: \"1.0\"", "version: \"1.1\"");
            site.path("site.yaml")
        }),
        ("a second release made", &|| {
            ok(&site, &["release", "--date", "2024-05-03"]);
            site.path("releases/1.1.json")
        }),
    ];
    each_step_equals_a_cold_build(&site, &mut kept, &steps);
}

/// `serve` keeps the findings' index (every id, its first definition and figure, every old id)
/// and updates it file by file (`resolve::IndexMemo`), and patches the last build's backlinks
/// where findings changed. Each step here changes what the index or the backlinks hold, while the
/// page that links by them is as it was, or changes that page while the findings are as they
/// were: an old id moved to another finding, a finding renamed, a figure given, a `figure:` link
/// added, a finding's stance taken away, a findings file removed. After each, `serve`'s build
/// must be a cold build's.
#[test]
fn the_findings_index_kept_by_serve_follows_every_change_to_the_findings() {
    let site = Site::from_fixture("valid");
    let finding = |id: &str, more: &str| {
        format!(
            "  - id: {id}\n    statement: Another reading of {id}.\n    source: s1\n    \
             locator: para 2\n    quote: \"Two-thirds of survey respondents said it.\"\n{more}"
        )
    };
    let old_one = "    aliases: [old-one]\n";
    let figure =
        "    figure: \"Two-thirds\"\n    value: {kind: fraction, numerator: 2, denominator: 3}\n";
    let stance = |claim: &str| {
        format!("    stances:\n      - {{claim: {claim}, stance: supports, reason: \"r\"}}\n")
    };
    let more = "data/findings/more.yaml";
    site.write(
        EXTRA,
        format!(
            "findings:\n{}{}",
            finding("extra-1", old_one),
            finding("extra-2", "")
        ),
    );
    site.write(
        more,
        format!("findings:\n{}", finding("extra-5", &stance("users-lead"))),
    );
    site.edit(
        "content/about.md",
        "text",
        "text, and [an old id](finding:old-one).",
    );
    let mut kept = Incremental::new(site.root(), &Environment::default());
    assert!(kept.build().is_ok());
    let steps: [Step; 6] = [
        ("the old id moved to another finding", &|| {
            site.write(
                EXTRA,
                format!(
                    "findings:\n{}{}",
                    finding("extra-1", ""),
                    finding("extra-2", old_one)
                ),
            );
            site.path(EXTRA)
        }),
        ("a finding renamed", &|| {
            site.write(
                EXTRA,
                format!(
                    "findings:\n{}{}",
                    finding("extra-9", ""),
                    finding("extra-2", old_one)
                ),
            );
            site.path(EXTRA)
        }),
        ("a figure given", &|| {
            let with_figure = format!("{old_one}{figure}");
            site.write(
                EXTRA,
                format!(
                    "findings:\n{}{}",
                    finding("extra-9", ""),
                    finding("extra-2", &with_figure)
                ),
            );
            site.path(EXTRA)
        }),
        ("a figure: link added", &|| {
            site.edit(
                "content/about.md",
                "[an old id]",
                "[figure:extra-2](figure:extra-2) and [an old id]",
            );
            site.path("content/about.md")
        }),
        ("a finding's stance taken away", &|| {
            site.write(more, format!("findings:\n{}", finding("extra-5", "")));
            site.path(more)
        }),
        ("a findings file removed", &|| {
            fs::remove_file(site.path(more)).unwrap();
            site.path(more)
        }),
    ];
    each_step_equals_a_cold_build(&site, &mut kept, &steps);
}

/// `serve` keeps the views of sources and claims whose inputs are unchanged (`render::ViewMemo`).
/// Each step here leaves the source and the claim as written and changes something else their
/// views show: a stance's reason, a finding's statement, the source's findings, a gap's title, the
/// topic's title, a study design's label, the site's address, an interface string, the glossary's
/// terms, the site's language, and the findings' withdrawal. After each, `serve`'s build must be a cold build's.
#[test]
fn source_and_claim_views_kept_by_serve_are_made_again_when_what_they_read_changes() {
    let site = Site::from_fixture("valid");
    let with_stance = |statement: &str| {
        format!(
            "{}    stances:\n      - {{claim: users-lead, stance: supports, reason: \"some\"}}\n",
            extra(1).replace("Another reading, number 1.", statement)
        )
    };
    site.write(EXTRA, with_stance("Another reading."));
    site.edit(
        "content/sources/s1.md",
        "A summary.",
        "A summary of staff views.",
    );
    site.edit(CLAIM, "\nBody", "\nWhat staff say.");
    // The site's own copy of the default theme, whose interface strings it may change.
    let theme = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
    copy_dir(&theme, &site.path("themes/default"));
    let strings = "themes/default/i18n/en.yaml";
    let mut kept = Incremental::new(site.root(), &Environment::default());
    assert!(kept.build().is_ok());
    let glossary = "terms:\n  - term: staff\n    definition: People paid to do the work.\n";
    let steps: [Step; 13] = [
        ("a stance's reason changed", &|| {
            site.edit(FINDINGS, "reason: \"few\"", "reason: \"very few\"");
            site.path(FINDINGS)
        }),
        ("a finding's statement changed", &|| {
            site.write(EXTRA, with_stance("A second reading."));
            site.path(EXTRA)
        }),
        ("a finding added to the source", &|| {
            site.write(EXTRA_RENAMED, extra(2));
            site.path(EXTRA_RENAMED)
        }),
        ("the study's title changed", &|| {
            site.edit(
                "content/sources/s1.md",
                "Flawed personal budgets",
                "Flawed budgets",
            );
            site.path("content/sources/s1.md")
        }),
        ("the gap's title changed", &|| {
            site.edit(
                "content/gaps/foi.md",
                "title: FOI figures",
                "title: FOI data",
            );
            site.path("content/gaps/foi.md")
        }),
        ("the topic's title changed", &|| {
            site.edit(
                "content/topics/control.md",
                "title: Control",
                "title: Choice",
            );
            site.path("content/topics/control.md")
        }),
        ("the study design's label changed", &|| {
            site.edit(
                "site.yaml",
                "license:",
                "designs: {news-report: News story}\nlicense:",
            );
            site.path("site.yaml")
        }),
        ("the site's host changed", &|| {
            site.edit("site.yaml", "example.org/sub/", "example.net/sub/");
            site.path("site.yaml")
        }),
        ("the site's path changed", &|| {
            site.edit("site.yaml", "example.net/sub/", "example.net/evidence/");
            site.path("site.yaml")
        }),
        ("an interface string changed", &|| {
            site.edit(
                strings,
                "stance_contradicts: Contradicts",
                "stance_contradicts: Against",
            );
            site.path(strings)
        }),
        ("a glossary term added", &|| {
            site.write(evident::layout::GLOSSARY, glossary);
            site.path(evident::layout::GLOSSARY)
        }),
        ("the site's language changed", &|| {
            site.edit("site.yaml", "language: en-GB", "language: fr");
            site.path("site.yaml")
        }),
        ("the findings withdrawn", &|| {
            let findings = site.read(FINDINGS).replace(
                "    source: s1\n",
                "    source: s1\n    withdrawn: {date: \"2024-05-02\", reason: \"Misread.\"}\n",
            );
            site.write(FINDINGS, findings);
            site.path(FINDINGS)
        }),
    ];
    each_step_equals_a_cold_build(&site, &mut kept, &steps);
}

/// `build` from its own cache (and from a cache another site state left) writes what a build
/// without the cache writes.
#[test]
fn a_build_from_the_cache_equals_a_cold_build() {
    let site = Site::from_fixture("valid");
    ok(&site, &["build", "--no-cache", "--output", "cold"]);
    assert!(
        !site.path(".evident-cache").exists(),
        "--no-cache wrote a cache"
    );
    // What an older version of evident kept, in the files it named.
    site.write(".evident-cache/pages.json", "{}");
    site.write(".evident-cache/parsed.txt", "evident: files as parsed\n");
    ok(&site, &["build", "--output", "first"]);
    assert!(site.path(".evident-cache/citations.bin").exists());
    assert!(site.path(".evident-cache/parsed.bin").exists());
    assert!(!site.path(".evident-cache/pages.json").exists(), "retired");
    assert!(!site.path(".evident-cache/parsed.txt").exists(), "retired");
    let cites = site.path(".evident-cache/citations.bin");
    let (written, first) = (
        fs::metadata(&cites).unwrap().modified().unwrap(),
        fs::read(&cites).unwrap(),
    );
    ok(&site, &["build", "--output", "warm"]);
    assert_eq!(tree(&site.path("cold")), tree(&site.path("warm")));
    // Nothing was formatted afresh, so the citations kept are not written again.
    assert_eq!(fs::metadata(&cites).unwrap().modified().unwrap(), written);
    assert_eq!(fs::read(&cites).unwrap(), first);
    assert_eq!(tree(&site.path("cold")), tree(&site.path("first")));
    // A cache of an older state of the site: the source's title has changed since.
    site.edit(
        "content/sources/s1.md",
        "title: Flawed personal budgets",
        "title: Flawed budgets",
    );
    ok(&site, &["build", "--output", "after-edit"]);
    ok(
        &site,
        &["build", "--no-cache", "--output", "after-edit-cold"],
    );
    assert_eq!(
        tree(&site.path("after-edit")),
        tree(&site.path("after-edit-cold"))
    );
    let page =
        String::from_utf8(tree(&site.path("after-edit"))["sources/s1/index.html"].clone()).unwrap();
    assert!(page.contains("Flawed budgets"), "the edited title is cited");
    let kept = fs::read(&cites).unwrap();
    let holds = |text: &str| kept.windows(text.len()).any(|w| w == text.as_bytes());
    assert!(holds("Flawed budgets") && !holds("Flawed personal budgets"));
    // A cache that is not one (or another version's) is ignored, not trusted: one with another
    // stamp, in the cache's shape (`cite::CiteCache`: the stamp, the sources, the locators).
    let other: (&str, Vec<()>, Vec<()>) = ("evident 0.0.0", vec![], vec![]);
    fs::write(&cites, bincode::serialize(&other).unwrap()).unwrap();
    ok(&site, &["build", "--output", "odd-cache"]);
    assert_eq!(
        tree(&site.path("odd-cache")),
        tree(&site.path("after-edit-cold"))
    );
    site.write(".evident-cache/citations.bin", "not a cache");
    site.write(".evident-cache/parsed.bin", "not a cache");
    ok(&site, &["build", "--output", "bad-cache"]);
    assert_eq!(
        tree(&site.path("bad-cache")),
        tree(&site.path("after-edit-cold"))
    );
}

/// A rebuild adds the entries of the files it parsed again to the end of the parse cache rather
/// than write it whole; one cut short is read up to the cut and written whole again; either way
/// the build equals a cold one.
#[test]
fn a_rebuild_adds_to_the_parse_cache_and_equals_a_cold_build() {
    let site = Site::from_fixture("valid");
    // More topics, so that one topic's entry is a small part of the file.
    for n in 0..20 {
        site.write(
            &format!("content/topics/t{n}.md"),
            format!(
                "---\ntitle: Topic {n}\nquestion: Is it {n}?\nweight: {}\n---\nBody\n",
                n + 2
            ),
        );
    }
    let cache = site.path(".evident-cache/parsed.bin");
    let same_as_cold = |name: &str| {
        ok(&site, &["build", "--output", "public"]);
        ok(&site, &["build", "--no-cache", "--output", name]);
        assert_eq!(tree(&site.path("public")), tree(&site.path(name)), "{name}");
    };
    same_as_cold("cold-0");
    let first = fs::read(&cache).unwrap();
    site.edit(
        "content/topics/t3.md",
        "title: Topic 3",
        "title: Topic three",
    );
    same_as_cold("cold-1");
    let added = fs::read(&cache).unwrap();
    assert!(
        added.len() > first.len() && added.starts_with(&first),
        "the edited topic's entry is added to the end ({} -> {} bytes)",
        first.len(),
        added.len()
    );
    let holds = |bytes: &[u8], text: &str| bytes.windows(text.len()).any(|w| w == text.as_bytes());
    assert!(holds(&added[first.len()..], "Topic three"));
    // An addition cut short: the entries before it are read, the cut one parsed again, and the
    // file written whole, without it.
    fs::write(&cache, &added[..added.len() - 3]).unwrap();
    site.edit(
        "content/topics/t4.md",
        "title: Topic 4",
        "title: Topic four",
    );
    same_as_cold("cold-2");
    let whole = fs::read(&cache).unwrap();
    assert!(
        !whole.starts_with(&added[..added.len() - 3]),
        "written whole"
    );
    assert!(holds(&whole, "Topic three") && holds(&whole, "Topic four"));
    assert!(whole.len() < added.len(), "each file's entry once");
}

/// `build` keeps the findings files' records in its cache with the places they were written: a
/// mistake found in a finding read back from the cache is reported as from the YAML (file, line,
/// column, the span underlined), and a changed file is parsed again.
#[test]
fn findings_read_from_the_cache_are_reported_where_they_are_written() {
    let site = Site::from_fixture("valid");
    // A quote the source does not hold, and a reference to no claim: both found after parsing.
    site.edit(
        "data/findings/s1.yaml",
        "{claim: users-lead, stance: contradicts, reason: \"few\"}",
        "{claim: users-leed, stance: contradicts, reason: \"few\"}",
    );
    site.edit(
        "data/findings/s1.yaml",
        "quote: \"only 2% said service users\"",
        "quote: \"only 3% said service users\"",
    );
    // What a build reports, but for how long it took.
    let report = |args: &[&str]| {
        let run = site.run(args);
        assert_eq!(run.code, 1, "{}", run.stderr);
        let (diagnostics, summary) = run.stderr.trim_end().rsplit_once('\n').unwrap();
        assert!(
            summary.starts_with("Build failed with 3 errors"),
            "{summary}"
        );
        diagnostics.to_string()
    };
    let cold = report(&["build", "--no-cache", "--color", "never"]);
    assert!(
        cold.contains("s1.yaml:20:17: error[unknown-claim]"),
        "{cold}"
    );
    assert_eq!(report(&["build", "--color", "never"]), cold);
    assert!(site.path(".evident-cache/parsed.bin").exists());
    assert_eq!(report(&["build", "--color", "never"]), cold);
    let stored = std::fs::read(site.path(".evident-cache/parsed.bin")).unwrap();
    let holds = |text: &str| stored.windows(text.len()).any(|w| w == text.as_bytes());
    assert!(holds("users-leed"), "the file is in the cache");
    site.edit("data/findings/s1.yaml", "users-leed", "users-lead");
    let fixed = site.run(&["build", "--color", "never"]);
    assert!(!fixed.stderr.contains("users-leed"), "{}", fixed.stderr);
    assert!(fixed.stderr.contains("s1.yaml:18:"), "{}", fixed.stderr);
}

/// `build` remembers the quote and figure checks that passed, each by everything it reads: a
/// check whose archive, quote or value changed since is made again, and reports what it finds as
/// a build without the cache does; one that failed is not remembered.
#[test]
fn quote_checks_remembered_are_made_again_when_what_they_read_changes() {
    let site = Site::from_fixture("valid");
    // What a build reports, but for how long it took.
    let report = |args: &[&str]| {
        let run = site.run(args);
        let (diagnostics, _) = run.stderr.trim_end().rsplit_once('\n').unwrap_or_default();
        (run.code, diagnostics.to_string())
    };
    ok(&site, &["build", "--output", "out"]);
    let checks = fs::read(site.path(".evident-cache/checks.bin")).unwrap();
    // The cache's shape (`resolve::CheckMemo`): the build of evident, the checks that passed.
    let (_, passed): (String, Vec<u128>) = bincode::deserialize(&checks).unwrap();
    // The three findings' quote and value checks, and the gap's quote check.
    assert_eq!(passed.len(), 7, "{passed:?}");
    ok(&site, &["build", "--output", "out"]);
    assert_eq!(
        fs::read(site.path(".evident-cache/checks.bin")).unwrap(),
        checks
    );
    // Each case: the file changed, from what to what, the code reported, and a line its snippet
    // shows (a build lets go of the texts it parsed, and reads them again to show them).
    let cases: [(&str, &str, &str, &str, &str); 3] = [
        // The archive no longer holds the first finding's quote.
        (
            "archive/s1.txt",
            "usually lead",
            "often lead",
            "quote-not-in-source",
            "said council staff usually lead on support planning\"",
        ),
        // A value that no longer says what its figure says.
        (
            "data/findings/s1.yaml",
            "number: 72}",
            "number: 27}",
            "value-mismatch",
            "value: {kind: percent, number: 27}",
        ),
        // A figure no longer in its quote.
        (
            "data/findings/s1.yaml",
            "figure: \"2%\"",
            "figure: \"3%\"",
            "figure-not-in-quote",
            "figure: \"3%\"",
        ),
    ];
    for (file, from, to, code, shown) in cases {
        site.edit(file, from, to);
        let cold = report(&["build", "--no-cache", "--color", "never"]);
        assert_eq!(cold.0, 1, "{}", cold.1);
        assert!(cold.1.contains(&format!("error[{code}]")), "{}", cold.1);
        assert!(cold.1.contains(shown), "{}", cold.1);
        assert_eq!(report(&["build", "--color", "never"]), cold);
        // Not remembered as passed: reported again.
        assert_eq!(report(&["build", "--color", "never"]), cold);
        site.edit(file, to, from);
        ok(&site, &["build", "--output", "out"]);
    }
    ok(&site, &["build", "--no-cache", "--output", "cold"]);
    assert_eq!(tree(&site.path("out")), tree(&site.path("cold")));
}

/// One change to the `valid` fixture's findings, for `serve`'s first answer to it.
#[derive(Clone, Debug)]
enum FindingEdit {
    /// Reworded: the finding's own page shows it at once.
    Statement(u8),
    /// Both findings of a line reworded at once.
    TwoStatements(u8),
    /// A stance's reason, or its kind: its claim's page, counts and charts show it too, but no
    /// check reads it, so the finding's own page shows it at once (the others wait for the full
    /// build).
    Reason,
    Stance,
    /// The last finding's figure, value and quote changed for others of the same kind: no
    /// dataset names it, and tables read only its kind, so its page shows it at once.
    Figure,
    /// The same finding's figure changed for one of another kind (a fraction for a percentage, or
    /// back), which a table's columns and chart read: only a full build shows it.
    FigureKind,
}

/// The `two-thirds` finding's figure, value, locator and quote, each a passage of the fixture's
/// archive: two fractions and two percentages.
const FIGURES: [&str; 4] = [
    "figure: \"Two-thirds\"\n    value: {kind: fraction, numerator: 2, denominator: 3}\n    source: s1\n    locator: para 2\n    quote: \"Two-thirds of survey respondents said it.\"",
    "figure: \"three-quarters\"\n    value: {kind: fraction, numerator: 3, denominator: 4}\n    source: s1\n    locator: para 1\n    quote: \"Almost three-quarters\"",
    "figure: \"72%\"\n    value: {kind: percent, number: 72}\n    source: s1\n    locator: para 1\n    quote: \"Almost three-quarters (72%) said council staff\"",
    "figure: \"2%\"\n    value: {kind: percent, number: 2}\n    source: s1\n    locator: para 1\n    quote: \"only 2% said service users\"",
];

/// Gives the `two-thirds` finding (the findings file's last) the figure `FIGURES[to]`; which one
/// it had.
fn set_figure(site: &Site, to: usize) -> usize {
    let text = site.read(FINDINGS);
    let at = text
        .find("  - id: two-thirds\n")
        .expect("the fixture's last finding");
    let now = (0..FIGURES.len())
        .find(|&i| text[at..].contains(FIGURES[i]))
        .expect("a figure of FIGURES");
    let block = format!(
        "  - id: two-thirds\n    statement: Two thirds.\n    {}\n",
        FIGURES[to]
    );
    site.write(FINDINGS, format!("{}{block}", &text[..at]));
    now
}

fn finding_edit() -> impl Strategy<Value = FindingEdit> {
    prop_oneof![
        any::<u8>().prop_map(FindingEdit::Statement),
        any::<u8>().prop_map(FindingEdit::TwoStatements),
        Just(FindingEdit::Reason),
        Just(FindingEdit::Stance),
        Just(FindingEdit::Figure),
        Just(FindingEdit::FigureKind),
    ]
}

/// Applies `edit` (the `step`th) to the findings file; whether the finding's own page alone may
/// show it.
fn apply_finding_edit(site: &Site, edit: &FindingEdit, step: usize) -> bool {
    let line = |prefix: &str, line: String| {
        set_line(site, FINDINGS, prefix, &line);
    };
    let stance = |kind: &str, reason: &str| {
        let stance = format!("      - {{claim: users-lead, stance: {kind}, reason: \"{reason}\"}}");
        line(
            "- {claim: users-lead, stance: contradicts, reason: \"f",
            stance.clone(),
        );
        line("- {claim: users-lead, stance: mixed, reason: \"f", stance);
    };
    // The stance's kind now, or (`flip`) the other one.
    let kind = |flip: bool| {
        let mixed = site.read(FINDINGS).contains("stance: mixed, reason: \"f");
        if mixed != flip {
            "mixed"
        } else {
            "contradicts"
        }
    };
    match edit {
        FindingEdit::Statement(n) => {
            line(
                "statement: Most said",
                format!("    statement: Most said staff lead ({n})."),
            );
            true
        }
        FindingEdit::TwoStatements(n) => {
            line(
                "statement: Most said",
                format!("    statement: Most said staff lead [{n}]."),
            );
            line(
                "statement: Few said",
                format!("    statement: Few said users lead [{n}]."),
            );
            true
        }
        // Each a change from before: the step is in the reason, and a stance edit turns the kind
        // over (a reason's edit keeps it).
        FindingEdit::Reason => {
            stance(kind(false), &format!("few, {step}"));
            true
        }
        FindingEdit::Stance => {
            stance(kind(true), &format!("few; {step}"));
            true
        }
        // The other figure of the same kind (0 and 1 are fractions, 2 and 3 percentages), or one
        // of the other kind.
        FindingEdit::Figure => {
            let now = set_figure(site, 0);
            set_figure(site, now ^ 1);
            true
        }
        FindingEdit::FigureKind => {
            let now = set_figure(site, 0);
            set_figure(site, (now + 2) % 4);
            false
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, .. ProptestConfig::default() })]

    /// `serve` shows a finding's page as soon as the finding is edited, made from the last
    /// build (`Incremental::quick`), when no check, count or chart reads the change (other pages
    /// that show it wait for the full build). That page must be the one a cold build of the same
    /// files makes; a change that counts (a stance's kind) must wait for the full build. The site has a release and a permalinks manifest, so that the
    /// page's record and dates are worked out for the edited finding too.
    #[test]
    fn an_edited_findings_page_shown_at_once_equals_a_cold_build(
        edits in proptest::collection::vec(finding_edit(), 1..6)
    ) {
        let site = Site::from_fixture("valid");
        ok(&site, &["release", "--date", "2024-05-02"]);
        ok(&site, &["permalinks"]);
        let mut kept = Incremental::new(site.root(), &Environment::default());
        prop_assert!(kept.build().is_ok());
        for (step, e) in edits.iter().enumerate() {
            let alone = apply_finding_edit(&site, e, step);
            let changed = vec![site.path(FINDINGS)];
            kept.reload(Some(&changed));
            let quick = kept.quick();
            prop_assert_eq!(quick.is_some(), alone, "step {} ({:?})", step, e);
            if let (FindingEdit::Statement(_), Some(pages)) = (e, &quick) {
                // One finding reworded (unless to the words it had): its page alone.
                prop_assert!(pages.len() <= 1, "{:?}", pages.iter().map(|p| &p.path).collect::<Vec<_>>());
            }
            let (files, _) = cold(&site).expect("the edited site builds");
            for page in quick.unwrap_or_default() {
                prop_assert!(page.path.starts_with("findings/"), "{}", page.path);
                prop_assert!(
                    files.get(&page.path) == Some(&page.bytes),
                    "step {} ({:?}): {} differs from a cold build's", step, e, page.path
                );
            }
            prop_assert!(kept.build().is_ok());
        }
    }
}

/// A full build stopped by a newer change (as `serve` stops it) leaves the last good build to show
/// edits from: the pages shown at once then hold every edit since, as a cold build makes them; a
/// change other pages show among them means none is shown before the full build.
#[test]
fn edits_across_a_stopped_build_are_all_shown_at_once() {
    let site = Site::from_fixture("valid");
    let mut kept = Incremental::new(site.root(), &Environment::default());
    assert!(kept.build().is_ok());
    let changed = vec![site.path(FINDINGS)];
    apply_finding_edit(&site, &FindingEdit::Statement(1), 0);
    kept.reload(Some(&changed));
    assert!(
        kept.build_unless(&|| true).is_none(),
        "the build was not stopped"
    );
    set_line(
        &site,
        FINDINGS,
        "statement: Few said",
        "    statement: Few said so.",
    );
    kept.reload(Some(&changed));
    let pages = kept.quick().expect("both edits show at once");
    let paths: Vec<&str> = pages.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "findings/staff-lead/index.html",
            "findings/users-two/index.html"
        ]
    );
    let (files, _) = cold(&site).expect("the edited site builds");
    for page in &pages {
        assert!(files.get(&page.path) == Some(&page.bytes), "{}", page.path);
    }
    // A stance's change is shown early with them; a claim's title (which other pages show, and
    // which no page may show before the full build) changed too: nothing is.
    apply_finding_edit(&site, &FindingEdit::Stance, 1);
    kept.reload(Some(&changed));
    assert!(kept.quick().is_some());
    site.edit(
        "content/claims/users-lead.md",
        "title: Users lead planning",
        "title: Users lead the planning",
    );
    kept.reload(Some(&[site.path("content/claims/users-lead.md")]));
    assert!(kept.quick().is_none());
    assert!(kept.build().is_ok());
    assert!(kept.quick().is_none(), "nothing changed since the build");
}

/// A figure a dataset's row names is checked against that row: its edit is not shown before the
/// full build, which here finds the row and the finding disagreeing.
#[test]
fn a_figure_a_dataset_names_waits_for_the_full_build() {
    let site = Site::from_fixture("valid");
    let mut kept = Incremental::new(site.root(), &Environment::default());
    assert!(kept.build().is_ok());
    site.edit(FINDINGS, "figure: \"2%\"", "figure: \"72%\"");
    site.edit(
        FINDINGS,
        "{kind: percent, number: 2}",
        "{kind: percent, number: 72}",
    );
    site.edit(
        FINDINGS,
        "quote: \"only 2% said service users\"",
        "quote: \"Almost three-quarters (72%) said council staff\"",
    );
    kept.reload(Some(&[site.path(FINDINGS)]));
    assert!(kept.quick().is_none(), "users-two is a row of the dataset");
    assert!(kept.build().is_err(), "the dataset's row still says 2");
}

const ABOUT: &str = "content/about.md";

/// A Markdown file of the fixture whose body `serve` shows alone: the file, its page, the word
/// its body starts with, and its title line.
struct Body {
    file: &'static str,
    page: &'static str,
    first_word: &'static str,
    title: &'static str,
}

const BODIES: [Body; 5] = [
    Body {
        file: ABOUT,
        page: "about/index.html",
        first_word: "text",
        title: "title: About",
    },
    Body {
        file: "content/topics/control.md",
        page: "topics/control/index.html",
        first_word: "Body",
        title: "title: Control",
    },
    Body {
        file: "content/claims/users-lead.md",
        page: "claims/users-lead/index.html",
        first_word: "Body",
        title: "title: Users lead planning",
    },
    Body {
        file: "content/sources/s1.md",
        page: "sources/s1/index.html",
        first_word: "A",
        title: "title: Flawed personal budgets",
    },
    Body {
        file: "content/gaps/foi.md",
        page: "gaps/foi/index.html",
        first_word: "Missing",
        title: "title: FOI figures",
    },
];

/// One change to the body or title of a plain page, topic, claim, source or gap, written over the
/// fixture's file.
#[derive(Clone, Debug)]
enum PageEdit {
    /// The body reworded.
    Body(u8),
    /// A link to a finding added to the body (it resolves).
    LinkToFinding,
    /// A figure typed into the body's prose (a warning, which changes no page: shown at once).
    Figure,
    /// A link to a page that does not exist (an error).
    BrokenLink,
    /// A new title, which other pages show.
    Title(u8),
    /// A new heading: an anchor other pages' links may name.
    Heading(u8),
}

fn page_edit() -> impl Strategy<Value = PageEdit> {
    prop_oneof![
        any::<u8>().prop_map(PageEdit::Body),
        Just(PageEdit::LinkToFinding),
        Just(PageEdit::Figure),
        Just(PageEdit::BrokenLink),
        any::<u8>().prop_map(PageEdit::Title),
        any::<u8>().prop_map(PageEdit::Heading),
    ]
}

impl PageEdit {
    /// The file as this edit leaves it (each edit is made to the fixture's file).
    fn text(&self, original: &str, of: &Body) -> String {
        let first = of.first_word;
        let body = |new: &str| original.replacen(&format!("\n{first}"), &format!("\n{new}"), 1);
        match self {
            PageEdit::Body(n) => body(&format!("{first}, reworded ({n})")),
            PageEdit::LinkToFinding => {
                body(&format!("{first}; see [who leads](finding:staff-lead)"))
            }
            PageEdit::Figure => body(&format!("{first}; about 40% of them")),
            PageEdit::BrokenLink => body(&format!("{first}; see [nothing](no-such-page.md)")),
            PageEdit::Title(n) => original.replacen(of.title, &format!("{} {n}", of.title), 1),
            PageEdit::Heading(n) => body(&format!("{first}\n\n## Part {n}\n\nmore")),
        }
    }

    /// Whether the file's own page alone shows the edit (its front matter and anchors as before,
    /// no error).
    fn shown_alone(&self) -> bool {
        matches!(
            self,
            PageEdit::Body(_) | PageEdit::LinkToFinding | PageEdit::Figure
        )
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, .. ProptestConfig::default() })]

    /// `serve` shows a plain page, topic, claim, source or gap as soon as its body is edited, made
    /// from the last build, when nothing but its own page shows the change; the page must be the
    /// one a cold build of the same files makes. A change to what other pages show (the title, a
    /// heading's anchor), or one with an error, waits for the full build.
    #[test]
    fn an_edited_body_shown_at_once_equals_a_cold_build(
        edits in proptest::collection::vec((0..BODIES.len(), page_edit()), 1..6)
    ) {
        let site = Site::from_fixture("valid");
        let originals: Vec<String> = BODIES.iter().map(|b| site.read(b.file)).collect();
        let mut kept = Incremental::new(site.root(), &Environment::default());
        prop_assert!(kept.build().is_ok());
        // Each file as the last build saw it: as in the fixture, or edited.
        let mut as_built: Vec<bool> = vec![true; BODIES.len()];
        // Which files hold a broken link now (the site fails to build while any does).
        let mut broken: Vec<bool> = vec![false; BODIES.len()];
        let mut last_ok = true;
        for (step, (at, e)) in edits.iter().enumerate() {
            let of = &BODIES[*at];
            site.write(of.file, e.text(&originals[*at], of));
            kept.reload(Some(&[site.path(of.file)]));
            let quick = kept.quick();
            // Its shape (front matter, anchors) as built: the fixture's, unless last edited so.
            let expected = e.shown_alone() && as_built[*at] && last_ok;
            prop_assert_eq!(quick.is_some(), expected, "step {} ({} {:?})", step, of.file, e);
            let cold = cold(&site);
            if let Some(pages) = quick {
                let paths: Vec<&str> = pages.iter().map(|p| p.path.as_str()).collect();
                prop_assert_eq!(paths, [of.page]);
                let (files, _) = cold.expect("the edited site builds");
                prop_assert!(
                    files.get(&pages[0].path) == Some(&pages[0].bytes),
                    "step {} ({:?}): {} differs from a cold build's", step, e, of.page
                );
            }
            broken[*at] = matches!(e, PageEdit::BrokenLink);
            last_ok = kept.build().is_ok();
            prop_assert_eq!(last_ok, !broken.contains(&true), "step {}", step);
            as_built[*at] = e.shown_alone();
        }
    }
}

/// Every kind of edit to every kind of file, each from the fixture as built: shown at once exactly
/// when only the file's own page shows it, and then as a cold build makes the page.
#[test]
fn each_edit_to_each_body_is_shown_at_once_exactly_when_alone() {
    let edits = [
        PageEdit::Body(1),
        PageEdit::LinkToFinding,
        PageEdit::Figure,
        PageEdit::BrokenLink,
        PageEdit::Title(1),
        PageEdit::Heading(1),
    ];
    let site = Site::from_fixture("valid");
    let mut kept = Incremental::new(site.root(), &Environment::default());
    assert!(kept.build().is_ok());
    for of in &BODIES {
        let original = site.read(of.file);
        for e in &edits {
            site.write(of.file, e.text(&original, of));
            kept.reload(Some(&[site.path(of.file)]));
            let quick = kept.quick();
            assert_eq!(quick.is_some(), e.shown_alone(), "{} {e:?}", of.file);
            if let Some(pages) = quick {
                let (files, _) = cold(&site).expect("the edited site builds");
                assert_eq!(pages.len(), 1);
                assert!(
                    files.get(of.page) == Some(&pages[0].bytes),
                    "{} {e:?}",
                    of.file
                );
            }
            // Back to the fixture, built, for the next edit.
            site.write(of.file, &original);
            kept.reload(Some(&[site.path(of.file)]));
            assert!(kept.build().is_ok());
        }
    }
}

/// A page's body edit shows at once with the edited text; its title edit does not.
#[test]
fn a_plain_pages_body_edit_is_shown_at_once() {
    let site = Site::from_fixture("valid");
    let original = site.read(ABOUT);
    let mut kept = Incremental::new(site.root(), &Environment::default());
    assert!(kept.build().is_ok());
    site.write(ABOUT, PageEdit::Body(7).text(&original, &BODIES[0]));
    kept.reload(Some(&[site.path(ABOUT)]));
    let pages = kept.quick().expect("a body edit shows at once");
    assert!(String::from_utf8_lossy(&pages[0].bytes).contains("text, reworded (7)"));
    assert!(kept.build().is_ok());
    site.write(ABOUT, PageEdit::Title(7).text(&original, &BODIES[0]));
    kept.reload(Some(&[site.path(ABOUT)]));
    assert!(kept.quick().is_none(), "the tag pages show the title");
}

/// How many pages a `build -v` kept from the last build, and how many the site has.
fn kept(stderr: &str) -> (usize, usize) {
    let line = (stderr.lines())
        .find(|l| l.contains("pages from the last build"))
        .unwrap_or_else(|| panic!("no count of kept pages: {stderr}"));
    let words: Vec<&str> = line.split_whitespace().collect();
    let at = words.iter().position(|w| *w == "kept").expect("kept");
    (
        words[at + 1].parse().unwrap(),
        words[at + 3].parse().unwrap(),
    )
}

/// The site's counts (`site.counts`) change with almost any edit, and count for a page only if its
/// template read them: a finding added makes again the pages that show it or a count of findings
/// (the home page), not every page, whose menu reads only the count of glossary terms; and when a
/// template of the site's own shows the count of findings on every page, every page is made again.
/// A glossary term added makes again only the glossary's page and the plain pages, whose Markdown
/// may link its first use (they are kept by their inputs, the terms among them, not by their HTML).
/// Each rebuild writes what a cold build writes.
#[test]
fn a_finding_added_remakes_only_the_pages_that_read_the_counts_it_changes() {
    let site = Site::from_fixture("valid");
    let base = fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/base.html"),
    )
    .unwrap();
    let rebuild = |what: &str| {
        let run = site.run(&["build", "-v"]);
        assert_eq!(run.code, 0, "{what}: {}", run.stderr);
        ok(&site, &["build", "--no-cache", "--output", "cold"]);
        let (warm, cold) = (site.tree("public"), site.tree("cold"));
        let differ: Vec<&String> = (warm.keys().chain(cold.keys()))
            .filter(|p| warm.get(*p) != cold.get(*p))
            .collect();
        assert!(differ.is_empty(), "{what}: these differ: {differ:?}");
        kept(&run.stderr)
    };
    ok(&site, &["build"]);
    site.write(EXTRA, extra(1));
    let (kept_, pages) = rebuild("a finding added");
    assert!(kept_ > pages / 2, "{kept_} of {pages} kept");
    assert!(
        kept_ < pages - 2,
        "the new finding's page, the home page and more made"
    );
    site.write(
        "templates/base.html",
        base.replace(
            "</footer>",
            "<p>{{ site.counts.findings }} findings</p></footer>",
        ),
    );
    ok(&site, &["build"]);
    site.write(
        EXTRA,
        extra(1).replace("extra-1", "extra-1\n  - id: extra-2"),
    );
    site.write(EXTRA, format!("{}{}", extra(1), &extra(2)[10..]));
    let (kept_, _) = rebuild("a finding added, its count on every page");
    assert_eq!(kept_, 0, "every page shows the count");
    // The menu links to the glossary by its URL, not its count of terms: a glossary added makes
    // every page again (their menus gain the link), a term added only the glossary's page.
    fs::remove_file(site.path("templates/base.html")).unwrap();
    let term = |t: &str| format!("  - term: {t}\n    definition: \"A word for {t}.\"\n");
    site.write(
        "data/glossary.yaml",
        format!("terms:\n{}", term("zebra budget")),
    );
    let (kept_, _) = rebuild("a glossary added");
    assert_eq!(kept_, 0, "every menu links to the glossary");
    let glossary = format!("terms:\n{}{}", term("zebra budget"), term("yak plan"));
    site.write("data/glossary.yaml", glossary);
    let (kept_, pages) = rebuild("a term added");
    assert_eq!(
        kept_,
        pages - 3,
        "only the glossary's page and the two plain pages (index.md, about.md) made again"
    );
}

/// A rebuild into the same folder keeps the pages whose contexts did not change, and writes what a
/// cold build writes, after edits to a finding (its statement, then its locator), a source (its
/// title, then a field only citations show), a claim, the site's title and a template.
#[test]
fn a_rebuild_keeps_the_pages_nothing_changed_and_equals_a_cold_build() {
    let site = Site::from_fixture("valid");
    ok(&site, &["build"]);
    let run = site.run(&["build", "-v"]);
    let (all_kept, pages) = kept(&run.stderr);
    assert!(pages > 10, "{}", run.stderr);
    assert_eq!(all_kept, pages, "an unchanged site keeps every page");
    let template = fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/finding.html"),
    )
    .unwrap();
    let topic = fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/topic.html"),
    )
    .unwrap();
    type Edit = Box<dyn Fn(&Site)>;
    let edits: Vec<(&str, Edit)> = vec![
        (
            "a finding's statement",
            Box::new(|s: &Site| {
                s.edit(
                    "data/findings/s1.yaml",
                    "statement: Most said staff lead.",
                    "statement: Most said that staff lead.",
                )
            }),
        ),
        (
            "a source's title",
            Box::new(|s: &Site| {
                s.edit(
                    "content/sources/s1.md",
                    "title: Flawed personal budgets",
                    "title: Flawed budgets",
                )
            }),
        ),
        (
            // Only citations show it: a finding's page is kept by its inputs, which must count
            // its source's record.
            "a source's container title",
            Box::new(|s: &Site| {
                s.edit(
                    "content/sources/s1.md",
                    "container_title: Community Care",
                    "container_title: Community Care Weekly",
                )
            }),
        ),
        (
            "a finding's locator",
            Box::new(|s: &Site| {
                s.edit(
                    "data/findings/s1.yaml",
                    "locator: para 2",
                    "locator: paragraph 2",
                )
            }),
        ),
        (
            // A plain page is kept by its inputs, which must count its Markdown's text itself:
            // its links, headings and figures are as they were.
            "a plain page's prose alone",
            Box::new(|s: &Site| s.edit("content/about.md", "text", "other text")),
        ),
        (
            "a plain page printing a finding's figure",
            Box::new(|s: &Site| {
                s.edit(
                    "content/about.md",
                    "other text",
                    "[](figure:two-thirds) of them",
                )
            }),
        ),
        (
            // The page's text is as it was; the figure it prints is not.
            "the figure it prints",
            Box::new(|s: &Site| {
                let text = s.read(FINDINGS);
                let at = text.find("  - id: two-thirds\n").expect("the last finding");
                let block = format!(
                    "  - id: two-thirds\n    statement: Two thirds.\n    {}\n",
                    FIGURES[1]
                );
                s.write(FINDINGS, format!("{}{block}", &text[..at]));
            }),
        ),
        (
            "a claim's title",
            Box::new(|s: &Site| {
                let claim = s.read("content/claims/users-lead.md");
                let title = claim.lines().find(|l| l.starts_with("title:")).unwrap();
                s.edit(
                    "content/claims/users-lead.md",
                    title,
                    &format!("{title} (edited)"),
                )
            }),
        ),
        (
            // A topic's page is kept by its inputs, which must count the topic's own view.
            "a topic's question",
            Box::new(|s: &Site| {
                s.edit(
                    "content/topics/control.md",
                    "question: Do users get control?",
                    "question: Do users get real control?",
                )
            }),
        ),
        (
            // `findings` is in a topic page's context for a theme's own use; shown there, a
            // finding's edit must reach the topic's page, though a claim's view does not hold it.
            "a finding's statement, shown by a topic template of the site's own",
            Box::new(move |s: &Site| {
                s.write(
                    "templates/topic.html",
                    topic.replace(
                        "{% endblock %}",
                        "{% for id, f in findings|items %}<p>{{ f.statement }}</p>{% endfor %}{% endblock %}",
                    ),
                );
                ok(s, &["build"]);
                s.edit(
                    "data/findings/s1.yaml",
                    "Few said users lead.",
                    "Few said that users lead.",
                );
            }),
        ),
        (
            "the site's title",
            Box::new(|s: &Site| s.edit("site.yaml", "title: Fixture evidence", "title: Fixture")),
        ),
        (
            "a template of the site's own",
            Box::new(move |s: &Site| {
                s.write(
                    "templates/finding.html",
                    template.replace("<figure id=\"quote\"", "<figure data-own id=\"quote\""),
                )
            }),
        ),
    ];
    for (what, edit) in &edits {
        edit(&site);
        let run = site.run(&["build", "-v"]);
        assert_eq!(run.code, 0, "{what}: {}", run.stderr);
        let (kept, pages) = kept(&run.stderr);
        assert!(kept < pages, "{what}: every page kept");
        ok(&site, &["build", "--no-cache", "--output", "cold"]);
        assert_eq!(site.tree("public"), site.tree("cold"), "{what}");
    }
    let finding = site.tree("public")["findings/staff-lead/index.html"].clone();
    assert!(String::from_utf8(finding).unwrap().contains("data-own"));
    // A page changed by hand in the output folder is made again, not kept.
    let good = site.tree("public");
    site.write("public/findings/staff-lead/index.html", "changed by hand");
    let run = site.run(&["build", "-v"]);
    assert_eq!(kept(&run.stderr).0, pages_of(&run.stderr) - 1);
    assert_eq!(site.tree("public"), good);
}

/// How many pages a rebuild remakes after `file`'s `from` is edited to `to`; the rebuild must
/// equal a cold build.
fn remade_by(site: &Site, file: &str, from: &str, to: &str) -> usize {
    site.edit(file, from, to);
    let run = site.run(&["build", "-v"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    ok(site, &["build", "--no-cache", "--output", "cold"]);
    assert_eq!(site.tree("public"), site.tree("cold"));
    let (kept, pages) = kept(&run.stderr);
    pages - kept
}

/// Gives the site a template of its own: the default theme's `name` with `added` at the end of
/// its main block; then builds it.
fn with_own_template(site: &Site, name: &str, added: &str) {
    let default = fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("themes/default/templates")
            .join(name),
    )
    .unwrap();
    let own = default.replace("{% endblock %}", &format!("{added}{{% endblock %}}"));
    site.write(&format!("templates/{name}"), own);
    ok(site, &["build"]);
}

/// A topic's page holds every finding in its context (`findings`, for a theme's own use), which
/// the default template does not read: a finding's edit leaves the topics' pages as they are,
/// unless the site's own template reads it, when the edit remakes them (and the rebuild still
/// equals a cold build).
#[test]
fn a_finding_edit_remakes_the_topic_pages_only_where_their_template_reads_findings() {
    let site = Site::from_fixture("valid");
    ok(&site, &["build"]);
    let remade = |from: &str, to: &str| remade_by(&site, "data/findings/s1.yaml", from, to);
    let default = remade("Few said users lead.", "Few said that users lead.");
    with_own_template(
        &site,
        "topic.html",
        "{% if findings %}<p>Findings.</p>{% endif %}",
    );
    let own = remade("Few said that users lead.", "Few said users lead.");
    let topics = (site.tree("public").keys())
        .filter(|p| {
            p.starts_with("topics/") && p.ends_with("/index.html") && *p != "topics/index.html"
        })
        .count();
    assert_eq!(topics, 1);
    assert_eq!(own, default + topics, "default theme: {default} remade");
}

/// A plain page's context holds the shared lists (of pages, tags, findings…) for a theme's own
/// use, which the default page template does not read: one page's title edited remakes that page
/// and the pages that list it, not every plain page; unless the site's own page template reads the
/// list of pages, when the edit remakes every plain page (and each rebuild still equals a cold
/// build).
#[test]
fn a_page_title_edit_remakes_the_other_plain_pages_only_where_their_template_reads_the_pages() {
    let site = Site::from_fixture("valid");
    let plain = 6;
    for n in 1..plain {
        site.write(
            &format!("content/guides/g{n}.md"),
            format!("---\ntitle: Guide {n}\n---\n\nGuide {n}'s text.\n"),
        );
    }
    ok(&site, &["build"]);
    let remade = |from: &str, to: &str| remade_by(&site, "content/guides/g1.md", from, to);
    let default = remade("title: Guide 1", "title: Guide one");
    with_own_template(
        &site,
        "page.html",
        "<p>{% for p in pages %}{{ p.title }}; {% endfor %}</p>",
    );
    let own = remade("title: Guide one", "title: Guide 1");
    let pages = (site.tree("public").into_keys())
        .filter(|p| (p.starts_with("guides/") || p.starts_with("about/")) && p.ends_with(".html"))
        .count();
    assert_eq!(pages, plain, "the plain pages but the home page");
    assert_eq!(own, default + plain - 1, "default theme: {default} remade");
}

/// A page the site no longer has is deleted from the output folder, and so are the folders that
/// leaves empty; folders that still hold files stay. So are files put there by hand: the output
/// folder holds what a cold build writes, nothing else.
#[test]
fn a_rebuild_deletes_a_gone_page_and_the_folders_it_leaves_empty() {
    let site = Site::from_fixture("valid");
    site.write(
        "content/guides/deep/page.md",
        "---\ntitle: Deep\n---\n\nA page.\n",
    );
    site.write(
        "content/guides/other.md",
        "---\ntitle: Other\n---\n\nA page.\n",
    );
    ok(&site, &["build"]);
    assert!(site.path("public/guides/deep/page/index.html").exists());
    fs::remove_file(site.path("content/guides/deep/page.md")).unwrap();
    ok(&site, &["build"]);
    assert!(!site.path("public/guides/deep").exists());
    assert!(site.path("public/guides/other/index.html").exists());
    site.write("public/stray.txt", "put here by hand");
    site.write("public/by-hand/deep/stray.txt", "put here by hand");
    ok(&site, &["build"]);
    assert!(!site.path("public/stray.txt").exists());
    assert!(!site.path("public/by-hand").exists());
    fs::remove_file(site.path("content/guides/other.md")).unwrap();
    ok(&site, &["build"]);
    assert!(!site.path("public/guides").exists());
    assert!(site.path("public/findings").is_dir());
}

fn pages_of(stderr: &str) -> usize {
    kept(stderr).1
}

/// How many pages the build cache records a stamp for (a page read back once it was old enough).
fn stamped(site: &Site) -> usize {
    // The cache's shape (`render::kept::PageCache`): the stamp, then each page's path, key,
    // fingerprint, stamp, the site's counts its template read and its job's unread values read.
    type Pages = (u128, Vec<(String, u128, u128, Option<u64>, u64, u64)>);
    let bytes = fs::read(site.path(".evident-cache/pages.bin")).unwrap();
    let (_, pages): Pages = bincode::deserialize(&bytes).expect("the cache reads back");
    pages
        .iter()
        .filter(|(.., stamp, _, _)| stamp.is_some())
        .count()
}

/// A page kept from the last build is known by its file's stamp (length and modification time)
/// once that file is old enough to trust it, and read back only if the
/// stamp changed. A file rewritten by hand, even to the same length, is made again.
#[test]
fn a_kept_page_is_known_by_its_stamp_and_a_page_written_since_is_made_again() {
    let site = Site::from_fixture("valid");
    ok(&site, &["build"]);
    let cold = site.tree("public");
    // Files written within the last two seconds have no stamp yet: they are read back.
    let run = site.run(&["build", "-v"]);
    let (kept_now, pages) = kept(&run.stderr);
    assert_eq!(kept_now, pages);
    std::thread::sleep(std::time::Duration::from_millis(2100));
    ok(&site, &["build"]);
    assert_eq!(stamped(&site), pages, "each page read back is stamped");
    // Known by their stamps now, every page is kept, and the output is as it was.
    let run = site.run(&["build", "-v"]);
    assert_eq!(kept(&run.stderr).0, pages);
    assert_eq!(stamped(&site), pages);
    assert_eq!(site.tree("public"), cold);
    // Rewritten to the same length: the stamp changed, so it is read, found changed, made again.
    let page = "public/findings/staff-lead/index.html";
    let html = site.read(page);
    let same_length = html.replacen("<p", "<q", 1);
    assert_eq!(same_length.len(), html.len());
    assert_ne!(same_length, html);
    site.write(page, &same_length);
    let run = site.run(&["build", "-v"]);
    assert_eq!(kept(&run.stderr).0, pages - 1);
    assert_eq!(site.tree("public"), cold);
    // The output's folders, settled too, are recorded by their stamps, and those unchanged are
    // not read again; a file put into one since changes its stamp, so it is read and the file
    // found and deleted.
    let folders = site.read(".evident-cache/folders.txt");
    let recorded = |f: &str| folders.lines().any(|l| l.ends_with(&format!(" {f}")));
    assert!(recorded("findings/two-thirds"), "{folders}");
    site.write("public/findings/two-thirds/stray.txt", "put here by hand");
    site.write("public/findings/new-folder/stray.txt", "put here by hand");
    ok(&site, &["build"]);
    assert_eq!(site.tree("public"), cold);
}

/// What a CI run that restores the build cache and the last output together (as the example
/// workflow's `actions/cache` of `.evident-cache` and `public` does) finds, when the copy gives
/// every file a new time (as `cp -r` does), at another path: no recorded stamp holds. The pages
/// nothing changed are kept all the same, each read back and checked, and the output equals a
/// cold build.
#[test]
fn a_checkout_with_the_cache_and_the_output_restored_keeps_pages_and_equals_a_cold_build() {
    let ci = built_and_restored(copy_dir);
    edit_and_rebuild(&ci);
    assert_eq!(ci.tree("public"), ci.tree("cold"));
}

/// The fixture built twice, far enough apart for its pages to be stamped, then copied by `copy`
/// into a new folder, as a CI run's checkout and cache restore leave it.
fn built_and_restored(copy: fn(&Path, &Path)) -> Site {
    let site = Site::from_fixture("valid");
    ok(&site, &["build"]);
    std::thread::sleep(std::time::Duration::from_millis(2100));
    ok(&site, &["build"]);
    assert!(stamped(&site) > 0);
    let ci = Site {
        dir: tempfile::tempdir().expect("temp dir"),
    };
    copy(site.root(), ci.root());
    ci
}

/// A finding of the restored copy edited and the copy rebuilt in place (some pages kept, not
/// all), then built cold into `cold`.
fn edit_and_rebuild(ci: &Site) {
    ci.edit(
        "data/findings/s1.yaml",
        "statement: Most said staff lead.",
        "statement: Most said that staff lead.",
    );
    let run = ci.run(&["build", "-v"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (kept, pages) = kept(&run.stderr);
    assert!(kept > pages / 2 && kept < pages, "{kept} of {pages} kept");
    ok(ci, &["build", "--no-cache", "--output", "cold"]);
}

/// What the example workflow's `actions/cache` restores: the build cache and the output copied by
/// `tar`, with new inodes and status-change times but their modification times kept. The stamps
/// recorded still hold, so kept pages are known by them and not read back: a page changed since,
/// its time then set back to the one recorded (what only a deliberate `touch -r` does), is left
/// as it is, while a page whose time moved is read, found changed and made again. The edited
/// finding's pages are made; all else equals a cold build.
#[test]
fn a_restore_that_keeps_modification_times_knows_kept_pages_by_their_stamps() {
    let ci = built_and_restored(copy_dir_keeping_times);
    let same_length = |html: &str| {
        let changed = html.replacen("<p", "<q", 1);
        assert!(changed.len() == html.len() && changed != html);
        changed
    };
    let (forged, moved) = (
        "public/gaps/foi/index.html",
        "public/datasets/survey/index.html",
    );
    let forged_html = ci.read(forged);
    let time = fs::metadata(ci.path(forged)).unwrap().modified().unwrap();
    ci.write(forged, same_length(&forged_html));
    set_modified(&ci.path(forged), time);
    ci.write(moved, same_length(&ci.read(moved)));
    edit_and_rebuild(&ci);
    let (mut restored, mut cold) = (ci.tree("public"), ci.tree("cold"));
    let rel = forged.strip_prefix("public/").unwrap();
    let forged_now = restored.remove(rel).expect("the forged page is there");
    assert_eq!(
        forged_now,
        same_length(&forged_html).into_bytes(),
        "not read back"
    );
    assert_eq!(cold.remove(rel), Some(forged_html.into_bytes()));
    assert_eq!(restored, cold, "the page whose time moved is made again");
}

/// The fixture's findings, and a second findings file with one finding that takes a stance.
fn with_second_findings_file(site: &Site, n: u8) {
    let stance =
        "    stances:\n      - {claim: users-lead, stance: context, reason: \"another\"}\n";
    site.write(EXTRA, extra(n) + stance);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, .. ProptestConfig::default() })]

    /// `build` into the same folder from its cache, after any sequence of edits, renames,
    /// deletions and broken states, writes what a cold build of the same files writes, whichever
    /// pages it kept, files it parsed afresh and checks it remembered; or fails as the cold build
    /// does, leaving the last good site as it was. A second findings file, which most edits leave
    /// alone, is there from the start.
    #[test]
    fn a_build_in_place_after_any_edits_equals_a_cold_build(
        edits in proptest::collection::vec(edit(), 1..6)
    ) {
        let site = Site::from_fixture("valid");
        let original = site.read(FINDINGS);
        with_second_findings_file(&site, 0);
        ok(&site, &["build"]);
        let mut last_good = site.tree("public");
        for (step, e) in edits.iter().enumerate() {
            apply(&site, e, &original);
            let warm = site.run(&["build"]);
            let cold = site.run(&["build", "--no-cache", "--output", "cold"]);
            prop_assert_eq!(warm.code, cold.code, "step {} ({:?}): {}", step, e, warm.stderr);
            let public = site.tree("public");
            if warm.code == 0 {
                prop_assert!(public == site.tree("cold"), "step {} ({:?}): the files differ", step, e);
                last_good = public;
            } else {
                // A failed build leaves the last good site as it was.
                prop_assert!(public == last_good, "step {} ({:?}): a failed build wrote", step, e);
            }
        }
    }
}
