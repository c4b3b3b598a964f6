//! The glossary page (`/glossary/`, an anchor per term) and the site's scope notes (on the gaps
//! page): what readers may not know, and what the site does not cover.

use serde::Serialize;

use crate::markdown::{inline_to_html, TermLink};
use crate::model::{ScopeStatus, Site};
use crate::render::templates::Html;
use crate::render::views::{Links, Ref};

#[derive(Clone, Serialize)]
pub(crate) struct GlossaryView {
    /// The anchor on the glossary page.
    pub id: String,
    pub term: String,
    pub also: Vec<String>,
    pub abbreviations: Vec<String>,
    pub definition: Html,
    pub sources: Vec<Ref>,
}

#[derive(Clone, Serialize)]
pub(crate) struct ScopeView {
    pub title: String,
    /// `not-included` or `out-of-scope`.
    pub status: &'static str,
    pub status_label: String,
    pub reason: Html,
    pub source: Option<Ref>,
}

/// The glossary's page address.
pub(crate) const GLOSSARY_PATH: &str = "glossary/";

pub(crate) fn glossary_views(site: &Site, links: &Links) -> Vec<GlossaryView> {
    site.glossary
        .iter()
        .map(|t| GlossaryView {
            id: t.id.clone(),
            term: t.term.clone(),
            also: t.also.clone(),
            abbreviations: t.abbreviations.clone(),
            definition: Html(inline_to_html(&t.definition)),
            sources: t.sources.iter().map(|s| links.source(s)).collect(),
        })
        .collect()
}

/// Each term's forms, for linking its first use on a page to its definition.
pub(crate) fn term_links(site: &Site) -> Vec<TermLink> {
    site.glossary
        .iter()
        .map(|t| {
            let mut forms: Vec<String> = t.forms().map(|f| f.to_lowercase()).collect();
            // The longest form first, so "personal budgets" is linked whole.
            forms.sort_by_key(|f| std::cmp::Reverse(f.len()));
            TermLink {
                forms,
                url: format!("{}{GLOSSARY_PATH}#{}", site.config.base_path, t.id),
            }
        })
        .collect()
}

pub(crate) fn scope_views(site: &Site, links: &Links) -> Vec<ScopeView> {
    site.scope
        .iter()
        .map(|n| ScopeView {
            title: n.title.clone(),
            status: match n.status {
                ScopeStatus::NotIncluded => "not-included",
                ScopeStatus::OutOfScope => "out-of-scope",
            },
            status_label: site.strings.text(match n.status {
                ScopeStatus::NotIncluded => "scope_not_included",
                ScopeStatus::OutOfScope => "scope_out_of_scope",
            }),
            reason: Html(inline_to_html(&n.reason)),
            source: n.source.as_ref().map(|s| links.source(s)),
        })
        .collect()
}
