//! Markdown links: where every link may go (pages, nodes, generated files, assets, and the anchors
//! on each page), each link resolved to its URL or reported at its place, and each body's
//! [`Document`].

use std::collections::{BTreeSet, HashMap};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use crate::diagnostic::{Code, Diagnostic, Position};
use crate::layout::{slash, CONFIG, GENERATED_FILES, NODE_FOLDERS};
use crate::markdown::prose_figures;
use crate::model::{Config, Document};
use crate::parse::raw::{RawConfig, RawDoc, RawLink, RawPage};
use crate::parse::yaml::{position_of, Spanned};
use crate::parse::Parsed;
use crate::resolve::index::FindingIndex;
use crate::resolve::pages::page_path;
use crate::theme::template_anchors;

/// The maps and sets of [`Targets`]: looked up for every link, and compared whole by `serve`
/// (`pages::PageMemo`), so hashed with FxHash (the site's own paths and ids, not input an
/// attacker chooses).
type Map<K, V> = rustc_hash::FxHashMap<K, V>;
type Set<T> = rustc_hash::FxHashSet<T>;

/// Where every link may go: pages, nodes, assets, and the anchors on each page.
#[derive(PartialEq)]
pub(crate) struct Targets {
    base_path: String,
    /// The plain pages' URLs and anchors, the drafts and the tag pages: shared, since `serve`
    /// keeps them while the pages' part in them is the same.
    pages: Arc<PageTargets>,
    /// A node's content file → its output path.
    content: Map<PathBuf, String>,
    /// `kind:id` → output path.
    nodes: Map<String, String>,
    /// output path → anchors on it, for every page but the plain pages and tag pages.
    anchors: Map<String, Anchors>,
    assets: Set<String>,
    broken: BTreeSet<String>,
    /// Content files that exist, whether or not they could be read and parsed: a link to one
    /// that failed is not reported again.
    files: Set<PathBuf>,
    /// Old ids (`aliases:`) of nodes other than findings: `source:old` → `source:new`.
    aliases: Map<String, String>,
    findings_incomplete: bool,
    /// Every finding: its page (`finding:<id>`, `findings/<id>/`), its old ids, and its figure as
    /// printed for `figure:` links.
    findings: FindingIndex,
    /// Text that may stand in prose although it looks like a figure (`allowed_in_prose:`).
    allowed_in_prose: Vec<String>,
}

/// What plain pages add to [`Targets`]: made from the pages alone, so `serve` keeps it while no
/// page's file, draft mark, headings or tags changed (`pages::PageMemo`). A title or a sentence
/// edited leaves it as it was.
#[derive(Default, PartialEq, Eq)]
pub(crate) struct PageTargets {
    /// A plain page's file → its output path.
    content: Map<PathBuf, String>,
    /// A plain page's or tag page's output path → the anchors on it.
    anchors: Map<String, Anchors>,
    /// Pages marked `draft: true`, which the build leaves out: a link to one would be dead.
    drafts: Set<PathBuf>,
}

impl PageTargets {
    pub fn new(pages: &[Arc<RawDoc<RawPage>>]) -> Self {
        let mut t = PageTargets::default();
        let mut tags = BTreeSet::new();
        for d in pages {
            if d.meta.draft {
                t.drafts.insert(d.file.clone());
                continue;
            }
            let path = page_path(&d.file);
            t.content.insert(d.file.clone(), path.clone());
            let own = d.anchors.iter().cloned().collect();
            t.anchors.insert(path, Anchors::of("page", own));
            tags.extend(d.meta.tags.iter().map(|tag| tag.value.as_str()));
        }
        // Tag pages, so Markdown may link to them: each tag once, however many pages carry it.
        for tag in tags {
            let slug = crate::markdown::slugify(tag);
            if !slug.is_empty() {
                for path in ["tags/".to_string(), format!("tags/{slug}/")] {
                    t.anchors.entry(path).or_default().own.insert("main".into());
                }
            }
        }
        t
    }

    /// Whether `pages` make the same targets as `before` made: page by page, the very record, or
    /// one with the same file, draft mark, anchors and tags.
    pub fn same_part(before: &[Arc<RawDoc<RawPage>>], pages: &[Arc<RawDoc<RawPage>>]) -> bool {
        let same = |a: &Arc<RawDoc<RawPage>>, b: &Arc<RawDoc<RawPage>>| {
            fn tags(d: &RawDoc<RawPage>) -> impl Iterator<Item = &String> {
                d.meta.tags.iter().map(|t| &t.value)
            }
            Arc::ptr_eq(a, b)
                || (a.file == b.file
                    && a.meta.draft == b.meta.draft
                    && a.anchors == b.anchors
                    && tags(a).eq(tags(b)))
        };
        before.len() == pages.len() && before.iter().zip(pages).all(|(a, b)| same(a, b))
    }
}

/// The anchors on a page: its template's, and its own (its headings', or a generated page's
/// `main`). A finding's page has its template's alone, so the 10,000 of a large site share them.
#[derive(Default, PartialEq, Eq)]
struct Anchors {
    template: &'static [&'static str],
    own: Set<String>,
}

impl Anchors {
    fn of(kind: &str, own: Set<String>) -> Self {
        Anchors {
            template: template_anchors(kind),
            own,
        }
    }

    fn contains(&self, anchor: &str) -> bool {
        self.template.contains(&anchor) || self.own.contains(anchor)
    }
}

impl Targets {
    /// Every target of the site, of which `pages` is the plain pages' part
    /// ([`PageTargets::new`] of `parsed`'s pages, or the last run's while the same).
    pub fn new(
        parsed: &Parsed,
        config: &Config,
        findings: &FindingIndex,
        pages: Arc<PageTargets>,
    ) -> Self {
        let mut t = Targets {
            base_path: config.base_path.clone(),
            pages,
            content: Map::default(),
            nodes: Map::default(),
            anchors: Map::default(),
            assets: parsed.assets.keys().cloned().collect(),
            broken: parsed.broken.clone(),
            files: parsed.content_files.iter().cloned().collect(),
            aliases: (crate::resolve::ids::aliases(parsed).into_iter())
                .map(|(old, now)| {
                    let kind = old.split(':').next().unwrap_or_default().to_string();
                    (old, format!("{kind}:{now}"))
                })
                .collect(),
            findings_incomplete: parsed.findings_incomplete,
            findings: findings.clone(),
            allowed_in_prose: config.allowed_in_prose.clone(),
        };
        fn add<T>(t: &mut Targets, docs: &[RawDoc<T>], kind: &str, folder: &str) {
            for d in docs {
                let path = format!("{folder}/{}/", d.stem);
                t.content.insert(d.file.clone(), path.clone());
                t.nodes.insert(format!("{kind}:{}", d.stem), path.clone());
                let own = d.anchors.iter().cloned().collect();
                t.anchors.insert(path, Anchors::of(kind, own));
            }
        }
        add(&mut t, &parsed.sources, "source", "sources");
        add(&mut t, &parsed.claims, "claim", "claims");
        add(&mut t, &parsed.topics, "topic", "topics");
        add(&mut t, &parsed.gaps, "gap", "gaps");
        for folder in NODE_FOLDERS
            .iter()
            .chain(["findings", "tables", "datasets", "search"].iter())
        {
            t.anchors
                .entry(format!("{folder}/"))
                .or_default()
                .own
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
                    .own
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
        self.content_of(file).cloned()
    }

    /// The output path of a content file: a node's or a plain page's.
    fn content_of(&self, file: &Path) -> Option<&String> {
        (self.content.get(file)).or_else(|| self.pages.content.get(file))
    }

    /// A `figure:<id>` link: the finding's page, printing its figure.
    fn figure(
        &self,
        id: &str,
        anchor: Option<&str>,
        dest: &str,
    ) -> Result<Option<String>, Diagnostic> {
        match self.findings.figure(id) {
            Some(Some(_)) => {
                let path = format!("findings/{id}/");
                self.with_anchor(&path, anchor, dest).map(Some)
            }
            Some(None) => Err(Diagnostic::error(
                Code::BrokenLink,
                format!("finding `{id}` is a statement with no figure to print"),
            )
            .label("no figure")
            .help(format!("link to it with `[words](finding:{id})` instead"))),
            None if self.findings_incomplete => Ok(None),
            None => Err(Diagnostic::error(
                Code::BrokenLink,
                format!("there is no finding with the id `{id}`"),
            )
            .label("no such finding")
            .help("check the id; findings are defined in data/findings/")),
        }
    }

    /// The figure a `figure:<id>` link prints.
    fn figure_text(&self, dest: &str) -> Option<String> {
        let id = dest.strip_prefix("figure:")?;
        let id = id.split('#').next().unwrap_or(id);
        self.findings.figure(id).flatten().map(str::to_string)
    }

    /// A warning for a link to a node by an old id (its `aliases:`): the link goes to the node.
    fn old_id(&self, dest: &str) -> Option<Diagnostic> {
        let node = dest.split('#').next().unwrap_or(dest);
        let now = self.alias(node)?;
        Some(
            Diagnostic::warning(Code::OldId, format!("`{node}` is an old id of `{now}`")).help(
                format!("link to `{now}`: the old id is kept only so that its URL redirects"),
            ),
        )
    }

    /// Whether text that looks like a figure may stand in prose.
    fn allowed(&self, text: &str) -> bool {
        self.allowed_in_prose
            .iter()
            .any(|a| a.eq_ignore_ascii_case(text))
    }

    /// The node `kind:id` an old id `node` (`kind:old`) names now.
    fn alias(&self, node: &str) -> Option<String> {
        match node.split_once(':') {
            Some(("finding", old)) => (self.findings.alias(old)).map(|id| format!("finding:{id}")),
            _ => self.aliases.get(node).cloned(),
        }
    }

    /// The page of the node `kind:id`.
    fn node_path(&self, node: &str) -> Option<String> {
        match node.split_once(':') {
            Some(("finding", id)) => self
                .findings
                .contains(id)
                .then(|| format!("findings/{id}/")),
            _ => self.nodes.get(node).cloned(),
        }
    }

    /// The anchors on the page at `path`, in [`Targets`]'s own map and in the plain pages'
    /// (which hold the same path only for a page in a folder evident makes, an error reported
    /// where the page is): a finding's are its template's.
    fn anchors_of(&self, path: &str) -> [Option<&Anchors>; 2] {
        static FINDING: std::sync::LazyLock<Anchors> =
            std::sync::LazyLock::new(|| Anchors::of("finding", Set::default()));
        let finding = || {
            let id = path.strip_prefix("findings/")?.strip_suffix('/')?;
            self.findings.contains(id).then_some(&*FINDING)
        };
        [
            self.anchors.get(path).or_else(finding),
            self.pages.anchors.get(path),
        ]
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
        if let Some(id) = target.strip_prefix("figure:") {
            return self.figure(id, anchor, dest);
        }
        if let Some((kind, id)) = target.split_once(':') {
            let node = format!("{kind}:{id}");
            let now = self.alias(&node).unwrap_or(node);
            if let Some(path) = self.node_path(&now) {
                return self.with_anchor(&path, anchor, dest).map(Some);
            }
            // The node's own file did not parse (already reported), or a findings file did not.
            if self.broken.contains(target) || (kind == "finding" && self.findings_incomplete) {
                return Ok(None);
            }
            let kinds = ["source", "finding", "claim", "topic", "gap"];
            return Err(if kinds.contains(&kind) {
                Diagnostic::error(
                    Code::BrokenLink,
                    format!("there is no {kind} with the id `{id}`"),
                )
                .label("no such page")
                .help(match kind {
                    "finding" => "check the id; findings are made from data/findings/".to_string(),
                    _ => format!("check the id; {kind} pages are made from content/{kind}s/"),
                })
            } else {
                Diagnostic::error(Code::BrokenLink, format!("`{kind}:` is not a kind of page evident knows"))
                    .help("link with source:, finding:, claim:, topic:, gap: or figure:, a relative .md path, or a full https:// address")
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
            if let Some(path) = normal.as_ref().and_then(|p| self.content_of(p)) {
                return self.with_anchor(path, anchor, dest).map(Some);
            }
            if normal
                .as_ref()
                .is_some_and(|p| self.pages.drafts.contains(p))
            {
                return Err(Diagnostic::error(
                    Code::BrokenLink,
                    format!("`{target}` is a draft, which the build leaves out"),
                )
                .label("a draft page")
                .help("publish it (remove `draft: true` from its front matter), or remove the link until it is"));
            }
            if normal.as_ref().is_some_and(|p| self.files.contains(p)) {
                // The page exists but failed to read or parse: reported there.
                return Ok(None);
            }
            return Err(Diagnostic::error(
                Code::BrokenLink,
                format!("there is no page `{target}`"),
            )
            .label("no such file")
            .help("the path is relative to this file; check the file name under content/"));
        }
        // A site path such as `/about/`, or an asset such as `chart.png` next to this page.
        let Some(site_path) =
            (normal.as_ref()).and_then(|p| p.strip_prefix("content").ok().map(slash))
        else {
            return Err(Diagnostic::error(
                Code::BrokenLink,
                format!("`{target}` leads out of the site: pages and files are under content/"),
            )
            .label("outside the site")
            .help("the path is relative to this file, and `../` may not climb above content/; or link from the site's root, as `/about/`"));
        };
        let page = if site_path.is_empty() || target.ends_with('/') {
            let p = if site_path.is_empty() {
                String::new()
            } else {
                format!("{site_path}/")
            };
            self.anchors_of(&p).iter().any(Option::is_some).then_some(p)
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
            let known = (self.anchors_of(path).iter()).any(|s| s.is_some_and(|s| s.contains(a)));
            if !known {
                let message = match dest.starts_with('#') {
                    true => format!("`#{a}` is not an anchor on this page"),
                    false => format!("`{dest}` points at `#{a}`, which is not on that page"),
                };
                return Err(Diagnostic::error(Code::BrokenAnchor, message)
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
    let mut figures = HashMap::new();
    let mut external_links = Vec::new();
    for RawLink { dest, position } in &doc.links {
        if dest.starts_with("https://") || dest.starts_with("http://") {
            external_links.push((dest.clone(), *position));
        }
        if let Some(w) = targets.old_id(dest) {
            diags.push(w.at(&doc.file, *position));
        }
        match targets.resolve(dest, &doc.file, &from_path) {
            Ok(Some(url)) => {
                links.insert(dest.clone(), url);
                if let Some(text) = targets.figure_text(dest) {
                    figures.insert(dest.clone(), text);
                }
            }
            Ok(None) => {}
            Err(d) => diags.push(d.at(&doc.file, *position)),
        }
    }
    for f in &doc.figures {
        if !targets.allowed(&f.dest) {
            diags.push(figure_in_prose(&doc.file, Some(f.position), &f.dest));
        }
    }
    Document {
        file: doc.file.clone(),
        body: doc.body.clone(),
        links,
        external_links,
        figures,
        anchors: doc.anchors.clone(),
    }
}

/// A line of front-matter prose (a summary, a question), checked for figures typed by hand.
pub(crate) fn prose(
    file: &Path,
    text: &Option<Spanned<String>>,
    targets: &Targets,
    diags: &mut Vec<Diagnostic>,
) -> Option<String> {
    let text = text.as_ref()?;
    for (at, len) in prose_figures(&text.value) {
        let figure = &text.value[at..at + len];
        if !targets.allowed(figure) {
            diags.push(figure_in_prose(file, position_of(text), figure));
        }
    }
    Some(text.value.clone())
}

fn figure_in_prose(file: &Path, at: Option<Position>, figure: &str) -> Diagnostic {
    Diagnostic::warning(
        Code::FigureInProse,
        format!("`{figure}` is a figure typed into prose, which nothing checks"),
    )
    .at_opt(file, at)
    .help("print the finding's figure with `[](figure:<finding-id>)`; or, if this is not a finding's figure, list it under `allowed_in_prose:` in site.yaml")
}

/// The menu's links (`menu:` in `site.yaml`), checked and made as a link on the home page is: a
/// page of the site (`/about/`, `about.md`, `claim:x`) must exist, and becomes its full path, so
/// that it works from every page; a relative path such as `about/` would break on nested pages.
/// The site's own stylesheets (`stylesheets:` in site.yaml): each a file the site publishes from
/// `static/` (or a theme's), never another host's (pages make no third-party requests).
pub(crate) fn resolve_stylesheets(
    mut config: Config,
    parsed: &Parsed,
    diags: &mut Vec<Diagnostic>,
) -> Config {
    let Some(raw) = parsed.config.as_ref() else {
        return config;
    };
    for sheet in &raw.stylesheets {
        let path = sheet.value.trim_start_matches('/');
        let at = |d: Diagnostic| d.at_opt(CONFIG, position_of(sheet));
        if sheet.value.contains(':') || sheet.value.starts_with("//") {
            diags.push(at(Diagnostic::error(
                Code::BrokenLink,
                format!(
                    "the stylesheet `{}` is on another site; pages load nothing from elsewhere",
                    sheet.value
                ),
            )
            .help(
                "copy the stylesheet into static/ and list its path, e.g. `css/extra.css`",
            )));
        } else if !parsed.assets.contains_key(path) {
            diags.push(at(Diagnostic::error(
                Code::BrokenLink,
                format!(
                    "the stylesheet `{}` is not a file the site publishes",
                    sheet.value
                ),
            )
            .help(format!(
                "put it in static/{path} (its path is from the site's root)"
            ))));
        } else {
            config.stylesheets.push(path.to_string());
        }
    }
    config
}

pub(crate) fn resolve_menu(
    mut config: Config,
    raw: Option<&RawConfig>,
    targets: &Targets,
    diags: &mut Vec<Diagnostic>,
) -> Config {
    let Some(raw) = raw else {
        return config;
    };
    for (item, r) in config.menu.iter_mut().zip(&raw.menu) {
        let url = r.url.value.as_str();
        let at = |d: Diagnostic| d.at_opt(CONFIG, position_of(&r.url));
        let relative = !url.starts_with('/') && !url.contains(':') && !url.ends_with(".md");
        if relative && !url.starts_with('#') {
            diags.push(at(Diagnostic::error(
                Code::BrokenLink,
                format!("the menu link `{url}` is relative, so it would break on pages below the home page"),
            )
            .help(format!("start it with `/` (`/{url}`), or link to a node (`claim:x`) or a page file (`about.md`)"))));
            continue;
        }
        match targets.resolve(url, Path::new("content/index.md"), "") {
            Ok(Some(resolved)) => item.url = resolved,
            Ok(None) => {}
            Err(d) => diags.push(at(d)),
        }
    }
    config
}
