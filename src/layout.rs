//! The shape of a site on disk and of its output: the folders evident reads, the files it knows by
//! name, the node folders, the files every build generates besides pages, and [`OutputFile`], one
//! file of the built site. Every stage that needs one of these names takes it from here.

use std::path::Path;

use crate::diagnostic::Diagnostic;

/// The site's settings file, at the root.
pub const CONFIG: &str = "site.yaml";

/// The glossary, which `evident new term` creates or extends.
pub const GLOSSARY: &str = "data/glossary.yaml";

/// The committed list of every URL the site has published (see `permalinks.rs`).
pub const MANIFEST: &str = "permalinks.txt";

/// Where `evident check --external` keeps what it found, in the cache folder, so that a run
/// within `external.cache_hours` of the last does not request the same addresses again.
pub const LINK_CACHE: &str = "links.json";
/// The cache folder below the site's root (`build --cache` may name another for citations).
pub const CACHE_DIR: &str = ".evident-cache";
/// Formatted citations, in the cache folder.
pub const CITE_CACHE: &str = "citations.bin";
/// What the last build recorded of its pages (their contexts' and files' fingerprints), in the
/// cache folder, so that the next keeps those whose contexts have not changed.
pub const PAGE_CACHE: &str = "pages.bin";
/// The records of the findings and Markdown files the last build parsed, by the hash of each file's
/// text, in the cache folder, so that the next parses only the files that changed.
pub const PARSE_CACHE: &str = "parsed.bin";
/// The output folder's folders as the last update in place read them, each by its stamp, in the
/// cache folder, so that the next reads only the folders that changed.
pub const FOLDER_CACHE: &str = "folders.txt";
/// Files older versions of evident kept in the cache folder, which none reads now.
pub const RETIRED_CACHES: &[&str] = &["parsed.txt", "pages.json", "citations.json", "checks.json"];
/// The quote checks that passed in the last build, each by a fingerprint of all it read, in the
/// cache folder, so that the next makes only the checks whose inputs changed.
pub const CHECK_CACHE: &str = "checks.bin";

/// The folder of archived source texts, which quotes are checked against and which is never
/// published; `evident archive add` writes a source's text to `archive/<id>.txt`.
pub const ARCHIVE_FOLDER: &str = "archive";

/// The text `evident new source` leaves in a source's archive, which `evident archive add`
/// replaces without `--force` (it is no one's archived text).
pub const ARCHIVE_STUB: &str = "Paste the full text of the source here.\n";

/// The archived text of source `id`, e.g. `archive/report-2024.txt`.
pub fn archive_file(id: &str) -> String {
    format!("{ARCHIVE_FOLDER}/{id}.txt")
}

/// The line that starts a page of an archived text: `[[page 63]]`, where the label is the page's
/// own number (its printed label when the PDF has one, else its 1-based index). `evident archive
/// add` writes one before each page of a PDF, and a maintainer may type them into a plain-text
/// archive too; the quote check reads them with [`parse_page_marker`].
pub fn page_marker(label: &str) -> String {
    format!("[[page {label}]]")
}

/// The label of a page marker line (`[[page 63]]` → `63`), or `None` when the line is not one.
/// Spaces around the line are allowed; the label is anything non-empty without `]` or a line
/// break (page labels may be roman numerals or `A-3`).
pub fn parse_page_marker(line: &str) -> Option<&str> {
    let label = line
        .trim()
        .strip_prefix("[[page ")?
        .strip_suffix("]]")?
        .trim();
    (!label.is_empty() && !label.contains(']')).then_some(label)
}

/// Folders of a site that evident reads; everything else at the root (the output, `target/`,
/// `.git/`) is never walked.
pub const SITE_FOLDERS: [&str; 7] = [
    "content",
    "data",
    "releases",
    "archive",
    "static",
    "templates",
    "themes",
];

/// The folder of release records, `releases/<version>.json` (what `evident release` writes).
pub const RELEASES_FOLDER: &str = "releases";

/// The release record of `version`, e.g. `releases/0.2.0.json`.
pub fn release_file(version: &str) -> String {
    format!("{RELEASES_FOLDER}/{version}.json")
}

/// The kinds of node that live in `content/<folder>/<id>.md`.
pub const NODE_FOLDERS: [&str; 4] = ["sources", "claims", "topics", "gaps"];

/// The file evident leaves in every output folder it writes, so that it never replaces a folder
/// it did not make. It is never published from `static/`.
pub const OUTPUT_MARKER: &str = ".evident-output";

/// Files every build writes besides pages, which Markdown may link to.
pub const GENERATED_FILES: [&str; 14] = [
    "sitemap.xml",
    "robots.txt",
    "findings.atom",
    "citations.bib",
    "citations.ris",
    "citations.json",
    "evidence.json",
    "datapackage.json",
    "downloads/sources.csv",
    "downloads/findings.csv",
    "downloads/claims.csv",
    "downloads/stances.csv",
    "downloads/topics.csv",
    "downloads/gaps.csv",
];

/// One file of the built site.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputFile {
    /// Path below the output folder, with `/` separators, e.g. `sources/x/index.html`.
    pub path: String,
    pub bytes: Vec<u8>,
    /// The bytes carry on the file of this path handed over just before: a file too large to
    /// hold whole (`evidence.json`) is handed over in parts, in order, from one thread.
    pub more: bool,
    /// The file already at this path in the output folder is this one (a page kept from the
    /// last build): an update in place leaves it there. The bytes are that file's, read back and
    /// checked, or, when it was known by its stamp in an update in place, empty (not read).
    pub unchanged: bool,
}

impl OutputFile {
    /// A whole file.
    pub fn new(path: impl Into<String>, bytes: Vec<u8>) -> Self {
        OutputFile {
            path: path.into(),
            bytes,
            more: false,
            unchanged: false,
        }
    }

    /// A page kept from the last build: `bytes` are the file already at `path` in the output
    /// folder, or empty when it was not read (see the field).
    pub fn unchanged(path: impl Into<String>, bytes: Vec<u8>) -> Self {
        OutputFile {
            unchanged: true,
            ..OutputFile::new(path, bytes)
        }
    }

    /// Files as handed over, with each file's parts joined into one (in the order they came).
    pub fn joined(files: Vec<OutputFile>) -> Vec<OutputFile> {
        let mut out: Vec<OutputFile> = Vec::with_capacity(files.len());
        let mut at: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        for f in files {
            match at.get(&f.path) {
                Some(&i) if f.more => out[i].bytes.extend_from_slice(&f.bytes),
                _ => {
                    at.insert(f.path.clone(), out.len());
                    out.push(OutputFile { more: false, ..f });
                }
            }
        }
        out
    }
}

/// What receives each produced file: a folder on disk, a list in memory, or nothing (`check`).
pub type Sink<'s> = dyn Fn(OutputFile) -> Result<(), Diagnostic> + Sync + 's;

/// The output file of a page path: `sources/x/` → `sources/x/index.html`; `404.html` stays.
pub fn output_file(path: &str) -> String {
    if path.ends_with(".html") {
        path.to_string()
    } else {
        format!("{path}index.html")
    }
}

/// A path with `/` separators, whatever the platform.
pub fn slash(p: &Path) -> String {
    p.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_markers_round_trip() {
        assert_eq!(page_marker("63"), "[[page 63]]");
        for label in ["63", "1", "xii", "A-3"] {
            assert_eq!(parse_page_marker(&page_marker(label)), Some(label));
        }
        assert_eq!(parse_page_marker("  [[page 7]] "), Some("7"));
        for not in [
            "[[page ]]",
            "[[page]]",
            "page 7",
            "[[page 7]] text",
            "[[Page 7]]",
            "[[page 7]]]",
        ] {
            assert_eq!(parse_page_marker(not), None, "{not:?}");
        }
        assert_eq!(archive_file("x"), "archive/x.txt");
    }

    #[test]
    fn parts_join_to_their_file_and_others_stay_whole() {
        let part = |path: &str, bytes: &str, more| OutputFile {
            more,
            ..OutputFile::new(path, bytes.as_bytes().to_vec())
        };
        let joined = OutputFile::joined(vec![
            part("a.json", "[1,", false),
            part("b.html", "<p>", false),
            part("a.json", "2]", true),
            part("c.html", "x", false),
        ]);
        let got: Vec<(&str, &[u8], bool)> = (joined.iter())
            .map(|f| (f.path.as_str(), f.bytes.as_slice(), f.more))
            .collect();
        assert_eq!(
            got,
            [
                ("a.json", &b"[1,2]"[..], false),
                ("b.html", &b"<p>"[..], false),
                ("c.html", &b"x"[..], false)
            ]
        );
    }
}
