//! Build-time SVG charts, written by hand: plotting crates do not give byte-stable output. A chart
//! is inline SVG with `role="img"`, a title and a description, labelled axes and units, and
//! classes (not colours) so the theme styles it for light, dark and print. The data table is
//! always rendered beside it; the chart only adds a picture of the same numbers.

use std::fmt::Write as _;

/// One bar: a label and either a value, a range, or nothing (the figure is missing or not a
/// single number, and the reason is shown in place of the bar).
#[derive(Clone, Debug)]
pub struct Bar {
    pub label: String,
    pub value: BarValue,
}

#[derive(Clone, Debug)]
pub enum BarValue {
    Point(f64, String),
    Range(f64, f64, String),
    /// Not drawn; the text says why ("not published", "given as a fraction: two-thirds").
    None(String),
}

/// The unit of the axis.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Axis {
    Percent,
    Count,
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn fmt(n: f64) -> String {
    let s = format!("{n:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

/// A round upper bound for a count axis.
fn nice_max(max: f64) -> f64 {
    if max <= 0.0 {
        return 1.0;
    }
    let mag = 10f64.powf(max.log10().floor());
    for step in [1.0, 2.0, 2.5, 5.0, 10.0] {
        if max <= step * mag {
            return step * mag;
        }
    }
    10.0 * mag
}

/// The most characters a line of a bar's label holds: at the chart's 13 px, about 200 of the 242
/// units left of the bars.
const LABEL_LINE: usize = 30;

/// A bar's label in one line, or two broken between words (the second shortened with "…" if it is
/// still too long); the whole label is the text's `<title>`.
fn label_lines(label: &str) -> (String, Option<String>) {
    if label.chars().count() <= LABEL_LINE {
        return (label.to_string(), None);
    }
    let mut first = String::new();
    let mut words = label.split(' ').peekable();
    while let Some(w) = words.peek() {
        let len = first.chars().count() + usize::from(!first.is_empty()) + w.chars().count();
        if len > LABEL_LINE && !first.is_empty() {
            break;
        }
        if !first.is_empty() {
            first.push(' ');
        }
        first.push_str(w);
        words.next();
    }
    let rest: Vec<&str> = words.collect();
    let second = (!rest.is_empty()).then(|| truncate(&rest.join(" "), LABEL_LINE));
    (truncate(&first, LABEL_LINE), second)
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let t: String = s.chars().take(n - 1).collect();
        format!("{}…", t.trim_end())
    }
}

/// A horizontal bar chart. `id` makes the title and description ids unique on the page.
/// `unit` labels the axis ("Per cent (%)", in the site's language).
pub fn bar_chart(
    id: &str,
    title: &str,
    description: &str,
    axis: Axis,
    unit: &str,
    bars: &[Bar],
) -> String {
    const WIDTH: f64 = 640.0;
    const LABEL_W: f64 = 250.0;
    const ROW_H: f64 = 30.0;
    const TOP: f64 = 10.0;
    const AXIS_H: f64 = 44.0;
    let plot_w = WIDTH - LABEL_W - 60.0;
    let max = match axis {
        Axis::Percent => 100.0,
        Axis::Count => nice_max(
            bars.iter()
                .map(|b| match b.value {
                    BarValue::Point(v, _) => v,
                    BarValue::Range(_, hi, _) => hi,
                    BarValue::None(_) => 0.0,
                })
                .fold(0.0, f64::max),
        ),
    };
    let x = |v: f64| LABEL_W + (v.clamp(0.0, max) / max) * plot_w;
    let height = TOP + ROW_H * bars.len() as f64 + AXIS_H;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart chart-bar" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" aria-labelledby="{id}-title {id}-desc" xmlns="http://www.w3.org/2000/svg"><title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
        esc(title),
        esc(description)
    );
    // Grid and axis.
    let ticks: Vec<f64> = (0..=4).map(|i| max * f64::from(i) / 4.0).collect();
    let bottom = TOP + ROW_H * bars.len() as f64;
    for t in &ticks {
        let tx = x(*t);
        let _ = write!(
            s,
            r#"<line class="chart-grid" x1="{0}" x2="{0}" y1="{TOP}" y2="{bottom}"/><text class="chart-tick" x="{0}" y="{1}" text-anchor="middle">{2}</text>"#,
            fmt(tx),
            fmt(bottom + 16.0),
            fmt(*t)
        );
    }
    let unit = esc(unit);
    let _ = write!(
        s,
        r#"<text class="chart-axis-label" x="{}" y="{}" text-anchor="middle">{unit}</text>"#,
        fmt(LABEL_W + plot_w / 2.0),
        fmt(bottom + 36.0)
    );
    for (i, b) in bars.iter().enumerate() {
        let y = TOP + ROW_H * i as f64;
        let mid = y + ROW_H / 2.0 + 4.0;
        let label_x = fmt(LABEL_W - 8.0);
        let _ = write!(
            s,
            r#"<text class="chart-label" x="{label_x}" y="{}" text-anchor="end"><title>{}</title>"#,
            fmt(mid),
            esc(&b.label),
        );
        // A long label takes two lines, around the bar's middle, rather than run off the left.
        match label_lines(&b.label) {
            (one, None) => s.push_str(&esc(&one)),
            (one, Some(two)) => {
                let _ = write!(
                    s,
                    r#"<tspan x="{label_x}" dy="-7">{}</tspan><tspan x="{label_x}" dy="14">{}</tspan>"#,
                    esc(&one),
                    esc(&two)
                );
            }
        }
        s.push_str("</text>");
        match &b.value {
            BarValue::Point(v, label) => {
                let _ = write!(
                    s,
                    r#"<rect class="chart-bar-fill" x="{LABEL_W}" y="{}" width="{}" height="{}"/><text class="chart-value" x="{}" y="{}">{}</text>"#,
                    fmt(y + 6.0),
                    fmt(x(*v) - LABEL_W),
                    fmt(ROW_H - 12.0),
                    fmt(x(*v) + 6.0),
                    fmt(mid),
                    esc(label)
                );
            }
            BarValue::Range(lo, hi, label) => {
                let _ = write!(
                    s,
                    r#"<rect class="chart-bar-range" x="{}" y="{}" width="{}" height="{}"/><text class="chart-value" x="{}" y="{}">{}</text>"#,
                    fmt(x(*lo)),
                    fmt(y + 6.0),
                    fmt((x(*hi) - x(*lo)).max(2.0)),
                    fmt(ROW_H - 12.0),
                    fmt(x(*hi) + 6.0),
                    fmt(mid),
                    esc(label)
                );
            }
            BarValue::None(why) => {
                let _ = write!(
                    s,
                    r#"<text class="chart-missing" x="{}" y="{}">{}</text>"#,
                    fmt(LABEL_W + 6.0),
                    fmt(mid),
                    esc(why)
                );
            }
        }
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_is_labelled_and_stable() {
        let bars = vec![
            Bar {
                label: "Council staff lead".into(),
                value: BarValue::Point(72.0, "72%".into()),
            },
            Bar {
                label: "Enough is done".into(),
                value: BarValue::Range(20.0, 40.0, "40% to just 20%".into()),
            },
            Bar {
                label: "FOI allocations".into(),
                value: BarValue::None("not published".into()),
            },
        ];
        let a = bar_chart("c1", "T", "D", Axis::Percent, "Per cent (%)", &bars);
        assert_eq!(
            a,
            bar_chart("c1", "T", "D", Axis::Percent, "Per cent (%)", &bars)
        );
        assert!(a.contains(r#"role="img""#) && a.contains("<title id=\"c1-title\">T</title>"));
        assert!(a.contains("not published"));
        assert!(a.contains("(%)"));
    }

    #[test]
    fn a_long_label_takes_two_lines_between_words() {
        assert_eq!(label_lines("Council staff"), ("Council staff".into(), None));
        assert_eq!(
            label_lines("User-led organisations or peer support"),
            (
                "User-led organisations or peer".into(),
                Some("support".into())
            )
        );
        let (one, two) = label_lines(&"word ".repeat(20));
        assert!(one.chars().count() <= LABEL_LINE);
        assert!(two.is_some_and(|t| t.chars().count() <= LABEL_LINE && t.ends_with('…')));
        // A single word too long for a line is shortened, not split.
        let (one, two) = label_lines(&"x".repeat(40));
        assert_eq!((one.chars().count(), two), (LABEL_LINE, None));
    }

    #[test]
    fn nice_bounds() {
        assert_eq!(nice_max(72.0), 100.0);
        assert_eq!(nice_max(30000.0), 50000.0);
        assert_eq!(fmt(0.5), "0.5");
        assert_eq!(fmt(250.0), "250");
    }
}
