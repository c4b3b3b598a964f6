//! Fenced code blocks: highlighted at build time as `hl-` classes when their language is known,
//! plain and escaped otherwise, and the highlighting stylesheet linked only by pages that need it.

use crate::support::Site;

const LINK: &str = r#"<link rel="stylesheet" href="/sub/highlight.css">"#;

const CODE_PAGE: &str = r#"---
title: Code
---
Some configuration:

```yaml
title: Example # a comment
tags: [a, b]
```

And a program:

```rust
fn main() {
    println!("<script>alert(1)</script>");
}
```

```nosuchlang
<script>alert(2)</script> & more
```
"#;

/// The fixture site with a plain page of code blocks, and a topic whose body has one.
fn site_with_code() -> Site {
    let site = Site::from_fixture("valid");
    site.write("content/code.md", CODE_PAGE);
    site.edit(
        "content/topics/control.md",
        "Body",
        "Body\n\n```sh\necho \"$HOME\" <script>\n```",
    );
    site
}

#[test]
fn known_languages_are_highlighted_with_classes_and_link_the_stylesheet() {
    let site = site_with_code();
    let run = site.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = site.read("public/code/index.html");
    for needle in [
        r#"<pre class="hl-code"><code class="language-yaml"><span class="hl-source hl-yaml">"#,
        r#"<pre class="hl-code"><code class="language-rust"><span class="hl-source hl-rust">"#,
        r#"<span class="hl-comment hl-line hl-number-sign hl-yaml">"#,
        r#"<span class="hl-storage hl-type hl-function hl-rust">fn</span>"#,
        LINK,
    ] {
        assert!(page.contains(needle), "code page lacks {needle:?}:\n{page}");
    }
    assert!(!page.contains("style="), "no inline styles");
    assert_eq!(page.matches(LINK).count(), 1);
    let topic = site.read("public/topics/control/index.html");
    assert!(topic.contains(r#"<code class="language-sh"><span class="hl-source hl-shell"#));
    assert!(
        topic.contains(LINK),
        "a node page with code links the stylesheet"
    );
    assert!(site.path("public/highlight.css").is_file());
}

#[test]
fn pages_without_code_do_not_link_the_stylesheet() {
    let site = site_with_code();
    assert_eq!(site.run(&["build"]).code, 0);
    for page in [
        "public/index.html",
        "public/about/index.html",
        "public/claims/users-lead/index.html",
        "public/sources/s1/index.html",
        "public/gaps/foi/index.html",
        "public/findings/staff-lead/index.html",
    ] {
        assert!(
            !site.read(page).contains("highlight.css"),
            "{page} links it"
        );
    }
}

#[test]
fn unknown_languages_and_markup_in_code_are_escaped_plain_text() {
    let site = site_with_code();
    assert_eq!(site.run(&["build"]).code, 0);
    let page = site.read("public/code/index.html");
    assert!(
        page.contains(
            "<pre><code class=\"language-nosuchlang\">&lt;script&gt;alert(2)&lt;/script&gt; &amp; more\n</code></pre>"
        ),
        "{page}"
    );
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{page}"
    );
    assert!(!page.contains("<script>alert"), "{page}");
    let topic = site.read("public/topics/control/index.html");
    assert!(!topic.contains("<script>"), "{topic}");
    assert!(topic.contains("&lt;</span>script"), "{topic}");
}

#[test]
fn highlighting_is_deterministic() {
    let site = site_with_code();
    assert_eq!(site.run(&["build", "-o", "first"]).code, 0);
    assert_eq!(site.run(&["build", "-o", "second"]).code, 0);
    assert_eq!(site.tree("first"), site.tree("second"));
}

/// `highlight_code: false` prints every fenced block plain, and no page links the stylesheet.
#[test]
fn highlighting_can_be_turned_off() {
    let site = site_with_code();
    let text = site.read("site.yaml");
    site.write("site.yaml", format!("{text}highlight_code: false\n"));
    let run = site.run(&["build", "--no-cache"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = site.read("public/code/index.html");
    assert!(!page.contains("hl-"), "highlighted anyway");
    assert!(!page.contains(LINK), "the stylesheet is linked anyway");
    assert!(
        page.contains(r#"<pre><code class="language-rust">"#),
        "the block is not printed plain"
    );
    assert!(page.contains("&lt;script&gt;"), "code not escaped");
}

/// `stylesheets:` links the site's own stylesheets after the theme's, on every page.
#[test]
fn a_sites_own_stylesheet_is_linked_after_the_themes() {
    let site = Site::from_fixture("valid");
    site.write("static/css/extra.css", "main { max-width: 60rem }\n");
    let text = site.read("site.yaml");
    site.write("site.yaml", format!("{text}stylesheets: [css/extra.css]\n"));
    let run = site.run(&["build", "--no-cache"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for page in ["public/index.html", "public/findings/staff-lead/index.html"] {
        let html = site.read(page);
        let theme = html
            .find(r#"href="/sub/site.css""#)
            .expect("theme stylesheet");
        let own = html
            .find(r#"<link rel="stylesheet" href="/sub/css/extra.css">"#)
            .unwrap_or_else(|| panic!("{page} does not link css/extra.css"));
        assert!(
            own > theme,
            "{page}: the site's stylesheet comes before the theme's"
        );
    }
    assert_eq!(
        site.read("public/css/extra.css"),
        "main { max-width: 60rem }\n"
    );
}
