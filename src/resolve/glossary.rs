//! The glossary (`data/glossary.yaml`) and the site's scope notes (`data/scope.yaml`): words
//! readers may not know, each with an anchor on `/glossary/`; and what the site does not cover,
//! shown with the gaps.

use std::collections::BTreeMap;

use crate::diagnostic::{Code, Diagnostic};
use crate::markdown::slugify;
use crate::model::{GlossaryTerm, ScopeNote, ScopeStatus};
use crate::parse::raw::{RawFile, RawGlossary, RawScope, RawScopeStatus};
use crate::parse::yaml::position_of;
use crate::resolve::ids::Ids;
use crate::resolve::links::{prose, Targets};

/// The glossary's terms, by term; each form (term, other form, abbreviation) names one term only.
pub(crate) fn resolve_glossary(
    raw: Option<&RawFile<RawGlossary>>,
    ids: &Ids,
    targets: &Targets,
    diags: &mut Vec<Diagnostic>,
) -> Vec<GlossaryTerm> {
    let Some(raw) = raw else {
        return Vec::new();
    };
    let file = &raw.file;
    let mut terms: BTreeMap<String, GlossaryTerm> = BTreeMap::new();
    let mut forms: BTreeMap<String, String> = BTreeMap::new();
    for t in &raw.meta.terms {
        let id = slugify(&t.value.term.value);
        // Checked first, so a duplicate term's unknown sources are reported too.
        let sources = (t.value.sources.iter())
            .filter_map(|s| ids.source(s, file, diags))
            .collect();
        let taken = std::iter::once(&t.value.term.value)
            .chain(&t.value.also)
            .chain(&t.value.abbreviations)
            .find_map(|f| forms.get(&f.to_lowercase()).map(|other| (f, other)));
        if id.is_empty() || terms.contains_key(&id) || taken.is_some() {
            let (form, other) = taken.map_or((&t.value.term.value, &id), |(f, o)| (f, o));
            diags.push(
                Diagnostic::error(
                    Code::DuplicateId,
                    format!("the glossary already defines `{form}` (under `{other}`)"),
                )
                .at_opt(file, position_of(&t.value.term))
                .help("define each term once, and list its other forms under `also:`"),
            );
            continue;
        }
        for f in std::iter::once(&t.value.term.value)
            .chain(&t.value.also)
            .chain(&t.value.abbreviations)
        {
            forms.insert(f.to_lowercase(), id.clone());
        }
        let definition =
            prose(file, &Some(t.value.definition.clone()), targets, diags).unwrap_or_default();
        terms.insert(
            id.clone(),
            GlossaryTerm {
                id,
                term: t.value.term.value.clone(),
                also: t.value.also.clone(),
                abbreviations: t.value.abbreviations.clone(),
                definition,
                sources,
            },
        );
    }
    let mut list: Vec<GlossaryTerm> = terms.into_values().collect();
    list.sort_by_key(|t| t.term.to_lowercase());
    list
}

/// The site's scope notes, in the order written.
pub(crate) fn resolve_scope(
    raw: Option<&RawFile<RawScope>>,
    ids: &Ids,
    targets: &Targets,
    diags: &mut Vec<Diagnostic>,
) -> Vec<ScopeNote> {
    let Some(raw) = raw else {
        return Vec::new();
    };
    let file = &raw.file;
    raw.meta
        .notes
        .iter()
        .map(|n| {
            let n = &n.value;
            ScopeNote {
                title: n.title.clone(),
                status: match n.status {
                    RawScopeStatus::NotIncluded => ScopeStatus::NotIncluded,
                    RawScopeStatus::OutOfScope => ScopeStatus::OutOfScope,
                },
                reason: prose(file, &Some(n.reason.clone()), targets, diags).unwrap_or_default(),
                source: n.source.as_ref().and_then(|s| ids.source(s, file, diags)),
            }
        })
        .collect()
}
