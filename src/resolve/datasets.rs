//! Datasets (`data/datasets/*.yaml`): structured data with a schema, each row naming its source.
//! A row that carries a finding's figure is checked against that finding, so a dataset can never
//! say what the quoted text does not.

use std::collections::BTreeMap;
use std::path::Path;

use crate::dates::parse_date;
use crate::diagnostic::{Code, Diagnostic, Position};
use crate::model::*;
use crate::parse::raw::{RawDataset, RawField, RawFieldType, RawFile, S};
use crate::parse::yaml::{position_of, Spanned};
use crate::resolve::ids::{check_id, RefKind};
use crate::resolve::tables::{finding_ref, Known};

/// Row keys of a dataset that are not fields.
const ROW_KEYS: [&str; 3] = ["source", "finding", "gap"];

pub(crate) fn resolve_datasets(
    raw: &[RawFile<RawDataset>],
    known: &Known,
    diags: &mut Vec<Diagnostic>,
) -> BTreeMap<DatasetId, Dataset> {
    let mut datasets = BTreeMap::new();
    for d in raw {
        if !check_id(&d.stem, "dataset", &d.file, None, diags) {
            continue;
        }
        let ds = resolve_dataset(d, known, diags);
        datasets.insert(ds.id.clone(), ds);
    }
    datasets
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
    let fields = dataset_fields(file, &m.fields, diags);
    let set_source = m
        .source
        .as_ref()
        .and_then(|s| (known.ids).find(&known.ids.sources, RefKind::Source, s, file, diags));
    let rows: Vec<DatasetRow> = m
        .rows
        .iter()
        .filter_map(|row| {
            let cx = RowContext {
                file,
                fields: &fields,
                set_source: set_source.as_deref(),
                known,
            };
            dataset_row(&cx, row, diags)
        })
        .collect();
    if rows.is_empty() {
        diags.push(
            Diagnostic::error(Code::EmptyDataset, "this dataset has no rows")
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

/// A dataset's schema: field names unique and not one of the row keys.
fn dataset_fields(file: &Path, raw: &[S<RawField>], diags: &mut Vec<Diagnostic>) -> Vec<Field> {
    let mut fields: Vec<Field> = Vec::new();
    for f in raw {
        let name = &f.value.name;
        if ROW_KEYS.contains(&name.value.as_str()) || fields.iter().any(|x| x.name == name.value) {
            diags.push(
                Diagnostic::error(
                    Code::InvalidField,
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
    fields
}

/// What every row of one dataset is checked against.
struct RowContext<'a> {
    file: &'a Path,
    fields: &'a [Field],
    /// The dataset's own `source:`, for rows that name none.
    set_source: Option<&'a str>,
    known: &'a Known<'a>,
}

type RawRow = S<BTreeMap<String, serde_json::Value>>;

/// One row: its provenance (source, finding, gap) and a cell per field, in schema order. `None`
/// when the row cannot say where its data comes from (reported).
fn dataset_row(cx: &RowContext, row: &RawRow, diags: &mut Vec<Diagnostic>) -> Option<DatasetRow> {
    let (file, known) = (cx.file, cx.known);
    let pos = position_of(row);
    check_row_keys(cx, row, diags);
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
    let finding = str_ref("finding").and_then(|f| finding_ref(known, &f, file, diags));
    let gap = str_ref("gap")
        .and_then(|g| (known.ids).find(&known.ids.gaps, RefKind::Gap, &g, file, diags))
        .map(GapId);
    let row_source = str_ref("source")
        .and_then(|s| (known.ids).find(&known.ids.sources, RefKind::Source, &s, file, diags))
        .map(SourceId);
    let finding_source = finding
        .as_ref()
        .and_then(|f| known.findings.get(f))
        .map(|f| f.source.clone());
    let source = row_source
        .or(finding_source)
        .or_else(|| cx.set_source.map(|s| SourceId(s.to_string())));
    let Some(source) = source else {
        // A row whose finding was left out of the model (reported there) gets no second message.
        if finding
            .as_ref()
            .is_some_and(|f| !known.findings.contains_key(f))
        {
            return None;
        }
        diags.push(
            Diagnostic::error(
                Code::MissingSource,
                "this row does not say where its data comes from",
            )
            .at_opt(file, pos)
            .help("give the row a `source:` or a `finding:`, or give the dataset a `source:`"),
        );
        return None;
    };
    let mut cells = Vec::new();
    for f in cx.fields {
        let cell = cell(file, pos, f, row.value.get(&f.name), diags);
        // A row that names an unknown finding was reported already.
        if f.figure && (finding.is_some() || !names_finding) {
            check_figure_cell(file, pos, f, &cell, finding.as_ref(), known, diags);
        }
        cells.push(cell);
    }
    Some(DatasetRow {
        cells,
        source,
        finding,
        gap,
    })
}

/// Every key of a row is a field or a row key.
fn check_row_keys(cx: &RowContext, row: &RawRow, diags: &mut Vec<Diagnostic>) {
    for key in row.value.keys() {
        if !ROW_KEYS.contains(&key.as_str()) && !cx.fields.iter().any(|f| &f.name == key) {
            diags.push(
                Diagnostic::error(
                    Code::UnknownKey,
                    format!("this row has a key `{key}` that is not a field of the dataset"),
                )
                .at_opt(cx.file, position_of(row))
                .help(format!(
                    "fields: {}; or add `{key}` to `fields:`",
                    cx.fields
                        .iter()
                        .map(|f| f.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            );
        }
    }
}

/// A row's value for a field; a value of the wrong type is reported and shown as missing.
fn cell(
    file: &Path,
    pos: Option<Position>,
    f: &Field,
    value: Option<&serde_json::Value>,
    diags: &mut Vec<Diagnostic>,
) -> Cell {
    let v = match value {
        None | Some(serde_json::Value::Null) => return Cell::Missing,
        Some(v) => v,
    };
    cell_of(f.field_type, v).unwrap_or_else(|| {
        diags.push(
            Diagnostic::error(
                Code::WrongType,
                format!("`{}` should be {} but is {v}", f.name, article(f.field_type)),
            )
            .at_opt(file, pos)
            .help("give a value of the field's type, or leave it out (null) if the source does not give it"),
        );
        Cell::Missing
    })
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
    pos: Option<Position>,
    field: &Field,
    cell: &Cell,
    finding: Option<&FindingId>,
    known: &Known,
    diags: &mut Vec<Diagnostic>,
) {
    let Some(id) = finding else {
        if *cell != Cell::Missing {
            diags.push(
                Diagnostic::error(
                    Code::FigureWithoutFinding,
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
    // A finding whose value did not resolve was reported where it is defined.
    let Some((figure, value)) = known.figures.get(id) else {
        return;
    };
    let expected = match value.amount {
        Amount::Number(n) => Some(n),
        _ => None,
    };
    let kind_ok = field.field_type != FieldType::Percent || value.kind == ValueKind::Percent;
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
                Code::FigureMismatch,
                format!(
                    "`{}` does not match finding `{}`, whose figure is `{}`",
                    field.name, id, figure
                ),
            )
            .at_opt(file, pos)
            .help("copy the finding's value exactly; never round or convert (a fraction or range cannot fill a number field)"),
        );
    }
}
