//! Versions: what changed between two evidence graphs, and the views of it. A release is the
//! graph `evident release` stored in `releases/<version>.json`; [`diff`] compares two graphs
//! (pure, and tested on its own), and the views built from it are the `/versions/` page (every
//! release, newest first, and what is not yet released), each release's "What changed" page
//! (`/versions/<version>/`, against the release before it) and the history a finding's page
//! shows ("Changed in 0.2.0: the figure was 72%; now 68%").

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::model::*;
use crate::render::exports::value_key;

/// The current site as a graph, as `evidence.json` would record it.
pub(crate) fn graph_of(site: &Site) -> Graph {
    let findings = (site.findings.values())
        .map(|f| (f.id.0.clone(), graph_finding(f)))
        .collect();
    let claims = (site.claims.values())
        .map(|c| (c.id.0.clone(), c.title.clone()))
        .collect();
    let stances = (site.findings.values().filter(|f| f.counts()))
        .flat_map(|f| {
            (f.stances.iter()).map(|s| ((f.id.0.clone(), s.claim.0.clone()), s.kind.key().into()))
        })
        .collect();
    Graph {
        findings,
        claims,
        stances,
    }
}

/// A finding as a release records it.
fn graph_finding(f: &Finding) -> GraphFinding {
    GraphFinding {
        statement: f.statement.clone(),
        figure: f.figure.as_ref().map(|x| x.text.clone()),
        value: f.figure.as_ref().map(|x| value_key(&x.value)),
        withdrawn: f.withdrawn.clone(),
        provenance: Some(Provenance {
            quote: f.quote.clone(),
            locator: f.locator.clone(),
            source: f.source.0.clone(),
            origin: f.origin.as_ref().map(|o| o.0.clone()),
        }),
    }
}

/// One field of a finding that changed: `statement`, `figure` or `value`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct FieldChange {
    pub field: &'static str,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// A node (finding, claim, stance) whose fields changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Changed<K> {
    pub key: K,
    pub fields: Vec<FieldChange>,
}

/// What changed from one graph to the next. Withdrawn findings are listed as withdrawn (not as
/// changed), and their stances are not listed: they no longer bear on any claim.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Changes {
    pub findings_added: Vec<String>,
    pub findings_changed: Vec<Changed<String>>,
    pub findings_withdrawn: Vec<String>,
    /// Findings the newer graph does not have at all (deleted from the YAML).
    pub findings_removed: Vec<String>,
    pub claims_added: Vec<String>,
    pub claims_changed: Vec<Changed<String>>,
    pub claims_removed: Vec<String>,
    pub stances_added: Vec<(String, String)>,
    pub stances_changed: Vec<Changed<(String, String)>>,
    pub stances_removed: Vec<(String, String)>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        *self == Changes::default()
    }
}

fn field(
    field: &'static str,
    before: &Option<String>,
    after: &Option<String>,
) -> Option<FieldChange> {
    (before != after).then(|| FieldChange {
        field,
        before: before.clone(),
        after: after.clone(),
    })
}

/// The fields of a finding that differ between two records: what it says, and where that comes
/// from (the fields whose change re-dates it in `permalinks.txt`), when both records have them.
fn finding_fields(old: &GraphFinding, new: &GraphFinding) -> Vec<FieldChange> {
    let statement = |f: &GraphFinding| Some(f.statement.clone());
    let mut fields: Vec<FieldChange> = [
        field("figure", &old.figure, &new.figure),
        field("value", &old.value, &new.value),
        field("statement", &statement(old), &statement(new)),
    ]
    .into_iter()
    .flatten()
    .collect();
    if let (Some(a), Some(b)) = (&old.provenance, &new.provenance) {
        let some = |s: &String| Some(s.clone());
        fields.extend(
            [
                field("quote", &some(&a.quote), &some(&b.quote)),
                field("locator", &some(&a.locator), &some(&b.locator)),
                field("source", &some(&a.source), &some(&b.source)),
                field("origin", &a.origin, &b.origin),
            ]
            .into_iter()
            .flatten(),
        );
    }
    fields
}

/// What changed from `old` to `new`.
pub(crate) fn diff(old: &Graph, new: &Graph) -> Changes {
    let mut c = Changes::default();
    for (id, f) in &new.findings {
        match old.findings.get(id) {
            None if f.withdrawn.is_none() => c.findings_added.push(id.clone()),
            // Added and withdrawn between two releases: no reader saw it counted.
            None => {}
            Some(o) if o.withdrawn.is_none() && f.withdrawn.is_some() => {
                c.findings_withdrawn.push(id.clone())
            }
            Some(o) => {
                let fields = finding_fields(o, f);
                if !fields.is_empty() {
                    let key = id.clone();
                    c.findings_changed.push(Changed { key, fields });
                }
            }
        }
    }
    c.findings_removed = (old.findings.keys())
        .filter(|id| !new.findings.contains_key(*id))
        .cloned()
        .collect();
    for (id, title) in &new.claims {
        match old.claims.get(id) {
            None => c.claims_added.push(id.clone()),
            Some(t) if t != title => c.claims_changed.push(Changed {
                key: id.clone(),
                fields: vec![FieldChange {
                    field: "title",
                    before: Some(t.clone()),
                    after: Some(title.clone()),
                }],
            }),
            Some(_) => {}
        }
    }
    c.claims_removed = (old.claims.keys())
        .filter(|id| !new.claims.contains_key(*id))
        .cloned()
        .collect();
    diff_stances(old, new, &mut c);
    c
}

/// Stances added, changed and removed, leaving out those of findings withdrawn or removed (the
/// finding's own entry says so).
fn diff_stances(old: &Graph, new: &Graph, c: &mut Changes) {
    let gone: BTreeSet<&String> = (c.findings_withdrawn.iter())
        .chain(&c.findings_removed)
        .collect();
    for (key, kind) in &new.stances {
        match old.stances.get(key) {
            None => c.stances_added.push(key.clone()),
            Some(k) if k != kind => c.stances_changed.push(Changed {
                key: key.clone(),
                fields: vec![FieldChange {
                    field: "stance",
                    before: Some(k.clone()),
                    after: Some(kind.clone()),
                }],
            }),
            Some(_) => {}
        }
    }
    c.stances_removed = (old.stances.keys())
        .filter(|k| !new.stances.contains_key(*k) && !gone.contains(&k.0))
        .cloned()
        .collect();
}

/// Every release compared with the one before it (`None` for the first), oldest first, and the
/// current graph compared with the newest release.
pub(crate) struct History {
    pub releases: Vec<(usize, Option<Changes>)>,
    pub unreleased: Option<Changes>,
    pub current: Graph,
}

pub(crate) fn history(site: &Site) -> History {
    let releases: Vec<(usize, Option<Changes>)> = (0..site.releases.len())
        .map(|i| {
            let before = i.checked_sub(1).map(|j| &site.releases[j].graph);
            (i, before.map(|b| diff(b, &site.releases[i].graph)))
        })
        .collect();
    let current = graph_of(site);
    let unreleased = site.releases.last().map(|r| diff(&r.graph, &current));
    History {
        releases,
        unreleased,
        current,
    }
}

/// The path of a release's page, and of its stored graph.
pub(crate) fn release_path(version: &str) -> String {
    format!("versions/{version}/")
}

pub(crate) fn release_graph_path(version: &str) -> String {
    format!("versions/{version}/evidence.json")
}

/// A finding's change in one release, for its page: newest first.
#[derive(Clone, Serialize)]
pub(crate) struct FindingChangeView {
    pub version: String,
    pub date: String,
    /// The release's "What changed" page, at this finding.
    pub url: String,
    pub fields: Vec<FieldView>,
}

/// One changed field, with its name in the site's language.
#[derive(Clone, Serialize)]
pub(crate) struct FieldView {
    pub field: &'static str,
    pub label: String,
    pub before: String,
    pub after: String,
}

/// The record a finding's "Cite this version" names: the newest release that has it, its stored
/// graph, and whether the finding has changed since.
#[derive(Clone, Serialize)]
pub(crate) struct ReleaseRecordView {
    pub version: String,
    pub date: String,
    /// The stored graph, at the finding (`…/evidence.json#<id>`): a link, and the absolute URL to
    /// cite.
    pub url: String,
    pub permalink: String,
    pub changed_since: bool,
}

/// What the versions pages and finding pages need, computed once.
pub(crate) struct VersionsView {
    pub history: History,
    pub by_finding: BTreeMap<String, Vec<FindingChangeView>>,
    pub records: BTreeMap<String, ReleaseRecordView>,
}

/// Changed fields with their names in the site's language. A value that changed with its figure
/// is left out (the figure says it, as printed); a value that changed alone is put in words.
pub(crate) fn field_views(site: &Site, fields: &[FieldChange]) -> Vec<FieldView> {
    let none = site.strings.text("version_none");
    let figure_changed = fields.iter().any(|f| f.field == "figure");
    let shown = |f: &FieldChange, v: &Option<String>| match (f.field, v) {
        (_, None) => none.clone(),
        ("value", Some(v)) => value_words(v),
        ("quote", Some(v)) => site.strings.with("version_quoted", &[("quote", v)]),
        (_, Some(v)) => v.clone(),
    };
    fields
        .iter()
        .filter(|f| !(figure_changed && f.field == "value"))
        .map(|f| FieldView {
            field: f.field,
            label: site.strings.text(&format!("version_field_{}", f.field)),
            before: shown(f, &f.before),
            after: shown(f, &f.after),
        })
        .collect()
}

/// A structured value (as `evidence.json` prints it) in words: `more than 72 percent`,
/// `2/3 fraction`, `0.5 billion GBP money`.
fn value_words(json: &str) -> String {
    let Ok(serde_json::Value::Object(m)) = serde_json::from_str::<serde_json::Value>(json) else {
        return json.to_string();
    };
    let text = |k: &str| match m.get(k) {
        Some(serde_json::Value::String(s)) => Some(s.clone()),
        Some(serde_json::Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let amount = match (text("number"), text("min"), text("max")) {
        (Some(n), _, _) => n,
        (None, Some(a), Some(b)) => format!("{a}–{b}"),
        _ => match (text("numerator"), text("denominator")) {
            (Some(a), Some(b)) => format!("{a}/{b}"),
            _ => String::new(),
        },
    };
    let per = text("per").map(|p| format!("per {p}"));
    [
        text("qualifier"),
        Some(amount),
        text("scale"),
        text("currency"),
        text("kind"),
        per,
    ]
    .into_iter()
    .flatten()
    .filter(|s| !s.is_empty())
    .collect::<Vec<_>>()
    .join(" ")
}

pub(crate) fn versions_view(site: &Site) -> VersionsView {
    let history = history(site);
    let base = &site.config.base_path;
    let mut by_finding: BTreeMap<String, Vec<FindingChangeView>> = BTreeMap::new();
    for (i, changes) in history.releases.iter().rev() {
        let r = &site.releases[*i];
        for c in changes.iter().flat_map(|c| &c.findings_changed) {
            by_finding
                .entry(c.key.clone())
                .or_default()
                .push(FindingChangeView {
                    version: r.version.clone(),
                    date: r.date.clone(),
                    url: format!("{base}{}#finding-{}", release_path(&r.version), c.key),
                    fields: field_views(site, &c.fields),
                });
        }
    }
    let records = (site.findings.values())
        .filter_map(|f| Some((f.id.0.clone(), record_of(site, f)?)))
        .collect();
    VersionsView {
        history,
        by_finding,
        records,
    }
}

/// The newest release that recorded a finding (which need not be the site's: `serve`'s finding as
/// just edited), and whether the finding changed since.
pub(crate) fn record_of(site: &Site, f: &Finding) -> Option<ReleaseRecordView> {
    let id = &f.id.0;
    let r = (site.releases.iter().rev()).find(|r| r.graph.findings.contains_key(id))?;
    let graph = release_graph_path(&r.version);
    Some(ReleaseRecordView {
        version: r.version.clone(),
        date: r.date.clone(),
        url: format!("{}{graph}#{id}", site.config.base_path),
        permalink: format!("{}{graph}#{id}", site.config.base_url),
        changed_since: Some(&graph_finding(f)) != r.graph.findings.get(id),
    })
}

/// A node named on a versions page: its id, how it is named, and its page (when the site still
/// has one).
#[derive(Clone, Serialize)]
pub(crate) struct ItemView {
    pub id: String,
    pub label: String,
    pub url: Option<String>,
}

#[derive(Clone, Serialize)]
pub(crate) struct ChangedView {
    pub item: ItemView,
    /// The anchor of its row (`finding-<id>`), which finding pages link to.
    pub anchor: String,
    pub fields: Vec<FieldView>,
}

#[derive(Clone, Serialize)]
pub(crate) struct WithdrawnView {
    pub item: ItemView,
    pub date: String,
    pub reason: String,
    pub replaced_by: Option<ItemView>,
}

#[derive(Clone, Serialize)]
pub(crate) struct StanceChangeView {
    pub finding: ItemView,
    pub claim: ItemView,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// What changed, as a page shows it.
#[derive(Clone, Serialize)]
pub(crate) struct ChangesView {
    pub empty: bool,
    pub findings_added: Vec<ItemView>,
    pub findings_changed: Vec<ChangedView>,
    pub findings_withdrawn: Vec<WithdrawnView>,
    pub findings_removed: Vec<ItemView>,
    pub claims_added: Vec<ItemView>,
    pub claims_changed: Vec<ChangedView>,
    pub claims_removed: Vec<ItemView>,
    pub stances_added: Vec<StanceChangeView>,
    pub stances_changed: Vec<StanceChangeView>,
    pub stances_removed: Vec<StanceChangeView>,
}

/// A release on the `/versions/` page, and on its own page.
#[derive(Clone, Serialize)]
pub(crate) struct ReleaseView {
    pub version: String,
    pub date: String,
    pub url: String,
    pub graph_url: String,
    /// The release before it, which it is compared with (`None` for the first release).
    pub previous: Option<Box<ReleaseView>>,
    /// For the first release: how many findings (not withdrawn), claims and stances it has.
    pub findings: usize,
    pub claims: usize,
    pub stances: usize,
    pub changes: Option<ChangesView>,
}

/// Names nodes on versions pages: from the site when it still has them, else from the graphs.
struct Namer<'a> {
    site: &'a Site,
    graphs: [&'a Graph; 2],
}

impl Namer<'_> {
    fn finding(&self, id: &str) -> ItemView {
        let base = &self.site.config.base_path;
        let here = self.site.findings.get(&FindingId(id.to_string()));
        let stored = self.graphs.iter().find_map(|g| g.findings.get(id));
        let label = match (here, stored) {
            (Some(f), _) => f.label().to_string(),
            (None, Some(g)) => g.figure.clone().unwrap_or_else(|| g.statement.clone()),
            (None, None) => id.to_string(),
        };
        ItemView {
            id: id.to_string(),
            label,
            url: here.map(|f| format!("{base}{}", f.id.path())),
        }
    }

    fn claim(&self, id: &str) -> ItemView {
        let base = &self.site.config.base_path;
        let here = self.site.claims.get(&ClaimId(id.to_string()));
        let stored = self.graphs.iter().find_map(|g| g.claims.get(id));
        ItemView {
            id: id.to_string(),
            label: here
                .map(|c| c.title.clone())
                .or_else(|| stored.cloned())
                .unwrap_or_else(|| id.to_string()),
            url: here.map(|c| format!("{base}{}", c.id.path())),
        }
    }

    fn stance(&self, key: &(String, String), fields: Option<&FieldChange>) -> StanceChangeView {
        let label = |k: &Option<String>| {
            k.as_ref()
                .map(|k| self.site.strings.text(&format!("stance_{k}")))
        };
        let [old, new] = self.graphs;
        let (before, after) = match fields {
            Some(f) => (label(&f.before), label(&f.after)),
            None => (
                label(&old.stances.get(key).cloned()),
                label(&new.stances.get(key).cloned()),
            ),
        };
        StanceChangeView {
            finding: self.finding(&key.0),
            claim: self.claim(&key.1),
            before,
            after,
        }
    }
}

/// What changed from `old` to `new`, as a page shows it.
pub(crate) fn changes_view(site: &Site, c: &Changes, old: &Graph, new: &Graph) -> ChangesView {
    let n = Namer {
        site,
        graphs: [old, new],
    };
    let changed = |list: &[Changed<String>], kind: &str| -> Vec<ChangedView> {
        list.iter()
            .map(|x| ChangedView {
                item: if kind == "finding" {
                    n.finding(&x.key)
                } else {
                    n.claim(&x.key)
                },
                anchor: format!("{kind}-{}", x.key),
                fields: field_views(site, &x.fields),
            })
            .collect()
    };
    let withdrawn = (c.findings_withdrawn.iter())
        .filter_map(|id| {
            let w = new.findings.get(id)?.withdrawn.as_ref()?;
            Some(WithdrawnView {
                item: n.finding(id),
                date: w.date.clone(),
                reason: w.reason.clone(),
                replaced_by: w.replaced_by.as_ref().map(|r| n.finding(&r.0)),
            })
        })
        .collect();
    ChangesView {
        empty: c.is_empty(),
        findings_added: c.findings_added.iter().map(|x| n.finding(x)).collect(),
        findings_changed: changed(&c.findings_changed, "finding"),
        findings_withdrawn: withdrawn,
        findings_removed: c.findings_removed.iter().map(|x| n.finding(x)).collect(),
        claims_added: c.claims_added.iter().map(|x| n.claim(x)).collect(),
        claims_changed: changed(&c.claims_changed, "claim"),
        claims_removed: c.claims_removed.iter().map(|x| n.claim(x)).collect(),
        stances_added: c.stances_added.iter().map(|k| n.stance(k, None)).collect(),
        stances_changed: (c.stances_changed.iter())
            .map(|x| n.stance(&x.key, x.fields.first()))
            .collect(),
        stances_removed: c
            .stances_removed
            .iter()
            .map(|k| n.stance(k, None))
            .collect(),
    }
}

/// Each release's page view, oldest first.
pub(crate) fn release_views(site: &Site, history: &History) -> Vec<ReleaseView> {
    let base = &site.config.base_path;
    let mut out: Vec<ReleaseView> = Vec::new();
    for (i, changes) in &history.releases {
        let r = &site.releases[*i];
        let g = &r.graph;
        let changes = match (changes, i.checked_sub(1)) {
            (Some(c), Some(j)) => Some(changes_view(site, c, &site.releases[j].graph, g)),
            _ => None,
        };
        let view = ReleaseView {
            version: r.version.clone(),
            date: r.date.clone(),
            url: format!("{base}{}", release_path(&r.version)),
            graph_url: format!("{base}{}", release_graph_path(&r.version)),
            previous: out.last().map(|p| {
                Box::new(ReleaseView {
                    previous: None,
                    changes: None,
                    ..p.clone()
                })
            }),
            findings: g
                .findings
                .values()
                .filter(|f| f.withdrawn.is_none())
                .count(),
            claims: g.claims.len(),
            stances: g.stances.len(),
            changes,
        };
        out.push(view);
    }
    out
}

/// The changes since the newest release, when there are any.
pub(crate) fn unreleased_view(site: &Site, history: &History) -> Option<ChangesView> {
    let (c, last) = (history.unreleased.as_ref()?, site.releases.last()?);
    (!c.is_empty()).then(|| changes_view(site, c, &last.graph, &history.current))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(statement: &str, figure: Option<&str>) -> GraphFinding {
        GraphFinding {
            statement: statement.into(),
            figure: figure.map(str::to_string),
            value: figure.map(|f| format!("{{\"v\":\"{f}\"}}")),
            withdrawn: None,
            provenance: None,
        }
    }

    fn graph(findings: &[(&str, GraphFinding)], stances: &[(&str, &str, &str)]) -> Graph {
        Graph {
            findings: (findings.iter())
                .map(|(id, f)| (id.to_string(), f.clone()))
                .collect(),
            claims: [("c".to_string(), "A claim".to_string())].into(),
            stances: (stances.iter())
                .map(|(f, c, s)| ((f.to_string(), c.to_string()), s.to_string()))
                .collect(),
        }
    }

    #[test]
    fn the_same_graph_has_no_changes() {
        let g = graph(
            &[("a", finding("A", Some("72%")))],
            &[("a", "c", "supports")],
        );
        assert!(diff(&g, &g).is_empty());
    }

    #[test]
    fn a_changed_figure_gives_its_old_and_new_value() {
        let old = graph(&[("a", finding("A", Some("72%")))], &[]);
        let new = graph(&[("a", finding("A", Some("68%")))], &[]);
        let c = diff(&old, &new);
        assert_eq!(c.findings_changed.len(), 1);
        let fields = &c.findings_changed[0].fields;
        assert_eq!(fields[0].field, "figure");
        assert_eq!(fields[0].before.as_deref(), Some("72%"));
        assert_eq!(fields[0].after.as_deref(), Some("68%"));
        assert_eq!(fields[1].field, "value");
        assert!(c.findings_added.is_empty() && c.findings_removed.is_empty());
    }

    /// What re-dates a finding in `permalinks.txt` (its quote, locator, source, original study)
    /// is a change too, so that "What changed" agrees with the page's "Last changed"; a record
    /// that did not keep them shows no change in them.
    #[test]
    fn a_changed_quote_locator_source_or_origin_is_a_change() {
        let with = |quote: &str, locator: &str, source: &str, origin: Option<&str>| GraphFinding {
            provenance: Some(Provenance {
                quote: quote.into(),
                locator: locator.into(),
                source: source.into(),
                origin: origin.map(str::to_string),
            }),
            ..finding("A", Some("72%"))
        };
        let old = graph(&[("a", with("72% said so", "p. 1", "s", None))], &[]);
        let new = graph(&[("a", with("72% said", "p. 2", "t", Some("s")))], &[]);
        let c = diff(&old, &new);
        let fields: Vec<&str> = c.findings_changed[0]
            .fields
            .iter()
            .map(|f| f.field)
            .collect();
        assert_eq!(fields, ["quote", "locator", "source", "origin"]);
        let origin = &c.findings_changed[0].fields[3];
        assert_eq!(
            (origin.before.as_deref(), origin.after.as_deref()),
            (None, Some("s"))
        );
        assert!(diff(&old, &old).is_empty());
        let unkept = graph(&[("a", finding("A", Some("72%")))], &[]);
        assert!(diff(&unkept, &new).is_empty(), "a record without them");
    }

    #[test]
    fn added_removed_and_withdrawn_findings_are_told_apart() {
        let old = graph(
            &[("a", finding("A", None)), ("b", finding("B", None))],
            &[("a", "c", "supports"), ("b", "c", "contradicts")],
        );
        let mut withdrawn = finding("A", None);
        withdrawn.withdrawn = Some(Box::new(Withdrawn {
            date: "2026-01-02".into(),
            reason: "Misread".into(),
            replaced_by: None,
        }));
        let new = graph(
            &[("a", withdrawn), ("n", finding("N", Some("5")))],
            &[("n", "c", "mixed")],
        );
        let c = diff(&old, &new);
        assert_eq!(c.findings_added, ["n"]);
        assert_eq!(c.findings_withdrawn, ["a"]);
        assert_eq!(c.findings_removed, ["b"]);
        assert!(c.findings_changed.is_empty());
        // The stances of the withdrawn and the removed finding are not listed again.
        assert!(c.stances_removed.is_empty(), "{:?}", c.stances_removed);
        assert_eq!(c.stances_added, [("n".to_string(), "c".to_string())]);
    }

    #[test]
    fn a_value_reads_in_words() {
        assert_eq!(
            value_words(r#"{"kind":"percent","number":72}"#),
            "72 percent"
        );
        assert_eq!(
            value_words(r#"{"currency":"GBP","kind":"money","number":0.5,"scale":"billion"}"#),
            "0.5 billion GBP money"
        );
        assert_eq!(
            value_words(
                r#"{"denominator":3,"kind":"fraction","numerator":2,"qualifier":"more than"}"#
            ),
            "more than 2/3 fraction"
        );
    }

    #[test]
    fn a_changed_stance_and_claim_title_are_changes() {
        let old = graph(&[("a", finding("A", None))], &[("a", "c", "supports")]);
        let mut new = graph(&[("a", finding("A", None))], &[("a", "c", "mixed")]);
        new.claims.insert("c".into(), "A better claim".into());
        new.claims.insert("d".into(), "Another".into());
        let c = diff(&old, &new);
        assert_eq!(c.stances_changed.len(), 1);
        assert_eq!(
            c.stances_changed[0].fields[0].before.as_deref(),
            Some("supports")
        );
        assert_eq!(
            c.stances_changed[0].fields[0].after.as_deref(),
            Some("mixed")
        );
        assert_eq!(c.claims_changed.len(), 1);
        assert_eq!(c.claims_added, ["d"]);
    }

    /// A site with a figure, a qualitative finding, a withdrawn one and a stance; `extra` is
    /// added to its files.
    fn site_with(extra: &[(&str, &str)]) -> Site {
        use crate::load::Inputs;
        let mut inputs = Inputs::default();
        inputs.insert_text(
            "site.yaml",
            "title: T\nbase_url: https://example.org/\nversion: \"0.2.0\"\n",
        );
        inputs.insert_text("archive/s.txt", "Most (72%) agreed. Few did.");
        inputs.insert_text(
            "content/sources/s.md",
            "---\ntype: report\ntitle: S\ndate: \"2012\"\nkind: report\narchive: archive/s.txt\n---\n",
        );
        inputs.insert_text("content/topics/t.md", "---\ntitle: T\n---\n");
        inputs.insert_text("content/claims/c.md", "---\ntitle: C\ntopic: t\n---\n");
        inputs.insert_text(
            "data/findings/f.yaml",
            "findings:\n  - id: most\n    statement: Most agreed.\n    figure: \"72%\"\n    value: {kind: percent, number: 72}\n    source: s\n    locator: p 1\n    quote: \"Most (72%) agreed.\"\n    stances: [{claim: c, stance: supports, reason: r}]\n  - id: few\n    statement: Few did.\n    source: s\n    locator: p 1\n    quote: \"Few did.\"\n    stances: [{claim: c, stance: mixed, reason: r}]\n    withdrawn: {date: \"2026-01-02\", reason: Misread., replaced_by: most}\n",
        );
        for (path, text) in extra {
            inputs.insert_text(*path, *text);
        }
        let (parsed, _) = crate::parse::parse(&inputs, &crate::load::Disk);
        let (site, _, diags) = crate::resolve::resolve(parsed, &Environment::default());
        assert!(diags.iter().all(|d| !d.is_error()), "{diags:?}");
        site
    }

    /// What `evident release` stores reads back as the graph the site has: a release of an
    /// unchanged site shows no change.
    #[test]
    fn a_release_record_reads_back_as_the_graph_it_recorded() {
        let site = site_with(&[]);
        let json = crate::render::exports::release_json(&site, "0.2.0", "2026-02-03");
        let text = String::from_utf8(json).unwrap();
        let again = site_with(&[("releases/0.2.0.json", &text)]);
        assert_eq!(again.releases.len(), 1);
        let r = &again.releases[0];
        assert_eq!(
            (r.version.as_str(), r.date.as_str()),
            ("0.2.0", "2026-02-03")
        );
        assert_eq!(r.graph, graph_of(&site));
        assert!(r.graph.findings["few"].withdrawn.is_some());
        assert!(!r.graph.stances.contains_key(&("few".into(), "c".into())));
        let h = history(&again);
        assert!(h.unreleased.unwrap().is_empty());
    }
}
