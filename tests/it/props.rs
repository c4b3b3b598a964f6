//! Properties, checked on generated input with proptest, through the library without the disk:
//! no input a maintainer can write makes parsing, resolving or rendering panic, every diagnostic
//! has a position inside its file, and rendered pages keep their tags balanced.

use evident::load::Inputs;
use evident::model::Environment;
use proptest::prelude::*;

const SITE: &str = "title: T\nbase_url: https://example.org/\n";

fn build(
    files: &[(&str, String)],
) -> (
    Vec<evident::layout::OutputFile>,
    Vec<evident::diagnostic::Diagnostic>,
) {
    let mut inputs = Inputs::default();
    inputs.insert_text("site.yaml", SITE);
    for (path, text) in files {
        inputs.insert_text(*path, text.clone());
    }
    // The default theme is added by `load`; tests without the disk add it the same way.
    evident::load::add_default_theme(&mut inputs);
    evident::build_in_memory(&inputs, &Environment::default())
}

/// Text made of the characters that matter to YAML and Markdown, so shrinking finds real cases.
fn yamlish() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just("---\n".to_string()),
            Just("title: ".to_string()),
            Just("findings:\n".to_string()),
            Just("  - id: a\n".to_string()),
            Just("    quote: \"x\"\n".to_string()),
            Just("\t".to_string()),
            Just("\r\n".to_string()),
            Just("[".to_string()),
            Just("{".to_string()),
            Just(": ".to_string()),
            Just("\"".to_string()),
            Just("&a *a ".to_string()),
            Just("\u{feff}".to_string()),
            Just("é💡".to_string()),
            "[a-z0-9 #>*_\\-\\[\\]()]{0,12}".prop_map(|s| s),
        ],
        0..40,
    )
    .prop_map(|parts| parts.concat())
}

fn check_positions(files: &[(&str, String)], diags: &[evident::diagnostic::Diagnostic]) {
    for d in diags {
        let (Some(file), Some(pos)) = (&d.file, d.position) else {
            continue;
        };
        let Some((_, text)) = files.iter().find(|(p, _)| std::path::Path::new(p) == file) else {
            continue;
        };
        let lines = text.split('\n').count() as u32;
        assert!(
            pos.line >= 1 && pos.line <= lines.max(1),
            "{d:?} outside {lines} lines"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn front_matter_never_panics(text in yamlish()) {
        let files = [("content/page.md", text)];
        let (_, diags) = build(&files);
        check_positions(&files, &diags);
    }

    #[test]
    fn findings_yaml_never_panics(text in yamlish()) {
        let files = [("data/findings/x.yaml", text)];
        let (_, diags) = build(&files);
        check_positions(&files, &diags);
    }

    #[test]
    fn source_front_matter_never_panics(text in yamlish()) {
        let files = [("content/sources/s.md", text)];
        let (_, diags) = build(&files);
        check_positions(&files, &diags);
    }

    #[test]
    fn markdown_renders_balanced_html(words in proptest::collection::vec(
        prop_oneof![
            Just("# Heading\n".to_string()),
            Just("- item\n".to_string()),
            Just("> quote\n".to_string()),
            Just("| a | b |\n|---|---|\n| 1 | 2 |\n".to_string()),
            Just("```\ncode <b>\n```\n".to_string()),
            Just("*em* **strong** ~~del~~ [^1]\n\n[^1]: note\n".to_string()),
            Just("<script>alert(1)</script>\n".to_string()),
            Just("<div>open\n".to_string()),
            Just("[link](https://example.org/)\n".to_string()),
            "[a-zA-Z ]{1,20}\n".prop_map(|s| s),
        ],
        0..25,
    )) {
        let body = format!("---\ntitle: P\n---\n{}", words.concat());
        let (files, diags) = build(&[("content/page.md", body)]);
        prop_assert!(diags.iter().all(|d| !d.is_error()), "{diags:?}");
        let page = files.iter().find(|f| f.path == "page/index.html").expect("page rendered");
        let html = String::from_utf8(page.bytes.clone()).unwrap();
        prop_assert!(!html.contains("<script>alert"), "raw script survived");
        let main = &html[html.find("<main").unwrap()..html.find("</main>").unwrap()];
        for tag in ["div", "p", "ul", "li", "blockquote", "table", "pre", "section", "h1", "h2", "a", "em", "strong"] {
            let open = main.matches(&format!("<{tag}>")).count() + main.matches(&format!("<{tag} ")).count();
            let close = main.matches(&format!("</{tag}>")).count();
            prop_assert_eq!(open, close, "<{}> unbalanced in {}", tag, main);
        }
    }
}
