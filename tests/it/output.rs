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

#[test]
fn a_file_handed_over_in_parts_is_written_whole() {
    use evident::layout::OutputFile;
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("public");
    let part = |path: &str, bytes: &str, more| OutputFile {
        more,
        ..OutputFile::new(path, bytes.as_bytes().to_vec())
    };
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
