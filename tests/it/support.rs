//! Helpers: copy a fixture into a fresh temporary folder, run evident in it, and read the result.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// A site copied from a fixture into its own temporary folder.
pub struct Site {
    pub dir: tempfile::TempDir,
}

impl Site {
    pub fn from_fixture(name: &str) -> Site {
        let dir = tempfile::tempdir().expect("temp dir");
        copy_dir(&fixture(name), dir.path());
        Site { dir }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) {
        let p = self.path(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, contents).unwrap();
    }

    pub fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("reading {rel}: {e}"))
    }

    /// Replaces the first `from` in `rel` with `to`, failing if `from` is not there.
    pub fn edit(&self, rel: &str, from: &str, to: &str) {
        let text = self.read(rel);
        assert!(text.contains(from), "{rel} does not contain {from:?}");
        self.write(rel, text.replacen(from, to, 1));
    }

    pub fn run(&self, args: &[&str]) -> Run {
        self.run_env(args, &[])
    }

    pub fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut cmd = Command::cargo_bin("evident").unwrap();
        cmd.current_dir(self.root())
            .env("NO_COLOR", "1")
            .env_remove("SOURCE_DATE_EPOCH")
            .args(args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().expect("run evident");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: normalise(&String::from_utf8_lossy(&out.stderr), self.root()),
        }
    }

    /// Every file under `rel` with its bytes, for byte-for-byte comparisons.
    pub fn tree(&self, rel: &str) -> BTreeMap<String, Vec<u8>> {
        tree(&self.path(rel))
    }
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Asserts that no thread panicked: a panic is never an acceptable answer to bad input.
    pub fn no_panic(&self) -> &Self {
        assert!(
            !self.stderr.contains("panicked") && !self.stderr.contains("RUST_BACKTRACE"),
            "evident panicked:\n{}",
            self.stderr
        );
        self
    }
}

/// The timing in the summary line and the temporary folder vary between runs.
fn normalise(stderr: &str, root: &Path) -> String {
    let text = stderr.replace(&root.display().to_string(), "[ROOT]");
    text.lines()
        .map(mask_seconds)
        .collect::<Vec<_>>()
        .join("\n")
}

/// "... in 0.02 s; ..." becomes "... in [T] s; ...".
fn mask_seconds(line: &str) -> String {
    let words: Vec<&str> = line.split(' ').collect();
    let masked: Vec<&str> = words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let timed = i > 0
                && words[i - 1] == "in"
                && words.get(i + 1).is_some_and(|n| n.starts_with('s'))
                && w.parse::<f64>().is_ok();
            if timed {
                "[T]"
            } else {
                w
            }
        })
        .collect();
    masked.join(" ")
}

pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// [`copy_dir`] keeping each file's and folder's modification time, as `tar` (and so a CI cache
/// such as `actions/cache`) restores them: the same bytes and times, new inodes and status-change
/// times.
pub fn copy_dir_keeping_times(from: &Path, to: &Path) {
    copy_dir(from, to);
    // Deepest first: setting a folder's time is undone by writing into it afterwards.
    for entry in walkdir::WalkDir::new(from).contents_first(true) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        set_modified(&to.join(rel), entry.metadata().unwrap().modified().unwrap());
    }
}

/// Sets the modification time of the file or folder at `path`.
pub fn set_modified(path: &Path, time: std::time::SystemTime) {
    let file = fs::File::open(path).unwrap_or_else(|e| panic!("opening {path:?}: {e}"));
    file.set_modified(time)
        .unwrap_or_else(|e| panic!("setting the time of {path:?}: {e}"));
}

pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    if !dir.exists() {
        return out;
    }
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(dir).unwrap();
            out.insert(
                rel.to_string_lossy().replace('\\', "/"),
                fs::read(entry.path()).unwrap(),
            );
        }
    }
    out
}
