//! Findings: each reported result's source and origin, its quote checked against the source's
//! archive and its figure against the quote, its structured value, and its stances on claims.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use crate::diagnostic::{Code, Diagnostic};
use crate::model::*;
use crate::parse::raw::{
    RawFinding, RawScale, RawStance, RawStanceKind, RawValue, RawValueKind, RawWithdrawn, S,
};
use crate::parse::yaml::{position_of, Spanned};
use crate::parse::FoundFinding;
use crate::resolve::figures::{agrees, describe, read};
use crate::resolve::ids::{Ids, RefKind};
use rayon::prelude::*;

use crate::resolve::quotes::{
    check_quote, fingerprint, normalise_quote, Archives, CheckMemo, Quoted,
};

/// The findings, and the figure and value of every finding whose value resolved, including those
/// left out of the model: a dataset row that repeats a figure is still checked against it, so a
/// mistake in the finding does not hide one in the dataset.
pub(crate) struct Findings {
    pub findings: BTreeMap<FindingId, Arc<Finding>>,
    pub figures: BTreeMap<FindingId, (String, Value)>,
    /// The ids of findings left out of the model (a required part did not resolve).
    pub left_out: Vec<FindingId>,
}

/// Every finding whose id is valid and first defined here. A finding whose source is unknown
/// (reported) is left out: the model has no placeholder ids. A finding `memo` holds from the last
/// run is taken from it, not resolved again (see [`FindingMemo`]).
pub(crate) fn resolve_findings(
    raw: &[FoundFinding],
    ids: &Ids,
    archives: &Archives,
    memo: Option<&FindingMemo>,
    diags: &mut Vec<Diagnostic>,
) -> Findings {
    let mut out = Findings {
        findings: BTreeMap::new(),
        figures: BTreeMap::new(),
        left_out: Vec::new(),
    };
    let context = memo.map(|_| {
        let (ids, archives) = (ids.print_of_sources_and_claims(), archives.print());
        fingerprint(&[&ids.to_le_bytes(), &archives.to_le_bytes()])
    });
    let before = memo.map(|m| m.take_before(context)).unwrap_or_default();
    // Each finding resolves on its own (checking its quote is most of the work), in parallel;
    // the results are then taken in file order, as if one after the other.
    let resolved: Vec<Done> = raw
        .par_iter()
        .map(|(file, raw)| {
            let id = FindingId(raw.value.id.value.clone());
            let first = ids.findings.first_file(&id.0) == Some(file.as_path());
            (valid_id(&id.0) && first).then(|| match before.take(file, raw) {
                Some(kept) => (id, kept.result.clone(), kept.diags.clone()),
                None => {
                    let mut found = Vec::new();
                    let (finding, value) = resolve_finding(file, raw, ids, archives, &mut found);
                    (id, (finding.map(Arc::new), value), found)
                }
            })
        })
        .collect();
    if let (Some(memo), Some(context)) = (memo, context) {
        memo.keep(context, before, raw, &resolved);
    }
    // Collected, then made into the map at once: a `BTreeMap` built from a list fills its nodes,
    // one built by insertion leaves them half empty, and a finding is large.
    let mut findings = Vec::with_capacity(resolved.len());
    let mut figures = Vec::with_capacity(resolved.len());
    // The ids with a figure so far: a later finding of the same id is passed over.
    let mut figured: HashSet<&str> = HashSet::with_capacity(resolved.len());
    for ((_, raw), done) in raw.iter().zip(resolved) {
        let Some((id, (finding, value), found)) = done else {
            continue;
        };
        if figured.contains(raw.value.id.value.as_str()) {
            continue;
        }
        diags.extend(found);
        if let (Some(v), Some(fig)) = (value, &raw.value.figure) {
            figured.insert(&raw.value.id.value);
            figures.push((id, (fig.value.clone(), v)));
        }
        match finding {
            Some(f) => findings.push((f.id.clone(), f)),
            None => out.left_out.push(FindingId(raw.value.id.value.clone())),
        }
    }
    out.figures = figures.into_iter().collect();
    // Of one id defined twice, the later wins, as it did by insertion.
    out.findings = findings.into_iter().collect();
    // A finding left out is not, when another of its id defined in the same file is in.
    let findings = &out.findings;
    out.left_out.retain(|id| !findings.contains_key(id));
    out
}

/// A finding resolved, with its id (`None` when its id is not valid or first defined elsewhere):
/// the finding (`None` when a required part did not resolve), its value on its own, and what
/// resolving it reported.
type Done = Option<(
    FindingId,
    (Option<Arc<Finding>>, Option<Value>),
    Vec<Diagnostic>,
)>;

/// The findings `serve` resolved in its last run, kept for the next, so that a change resolves
/// again only the findings it touches. Resolving a finding reads its parsed record, every source's
/// and claim's id and old id, and every source's archive (the quote check): an entry is taken while
/// the record is the one it was made from (the parse memo hands an unchanged file's records on as
/// they were: the same allocation, which the entry holds, so its address is not reused) and the
/// ids and archives are as they were (a fingerprint of both, the entries' `context`). A finding
/// whose withdrawal names what replaces it reads every finding's id too: it is never kept. A kept
/// finding is shared with the site, not copied (at N = 10,000 copies cost what resolving did).
#[derive(Default)]
pub struct FindingMemo {
    kept: Mutex<Kept>,
}

/// The findings of one run, by the address of their parsed records, with what they read of the
/// ids and archives.
#[derive(Default)]
struct Kept {
    context: Option<u128>,
    by_record: HashMap<usize, KeptFinding>,
}

struct KeptFinding {
    file: PathBuf,
    raw: Arc<S<RawFinding>>,
    result: (Option<Arc<Finding>>, Option<Value>),
    diags: Vec<Diagnostic>,
    /// Taken in this run (so kept for the next).
    taken: AtomicBool,
}

impl Kept {
    /// The finding kept for `raw` of `file`, if it was made from this very record; marked taken.
    fn take(&self, file: &Path, raw: &Arc<S<RawFinding>>) -> Option<&KeptFinding> {
        let address = Arc::as_ptr(raw) as usize;
        let kept = (self.by_record.get(&address))
            .filter(|k| Arc::ptr_eq(&k.raw, raw) && k.file == file)?;
        kept.taken.store(true, Ordering::Relaxed);
        Some(kept)
    }
}

impl FindingMemo {
    /// The last run's findings, if what they read of the ids and archives is as it is now
    /// (`context`); none otherwise.
    fn take_before(&self, context: Option<u128>) -> Kept {
        let mut kept = self.kept.lock().unwrap_or_else(|p| p.into_inner());
        let before = std::mem::take(&mut *kept);
        match context {
            Some(_) if before.context == context => before,
            _ => Kept::default(),
        }
    }

    /// Keeps this run's findings for the next: those taken from `kept` (the last run's), and
    /// those resolved afresh (`resolved`, in the order of `raw`) copied in; the rest go.
    fn keep(&self, context: u128, mut kept: Kept, raw: &[FoundFinding], resolved: &[Done]) {
        kept.context = Some(context);
        (kept.by_record).retain(|_, k| k.taken.swap(false, Ordering::Relaxed));
        for ((file, raw), done) in raw.iter().zip(resolved) {
            let Some((_, result, diags)) = done else {
                continue;
            };
            let address = Arc::as_ptr(raw) as usize;
            let replaced =
                (raw.value.withdrawn.as_ref()).is_some_and(|w| w.value.replaced_by.is_some());
            if replaced || kept.by_record.contains_key(&address) {
                continue;
            }
            let fresh = KeptFinding {
                file: file.clone(),
                raw: raw.clone(),
                result: result.clone(),
                diags: diags.clone(),
                taken: AtomicBool::new(false),
            };
            kept.by_record.insert(address, fresh);
        }
        *self.kept.lock().unwrap_or_else(|p| p.into_inner()) = kept;
    }
}

/// One finding resolved alone, as [`resolve_findings`] resolves it among the rest: with what it
/// reported. `None` when the site would not resolve it at all (its id is not valid, or first
/// defined elsewhere).
pub(crate) fn resolve_one(
    file: &Path,
    raw: &S<RawFinding>,
    ids: &Ids,
    archives: &Archives,
) -> Option<(Option<Finding>, Vec<Diagnostic>)> {
    let id = &raw.value.id.value;
    let first = ids.findings.first_file(id) == Some(file);
    (valid_id(id) && first).then(|| {
        let mut found = Vec::new();
        let (finding, _) = resolve_finding(file, raw, ids, archives, &mut found);
        (finding, found)
    })
}

/// A finding (`None` when a required part did not resolve), and its value on its own.
fn resolve_finding(
    file: &Path,
    raw: &S<RawFinding>,
    ids: &Ids,
    archives: &Archives,
    diags: &mut Vec<Diagnostic>,
) -> (Option<Finding>, Option<Value>) {
    let f = &raw.value;
    let source = ids.source(&f.source, file, diags);
    let origin = f.origin.as_ref().and_then(|o| ids.source(o, file, diags));
    if let Some(s) = &source {
        let quoted = Quoted {
            quote: &f.quote,
            figure: f.figure.as_ref(),
            locator: &f.locator,
        };
        check_quote(file, &quoted, s, archives, diags);
    }
    let figure = figure(file, f, archives.memo(), diags);
    let value = figure
        .as_ref()
        .ok()
        .and_then(|f| f.as_ref().map(|f| f.value.clone()));
    let stances = stances(file, &f.stances, ids, diags);
    let withdrawn = (f.withdrawn.as_ref()).map(|w| Box::new(withdrawn(file, w, ids, diags)));
    let finding = (|| {
        Some(Finding {
            id: FindingId(f.id.value.clone()),
            file: file.to_path_buf(),
            position: position_of(raw),
            statement: f.statement.clone(),
            figure: figure.ok()?,
            source: source?,
            origin,
            locator: f.locator.clone(),
            quote: f.quote.value.clone(),
            population: f.population.clone(),
            period: f.period.clone(),
            place: f.place.clone(),
            stances,
            notes: f.notes.clone(),
            withdrawn,
            hash: std::sync::OnceLock::new(),
        })
    })();
    (finding, value)
}

/// A finding's figure and value, checked against each other; `Ok(None)` for a qualitative finding
/// (neither), `Err` when one is missing or the value does not resolve (reported).
fn figure(
    file: &Path,
    f: &RawFinding,
    memo: Option<&CheckMemo>,
    diags: &mut Vec<Diagnostic>,
) -> Result<Option<Figure>, ()> {
    match (&f.figure, &f.value) {
        (None, None) => Ok(None),
        (Some(fig), None) => {
            diags.push(
                Diagnostic::error(Code::FigureWithoutValue, "this figure has no `value`")
                    .at_opt(file, position_of(fig))
                    .help("add `value:` with the figure's kind and amount, e.g. `value: {kind: percent, number: 72}`"),
            );
            Err(())
        }
        (None, Some(val)) => {
            diags.push(
                Diagnostic::error(
                    Code::ValueWithoutFigure,
                    "this finding has a `value` but no `figure`",
                )
                .at_opt(file, position_of(val))
                .help("add the `figure` exactly as the source prints it; or, for a result stated in words, remove `value` (the quote and statement carry it)"),
            );
            Err(())
        }
        (Some(fig), Some(val)) => {
            let value = resolve_value(file, val, diags).ok_or(())?;
            // What the check reads: the quote, the figure and the value.
            let key = || {
                let value = value_bytes(&value);
                let (quote, figure) = (f.quote.value.as_bytes(), fig.value.as_bytes());
                fingerprint(&[b"value", quote, figure, &value])
            };
            CheckMemo::check(memo, key, diags, |diags| {
                // A figure that is not in its quote is wrong itself (reported there): the value
                // is not checked against it as well.
                let quoted = normalise_quote(&f.quote.value).contains(&normalise_quote(&fig.value));
                if quoted {
                    check_value(file, fig, val, &value, diags);
                }
            });
            Ok(Some(Figure {
                text: fig.value.clone(),
                value,
            }))
        }
    }
}

/// Every field of a value, its numbers exactly (their bits), each told from the next: a key for
/// the check of the value against its figure. (Formatting the value with `Debug` did as well, at
/// a fortieth of a rebuild's time spent formatting numbers.)
fn value_bytes(v: &Value) -> Vec<u8> {
    fn text(out: &mut Vec<u8>, s: Option<&str>) {
        match s {
            None => out.push(0),
            Some(s) => {
                out.push(1);
                out.extend((s.len() as u64).to_le_bytes());
                out.extend(s.as_bytes());
            }
        }
    }
    let mut out = Vec::with_capacity(64);
    text(&mut out, Some(v.kind.key()));
    let (tag, numbers) = match v.amount {
        Amount::Number(n) => (0, [n, 0.0]),
        Amount::Range { min, max } => (1, [min, max]),
        Amount::Fraction {
            numerator,
            denominator,
        } => (2, [numerator, denominator]),
    };
    out.push(tag);
    for n in numbers {
        out.extend(n.to_bits().to_le_bytes());
    }
    out.push(match v.scale {
        None => 0,
        Some(Scale::Thousand) => 1,
        Some(Scale::Million) => 2,
        Some(Scale::Billion) => 3,
    });
    for s in [&v.qualifier, &v.per, &v.currency] {
        text(&mut out, s.as_deref());
    }
    out
}

/// The value must say what the figure says: an error at the value when it does not, a warning
/// when the figure cannot be read.
fn check_value(
    file: &Path,
    fig: &Spanned<String>,
    val: &Spanned<RawValue>,
    value: &Value,
    diags: &mut Vec<Diagnostic>,
) {
    let readings = read(&fig.value);
    if readings.is_empty() {
        diags.push(
            Diagnostic::warning(
                Code::FigureUnread,
                format!("evident cannot read the figure `{}` as a quantity, so its value is not checked", fig.value),
            )
            .at_opt(file, position_of(fig))
            .help("check the value against the figure by hand; figures evident reads look like 72%, 10 per cent, two-thirds, one in five, 30,000, £0.5bn, more than 200"),
        );
        return;
    }
    if readings.iter().any(|r| agrees(value, r)) {
        return;
    }
    let read_as: Vec<String> = readings.iter().map(describe).collect();
    diags.push(
        Diagnostic::error(
            Code::ValueMismatch,
            format!("this value does not say what the figure `{}` says", fig.value),
        )
        .at_opt(file, position_of(val))
        .label("disagrees with the figure")
        .help(format!(
            "the figure reads as {}; give the value that kind, amount, scale, currency, qualifier and `per`",
            read_as.join(", or ")
        )),
    );
}

/// `withdrawn:`: its date must be a day, and what replaces it a finding (an unknown one is
/// reported and dropped; the finding is withdrawn all the same).
fn withdrawn(
    file: &Path,
    raw: &S<RawWithdrawn>,
    ids: &Ids,
    diags: &mut Vec<Diagnostic>,
) -> Withdrawn {
    let w = &raw.value;
    crate::resolve::config::check_day(file, &w.date, diags);
    let replaced_by = w.replaced_by.as_ref().and_then(|r| {
        if ids.findings.contains(&r.value) {
            return Some(FindingId(r.value.clone()));
        }
        let set: std::collections::BTreeSet<String> = ids.findings.ids().cloned().collect();
        ids.find(&set, RefKind::Finding, r, file, diags)
            .map(FindingId)
    });
    Withdrawn {
        date: w.date.value.clone(),
        reason: w.reason.clone(),
        replaced_by,
    }
}

/// A finding's stances, one per claim.
fn stances(file: &Path, raw: &[RawStance], ids: &Ids, diags: &mut Vec<Diagnostic>) -> Vec<Stance> {
    let mut stances = Vec::with_capacity(raw.len());
    let mut seen = HashSet::new();
    for st in raw {
        let Some(claim) = ids.claim(&st.claim, file, diags) else {
            continue;
        };
        if !seen.insert(claim.clone()) {
            diags.push(
                Diagnostic::error(
                    Code::DuplicateStance,
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
    stances
}

/// A finding's structured value; `None` when it does not say how much (reported).
fn resolve_value(
    file: &Path,
    raw: &Spanned<RawValue>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Value> {
    let v = &raw.value;
    let reported = diags.len();
    let mut err = |msg: &str| {
        diags.push(
            Diagnostic::error(Code::InvalidValue, msg.to_string())
                .at_opt(file, position_of(raw))
                .help(
                    "give exactly one of: `number`; `min` and `max`; `numerator` and `denominator`",
                ),
        );
    };
    let amount = match (v.number, v.min, v.max, v.numerator, v.denominator) {
        (Some(n), None, None, None, None) => Some(Amount::Number(n)),
        (None, Some(min), Some(max), None, None) => {
            if min > max {
                err("`min` is greater than `max`");
            }
            Some(Amount::Range { min, max })
        }
        (None, None, None, Some(numerator), Some(denominator)) => {
            if denominator == 0.0 {
                err("`denominator` is zero");
            }
            Some(Amount::Fraction {
                numerator,
                denominator,
            })
        }
        _ => {
            err("this value does not say how much");
            None
        }
    };
    let kind = match v.kind {
        RawValueKind::Percent => ValueKind::Percent,
        RawValueKind::Fraction => ValueKind::Fraction,
        RawValueKind::Count => ValueKind::Count,
        RawValueKind::Money => ValueKind::Money,
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
                    Code::UnknownQualifier,
                    format!("`{}` is not a qualifier evident knows", q.value),
                )
                .at_opt(file, position_of(q))
                .help(format!("use one of: {}", QUALIFIERS.join(", "))),
            );
        }
    }
    let currency = currency(file, kind, raw, diags);
    // A value with a mistake (reported) is not checked against its figure: one mistake, one
    // message.
    if diags.len() > reported {
        return None;
    }
    Some(Value {
        kind,
        amount: amount?,
        scale: v.scale.map(|s| match s {
            RawScale::Thousand => Scale::Thousand,
            RawScale::Million => Scale::Million,
            RawScale::Billion => Scale::Billion,
        }),
        qualifier: v.qualifier.as_ref().map(|q| q.value.clone()),
        per: v.per.clone(),
        currency: currency?,
    })
}

/// A sum of money's ISO 4217 code (`Some(None)` for other kinds); `None` when it is missing
/// (reported at the value), unknown, or on a value that is not money (reported at the code).
fn currency(
    file: &Path,
    kind: ValueKind,
    raw: &Spanned<RawValue>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Option<String>> {
    let v = &raw.value;
    let mut refuse = |message: String, at| {
        diags.push(
            Diagnostic::error(Code::UnknownCurrency, message)
                .at_opt(file, at)
                .help("a sum of money takes `kind: money` and an ISO 4217 code, e.g. `currency: GBP` (£) or `currency: EUR` (€)"),
        );
        None
    };
    match (kind, &v.currency) {
        (ValueKind::Money, Some(c)) if crate::model::is_currency(&c.value) => {
            Some(Some(c.value.clone()))
        }
        (ValueKind::Money, Some(c)) => refuse(
            format!("`{}` is not an ISO 4217 currency code", c.value),
            position_of(c),
        ),
        (ValueKind::Money, None) => refuse(
            "a sum of money needs its `currency`".into(),
            position_of(raw),
        ),
        (_, Some(c)) => refuse(
            format!(
                "only a sum of money has a currency, and this value is a {}",
                kind.key()
            ),
            position_of(c),
        ),
        (_, None) => Some(None),
    }
}
