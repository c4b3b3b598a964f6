//! Any bytes as the YAML model (a findings file, a table, a dataset, site.yaml), through every
//! pure stage: must not panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut inputs = evident::load::Inputs::default();
    inputs.insert_text("site.yaml", "title: T\nbase_url: https://example.org/\n");
    inputs.insert_text("data/findings/f.yaml", text);
    inputs.insert_text("data/tables/t.yaml", text);
    inputs.insert_text("data/datasets/d.yaml", text);
    evident::load::add_default_theme(&mut inputs);
    let _ = evident::build_in_memory(&inputs, &evident::model::Environment::default());
    let mut site_only = evident::load::Inputs::default();
    site_only.insert_text("site.yaml", text);
    evident::load::add_default_theme(&mut site_only);
    let _ = evident::build_in_memory(&site_only, &evident::model::Environment::default());
});
