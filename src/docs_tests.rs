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
        for (record, keys) in crate::parse::accepted_keys() {
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
