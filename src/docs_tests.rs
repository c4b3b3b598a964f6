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

    /// Every `Diagnostic::error("code", …)` and `Diagnostic::warning("code", …)` in the source,
    /// and the codes chosen at run time, appear in docs/diagnostics.md.
    #[test]
    fn every_diagnostic_code_is_documented() {
        let doc =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/diagnostics.md"))
                .expect("docs/diagnostics.md exists");
        let mut codes: Vec<String> = [
            "unknown-source",
            "unknown-claim",
            "unknown-topic",
            "unknown-finding",
            "unknown-gap",
            "unknown-dataset",
            "unknown-id",
            "unknown-key",
            "missing-key",
            "duplicate-key",
            "wrong-type",
            "unknown-value",
            "invalid-yaml",
            "template-syntax",
            "template-undefined",
            "template-not-found",
            "template-error",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let src = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
        for entry in walkdir::WalkDir::new(src) {
            let entry = entry.unwrap();
            let is_rust = entry.path().extension().is_some_and(|e| e == "rs");
            if is_rust && !entry.path().ends_with("docs_tests.rs") {
                let full = std::fs::read_to_string(entry.path()).unwrap();
                // Test modules sit at the end of each file; their codes are examples.
                let text = full.split("#[cfg(test)]").next().unwrap_or("");
                for marker in ["Diagnostic::error(", "Diagnostic::warning("] {
                    for part in text.split(marker).skip(1) {
                        let rest = part.trim_start();
                        if let Some(code) = rest.strip_prefix('"').and_then(|r| r.split('"').next())
                        {
                            let kebab = code.bytes().all(|b| b.is_ascii_lowercase() || b == b'-');
                            if !code.is_empty() && kebab {
                                codes.push(code.to_string());
                            }
                        }
                    }
                }
            }
        }
        codes.sort();
        codes.dedup();
        let missing: Vec<&String> = codes
            .iter()
            .filter(|c| !doc.contains(&format!("| `{c}` |")))
            .collect();
        assert!(codes.len() > 60, "found only {} codes", codes.len());
        assert!(
            missing.is_empty(),
            "codes missing from docs/diagnostics.md: {missing:?}"
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
