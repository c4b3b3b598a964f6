//! Topics, claims and gaps: the nodes whose pages are mostly their own Markdown.

use std::collections::BTreeMap;

use crate::diagnostic::Diagnostic;
use crate::model::*;
use crate::parse::raw::{RawClaim, RawDoc, RawGap, RawTopic};
use crate::resolve::ids::Ids;
use crate::resolve::links::{document, prose, Targets};
use crate::resolve::quotes::{check_quote, Archives, Quoted};

pub(crate) fn resolve_topics(
    docs: &[RawDoc<RawTopic>],
    ids: &Ids,
    targets: &Targets,
    diags: &mut Vec<Diagnostic>,
) -> BTreeMap<TopicId, Topic> {
    let mut topics = BTreeMap::new();
    for doc in docs.iter().filter(|d| ids.topics.contains(&d.stem)) {
        let t = Topic {
            id: TopicId(doc.stem.clone()),
            title: doc.meta.title.clone(),
            question: prose(&doc.file, &doc.meta.question, targets, diags),
            summary: prose(&doc.file, &doc.meta.summary, targets, diags),
            weight: doc.meta.weight,
            doc: document(doc, targets, diags),
        };
        topics.insert(t.id.clone(), t);
    }
    topics
}

/// Every claim whose topic is known; one whose topic is not (reported) is left out, so the model
/// has no placeholder ids, and its id stays known.
pub(crate) fn resolve_claims(
    docs: &[RawDoc<RawClaim>],
    ids: &Ids,
    targets: &Targets,
    diags: &mut Vec<Diagnostic>,
) -> BTreeMap<ClaimId, Claim> {
    let mut claims = BTreeMap::new();
    for doc in docs.iter().filter(|d| ids.claims.contains(&d.stem)) {
        let topic = ids.topic(&doc.meta.topic, &doc.file, diags);
        let doc_ = document(doc, targets, diags);
        let Some(topic) = topic else {
            continue;
        };
        let c = Claim {
            id: ClaimId(doc.stem.clone()),
            title: doc.meta.title.clone(),
            topic,
            summary: prose(&doc.file, &doc.meta.summary, targets, diags),
            weight: doc.meta.weight,
            doc: doc_,
        };
        claims.insert(c.id.clone(), c);
    }
    claims
}

/// Every gap whose source is known (one whose source is not is reported and left out).
pub(crate) fn resolve_gaps(
    docs: &[RawDoc<RawGap>],
    ids: &Ids,
    targets: &Targets,
    archives: &Archives,
    diags: &mut Vec<Diagnostic>,
) -> BTreeMap<GapId, Gap> {
    let mut gaps = BTreeMap::new();
    for doc in docs.iter().filter(|d| ids.gaps.contains(&d.stem)) {
        let m = &doc.meta;
        let source = ids.source(&m.source, &doc.file, diags);
        let origin = m
            .origin
            .as_ref()
            .and_then(|o| ids.source(o, &doc.file, diags));
        let claims_of_gap = m
            .claims
            .iter()
            .filter_map(|c| ids.claim(c, &doc.file, diags))
            .collect();
        if let Some(s) = &source {
            let quoted = Quoted {
                quote: &m.quote,
                figure: None,
                locator: &m.locator,
            };
            check_quote(&doc.file, &quoted, s, archives, diags);
        }
        let doc_ = document(doc, targets, diags);
        let Some(source) = source else {
            continue;
        };
        let g = Gap {
            id: GapId(doc.stem.clone()),
            title: m.title.clone(),
            source,
            origin,
            locator: m.locator.clone(),
            quote: m.quote.value.clone(),
            claims: claims_of_gap,
            expected: prose(&doc.file, &m.expected, targets, diags),
            doc: doc_,
        };
        gaps.insert(g.id.clone(), g);
    }
    gaps
}
