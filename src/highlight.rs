//! Code highlighting: the one module that knows syntect, and two-face, whose syntax set (bat's:
//! Sublime's defaults and TOML, TypeScript, Dockerfile and more) it uses. A fenced code block
//! whose language the set knows becomes `<pre class="hl-code"><code class="language-x">` with a
//! `<span class="hl-…">` per scope (classes, never inline styles, so a theme's stylesheet decides
//! the colours: `themes/default/static/highlight.css`). The syntaxes load on the first fenced block
//! that names a language, once per process, so a site without code pays nothing for them.

use std::sync::OnceLock;

use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::{SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

/// The class of a highlighted block's `<pre>`: what a template tests for to link the stylesheet.
pub(crate) const BLOCK_CLASS: &str = "hl-code";

/// Scope classes get this prefix (`hl-keyword`, `hl-string`), so they never clash with a theme's.
const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

fn syntaxes() -> &'static SyntaxSet {
    static SYNTAXES: OnceLock<SyntaxSet> = OnceLock::new();
    SYNTAXES.get_or_init(two_face::syntax::extra_newlines)
}

/// The syntax for a fence's language, if the bundled set has one. Names and file extensions both
/// match (`rust`, `rs`), in any case; a few common names the set lacks are mapped to the syntax it
/// has. Plain text is no language: it stays a plain block.
fn syntax_for(lang: &str) -> Option<&'static SyntaxReference> {
    let lower = lang.to_ascii_lowercase();
    let token = match lower.as_str() {
        "" | "text" | "txt" | "plain" | "plaintext" => return None,
        "shell" | "console" | "shellscript" => "sh",
        "javascript" | "mjs" | "cjs" | "jsx" => "js",
        "jsonc" | "json5" => "json",
        "xhtml" => "html",
        "svg" => "xml",
        "c++" => "cpp",
        other => other,
    };
    syntaxes().find_syntax_by_token(token)
}

/// A fenced block's code as highlighted HTML, or `None` when its language is missing, unknown or
/// not a plain word (the caller then prints the block as it always has). Output depends only on
/// the input, so builds stay byte-identical.
pub(crate) fn highlight(lang: &str, code: &str) -> Option<String> {
    // The language goes into a class attribute unescaped, so only a plain word is accepted; the
    // check comes first so that a block without a language never loads the syntaxes.
    let word = |c: char| c.is_ascii_alphanumeric() || matches!(c, '+' | '#' | '.' | '_' | '-');
    if lang.is_empty() || !lang.chars().all(word) {
        return None;
    }
    let syntax = syntax_for(lang)?;
    let mut generator = ClassedHTMLGenerator::new_with_class_style(syntax, syntaxes(), CLASS_STYLE);
    for line in LinesWithEndings::from(code) {
        generator
            .parse_html_for_line_which_includes_newline(line)
            .ok()?;
    }
    let spans = generator.finalize();
    Some(format!(
        "<pre class=\"{BLOCK_CLASS}\"><code class=\"language-{lang}\">{spans}</code></pre>\n"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_languages_get_classes() {
        for (lang, code) in [
            ("yaml", "key: value # note\n"),
            ("rust", "fn main() { let x = 1; }\n"),
            ("sh", "echo \"$HOME\"\n"),
            ("shell", "ls -la\n"),
            ("json", "{\"a\": [1, true]}\n"),
            ("html", "<p class=\"x\">hi</p>\n"),
            ("markdown", "# Title\n\n*em*\n"),
            ("md", "- item\n"),
            ("python", "def f(x):\n    return x\n"),
            ("js", "const a = () => 1;\n"),
            ("javascript", "let b = 2;\n"),
            // Not in syntect's own dump; in two-face's.
            ("toml", "[site]\ntitle = \"x\" # note\n"),
            ("typescript", "let n: number = 1;\n"),
            ("ts", "type A = { a: string };\n"),
            ("dockerfile", "FROM debian:13\n"),
            ("ini", "[a]\nb = 1\n"),
        ] {
            let html = highlight(lang, code).unwrap_or_else(|| panic!("{lang} not highlighted"));
            assert!(
                html.starts_with(&format!(
                    "<pre class=\"hl-code\"><code class=\"language-{lang}\"><span class=\"hl-"
                )),
                "{lang}: {html}"
            );
            assert!(!html.contains("style="), "{lang}: inline style in {html}");
        }
    }

    #[test]
    fn unknown_missing_or_odd_languages_are_left_alone() {
        for lang in ["", "nosuchlang", "text", "rust\"onclick", "a b"] {
            assert_eq!(highlight(lang, "x = 1\n"), None, "{lang}");
        }
    }

    #[test]
    fn code_is_escaped() {
        let html = highlight("html", "<script>alert(1)</script>\n").unwrap();
        assert!(!html.contains("<script"), "{html}");
        assert!(html.contains("&lt;"), "{html}");
    }

    /// WCAG 2.1 relative luminance of an sRGB colour.
    fn luminance(hex: &str) -> f64 {
        let hex = hex.trim_start_matches('#');
        let hex = if hex.len() == 3 {
            hex.chars().flat_map(|c| [c, c]).collect::<String>()
        } else {
            hex.to_string()
        };
        assert_eq!(hex.len(), 6, "colour #{hex}");
        let channel = |i: usize| {
            let v = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap()) / 255.0;
            if v <= 0.03928 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4)
    }

    fn contrast(a: &str, b: &str) -> f64 {
        let (la, lb) = (luminance(a), luminance(b));
        (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
    }

    /// Every `property: #colour` declaration in `css`, comments left out.
    fn declarations<'a>(css: &'a str, property: &str) -> Vec<&'a str> {
        let mut out = Vec::new();
        let mut rest = css;
        let needle = format!("{property}:");
        while let Some(at) = rest.find(&needle) {
            let before = rest[..at].chars().next_back();
            let after = &rest[at + needle.len()..];
            let value = after.split([';', '}']).next().unwrap_or("").trim();
            // `background-color:` also ends in `color:`; only the whole property counts.
            if !before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '-') {
                out.push(value);
            }
            rest = after;
        }
        out
    }

    fn without_comments(css: &str) -> String {
        let mut out = String::new();
        let mut rest = css;
        while let Some(start) = rest.find("/*") {
            out.push_str(&rest[..start]);
            let end = rest[start..]
                .find("*/")
                .map_or(rest.len(), |e| start + e + 2);
            rest = &rest[end..];
        }
        out.push_str(rest);
        out
    }

    /// The stylesheet's two colour schemes are media blocks that exclude each other; in each, the
    /// block's background is the only background, and every colour a token can take must reach
    /// WCAG 2.1 AA (4.5:1) against it.
    #[test]
    fn highlight_css_colours_meet_wcag_aa() {
        let css = without_comments(include_str!("../themes/default/static/highlight.css"));
        let light_at = css
            .find("@media not all and (prefers-color-scheme: dark)")
            .expect("a light block");
        let dark_at = css
            .find("@media (prefers-color-scheme: dark)")
            .expect("a dark block");
        let (light, dark) = if light_at < dark_at {
            (&css[light_at..dark_at], &css[dark_at..])
        } else {
            (&css[light_at..], &css[dark_at..light_at])
        };
        let shared = &css[..light_at.min(dark_at)];
        assert!(
            declarations(shared, "color").is_empty(),
            "colours outside a scheme"
        );
        let mut worst = Vec::new();
        for (name, block) in [("light", light), ("dark", dark)] {
            let backgrounds = declarations(block, "background-color");
            assert_eq!(backgrounds.len(), 1, "{name}: one background, the block's");
            let bg = backgrounds[0];
            let colours = declarations(block, "color");
            assert!(colours.len() > 20, "{name}: {} colours", colours.len());
            let mut min = f64::MAX;
            for fg in colours {
                let ratio = contrast(fg, bg);
                assert!(ratio >= 4.5, "{name}: {fg} on {bg} is {ratio:.2}:1");
                min = min.min(ratio);
            }
            worst.push(format!("{name} {min:.2}"));
        }
        println!("lowest contrast: {}", worst.join(", "));
    }
}
