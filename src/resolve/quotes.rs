//! Quotes checked against their sources: every quote must be in its source's archived text, and
//! every figure in its quote, after folding white space, quote marks and dash forms.

use std::collections::HashMap;
use std::path::Path;

use crate::diagnostic::{Code, Diagnostic};
use crate::model::SourceId;
use crate::parse::yaml::{position_of, Spanned};
use crate::parse::Parsed;

/// Folds the differences a quote may have from its archived text without changing its words:
/// runs of white space, curly and straight quotes, and dash forms.
pub fn normalise_quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        let c = match c {
            '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '`' => '\'',
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' => '"',
            '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}'
            | '\u{2212}' => '-',
            '\u{00A0}' => ' ',
            c => c,
        };
        if c.is_whitespace() {
            space = true;
        } else {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        }
    }
    out
}

pub(crate) fn check_quote(
    file: &Path,
    quote: &Spanned<String>,
    figure: Option<&Spanned<String>>,
    source: &SourceId,
    archives: &Archives,
    diags: &mut Vec<Diagnostic>,
) {
    let q = normalise_quote(&quote.value);
    if q.is_empty() {
        diags.push(
            Diagnostic::error(Code::EmptyQuote, "the quote is empty")
                .at_opt(file, position_of(quote))
                .help("copy a short verbatim passage from the source"),
        );
        return;
    }
    if let Some(fig) = figure {
        if !q.contains(&normalise_quote(&fig.value)) || fig.value.trim().is_empty() {
            diags.push(
                Diagnostic::error(
                    Code::FigureNotInQuote,
                    format!("the figure `{}` does not appear in the quote", fig.value),
                )
                .at_opt(file, position_of(fig))
                .help("write the figure exactly as the quote prints it, or quote the passage that contains it"),
            );
        }
    }
    let Some(archive) = archives.by_source.get(source.as_str()) else {
        // The source's own file failed to parse; that is reported there.
        return;
    };
    match archive {
        Some((path, text)) => {
            if !text.contains(&q) {
                diags.push(
                    Diagnostic::error(
                        Code::QuoteNotInSource,
                        format!("the quote is not in the archived text of `{source}` ({path})"),
                    )
                    .at_opt(file, position_of(quote))
                    .help("copy the words exactly as the source prints them; white space, quote marks and dash forms may differ"),
                );
            }
        }
        None => diags.push(
            Diagnostic::warning(
                Code::UncheckedQuote,
                format!("source `{source}` has no archived text, so this quote cannot be checked"),
            )
            .at_opt(file, position_of(quote))
            .help("archive the source's text under archive/ and set `archive:` on the source"),
        ),
    }
}

/// Each source's archived text, normalised once, so checking many quotes against one source
/// costs one pass over its text, not one per quote.
pub(crate) struct Archives<'p> {
    /// Source id → (archive path, normalised text), or `None` when the source has no archive.
    by_source: HashMap<&'p str, Option<(&'p str, String)>>,
}

impl<'p> Archives<'p> {
    pub fn new(parsed: &'p Parsed) -> Self {
        let by_source = parsed
            .sources
            .iter()
            .map(|s| {
                let text = s.meta.archive.as_ref().and_then(|a| {
                    parsed
                        .archives
                        .get(Path::new(&a.value))
                        .map(|t| (a.value.as_str(), normalise_quote(t)))
                });
                (s.stem.as_str(), text)
            })
            .collect();
        Archives { by_source }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_normalise() {
        assert_eq!(
            normalise_quote("  it’s “fine” –\n ok "),
            normalise_quote("it's \"fine\" - ok")
        );
    }
}
