//! A style made for one type of item: each `<choose>` branch's `type` test worked out ahead, for
//! the engine runs of items of that type.
//!
//! Every run formats one item, so its type is known before the run. hayagriva tests a branch's
//! `type="article-journal book chapter …"` by reading the item's `type` and parsing it once per
//! listed type, and it evaluates the style's conditions many times per run: those tests were the
//! largest single cost of formatting (a tenth of a cold build of a large site). Here they are
//! decided once per style and type:
//!
//! - a branch whose only tests are of type is always or never taken: a branch never taken is
//!   dropped, and one always taken becomes the `<else>` (the branches after it can never be
//!   reached);
//! - in a branch with other tests too, the type tests become the one test, or none, that has the
//!   same effect under the branch's `match`; the other tests run as before, in the same order;
//! - macros that can no longer be called are dropped (hayagriva looks a macro up by going down
//!   the list).
//!
//! The output is the same as the whole style's for every item of that type (a test compares them
//! for every type of source in every style).

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use hayagriva::citationberg::json as csl;
use hayagriva::citationberg::taxonomy::Kind;
use hayagriva::citationberg::{
    Choose, ChooseBranch, ChooseMatch, ElseBranch, IndependentStyle, LayoutRenderingElement,
    NamesChild, SortKey, TextTarget,
};

/// A style, with the copies of it made so far for each type of item.
pub(super) struct ByType {
    whole: IndependentStyle,
    made: Mutex<HashMap<Option<Kind>, Arc<IndependentStyle>>>,
}

impl ByType {
    pub fn new(whole: IndependentStyle) -> Self {
        ByType {
            whole,
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
        let mut made = self.made.lock().unwrap_or_else(|e| e.into_inner());
        let style = made
            .entry(kind)
            .or_insert_with(|| Arc::new(for_type(&self.whole, kind)));
        Arc::clone(style)
    }
}

/// `style` for items of type `kind` (`None`: a type that matches no test).
pub(super) fn for_type(style: &IndependentStyle, kind: Option<Kind>) -> IndependentStyle {
    let mut style = style.clone();
    let typed = Typed { kind };
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
    for e in elements {
        match e {
            LayoutRenderingElement::Text(t) => {
                if let TextTarget::Macro { name } = &t.target {
                    names.push(name);
                }
            }
            LayoutRenderingElement::Group(g) => calls(&g.children, names),
            LayoutRenderingElement::Choose(c) => {
                for b in c.branches() {
                    calls(&b.children, names);
                }
                if let Some(o) = &c.otherwise {
                    calls(&o.children, names);
                }
            }
            LayoutRenderingElement::Names(n) => {
                for child in &n.children {
                    if let NamesChild::Substitute(s) = child {
                        calls(&s.children, names);
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

struct Typed {
    kind: Option<Kind>,
}

impl Typed {
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

    /// Works out the branch's type tests, replacing them by what has the same effect.
    fn branch(&self, b: &mut ChooseBranch) -> Outcome {
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
