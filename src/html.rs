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
/// new one; it works without JavaScript. `to` is the new page's link (below the site's base path),
/// `canonical` its absolute URL.
pub fn redirect_page(language: &str, to: &str, canonical: &str) -> String {
    let esc = escape_html;
    let (to, canonical) = (esc(to), esc(canonical));
    format!(
        "<!doctype html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<title>Moved: {to}</title>\n<link rel=\"canonical\" href=\"{canonical}\">\n<meta http-equiv=\"refresh\" content=\"0; url={to}\">\n<meta name=\"robots\" content=\"noindex\">\n</head>\n<body>\n<p>This page has moved to <a href=\"{to}\">{to}</a>.</p>\n</body>\n</html>\n",
        esc(language)
    )
}
