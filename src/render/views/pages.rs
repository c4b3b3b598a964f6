//! Plain pages in lists (the home page's `pages`, each tag's page), and tags.

use std::collections::HashMap;
use std::sync::Arc;

use serde::Serialize;

use crate::markdown::slugify;
use crate::model::Site;
use crate::render::views::Links;

#[derive(Clone, Serialize)]
pub(crate) struct TagRef {
    pub name: String,
    pub slug: String,
    pub url: String,
}

/// A plain page in lists: the home page's `pages` and each tag's page.
#[derive(Clone, Serialize)]
pub(crate) struct PageRef {
    pub title: String,
    pub url: String,
    pub date: Option<String>,
    pub description: Option<String>,
    /// Shared: one for each tag name as pages write it, however many pages carry it.
    pub tags: Vec<Arc<TagRef>>,
}

#[derive(Serialize)]
pub(crate) struct TagView {
    pub name: String,
    pub slug: String,
    pub url: String,
    pub count: usize,
    /// Indexes into `Views::page_refs`.
    #[serde(skip)]
    pub pages: Vec<usize>,
}

/// What a plain page's job needs besides its Markdown.
pub(crate) struct PageBody {
    pub path: String,
    pub title: String,
    pub description: Option<String>,
    pub template: String,
}

pub(crate) fn page_bodies(site: &Site) -> Vec<PageBody> {
    site.pages
        .iter()
        .map(|p| PageBody {
            path: p.path.clone(),
            title: p.title.clone(),
            description: p.description.clone(),
            template: p.template.clone(),
        })
        .collect()
}

fn tag_ref(name: &str, links: &Links) -> TagRef {
    let slug = slugify(name);
    TagRef {
        name: name.to_string(),
        url: links.url(&format!("tags/{slug}/")),
        slug,
    }
}

/// Plain pages (not the home page), newest first, then by title; and each of `site.pages`' index
/// among them.
pub(crate) fn page_refs(site: &Site, links: &Links) -> (Vec<PageRef>, Vec<Option<usize>>) {
    let mut order: Vec<usize> = (0..site.pages.len())
        .filter(|&i| !site.pages[i].path.is_empty())
        .collect();
    order.sort_by(|&a, &b| {
        let (a, b) = (&site.pages[a], &site.pages[b]);
        (&b.date, &a.title, &a.path).cmp(&(&a.date, &b.title, &b.path))
    });
    let mut page_ref_of = vec![None; site.pages.len()];
    let mut tag_refs: HashMap<&str, Arc<TagRef>> = HashMap::new();
    let page_refs = order
        .iter()
        .enumerate()
        .map(|(n, &i)| {
            page_ref_of[i] = Some(n);
            let p = &site.pages[i];
            PageRef {
                title: p.title.clone(),
                url: links.url(&p.path),
                date: p.date.clone(),
                description: p.description.clone(),
                tags: (p.tags.iter())
                    .map(|t| {
                        let made =
                            (tag_refs.entry(t)).or_insert_with(|| Arc::new(tag_ref(t, links)));
                        made.clone()
                    })
                    .collect(),
            }
        })
        .collect();
    (page_refs, page_ref_of)
}

pub(crate) fn tag_views(site: &Site, links: &Links, page_ref_of: &[Option<usize>]) -> Vec<TagView> {
    site.tags
        .iter()
        .map(|t| TagView {
            name: t.name.clone(),
            url: links.url(&format!("tags/{}/", t.slug)),
            slug: t.slug.clone(),
            count: t.pages.len(),
            pages: t.pages.iter().filter_map(|&i| page_ref_of[i]).collect(),
        })
        .collect()
}
