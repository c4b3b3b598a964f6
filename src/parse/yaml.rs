//! YAML: the one module that knows serde-saphyr. It turns a YAML text (a whole file, or the front
//! matter of a Markdown file) into a `Raw*` type, and a YAML error into a [`Diagnostic`] whose line
//! and column count from the start of the whole file.

use std::cell::Cell;
use std::path::Path;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::diagnostic::{Code, Diagnostic, Position};
use crate::parse::recover::{Draft, MAX_ROUNDS};

/// A value with the place it was written: where it is used (`referenced`) and, for a YAML alias,
/// where its anchor is (`defined`). Read from YAML through serde-saphyr's own `Spanned`; written
/// to, and read from, the build cache (`from_cache`) as `[value, referenced, defined]`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Spanned<T> {
    pub value: T,
    pub referenced: Place,
    pub defined: Place,
}

/// A place in a file: line and column (from 1; 0 when unknown) and the length in characters of
/// what is written there.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Place(u64, u64, u64);

impl Place {
    fn of(l: serde_saphyr::Location) -> Place {
        Place(l.line(), l.column(), l.span().len())
    }

    pub(crate) fn line(&self) -> u64 {
        self.0
    }

    pub(crate) fn column(&self) -> u64 {
        self.1
    }

    pub(crate) fn len(&self) -> u64 {
        self.2
    }
}

thread_local! {
    /// Set while `from_cache` reads: a `Spanned` is then `[value, referenced, defined]`.
    static FROM_CACHE: Cell<bool> = const { Cell::new(false) };
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Spanned<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if FROM_CACHE.with(Cell::get) {
            let (value, referenced, defined) = <(T, Place, Place)>::deserialize(d)?;
            return Ok(Spanned {
                value,
                referenced,
                defined,
            });
        }
        let s = serde_saphyr::Spanned::<T>::deserialize(d)?;
        Ok(Spanned {
            value: s.value,
            referenced: Place::of(s.referenced),
            defined: Place::of(s.defined),
        })
    }
}

/// Only the build cache writes records, so a `Spanned` is written with its places.
impl<T: Serialize> Serialize for Spanned<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        (&self.value, &self.referenced, &self.defined).serialize(s)
    }
}

/// Reads records the build cache wrote (bincode, from their `Serialize`), places and all: every
/// value as it was, a number to its last bit. `None` when `bytes` are not such records.
pub(crate) fn from_cache<T: DeserializeOwned>(bytes: &[u8]) -> Option<T> {
    struct Reading;
    impl Drop for Reading {
        fn drop(&mut self) {
            FROM_CACHE.with(|c| c.set(false));
        }
    }
    FROM_CACHE.with(|c| c.set(true));
    let _reading = Reading;
    bincode::deserialize(bytes).ok()
}

/// Parses `yaml`, which starts at line `first_line` of `file`: the record, or every mistake in it
/// (see [`recover`](crate::parse::recover): after each, the text is repaired and parsed again).
///
/// Line numbers are made whole-file by prefixing blank lines, which costs a few bytes and keeps
/// every location the parser reports, including those inside nested values, correct.
pub(crate) fn from_yaml<T: DeserializeOwned>(
    file: &Path,
    yaml: &str,
    first_line: u32,
) -> Result<T, Vec<Diagnostic>> {
    from_yaml_repaired(file, yaml, first_line).map_err(|(found, _)| found)
}

/// What a text with mistakes parses to once they are taken out, and the first line of it that is
/// not where it was in the text (`None`: every line is): places before that line are the
/// text's, places from it on are not (a missing key's stand-in was put in above them).
pub(crate) type Repaired<T> = (T, Option<u64>);

/// [`from_yaml`], and when the text has mistakes, what it parses to once they are taken out
/// (`None` when it still does not parse).
pub(crate) fn from_yaml_repaired<T: DeserializeOwned>(
    file: &Path,
    yaml: &str,
    first_line: u32,
) -> Result<T, (Vec<Diagnostic>, Option<Repaired<T>>)> {
    let padded;
    let text = if first_line > 1 {
        padded = "\n".repeat(first_line as usize - 1) + yaml;
        padded.as_str()
    } else {
        yaml
    };
    let first = match parse::<T>(text) {
        Ok(t) => return Ok(t),
        Err(e) => e,
    };
    let mut draft = Draft::new(yaml, first_line);
    let mut found = Vec::new();
    let mut repaired_value = None;
    let mut error = first;
    for _ in 0..MAX_ROUNDS {
        let (line, column) = error.location().map_or((0, 0), |l| (l.line(), l.column()));
        let message = strip_location(&error.without_snippet().to_string());
        let (mistake, repaired) = draft.take(&message, line, column);
        match mistake {
            Some(m) => found.push(
                Diagnostic::error(m.code, m.message)
                    .at(file, m.position)
                    .help(m.help),
            ),
            // The first mistake is always reported, in the parser's words if not in ours.
            None if found.is_empty() => found.push(yaml_error(file, &error)),
            None => {}
        }
        if !repaired {
            break;
        }
        match parse::<T>(&draft.text()) {
            Ok(value) => {
                repaired_value = Some((value, draft.first_moved()));
                break;
            }
            Err(e) => error = e,
        }
    }
    Err((found, repaired_value))
}

fn parse<T: DeserializeOwned>(text: &str) -> Result<T, serde_saphyr::Error> {
    let options = serde_saphyr::options! {
        with_snippet: false,
    };
    serde_saphyr::from_str_with_options::<T>(text, options)
}

fn yaml_error(file: &Path, e: &serde_saphyr::Error) -> Diagnostic {
    let position = e
        .location()
        .filter(|l| l.line() > 0)
        .map(|l| Position::new(clamp(l.line()), clamp(l.column().max(1))));
    let raw = e.without_snippet().to_string();
    let message = strip_location(&raw);
    let (code, help) = classify(&message);
    Diagnostic::error(code, message)
        .at_opt(file, position)
        .help(help)
}

fn clamp(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// serde-saphyr appends " at line L, column C" to its messages; the location is printed separately.
fn strip_location(message: &str) -> String {
    let m = message.trim();
    let cut = m.rfind(" at line ").filter(|&i| m[i..].contains("column"));
    match cut {
        Some(i) => m[..i].trim_end_matches(':').to_string(),
        None => m.to_string(),
    }
}

fn classify(message: &str) -> (Code, &'static str) {
    if message.contains("unknown field") {
        (
            Code::UnknownKey,
            "remove the key or fix its spelling; docs/reference.md lists every key",
        )
    } else if message.contains(crate::parse::raw::BLANK) {
        (
            Code::MissingKey,
            "write the text a reader will see here (docs/reference.md says what it holds)",
        )
    } else if message.contains("missing field") {
        (
            Code::MissingKey,
            "add the key; docs/reference.md says what it holds",
        )
    } else if message.contains("duplicate") {
        (Code::DuplicateKey, "a key may appear once in a mapping")
    } else if message.contains("invalid type")
        || message.contains("invalid value")
        || is_invalid_scalar(message)
    {
        (
            Code::WrongType,
            "give the value the type docs/reference.md names (quote text that looks like a number or date)",
        )
    } else if message.contains("unknown variant") {
        (
            Code::UnknownValue,
            "use one of the values listed in the message",
        )
    } else {
        (
            Code::InvalidYaml,
            "check indentation (spaces, not tabs), colons and quotes around this place",
        )
    }
}

/// serde-saphyr reports a scalar of the wrong type as "invalid i64", "invalid bool" and so on.
fn is_invalid_scalar(message: &str) -> bool {
    const TYPES: [&str; 14] = [
        "i8", "i16", "i32", "i64", "i128", "u8", "u16", "u32", "u64", "u128", "f32", "f64", "bool",
        "char",
    ];
    message
        .strip_prefix("invalid ")
        .and_then(|rest| rest.split_whitespace().next())
        .is_some_and(|t| TYPES.contains(&t.trim_end_matches(':')))
}

/// The position a `Spanned` value was found at, if the parser knew it.
pub(crate) fn position_of<T>(s: &Spanned<T>) -> Option<Position> {
    let l = s.referenced;
    (l.line() > 0).then(|| {
        Position::new(clamp(l.line()), clamp(l.column().max(1)))
            .with_len(usize::try_from(l.len()).unwrap_or(1))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct T {
        #[allow(dead_code)]
        a: Spanned<String>,
    }

    #[test]
    fn positions_are_whole_file() {
        let t: T = from_yaml(Path::new("x.md"), "a: hello\n", 3).unwrap();
        let p = position_of(&t.a).unwrap();
        assert_eq!((p.line, p.column, p.len), (3, 4, 5));
    }

    #[test]
    fn unknown_key_is_reported_where_it_is() {
        let e = from_yaml::<T>(Path::new("x.md"), "a: hi\nb: 2\n", 2).unwrap_err();
        let e = &e[0];
        assert_eq!(e.code, Code::UnknownKey);
        assert_eq!(e.position.map(|p| p.line), Some(3), "{e:?}");
        assert!(!e.message.contains("line"), "{}", e.message);
    }
}
