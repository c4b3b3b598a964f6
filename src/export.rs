//! Machine-readable exports of the evidence graph. `evidence.json` holds every source, finding,
//! claim, stance, topic and gap with its id, URL and fields; its shape is documented in
//! docs/evidence-json.md. Maps are ordered and numbers print as given, so the file is byte-stable.

use serde_json::{json, Map, Value as Json};

use crate::model::*;

pub const EVIDENCE_JSON_VERSION: u32 = 1;

fn opt(v: &Option<String>) -> Json {
    v.as_ref().map_or(Json::Null, |s| Json::String(s.clone()))
}

fn person(p: &Person) -> Json {
    match p {
        Person::Name { family, given } => json!({"family": family, "given": given}),
        Person::Literal(l) => json!({"literal": l}),
    }
}

fn value(v: &Value) -> Json {
    let mut m = Map::new();
    m.insert("kind".into(), json!(v.kind.key()));
    match v.amount {
        Amount::Number(n) => {
            m.insert("number".into(), json!(n));
        }
        Amount::Range { min, max } => {
            m.insert("min".into(), json!(min));
            m.insert("max".into(), json!(max));
        }
        Amount::Fraction {
            numerator,
            denominator,
        } => {
            m.insert("numerator".into(), json!(numerator));
            m.insert("denominator".into(), json!(denominator));
        }
    }
    if let Some(s) = v.scale {
        m.insert("scale".into(), json!(s.key()));
    }
    if let Some(q) = &v.qualifier {
        m.insert("qualifier".into(), json!(q));
    }
    if let Some(p) = &v.per {
        m.insert("per".into(), json!(p));
    }
    Json::Object(m)
}

pub fn evidence_json(site: &Site) -> Vec<u8> {
    let base = &site.config.base_url;
    let url = |path: String| format!("{base}{path}");
    let sources: Vec<Json> = site
        .sources
        .values()
        .map(|s| {
            json!({
                "id": s.id.as_str(),
                "url": url(s.id.path()),
                "type": s.source_type.csl(),
                "kind": s.kind.key(),
                "title": s.title,
                "authors": s.authors.iter().map(person).collect::<Vec<_>>(),
                "editors": s.editors.iter().map(person).collect::<Vec<_>>(),
                "date": s.date.iso(),
                "container_title": opt(&s.container_title),
                "collection_title": opt(&s.collection_title),
                "volume": opt(&s.volume),
                "issue": opt(&s.issue),
                "pages": opt(&s.pages),
                "publisher": opt(&s.publisher),
                "publisher_place": opt(&s.publisher_place),
                "doi": opt(&s.doi),
                "isbn": opt(&s.isbn),
                "issn": opt(&s.issn),
                "publisher_url": opt(&s.url),
                "repository_url": opt(&s.repository_url),
                "unverified": s.unverified,
                "notes": s.notes,
            })
        })
        .collect();
    let findings: Vec<Json> = site
        .findings
        .values()
        .map(|f| {
            json!({
                "id": f.id.as_str(),
                "url": url(f.id.path()),
                "statement": f.statement,
                "figure": f.figure,
                "value": value(&f.value),
                "source": f.source.as_str(),
                "origin": f.origin.as_ref().map(|o| o.as_str()),
                "locator": f.locator,
                "quote": f.quote,
                "population": opt(&f.population),
                "period": opt(&f.period),
                "place": opt(&f.place),
                "notes": f.notes,
            })
        })
        .collect();
    let stances: Vec<Json> = site
        .findings
        .values()
        .flat_map(|f| {
            f.stances.iter().map(move |s| {
                json!({
                    "finding": f.id.as_str(),
                    "claim": s.claim.as_str(),
                    "stance": s.kind.key(),
                    "reason": s.reason,
                })
            })
        })
        .collect();
    let claims: Vec<Json> = site
        .claims
        .values()
        .map(|c| {
            json!({
                "id": c.id.as_str(),
                "url": url(c.id.path()),
                "title": c.title,
                "topic": c.topic.as_str(),
                "summary": opt(&c.summary),
            })
        })
        .collect();
    let topics: Vec<Json> = site
        .topics_in_order()
        .iter()
        .map(|t| {
            json!({
                "id": t.id.as_str(),
                "url": url(t.id.path()),
                "title": t.title,
                "question": opt(&t.question),
                "summary": opt(&t.summary),
                "claims": site.claims_of(&t.id).iter().map(|c| c.id.as_str()).collect::<Vec<_>>(),
            })
        })
        .collect();
    let gaps: Vec<Json> = site
        .gaps
        .values()
        .map(|g| {
            json!({
                "id": g.id.as_str(),
                "url": url(g.id.path()),
                "title": g.title,
                "source": g.source.as_str(),
                "origin": g.origin.as_ref().map(|o| o.as_str()),
                "locator": g.locator,
                "quote": g.quote,
                "claims": g.claims.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
                "expected": opt(&g.expected),
            })
        })
        .collect();
    let doc = json!({
        "format": "evident-evidence",
        "format_version": EVIDENCE_JSON_VERSION,
        "site": {
            "title": site.config.title,
            "base_url": site.config.base_url,
            "version": opt(&site.config.version),
            "date": opt(&site.config.date),
            "license": opt(&site.config.license),
        },
        "sources": sources,
        "findings": findings,
        "stances": stances,
        "claims": claims,
        "topics": topics,
        "gaps": gaps,
    });
    let mut out = serde_json::to_vec_pretty(&doc).unwrap_or_default();
    out.push(b'\n');
    out
}
