//! Markdown: the one module that knows pulldown-cmark. Two passes over a body: [`scan`] finds the
//! heading anchors and the links (with their byte offsets) so the resolve stage can check them,
//! and [`to_html`] renders it with the links the resolve stage rewrote.

use std::collections::{HashMap, HashSet};

use pulldown_cmark::{html, CowStr, Event, Options, Parser, Tag, TagEnd};

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_SMART_PUNCTUATION
}

/// A link or image destination in a body, with the byte offset of the destination text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Link {
    pub dest: String,
    /// Byte offset within the body where the destination (or, failing that, the link) starts.
    pub offset: usize,
    pub len: usize,
}

/// What the resolve stage needs to know of a body before rendering.
#[derive(Clone, Debug, Default)]
pub(crate) struct Scan {
    pub anchors: Vec<String>,
    pub links: Vec<Link>,
}

pub(crate) fn scan(body: &str) -> Scan {
    let mut out = Scan::default();
    let mut slugs = Slugger::default();
    let mut heading: Option<(Option<String>, String)> = None;
    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { id, .. }) => {
                heading = Some((id.map(|s| s.to_string()), String::new()));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((id, text)) = heading.take() {
                    out.anchors.push(slugs.anchor(id.as_deref(), &text));
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, text)) = heading.as_mut() {
                    text.push_str(&t);
                }
            }
            Event::Start(Tag::Link { dest_url, .. })
            | Event::Start(Tag::Image { dest_url, .. }) => {
                let slice = &body[range.clone()];
                let (offset, len) = match slice.find(dest_url.as_ref()) {
                    Some(i) if !dest_url.is_empty() => (range.start + i, dest_url.len()),
                    _ => (range.start, range.len()),
                };
                out.links.push(Link {
                    dest: dest_url.to_string(),
                    offset,
                    len,
                });
            }
            _ => {}
        }
    }
    out
}

/// How [`to_html`] treats raw HTML in the Markdown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RawHtml {
    /// Kept, but sanitised with ammonia: the default, since content is not trusted to run script
    /// or load from elsewhere. Harmless markup such as `<abbr>` or `<sup>` survives.
    Sanitise,
    /// Passed through, for sites that opt in with `raw_html: true`.
    Allow,
}

/// Strips anything that could run script or load from another site, keeping ids and classes so
/// anchors, footnotes and theme styles still work. Link `rel` is left alone.
fn sanitise(html: &str) -> String {
    ammonia::Builder::default()
        .add_generic_attributes(["id", "class", "lang", "title"])
        .link_rel(None)
        .url_relative(ammonia::UrlRelative::PassThrough)
        .clean(html)
        .to_string()
}

/// Renders `body` to HTML, replacing each link destination found in `links` (dest → URL) and
/// giving every heading an id (its explicit `{#id}`, or a slug of its text).
pub(crate) fn to_html(body: &str, links: &HashMap<String, String>, raw: RawHtml) -> String {
    let mut slugs = Slugger::default();
    let mut events: Vec<Event> = Vec::new();
    let mut in_heading: Option<usize> = None;
    let mut heading_text = String::new();
    let mut has_raw = false;
    for event in Parser::new_ext(body, options()) {
        match event {
            Event::Start(Tag::Heading { .. }) => {
                in_heading = Some(events.len());
                heading_text.clear();
                events.push(event);
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some(i) = in_heading.take() {
                    if let Event::Start(Tag::Heading { id, .. }) = &mut events[i] {
                        let anchor = slugs.anchor(id.as_deref(), &heading_text);
                        *id = Some(CowStr::from(anchor));
                    }
                }
                events.push(event);
            }
            Event::Text(ref t) | Event::Code(ref t) => {
                if in_heading.is_some() {
                    heading_text.push_str(t);
                }
                events.push(event);
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = rewrite(dest_url, links);
                events.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = rewrite(dest_url, links);
                events.push(Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            Event::Html(_) | Event::InlineHtml(_) => {
                has_raw = true;
                events.push(event);
            }
            other => events.push(other),
        }
    }
    let mut out = String::with_capacity(body.len() * 3 / 2);
    html::push_html(&mut out, events.into_iter());
    if has_raw && raw == RawHtml::Sanitise {
        return sanitise(&out);
    }
    out
}

fn rewrite<'a>(dest: CowStr<'a>, links: &HashMap<String, String>) -> CowStr<'a> {
    match links.get(dest.as_ref()) {
        Some(url) => CowStr::from(url.clone()),
        None => dest,
    }
}

/// Renders a short inline Markdown string (a statement, a note) without a wrapping paragraph.
pub(crate) fn inline_to_html(text: &str) -> String {
    let mut out = String::new();
    let events = Parser::new_ext(text, options()).filter(|e| {
        !matches!(
            e,
            Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph)
        )
    });
    let events = events.map(|e| match e {
        Event::Html(h) | Event::InlineHtml(h) => Event::Text(h),
        other => other,
    });
    html::push_html(&mut out, events);
    out.trim_end().to_string()
}

/// Makes heading anchors: lowercase words joined by hyphens, unique within one page.
#[derive(Default)]
struct Slugger {
    seen: HashSet<String>,
}

impl Slugger {
    fn anchor(&mut self, explicit: Option<&str>, text: &str) -> String {
        let base = match explicit {
            Some(id) => id.to_string(),
            None => slugify(text),
        };
        let base = if base.is_empty() {
            "section".to_string()
        } else {
            base
        };
        let mut candidate = base.clone();
        let mut n = 1;
        while !self.seen.insert(candidate.clone()) {
            candidate = format!("{base}-{n}");
            n += 1;
        }
        candidate
    }
}

/// Lowercase ASCII letters and digits (other letters kept), runs of anything else become one hyphen.
pub(crate) fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_hyphen = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if pending_hyphen && !out.is_empty() {
                out.push('-');
            }
            pending_hyphen = false;
            out.extend(c.to_lowercase());
        } else if c != '\'' && c != '’' {
            pending_hyphen = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scan_finds_anchors_and_links() {
        let body = "# Title\n\n## Method {#how}\n\nSee [x](finding:a-b) and [y](../about.md#m).\n\n## Method\n";
        let s = scan(body);
        assert_eq!(s.anchors, vec!["title", "how", "method"]);
        assert_eq!(s.links.len(), 2);
        assert_eq!(&body[s.links[0].offset..][..11], "finding:a-b");
    }

    #[test]
    fn html_rewrites_links_and_escapes_raw_html() {
        let mut links = HashMap::new();
        links.insert("finding:a".to_string(), "/findings/a/".to_string());
        let html = to_html(
            "## Hello world\n\n[x](finding:a) <script>x</script>\n",
            &links,
            RawHtml::Sanitise,
        );
        assert!(html.contains(r#"<h2 id="hello-world">"#), "{html}");
        assert!(html.contains(r#"href="/findings/a/""#), "{html}");
        assert!(!html.contains("<script"), "{html}");
        let kept = to_html(
            "A <abbr title=\"Resource Allocation System\">RAS</abbr> <img src=x onerror=alert(1)> [j](javascript:alert(1))\n",
            &HashMap::new(),
            RawHtml::Sanitise,
        );
        assert!(
            kept.contains("<abbr title=\"Resource Allocation System\">RAS</abbr>"),
            "{kept}"
        );
        assert!(
            !kept.contains("onerror") && !kept.contains("javascript:"),
            "{kept}"
        );
    }

    #[test]
    fn slugs_are_unique() {
        let mut s = Slugger::default();
        assert_eq!(s.anchor(None, "A b"), "a-b");
        assert_eq!(s.anchor(None, "A  b!"), "a-b-1");
        assert_eq!(slugify("Don’t stop: 2013"), "dont-stop-2013");
    }
}
