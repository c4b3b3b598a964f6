//! Topic and gap pages: mostly their own Markdown, with links to their claims.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::model::*;
use crate::render::templates::Html;
use crate::render::views::{Links, Ref};

#[derive(Clone, Serialize)]
pub(crate) struct TopicView {
    pub id: String,
    pub url: String,
    pub title: String,
    pub question: Option<String>,
    pub summary: Option<String>,
    pub body: Html,
    pub claims: Vec<String>,
}

#[derive(Clone, Serialize)]
pub(crate) struct GapView {
    pub id: String,
    pub url: String,
    pub title: String,
    pub source: Ref,
    pub origin: Option<Ref>,
    pub locator: String,
    pub quote: String,
    pub claims: Vec<Ref>,
    pub expected: Option<String>,
    pub body: Html,
}

/// Topics by weight, then id.
pub(crate) fn topic_views(
    site: &Site,
    links: &Links,
    diags: &mut Vec<Diagnostic>,
) -> Vec<TopicView> {
    site.topics_in_order()
        .into_iter()
        .map(|t| topic_view(site, t, links, diags))
        .collect()
}

/// One topic's view (`t` need not be the site's: in `serve`, the topic as just edited).
pub(crate) fn topic_view(
    site: &Site,
    t: &Topic,
    links: &Links,
    diags: &mut Vec<Diagnostic>,
) -> TopicView {
    TopicView {
        id: t.id.0.clone(),
        url: links.url(&t.id.path()),
        title: t.title.clone(),
        question: t.question.clone(),
        summary: t.summary.clone(),
        body: links.body(&t.doc, diags),
        claims: site
            .claims_of(&t.id)
            .iter()
            .map(|c| c.id.0.clone())
            .collect(),
    }
}

pub(crate) fn gap_views(
    site: &Site,
    links: &Links,
    diags: &mut Vec<Diagnostic>,
) -> BTreeMap<String, GapView> {
    site.gaps
        .values()
        .map(|g| (g.id.0.clone(), gap_view(g, links, diags)))
        .collect()
}

/// One gap's view (`g` need not be the site's: in `serve`, the gap as just edited).
pub(crate) fn gap_view(g: &Gap, links: &Links, diags: &mut Vec<Diagnostic>) -> GapView {
    GapView {
        id: g.id.0.clone(),
        url: links.url(&g.id.path()),
        title: g.title.clone(),
        source: links.source(&g.source),
        origin: g.origin.as_ref().map(|o| links.source(o)),
        locator: g.locator.clone(),
        quote: g.quote.clone(),
        claims: g.claims.iter().map(|c| links.claim(c)).collect(),
        expected: g.expected.clone(),
        body: links.body(&g.doc, diags),
    }
}
