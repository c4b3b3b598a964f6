//! A style made for one shape of item: each `<choose>` branch's tests of the item's `type`, and
//! of variables the item lacks, worked out ahead, for the engine runs of items of that shape.
//!
//! Every run formats one item, so its type and fields are known before the run. hayagriva
//! evaluates the style's conditions many times per run: before it renders a macro or a group it
//! walks the whole subtree to learn whether anything in it will print, and each nested macro
//! walks its own again. Those walks, and the tests in them, were the largest single cost of
//! formatting. Here the tests whose answer is fixed for the whole run are decided once per style
//! and shape, so the walks meet fewer branches:
//!
//! - a test of a variable the item lacks is false wherever it runs: nothing in a run makes a
//!   missing field present (suppression only hides present ones). Under `match="all"` it decides
//!   the branch (never taken); under `any` and `none` it is dropped. Variables the engine makes
//!   (citation number and label, locator, first note number, year suffix) are never taken as
//!   lacking, and a branch that tests the citation number or label is left whole, since
//!   hayagriva notes which of the two a style uses as it tests them;
//! - a branch whose only tests are of type is always or never taken: a branch never taken is
//!   dropped, and one always taken becomes the `<else>` (the branches after it can never be
//!   reached);
//! - in a branch with other tests too, the type tests become the one test, or none, that has the
//!   same effect under the branch's `match`; the other tests run as before, in the same order;
//! - macros that can no longer be called are dropped (hayagriva looks a macro up by going down
//!   the list).
//!
//! A shape is the item's type and which of the variables the style tests it lacks, so a site's
//! sources share a handful of copies. The output is the same as the whole style's for every item
//! (a test compares them for every type of source in every style, with each field left out in
//! turn).

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use hayagriva::citationberg::json as csl;
use hayagriva::citationberg::taxonomy::{Kind, NumberVariable, StandardVariable, Variable};
use hayagriva::citationberg::{
    Choose, ChooseBranch, ChooseMatch, ElseBranch, IndependentStyle, LayoutRenderingElement,
    NamesChild, SortKey, TextTarget,
};

/// What a copy of a style is made for: an item's type, and which of the variables the style's
/// conditions test the item lacks.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Shape {
    kind: Option<Kind>,
    lacking: Vec<Variable>,
}

/// A style, with the copies of it made so far for each shape of item.
pub(super) struct ByShape {
    whole: IndependentStyle,
    /// The variables the style's conditions test, in the order first met.
    tested: Vec<Variable>,
    made: Mutex<HashMap<Shape, Arc<IndependentStyle>>>,
}

impl ByShape {
    pub fn new(whole: IndependentStyle) -> Self {
        let mut tested = Vec::new();
        tested_in_style(&whole, &mut tested);
        ByShape {
            whole,
            tested,
            made: Mutex::new(HashMap::new()),
        }
    }

    /// The style as written.
    #[cfg(test)]
    pub fn whole(&self) -> &IndependentStyle {
        &self.whole
    }

    /// The style for `item`'s type, made the first time it is asked for.
    pub fn for_item(&self, item: &csl::Item) -> Arc<IndependentStyle> {
        // As hayagriva reads a CSL-JSON item's type: a type it cannot parse matches no test.
        let kind = item.type_().and_then(|t| t.parse::<Kind>().ok());
        let lacking = (self.tested.iter().copied())
            .filter(|v| lacks(item, *v))
            .collect();
        let shape = Shape { kind, lacking };
        let mut made = self.made.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(style) = made.get(&shape) {
            return Arc::clone(style);
        }
        let style = Arc::new(for_shape(&self.whole, &shape));
        made.insert(shape, Arc::clone(&style));
        style
    }
}

/// Whether `item` lacks `var` for a whole engine run, so that a test of it is false wherever it
/// runs. hayagriva reads such a variable from the item's field of the same name, and nothing in
/// a run makes a missing field present (suppression only hides present ones). The variables the
/// engine makes itself (the citation number and label, the locator, the first note's number and
/// the year suffix) are never lacking; `page-first` is lacking when `page` is too.
pub(super) fn lacks(item: &csl::Item, var: Variable) -> bool {
    let has = |key: &str| item.0.contains_key(key);
    match var {
        Variable::Standard(StandardVariable::CitationLabel | StandardVariable::YearSuffix)
        | Variable::Number(
            NumberVariable::CitationNumber
            | NumberVariable::FirstReferenceNoteNumber
            | NumberVariable::Locator,
        ) => false,
        Variable::Number(NumberVariable::PageFirst) => !has("page") && !has("page-first"),
        _ => !has(&var.to_string()),
    }
}

/// `style` for items of `shape`.
fn for_shape(style: &IndependentStyle, shape: &Shape) -> IndependentStyle {
    let mut style = style.clone();
    let typed = Shaped {
        kind: shape.kind,
        lacking: &shape.lacking,
    };
    for m in &mut style.macros {
        typed.elements(&mut m.children);
    }
    typed.elements(&mut style.citation.layout.elements);
    if let Some(b) = &mut style.bibliography {
        typed.elements(&mut b.layout.elements);
    }
    let used: HashSet<String> = macros_used(&style).into_iter().map(str::to_owned).collect();
    style.macros.retain(|m| used.contains(&m.name));
    style
}

/// The macros the style can still call, from its layouts and sort keys: hayagriva finds a macro
/// by going down the list, so the ones left unreachable are dropped.
fn macros_used(style: &IndependentStyle) -> HashSet<&str> {
    let mut names: Vec<&str> = Vec::new();
    for sort in [style.citation.sort.as_ref()]
        .into_iter()
        .chain([style.bibliography.as_ref().and_then(|b| b.sort.as_ref())])
        .flatten()
    {
        for key in &sort.keys {
            if let SortKey::MacroName { name, .. } = key {
                names.push(name);
            }
        }
    }
    calls(&style.citation.layout.elements, &mut names);
    if let Some(b) = &style.bibliography {
        calls(&b.layout.elements, &mut names);
    }
    let mut used = HashSet::new();
    while let Some(name) = names.pop() {
        if used.insert(name) {
            if let Some(m) = style.macros.iter().find(|m| m.name == name) {
                calls(&m.children, &mut names);
            }
        }
    }
    used
}

/// The macros `elements` call.
fn calls<'s>(elements: &'s [LayoutRenderingElement], names: &mut Vec<&'s str>) {
    visit(elements, &mut |e| {
        if let LayoutRenderingElement::Text(t) = e {
            if let TextTarget::Macro { name } = &t.target {
                names.push(name);
            }
        }
    });
}

/// Calls `f` on each of `elements` and, below each, on the elements of groups, choose branches
/// and names' substitutes, in document order.
fn visit<'s>(
    elements: &'s [LayoutRenderingElement],
    f: &mut impl FnMut(&'s LayoutRenderingElement),
) {
    for e in elements {
        f(e);
        match e {
            LayoutRenderingElement::Group(g) => visit(&g.children, f),
            LayoutRenderingElement::Choose(c) => {
                for b in c.branches() {
                    visit(&b.children, f);
                }
                if let Some(o) = &c.otherwise {
                    visit(&o.children, f);
                }
            }
            LayoutRenderingElement::Names(n) => {
                for child in &n.children {
                    if let NamesChild::Substitute(s) = child {
                        visit(&s.children, f);
                    }
                }
            }
            _ => {}
        }
    }
}

/// What a branch's type tests leave of it.
enum Outcome {
    /// Taken whenever it is reached.
    Always,
    /// Never taken.
    Never,
    /// Decided by its other tests, when the item is formatted.
    Depends,
}

struct Shaped<'a> {
    kind: Option<Kind>,
    lacking: &'a [Variable],
}

impl Shaped<'_> {
    fn elements(&self, elements: &mut [LayoutRenderingElement]) {
        for e in elements {
            match e {
                LayoutRenderingElement::Group(g) => self.elements(&mut g.children),
                LayoutRenderingElement::Choose(c) => self.choose(c),
                LayoutRenderingElement::Names(n) => {
                    for child in &mut n.children {
                        if let NamesChild::Substitute(s) = child {
                            self.elements(&mut s.children);
                        }
                    }
                }
                _ => {}
            }
        }
    }

    fn choose(&self, choose: &mut Choose) {
        let first = never();
        let branches = std::iter::once(std::mem::replace(&mut choose.if_, first))
            .chain(std::mem::take(&mut choose.else_if));
        let mut kept = Vec::new();
        for mut branch in branches {
            match self.branch(&mut branch) {
                Outcome::Never => {}
                Outcome::Depends => kept.push(branch),
                Outcome::Always => {
                    choose.otherwise = Some(ElseBranch {
                        children: branch.children,
                    });
                    break;
                }
            }
        }
        let mut kept = kept.into_iter();
        if let Some(b) = kept.next() {
            choose.if_ = b;
        }
        choose.else_if = kept.collect();
        for b in std::iter::once(&mut choose.if_).chain(&mut choose.else_if) {
            self.elements(&mut b.children);
        }
        if let Some(o) = &mut choose.otherwise {
            self.elements(&mut o.children);
        }
    }

    /// Works out the branch's tests of lacking variables, then its type tests.
    fn branch(&self, b: &mut ChooseBranch) -> Outcome {
        match self.variables(b) {
            Outcome::Depends => self.types(b),
            decided => decided,
        }
    }

    /// Works out the branch's tests of variables the item lacks, which are false: under `all`
    /// one decides the branch; under `any` and `none` they are dropped. A branch that also tests
    /// the citation number or label is left as it is, since hayagriva notes which of the two a
    /// style uses as it tests them.
    fn variables(&self, b: &mut ChooseBranch) -> Outcome {
        let lacking = |v: &Variable| self.lacking.contains(v);
        let tests_lacking = b.variable.iter().flatten().any(lacking);
        if !tests_lacking || engine_noted(b) {
            return Outcome::Depends;
        }
        if b.match_ == ChooseMatch::All {
            return Outcome::Never;
        }
        if let Some(vars) = &mut b.variable {
            vars.retain(|v| !lacking(v));
        }
        if b.variable.as_ref().is_some_and(Vec::is_empty) {
            b.variable = None;
        }
        if tests_nothing(b) {
            // `any` of no tests is false; `none` of them is true.
            return if b.match_ == ChooseMatch::None {
                Outcome::Always
            } else {
                Outcome::Never
            };
        }
        Outcome::Depends
    }

    /// Works out the branch's type tests, replacing them by what has the same effect.
    fn types(&self, b: &mut ChooseBranch) -> Outcome {
        let Some(types) = &b.type_ else {
            return Outcome::Depends;
        };
        if types.is_empty() {
            return Outcome::Depends;
        }
        let hits = types.iter().filter(|k| Some(**k) == self.kind).count();
        let alone = tests_type_alone(b);
        // Under `any`, one true test decides the branch; under `all`, one false one; under
        // `none`, one true one. Otherwise the type tests decide nothing and are dropped.
        let decides = match b.match_ {
            ChooseMatch::Any | ChooseMatch::None => hits > 0,
            ChooseMatch::All => hits < types.len(),
        };
        let taken = match b.match_ {
            ChooseMatch::Any => decides,
            ChooseMatch::All | ChooseMatch::None => !decides,
        };
        if alone {
            return if taken {
                Outcome::Always
            } else {
                Outcome::Never
            };
        }
        b.type_ = decides.then(|| vec![self.deciding(b.match_)]);
        Outcome::Depends
    }

    /// A type test that is true (under `any` or `none`) or false (under `all`) for this kind.
    fn deciding(&self, how: ChooseMatch) -> Kind {
        match (how, self.kind) {
            (ChooseMatch::Any | ChooseMatch::None, Some(k)) => k,
            _ => self.other(),
        }
    }

    /// A kind that is not this one.
    fn other(&self) -> Kind {
        if self.kind == Some(Kind::Article) {
            Kind::Book
        } else {
            Kind::Article
        }
    }
}

/// Whether a branch tests nothing but the item's type (when it tests that).
pub(super) fn tests_type_alone(b: &ChooseBranch) -> bool {
    b.disambiguate.is_none()
        && b.is_numeric.is_none()
        && b.is_uncertain_date.is_none()
        && b.locator.is_none()
        && b.position.is_none()
        && b.variable.is_none()
}

/// Whether a branch tests nothing at all.
fn tests_nothing(b: &ChooseBranch) -> bool {
    b.type_.is_none() && tests_type_alone(b)
}

/// Whether a branch tests the citation number or label, which hayagriva notes as it tests them.
fn engine_noted(b: &ChooseBranch) -> bool {
    let noted = |v: &Variable| {
        matches!(
            v,
            Variable::Number(NumberVariable::CitationNumber)
                | Variable::Standard(StandardVariable::CitationLabel)
        )
    };
    [&b.variable, &b.is_numeric]
        .into_iter()
        .flatten()
        .any(|vars| vars.iter().any(noted))
}

/// The variables `style`'s conditions test, each once, in the order first met.
fn tested_in_style(style: &IndependentStyle, out: &mut Vec<Variable>) {
    for m in &style.macros {
        tested_in(&m.children, out);
    }
    tested_in(&style.citation.layout.elements, out);
    if let Some(b) = &style.bibliography {
        tested_in(&b.layout.elements, out);
    }
}

fn tested_in(elements: &[LayoutRenderingElement], out: &mut Vec<Variable>) {
    visit(elements, &mut |e| {
        if let LayoutRenderingElement::Choose(c) = e {
            for v in c.branches().flat_map(|b| b.variable.iter().flatten()) {
                if !out.contains(v) {
                    out.push(*v);
                }
            }
        }
    });
}

/// A branch never taken, at no cost: no tests, of which `any` must hold.
fn never() -> ChooseBranch {
    ChooseBranch {
        disambiguate: None,
        is_numeric: None,
        is_uncertain_date: None,
        locator: None,
        position: None,
        type_: None,
        variable: None,
        match_: ChooseMatch::Any,
        children: Vec::new(),
    }
}
