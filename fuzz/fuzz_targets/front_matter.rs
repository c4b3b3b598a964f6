//! Any bytes as a Markdown page with front matter, through every pure stage: must not panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut inputs = evident::load::Inputs::default();
    inputs.insert_text("site.yaml", "title: T\nbase_url: https://example.org/\n");
    inputs.insert_text("content/page.md", text);
    inputs.insert_text("content/sources/s.md", text);
    evident::load::add_default_theme(&mut inputs);
    let _ = evident::build_in_memory(&inputs, &evident::model::Environment::default());
});
