//! Markdown links: where every link may go (pages, nodes, generated files, assets, and the anchors
//! on each page), each link resolved to its URL or reported at its place, and each body's
//! [`Document`].

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

use crate::diagnostic::{Code, Diagnostic, Position};
use crate::layout::{slash, GENERATED_FILES, NODE_FOLDERS};
use crate::model::{Config, Document};
use crate::parse::raw::{RawDoc, RawLink};
use crate::parse::Parsed;
use crate::resolve::pages::page_path;
use crate::theme::template_anchors;

/// Where every link may go: pages, nodes, assets, and the anchors on each page.
pub(crate) struct Targets {
    base_path: String,
    /// content file → output path.
    content: HashMap<PathBuf, String>,
    /// `kind:id` → output path.
    nodes: HashMap<String, String>,
    /// output path → anchors on it.
    anchors: HashMap<String, HashSet<String>>,
    assets: HashSet<String>,
    broken: BTreeSet<String>,
    findings_incomplete: bool,
}

impl Targets {
    pub fn new(
        parsed: &Parsed,
        config: &Config,
        finding_ids: &HashMap<String, (PathBuf, Option<Position>)>,
    ) -> Self {
        let mut t = Targets {
            base_path: config.base_path.clone(),
            content: HashMap::new(),
            nodes: HashMap::new(),
            anchors: HashMap::new(),
            assets: parsed.assets.keys().cloned().collect(),
            broken: parsed.broken.clone(),
            findings_incomplete: parsed.findings_incomplete,
        };
        fn add<T>(t: &mut Targets, docs: &[RawDoc<T>], kind: &str, folder: &str) {
            for d in docs {
                let path = format!("{folder}/{}/", d.stem);
                t.content.insert(d.file.clone(), path.clone());
                t.nodes.insert(format!("{kind}:{}", d.stem), path.clone());
                let mut anchors: HashSet<String> = d.anchors.iter().cloned().collect();
                anchors.extend(template_anchors(kind).iter().map(|s| s.to_string()));
                t.anchors.insert(path, anchors);
            }
        }
        add(&mut t, &parsed.sources, "source", "sources");
        add(&mut t, &parsed.claims, "claim", "claims");
        add(&mut t, &parsed.topics, "topic", "topics");
        add(&mut t, &parsed.gaps, "gap", "gaps");
        for id in finding_ids.keys() {
            let path = format!("findings/{id}/");
            t.nodes.insert(format!("finding:{id}"), path.clone());
            t.anchors.insert(
                path,
                template_anchors("finding")
                    .iter()
                    .map(|s| s.to_string())
                    .collect(),
            );
        }
        for d in &parsed.pages {
            if d.meta.draft {
                continue;
            }
            let path = page_path(&d.file);
            t.content.insert(d.file.clone(), path.clone());
            let mut anchors: HashSet<String> = d.anchors.iter().cloned().collect();
            anchors.extend(template_anchors("page").iter().map(|s| s.to_string()));
            t.anchors.insert(path, anchors);
            // Tag pages, so Markdown may link to them.
            for tag in &d.meta.tags {
                let slug = crate::markdown::slugify(&tag.value);
                if !slug.is_empty() {
                    for path in ["tags/".to_string(), format!("tags/{slug}/")] {
                        t.anchors.entry(path).or_default().insert("main".into());
                    }
                }
            }
        }
        for folder in NODE_FOLDERS
            .iter()
            .chain(["findings", "tables", "datasets", "search"].iter())
        {
            t.anchors
                .entry(format!("{folder}/"))
                .or_default()
                .insert("main".into());
        }
        // Pages and files the render stage generates, so Markdown may link to them too.
        for (folder, stems) in [
            (
                "tables",
                parsed.tables.iter().map(|x| &x.stem).collect::<Vec<_>>(),
            ),
            (
                "datasets",
                parsed.datasets.iter().map(|x| &x.stem).collect(),
            ),
        ] {
            for stem in stems {
                t.anchors
                    .entry(format!("{folder}/{stem}/"))
                    .or_default()
                    .insert("main".into());
                t.assets.insert(format!("{folder}/{stem}.csv"));
                t.assets.insert(format!("{folder}/{stem}.json"));
            }
        }
        t.assets
            .extend(GENERATED_FILES.iter().map(|f| f.to_string()));
        t
    }

    pub fn content_path(&self, file: &Path) -> Option<String> {
        self.content.get(file).cloned()
    }

    fn url(&self, path: &str, anchor: Option<&str>) -> String {
        match anchor {
            Some(a) => format!("{}{path}#{a}", self.base_path),
            None => format!("{}{path}", self.base_path),
        }
    }

    /// Resolves one link written in `from`. `Ok(None)` leaves it as written (external links).
    fn resolve(
        &self,
        dest: &str,
        from: &Path,
        from_path: &str,
    ) -> Result<Option<String>, Diagnostic> {
        let lower = dest.to_ascii_lowercase();
        if lower.starts_with("javascript:")
            || lower.starts_with("data:")
            || lower.starts_with("vbscript:")
        {
            return Err(Diagnostic::error(
                Code::UnsafeLink,
                format!(
                    "links may not use `{}`",
                    &dest[..dest.find(':').unwrap_or(0) + 1]
                ),
            )
            .help("link to an http(s) address or to a page of the site"));
        }
        if lower.starts_with("http://")
            || lower.starts_with("https://")
            || lower.starts_with("mailto:")
            || lower.starts_with("//")
            || lower.starts_with("tel:")
        {
            return Ok(None);
        }
        let (target, anchor) = match dest.split_once('#') {
            Some((t, a)) => (t, Some(a)),
            None => (dest, None),
        };
        if let Some((kind, id)) = target.split_once(':') {
            if let Some(path) = self.nodes.get(&format!("{kind}:{id}")) {
                return self.with_anchor(path, anchor, dest).map(Some);
            }
            // The node's own file did not parse (already reported), or a findings file did not.
            if self.broken.contains(target) || (kind == "finding" && self.findings_incomplete) {
                return Ok(None);
            }
            let kinds = ["source", "finding", "claim", "topic", "gap"];
            return Err(if kinds.contains(&kind) {
                Diagnostic::error(Code::BrokenLink, format!("there is no {kind} with the id `{id}`"))
                    .label("no such page")
                    .help(format!("check the id; {kind} pages are made from content/{kind}s/ (findings from data/findings/)"))
            } else {
                Diagnostic::error(Code::BrokenLink, format!("`{kind}:` is not a kind of page evident knows"))
                    .help("link with source:, finding:, claim:, topic: or gap:, a relative .md path, or a full https:// address")
            });
        }
        if target.is_empty() {
            // `#anchor` on this page.
            return self.with_anchor(from_path, anchor, dest).map(|_| None);
        }
        let base = from.parent().unwrap_or(Path::new(""));
        let joined = if let Some(abs) = target.strip_prefix('/') {
            PathBuf::from("content").join(abs)
        } else {
            base.join(target)
        };
        let normal = normalise_path(&joined);
        if target.ends_with(".md") {
            if let Some(path) = normal.as_ref().and_then(|p| self.content.get(p)) {
                return self.with_anchor(path, anchor, dest).map(Some);
            }
            return Err(Diagnostic::error(
                Code::BrokenLink,
                format!("there is no page `{target}`"),
            )
            .label("no such file")
            .help("the path is relative to this file; check the file name under content/"));
        }
        // A site path such as `/about/`, or an asset such as `chart.png` next to this page.
        let site_path = normal
            .as_ref()
            .and_then(|p| p.strip_prefix("content").ok().map(slash))
            .unwrap_or_default();
        let page = if site_path.is_empty() || target.ends_with('/') {
            let p = if site_path.is_empty() {
                String::new()
            } else {
                format!("{site_path}/")
            };
            self.anchors.contains_key(&p).then_some(p)
        } else {
            None
        };
        if let Some(p) = page {
            return self.with_anchor(&p, anchor, dest).map(Some);
        }
        if self.assets.contains(&site_path) {
            return Ok(Some(self.url(&site_path, anchor)));
        }
        Err(Diagnostic::error(
            Code::BrokenLink,
            format!("`{target}` is not a page or file of this site"),
        )
        .label("no such page")
        .help("link to a .md file, a node (source:<id>, finding:<id>, …), or a file under static/"))
    }

    fn with_anchor(
        &self,
        path: &str,
        anchor: Option<&str>,
        dest: &str,
    ) -> Result<String, Diagnostic> {
        if let Some(a) = anchor {
            let known = self.anchors.get(path).is_some_and(|s| s.contains(a));
            if !known {
                return Err(Diagnostic::error(
                    Code::BrokenAnchor,
                    format!("`{dest}` points at `#{a}`, which is not on that page"),
                )
                .label("no such anchor")
                .help("anchors are made from headings: `## Method` is #method; or add `{#id}` after a heading"));
            }
        }
        Ok(self.url(path, anchor))
    }
}

/// Removes `.` and `..` from a relative path; `None` if it climbs above its start.
fn normalise_path(p: &Path) -> Option<PathBuf> {
    let mut out = Vec::new();
    for c in p.components() {
        match c {
            Component::Normal(s) => out.push(s.to_os_string()),
            Component::ParentDir => {
                out.pop()?;
            }
            Component::CurDir => {}
            _ => return None,
        }
    }
    Some(out.iter().collect())
}

pub(crate) fn document<T>(
    doc: &RawDoc<T>,
    targets: &Targets,
    diags: &mut Vec<Diagnostic>,
) -> Document {
    let from_path = targets.content_path(&doc.file).unwrap_or_default();
    let mut links = HashMap::new();
    for RawLink { dest, position } in &doc.links {
        match targets.resolve(dest, &doc.file, &from_path) {
            Ok(Some(url)) => {
                links.insert(dest.clone(), url);
            }
            Ok(None) => {}
            Err(d) => diags.push(d.at(&doc.file, *position)),
        }
    }
    Document {
        file: doc.file.clone(),
        body: doc.body.clone(),
        links,
        anchors: doc.anchors.clone(),
    }
}
