//! The resolve stage: [`resolve`] turns parsed records into the validated [`Site`]. It checks ids,
//! every reference between nodes, every Markdown link and anchor, identifiers (DOI, ISBN, ISSN),
//! dates and URLs, and that every quote is in its source's archived text and every figure in its
//! quote. Each problem is a diagnostic at the place it was written; resolution carries on past it,
//! so one run reports them all.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

use crate::data::{position_of, Spanned};
use crate::diagnostic::{Diagnostic, Position};
use crate::model::*;
use crate::parse::{
    slash, Parsed, RawDoc, RawEvidenceKind, RawLink, RawPerson, RawScale, RawSourceType,
    RawStanceKind, RawTemplate, RawValue, RawValueKind, NODE_FOLDERS,
};

/// Facts from outside the inputs that a build may use. Read at the edge (the CLI), so this stage
/// stays pure.
#[derive(Clone, Debug, Default)]
pub struct Environment {
    /// The date of `SOURCE_DATE_EPOCH`, as `YYYY-MM-DD`, when it is set.
    pub source_date: Option<String>,
    /// Replaces `base_url` (used by `serve`).
    pub base_url: Option<String>,
}

/// The templates the render stage uses, by name.
#[derive(Clone, Debug, Default)]
pub struct Theme {
    pub(crate) templates: BTreeMap<String, RawTemplate>,
}

/// Anchors the default theme's templates put on every page of a kind, so Markdown may link to them.
pub const TEMPLATE_ANCHORS: &[(&str, &[&str])] = &[
    ("page", &["main"]),
    ("source", &["main", "record", "findings", "cite"]),
    ("finding", &["main", "figure", "quote", "stances", "cite"]),
    ("claim", &["main", "evidence", "gaps"]),
    ("topic", &["main", "claims", "evidence"]),
    ("gap", &["main", "claims"]),
];

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

fn template_anchors(kind: &str) -> &'static [&'static str] {
    TEMPLATE_ANCHORS
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or(&[], |(_, a)| a)
}

pub fn resolve(mut parsed: Parsed, env: &Environment) -> (Site, Theme, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let config = resolve_config(&parsed, env, &mut diags);
    let theme = Theme {
        templates: std::mem::take(&mut parsed.templates),
    };

    // Ids first, so references can be checked against the full set.
    // Ids of nodes whose files failed to parse count as known, so that one mistake is reported
    // once and not again at every reference to the node.
    let with_broken = |mut ids: BTreeSet<String>, kind: &str| {
        let prefix = format!("{kind}:");
        ids.extend(
            parsed
                .broken
                .iter()
                .filter_map(|b| b.strip_prefix(&prefix).map(str::to_string)),
        );
        ids
    };
    let source_ids = with_broken(doc_ids(&parsed.sources, "source", &mut diags), "source");
    let claim_ids = with_broken(doc_ids(&parsed.claims, "claim", &mut diags), "claim");
    let topic_ids = with_broken(doc_ids(&parsed.topics, "topic", &mut diags), "topic");
    let gap_ids = with_broken(doc_ids(&parsed.gaps, "gap", &mut diags), "gap");
    let mut finding_ids: HashMap<String, (PathBuf, Option<Position>)> = HashMap::new();
    for (file, f) in &parsed.findings {
        let id = &f.value.id;
        let pos = position_of(id);
        if !check_id(&id.value, "finding", file, pos, &mut diags) {
            continue;
        }
        if let Some((first_file, first_pos)) = finding_ids.get(&id.value) {
            diags.push(
                Diagnostic::error(
                    "duplicate-id",
                    format!("two findings have the id `{}`", id.value),
                )
                .at_opt(file, pos)
                .help(format!(
                    "the first is at {}; ids are permalinks, so give this finding a new one",
                    Diagnostic::error("", "")
                        .at_opt(first_file, *first_pos)
                        .location()
                )),
            );
        } else {
            finding_ids.insert(id.value.clone(), (file.clone(), pos));
        }
    }

    let targets = Targets::new(&parsed, &config, &finding_ids);
    let archives = Archives::new(&parsed);
    let refs = Refs {
        sources: &source_ids,
        claims: &claim_ids,
        topics: &topic_ids,
    };
    let _ = &gap_ids;

    let mut pages = Vec::new();
    for doc in &parsed.pages {
        if doc.meta.draft {
            continue;
        }
        let path = targets.content_path(&doc.file).unwrap_or_default();
        let template = match &doc.meta.template {
            Some(t) => {
                if !theme.templates.contains_key(&t.value) {
                    diags.push(
                        Diagnostic::error(
                            "unknown-template",
                            format!("there is no template `{}`", t.value),
                        )
                        .at_opt(&doc.file, position_of(t))
                        .help(format!(
                            "templates available: {}",
                            theme
                                .templates
                                .keys()
                                .cloned()
                                .collect::<Vec<_>>()
                                .join(", ")
                        )),
                    );
                }
                t.value.clone()
            }
            None if path.is_empty() => "home.html".to_string(),
            None => "page.html".to_string(),
        };
        let date = doc.meta.date.as_ref().map(|d| {
            if parse_date(&d.value).is_none_or(|d| d.day.is_none()) {
                diags.push(
                    Diagnostic::error("invalid-date", format!("`{}` is not a date", d.value))
                        .at_opt(&doc.file, position_of(d))
                        .help("write the date as YYYY-MM-DD, in quotes"),
                );
            }
            d.value.clone()
        });
        let mut tags: Vec<String> = Vec::new();
        for t in &doc.meta.tags {
            if crate::markdown::slugify(&t.value).is_empty() {
                diags.push(
                    Diagnostic::error("invalid-tag", format!("`{}` cannot be a tag", t.value))
                        .at_opt(&doc.file, position_of(t))
                        .help("a tag needs at least one letter or digit"),
                );
            } else if !tags.contains(&t.value) {
                tags.push(t.value.clone());
            }
        }
        pages.push(Page {
            path,
            title: doc.meta.title.clone(),
            description: doc.meta.description.clone(),
            template,
            weight: doc.meta.weight,
            date,
            tags,
            doc: document(doc, &targets, &config, &mut diags),
        });
    }
    pages.sort_by(|a, b| a.path.cmp(&b.path));
    let tags = tags(&pages);

    let mut sources = BTreeMap::new();
    for doc in &parsed.sources {
        if !source_ids.contains(&doc.stem) {
            continue;
        }
        let s = resolve_source(doc, &parsed.archives, &targets, &config, &mut diags);
        sources.insert(s.id.clone(), s);
    }

    let mut topics = BTreeMap::new();
    for doc in &parsed.topics {
        if !topic_ids.contains(&doc.stem) {
            continue;
        }
        let t = Topic {
            id: TopicId(doc.stem.clone()),
            title: doc.meta.title.clone(),
            question: doc.meta.question.clone(),
            summary: doc.meta.summary.clone(),
            weight: doc.meta.weight,
            doc: document(doc, &targets, &config, &mut diags),
        };
        topics.insert(t.id.clone(), t);
    }

    let mut claims = BTreeMap::new();
    for doc in &parsed.claims {
        if !claim_ids.contains(&doc.stem) {
            continue;
        }
        let topic = refs.topic(&doc.meta.topic, &doc.file, &mut diags);
        let c = Claim {
            id: ClaimId(doc.stem.clone()),
            title: doc.meta.title.clone(),
            topic: topic.unwrap_or_else(|| TopicId(String::new())),
            summary: doc.meta.summary.clone(),
            weight: doc.meta.weight,
            doc: document(doc, &targets, &config, &mut diags),
        };
        claims.insert(c.id.clone(), c);
    }

    let mut gaps = BTreeMap::new();
    for doc in &parsed.gaps {
        if !gap_ids.contains(&doc.stem) {
            continue;
        }
        let m = &doc.meta;
        let source = refs.source(&m.source, &doc.file, &mut diags);
        let origin = m
            .origin
            .as_ref()
            .and_then(|o| refs.source(o, &doc.file, &mut diags));
        let claims_of_gap = m
            .claims
            .iter()
            .filter_map(|c| refs.claim(c, &doc.file, &mut diags))
            .collect();
        if let Some(s) = &source {
            check_quote(&doc.file, &m.quote, None, s, &archives, &mut diags);
        }
        let g = Gap {
            id: GapId(doc.stem.clone()),
            title: m.title.clone(),
            source: source.unwrap_or_else(|| SourceId(String::new())),
            origin,
            locator: m.locator.clone(),
            quote: m.quote.value.clone(),
            claims: claims_of_gap,
            expected: m.expected.clone(),
            doc: document(doc, &targets, &config, &mut diags),
        };
        gaps.insert(g.id.clone(), g);
    }

    let mut findings = BTreeMap::new();
    for (file, raw) in &parsed.findings {
        let f = &raw.value;
        let id = &f.id.value;
        if !valid_id(id) || finding_ids.get(id).map(|(p, _)| p) != Some(file) {
            continue;
        }
        if findings.contains_key(&FindingId(id.clone())) {
            continue;
        }
        let source = refs.source(&f.source, file, &mut diags);
        let origin = f
            .origin
            .as_ref()
            .and_then(|o| refs.source(o, file, &mut diags));
        if let Some(s) = &source {
            check_quote(file, &f.quote, Some(&f.figure), s, &archives, &mut diags);
        }
        let value = resolve_value(file, &f.value, &mut diags);
        let mut stances = Vec::new();
        let mut seen = HashSet::new();
        for st in &f.stances {
            let Some(claim) = refs.claim(&st.claim, file, &mut diags) else {
                continue;
            };
            if !seen.insert(claim.clone()) {
                diags.push(
                    Diagnostic::error(
                        "duplicate-stance",
                        format!("this finding already has a stance on claim `{claim}`"),
                    )
                    .at_opt(file, position_of(&st.claim))
                    .help("a finding takes one stance per claim; merge the two into one"),
                );
                continue;
            }
            stances.push(Stance {
                claim,
                kind: match st.stance {
                    RawStanceKind::Supports => StanceKind::Supports,
                    RawStanceKind::Contradicts => StanceKind::Contradicts,
                    RawStanceKind::Mixed => StanceKind::Mixed,
                    RawStanceKind::Context => StanceKind::Context,
                },
                reason: st.reason.clone(),
            });
        }
        let finding = Finding {
            id: FindingId(id.clone()),
            file: file.clone(),
            position: position_of(raw),
            statement: f.statement.clone(),
            figure: f.figure.value.clone(),
            value,
            source: source.unwrap_or_else(|| SourceId(String::new())),
            origin,
            locator: f.locator.clone(),
            quote: f.quote.value.clone(),
            population: f.population.clone(),
            period: f.period.clone(),
            place: f.place.clone(),
            stances,
            notes: f.notes.clone(),
        };
        findings.insert(finding.id.clone(), finding);
    }

    let (tables, datasets) = crate::tables::resolve_tables(
        &parsed.tables,
        &parsed.datasets,
        &crate::tables::Known {
            sources: &source_ids,
            claims: &claim_ids,
            topics: &topic_ids,
            gaps: &gap_ids,
            findings: &findings,
            findings_incomplete: parsed.findings_incomplete,
            broken: &parsed.broken,
            claim_titles: &claims,
        },
        &mut diags,
    );
    let redirects = redirects(&parsed, &mut diags);
    let backlinks = backlinks(&findings, &claims, &gaps);
    let assets = parsed
        .assets
        .iter()
        .map(|(path, (input, bytes))| Asset {
            path: path.clone(),
            input: input.clone(),
            bytes: bytes.clone(),
        })
        .collect();

    let site = Site {
        config,
        pages,
        tags,
        sources,
        findings,
        claims,
        topics,
        gaps,
        tables,
        datasets,
        backlinks,
        assets,
        redirects,
        manifest: std::mem::take(&mut parsed.manifest),
    };
    (site, theme, diags)
}

/// The tags of plain pages, by slug; each lists its pages newest first, then by title and path.
fn tags(pages: &[Page]) -> Vec<Tag> {
    let mut by_slug: BTreeMap<String, Tag> = BTreeMap::new();
    for (i, p) in pages.iter().enumerate() {
        for name in &p.tags {
            let slug = crate::markdown::slugify(name);
            by_slug
                .entry(slug.clone())
                .or_insert_with(|| Tag {
                    slug,
                    name: name.clone(),
                    pages: Vec::new(),
                })
                .pages
                .push(i);
        }
    }
    let mut tags: Vec<Tag> = by_slug.into_values().collect();
    for t in &mut tags {
        t.pages.dedup();
        t.pages.sort_by(|&a, &b| {
            let (a, b) = (&pages[a], &pages[b]);
            (&b.date, &a.title, &a.path).cmp(&(&a.date, &b.title, &b.path))
        });
    }
    tags
}

/// Old URLs from `aliases:`: each must be a valid id that no node of its kind has now.
fn redirects(parsed: &Parsed, diags: &mut Vec<Diagnostic>) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    let mut add = |kind: &str,
                   folder: &str,
                   id: &str,
                   file: &Path,
                   alias: &Spanned<String>,
                   taken: &BTreeSet<&str>| {
        let pos = position_of(alias);
        if !check_id(&alias.value, kind, file, pos, diags) {
            return;
        }
        let old = format!("{folder}/{}/", alias.value);
        if taken.contains(alias.value.as_str()) || out.contains_key(&old) {
            diags.push(
                Diagnostic::error(
                    "alias-clash",
                    format!(
                        "`{}` is already the id or alias of another {kind}",
                        alias.value
                    ),
                )
                .at_opt(file, pos)
                .help("an old URL can redirect to one place only; remove one of the two"),
            );
            return;
        }
        out.insert(old, format!("{folder}/{id}/"));
    };
    let findings: BTreeSet<&str> = parsed
        .findings
        .iter()
        .map(|(_, f)| f.value.id.value.as_str())
        .collect();
    for (file, f) in &parsed.findings {
        for a in &f.value.aliases {
            add("finding", "findings", &f.value.id.value, file, a, &findings);
        }
    }
    macro_rules! docs {
        ($list:expr, $kind:literal, $folder:literal) => {
            let taken: BTreeSet<&str> = $list.iter().map(|d| d.stem.as_str()).collect();
            for d in &$list {
                for a in &d.meta.aliases {
                    add($kind, $folder, &d.stem, &d.file, a, &taken);
                }
            }
        };
    }
    docs!(parsed.sources, "source", "sources");
    docs!(parsed.claims, "claim", "claims");
    docs!(parsed.topics, "topic", "topics");
    docs!(parsed.gaps, "gap", "gaps");
    out
}

fn backlinks(
    findings: &BTreeMap<FindingId, Finding>,
    claims: &BTreeMap<ClaimId, Claim>,
    gaps: &BTreeMap<GapId, Gap>,
) -> Backlinks {
    let mut b = Backlinks::default();
    for f in findings.values() {
        b.findings_by_source
            .entry(f.source.clone())
            .or_default()
            .push(f.id.clone());
        if let Some(o) = &f.origin {
            if *o != f.source {
                b.findings_by_source
                    .entry(o.clone())
                    .or_default()
                    .push(f.id.clone());
            }
        }
        for s in &f.stances {
            b.stances_by_claim
                .entry(s.claim.clone())
                .or_default()
                .push((f.id.clone(), s.kind));
        }
    }
    for c in claims.values() {
        b.claims_by_topic
            .entry(c.topic.clone())
            .or_default()
            .push(c.id.clone());
    }
    for g in gaps.values() {
        for c in &g.claims {
            b.gaps_by_claim
                .entry(c.clone())
                .or_default()
                .push(g.id.clone());
        }
        b.gaps_by_source
            .entry(g.source.clone())
            .or_default()
            .push(g.id.clone());
        if let Some(o) = &g.origin {
            if *o != g.source {
                b.gaps_by_source
                    .entry(o.clone())
                    .or_default()
                    .push(g.id.clone());
            }
        }
    }
    b
}

/// Whether `id` is a permalink-safe id: `[a-z0-9-]`, not starting or ending with `-`.
pub fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 100
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
        && !id.ends_with('-')
}

pub(crate) fn check_id(
    id: &str,
    kind: &str,
    file: &Path,
    position: Option<Position>,
    diags: &mut Vec<Diagnostic>,
) -> bool {
    if valid_id(id) {
        return true;
    }
    let suggestion = crate::markdown::slugify(id);
    diags.push(
        Diagnostic::error("invalid-id", format!("`{id}` is not a valid {kind} id"))
            .at(
                file,
                position
                    .unwrap_or(Position::new(1, 1))
                    .with_len(id.chars().count()),
            )
            .help(format!(
                "ids are permalinks: lowercase letters, digits and hyphens only{}",
                if valid_id(&suggestion) {
                    format!(", e.g. `{suggestion}`")
                } else {
                    String::new()
                }
            )),
    );
    false
}

pub(crate) fn doc_ids<T>(
    docs: &[RawDoc<T>],
    kind: &str,
    diags: &mut Vec<Diagnostic>,
) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    for d in docs {
        if check_id(&d.stem, kind, &d.file, None, diags) {
            ids.insert(d.stem.clone());
        }
    }
    ids
}

/// Id sets for checking references.
struct Refs<'a> {
    sources: &'a BTreeSet<String>,
    claims: &'a BTreeSet<String>,
    topics: &'a BTreeSet<String>,
}

/// Looks `id` up in `set`; reports an unknown id (with a near match, if any) at its place.
pub(crate) fn find_ref(
    set: &BTreeSet<String>,
    kind: &str,
    folder: &str,
    id: &Spanned<String>,
    file: &Path,
    diags: &mut Vec<Diagnostic>,
) -> Option<String> {
    if set.contains(&id.value) {
        return Some(id.value.clone());
    }
    let near = closest(&id.value, set);
    diags.push(
        Diagnostic::error(
            match kind {
                "source" => "unknown-source",
                "claim" => "unknown-claim",
                "topic" => "unknown-topic",
                "finding" => "unknown-finding",
                "gap" => "unknown-gap",
                "dataset" => "unknown-dataset",
                _ => "unknown-id",
            },
            format!("there is no {kind} with the id `{}`", id.value),
        )
        .at_opt(
            file,
            position_of(id).map(|p| p.with_len(id.value.chars().count())),
        )
        .label("not defined")
        .help(match (near, folder) {
            (Some(n), "findings") => {
                format!("did you mean `{n}`? (findings are defined in data/findings/)")
            }
            (Some(n), "datasets") => {
                format!("did you mean `{n}`? (defined in data/datasets/{n}.yaml)")
            }
            (Some(n), _) => format!("did you mean `{n}`? (defined in content/{folder}/{n}.md)"),
            (None, "findings") => "add the finding to data/findings/, or fix the id".to_string(),
            (None, "datasets") => format!("create data/datasets/{}.yaml, or fix the id", id.value),
            (None, _) => format!("create content/{folder}/{}.md, or fix the id", id.value),
        }),
    );
    None
}

impl Refs<'_> {
    fn source(
        &self,
        id: &Spanned<String>,
        file: &Path,
        d: &mut Vec<Diagnostic>,
    ) -> Option<SourceId> {
        find_ref(self.sources, "source", "sources", id, file, d).map(SourceId)
    }

    fn claim(&self, id: &Spanned<String>, file: &Path, d: &mut Vec<Diagnostic>) -> Option<ClaimId> {
        find_ref(self.claims, "claim", "claims", id, file, d).map(ClaimId)
    }

    fn topic(&self, id: &Spanned<String>, file: &Path, d: &mut Vec<Diagnostic>) -> Option<TopicId> {
        find_ref(self.topics, "topic", "topics", id, file, d).map(TopicId)
    }
}

/// The known id nearest to `id` by edit distance, if it is near enough to be a typo.
fn closest<'a>(id: &str, set: &'a BTreeSet<String>) -> Option<&'a str> {
    set.iter()
        .map(|s| (edit_distance(id, s), s))
        .filter(|(d, s)| *d <= (s.len() / 3).max(2))
        .min()
        .map(|(_, s)| s.as_str())
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

fn resolve_config(parsed: &Parsed, env: &Environment, diags: &mut Vec<Diagnostic>) -> Config {
    let file = Path::new("site.yaml");
    let Some(raw) = &parsed.config else {
        return Config {
            title: String::new(),
            base_url: "/".into(),
            base_path: "/".into(),
            language: "en-GB".into(),
            description: None,
            theme: "default".into(),
            version: None,
            date: env.source_date.clone(),
            publisher: None,
            license: None,
            repository: None,
            raw_html: false,
            menu: Vec::new(),
        };
    };
    let mut base_url = env
        .base_url
        .clone()
        .unwrap_or_else(|| raw.base_url.value.clone());
    if !base_url.ends_with('/') {
        base_url.push('/');
    }
    let base_path = match base_url
        .strip_prefix("https://")
        .or_else(|| base_url.strip_prefix("http://"))
    {
        Some(rest) if !rest.starts_with('/') && rest.len() > 1 => rest
            .find('/')
            .map_or("/".to_string(), |i| rest[i..].to_string()),
        _ => {
            diags.push(
                Diagnostic::error(
                    "invalid-url",
                    format!("`{}` is not an absolute http(s) URL", raw.base_url.value),
                )
                .at_opt(file, position_of(&raw.base_url))
                .help("give the URL the site is published at, e.g. https://example.org/evidence/"),
            );
            "/".to_string()
        }
    };
    let date = match &raw.date {
        Some(d) => {
            if parse_date(&d.value).is_none_or(|d| d.day.is_none()) {
                diags.push(
                    Diagnostic::error("invalid-date", format!("`{}` is not a date", d.value))
                        .at_opt(file, position_of(d))
                        .help("write the date as YYYY-MM-DD, in quotes"),
                );
            }
            Some(d.value.clone())
        }
        None => env.source_date.clone(),
    };
    if let Some(lang) = &raw.language {
        let ok = !lang.value.is_empty()
            && lang.value.split('-').all(|p| {
                !p.is_empty() && p.len() <= 8 && p.bytes().all(|b| b.is_ascii_alphanumeric())
            });
        if !ok {
            diags.push(
                Diagnostic::error(
                    "invalid-language",
                    format!("`{}` is not a language tag", lang.value),
                )
                .at_opt(file, position_of(lang))
                .help("use a BCP 47 tag such as en-GB or cy"),
            );
        }
    }
    let repository = raw.repository.as_ref().map(|r| {
        check_url(file, r, diags);
        r.value.clone()
    });
    let menu = raw
        .menu
        .iter()
        .map(|m| MenuItem {
            title: m.title.clone(),
            url: m.url.value.clone(),
        })
        .collect();
    Config {
        title: raw.title.value.clone(),
        base_url,
        base_path,
        language: raw
            .language
            .as_ref()
            .map_or_else(|| "en-GB".to_string(), |l| l.value.clone()),
        description: raw.description.clone(),
        theme: raw
            .theme
            .as_ref()
            .map_or_else(|| "default".to_string(), |t| t.value.clone()),
        version: raw.version.as_ref().map(|v| v.value.clone()),
        date,
        publisher: raw.publisher.clone(),
        license: raw.license.clone(),
        repository,
        raw_html: raw.raw_html,
        menu,
    }
}

/// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, with real months and days.
pub fn parse_date(s: &str) -> Option<Date> {
    let mut parts = s.split('-');
    let year_s = parts.next()?;
    if year_s.len() != 4 {
        return None;
    }
    let year: i32 = year_s.parse().ok()?;
    let month = match parts.next() {
        Some(m) if m.len() == 2 => Some(m.parse::<u8>().ok().filter(|m| (1..=12).contains(m))?),
        Some(_) => return None,
        None => None,
    };
    let day = match parts.next() {
        Some(d) if d.len() == 2 => {
            let d: u8 = d.parse().ok()?;
            let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
            let max = match month? {
                2 if leap => 29,
                2 => 28,
                4 | 6 | 9 | 11 => 30,
                _ => 31,
            };
            Some(d).filter(|d| (1..=max).contains(d))?.into()
        }
        Some(_) => return None,
        None => None,
    };
    if parts.next().is_some() {
        return None;
    }
    Some(Date { year, month, day })
}

fn check_url(file: &Path, url: &Spanned<String>, diags: &mut Vec<Diagnostic>) -> bool {
    let u = url.value.trim();
    let ok = (u.starts_with("https://") || u.starts_with("http://"))
        && u.len() > "https://x".len()
        && !u
            .chars()
            .any(|c| c.is_whitespace() || c == '"' || c == '<' || c == '>');
    if !ok {
        diags.push(
            Diagnostic::error(
                "invalid-url",
                format!("`{}` is not an absolute http(s) URL", url.value),
            )
            .at_opt(file, position_of(url))
            .help("write the full address, starting with https://"),
        );
    }
    ok
}

/// `10.<registrant>/<suffix>`, as the DOI handbook defines it.
pub fn valid_doi(doi: &str) -> bool {
    let Some(rest) = doi.strip_prefix("10.") else {
        return false;
    };
    let Some((registrant, suffix)) = rest.split_once('/') else {
        return false;
    };
    !registrant.is_empty()
        && registrant
            .split('.')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        && !suffix.is_empty()
        && !suffix.chars().any(char::is_whitespace)
}

/// ISBN-10 or ISBN-13 with a correct check digit; hyphens and spaces are ignored.
pub fn valid_isbn(isbn: &str) -> bool {
    let chars: Vec<char> = isbn.chars().filter(|c| *c != '-' && *c != ' ').collect();
    match chars.len() {
        10 => {
            let mut sum = 0u32;
            for (i, c) in chars.iter().enumerate() {
                let v = match (i, c) {
                    (9, 'X' | 'x') => 10,
                    (_, c) => match c.to_digit(10) {
                        Some(v) => v,
                        None => return false,
                    },
                };
                sum += v * (10 - i as u32);
            }
            sum.is_multiple_of(11)
        }
        13 => {
            let mut sum = 0u32;
            for (i, c) in chars.iter().enumerate() {
                let Some(v) = c.to_digit(10) else {
                    return false;
                };
                sum += if i % 2 == 0 { v } else { 3 * v };
            }
            sum.is_multiple_of(10)
        }
        _ => false,
    }
}

/// ISSN `NNNN-NNNC` with a correct check digit.
pub fn valid_issn(issn: &str) -> bool {
    let chars: Vec<char> = issn.chars().filter(|c| *c != '-').collect();
    if chars.len() != 8 || issn.len() != 9 || issn.as_bytes()[4] != b'-' {
        return false;
    }
    let mut sum = 0u32;
    for (i, c) in chars[..7].iter().enumerate() {
        let Some(v) = c.to_digit(10) else {
            return false;
        };
        sum += v * (8 - i as u32);
    }
    let check = (11 - sum % 11) % 11;
    match chars[7] {
        'X' | 'x' => check == 10,
        c => c.to_digit(10) == Some(check),
    }
}

/// The field names a source's `unverified:` map may name.
pub const SOURCE_FIELDS: &[&str] = &[
    "type",
    "title",
    "authors",
    "editors",
    "date",
    "container_title",
    "collection_title",
    "volume",
    "issue",
    "pages",
    "publisher",
    "publisher_place",
    "doi",
    "isbn",
    "issn",
    "url",
    "repository_url",
];

fn person(file: &Path, p: &Spanned<RawPerson>, diags: &mut Vec<Diagnostic>) -> Option<Person> {
    match (&p.value.family, &p.value.given, &p.value.literal) {
        (Some(f), given, None) if !f.trim().is_empty() => Some(Person::Name {
            family: f.clone(),
            given: given.clone(),
        }),
        (None, None, Some(l)) if !l.trim().is_empty() => Some(Person::Literal(l.clone())),
        _ => {
            diags.push(
                Diagnostic::error("invalid-person", "a person needs `family` (and usually `given`), or only `literal`")
                    .at_opt(file, position_of(p))
                    .help("write `{family: Beresford, given: Peter}`, or `{literal: In Control}` for an organisation"),
            );
            None
        }
    }
}

fn resolve_source(
    doc: &RawDoc<crate::parse::RawSource>,
    archives: &BTreeMap<PathBuf, std::sync::Arc<str>>,
    targets: &Targets,
    config: &Config,
    diags: &mut Vec<Diagnostic>,
) -> Source {
    let m = &doc.meta;
    let file = &doc.file;
    let date = parse_date(&m.date.value).unwrap_or_else(|| {
        diags.push(
            Diagnostic::error("invalid-date", format!("`{}` is not a date", m.date.value))
                .at_opt(file, position_of(&m.date))
                .help("write YYYY, YYYY-MM or YYYY-MM-DD, in quotes"),
        );
        Date {
            year: 0,
            month: None,
            day: None,
        }
    });
    if let Some(doi) = &m.doi {
        if !valid_doi(&doi.value) {
            diags.push(
                Diagnostic::error("invalid-doi", format!("`{}` is not a DOI", doi.value))
                    .at_opt(file, position_of(doi))
                    .help("a DOI looks like 10.1234/abc, without https://doi.org/"),
            );
        }
    }
    if let Some(isbn) = &m.isbn {
        if !valid_isbn(&isbn.value) {
            diags.push(
                Diagnostic::error(
                    "invalid-isbn",
                    format!("`{}` is not a valid ISBN (wrong length or check digit)", isbn.value),
                )
                .at_opt(file, position_of(isbn))
                .help("copy the ISBN-13 from the book's imprint page; reference managers drop invalid ones"),
            );
        }
    }
    if let Some(issn) = &m.issn {
        if !valid_issn(&issn.value) {
            diags.push(
                Diagnostic::error(
                    "invalid-issn",
                    format!(
                        "`{}` is not a valid ISSN (format NNNN-NNNC, with its check digit)",
                        issn.value
                    ),
                )
                .at_opt(file, position_of(issn))
                .help("copy the ISSN from the journal's masthead"),
            );
        }
    }
    for url in [&m.url, &m.repository_url].into_iter().flatten() {
        check_url(file, url, diags);
    }
    let archive = m.archive.as_ref().and_then(|a| {
        let p = PathBuf::from(&a.value);
        if archives.contains_key(&p) {
            Some(p)
        } else {
            diags.push(
                Diagnostic::error("missing-archive", format!("there is no archived text at `{}`", a.value))
                    .at_opt(file, position_of(a))
                    .help("put the source's text under archive/ and give its path from the site root, e.g. archive/x.txt"),
            );
            None
        }
    });
    let mut unverified = BTreeMap::new();
    if let Some(u) = &m.unverified {
        for (field, why) in &u.value {
            if SOURCE_FIELDS.contains(&field.as_str()) {
                unverified.insert(field.clone(), why.clone());
            } else {
                diags.push(
                    Diagnostic::error(
                        "unknown-field",
                        format!("`unverified` names `{field}`, which is not a source field"),
                    )
                    .at_opt(file, position_of(u))
                    .help(format!("name one of: {}", SOURCE_FIELDS.join(", "))),
                );
            }
        }
    }
    let source = Source {
        id: SourceId(doc.stem.clone()),
        source_type: match m.source_type.value {
            RawSourceType::ArticleJournal => SourceType::ArticleJournal,
            RawSourceType::Chapter => SourceType::Chapter,
            RawSourceType::ArticleNewspaper => SourceType::ArticleNewspaper,
            RawSourceType::ArticleMagazine => SourceType::ArticleMagazine,
            RawSourceType::Report => SourceType::Report,
            RawSourceType::Book => SourceType::Book,
            RawSourceType::Webpage => SourceType::Webpage,
        },
        title: m.title.clone(),
        authors: m
            .authors
            .iter()
            .filter_map(|p| person(file, p, diags))
            .collect(),
        editors: m
            .editors
            .iter()
            .filter_map(|p| person(file, p, diags))
            .collect(),
        date,
        container_title: m.container_title.clone(),
        collection_title: m.collection_title.clone(),
        volume: m.volume.clone(),
        issue: m.issue.clone(),
        pages: m.pages.clone(),
        publisher: m.publisher.clone(),
        publisher_place: m.publisher_place.clone(),
        doi: m.doi.as_ref().map(|d| d.value.clone()),
        isbn: m.isbn.as_ref().map(|d| d.value.clone()),
        issn: m.issn.as_ref().map(|d| d.value.clone()),
        url: m.url.as_ref().map(|d| d.value.clone()),
        repository_url: m.repository_url.as_ref().map(|d| d.value.clone()),
        kind: match m.kind {
            RawEvidenceKind::Survey => EvidenceKind::Survey,
            RawEvidenceKind::Evaluation => EvidenceKind::Evaluation,
            RawEvidenceKind::OfficialReturnsAnalysis => EvidenceKind::OfficialReturnsAnalysis,
            RawEvidenceKind::PolicyArgument => EvidenceKind::PolicyArgument,
            RawEvidenceKind::NewsReport => EvidenceKind::NewsReport,
            RawEvidenceKind::Report => EvidenceKind::Report,
        },
        archive,
        unverified,
        notes: m.notes.clone(),
        doc: document(doc, targets, config, diags),
    };
    for (field, need, why) in crate::cite::missing_fields(&source) {
        // A field the record names in `unverified:` without a value is known to be unknown:
        // the maintainer has said so, and the page shows the note.
        if matches!(need, crate::cite::Need::Expected) && source.unverified.contains_key(field) {
            continue;
        }
        let message = format!(
            "this {} has no `{field}`, which its citations need: {why}",
            source.source_type.label().to_lowercase()
        );
        let d = match need {
            crate::cite::Need::Required => Diagnostic::error("citation-field-missing", message),
            crate::cite::Need::Expected => Diagnostic::warning("citation-field-missing", message),
        };
        diags.push(d.at_opt(file, position_of(&m.source_type)).help(format!(
            "add `{field}:` to the front matter, or mark what is known in `unverified:`"
        )));
    }
    source
}

fn resolve_value(file: &Path, raw: &Spanned<RawValue>, diags: &mut Vec<Diagnostic>) -> Value {
    let v = &raw.value;
    let mut err = |msg: &str| {
        diags.push(
            Diagnostic::error("invalid-value", msg.to_string())
                .at_opt(file, position_of(raw))
                .help(
                    "give exactly one of: `number`; `min` and `max`; `numerator` and `denominator`",
                ),
        );
    };
    let amount = match (v.number, v.min, v.max, v.numerator, v.denominator) {
        (Some(n), None, None, None, None) => Amount::Number(n),
        (None, Some(min), Some(max), None, None) => {
            if min > max {
                err("`min` is greater than `max`");
            }
            Amount::Range { min, max }
        }
        (None, None, None, Some(numerator), Some(denominator)) => {
            if denominator == 0.0 {
                err("`denominator` is zero");
            }
            Amount::Fraction {
                numerator,
                denominator,
            }
        }
        _ => {
            err("this value does not say how much");
            Amount::Number(f64::NAN)
        }
    };
    let kind = match v.kind {
        RawValueKind::Percent => ValueKind::Percent,
        RawValueKind::Fraction => ValueKind::Fraction,
        RawValueKind::Count => ValueKind::Count,
        RawValueKind::Gbp => ValueKind::Gbp,
        RawValueKind::Ratio => ValueKind::Ratio,
    };
    if let Some(q) = &v.qualifier {
        const QUALIFIERS: [&str; 7] = [
            "almost",
            "more than",
            "less than",
            "at least",
            "up to",
            "as much as",
            "about",
        ];
        if !QUALIFIERS.contains(&q.value.as_str()) {
            diags.push(
                Diagnostic::error(
                    "unknown-qualifier",
                    format!("`{}` is not a qualifier evident knows", q.value),
                )
                .at_opt(file, position_of(q))
                .help(format!("use one of: {}", QUALIFIERS.join(", "))),
            );
        }
    }
    Value {
        kind,
        amount,
        scale: v.scale.map(|s| match s {
            RawScale::Thousand => Scale::Thousand,
            RawScale::Million => Scale::Million,
            RawScale::Billion => Scale::Billion,
        }),
        qualifier: v.qualifier.as_ref().map(|q| q.value.clone()),
        per: v.per.clone(),
    }
}

/// Folds the differences a quote may have from its archived text without changing its words:
/// runs of white space, curly and straight quotes, and dash forms.
pub fn normalise_quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        let c = match c {
            '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '`' => '\'',
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' => '"',
            '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}'
            | '\u{2212}' => '-',
            '\u{00A0}' => ' ',
            c => c,
        };
        if c.is_whitespace() {
            space = true;
        } else {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        }
    }
    out
}

fn check_quote(
    file: &Path,
    quote: &Spanned<String>,
    figure: Option<&Spanned<String>>,
    source: &SourceId,
    archives: &Archives,
    diags: &mut Vec<Diagnostic>,
) {
    let q = normalise_quote(&quote.value);
    if q.is_empty() {
        diags.push(
            Diagnostic::error("empty-quote", "the quote is empty")
                .at_opt(file, position_of(quote))
                .help("copy a short verbatim passage from the source"),
        );
        return;
    }
    if let Some(fig) = figure {
        if !q.contains(&normalise_quote(&fig.value)) || fig.value.trim().is_empty() {
            diags.push(
                Diagnostic::error(
                    "figure-not-in-quote",
                    format!("the figure `{}` does not appear in the quote", fig.value),
                )
                .at_opt(file, position_of(fig))
                .help("write the figure exactly as the quote prints it, or quote the passage that contains it"),
            );
        }
    }
    let Some(archive) = archives.by_source.get(source.as_str()) else {
        // The source's own file failed to parse; that is reported there.
        return;
    };
    match archive {
        Some((path, text)) => {
            if !text.contains(&q) {
                diags.push(
                    Diagnostic::error(
                        "quote-not-in-source",
                        format!("the quote is not in the archived text of `{source}` ({path})"),
                    )
                    .at_opt(file, position_of(quote))
                    .help("copy the words exactly as the source prints them; white space, quote marks and dash forms may differ"),
                );
            }
        }
        None => diags.push(
            Diagnostic::warning(
                "unchecked-quote",
                format!("source `{source}` has no archived text, so this quote cannot be checked"),
            )
            .at_opt(file, position_of(quote))
            .help("archive the source's text under archive/ and set `archive:` on the source"),
        ),
    }
}

/// Each source's archived text, normalised once, so checking many quotes against one source
/// costs one pass over its text, not one per quote.
struct Archives<'p> {
    /// Source id → (archive path, normalised text), or `None` when the source has no archive.
    by_source: HashMap<&'p str, Option<(&'p str, String)>>,
}

impl<'p> Archives<'p> {
    fn new(parsed: &'p Parsed) -> Self {
        let by_source = parsed
            .sources
            .iter()
            .map(|s| {
                let text = s.meta.archive.as_ref().and_then(|a| {
                    parsed
                        .archives
                        .get(Path::new(&a.value))
                        .map(|t| (a.value.as_str(), normalise_quote(t)))
                });
                (s.stem.as_str(), text)
            })
            .collect();
        Archives { by_source }
    }
}

/// Where every link may go: pages, nodes, assets, and the anchors on each page.
struct Targets {
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
    fn new(
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

    fn content_path(&self, file: &Path) -> Option<String> {
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
                "unsafe-link",
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
                Diagnostic::error("broken-link", format!("there is no {kind} with the id `{id}`"))
                    .label("no such page")
                    .help(format!("check the id; {kind} pages are made from content/{kind}s/ (findings from data/findings/)"))
            } else {
                Diagnostic::error("broken-link", format!("`{kind}:` is not a kind of page evident knows"))
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
            return Err(
                Diagnostic::error("broken-link", format!("there is no page `{target}`"))
                    .label("no such file")
                    .help("the path is relative to this file; check the file name under content/"),
            );
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
            "broken-link",
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
                    "broken-anchor",
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

/// The output path of a plain page: `content/about.md` → `about/`, `content/index.md` → ``.
fn page_path(file: &Path) -> String {
    let rel = file.strip_prefix("content").unwrap_or(file);
    let mut s = slash(&rel.with_extension(""));
    if s == "index" {
        return String::new();
    }
    if let Some(stripped) = s.strip_suffix("/index") {
        s = stripped.to_string();
    }
    format!("{s}/")
}

fn document<T>(
    doc: &RawDoc<T>,
    targets: &Targets,
    _config: &Config,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers() {
        assert!(valid_isbn("978-1-4473-6679-9"));
        assert!(valid_isbn("978-1-4473-1614-5"));
        assert!(!valid_isbn("978-1-4473-1614-4"));
        assert!(valid_issn("0264-519X"));
        assert!(!valid_issn("0264-5191"));
        assert!(valid_doi("10.56687/9781447366799-010"));
        assert!(!valid_doi("https://doi.org/10.1/x"));
    }

    #[test]
    fn dates() {
        assert_eq!(
            parse_date("2013-06-25").map(|d| d.long()),
            Some("25 June 2013".into())
        );
        assert!(parse_date("2013-02-29").is_none());
        assert!(parse_date("2012-02-29").is_some());
        assert!(parse_date("13-01").is_none());
    }

    #[test]
    fn quotes_normalise() {
        assert_eq!(
            normalise_quote("  it’s “fine” –\n ok "),
            normalise_quote("it's \"fine\" - ok")
        );
    }

    #[test]
    fn ids() {
        assert!(valid_id("a-b-2013"));
        for bad in ["A", "a b", "a/b", "..", "-a", "a_b", ""] {
            assert!(!valid_id(bad), "{bad}");
        }
    }

    #[test]
    fn page_paths() {
        assert_eq!(page_path(Path::new("content/index.md")), "");
        assert_eq!(page_path(Path::new("content/about.md")), "about/");
        assert_eq!(page_path(Path::new("content/a/index.md")), "a/");
    }
}
