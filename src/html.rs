//! HTML written by hand rather than by templates: escaping text for HTML content and attribute
//! values, and the page that redirects an old URL to its new one.

/// Escapes text for HTML content and attribute values: the five characters that matter, and
/// nothing else (so URLs stay readable).
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A page at an old URL that sends readers (and search engines, via the canonical link) to the
/// new one; it works without JavaScript, and with it keeps the `#anchor` of the old link. `to` is the new page's link (below the site's base path),
/// `canonical` its absolute URL.
pub fn redirect_page(language: &str, to: &str, canonical: &str) -> String {
    let esc = escape_html;
    let (to, canonical) = (esc(to), esc(canonical));
    format!(
        "<!doctype html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<title>Moved: {to}</title>\n<link rel=\"canonical\" href=\"{canonical}\">\n<meta http-equiv=\"refresh\" content=\"0; url={to}\">\n<meta name=\"robots\" content=\"noindex\">\n</head>\n<body>\n<p>This page has moved to <a id=\"moved\" href=\"{to}\">{to}</a>.</p>\n<script>location.replace(document.getElementById(\"moved\").href + location.hash)</script>\n</body>\n</html>\n",
        esc(language)
    )
}

/// The attributes whose values are links: `href`, `src`, `action`, a redirect's `url=`, and the
/// search page's `data-index` (a folder its script reads files from, so no `index.html` is added).
const LINK_ATTRIBUTES: [&str; 5] = [
    " href=\"",
    " src=\"",
    " action=\"",
    "; url=",
    " data-index=\"",
];

/// `html`, the page at output path `page` (`findings/x/index.html`), with every link to the site
/// (a value starting with `base_path`) made relative to the page, and a folder's link naming its
/// `index.html`: the pages then link to each other when opened from disk. Absolute URLs
/// (`https://…`, the canonical link) and anchors on the page are left alone.
pub fn relative_links(html: &str, page: &str, base_path: &str) -> String {
    let up = "../".repeat(page.matches('/').count());
    let mut out = String::with_capacity(html.len() + html.len() / 8);
    let mut rest = html;
    while let Some((at, attr, folder)) = (LINK_ATTRIBUTES.iter())
        .filter_map(|a| rest.find(a).map(|i| (i, a.len(), a.contains("data-index"))))
        .min()
    {
        let value_at = at + attr;
        out.push_str(&rest[..value_at]);
        rest = &rest[value_at..];
        let end = rest.find(['"', '\'', ' ', '>']).unwrap_or(rest.len());
        let value = &rest[..end];
        match value
            .strip_prefix(base_path)
            .filter(|_| !value.starts_with("//"))
        {
            Some(below) => {
                let (path, anchor) = below.split_at(below.find(['#', '?']).unwrap_or(below.len()));
                let names_folder = path.is_empty() || path.ends_with('/');
                let index = if names_folder && !folder {
                    "index.html"
                } else {
                    ""
                };
                out.push_str(&format!("{up}{path}{index}{anchor}"));
            }
            None => out.push_str(value),
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::relative_links;

    #[test]
    fn links_to_the_site_become_relative_and_name_index_files() {
        let page = r##"<a href="/sub/findings/x/#quote">x</a> <img src="/sub/logo.svg"> <a href="#top">t</a> <a href="https://example.org/sub/">c</a> <a href="/elsewhere/">e</a> <form action="/sub/search/">"##;
        assert_eq!(
            relative_links(page, "claims/y/index.html", "/sub/"),
            r##"<a href="../../findings/x/index.html#quote">x</a> <img src="../../logo.svg"> <a href="#top">t</a> <a href="https://example.org/sub/">c</a> <a href="/elsewhere/">e</a> <form action="../../search/index.html">"##
        );
        assert_eq!(
            relative_links(
                r#"<a href="/">home</a> <a href="/?q=x">s</a>"#,
                "index.html",
                "/"
            ),
            r#"<a href="index.html">home</a> <a href="index.html?q=x">s</a>"#
        );
        let search = r#"<div data-index="/search/">"#;
        assert_eq!(
            relative_links(search, "search/index.html", "/"),
            r#"<div data-index="../search/">"#
        );
        let redirect = r#"<meta http-equiv="refresh" content="0; url=/findings/new/">"#;
        assert_eq!(
            relative_links(redirect, "findings/old/index.html", "/"),
            r#"<meta http-equiv="refresh" content="0; url=../../findings/new/index.html">"#
        );
    }
}
