//! The one module that knows minijinja: the template environment (strict undefined variables,
//! HTML auto-escaping of the five characters that matter, the `t()` function that gives the
//! theme's strings in the site's language), [`Html`] for values that are HTML already, and template
//! errors as diagnostics that name the template file and line.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use minijinja::value::{Enumerator, Kwargs, Object, ObjectExt, ObjectRepr, Value};
use minijinja::{Environment, UndefinedBehavior};
use serde::{Serialize, Serializer};

use crate::diagnostic::{Code, Diagnostic, Position};
use crate::html::{escape_html, escape_html_into};
use crate::theme::{Message, Theme};

/// Text that is HTML already (rendered Markdown, a formatted citation, a chart, JSON-LD made safe
/// for `<script>`): templates print it as it is, with no `|safe`. Everything else a view holds is
/// text, escaped when printed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Html(pub String);

impl Serialize for Html {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // Serialised for a template, a minijinja value keeps its "safe" mark; anywhere else it is
        // the plain string.
        minijinja::Value::from_safe_string(self.0.clone()).serialize(serializer)
    }
}

/// A view as a template value.
pub(crate) fn to_value<T: Serialize>(value: &T) -> minijinja::Value {
    minijinja::Value::from(minijinja::value::Serde(value))
}

thread_local! {
    /// Which of the site's counts the template run on this thread read ([`counts_read_in`]).
    static COUNTS_READ: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Every count read: a template went through them all (or through `site`, as `debug()` does).
pub(crate) const ALL_COUNTS: u64 = u64::MAX;

/// The field of `site` whose entries (the numbers of findings and the rest) count for a page only
/// if its template read them: they change with almost any edit, and most pages show one at most
/// (the default theme's home page).
pub(crate) const COUNTS: &str = "counts";

fn note_counts(read: u64) {
    COUNTS_READ.set(COUNTS_READ.get() | read);
}

/// The site's settings as the template value `site`: its counts as a [`CountsValue`].
#[derive(Debug)]
pub(crate) struct SiteValue {
    pub map: Value,
}

impl Object for SiteValue {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Map
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let value = item(&self.map, key)?;
        if key.as_str() == Some(COUNTS) {
            return Some(Value::from_object(CountsValue { map: value }));
        }
        Some(value)
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        every_key(&self.map)
    }

    fn enumerator_len(self: &Arc<Self>) -> Option<usize> {
        self.map.len()
    }
}

/// The entry `key` of `map`, if it has one.
fn item(map: &Value, key: &Value) -> Option<Value> {
    (map.get_item(key).ok()).filter(|v| !v.is_undefined())
}

/// Every key of `map` (the site's settings or counts), gone through: every count counts as read.
fn every_key(map: &Value) -> Enumerator {
    note_counts(ALL_COUNTS);
    match map.try_iter() {
        Ok(keys) => Enumerator::Values(keys.collect()),
        Err(_) => Enumerator::Empty,
    }
}

/// The site's counts (`site.counts`), noting which of them a template reads: a bit each, by its
/// place among them ([`counts_read_in`]); going through them all reads them all.
#[derive(Debug)]
struct CountsValue {
    map: Value,
}

impl Object for CountsValue {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Map
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let at = (self.map.try_iter().ok()?).position(|k| &k == key);
        note_counts(at.filter(|at| *at < 64).map_or(ALL_COUNTS, |at| 1 << at));
        item(&self.map, key)
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        every_key(&self.map)
    }

    fn enumerator_len(self: &Arc<Self>) -> Option<usize> {
        note_counts(ALL_COUNTS);
        self.map.len()
    }
}

/// The site's settings (a converted map) as the template value `site` ([`SiteValue`]).
pub(crate) fn site_value(map: Value) -> Value {
    Value::from_object(SiteValue { map })
}

/// Runs `f` (a page's template, on this thread), and says which of the site's counts it read
/// (a bit each, by place: [`CountsValue`]). A run nested in it (a page made on this thread while
/// it waits) counts for itself alone.
pub(crate) fn counts_read_in<R>(f: impl FnOnce() -> R) -> (R, u64) {
    let before = COUNTS_READ.replace(0);
    let made = f();
    (made, COUNTS_READ.replace(before))
}

/// A page's context that notes which of the values named `names` its template read (a bit each,
/// by place), all of them when it went through the whole context (as `debug()` does): see
/// `jobs::Unread`.
#[derive(Debug)]
struct Watched {
    values: BTreeMap<String, Value>,
    names: &'static [&'static str],
    read: Arc<AtomicU64>,
}

impl Object for Watched {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.get_value_by_str(key.as_str()?)
    }

    fn get_value_by_str(self: &Arc<Self>, key: &str) -> Option<Value> {
        if let Some(at) = self.names.iter().position(|n| *n == key) {
            self.read.fetch_or(1 << at, Ordering::Relaxed);
        }
        self.values.get(key).cloned()
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        self.read.store(every_bit(self.names), Ordering::Relaxed);
        Enumerator::Values(
            self.values
                .keys()
                .map(|k| Value::from(k.as_str()))
                .collect(),
        )
    }
}

/// A bit for each of `names` (at most 64).
fn every_bit(names: &[&str]) -> u64 {
    match names.len() {
        0 => 0,
        n => u64::MAX >> (64 - n.min(64)),
    }
}

/// `context` (a map of names to values) as a context that notes which of the values named
/// `names` (at most 64) the template reads; with what, once the page is made, says which it did
/// (a bit each, by place).
pub(crate) fn watched(context: Value, names: &'static [&'static str]) -> (Value, Arc<AtomicU64>) {
    let read = Arc::default();
    let names_of = context.try_iter().ok();
    let Some(keys) = names_of.filter(|_| context.kind() == minijinja::value::ValueKind::Map) else {
        // Not a map (never so): every one counted as read.
        return (context, Arc::new(every_bit(names).into()));
    };
    let values = keys
        .filter_map(|k| Some((k.as_str()?.to_string(), context.get_item(&k).ok()?)))
        .collect();
    let watched = Watched {
        values,
        names,
        read: Arc::clone(&read),
    };
    (Value::from_object(watched), read)
}

/// A map of views shown to templates as it is: an entry becomes a template value when a template
/// reads it. Pages that read the whole graph (the home page, topics) convert what they read, page
/// by page, so the site's views are held once, not also as a converted copy.
pub(crate) struct ViewMap<T>(pub std::sync::Arc<std::collections::BTreeMap<String, T>>);

impl<T> std::fmt::Debug for ViewMap<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ViewMap({} entries)", self.0.len())
    }
}

impl<T: Serialize + Send + Sync + 'static> Object for ViewMap<T> {
    fn repr(self: &std::sync::Arc<Self>) -> ObjectRepr {
        ObjectRepr::Map
    }

    fn get_value(self: &std::sync::Arc<Self>, key: &Value) -> Option<Value> {
        self.0.get(key.as_str()?).map(to_value)
    }

    fn enumerate(self: &std::sync::Arc<Self>) -> Enumerator {
        self.mapped_enumerator(|this| Box::new(this.0.keys().map(|k| Value::from(k.as_str()))))
    }

    fn enumerator_len(self: &std::sync::Arc<Self>) -> Option<usize> {
        Some(self.0.len())
    }
}

/// A map of views as a template value that converts entries as they are read ([`ViewMap`]).
pub(crate) fn view_map<T: Serialize + Send + Sync + 'static>(
    map: &std::sync::Arc<std::collections::BTreeMap<String, T>>,
) -> Value {
    Value::from_object(ViewMap(map.clone()))
}

/// Some entries of a map of views, in a given order, shown to templates as a list whose items
/// are converted as they are read (as [`ViewMap`]'s, by a [`LazyList`]): an index page that lists
/// every finding holds one converted finding at a time, not all of them. `keys` are each present.
pub(crate) fn view_list<T: Serialize + Send + Sync + 'static>(
    map: &std::sync::Arc<std::collections::BTreeMap<String, T>>,
    keys: Vec<String>,
) -> Value {
    let map = map.clone();
    lazy_list(keys.len(), move |i| map.get(&keys[i]).map(to_value))
}

/// A list shown to templates whose items are made as they are read, by `item` from their index
/// (`None`: undefined).
pub(crate) struct LazyList {
    len: usize,
    item: Box<dyn Fn(usize) -> Option<Value> + Send + Sync>,
}

impl std::fmt::Debug for LazyList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "LazyList({} items)", self.len)
    }
}

impl Object for LazyList {
    fn repr(self: &std::sync::Arc<Self>) -> ObjectRepr {
        ObjectRepr::Seq
    }

    fn get_value(self: &std::sync::Arc<Self>, key: &Value) -> Option<Value> {
        let i = key.as_usize().filter(|i| *i < self.len)?;
        (self.item)(i)
    }

    fn enumerate(self: &std::sync::Arc<Self>) -> Enumerator {
        Enumerator::Seq(self.len)
    }
}

/// `len` items made by `item` as a template reads them ([`LazyList`]).
pub(crate) fn lazy_list(
    len: usize,
    item: impl Fn(usize) -> Option<Value> + Send + Sync + 'static,
) -> Value {
    Value::from_object(LazyList {
        len,
        item: Box::new(item),
    })
}

/// The environment with every template of the theme; a template that does not compile is
/// reported, and the others are still added.
pub(crate) fn environment(theme: &Theme, diags: &mut Vec<Diagnostic>) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    if let Ok(syntax) = minijinja::syntax::SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .keep_trailing_newline(true)
        .build()
    {
        env.set_syntax(syntax);
    }
    // minijinja's HTML escaping also escapes `/`, which turns every URL into `&#x2f;sub&#x2f;…`:
    // valid, but larger and unreadable. Escape the five characters that matter, and nothing else.
    env.set_formatter(|out, state, value| {
        if value.is_safe() || *state.auto_escape() != minijinja::AutoEscape::Html {
            return minijinja::escape_formatter(out, state, value);
        }
        match value.as_str() {
            Some(s) => escape_html_into(out, s),
            None if value.is_none() || value.is_undefined() => {
                return minijinja::escape_formatter(out, state, value)
            }
            None => escape_html_into(out, &value.to_string()),
        }
        .map_err(minijinja::Error::from)
    });
    add_strings(&mut env, theme);
    for t in theme.templates.values() {
        if let Err(e) = env.add_template_owned(t.name.clone(), t.text.clone()) {
            diags.push(template_error(theme, &e, ""));
        }
    }
    env
}

/// `t(key, name=value, …)`: the theme's string `key` in the site's language, its `{name}`
/// placeholders filled (a `count` argument also picks the plural form). The result is text,
/// escaped where it is printed, unless an argument is HTML already (a `{% set %}` block holding a
/// link): then the string's own text and the other arguments are escaped here, and the result is
/// HTML, so a sentence may hold a link and nothing is escaped twice.
fn add_strings(env: &mut Environment<'static>, theme: &Theme) {
    let strings = theme.strings.clone();
    // Most calls name a string with nothing to fill: those are made once, here, and shared.
    let plain: HashMap<String, Value> = (strings.messages.iter())
        .filter_map(|(key, m)| match m {
            Message::Text(t) if !t.contains('{') => Some((key.clone(), Value::from(t.as_str()))),
            _ => None,
        })
        .collect();
    env.add_function(
        "t",
        move |key: &str, kwargs: Kwargs| -> Result<Value, minijinja::Error> {
            if let (Some(v), None) = (plain.get(key), kwargs.args().next()) {
                return Ok(v.clone());
            }
            let count = kwargs
                .get::<Option<Value>>("count")?
                .and_then(|v| i64::try_from(v).ok());
            let mut args = Vec::new();
            for name in kwargs.args() {
                args.push((name.to_string(), kwargs.get::<Value>(name)?));
            }
            let html = args.iter().any(|(_, v)| v.is_safe());
            let text = |v: &Value| v.as_str().map_or_else(|| v.to_string(), str::to_string);
            let arg = |name: &str| {
                let (_, v) = args.iter().find(|(n, _)| n == name)?;
                Some(match (html, v.is_safe()) {
                    (false, _) | (true, true) => text(v),
                    (true, false) => escape_html(&text(v)),
                })
            };
            let literal = |s: &str| if html { escape_html(s) } else { s.to_string() };
            match strings.fill(key, count, &arg, &literal) {
                Some(out) if html => Ok(Value::from_safe_string(out)),
                Some(out) => Ok(Value::from(out)),
                None => Err(minijinja::Error::new(
                    minijinja::ErrorKind::InvalidOperation,
                    format!("the theme has no string `{key}` (add it to the theme's i18n/en.yaml)"),
                )),
            }
        },
    );
}

/// A template error at the template's file and line; `page` names the page being made, if any.
pub(crate) fn template_error(theme: &Theme, e: &minijinja::Error, page: &str) -> Diagnostic {
    let name = e.name().unwrap_or("");
    let file = theme
        .templates
        .get(name)
        .map(|t| t.file.clone())
        .unwrap_or_else(|| PathBuf::from(name));
    let mut message = e
        .detail()
        .map_or_else(|| e.kind().to_string(), str::to_string);
    if message.is_empty() {
        message = e.to_string();
    }
    if !page.is_empty() {
        message = format!("{message} (while rendering {page})");
    }
    let code = match e.kind() {
        minijinja::ErrorKind::SyntaxError => Code::TemplateSyntax,
        minijinja::ErrorKind::UndefinedError => Code::TemplateUndefined,
        minijinja::ErrorKind::TemplateNotFound => Code::TemplateNotFound,
        _ => Code::TemplateError,
    };
    let text = theme.templates.get(name).map(|t| t.text.as_str());
    let position = match (e.range(), text) {
        (Some(r), Some(t)) if r.start <= t.len() => {
            Some(Position::of_offset(t, r.start).with_len(r.end.saturating_sub(r.start)))
        }
        _ => e
            .line()
            .map(|l| Position::new(u32::try_from(l).unwrap_or(u32::MAX), 1)),
    };
    // "undefined value: undefined value" names nothing: name the expression, from the template.
    let undefined = match (code, e.range(), text) {
        (Code::TemplateUndefined, Some(r), Some(t)) => t.get(r.start..r.end).map(str::trim),
        _ => None,
    };
    let message = match undefined {
        Some(expr) if !expr.is_empty() => {
            let page = if page.is_empty() {
                String::new()
            } else {
                format!(" (while rendering {page})")
            };
            format!("`{expr}` is not defined for this template{page}")
        }
        _ => format!("{}: {message}", e.kind()),
    };
    Diagnostic::error(code, message)
        .at_opt(file, position)
        .help(match code {
            Code::TemplateUndefined => "the variable is not given to this template; docs/themes.md lists what each template receives",
            Code::TemplateSyntax => "check the {{ }} and {% %} tags near this line",
            _ => "check the template near this line",
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    #[test]
    fn the_site_value_notes_which_counts_a_template_reads() {
        let counts = minijinja::context! { sources => 2, findings => 5, terms => 0 };
        let site = site_value(minijinja::context! { title => "T", counts => counts });
        let read = |template: &str| {
            let mut env = Environment::new();
            env.add_template("t", template).unwrap();
            let t = env.get_template("t").unwrap();
            counts_read_in(|| {
                t.render(minijinja::context! { site => site.clone() })
                    .unwrap()
            })
        };
        assert_eq!(read("{{ site.title }}"), ("T".to_string(), 0));
        // A bit each, by place among the counts (sources, findings, terms).
        assert_eq!(
            read("{% if site.counts.terms %}g{% endif %}"),
            (String::new(), 0b100)
        );
        let (out, bits) = read("{{ site.counts.findings }}/{{ site['counts']['sources'] }}");
        assert_eq!((out.as_str(), bits), ("5/2", 0b011));
        // Going through them, or through the site, reads them all.
        for whole in [
            "{% for k in site.counts %}{{ k }}{% endfor %}",
            "{{ site.counts|length }}",
            "{{ site|tojson }}",
            "{% for k, v in site|items %}{% endfor %}",
            "{{ site.counts }}",
            "{{ site }}",
            "{{ site.counts|dictsort }}",
        ] {
            assert_eq!(read(whole).1, ALL_COUNTS, "{whole}");
        }
        // A run nested in another counts for itself alone.
        let (inner, outer) = counts_read_in(|| {
            let inner = read("{{ site.counts.findings }}");
            let _ = read("{{ site.title }}");
            inner
        });
        assert_eq!((inner.1, outer), (0b010, 0));
    }

    #[test]
    fn a_lazy_list_makes_each_item_when_a_template_reads_it() {
        let made = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&made);
        let list = lazy_list(3, move |i| {
            counter.fetch_add(1, Ordering::SeqCst);
            Some(Value::from(i * 10))
        });
        assert_eq!(
            made.load(Ordering::SeqCst),
            0,
            "nothing made before it is read"
        );
        let mut env = Environment::new();
        env.add_template(
            "t",
            "{% for x in xs %}{{ x }},{% endfor %}{{ xs|length }}:{{ xs[1] }}",
        )
        .unwrap();
        let out = env
            .get_template("t")
            .unwrap()
            .render(minijinja::context! { xs => list })
            .unwrap();
        assert_eq!(out, "0,10,20,3:10");
        assert_eq!(
            made.load(Ordering::SeqCst),
            4,
            "each item made as it was read"
        );
    }
}
