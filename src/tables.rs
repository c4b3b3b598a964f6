//! Tables and datasets: resolution of `data/tables/*.yaml` and `data/datasets/*.yaml` into the
//! model's [`Table`] and [`Dataset`], part of the resolve stage.
//!
//! A dataset is structured data with a schema; each row names its source, and a row that carries a
//! finding's figure is checked against that finding, so a dataset can never say what the quoted
//! text does not. A table picks rows (findings, gaps, claims, or a dataset's rows) and columns
//! from a fixed vocabulary; a gap row shows its figures as missing, never as zero.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::data::{position_of, Spanned};
use crate::diagnostic::Diagnostic;
use crate::model::*;
use crate::parse::{RawChart, RawDataset, RawFieldType, RawFile, RawTable};
use crate::resolve::{check_id, find_ref, parse_date};

/// The ids a table or dataset may refer to.
pub(crate) struct Known<'a> {
    pub sources: &'a BTreeSet<String>,
    pub claims: &'a BTreeSet<String>,
    pub topics: &'a BTreeSet<String>,
    pub gaps: &'a BTreeSet<String>,
    pub findings: &'a BTreeMap<FindingId, Finding>,
    /// A findings file failed to parse: unknown finding ids are not reported again.
    pub findings_incomplete: bool,
    /// `kind:id` of tables and datasets whose files failed to parse.
    pub broken: &'a BTreeSet<String>,
    /// Claim titles, for column headers.
    pub claim_titles: &'a BTreeMap<ClaimId, Claim>,
}

/// Looks up a finding id; when a findings file failed to parse, an unknown id is not reported
/// (it may be one of that file's findings).
fn finding_ref(
    known: &Known,
    ids: &BTreeSet<String>,
    id: &Spanned<String>,
    file: &Path,
    diags: &mut Vec<Diagnostic>,
) -> Option<String> {
    if known.findings_incomplete && !ids.contains(&id.value) {
        return None;
    }
    find_ref(ids, "finding", "findings", id, file, diags)
}

/// Row keys of a dataset that are not fields.
const ROW_KEYS: [&str; 3] = ["source", "finding", "gap"];

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
    raw_tables: &[RawFile<RawTable>],
    raw_datasets: &[RawFile<RawDataset>],
    known: &Known,
    diags: &mut Vec<Diagnostic>,
) -> (BTreeMap<TableId, Table>, BTreeMap<DatasetId, Dataset>) {
    let mut datasets = BTreeMap::new();
    for d in raw_datasets {
        if !check_id(&d.stem, "dataset", &d.file, None, diags) {
            continue;
        }
        let ds = resolve_dataset(d, known, diags);
        datasets.insert(ds.id.clone(), ds);
    }
    let mut dataset_ids: BTreeSet<String> = datasets.keys().map(|d| d.0.clone()).collect();
    dataset_ids.extend(
        known
            .broken
            .iter()
            .filter_map(|b| b.strip_prefix("dataset:").map(str::to_string)),
    );
    let mut tables = BTreeMap::new();
    for t in raw_tables {
        if !check_id(&t.stem, "table", &t.file, None, diags) {
            continue;
        }
        if let Some(table) = resolve_table(t, known, &datasets, &dataset_ids, diags) {
            tables.insert(table.id.clone(), table);
        }
    }
    (tables, datasets)
}

fn field_type(t: RawFieldType) -> FieldType {
    match t {
        RawFieldType::String => FieldType::String,
        RawFieldType::Integer => FieldType::Integer,
        RawFieldType::Number => FieldType::Number,
        RawFieldType::Percent => FieldType::Percent,
        RawFieldType::Boolean => FieldType::Boolean,
        RawFieldType::Date => FieldType::Date,
    }
}

fn resolve_dataset(d: &RawFile<RawDataset>, known: &Known, diags: &mut Vec<Diagnostic>) -> Dataset {
    let file = &d.file;
    let m = &d.meta;
    let mut fields: Vec<Field> = Vec::new();
    for f in &m.fields {
        let name = &f.value.name;
        if ROW_KEYS.contains(&name.value.as_str()) || fields.iter().any(|x| x.name == name.value) {
            diags.push(
                Diagnostic::error(
                    "invalid-field",
                    format!("the field name `{}` is reserved or used twice", name.value),
                )
                .at_opt(file, position_of(name))
                .help("field names are unique and may not be `source`, `finding` or `gap`, which rows use for provenance"),
            );
            continue;
        }
        fields.push(Field {
            name: name.value.clone(),
            title: f.value.title.clone().unwrap_or_else(|| name.value.clone()),
            field_type: field_type(f.value.field_type),
            unit: f.value.unit.clone(),
            description: f.value.description.clone(),
            figure: f.value.figure,
        });
    }
    let set_source = m
        .source
        .as_ref()
        .and_then(|s| find_ref(known.sources, "source", "sources", s, file, diags));
    let finding_ids: BTreeSet<String> = known.findings.keys().map(|f| f.0.clone()).collect();
    let mut rows = Vec::new();
    for row in &m.rows {
        let pos = position_of(row);
        for key in row.value.keys() {
            if !ROW_KEYS.contains(&key.as_str()) && !fields.iter().any(|f| &f.name == key) {
                diags.push(
                    Diagnostic::error(
                        "unknown-key",
                        format!("this row has a key `{key}` that is not a field of the dataset"),
                    )
                    .at_opt(file, pos)
                    .help(format!(
                        "fields: {}; or add `{key}` to `fields:`",
                        fields
                            .iter()
                            .map(|f| f.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                );
            }
        }
        let str_ref = |key: &str| -> Option<Spanned<String>> {
            row.value
                .get(key)
                .and_then(|v| v.as_str())
                .map(|s| Spanned {
                    value: s.to_string(),
                    referenced: row.referenced,
                    defined: row.defined,
                })
        };
        let names_finding = row.value.contains_key("finding");
        let finding = str_ref("finding")
            .and_then(|f| finding_ref(known, &finding_ids, &f, file, diags))
            .map(FindingId);
        let gap = str_ref("gap")
            .and_then(|g| find_ref(known.gaps, "gap", "gaps", &g, file, diags))
            .map(GapId);
        let row_source = str_ref("source")
            .and_then(|s| find_ref(known.sources, "source", "sources", &s, file, diags))
            .map(SourceId);
        let finding_source = finding
            .as_ref()
            .and_then(|f| known.findings.get(f))
            .map(|f| f.source.clone());
        let source = row_source
            .or(finding_source)
            .or_else(|| set_source.clone().map(SourceId));
        let Some(source) = source else {
            diags.push(
                Diagnostic::error(
                    "missing-source",
                    "this row does not say where its data comes from",
                )
                .at_opt(file, pos)
                .help("give the row a `source:` or a `finding:`, or give the dataset a `source:`"),
            );
            continue;
        };
        let mut cells = Vec::new();
        for f in &fields {
            let cell = match row.value.get(&f.name) {
                None | Some(serde_json::Value::Null) => Cell::Missing,
                Some(v) => match cell_of(f.field_type, v) {
                    Some(c) => c,
                    None => {
                        diags.push(
                            Diagnostic::error(
                                "wrong-type",
                                format!("`{}` should be {} but is {v}", f.name, article(f.field_type)),
                            )
                            .at_opt(file, pos)
                            .help("give a value of the field's type, or leave it out (null) if the source does not give it"),
                        );
                        Cell::Missing
                    }
                },
            };
            // A row that names an unknown finding was reported already.
            if f.figure && (finding.is_some() || !names_finding) {
                check_figure_cell(file, pos, f, &cell, finding.as_ref(), known, diags);
            }
            cells.push(cell);
        }
        rows.push(DatasetRow {
            cells,
            source,
            finding,
            gap,
        });
    }
    if rows.is_empty() {
        diags.push(
            Diagnostic::error("empty-dataset", "this dataset has no rows")
                .in_file(file)
                .help("add rows under `rows:`"),
        );
    }
    Dataset {
        id: DatasetId(d.stem.clone()),
        title: m.title.clone(),
        description: m.description.clone(),
        license: m.license.clone(),
        fields,
        rows,
        notes: m.notes.clone(),
    }
}

fn article(t: FieldType) -> &'static str {
    match t {
        FieldType::String => "text",
        FieldType::Integer => "a whole number",
        FieldType::Number => "a number",
        FieldType::Percent => "a percentage (a number)",
        FieldType::Boolean => "true or false",
        FieldType::Date => "a date (YYYY, YYYY-MM or YYYY-MM-DD)",
    }
}

fn cell_of(t: FieldType, v: &serde_json::Value) -> Option<Cell> {
    use serde_json::Value as J;
    match (t, v) {
        (FieldType::String, J::String(s)) => Some(Cell::Text(s.clone())),
        (FieldType::Integer, J::Number(n)) => n.as_i64().map(|i| Cell::Number(i as f64)),
        (FieldType::Number | FieldType::Percent, J::Number(n)) => n.as_f64().map(Cell::Number),
        (FieldType::Boolean, J::Bool(b)) => Some(Cell::Bool(*b)),
        (FieldType::Date, J::String(s)) => parse_date(s).map(|_| Cell::Text(s.clone())),
        (FieldType::Date, J::Number(n)) => n
            .as_i64()
            .filter(|y| (1000..=9999).contains(y))
            .map(|y| Cell::Text(y.to_string())),
        _ => None,
    }
}

/// A figure field must hold exactly the number its finding gives.
fn check_figure_cell(
    file: &Path,
    pos: Option<crate::diagnostic::Position>,
    field: &Field,
    cell: &Cell,
    finding: Option<&FindingId>,
    known: &Known,
    diags: &mut Vec<Diagnostic>,
) {
    let Some(f) = finding.and_then(|f| known.findings.get(f)) else {
        if *cell != Cell::Missing {
            diags.push(
                Diagnostic::error(
                    "figure-without-finding",
                    format!(
                        "`{}` holds a figure, but this row names no finding to check it against",
                        field.name
                    ),
                )
                .at_opt(file, pos)
                .help(
                    "add `finding: <id>` to the row, so the figure carries its quote and locator",
                ),
            );
        }
        return;
    };
    let expected = match f.value.amount {
        Amount::Number(n) => Some(n),
        _ => None,
    };
    let kind_ok = field.field_type != FieldType::Percent || f.value.kind == ValueKind::Percent;
    // Leaving the cell empty is always honest (the figure column or the finding gives it);
    // a number must be the finding's own, of the same kind.
    let ok = match (cell, expected) {
        (Cell::Missing, _) => true,
        (Cell::Number(n), Some(e)) => kind_ok && (n - e).abs() < 1e-9,
        _ => false,
    };
    if !ok {
        diags.push(
            Diagnostic::error(
                "figure-mismatch",
                format!(
                    "`{}` does not match finding `{}`, whose figure is `{}`",
                    field.name, f.id, f.figure
                ),
            )
            .at_opt(file, pos)
            .help("copy the finding's value exactly; never round or convert (a fraction or range cannot fill a number field)"),
        );
    }
}

fn resolve_table(
    t: &RawFile<RawTable>,
    known: &Known,
    datasets: &BTreeMap<DatasetId, Dataset>,
    dataset_ids: &BTreeSet<String>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Table> {
    let file = &t.file;
    let m = &t.meta;
    let dataset = m
        .dataset
        .as_ref()
        .and_then(|d| find_ref(dataset_ids, "dataset", "datasets", d, file, diags))
        .map(DatasetId);
    let ds = dataset.as_ref().and_then(|d| datasets.get(d));
    let finding_ids: BTreeSet<String> = known.findings.keys().map(|f| f.0.clone()).collect();

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
    for r in &m.rows {
        let pos = position_of(r);
        let v = &r.value;
        let given = [v.finding.is_some(), v.gap.is_some(), v.claim.is_some()]
            .iter()
            .filter(|b| **b)
            .count();
        if given != 1 {
            diags.push(
                Diagnostic::error(
                    "invalid-row",
                    "a table row names exactly one of `finding`, `gap` or `claim`",
                )
                .at_opt(file, pos)
                .help("split the row in two, or add the missing key"),
            );
            continue;
        }
        let row = if let Some(f) = &v.finding {
            finding_ref(known, &finding_ids, f, file, diags).map(|id| {
                let f = &known.findings[&FindingId(id.clone())];
                TableRow {
                    label: v.label.clone().unwrap_or_else(|| f.statement.clone()),
                    item: RowItem::Finding(FindingId(id)),
                }
            })
        } else if let Some(g) = &v.gap {
            find_ref(known.gaps, "gap", "gaps", g, file, diags).map(|id| TableRow {
                label: v.label.clone().unwrap_or_else(|| id.clone()),
                item: RowItem::Gap(GapId(id)),
            })
        } else if let Some(c) = &v.claim {
            find_ref(known.claims, "claim", "claims", c, file, diags).map(|id| TableRow {
                label: v.label.clone().unwrap_or_else(|| id.clone()),
                item: RowItem::Claim(ClaimId(id)),
            })
        } else {
            None
        };
        rows.extend(row);
    }
    if rows.is_empty() {
        diags.push(
            Diagnostic::error("empty-table", "this table selects no rows")
                .at(file, crate::diagnostic::Position::new(1, 1))
                .help("add `rows:` (findings, gaps or claims), or a `dataset:` with rows"),
        );
        return None;
    }

    let mut columns = Vec::new();
    for c in &m.columns {
        let key = c.value.as_str();
        let col = match key {
            "label" => Some(Column::Label),
            "figure" => Some(Column::Figure),
            "value" => Some(Column::Value),
            "statement" => Some(Column::Statement),
            "source" => Some(Column::Source),
            "origin" => Some(Column::Origin),
            "locator" => Some(Column::Locator),
            "quote" => Some(Column::Quote),
            "population" => Some(Column::Population),
            "period" => Some(Column::Period),
            "place" => Some(Column::Place),
            "supports" => Some(Column::Count(StanceKind::Supports)),
            "contradicts" => Some(Column::Count(StanceKind::Contradicts)),
            "mixed" => Some(Column::Count(StanceKind::Mixed)),
            "context" => Some(Column::Count(StanceKind::Context)),
            "gaps" => Some(Column::Gaps),
            _ => {
                if let Some(claim) = key.strip_prefix("stance:") {
                    let id = Spanned {
                        value: claim.to_string(),
                        referenced: c.referenced,
                        defined: c.defined,
                    };
                    find_ref(known.claims, "claim", "claims", &id, file, diags)
                        .map(|id| Column::Stance(ClaimId(id)))
                } else if let Some(i) = ds.and_then(|d| d.fields.iter().position(|f| f.name == key))
                {
                    Some(Column::Field(i))
                } else {
                    diags.push(
                        Diagnostic::error(
                            "unknown-column",
                            format!("`{key}` is not a column evident knows"),
                        )
                        .at_opt(file, position_of(c))
                        .help(format!(
                            "use one of {}, `stance:<claim-id>`, or a field of the table's dataset",
                            COLUMN_KEYS.join(", ")
                        )),
                    );
                    None
                }
            }
        };
        if let Some(col) = col {
            let label = column_label(&col, ds, &rows, known);
            columns.push((col, label));
        }
    }
    if columns.is_empty() {
        diags.push(
            Diagnostic::error("empty-table", "this table has no columns")
                .at(file, crate::diagnostic::Position::new(1, 1))
                .help("list the columns to show under `columns:`, e.g. [label, figure, source]"),
        );
        return None;
    }
    let mut show_on = Vec::new();
    for p in &m.show_on {
        let place = match p.value.split_once(':') {
            None if p.value == "home" => Some(Placement::Home),
            Some(("claim", id)) => known
                .claims
                .contains(id)
                .then(|| Placement::Claim(ClaimId(id.into()))),
            Some(("topic", id)) => known
                .topics
                .contains(id)
                .then(|| Placement::Topic(TopicId(id.into()))),
            _ => None,
        };
        match place {
            Some(pl) => show_on.push(pl),
            None => diags.push(
                Diagnostic::error(
                    "unknown-placement",
                    format!("`{}` is not a page a table can be shown on", p.value),
                )
                .at_opt(file, position_of(p))
                .help("use `home`, `claim:<id>` or `topic:<id>` with an existing id"),
            ),
        }
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
        show_on,
    })
}

/// Column headers name their unit when every row shares one, e.g. "Value (%)".
fn column_label(col: &Column, ds: Option<&Dataset>, rows: &[TableRow], known: &Known) -> String {
    match col {
        Column::Label => "Item".into(),
        Column::Figure => "Figure as printed".into(),
        Column::Value => {
            let kinds: BTreeSet<&str> = rows
                .iter()
                .filter_map(|r| match &r.item {
                    RowItem::Finding(f) => known.findings.get(f).map(|f| f.value.kind.key()),
                    _ => None,
                })
                .collect();
            match kinds.into_iter().collect::<Vec<_>>().as_slice() {
                ["percent"] => "Value (%)".into(),
                ["gbp"] => "Value (£)".into(),
                ["count"] => "Value (count)".into(),
                _ => "Value".into(),
            }
        }
        Column::Statement => "Finding".into(),
        Column::Source => "Source".into(),
        Column::Origin => "Original study".into(),
        Column::Locator => "Where in the source".into(),
        Column::Quote => "Quote".into(),
        Column::Population => "Who or what".into(),
        Column::Period => "When".into(),
        Column::Place => "Where".into(),
        Column::Stance(c) => match known.claim_titles.get(c) {
            Some(claim) => format!("Stance on “{}”", claim.title),
            None => format!("Stance on {c}"),
        },
        Column::Count(k) => format!("{} {}", k.symbol(), k.label()),
        Column::Gaps => "Missing evidence".into(),
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
