//! Tables and datasets as the reader and the re-user get them: view-models for templates (cells
//! with text, links and sort keys), build-time charts, and CSV (RFC 4180) and JSON downloads that
//! carry their provenance. Part of the render stage.

use serde::Serialize;
use serde_json::json;

use crate::model::*;
use crate::render::charts::{bar_chart, Axis, Bar, BarValue};
use crate::render::exports::{json_number, json_pretty};
use crate::render::templates::Html;
use crate::render::views::claims::{counted, studies};
use crate::render::views::{stance_label, Ref};

/// One cell as a template shows it.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct CellView {
    pub text: String,
    pub url: Option<String>,
    /// `text`, `number`, `missing`, `gap` or `stance`: the theme styles each.
    pub kind: &'static str,
    /// The stance key, for stance cells.
    pub stance: Option<&'static str>,
    /// A machine sort key (numbers sort as numbers).
    pub sort: String,
}

impl CellView {
    fn text(t: impl Into<String>) -> Self {
        let text = t.into();
        CellView {
            sort: text.to_lowercase(),
            text,
            url: None,
            kind: "text",
            stance: None,
        }
    }

    fn link(t: impl Into<String>, url: String) -> Self {
        CellView {
            url: Some(url),
            ..CellView::text(t)
        }
    }

    fn number(n: f64, text: String, url: Option<String>) -> Self {
        CellView {
            text,
            url,
            kind: "number",
            stance: None,
            sort: format!("{n:020.6}"),
        }
    }

    fn missing(why: &str) -> Self {
        CellView {
            text: why.to_string(),
            url: None,
            kind: "missing",
            stance: None,
            sort: String::new(),
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub(crate) struct RowView {
    pub header: CellView,
    pub cells: Vec<CellView>,
    /// Provenance for downloads.
    pub source: Option<String>,
    pub finding: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub(crate) struct TableView {
    pub id: String,
    pub url: String,
    pub title: String,
    pub caption: String,
    pub description: Option<String>,
    pub notes: Vec<String>,
    pub columns: Vec<String>,
    pub rows: Vec<RowView>,
    /// An SVG bar chart of the table, when one can be drawn.
    pub chart: Option<Html>,
    pub csv_url: String,
    pub json_url: String,
    /// The sources of the table's rows.
    pub sources: Vec<Ref>,
    /// The dataset the table's rows come from, if any.
    pub dataset: Option<DatasetLink>,
}

/// A link to a dataset.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct DatasetLink {
    pub title: String,
    pub url: String,
}

#[derive(Clone, Debug, Serialize)]
pub(crate) struct FieldView {
    pub name: String,
    pub title: String,
    #[serde(rename = "type")]
    pub field_type: &'static str,
    pub unit: Option<String>,
    pub description: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub(crate) struct DatasetView {
    pub id: String,
    pub url: String,
    pub title: String,
    pub description: Option<String>,
    pub license: Option<String>,
    pub notes: Vec<String>,
    pub fields: Vec<FieldView>,
    pub rows: Vec<RowView>,
    pub csv_url: String,
    pub json_url: String,
    pub sources: Vec<Ref>,
}

pub(crate) use crate::model::number_text as num;

/// A plain-words reading of a structured value, e.g. "more than 2/3" or "£0.5 billion per year".
pub(crate) fn value_text(v: &Value) -> String {
    let unit = if v.kind == ValueKind::Percent {
        "%"
    } else {
        ""
    };
    let core = match v.amount {
        Amount::Number(n) => format!("{}{unit}", num(n)),
        Amount::Range { min, max } => format!("{}{unit} to {}{unit}", num(min), num(max)),
        Amount::Fraction {
            numerator,
            denominator,
        } => format!("{}/{}", num(numerator), num(denominator)),
    };
    let mut text = core;
    if let Some(s) = v.scale {
        text = format!("{text} {}", s.key());
    }
    // Money is read by its ISO code, never by a symbol the source may not have printed.
    if let Some(c) = &v.currency {
        text = format!("{text} {c}");
    }
    if let Some(q) = &v.qualifier {
        text = format!("{q} {text}");
    }
    if let Some(p) = &v.per {
        text = format!("{text} per {p}");
    }
    text
}

fn sort_value(v: &Value) -> f64 {
    match v.amount {
        Amount::Number(n) => n,
        Amount::Range { min, .. } => min,
        Amount::Fraction {
            numerator,
            denominator,
        } => numerator / denominator * 100.0,
    }
}

fn sources_of(site: &Site, base: &str, ids: impl Iterator<Item = SourceId>) -> Vec<Ref> {
    let mut ids: Vec<SourceId> = ids.collect();
    ids.sort();
    ids.dedup();
    ids.into_iter()
        .filter_map(|id| site.sources.get(&id))
        .map(|s| Ref {
            id: s.id.0.clone(),
            title: s.title.clone(),
            url: format!("{base}{}", s.id.path()),
        })
        .collect()
}

/// A label evident writes in a table or chart, in the site's language.
fn text(site: &Site, key: &str) -> String {
    site.strings.text(key)
}

fn finding_cell(site: &Site, base: &str, col: &Column, f: &Finding) -> CellView {
    let furl = format!("{base}{}", f.id.path());
    match (col, &f.figure) {
        (Column::Figure | Column::Value, None) => {
            CellView::missing(&text(site, "tables_not_a_figure"))
        }
        (Column::Figure, Some(x)) => CellView::link(x.text.clone(), furl),
        (Column::Value, Some(x)) => {
            CellView::number(sort_value(&x.value), value_text(&x.value), Some(furl))
        }
        _ => finding_text_cell(site, base, col, f, furl),
    }
}

/// A finding row's cells other than its figure and value.
fn finding_text_cell(site: &Site, base: &str, col: &Column, f: &Finding, furl: String) -> CellView {
    let opt = |o: &Option<String>| {
        o.clone().map_or_else(
            || CellView::missing(&text(site, "tables_not_given")),
            CellView::text,
        )
    };
    match col {
        // A qualitative finding has no figure: the cell says so, and never repeats its statement.
        Column::Figure | Column::Value => CellView::missing(&text(site, "tables_not_a_figure")),
        Column::Label | Column::Statement => CellView::link(f.statement.clone(), furl),
        Column::Source => source_cell(site, base, &f.source),
        Column::Origin => f
            .origin
            .as_ref()
            .map_or_else(|| CellView::missing("—"), |o| source_cell(site, base, o)),
        Column::Locator => CellView::text(f.locator.clone()),
        Column::Quote => CellView::text(format!("“{}”", f.quote)),
        Column::Population => opt(&f.population),
        Column::Period => opt(&f.period),
        Column::Place => opt(&f.place),
        Column::Stance(c) => match f.stances.iter().find(|s| &s.claim == c) {
            Some(s) => CellView {
                text: format!("{} {}", s.kind.symbol(), stance_label(site, s.kind)),
                url: Some(furl),
                kind: "stance",
                stance: Some(s.kind.key()),
                sort: s.kind.key().into(),
            },
            None => CellView::missing(&text(site, "tables_no_stance")),
        },
        Column::Count(_) | Column::Gaps | Column::Field(_) => CellView::missing("—"),
    }
}

fn source_cell(site: &Site, base: &str, id: &SourceId) -> CellView {
    let title = site
        .sources
        .get(id)
        .map_or_else(|| id.0.clone(), |s| s.title.clone());
    CellView::link(title, format!("{base}{}", id.path()))
}

fn gap_cell(site: &Site, base: &str, col: &Column, g: &Gap) -> CellView {
    let gurl = format!("{base}{}", g.id.path());
    let gap = |t: &str| CellView {
        text: t.to_string(),
        url: Some(gurl.clone()),
        kind: "gap",
        stance: None,
        sort: String::new(),
    };
    match col {
        Column::Label | Column::Statement => CellView::link(g.title.clone(), gurl.clone()),
        Column::Figure | Column::Value | Column::Field(_) => {
            gap(&text(site, "tables_not_published"))
        }
        Column::Source => source_cell(site, base, &g.source),
        Column::Origin => g
            .origin
            .as_ref()
            .map_or_else(|| CellView::missing("—"), |o| source_cell(site, base, o)),
        Column::Locator => CellView::text(g.locator.clone()),
        Column::Quote => CellView::text(format!("“{}”", g.quote)),
        Column::Stance(_) => gap(&text(site, "tables_missing_evidence")),
        _ => CellView::missing("—"),
    }
}

fn claim_cell(site: &Site, base: &str, col: &Column, c: &Claim) -> CellView {
    let curl = format!("{base}{}", c.id.path());
    match col {
        Column::Label | Column::Statement => CellView::link(c.title.clone(), curl),
        Column::Count(k) => {
            let findings: Vec<&FindingId> = site
                .backlinks
                .stances_by_claim
                .get(&c.id)
                .into_iter()
                .flat_map(|v| v.iter())
                .filter(|(_, s)| s == k)
                .map(|(f, _)| f)
                .collect();
            let (n, studies) = (findings.len(), studies(site, findings.into_iter()));
            let text = if n == 0 {
                "0".to_string()
            } else {
                counted(site, n, studies)
            };
            CellView::number(n as f64, text, Some(format!("{curl}#evidence")))
        }
        Column::Gaps => {
            let gaps = site
                .backlinks
                .gaps_by_claim
                .get(&c.id)
                .cloned()
                .unwrap_or_default();
            match gaps.first() {
                Some(g) => CellView {
                    text: site
                        .gaps
                        .get(g)
                        .map_or_else(|| g.0.clone(), |g| g.title.clone()),
                    url: Some(format!("{base}{}", g.path())),
                    kind: "gap",
                    stance: None,
                    sort: String::new(),
                },
                None => CellView::missing(&text(site, "tables_none_recorded")),
            }
        }
        _ => CellView::missing("—"),
    }
}

fn dataset_cell(site: &Site, ds: &Dataset, row: &DatasetRow, i: usize, base: &str) -> CellView {
    let f = &ds.fields[i];
    match &row.cells[i] {
        Cell::Missing => match &row.gap {
            Some(g) => CellView {
                text: text(site, "tables_not_published"),
                url: Some(format!("{base}{}", g.path())),
                kind: "gap",
                stance: None,
                sort: String::new(),
            },
            None => CellView::missing(&text(site, "tables_not_given")),
        },
        Cell::Text(t) => CellView::text(t.clone()),
        Cell::Bool(b) => CellView::text(text(site, if *b { "tables_yes" } else { "tables_no" })),
        Cell::Number(n) => {
            let text = if f.field_type == FieldType::Percent {
                format!("{}%", num(*n))
            } else {
                num(*n)
            };
            let url = row
                .finding
                .as_ref()
                .filter(|_| f.figure)
                .map(|fid| format!("{base}{}", fid.path()));
            CellView::number(*n, text, url)
        }
    }
}

fn dataset_rows(site: &Site, ds: &Dataset, base: &str) -> Vec<RowView> {
    ds.rows
        .iter()
        .enumerate()
        .map(|(ri, row)| {
            let cells: Vec<CellView> = (0..ds.fields.len())
                .map(|i| dataset_cell(site, ds, row, i, base))
                .collect();
            let header = cells
                .iter()
                .zip(&ds.fields)
                .find(|(_, f)| f.field_type == FieldType::String)
                .map(|(c, _)| c.clone())
                .unwrap_or_else(|| {
                    CellView::text(site.strings.with("tables_row", &[("number", &(ri + 1))]))
                });
            RowView {
                header,
                cells,
                source: Some(row.source.0.clone()),
                finding: row.finding.as_ref().map(|f| f.0.clone()),
            }
        })
        .collect()
}

pub(crate) fn dataset_view(site: &Site, ds: &Dataset) -> DatasetView {
    let base = &site.config.base_path;
    DatasetView {
        id: ds.id.0.clone(),
        url: format!("{base}{}", ds.id.path()),
        title: ds.title.clone(),
        description: ds.description.clone(),
        license: ds.license.clone().or_else(|| site.config.license.clone()),
        notes: ds.notes.clone(),
        fields: ds
            .fields
            .iter()
            .map(|f| FieldView {
                name: f.name.clone(),
                title: f.title.clone(),
                field_type: f.field_type.key(),
                unit: f.unit.clone(),
                description: f.description.clone(),
            })
            .collect(),
        rows: dataset_rows(site, ds, base),
        csv_url: format!("{base}datasets/{}.csv", ds.id),
        json_url: format!("{base}datasets/{}.json", ds.id),
        sources: sources_of(site, base, ds.rows.iter().map(|r| r.source.clone())),
    }
}

pub(crate) fn table_view(site: &Site, t: &Table) -> TableView {
    let base = &site.config.base_path;
    let ds = t.dataset.as_ref().and_then(|d| site.datasets.get(d));
    let mut source_ids = Vec::new();
    let rows: Vec<RowView> = t
        .rows
        .iter()
        .filter_map(|r| row_view(site, t, ds, r))
        .inspect(|r| source_ids.extend(r.source.clone().map(SourceId)))
        .collect();
    let chart = t.chart.and_then(|_| chart_for(site, t)).map(Html);
    TableView {
        id: t.id.0.clone(),
        url: format!("{base}{}", t.id.path()),
        title: t.title.clone(),
        caption: t.caption.clone(),
        description: t.description.clone(),
        notes: t.notes.clone(),
        columns: t.columns.iter().map(|(_, l)| l.clone()).collect(),
        rows,
        chart,
        csv_url: format!("{base}tables/{}.csv", t.id),
        json_url: format!("{base}tables/{}.json", t.id),
        sources: sources_of(site, base, source_ids.into_iter()),
        dataset: ds.map(|d| DatasetLink {
            title: d.title.clone(),
            url: format!("{base}{}", d.id.path()),
        }),
    }
}

/// One row of a table, or `None` when its node is not in the site (a build that already failed:
/// its pages are still made, to find template mistakes).
fn row_view(site: &Site, t: &Table, ds: Option<&Dataset>, r: &TableRow) -> Option<RowView> {
    let base = &site.config.base_path;
    let cells =
        |cell: &dyn Fn(&Column) -> CellView| t.columns.iter().map(|(c, _)| cell(c)).collect();
    let (cells, source, finding): (Vec<CellView>, Option<SourceId>, Option<String>) = match &r.item
    {
        RowItem::Finding(fid) => {
            let f = site.findings.get(fid)?;
            let cells = cells(&|c| finding_cell(site, base, c, f));
            (cells, Some(f.source.clone()), Some(fid.0.clone()))
        }
        RowItem::Gap(gid) => {
            let g = site.gaps.get(gid)?;
            (
                cells(&|c| gap_cell(site, base, c, g)),
                Some(g.source.clone()),
                None,
            )
        }
        RowItem::Claim(cid) => {
            let c = site.claims.get(cid)?;
            (cells(&|col| claim_cell(site, base, col, c)), None, None)
        }
        RowItem::Dataset(i) => {
            let ds = ds?;
            let row = ds.rows.get(*i)?;
            let cells = cells(&|c| match c {
                Column::Field(fi) => dataset_cell(site, ds, row, *fi, base),
                Column::Source => source_cell(site, base, &row.source),
                Column::Label => CellView::text(r.label.clone()),
                _ => match row.finding.as_ref().and_then(|f| site.findings.get(f)) {
                    Some(f) => finding_cell(site, base, c, f),
                    None => CellView::missing("—"),
                },
            });
            let finding = row.finding.as_ref().map(|f| f.0.clone());
            (cells, Some(row.source.clone()), finding)
        }
    };
    let header = match &r.item {
        RowItem::Finding(f) => CellView::link(r.label.clone(), format!("{base}{}", f.path())),
        RowItem::Gap(g) => CellView::link(r.label.clone(), format!("{base}{}", g.path())),
        RowItem::Claim(c) => CellView::link(r.label.clone(), format!("{base}{}", c.path())),
        RowItem::Dataset(_) => CellView::text(r.label.clone()),
    };
    Some(RowView {
        header,
        cells,
        source: source.map(|s| s.0),
        finding,
    })
}

/// A bar chart of a table's finding rows: percentages on a 0–100 axis, counts on their own.
/// Fractions, sums of money and gaps are not drawn as bars: the chart says why instead.
fn chart_for(site: &Site, t: &Table) -> Option<String> {
    let mut percent = 0;
    let mut count = 0;
    let mut bars = Vec::new();
    for r in &t.rows {
        match &r.item {
            RowItem::Finding(fid) => {
                let Some(f) = site.findings.get(fid) else {
                    continue;
                };
                let value = match &f.figure {
                    Some(x) => {
                        match x.value.kind {
                            ValueKind::Percent => percent += 1,
                            ValueKind::Count => count += 1,
                            _ => {}
                        }
                        bar_value(site, x)
                    }
                    None => BarValue::None(text(site, "chart_not_a_figure")),
                };
                bars.push(Bar {
                    label: r.label.clone(),
                    value,
                });
            }
            RowItem::Gap(_) => bars.push(Bar {
                label: r.label.clone(),
                value: BarValue::None(text(site, "chart_not_published")),
            }),
            _ => {}
        }
    }
    if bars.is_empty() || (percent > 0 && count > 0) {
        return None;
    }
    let axis = if count > 0 {
        Axis::Count
    } else {
        Axis::Percent
    };
    let described = bars
        .iter()
        .map(|b| match &b.value {
            BarValue::Point(_, l) | BarValue::Range(_, _, l) => format!("{} {l}", b.label),
            BarValue::None(why) => format!("{} {why}", b.label),
        })
        .collect::<Vec<_>>()
        .join("; ");
    let desc = site.strings.with(
        "chart_description",
        &[("count", &bars.len()), ("bars", &described)],
    );
    let unit = text(
        site,
        match axis {
            Axis::Percent => "chart_axis_percent",
            Axis::Count => "chart_axis_count",
        },
    );
    Some(bar_chart(
        &format!("chart-{}", t.id),
        &t.title,
        &desc,
        axis,
        &unit,
        &bars,
    ))
}

/// A finding's bar: percentages and counts are drawn; fractions and sums of money are not.
fn bar_value(site: &Site, x: &Figure) -> BarValue {
    match (x.value.kind, x.value.amount) {
        (ValueKind::Percent | ValueKind::Count, Amount::Number(n)) => {
            BarValue::Point(n, x.text.clone())
        }
        (ValueKind::Percent | ValueKind::Count, Amount::Range { min, max }) => {
            BarValue::Range(min, max, x.text.clone())
        }
        _ => BarValue::None(site.strings.with("chart_given_as", &[("figure", &x.text)])),
    }
}

/// RFC 4180: fields with commas, quotes or line breaks are quoted, quotes doubled, CRLF line ends.
/// The file opens with a UTF-8 byte order mark, without which Excel on Windows reads it in the
/// system's code page and garbles £, ’, ✓ and ✗; CSV readers (and `frictionless`) skip it.
pub(crate) fn csv(header: &[String], rows: &[Vec<String>]) -> Vec<u8> {
    let mut out = Vec::new();
    // Writing into a `Vec` cannot fail.
    let _ = csv_to(&mut out, header, rows);
    out
}

/// [`csv`], from rows that may be made one at a time, written to `w` line by line (so that a large
/// file need not be whole in memory); fails only when `w` does.
pub(crate) fn csv_to<R: AsRef<[String]>>(
    w: &mut dyn std::io::Write,
    header: &[String],
    rows: impl IntoIterator<Item = R>,
) -> std::io::Result<()> {
    let mut buf = String::new();
    w.write_all("\u{feff}".as_bytes())?;
    csv_line(&mut buf, header);
    w.write_all(buf.as_bytes())?;
    for row in rows {
        buf.clear();
        csv_line(&mut buf, row.as_ref());
        w.write_all(buf.as_bytes())?;
    }
    Ok(())
}

/// Appends one CSV line of `cells` to `out`, with its CRLF ([`csv`]).
pub(crate) fn csv_line(out: &mut String, cells: &[String]) {
    for (i, s) in cells.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        if s.contains([',', '"', '\n', '\r']) {
            out.push('"');
            out.push_str(&s.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(s);
        }
    }
    out.push_str("\r\n");
}

fn provenance(site: &Site, sources: &[Ref]) -> serde_json::Value {
    let c = &site.config;
    let source = |r: &Ref| {
        let path = r
            .url
            .strip_prefix(c.base_path.trim_end_matches('/'))
            .unwrap_or(&r.url);
        let url = format!("{}{path}", c.base_url.trim_end_matches('/'));
        json!({"id": r.id, "title": r.title, "url": url})
    };
    json!({
        "site": c.title,
        "site_url": c.base_url,
        "site_version": c.version,
        "site_date": c.date,
        "license": c.license,
        "sources": sources.iter().map(source).collect::<Vec<_>>(),
    })
}

fn abs_url(site: &Site, path_url: &str) -> String {
    let rel = path_url
        .strip_prefix(&site.config.base_path)
        .unwrap_or(path_url);
    format!("{}{rel}", site.config.base_url)
}

/// Columns every CSV download ends with, so that a row copied out of its file still says where it
/// came from, under what licence, and from which version of the site.
pub(crate) const PROVENANCE_COLUMNS: [&str; 5] = [
    "finding_id",
    "source_id",
    "source_url",
    "license",
    "site_version",
];

fn provenance_cells(site: &Site, finding: Option<&str>, source: Option<&str>) -> [String; 5] {
    [
        finding.unwrap_or_default().to_string(),
        source.unwrap_or_default().to_string(),
        source
            .map(|s| format!("{}sources/{s}/", site.config.base_url))
            .unwrap_or_default(),
        site.config.license.clone().unwrap_or_default(),
        site.config.version.clone().unwrap_or_default(),
    ]
}

/// The CSV and JSON downloads of a table: cells as shown, plus provenance columns.
pub(crate) fn table_downloads(site: &Site, v: &TableView) -> (Vec<u8>, Vec<u8>) {
    let mut header = vec!["item".to_string()];
    header.extend(v.columns.iter().cloned());
    header.extend(PROVENANCE_COLUMNS.map(String::from));
    let rows: Vec<Vec<String>> = v
        .rows
        .iter()
        .map(|r| {
            let mut line = vec![r.header.text.clone()];
            line.extend(r.cells.iter().map(|c| {
                if c.kind == "missing" {
                    String::new()
                } else {
                    c.text.clone()
                }
            }));
            line.extend(provenance_cells(
                site,
                r.finding.as_deref(),
                r.source.as_deref(),
            ));
            line
        })
        .collect();
    let json_rows: Vec<serde_json::Value> = v
        .rows
        .iter()
        .map(|r| {
            let mut m = serde_json::Map::new();
            m.insert("item".into(), json!(r.header.text));
            for (c, label) in r.cells.iter().zip(&v.columns) {
                let val = match c.kind {
                    "missing" => serde_json::Value::Null,
                    "gap" => json!({"missing": true, "note": c.text, "gap_url": c.url.as_ref().map(|u| abs_url(site, u))}),
                    _ => json!(c.text),
                };
                m.insert(label.clone(), val);
            }
            m.insert("finding_id".into(), json!(r.finding));
            m.insert("source_id".into(), json!(r.source));
            serde_json::Value::Object(m)
        })
        .collect();
    let doc = json!({
        "id": v.id,
        "title": v.title,
        "caption": v.caption,
        "url": abs_url(site, &v.url),
        "notes": v.notes,
        "columns": v.columns,
        "rows": json_rows,
        "provenance": provenance(site, &v.sources),
    });
    (csv(&header, &rows), json_pretty(&doc))
}

/// The CSV and JSON downloads of a dataset: typed values (empty when missing) and provenance.
pub(crate) fn dataset_downloads(site: &Site, ds: &Dataset) -> (Vec<u8>, Vec<u8>) {
    let mut header: Vec<String> = ds.fields.iter().map(|f| f.name.clone()).collect();
    header.extend(PROVENANCE_COLUMNS.map(String::from));
    let rows: Vec<Vec<String>> = ds
        .rows
        .iter()
        .map(|r| {
            let mut line: Vec<String> = r
                .cells
                .iter()
                .map(|c| match c {
                    Cell::Missing => String::new(),
                    Cell::Text(t) => t.clone(),
                    Cell::Number(n) => num(*n),
                    Cell::Bool(b) => b.to_string(),
                })
                .collect();
            line.extend(provenance_cells(
                site,
                r.finding.as_ref().map(|f| f.0.as_str()),
                Some(&r.source.0),
            ));
            line
        })
        .collect();
    let json_rows: Vec<serde_json::Value> = ds
        .rows
        .iter()
        .map(|r| {
            let mut m = serde_json::Map::new();
            for (c, f) in r.cells.iter().zip(&ds.fields) {
                m.insert(
                    f.name.clone(),
                    match c {
                        Cell::Missing => serde_json::Value::Null,
                        Cell::Text(t) => json!(t),
                        Cell::Number(n) => json_number(*n),
                        Cell::Bool(b) => json!(b),
                    },
                );
            }
            m.insert("finding_id".into(), json!(r.finding.as_ref().map(|f| &f.0)));
            m.insert("source_id".into(), json!(r.source.0));
            m.insert("gap_id".into(), json!(r.gap.as_ref().map(|g| &g.0)));
            serde_json::Value::Object(m)
        })
        .collect();
    let sources = sources_of(
        site,
        &site.config.base_path,
        ds.rows.iter().map(|r| r.source.clone()),
    );
    let doc = json!({
        "id": ds.id.0,
        "title": ds.title,
        "description": ds.description,
        "url": format!("{}{}", site.config.base_url, ds.id.path()),
        "schema": ds.fields.iter().map(|f| json!({"name": f.name, "title": f.title, "type": f.field_type.key(), "unit": f.unit, "description": f.description})).collect::<Vec<_>>(),
        "rows": json_rows,
        "provenance": provenance(site, &sources),
    });
    (csv(&header, &rows), json_pretty(&doc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_per_rfc4180() {
        let out = csv(
            &["a".into(), "b".into()],
            &[
                vec!["x, y".into(), "say \"hi\"".into()],
                vec!["line\nbreak".into(), "£0.5".into()],
            ],
        );
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "\u{feff}a,b\r\n\"x, y\",\"say \"\"hi\"\"\"\r\n\"line\nbreak\",£0.5\r\n"
        );
    }
}
