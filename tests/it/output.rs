//! Output is deterministic and atomic, and evident never writes or deletes outside its output.

use std::fs;

use crate::support::{tree, Site};

#[test]
fn two_clones_at_different_paths_build_byte_identical_sites() {
    let a = Site::from_fixture("valid");
    let b = Site::from_fixture("valid");
    assert_ne!(a.root(), b.root());
    assert_eq!(a.run(&["build"]).code, 0);
    assert_eq!(b.run_env(&["build"], &[("RAYON_NUM_THREADS", "1")]).code, 0);
    let (ta, tb) = (a.tree("public"), b.tree("public"));
    assert!(ta.len() > 20);
    assert_eq!(ta, tb);
}

#[test]
fn source_date_epoch_sets_the_date_when_site_yaml_has_none() {
    let site = Site::from_fixture("valid");
    site.edit("site.yaml", "date: \"2024-05-01\"\n", "");
    assert_eq!(
        site.run_env(&["build"], &[("SOURCE_DATE_EPOCH", "1700000000")])
            .code,
        0
    );
    let json = site.read("public/evidence.json");
    assert!(json.contains("\"date\": \"2023-11-14\""), "{json}");
    let first = site.tree("public");
    assert_eq!(
        site.run_env(&["build"], &[("SOURCE_DATE_EPOCH", "1700000000")])
            .code,
        0
    );
    assert_eq!(site.tree("public"), first);
}

#[test]
fn a_failed_build_leaves_the_last_good_site_untouched() {
    let site = Site::from_fixture("valid");
    assert_eq!(site.run(&["build"]).code, 0);
    let good = site.tree("public");
    site.edit(
        "data/findings/s1.yaml",
        "quote: \"only 2% said",
        "quote: \"only 3% said",
    );
    let run = site.run(&["build"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("public left as it was"),
        "{}",
        run.stderr
    );
    assert_eq!(site.tree("public"), good);
    // No temporary folder is left beside it (the build cache the good build kept is no leftover).
    let leftovers: Vec<_> = fs::read_dir(site.root())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| {
            let name = e.file_name().to_string_lossy().to_string();
            name.contains("evident-") && name != ".evident-cache"
        })
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_good_build_replaces_stale_files() {
    let site = Site::from_fixture("valid");
    assert_eq!(site.run(&["build"]).code, 0);
    fs::remove_file(site.path("content/about.md")).unwrap();
    site.edit("content/index.md", "[the method](about.md#method), ", "");
    assert_eq!(site.run(&["build"]).code, 0);
    assert!(!site.path("public/about/index.html").exists());
}

#[test]
fn output_may_not_be_the_site_or_contain_it_or_sit_inside_its_inputs() {
    let site = Site::from_fixture("valid");
    let before = site.tree("");
    for out in [".", "..", "content/public", "data/out", "static/x"] {
        let run = site.run(&["build", "--output", out]);
        assert_eq!(run.code, 2, "--output {out}: {}", run.stderr);
        assert!(run.stderr.contains("error[bad-output]"), "{}", run.stderr);
    }
    assert_eq!(site.tree(""), before, "nothing was written or removed");
}

#[test]
fn a_folder_evident_did_not_write_is_never_replaced() {
    let site = Site::from_fixture("valid");
    site.write("mine/keep.txt", "precious");
    let run = site.run(&["build", "--output", "mine"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("error[output-not-evident]"),
        "{}",
        run.stderr
    );
    assert_eq!(site.read("mine/keep.txt"), "precious");
    // An empty folder, or one evident wrote before, is fine.
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("site");
    let target_s = target.to_string_lossy().into_owned();
    assert_eq!(site.run(&["build", "--output", &target_s]).code, 0);
    assert_eq!(site.run(&["build", "--output", &target_s]).code, 0);
    assert!(tree(&target).contains_key("index.html"));
}

/// A file (`more`: a later part of one) as a stage hands it to the write stage.
fn part(path: &str, bytes: &str, more: bool) -> evident::layout::OutputFile {
    evident::layout::OutputFile {
        more,
        ..evident::layout::OutputFile::new(path, bytes.as_bytes().to_vec())
    }
}

#[test]
fn a_file_handed_over_in_parts_is_written_whole() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("public");
    let written = evident::write::write(
        &out,
        &["evidence.json", "index.html"],
        |sink| {
            sink(part("evidence.json", "{\"a\": ", false))?;
            sink(part("index.html", "<p>hi</p>", false))?;
            sink(part("evidence.json", "[1, 2]", true))?;
            sink(part("evidence.json", "}\n", true))?;
            Ok(Vec::new())
        },
        |_| false,
    )
    .expect("written");
    assert!(written.written);
    assert_eq!(
        fs::read_to_string(out.join("evidence.json")).unwrap(),
        "{\"a\": [1, 2]}\n"
    );
    assert_eq!(
        fs::read_to_string(out.join("index.html")).unwrap(),
        "<p>hi</p>"
    );
}

fn inode(path: &std::path::Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    fs::metadata(path).expect("the file is there").ino()
}

/// Files beside the output folder that a build left (its temporary folders).
fn leftovers(dir: &std::path::Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|name| name.contains("evident-") && name != ".evident-cache")
        .collect()
}

#[test]
fn a_rebuild_rewrites_only_the_files_that_changed_and_equals_a_fresh_build() {
    let site = Site::from_fixture("valid");
    assert_eq!(site.run(&["build"]).code, 0);
    let css = inode(&site.path("public/site.css"));
    site.edit(
        "data/findings/s1.yaml",
        "statement: Most said staff lead.",
        "statement: Most said that staff lead.",
    );
    assert_eq!(site.run(&["build"]).code, 0);
    // The stylesheet did not change, so it was left where it was; the edited finding's page was
    // written again.
    assert_eq!(inode(&site.path("public/site.css")), css);
    let tree = site.tree("public");
    let edited = tree
        .iter()
        .filter(|(path, bytes)| {
            path.starts_with("findings/")
                && String::from_utf8_lossy(bytes).contains("Most said that staff lead.")
        })
        .count();
    assert!(edited > 0, "no finding page shows the edit");
    assert_eq!(
        site.run(&["build", "--no-cache", "--output", "fresh"]).code,
        0
    );
    assert_eq!(tree, site.tree("fresh"));
    assert!(
        leftovers(site.root()).is_empty(),
        "{:?}",
        leftovers(site.root())
    );
}

#[test]
fn an_update_cut_short_is_followed_by_a_whole_build() {
    let site = Site::from_fixture("valid");
    assert_eq!(site.run(&["build"]).code, 0);
    let good = site.tree("public");
    let index = inode(&site.path("public/index.html"));
    // As an update in place leaves the folder when it stops while moving files in.
    site.write("public/.evident-updating", "");
    site.write("public/site.css", "half");
    assert_eq!(site.run(&["build"]).code, 0);
    // Every file was written afresh, even those an update would have kept.
    assert_ne!(
        inode(&site.path("public/index.html")),
        index,
        "updated in place"
    );
    assert!(!site.path("public/.evident-updating").exists());
    assert_eq!(site.tree("public"), good);
}

#[test]
fn an_update_in_place_keeps_what_is_the_same_and_parts_whole() {
    use evident::layout::OutputFile;
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("public");
    let build = |files: Vec<OutputFile>, fail: bool| {
        let paths: Vec<String> = files.iter().map(|f| f.path.clone()).collect();
        let paths: Vec<&str> = paths.iter().map(String::as_str).collect();
        evident::write::write(
            &out,
            &paths,
            |sink| {
                for f in files {
                    sink(f)?;
                }
                Ok(Vec::new())
            },
            |_| fail,
        )
        .expect("no error")
        .written
    };
    let first = vec![
        part("index.html", "<p>hi</p>", false),
        part("grows.json", "head", false),
        part("changes.json", "x1", false),
        part("changes.json", "x2", true),
        part("old/page.html", "gone soon", false),
    ];
    assert!(build(first, false));
    let index = inode(&out.join("index.html"));
    let second = vec![
        part("index.html", "<p>hi</p>", false),
        // Its first part is the whole of the file there.
        part("grows.json", "head", false),
        part("grows.json", "+tail", true),
        part("changes.json", "x1", false),
        part("changes.json", "x3", true),
        part("new/page.html", "new", false),
    ];
    assert!(build(second, false));
    let tree = tree(&out);
    let files: Vec<(&str, &str)> = (tree.iter())
        .map(|(p, b)| (p.as_str(), std::str::from_utf8(b).unwrap()))
        .collect();
    assert_eq!(
        files,
        [
            (".evident-output", ""),
            ("changes.json", "x1x3"),
            ("grows.json", "head+tail"),
            ("index.html", "<p>hi</p>"),
            ("new/page.html", "new"),
        ]
    );
    assert_eq!(inode(&out.join("index.html")), index);
    assert!(!out.join("old").exists(), "an emptied folder is left");
    // A build that fails changes nothing, and leaves nothing beside the folder.
    assert!(!build(vec![part("index.html", "<p>bye</p>", false)], true));
    assert_eq!(crate::support::tree(&out), tree);
    assert!(
        leftovers(dir.path()).is_empty(),
        "{:?}",
        leftovers(dir.path())
    );
}

/// A kept page handed over without its bytes (known by its file's stamp, for an update in place)
/// is still written whole when the folder must be built anew instead: here an update was cut
/// short, so the next build makes a new folder, and the page is copied from the old one.
#[test]
fn a_kept_page_not_read_is_copied_when_the_folder_is_built_anew() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("public");
    let first = |sink: &evident::layout::Sink| {
        sink(part("a/index.html", "<p>kept</p>", false))?;
        Ok(Vec::new())
    };
    assert!(
        evident::write::write(&out, &["a/index.html"], first, |_| false)
            .unwrap()
            .written
    );
    assert!(evident::write::updates_in_place(&out));
    fs::write(out.join(".evident-updating"), b"").unwrap();
    assert!(!evident::write::updates_in_place(&out));
    let second = |sink: &evident::layout::Sink| {
        sink(evident::layout::OutputFile::unchanged(
            "a/index.html",
            Vec::new(),
        ))?;
        sink(part("b.html", "<p>new</p>", false))?;
        Ok(Vec::new())
    };
    let paths = ["a/index.html", "b.html"];
    assert!(
        evident::write::write(&out, &paths, second, |_| false)
            .unwrap()
            .written
    );
    assert_eq!(
        fs::read_to_string(out.join("a/index.html")).unwrap(),
        "<p>kept</p>"
    );
    assert_eq!(
        fs::read_to_string(out.join("b.html")).unwrap(),
        "<p>new</p>"
    );
    assert!(!out.join(".evident-updating").exists());
}
