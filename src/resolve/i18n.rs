//! The theme's translation files resolved into [`Strings`] in the site's language. A tag is tried
//! from the most specific down (`fr-FR`, then `fr`), string by string, then English: the theme's
//! `en.yaml`, then the built-in default theme's. A language the theme has no file for is English
//! without a word (the site chose a language the theme does not speak, which is not a mistake in
//! any file); a file for the language that lacks a string is reported once per string.

use std::collections::BTreeMap;

use crate::diagnostic::{Code, Diagnostic};
use crate::parse::raw::{RawFile, RawMessage, RawTranslations};
use crate::parse::Parsed;
use crate::theme::{Message, PluralRule, Strings, BASE_LANGUAGE};

/// The site's strings: the files for `language` (most specific first), over English.
pub(crate) fn resolve_strings(
    parsed: &Parsed,
    language: &str,
    diags: &mut Vec<Diagnostic>,
) -> Strings {
    let file_for = |tag: &str| {
        parsed
            .translations
            .iter()
            .find(|f| f.stem.eq_ignore_ascii_case(tag))
    };
    // English last: the theme's own, then the built-in default theme's.
    let english: Vec<&RawFile<RawTranslations>> = file_for(BASE_LANGUAGE)
        .into_iter()
        .chain(parsed.base_strings.as_ref())
        .collect();
    let chosen: Vec<&RawFile<RawTranslations>> = fallbacks(language)
        .iter()
        .filter(|tag| !tag.eq_ignore_ascii_case(BASE_LANGUAGE))
        .filter_map(|tag| file_for(tag))
        .collect();

    let mut messages = BTreeMap::new();
    for file in english.iter().rev() {
        add(&mut messages, file, PluralRule::of(BASE_LANGUAGE));
    }
    // English variants (`en-GB.yaml`) override English, and lack nothing: English is their base.
    let english_variant = primary(language).eq_ignore_ascii_case(BASE_LANGUAGE);
    if let (Some(least), false) = (chosen.last(), english_variant) {
        for key in messages.keys() {
            if !chosen.iter().any(|f| f.meta.contains_key(key)) {
                diags.push(
                    Diagnostic::warning(
                        Code::MissingTranslation,
                        format!(
                            "`{key}` has no translation for `{language}`: it is shown in English"
                        ),
                    )
                    .in_file(&least.file)
                    .help(format!(
                        "add `{key}:` to {} (the English is in {})",
                        least.file.display(),
                        english
                            .first()
                            .map_or_else(String::new, |f| f.file.display().to_string())
                    )),
                );
            }
        }
    }
    for file in chosen.iter().rev() {
        add(&mut messages, file, PluralRule::of(language));
    }
    Strings {
        language: language.to_string(),
        messages,
    }
}

/// `fr-FR` → `fr-FR`, `fr`; `zh-Hant-TW` → `zh-Hant-TW`, `zh-Hant`, `zh`.
fn fallbacks(tag: &str) -> Vec<String> {
    let parts: Vec<&str> = tag.split('-').collect();
    (1..=parts.len())
        .rev()
        .map(|n| parts[..n].join("-"))
        .collect()
}

fn primary(tag: &str) -> &str {
    tag.split('-').next().unwrap_or(tag)
}

/// Lays a file's strings over those already there.
fn add(
    messages: &mut BTreeMap<String, Message>,
    file: &RawFile<RawTranslations>,
    rule: PluralRule,
) {
    for (key, raw) in &file.meta {
        let message = match raw {
            RawMessage::Text(t) => Message::Text(t.clone()),
            RawMessage::Plural(p) => Message::Plural {
                one: p.one.clone(),
                other: p.other.clone(),
                rule,
            },
        };
        messages.insert(key.clone(), message);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_fall_back_to_their_prefixes() {
        assert_eq!(fallbacks("fr-FR"), ["fr-FR", "fr"]);
        assert_eq!(fallbacks("zh-Hant-TW"), ["zh-Hant-TW", "zh-Hant", "zh"]);
        assert_eq!(fallbacks("cy"), ["cy"]);
    }
}
