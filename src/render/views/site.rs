//! The site as templates see it (`site`), and what every page gets as `page`.

use std::sync::Arc;

use serde::Serialize;

use crate::cite;
use crate::model::{Config, Site};
use crate::render::views::pages::TagRef;
use crate::theme::Strings;

#[derive(Clone, Serialize)]
pub(crate) struct SiteView {
    pub title: String,
    pub base_url: String,
    pub base_path: String,
    pub language: String,
    pub description: Option<String>,
    pub version: Option<String>,
    pub date: Option<String>,
    pub publisher: Option<String>,
    pub license: Option<String>,
    pub repository: Option<String>,
    pub contact: Option<String>,
    /// The site's own stylesheets (URLs), linked after the theme's.
    pub stylesheets: Vec<String>,
    pub menu: Vec<MenuView>,
    pub counts: Counts,
    /// `/versions/`, when the site has releases (the footer's version links to it).
    pub versions_url: Option<String>,
    /// `/glossary/`, when the site has a glossary (the menu links to it). Not a count: adding a
    /// term leaves the pages that only link to the glossary as they are.
    pub glossary_url: Option<String>,
    /// For page titles and breadcrumbs; templates reach the strings through `t()`.
    #[serde(skip)]
    pub strings: Arc<Strings>,
}

#[derive(Clone, Serialize)]
pub(crate) struct MenuView {
    pub title: String,
    pub url: String,
}

#[derive(Clone, Serialize)]
pub(crate) struct Counts {
    pub sources: usize,
    pub findings: usize,
    pub claims: usize,
    pub topics: usize,
    pub gaps: usize,
    /// Glossary terms (the glossary page exists when there is one).
    pub terms: usize,
}

pub(crate) fn site_view(site: &Site) -> SiteView {
    let c = &site.config;
    SiteView {
        title: c.title.clone(),
        base_url: c.base_url.clone(),
        base_path: c.base_path.clone(),
        language: c.language.clone(),
        description: c.description.clone(),
        version: c.version.clone(),
        date: c.date.clone(),
        publisher: c.publisher.clone(),
        license: c.license.clone(),
        repository: c.repository.clone(),
        contact: c.contact.clone(),
        stylesheets: (c.stylesheets.iter())
            .map(|s| format!("{}{s}", c.base_path))
            .collect(),
        menu: c
            .menu
            .iter()
            .map(|m| MenuView {
                title: m.title.clone(),
                // Resolved already: the full path of a page of the site, or an external address.
                url: m.url.clone(),
            })
            .collect(),
        counts: Counts {
            sources: site.sources.len(),
            findings: site.findings.values().filter(|f| f.counts()).count(),
            claims: site.claims.len(),
            topics: site.topics.len(),
            gaps: site.gaps.len(),
            terms: site.glossary.len(),
        },
        versions_url: (!site.releases.is_empty()).then(|| format!("{}versions/", c.base_path)),
        glossary_url: (!site.glossary.is_empty()).then(|| format!("{}glossary/", c.base_path)),
        strings: site.strings.clone(),
    }
}

/// The pages evident makes at fixed paths: the key of each one's title, and of its name in other
/// pages' breadcrumbs. The jobs name them in English; [`SiteView::page`] gives them in the site's
/// language.
const FIXED_PAGES: &[(&str, &str, &str)] = &[
    ("sources/", "title_sources", "nav_sources"),
    ("findings/", "title_findings", "nav_findings"),
    ("claims/", "title_claims", "nav_claims"),
    ("topics/", "title_topics", "nav_topics"),
    ("gaps/", "title_gaps", "nav_gaps"),
    ("tables/", "title_tables", "title_tables"),
    ("datasets/", "title_datasets", "title_datasets"),
    ("tags/", "title_tags", "title_tags"),
    ("glossary/", "title_glossary", "nav_glossary"),
    ("search/", "title_search", "nav_search"),
    ("versions/", "title_versions", "title_versions"),
    ("404.html", "title_not_found", "title_not_found"),
];

/// What every template gets as `page`.
#[derive(Clone, Serialize)]
pub(crate) struct PageView {
    pub kind: &'static str,
    pub title: String,
    pub description: Option<String>,
    /// Path below the site, e.g. `sources/x/`.
    pub path: String,
    /// `base_path` + path: for links.
    pub url: String,
    /// Absolute URL, for canonical links and metadata.
    pub permalink: String,
    pub breadcrumbs: Vec<Crumb>,
    /// A plain page's date (`YYYY-MM-DD`), when it gives one.
    pub date: Option<String>,
    /// A plain page's tags.
    pub tags: Vec<std::sync::Arc<TagRef>>,
    /// OpenGraph type: `website` for the home page, finding pages and web-page sources (reference
    /// managers then save a web page), `article` otherwise.
    pub og_type: &'static str,
}

#[derive(Clone, Serialize)]
pub(crate) struct Crumb {
    pub title: String,
    pub url: String,
}

impl SiteView {
    /// A page of `kind` at `path`, with breadcrumbs from Home through `crumbs` (title, path).
    pub fn page(
        &self,
        kind: &'static str,
        title: &str,
        path: &str,
        crumbs: &[(&str, &str)],
    ) -> PageView {
        let fixed = |path: &str| FIXED_PAGES.iter().find(|(p, _, _)| *p == path);
        let mut breadcrumbs = vec![Crumb {
            title: self.strings.text("nav_home"),
            url: self.base_path.clone(),
        }];
        breadcrumbs.extend(crumbs.iter().map(|(t, p)| Crumb {
            title: fixed(p).map_or_else(|| (*t).to_string(), |(_, _, k)| self.strings.text(k)),
            url: [self.base_path.as_str(), p].concat(),
        }));
        PageView {
            kind,
            title: fixed(path).map_or_else(|| title.to_string(), |(_, k, _)| self.strings.text(k)),
            description: None,
            path: path.to_string(),
            url: [self.base_path.as_str(), path].concat(),
            permalink: [self.base_url.as_str(), path].concat(),
            breadcrumbs,
            date: None,
            tags: Vec::new(),
            og_type: if kind == "home" { "website" } else { "article" },
        }
    }
}

/// What every page citation of the site shares.
pub(crate) fn cite_site(c: &Config) -> cite::WebPage {
    cite::WebPage {
        id: String::new(),
        title: String::new(),
        site_title: c.title.clone(),
        publisher: c.publisher.clone(),
        url: String::new(),
        version: c.version.clone(),
        date: c.date.clone(),
        language: c.language.clone(),
    }
}
