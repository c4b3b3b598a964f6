//! The docs are tested: every key the parsers accept and every command-line flag must appear in
//! docs/reference.md, so that a new key cannot ship undocumented.

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    fn reference() -> String {
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/reference.md"))
            .expect("docs/reference.md exists")
    }

    #[test]
    fn every_yaml_key_is_documented() {
        let doc = reference();
        let mut missing = Vec::new();
        for (record, keys) in crate::parse::keys::accepted_keys() {
            assert!(!keys.is_empty(), "no keys found for {record}");
            for k in keys {
                if !doc.contains(&format!("| `{k}` |")) {
                    missing.push(format!("{record}: `{k}`"));
                }
            }
        }
        assert!(
            missing.is_empty(),
            "undocumented keys in docs/reference.md: {missing:?}"
        );
    }

    /// The tables of docs/diagnostics.md are generated from the code table
    /// (`src/diagnostic/codes.rs`): every code, its severity and its summary, by section. The
    /// page's introduction is kept as written. `EVIDENT_BLESS=1 cargo test` rewrites the page.
    #[test]
    fn diagnostics_page_is_the_code_table() {
        use crate::diagnostic::CODES;
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/diagnostics.md");
        let doc = std::fs::read_to_string(path).expect("docs/diagnostics.md exists");
        let intro = doc.split("\n## ").next().unwrap_or("").trim_end();
        let mut page = format!("{intro}\n");
        let mut section = "";
        for c in CODES {
            if c.section != section {
                section = c.section;
                page.push_str(&format!(
                    "\n## {section}\n\n| code | severity | meaning and fix |\n| --- | --- | --- |\n"
                ));
            }
            page.push_str(&format!(
                "| `{}` | {} | {} |\n",
                c.code, c.severity, c.summary
            ));
        }
        if std::env::var_os("EVIDENT_BLESS").is_some() {
            std::fs::write(path, &page).expect("docs/diagnostics.md is writable");
        }
        assert!(
            doc == page,
            "docs/diagnostics.md is not the code table; run `EVIDENT_BLESS=1 cargo test` to regenerate it"
        );
        assert!(CODES.len() > 60, "found only {} codes", CODES.len());
    }

    #[test]
    fn every_flag_and_command_is_documented() {
        let doc = reference();
        let cmd = crate::cli::Cli::command();
        let mut missing = Vec::new();
        let flags = |c: &clap::Command| -> Vec<String> {
            c.get_arguments()
                .filter_map(|a| a.get_long())
                .filter(|l| !doc.contains(&format!("`--{l}`")))
                .map(|l| format!("--{l}"))
                .collect()
        };
        missing.extend(flags(&cmd));
        for sub in cmd.get_subcommands() {
            if !doc.contains(&format!("`evident {}`", sub.get_name())) {
                missing.push(format!("evident {}", sub.get_name()));
            }
            missing.extend(flags(sub));
        }
        missing.sort();
        missing.dedup();
        assert!(
            missing.is_empty(),
            "undocumented in docs/reference.md: {missing:?}"
        );
    }
}
