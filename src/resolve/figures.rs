//! Figures read as printed: a finding's `figure` ("more than two thirds", "40% to just 20%",
//! "£0.5bn a year", "30,000") read into a [`Reading`] (kind, amount, scale, qualifier, per), so
//! that its structured `value` can be checked against it. A value that disagrees is an error at
//! the value; a figure evident cannot read is a warning that names it, never silence.

use crate::model::{Amount, Scale, Value, ValueKind};

/// What a figure says, as far as its words go.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Reading {
    pub kind: ReadKind,
    pub amount: Amount,
    pub scale: Option<Scale>,
    pub qualifier: Option<&'static str>,
    pub per: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum ReadKind {
    Percent,
    Fraction,
    Count,
    /// Money, with the ISO 4217 code its symbol or code names.
    Money(String),
}

/// Words that qualify a figure, and the value qualifier each means.
const QUALIFIERS: &[(&str, &str)] = &[
    ("as much as", "as much as"),
    ("as many as", "as much as"),
    ("more than", "more than"),
    ("over", "more than"),
    ("above", "more than"),
    ("less than", "less than"),
    ("fewer than", "less than"),
    ("under", "less than"),
    ("below", "less than"),
    ("almost", "almost"),
    ("nearly", "almost"),
    ("just under", "almost"),
    ("at least", "at least"),
    ("up to", "up to"),
    ("about", "about"),
    ("around", "about"),
    ("approximately", "about"),
    ("roughly", "about"),
];

/// Words that add nothing to the quantity.
const FILLERS: &[&str] = &[
    "a further",
    "further",
    "just",
    "only",
    "some",
    "an extra",
    "extra",
];

const CURRENCIES: &[(&str, &str)] = &[("£", "GBP"), ("€", "EUR"), ("$", "USD"), ("¥", "JPY")];

const NUMBER_WORDS: &[(&str, f64)] = &[
    ("a", 1.0),
    ("an", 1.0),
    ("one", 1.0),
    ("two", 2.0),
    ("three", 3.0),
    ("four", 4.0),
    ("five", 5.0),
    ("six", 6.0),
    ("seven", 7.0),
    ("eight", 8.0),
    ("nine", 9.0),
    ("ten", 10.0),
];

const PARTS: &[(&str, f64)] = &[
    ("half", 2.0),
    ("halves", 2.0),
    ("third", 3.0),
    ("thirds", 3.0),
    ("quarter", 4.0),
    ("quarters", 4.0),
    ("fifth", 5.0),
    ("fifths", 5.0),
    ("sixth", 6.0),
    ("sixths", 6.0),
    ("seventh", 7.0),
    ("sevenths", 7.0),
    ("eighth", 8.0),
    ("eighths", 8.0),
    ("ninth", 9.0),
    ("ninths", 9.0),
    ("tenth", 10.0),
    ("tenths", 10.0),
];

/// Reads a figure; `None` when its words are not a quantity evident can read. A figure with a
/// gloss in brackets ("almost three-quarters (72%)") gives a reading for each part.
pub(crate) fn read(figure: &str) -> Vec<Reading> {
    let (main, aside) = match (figure.find('('), figure.rfind(')')) {
        (Some(a), Some(b)) if a < b => (
            format!("{} {}", &figure[..a], &figure[b + 1..]),
            Some(figure[a + 1..b].to_string()),
        ),
        _ => (figure.to_string(), None),
    };
    [Some(main), aside]
        .into_iter()
        .flatten()
        .filter_map(|t| read_one(&t))
        .collect()
}

fn normalise(figure: &str) -> String {
    let mut t = figure.to_lowercase();
    for (from, to) in [
        ("per cent", "%"),
        ("percent", "%"),
        ("\u{2013}", " to "),
        ("\u{2014}", " to "),
        ("\u{a0}", " "),
    ] {
        t = t.replace(from, to);
    }
    // "two-thirds" reads as "two thirds"; a hyphen between numbers is a range.
    let chars: Vec<char> = t.chars().collect();
    let mut out = String::new();
    for (i, c) in chars.iter().enumerate() {
        if *c == '-' {
            let before = i > 0 && chars[i - 1].is_alphabetic();
            out.push_str(if before { " " } else { " to " });
        } else if *c == '%' {
            out.push_str(" % ");
        } else {
            out.push(*c);
        }
    }
    out
}

/// Tokens of a figure: words, numbers (with their separators) and symbols.
fn tokens(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut cur = String::new();
    let flush = |cur: &mut String, out: &mut Vec<String>| {
        if !cur.is_empty() {
            out.push(std::mem::take(cur));
        }
    };
    for c in text.chars() {
        let symbol = CURRENCIES.iter().any(|(s, _)| s.starts_with(c)) || c == '%';
        if c.is_whitespace() || c == '(' || c == ')' || c == ':' {
            flush(&mut cur, &mut out);
        } else if symbol {
            flush(&mut cur, &mut out);
            out.push(c.to_string());
        } else {
            // A number followed by a scale suffix ("0.5bn") splits there.
            let digit_before = cur.chars().last().is_some_and(|p| p.is_ascii_digit());
            if digit_before && c.is_alphabetic() {
                flush(&mut cur, &mut out);
            }
            cur.push(c);
        }
    }
    flush(&mut cur, &mut out);
    out.into_iter()
        .map(|t| t.trim_end_matches([',', '.', ';']).to_string())
        .filter(|t| !t.is_empty())
        .collect()
}

/// A number as printed: digits, with thousands separators in groups of three, and a decimal part.
fn number(token: &str) -> Option<f64> {
    let (int, frac) = match token.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (token, None),
    };
    let groups: Vec<&str> = int.split(',').collect();
    let grouped_ok = groups.len() == 1
        || (!groups[0].is_empty()
            && groups[0].len() <= 3
            && groups[1..].iter().all(|g| g.len() == 3));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !grouped_ok || !groups.iter().all(|g| digits(g)) || frac.is_some_and(|f| !digits(f)) {
        return None;
    }
    token.replace(',', "").parse().ok()
}

fn scale_of(token: &str) -> Option<Scale> {
    match token {
        "thousand" | "k" => Some(Scale::Thousand),
        "million" | "m" | "mn" => Some(Scale::Million),
        "billion" | "bn" => Some(Scale::Billion),
        _ => None,
    }
}

fn currency_of(token: &str) -> Option<String> {
    if let Some((_, code)) = CURRENCIES.iter().find(|(s, _)| *s == token) {
        return Some(code.to_string());
    }
    let upper = token.to_uppercase();
    (token.len() == 3 && crate::model::is_currency(&upper)).then_some(upper)
}

/// One quantity: a number with its unit, or a fraction in words.
#[derive(Clone, Debug)]
struct Quantity {
    amount: Amount,
    percent: bool,
    fraction: bool,
    currency: Option<String>,
    scale: Option<Scale>,
}

/// Reads one quantity at `tokens[i..]`; returns it and the index after it.
fn quantity(t: &[String], mut i: usize) -> Option<(Quantity, usize)> {
    let mut currency = t.get(i).and_then(|s| currency_of(s));
    if currency.is_some() {
        i += 1;
    }
    let word = |k: usize| t.get(k).map(String::as_str).unwrap_or("");
    // "two thirds", "a third", "half"
    let count_word = NUMBER_WORDS
        .iter()
        .find(|(w, _)| *w == word(i))
        .map(|(_, n)| *n);
    let part = |k: usize| PARTS.iter().find(|(w, _)| *w == word(k)).map(|(_, d)| *d);
    if let (Some(n), Some(d)) = (count_word, part(i + 1)) {
        return Some((Quantity::fraction(n, d), i + 2));
    }
    if let Some(d) = part(i).filter(|_| word(i) == "half") {
        return Some((Quantity::fraction(1.0, d), i + 1));
    }
    let n = number(word(i)).or(count_word)?;
    i += 1;
    // "one in five", "2 out of 3"
    let of = match (word(i), word(i + 1)) {
        ("in", _) => Some(i + 1),
        ("out", "of") => Some(i + 2),
        _ => None,
    };
    if let Some(k) = of {
        if let Some(d) = number(word(k)).or_else(|| {
            NUMBER_WORDS
                .iter()
                .find(|(w, _)| *w == word(k))
                .map(|(_, n)| *n)
        }) {
            return Some((Quantity::fraction(n, d), k + 1));
        }
    }
    let scale = scale_of(word(i));
    if scale.is_some() {
        i += 1;
    }
    if currency.is_none() {
        currency = currency_of(word(i)).filter(|c| c.len() == 3 && word(i).len() == 3);
        if currency.is_some() {
            i += 1;
        }
    }
    let percent = word(i) == "%";
    if percent {
        i += 1;
    }
    let q = Quantity {
        amount: Amount::Number(n),
        percent,
        fraction: false,
        currency,
        scale,
    };
    Some((q, i))
}

impl Quantity {
    fn fraction(numerator: f64, denominator: f64) -> Self {
        Quantity {
            amount: Amount::Fraction {
                numerator,
                denominator,
            },
            percent: false,
            fraction: true,
            currency: None,
            scale: None,
        }
    }

    fn kind(&self) -> ReadKind {
        match (&self.currency, self.percent, self.fraction) {
            (Some(c), _, _) => ReadKind::Money(c.clone()),
            (None, true, _) => ReadKind::Percent,
            (None, false, true) => ReadKind::Fraction,
            _ => ReadKind::Count,
        }
    }
}

/// Skips the phrases in `list` at `tokens[i..]`; returns the first phrase's meaning (for
/// qualifiers) and the index after them.
fn skip_phrases<'a>(
    t: &[String],
    mut i: usize,
    list: &[(&'a str, &'a str)],
) -> (Option<&'a str>, usize) {
    let mut found = None;
    loop {
        let hit = list.iter().find(|(phrase, _)| {
            (phrase.split(' ').enumerate())
                .all(|(k, w)| t.get(i + k).map(String::as_str) == Some(w))
        });
        match hit {
            Some((phrase, meaning)) => {
                found = found.or(Some(*meaning));
                i += phrase.split(' ').count();
            }
            None => return (found, i),
        }
    }
}

fn fillers() -> Vec<(&'static str, &'static str)> {
    FILLERS.iter().map(|f| (*f, *f)).collect()
}

fn read_one(figure: &str) -> Option<Reading> {
    let t = tokens(&normalise(figure));
    let fill = fillers();
    let (_, i) = skip_phrases(&t, 0, &fill);
    let between = t.get(i).map(String::as_str) == Some("between");
    let i = i + usize::from(between);
    let (qualifier, i) = skip_phrases(&t, i, QUALIFIERS);
    let (_, i) = skip_phrases(&t, i, &fill);
    let (first, mut i) = quantity(&t, i)?;
    let mut amount = first.amount;
    let mut last = first.clone();
    // A range: "40% to just 20%", "20 to 40%", "between 20 and 40 per cent".
    let joins = match t.get(i).map(String::as_str) {
        Some("to") => true,
        Some("and") => between,
        _ => false,
    };
    if joins {
        let (_, j) = skip_phrases(&t, i + 1, &fill);
        if let Some((second, k)) = quantity(&t, j) {
            if let (Amount::Number(a), Amount::Number(b)) = (first.amount, second.amount) {
                amount = Amount::Range {
                    min: a.min(b),
                    max: a.max(b),
                };
                last = second;
                i = k;
            }
        }
    }
    let per = per(&t, i);
    // Another number later in the figure is a second quantity, which one value cannot hold.
    if t[i..].iter().any(|w| number(w).is_some()) && per.is_none() {
        return None;
    }
    let unit = Quantity {
        amount,
        percent: first.percent || last.percent,
        fraction: first.fraction,
        currency: first.currency.clone().or(last.currency.clone()),
        scale: first.scale.or(last.scale),
    };
    Some(Reading {
        kind: unit.kind(),
        amount,
        scale: unit.scale,
        qualifier,
        per,
    })
}

/// "a year", "per year", "each week", "per person".
fn per(t: &[String], i: usize) -> Option<String> {
    t[i..].windows(2).find_map(|w| {
        matches!(w[0].as_str(), "a" | "an" | "per" | "each" | "every")
            .then(|| w[1].clone())
            .filter(|unit| {
                [
                    "year", "month", "week", "day", "person", "head", "annum", "hour",
                ]
                .contains(&unit.as_str())
            })
    })
}

/// The reading in the words evident uses for values, for help messages: "more than 2/3",
/// "£0.5 billion per year" is "0.5 billion GBP per year".
pub(crate) fn describe(r: &Reading) -> String {
    let n = crate::model::number_text;
    let unit = if r.kind == ReadKind::Percent { "%" } else { "" };
    let mut text = match r.amount {
        Amount::Number(x) => format!("{}{unit}", n(x)),
        Amount::Range { min, max } => format!("{}{unit} to {}{unit}", n(min), n(max)),
        Amount::Fraction {
            numerator,
            denominator,
        } => format!("{}/{}", n(numerator), n(denominator)),
    };
    if let Some(s) = r.scale {
        text = format!("{text} {}", s.key());
    }
    if let ReadKind::Money(c) = &r.kind {
        text = format!("{text} {c}");
    }
    let kind = match &r.kind {
        ReadKind::Percent => "a percentage",
        ReadKind::Fraction => "a fraction",
        ReadKind::Count => "a count",
        ReadKind::Money(_) => "a sum of money",
    };
    if let Some(q) = r.qualifier {
        text = format!("{q} {text}");
    }
    if let Some(p) = &r.per {
        text = format!("{text} per {p}");
    }
    format!("{kind}, {text}")
}

/// Whether a value says what a reading of its figure says: the same kind (and currency), the same
/// amount (a count or sum compared after its scale), the same qualifier, and the same "per".
pub(crate) fn agrees(value: &Value, r: &Reading) -> bool {
    let kind_ok = match (&r.kind, value.kind) {
        (ReadKind::Percent, ValueKind::Percent) | (ReadKind::Count, ValueKind::Count) => true,
        (ReadKind::Fraction, ValueKind::Fraction | ValueKind::Ratio) => true,
        (ReadKind::Money(c), ValueKind::Money) => value.currency.as_deref() == Some(c.as_str()),
        _ => false,
    };
    let factor = |s: Option<Scale>| s.map_or(1.0, Scale::factor);
    let same = |a: f64, b: f64| (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0);
    let (fv, fr) = (factor(value.scale), factor(r.scale));
    let amount_ok = match (value.amount, r.amount) {
        (Amount::Number(a), Amount::Number(b)) => same(a * fv, b * fr),
        (Amount::Range { min: a, max: b }, Amount::Range { min: c, max: d }) => {
            same(a * fv, c * fr) && same(b * fv, d * fr)
        }
        (
            Amount::Fraction {
                numerator: a,
                denominator: b,
            },
            Amount::Fraction {
                numerator: c,
                denominator: d,
            },
        ) => same(a, c) && same(b, d),
        _ => false,
    };
    let per_ok = r.per.is_none() || value.per == r.per;
    kind_ok && amount_ok && value.qualifier.as_deref() == r.qualifier && per_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(figure: &str) -> Reading {
        let r = read(figure);
        assert_eq!(r.len(), 1, "{figure}: {r:?}");
        r[0].clone()
    }

    fn value(kind: ValueKind, amount: Amount) -> Value {
        Value {
            kind,
            amount,
            scale: None,
            qualifier: None,
            per: None,
            currency: None,
        }
    }

    #[test]
    fn reads_the_bundled_sites_figures() {
        let cases: &[(&str, &str)] = &[
            ("Two-thirds", "a fraction, 2/3"),
            ("1%", "a percentage, 1%"),
            ("40% to just 20%", "a percentage, 20% to 40%"),
            ("Three-quarters", "a fraction, 3/4"),
            ("75 local authorities", "a count, 75"),
            ("30,000", "a count, 30000"),
            ("less than a third", "a fraction, less than 1/3"),
            ("more than 200 people", "a count, more than 200"),
            ("more than two thirds", "a fraction, more than 2/3"),
            ("10 per cent", "a percentage, 10%"),
            ("£0.5 billion", "a sum of money, 0.5 billion GBP"),
            (
                "as much as a further £0.5 billion a year",
                "a sum of money, as much as 0.5 billion GBP per year",
            ),
            ("€2.5 million", "a sum of money, 2.5 million EUR"),
            ("£0.5bn", "a sum of money, 0.5 billion GBP"),
            ("one in five", "a fraction, 1/5"),
            ("Two in five", "a fraction, 2/5"),
            ("half", "a fraction, 1/2"),
            ("almost 28.3%", "a percentage, almost 28.3%"),
            ("between 20 and 40 per cent", "a percentage, 20% to 40%"),
        ];
        for (figure, reading) in cases {
            assert_eq!(describe(&one(figure)), *reading, "{figure}");
        }
    }

    #[test]
    fn a_gloss_in_brackets_reads_too() {
        let r = read("Almost three-quarters (72%)");
        assert_eq!(r.len(), 2);
        assert_eq!(describe(&r[1]), "a percentage, 72%");
    }

    #[test]
    fn what_it_cannot_read_it_says_so() {
        for figure in ["hundreds of millions", "72% and 5%", "some", "1,00", ""] {
            assert!(read(figure).is_empty(), "{figure}: {:?}", read(figure));
        }
    }

    #[test]
    fn values_that_disagree_are_caught() {
        let pct = |n| value(ValueKind::Percent, Amount::Number(n));
        assert!(agrees(&pct(23.8), &one("23.8%")));
        assert!(!agrees(&pct(28.3), &one("23.8%")));
        let mut count = value(ValueKind::Count, Amount::Number(2390.0));
        count.scale = Some(Scale::Thousand);
        assert!(!agrees(&count, &one("239,000")));
        count.amount = Amount::Number(239.0);
        assert!(agrees(&count, &one("239,000")));
        let mut money = value(ValueKind::Money, Amount::Number(2.5));
        money.scale = Some(Scale::Million);
        money.currency = Some("GBP".into());
        assert!(!agrees(&money, &one("€2.5 million")));
        money.currency = Some("EUR".into());
        assert!(agrees(&money, &one("€2.5 million")));
        // A qualifier the figure gives must be on the value.
        assert!(!agrees(&pct(10.0), &one("more than 10 per cent")));
        let frac = value(
            ValueKind::Fraction,
            Amount::Fraction {
                numerator: 2.0,
                denominator: 3.0,
            },
        );
        assert!(agrees(&frac, &one("two-thirds")));
        assert!(!agrees(&pct(66.7), &one("two-thirds")));
    }
}
