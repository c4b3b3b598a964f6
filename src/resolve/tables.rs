//! Tables (`data/tables/*.yaml`): rows picked from findings, gaps, claims or a dataset's rows,
//! and columns from a fixed vocabulary. A gap row shows its figures as missing, never as zero.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::diagnostic::{Code, Diagnostic, Position};
use crate::model::*;
use crate::parse::raw::{RawChart, RawFile, RawTable};
use crate::parse::yaml::{position_of, Spanned};
use crate::resolve::ids::{check_id, find_ref, Ids, RefKind};

/// What a table or dataset may refer to.
pub(crate) struct Known<'a> {
    pub ids: &'a Ids,
    pub findings: &'a BTreeMap<FindingId, std::sync::Arc<Finding>>,
    /// Each finding's figure and value, also for findings left out of the model.
    pub figures: &'a BTreeMap<FindingId, (String, Value)>,
    /// A findings file failed to parse: unknown finding ids are not reported again.
    pub findings_incomplete: bool,
    /// `kind:id` of tables and datasets whose files failed to parse.
    pub broken: &'a BTreeSet<String>,
    /// For column headers that name a claim.
    pub claims: &'a BTreeMap<ClaimId, Claim>,
    /// The theme's strings in the site's language, for the default column headers.
    pub strings: &'a crate::theme::Strings,
}

/// Looks up a finding id among those defined; when a findings file failed to parse, an unknown id
/// is not reported (it may be one of that file's findings).
pub(crate) fn finding_ref(
    known: &Known,
    id: &Spanned<String>,
    file: &Path,
    diags: &mut Vec<Diagnostic>,
) -> Option<FindingId> {
    let ids = &known.ids.findings;
    if ids.contains(&id.value) {
        return Some(FindingId(id.value.clone()));
    }
    if known.findings_incomplete {
        return None;
    }
    let set: BTreeSet<String> = ids.ids().cloned().collect();
    known
        .ids
        .find(&set, RefKind::Finding, id, file, diags)
        .map(FindingId)
}

/// The column keys a table may name (besides `stance:<claim>` and dataset field names).
pub const COLUMN_KEYS: [&str; 16] = [
    "label",
    "figure",
    "value",
    "statement",
    "source",
    "origin",
    "locator",
    "quote",
    "population",
    "period",
    "place",
    "supports",
    "contradicts",
    "mixed",
    "context",
    "gaps",
];

pub(crate) fn resolve_tables(
    raw: &[RawFile<RawTable>],
    known: &Known,
    datasets: &BTreeMap<DatasetId, Dataset>,
    diags: &mut Vec<Diagnostic>,
) -> BTreeMap<TableId, Table> {
    let mut dataset_ids: BTreeSet<String> = datasets.keys().map(|d| d.0.clone()).collect();
    dataset_ids.extend(
        known
            .broken
            .iter()
            .filter_map(|b| b.strip_prefix("dataset:").map(str::to_string)),
    );
    let mut tables = BTreeMap::new();
    for t in raw {
        if !check_id(&t.stem, "table", &t.file, None, diags) {
            continue;
        }
        let table_datasets = TableDatasets {
            all: datasets,
            ids: &dataset_ids,
        };
        if let Some(table) = resolve_table(t, known, &table_datasets, diags) {
            tables.insert(table.id.clone(), table);
        }
    }
    tables
}

/// The datasets a table may draw its rows from, and their ids (with those that failed to parse).
struct TableDatasets<'a> {
    all: &'a BTreeMap<DatasetId, Dataset>,
    ids: &'a BTreeSet<String>,
}

fn resolve_table(
    t: &RawFile<RawTable>,
    known: &Known,
    datasets: &TableDatasets,
    diags: &mut Vec<Diagnostic>,
) -> Option<Table> {
    let file = &t.file;
    let m = &t.meta;
    let dataset = m
        .dataset
        .as_ref()
        .and_then(|d| find_ref(datasets.ids, RefKind::Dataset, d, file, diags))
        .map(DatasetId);
    let ds = dataset.as_ref().and_then(|d| datasets.all.get(d));
    let rows = table_rows(t, ds, known, diags);
    // Rows of findings that a findings file with a mistake may hold: that mistake is reported,
    // and the table is left out with it (one mistake, one diagnostic).
    let names_findings = m.rows.iter().any(|r| r.value.finding.is_some());
    if rows.is_empty() && known.findings_incomplete && names_findings {
        return None;
    }
    if rows.is_empty() {
        diags.push(
            Diagnostic::error(Code::EmptyTable, "this table selects no rows")
                .at(file, Position::new(1, 1))
                .help("add `rows:` (findings, gaps or claims), or a `dataset:` with rows"),
        );
        return None;
    }
    let columns: Vec<(Column, String)> = m
        .columns
        .iter()
        .filter_map(|c| column(c, file, ds, known, diags))
        // Every row's label is its row header, first: `label` adds no second column.
        .filter(|col| !matches!(col, Column::Label))
        .map(|col| {
            let label = column_label(&col, ds, &rows, known);
            (col, label)
        })
        .collect();
    // Rows that did not resolve (reported) leave the chart's rows unknown: no second warning.
    let complete = ds.is_some() || rows.len() == m.rows.len();
    let problem = if complete {
        chart_problem(&rows, known)
    } else {
        None
    };
    if let (Some(RawChart::Bar), Some(why)) = (m.chart, problem) {
        diags.push(
            Diagnostic::warning(Code::ChartNotDrawn, format!("the bar chart is not drawn: {why}"))
                .at(file, Position::new(1, 1))
                .help("remove `chart: bar`, or give the table rows a bar chart can draw (see docs/reference.md, Table)"),
        );
    }
    if columns.is_empty() {
        diags.push(
            Diagnostic::error(Code::EmptyTable, "this table has no columns")
                .at(file, Position::new(1, 1))
                .help("list the columns to show under `columns:`, e.g. [label, figure, source]"),
        );
        return None;
    }
    Some(Table {
        id: TableId(t.stem.clone()),
        title: m.title.clone(),
        caption: m.caption.clone(),
        description: m.description.clone(),
        notes: m.notes.clone(),
        dataset,
        columns,
        rows,
        chart: m.chart.map(|c| match c {
            RawChart::Bar => ChartKind::Bar,
        }),
        show_on: placements(t, known, diags),
    })
}

/// A table's rows: its dataset's rows, then the findings, gaps and claims it lists.
fn table_rows(
    t: &RawFile<RawTable>,
    ds: Option<&Dataset>,
    known: &Known,
    diags: &mut Vec<Diagnostic>,
) -> Vec<TableRow> {
    let file = &t.file;
    let mut rows = Vec::new();
    if let Some(ds) = ds {
        for (i, r) in ds.rows.iter().enumerate() {
            let label = r
                .cells
                .iter()
                .zip(&ds.fields)
                .find(|(_, f)| f.field_type == FieldType::String)
                .and_then(|(c, _)| match c {
                    Cell::Text(s) => Some(s.clone()),
                    _ => None,
                })
                .unwrap_or_else(|| format!("Row {}", i + 1));
            rows.push(TableRow {
                label,
                item: RowItem::Dataset(i),
            });
        }
    }
    for r in &t.meta.rows {
        let pos = position_of(r);
        let v = &r.value;
        let given = [v.finding.is_some(), v.gap.is_some(), v.claim.is_some()]
            .iter()
            .filter(|b| **b)
            .count();
        if given != 1 {
            diags.push(
                Diagnostic::error(
                    Code::InvalidRow,
                    "a table row names exactly one of `finding`, `gap` or `claim`",
                )
                .at_opt(file, pos)
                .help("split the row in two, or add the missing key"),
            );
            continue;
        }
        let ids = known.ids;
        let row = if let Some(f) = &v.finding {
            // A finding left out of the model (its own error is reported) leaves no row, and so
            // does a withdrawn one: it no longer counts.
            finding_ref(known, f, file, diags).and_then(|id| {
                let f = known.findings.get(&id).filter(|f| f.counts())?;
                Some(TableRow {
                    label: v.label.clone().unwrap_or_else(|| f.statement.clone()),
                    item: RowItem::Finding(id),
                })
            })
        } else if let Some(g) = &v.gap {
            ids.find(&ids.gaps, RefKind::Gap, g, file, diags)
                .map(|id| TableRow {
                    label: v.label.clone().unwrap_or_else(|| id.clone()),
                    item: RowItem::Gap(GapId(id)),
                })
        } else if let Some(c) = &v.claim {
            ids.find(&ids.claims, RefKind::Claim, c, file, diags)
                .map(|id| TableRow {
                    label: v.label.clone().unwrap_or_else(|| id.clone()),
                    item: RowItem::Claim(ClaimId(id)),
                })
        } else {
            None
        };
        rows.extend(row);
    }
    rows
}

/// One column key: a word of the vocabulary, `stance:<claim>`, or a field of the dataset.
fn column(
    c: &Spanned<String>,
    file: &Path,
    ds: Option<&Dataset>,
    known: &Known,
    diags: &mut Vec<Diagnostic>,
) -> Option<Column> {
    let key = c.value.as_str();
    let col = match key {
        "label" => Column::Label,
        "figure" => Column::Figure,
        "value" => Column::Value,
        "statement" => Column::Statement,
        "source" => Column::Source,
        "origin" => Column::Origin,
        "locator" => Column::Locator,
        "quote" => Column::Quote,
        "population" => Column::Population,
        "period" => Column::Period,
        "place" => Column::Place,
        "supports" => Column::Count(StanceKind::Supports),
        "contradicts" => Column::Count(StanceKind::Contradicts),
        "mixed" => Column::Count(StanceKind::Mixed),
        "context" => Column::Count(StanceKind::Context),
        "gaps" => Column::Gaps,
        _ => {
            if let Some(claim) = key.strip_prefix("stance:") {
                let id = Spanned {
                    value: claim.to_string(),
                    referenced: c.referenced,
                    defined: c.defined,
                };
                return (known.ids)
                    .find(&known.ids.claims, RefKind::Claim, &id, file, diags)
                    .map(|id| Column::Stance(ClaimId(id)));
            }
            if let Some(i) = ds.and_then(|d| d.fields.iter().position(|f| f.name == key)) {
                return Some(Column::Field(i));
            }
            diags.push(
                Diagnostic::error(
                    Code::UnknownColumn,
                    format!("`{key}` is not a column evident knows"),
                )
                .at_opt(file, position_of(c))
                .help(format!(
                    "use one of {}, `stance:<claim-id>`, or a field of the table's dataset",
                    COLUMN_KEYS.join(", ")
                )),
            );
            return None;
        }
    };
    Some(col)
}

/// Where a table is shown besides its own page.
fn placements(t: &RawFile<RawTable>, known: &Known, diags: &mut Vec<Diagnostic>) -> Vec<Placement> {
    let mut show_on = Vec::new();
    for p in &t.meta.show_on {
        let place = match p.value.split_once(':') {
            None if p.value == "home" => Some(Placement::Home),
            Some(("claim", id)) => known
                .ids
                .claims
                .contains(id)
                .then(|| Placement::Claim(ClaimId(id.into()))),
            Some(("topic", id)) => known
                .ids
                .topics
                .contains(id)
                .then(|| Placement::Topic(TopicId(id.into()))),
            _ => None,
        };
        match place {
            Some(pl) => show_on.push(pl),
            None => diags.push(
                Diagnostic::error(
                    Code::UnknownPlacement,
                    format!("`{}` is not a page a table can be shown on", p.value),
                )
                .at_opt(&t.file, position_of(p))
                .help("use `home`, `claim:<id>` or `topic:<id>` with an existing id"),
            ),
        }
    }
    show_on
}

/// Why a bar chart of these rows cannot be drawn, if it cannot: it draws the percentages or the
/// counts of finding rows (never both on one axis); gaps show as missing.
fn chart_problem(rows: &[TableRow], known: &Known) -> Option<&'static str> {
    let kinds: Vec<Option<ValueKind>> = rows
        .iter()
        .filter_map(|r| match &r.item {
            RowItem::Finding(f) => Some(known.figures.get(f).map(|(_, v)| v.kind)),
            _ => None,
        })
        .collect();
    let has = |k: ValueKind| kinds.contains(&Some(k));
    if kinds.contains(&None) {
        // A finding that did not resolve (reported): whether its figure could be drawn is unknown.
        None
    } else if kinds.is_empty() {
        Some("it draws finding rows, and this table has none (rows from a dataset or of claims are not charted)")
    } else if has(ValueKind::Percent) && has(ValueKind::Count) {
        Some("its rows mix percentages and counts, which cannot share an axis; split the table in two")
    } else if !has(ValueKind::Percent) && !has(ValueKind::Count) {
        Some("none of its findings is a percentage or a count (fractions, sums of money and statements are not drawn as bars)")
    } else {
        None
    }
}

/// Column headers name their unit when every row shares one, e.g. "Value (%)".
fn column_label(col: &Column, ds: Option<&Dataset>, rows: &[TableRow], known: &Known) -> String {
    let text = |key: &str| known.strings.text(key);
    match col {
        Column::Label => text("tables_column_item"),
        Column::Figure => text("tables_column_figure"),
        Column::Value => {
            let kinds: BTreeSet<&str> = rows
                .iter()
                .filter_map(|r| match &r.item {
                    RowItem::Finding(f) => known.findings.get(f).and_then(|f| f.figure.as_ref()),
                    _ => None,
                })
                .map(|f| match &f.value.currency {
                    Some(c) => c.as_str(),
                    None => f.value.kind.key(),
                })
                .collect();
            match kinds.into_iter().collect::<Vec<_>>().as_slice() {
                ["percent"] => text("tables_column_value_percent"),
                ["count"] => text("tables_column_value_count"),
                [currency] if crate::model::is_currency(currency) => known
                    .strings
                    .with("tables_column_value_in", &[("currency", currency)]),
                _ => text("tables_column_value"),
            }
        }
        Column::Statement => text("tables_column_finding"),
        Column::Source => text("tables_column_source"),
        Column::Origin => text("tables_column_origin"),
        Column::Locator => text("tables_column_locator"),
        Column::Quote => text("tables_column_quote"),
        Column::Population => text("tables_column_population"),
        Column::Period => text("tables_column_period"),
        Column::Place => text("tables_column_place"),
        Column::Stance(c) => {
            let claim = known
                .claims
                .get(c)
                .map_or(c.0.as_str(), |claim| &claim.title);
            known
                .strings
                .with("tables_column_stance", &[("claim", &claim)])
        }
        Column::Count(k) => format!("{} {}", k.symbol(), text(&format!("stance_{}", k.key()))),
        Column::Gaps => text("tables_missing_evidence"),
        Column::Field(i) => ds
            .and_then(|d| d.fields.get(*i))
            .map(|f| match (&f.unit, f.field_type) {
                (Some(u), _) => format!("{} ({u})", f.title),
                (None, FieldType::Percent) => format!("{} (%)", f.title),
                _ => f.title.clone(),
            })
            .unwrap_or_default(),
    }
}
