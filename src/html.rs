//! HTML written by hand rather than by templates: escaping text for HTML content and attribute
//! values, and the page that redirects an old URL to its new one.

/// Escapes text for HTML content and attribute values: the five characters that matter, and
/// nothing else (so URLs stay readable).
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    // Writing to a String cannot fail.
    let _ = escape_html_into(&mut out, s);
    out
}

/// [`escape_html`], written to `out`: runs of text that need no escaping are written whole, so
/// text without any of the five characters is one write and no copy (templates print most values
/// this way).
pub fn escape_html_into(out: &mut impl std::fmt::Write, s: &str) -> std::fmt::Result {
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        // The five are ASCII, so `i` is on a character boundary.
        out.write_str(&s[start..i])?;
        out.write_str(entity)?;
        start = i + 1;
    }
    out.write_str(&s[start..])
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
    use super::{escape_html, relative_links};

    #[test]
    fn the_five_characters_are_escaped_and_nothing_else() {
        for (text, escaped) in [
            ("", ""),
            ("plain /sub/x?a=1", "plain /sub/x?a=1"),
            ("<a href=\"x\">", "&lt;a href=&quot;x&quot;&gt;"),
            ("Tom & Jerry's", "Tom &amp; Jerry&#39;s"),
            ("&&", "&amp;&amp;"),
            ("é<ü>—‘’ “x”", "é&lt;ü&gt;—‘’ “x”"),
            ("'", "&#39;"),
        ] {
            assert_eq!(escape_html(text), escaped, "{text:?}");
        }
    }

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
