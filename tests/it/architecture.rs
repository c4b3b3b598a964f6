//! The architecture, as a guard rather than a wish (in the manner of rust-analyzer's tidy tests).
//! It reads `src/` and fails when:
//!
//! - a module imports one it may not: arrows point one way, commands → pipeline → stages → model →
//!   leaves, and within a layer only along the edges declared below;
//! - the top-level modules' imports form a cycle;
//! - a module other than `load` and `write` touches the disk;
//! - a module is missing from the code map in `src/lib.rs`;
//! - a function outside tests is longer than 150 lines.
//!
//! Test code (`#[cfg(test)]` modules, `tests.rs`, `docs_tests.rs`) is exempt: tests may reach
//! anywhere.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The layers, top to bottom. A module may import any module of a lower layer.
const LAYERS: &[(&str, &[&str])] = &[
    ("commands", &["main", "cli", "serve"]),
    ("pipeline", &["pipeline"]),
    (
        "stages",
        &[
            "load", "parse", "resolve", "cite", "render", "write", "scaffold", "import", "archive",
            "external",
        ],
    ),
    ("model", &["model", "permalinks"]),
    (
        "leaves",
        &[
            "diagnostic",
            "layout",
            "theme",
            "html",
            "markdown",
            "highlight",
            "dates",
        ],
    ),
];

/// Imports allowed within a layer: each stage takes the one before it's output, render formats
/// citations with cite, and scaffold describes the files the write stage creates.
const SAME_LAYER: &[(&str, &str)] = &[
    ("main", "cli"),
    ("cli", "serve"),
    ("parse", "load"),
    ("resolve", "parse"),
    ("render", "cite"),
    ("scaffold", "write"),
    // An update in place knows an output folder unchanged by its stamp, as load knows a file.
    ("write", "load"),
    // import describes the stubs the write stage creates (as scaffold does), and checks identifiers
    // with resolve's own checks so that an import never writes a stub that `check` rejects.
    ("import", "write"),
    ("import", "resolve"),
    // The link check compares a source's live page with its archive as the quote check does:
    // the page's text taken as `archive add` takes it, quotes matched by resolve's own matcher.
    ("external", "archive"),
    ("external", "resolve"),
    ("permalinks", "model"),
    ("layout", "diagnostic"),
    // Markdown hands fenced code to the highlighter, the one module that knows syntect.
    ("markdown", "highlight"),
];

/// The only modules that may touch the disk.
const DISK: &[&str] = &["load", "write"];

/// What touching the disk looks like in Rust source.
const DISK_CALLS: &[&str] = &[
    "std::fs",
    "fs::",
    "File::open",
    "File::create",
    ".exists()",
    ".is_dir()",
    ".is_file()",
    "canonicalize(",
    "read_dir(",
    "symlink_metadata(",
];

const MAX_FUNCTION_LINES: usize = 150;

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file below `src/`, with its top-level module (`render` for
/// `src/render/views/mod.rs`) and its text without test code.
fn sources() -> Vec<(PathBuf, String, String)> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|e| e == "rs") {
                out.push(p);
            }
        }
    }
    let mut files = Vec::new();
    walk(&src(), &mut files);
    files
        .into_iter()
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name != "tests.rs" && name != "docs_tests.rs"
        })
        .map(|p| {
            let rel = p.strip_prefix(src()).unwrap().to_path_buf();
            let first = rel
                .components()
                .next()
                .unwrap()
                .as_os_str()
                .to_string_lossy();
            let module = first.trim_end_matches(".rs").to_string();
            let text = std::fs::read_to_string(&p).unwrap();
            // Test modules sit at the end of a file.
            let code = text
                .split("\n#[cfg(test)]")
                .next()
                .unwrap_or("")
                .to_string();
            (rel, module, code)
        })
        .collect()
}

/// The top-level modules a text names as `crate::x`, `crate::{x, y}` or (in main.rs) `evident::x`.
fn imports(code: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for prefix in ["crate::", "evident::"] {
        for (i, _) in code.match_indices(prefix) {
            let rest = &code[i + prefix.len()..];
            if let Some(group) = rest.strip_prefix('{') {
                let mut depth = 0;
                let mut item = String::new();
                let mut items = Vec::new();
                for c in group.chars() {
                    match c {
                        '{' => depth += 1,
                        '}' if depth == 0 => break,
                        '}' => depth -= 1,
                        ',' if depth == 0 => items.push(std::mem::take(&mut item)),
                        _ if depth == 0 => item.push(c),
                        _ => {}
                    }
                }
                items.push(item);
                for it in items {
                    let name: String = it
                        .trim()
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    if !name.is_empty() {
                        out.insert(name);
                    }
                }
            } else {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                out.insert(name);
            }
        }
    }
    out
}

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|(_, ms)| ms.contains(&module))
}

/// Module → the top-level modules it imports (itself excluded; names that are not modules, such
/// as items re-exported at the crate root, are kept so that they are reported).
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (_, module, code) in sources() {
        if module == "lib" {
            continue;
        }
        let entry = g.entry(module.clone()).or_default();
        for m in imports(&code) {
            if m != module {
                entry.insert(m);
            }
        }
    }
    g
}

#[test]
fn every_module_has_a_layer() {
    let missing: Vec<String> = graph()
        .keys()
        .filter(|m| layer_of(m).is_none() && m.as_str() != "docs_tests")
        .cloned()
        .collect();
    assert!(
        missing.is_empty(),
        "modules with no layer in tests/it/architecture.rs: {missing:?}"
    );
}

#[test]
fn imports_point_one_way() {
    let mut wrong = Vec::new();
    for (module, deps) in graph() {
        let Some(from) = layer_of(&module) else {
            continue;
        };
        for dep in deps {
            let ok = match layer_of(&dep) {
                Some(to) if to > from => true,
                Some(to) if to == from => SAME_LAYER.contains(&(module.as_str(), dep.as_str())),
                _ => false,
            };
            if !ok {
                wrong.push(format!("{module} → {dep}"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the architecture (declare an edge only if it is meant): {wrong:?}"
    );
}

#[test]
fn top_level_modules_form_no_cycle() {
    let g = graph();
    // Depth-first search for a back edge.
    fn visit(
        m: &str,
        g: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|p| p == m) {
            let mut cycle = path[i..].to_vec();
            cycle.push(m.to_string());
            return Some(cycle);
        }
        if !done.insert(m.to_string()) {
            return None;
        }
        path.push(m.to_string());
        for d in g.get(m).into_iter().flatten() {
            if let Some(c) = visit(d, g, path, done) {
                return Some(c);
            }
        }
        path.pop();
        None
    }
    let mut done = BTreeSet::new();
    for m in g.keys() {
        if let Some(cycle) = visit(m, &g, &mut Vec::new(), &mut done) {
            panic!("import cycle: {}", cycle.join(" → "));
        }
    }
}

/// Whether `code` makes one of [`DISK_CALLS`]: a call that starts a name, so that a type whose
/// name ends in `fs` (`NodeRefs::of`) is not taken for `fs::`.
fn touches_disk(code: &str) -> bool {
    DISK_CALLS.iter().any(|call| {
        let starts_name = call.starts_with(|c: char| c.is_alphanumeric());
        code.match_indices(call).any(|(at, _)| {
            !starts_name
                || !code[..at]
                    .chars()
                    .next_back()
                    .is_some_and(|c| c.is_alphanumeric() || c == '_')
        })
    })
}

#[test]
fn only_load_and_write_touch_the_disk() {
    let mut found = Vec::new();
    for (rel, module, code) in sources() {
        if DISK.contains(&module.as_str()) {
            continue;
        }
        for (n, line) in code.lines().enumerate() {
            let code_part = line.split("//").next().unwrap_or("");
            if touches_disk(code_part) {
                found.push(format!("{}:{}: {}", rel.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "disk access outside load and write:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_code_map_names_every_module() {
    let lib = std::fs::read_to_string(src().join("lib.rs")).unwrap();
    let map: String = lib
        .lines()
        .take_while(|l| l.starts_with("//!") || l.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    let mut missing = Vec::new();
    let mut modules: BTreeSet<String> = sources().into_iter().map(|(_, m, _)| m).collect();
    modules.remove("lib");
    for m in modules {
        let named = map.contains(&format!("`{m}.rs`"))
            || map.contains(&format!("`{m}/`"))
            || map.contains(&format!(" {m}.rs "))
            || map.contains(&format!(" {m}/ "));
        if !named {
            missing.push(m);
        }
    }
    assert!(
        missing.is_empty(),
        "modules missing from the code map in src/lib.rs: {missing:?}"
    );
}

#[test]
fn no_function_outside_tests_is_longer_than_150_lines() {
    let mut long = Vec::new();
    for (rel, _, code) in sources() {
        let lines: Vec<&str> = code.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let trimmed = line.trim_start();
            let indent = line.len() - trimmed.len();
            let is_fn = [
                "fn ",
                "pub fn ",
                "pub(crate) fn ",
                "async fn ",
                "pub async fn ",
            ]
            .iter()
            .any(|p| trimmed.starts_with(p));
            if !is_fn || trimmed.ends_with(';') {
                continue;
            }
            let close = " ".repeat(indent) + "}";
            let end = lines[i + 1..]
                .iter()
                .position(|l| l.trim_end() == close)
                .map_or(lines.len(), |j| i + 1 + j);
            let n = end - i + 1;
            if n > MAX_FUNCTION_LINES {
                long.push(format!("{}:{}: {} lines", rel.display(), i + 1, n));
            }
        }
    }
    assert!(
        long.is_empty(),
        "functions over {MAX_FUNCTION_LINES} lines (split them by concern or node kind):\n{}",
        long.join("\n")
    );
}

/// The guard itself: a forbidden import, a cycle and a disk call are each found.
#[test]
fn the_guard_finds_what_it_guards_against() {
    let code = "use crate::{model, render::Rendered};\nfn f() { crate::cli::run(); }\n";
    let found = imports(code);
    assert_eq!(
        found,
        ["cli", "model", "render"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    );
    // model (model layer) importing render (stages) points up.
    assert!(layer_of("render") < layer_of("model"));
    for call in [
        "std::fs::write(p, b)",
        "let t = fs::read_to_string(p)?;",
        "use std::fs;",
        "if p.exists() {",
        "File::open(p)",
    ] {
        assert!(touches_disk(call), "{call}");
    }
    for not in ["let refs = NodeRefs::of(site);", "let s = BufFs::new();"] {
        assert!(!touches_disk(not), "{not}");
    }
}
