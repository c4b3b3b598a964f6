//! The CSL locales evident carries (`styles/locales/`, copied byte for byte from the CSL project)
//! and which one a site's language gets. A locale gives the words and punctuation a style prints
//! around the data ("and", "accessed", "p.", month names, quotation marks); a term the site's
//! locale lacks is taken from en-US, as the CSL specification says.

use std::collections::HashMap;
use std::sync::OnceLock;

use hayagriva::citationberg::{Locale, LocaleFile};

use crate::diagnostic::Diagnostic;

/// Every locale file: its code, and its XML.
const FILES: [(&str, &str); 62] = [
    (
        "af-ZA",
        include_str!("../../styles/locales/locales-af-ZA.xml"),
    ),
    ("ar", include_str!("../../styles/locales/locales-ar.xml")),
    (
        "bal-PK",
        include_str!("../../styles/locales/locales-bal-PK.xml"),
    ),
    (
        "bg-BG",
        include_str!("../../styles/locales/locales-bg-BG.xml"),
    ),
    (
        "brh-PK",
        include_str!("../../styles/locales/locales-brh-PK.xml"),
    ),
    (
        "ca-AD",
        include_str!("../../styles/locales/locales-ca-AD.xml"),
    ),
    (
        "cs-CZ",
        include_str!("../../styles/locales/locales-cs-CZ.xml"),
    ),
    (
        "cy-GB",
        include_str!("../../styles/locales/locales-cy-GB.xml"),
    ),
    (
        "da-DK",
        include_str!("../../styles/locales/locales-da-DK.xml"),
    ),
    (
        "de-AT",
        include_str!("../../styles/locales/locales-de-AT.xml"),
    ),
    (
        "de-CH",
        include_str!("../../styles/locales/locales-de-CH.xml"),
    ),
    (
        "de-DE",
        include_str!("../../styles/locales/locales-de-DE.xml"),
    ),
    (
        "el-GR",
        include_str!("../../styles/locales/locales-el-GR.xml"),
    ),
    (
        "en-GB",
        include_str!("../../styles/locales/locales-en-GB.xml"),
    ),
    (
        "en-US",
        include_str!("../../styles/locales/locales-en-US.xml"),
    ),
    (
        "es-CL",
        include_str!("../../styles/locales/locales-es-CL.xml"),
    ),
    (
        "es-ES",
        include_str!("../../styles/locales/locales-es-ES.xml"),
    ),
    (
        "es-MX",
        include_str!("../../styles/locales/locales-es-MX.xml"),
    ),
    (
        "et-EE",
        include_str!("../../styles/locales/locales-et-EE.xml"),
    ),
    ("eu", include_str!("../../styles/locales/locales-eu.xml")),
    (
        "fa-IR",
        include_str!("../../styles/locales/locales-fa-IR.xml"),
    ),
    (
        "fi-FI",
        include_str!("../../styles/locales/locales-fi-FI.xml"),
    ),
    (
        "fr-CA",
        include_str!("../../styles/locales/locales-fr-CA.xml"),
    ),
    (
        "fr-FR",
        include_str!("../../styles/locales/locales-fr-FR.xml"),
    ),
    (
        "gl-ES",
        include_str!("../../styles/locales/locales-gl-ES.xml"),
    ),
    (
        "he-IL",
        include_str!("../../styles/locales/locales-he-IL.xml"),
    ),
    (
        "hi-IN",
        include_str!("../../styles/locales/locales-hi-IN.xml"),
    ),
    (
        "hr-HR",
        include_str!("../../styles/locales/locales-hr-HR.xml"),
    ),
    (
        "hu-HU",
        include_str!("../../styles/locales/locales-hu-HU.xml"),
    ),
    (
        "hy-AM",
        include_str!("../../styles/locales/locales-hy-AM.xml"),
    ),
    (
        "id-ID",
        include_str!("../../styles/locales/locales-id-ID.xml"),
    ),
    (
        "is-IS",
        include_str!("../../styles/locales/locales-is-IS.xml"),
    ),
    (
        "it-IT",
        include_str!("../../styles/locales/locales-it-IT.xml"),
    ),
    (
        "ja-JP",
        include_str!("../../styles/locales/locales-ja-JP.xml"),
    ),
    (
        "km-KH",
        include_str!("../../styles/locales/locales-km-KH.xml"),
    ),
    (
        "ko-KR",
        include_str!("../../styles/locales/locales-ko-KR.xml"),
    ),
    ("la", include_str!("../../styles/locales/locales-la.xml")),
    (
        "lij-IT",
        include_str!("../../styles/locales/locales-lij-IT.xml"),
    ),
    (
        "lt-LT",
        include_str!("../../styles/locales/locales-lt-LT.xml"),
    ),
    (
        "lv-LV",
        include_str!("../../styles/locales/locales-lv-LV.xml"),
    ),
    (
        "mn-MN",
        include_str!("../../styles/locales/locales-mn-MN.xml"),
    ),
    (
        "ms-MY",
        include_str!("../../styles/locales/locales-ms-MY.xml"),
    ),
    (
        "nb-NO",
        include_str!("../../styles/locales/locales-nb-NO.xml"),
    ),
    (
        "nl-NL",
        include_str!("../../styles/locales/locales-nl-NL.xml"),
    ),
    (
        "nn-NO",
        include_str!("../../styles/locales/locales-nn-NO.xml"),
    ),
    (
        "pa-PK",
        include_str!("../../styles/locales/locales-pa-PK.xml"),
    ),
    (
        "pl-PL",
        include_str!("../../styles/locales/locales-pl-PL.xml"),
    ),
    (
        "pt-BR",
        include_str!("../../styles/locales/locales-pt-BR.xml"),
    ),
    (
        "pt-PT",
        include_str!("../../styles/locales/locales-pt-PT.xml"),
    ),
    (
        "ro-RO",
        include_str!("../../styles/locales/locales-ro-RO.xml"),
    ),
    (
        "ru-RU",
        include_str!("../../styles/locales/locales-ru-RU.xml"),
    ),
    (
        "sk-SK",
        include_str!("../../styles/locales/locales-sk-SK.xml"),
    ),
    (
        "sl-SI",
        include_str!("../../styles/locales/locales-sl-SI.xml"),
    ),
    (
        "sr-Cyrl-RS",
        include_str!("../../styles/locales/locales-sr-Cyrl-RS.xml"),
    ),
    (
        "sr-Latn-RS",
        include_str!("../../styles/locales/locales-sr-Latn-RS.xml"),
    ),
    (
        "sv-SE",
        include_str!("../../styles/locales/locales-sv-SE.xml"),
    ),
    (
        "th-TH",
        include_str!("../../styles/locales/locales-th-TH.xml"),
    ),
    (
        "tr-TR",
        include_str!("../../styles/locales/locales-tr-TR.xml"),
    ),
    (
        "uk-UA",
        include_str!("../../styles/locales/locales-uk-UA.xml"),
    ),
    (
        "vi-VN",
        include_str!("../../styles/locales/locales-vi-VN.xml"),
    ),
    (
        "zh-CN",
        include_str!("../../styles/locales/locales-zh-CN.xml"),
    ),
    (
        "zh-TW",
        include_str!("../../styles/locales/locales-zh-TW.xml"),
    ),
];

/// The CSL project's map from a language to the locale it means alone (`fr` → `fr-FR`, `en` →
/// `en-US`), vendored with the files.
const PRIMARY_DIALECTS: &str = include_str!("../../styles/locales/locales.json");

/// The locale the CSL specification falls back to, for terms and for languages it has no
/// locale for.
const FALLBACK: &str = "en-US";

/// One of the CSL locales evident carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CslLocale(usize);

impl CslLocale {
    /// The locale of a file's code, exactly (`en-GB`, `sr-Latn-RS`).
    fn of_code(code: &str) -> Option<CslLocale> {
        FILES
            .iter()
            .position(|(c, _)| c.eq_ignore_ascii_case(code))
            .map(CslLocale)
    }

    /// The locale for a site written in `language` (a BCP 47 tag), or `None` when CSL has none
    /// for it. Tried in turn: the tag itself (`fr-CA`); its language and region without script
    /// or variant (`zh-Hant-TW` → `zh-TW`); the one locale under a longer prefix (`sr-Cyrl` →
    /// `sr-Cyrl-RS`); the language's primary dialect (`fr-BE` → `fr-FR`, `en` → `en-US`).
    pub fn for_language(language: &str) -> Option<CslLocale> {
        let parts: Vec<&str> = language.split('-').collect();
        let primary = parts.first().copied().unwrap_or_default();
        let region = parts[1..]
            .iter()
            .find(|p| p.len() == 2 || (p.len() == 3 && p.bytes().all(|b| b.is_ascii_digit())));
        let under = |prefix: &str| {
            let mut found = FILES.iter().enumerate().filter(|(_, (c, _))| {
                c.len() > prefix.len()
                    && c[..prefix.len()].eq_ignore_ascii_case(prefix)
                    && c.as_bytes()[prefix.len()] == b'-'
            });
            match (found.next(), found.next()) {
                (Some((i, _)), None) => Some(CslLocale(i)),
                _ => None,
            }
        };
        Self::of_code(language)
            .or_else(|| region.and_then(|r| Self::of_code(&format!("{primary}-{r}"))))
            .or_else(|| {
                (2..=parts.len())
                    .rev()
                    .find_map(|n| under(&parts[..n].join("-")))
            })
            .or_else(|| {
                primary_dialects()
                    .get(&primary.to_ascii_lowercase())
                    .and_then(|c| Self::of_code(c))
            })
    }

    /// The locale used when the site's language has none.
    pub fn fallback() -> CslLocale {
        Self::of_code(FALLBACK).unwrap_or(CslLocale(0))
    }

    /// The locale's code, as CSL writes it (`fr-FR`).
    pub fn code(self) -> &'static str {
        FILES[self.0].0
    }

    fn xml(self) -> &'static str {
        FILES[self.0].1
    }

    /// The parsed files a style is given: this locale, then en-US for the terms it lacks; and
    /// any that failed to load (a bug in evident, which the tests catch). Parsed once per process.
    pub(super) fn loaded(self) -> &'static Loaded {
        static LOADED: [OnceLock<Loaded>; FILES.len()] = [const { OnceLock::new() }; FILES.len()];
        LOADED[self.0].get_or_init(|| {
            let mut loaded = Loaded::default();
            let fallback = Self::fallback();
            let codes = if self == fallback {
                vec![self]
            } else {
                vec![self, fallback]
            };
            for locale in codes {
                match LocaleFile::from_xml(locale.xml()) {
                    Ok(file) => loaded.files.push(file.into()),
                    Err(e) => loaded.problems.push(super::style_problem(&format!(
                        "the {} locale failed to load: {e}",
                        locale.code()
                    ))),
                }
            }
            loaded
        })
    }
}

/// A locale's parsed files, and what failed to load.
#[derive(Default)]
pub(super) struct Loaded {
    pub(super) files: Vec<Locale>,
    pub(super) problems: Vec<Diagnostic>,
}

/// `primary-dialects` of the vendored `locales.json`: language → locale code.
fn primary_dialects() -> &'static HashMap<String, String> {
    static MAP: OnceLock<HashMap<String, String>> = OnceLock::new();
    MAP.get_or_init(|| {
        #[derive(serde::Deserialize)]
        struct Index {
            #[serde(rename = "primary-dialects")]
            primary_dialects: HashMap<String, String>,
        }
        serde_json::from_str::<Index>(PRIMARY_DIALECTS)
            .map(|i| i.primary_dialects)
            .unwrap_or_default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_locale_loads() {
        for (i, (code, _)) in FILES.iter().enumerate() {
            let loaded = CslLocale(i).loaded();
            assert!(loaded.problems.is_empty(), "{code}: {:?}", loaded.problems);
            assert_eq!(
                loaded.files[0].lang.as_ref().map(|l| l.0.as_str()),
                Some(*code)
            );
        }
    }

    #[test]
    fn every_primary_dialect_is_a_file() {
        assert!(primary_dialects().len() > 40);
        for (language, code) in primary_dialects() {
            assert!(CslLocale::of_code(code).is_some(), "{language} → {code}");
        }
    }

    #[test]
    fn a_language_gets_the_nearest_locale() {
        for (language, code) in [
            ("en-GB", Some("en-GB")),
            ("en-gb", Some("en-GB")),
            ("en", Some("en-US")),
            ("en-AU", Some("en-US")),
            ("fr", Some("fr-FR")),
            ("fr-CA", Some("fr-CA")),
            ("fr-BE", Some("fr-FR")),
            ("de-CH-1996", Some("de-CH")),
            ("zh-Hant-TW", Some("zh-TW")),
            ("zh", Some("zh-CN")),
            ("sr", Some("sr-Latn-RS")),
            ("sr-Cyrl", Some("sr-Cyrl-RS")),
            ("cy", Some("cy-GB")),
            ("ar-EG", Some("ar")),
            ("pt-BR", Some("pt-BR")),
            ("pt", Some("pt-PT")),
            ("gd", None),
            ("yue-HK", None),
        ] {
            assert_eq!(
                CslLocale::for_language(language).map(CslLocale::code),
                code,
                "{language}"
            );
        }
    }
}
