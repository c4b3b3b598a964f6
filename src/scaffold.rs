//! Scaffolding: `evident init DIR` writes a new evidence site that builds at once, and
//! `evident new KIND ID` adds a stub node with every key and what it means. The stubs are
//! commented YAML so a maintainer learns the format by filling them in. This module only says
//! what the files are; the write stage writes them.

use std::path::PathBuf;

use crate::diagnostic::{Code, Diagnostic};
use crate::layout::GLOSSARY;
use crate::markdown::slugify;
use crate::model::valid_id;
use crate::write::{IfExists, NewFile};

const SITE_YAML: &str = r#"# The site's settings. Every key is explained in the reference (docs/reference.md in evident's
# repository, and /docs/reference/ on its bundled site).
title: "My evidence site"          # shown in every page header
base_url: https://example.org/     # where the site will be published (links and citations use it)
language: en-GB                    # BCP 47 language tag
description: "What the evidence says about one question, laid side by side."
version: "0.1.0"                   # shown on every page and in citations of pages
date: "{date}"                # this version's date (YYYY-MM-DD): page citations give it; delete it to date each build from its git commit (or SOURCE_DATE_EPOCH)
{publisher}
license: CC-BY-4.0                 # licence of the site's own text and data
"#;

const INDEX_MD: &str = r#"---
# A plain page: `title` is required; `description` feeds search engines and link previews.
title: "What the evidence says"
description: "A new evidence site built with evident."
---
This site lays out the evidence on one question. Start with the [claim](claim:example-claim), or
read the [finding](finding:example-finding) and its [source](source:example-source).
"#;

const ARCHIVE_TXT: &str =
    "Example Report\n\nIn our survey, 72% of respondents said the new process was simpler.\n";

/// The example source's design, and a new source's (both padded to the comment after them).
const SURVEY_DESIGN: &str = "design: survey      ";
const NOT_STATED_DESIGN: &str = "design: not-stated  ";
/// The example finding's source: `new finding ID` names the source `ID` instead, when the site
/// has one ([`node_files`]).
const EXAMPLE_SOURCE: &str = "source: example-source";

const SOURCE_MD: &str = r#"---
# A Source: a bibliographic record. The file name (example-source) is its id and permalink.
type: report                # CSL type: article-journal, chapter, article-newspaper, article-magazine, report, book, webpage
title: Example Report       # as printed
authors:                    # in order; {literal: Name} for an organisation
  - {family: Doe, given: Jane}
date: "2024"                # YYYY, YYYY-MM or YYYY-MM-DD, quoted
publisher: Example Institute
# publisher_place: London   # where the publisher is
# doi: 10.1234/example      # a DOI (without https://doi.org/), for an article or report that has one
# url: https://example.org/report.pdf   # where readers find the source
# accessed: "2024-05-01"    # the day you read it there (Harvard and Vancouver print it)
# isbn: 978-0-00-000000-0   # for a book or chapter; issn: 1234-5678 for a journal
# container_title: Journal of Examples   # the journal, newspaper or book it appears in
# volume: "29"              # and issue: "3", pages: "161-177" for an article
# editors:                  # for a chapter: the book's editors (container_authors: its authors)
#   - {family: Roe, given: Richard}
kind: survey                # what the source is: survey, evaluation, official-returns-analysis, policy-argument, news-report, report (or your site.yaml `kinds:`)
design: survey              # how the study was done: survey, interviews, evaluation, randomised-trial, cohort-study, case-study, official-data-analysis, foi-requests, systematic-review, literature-review, commentary, news-report, not-stated (or your site.yaml `designs:`)
archive: archive/example-source.txt   # the archived text every quote from this source is checked against
unverified:                 # fields you could not confirm, and why; the page marks them
  date: "Taken from the cover; no publication date inside."
---
A summary of the source in your own words: what kind of evidence it is, who wrote it, and what it
found.
"#;

const TOPIC_MD: &str = r#"---
# A Topic groups claims. The file name is its id.
title: Simplicity
question: Is the new process simpler?
weight: 1                   # order on the home page
---
What this topic is about, and what the evidence for and against says.
"#;

const CLAIM_MD: &str = r#"---
# A Claim: a proposition the evidence bears on. The file name is its id.
title: The new process is simpler for the people who use it
topic: simplicity           # the id of its Topic
summary: "One survey reports most respondents finding it simpler."
---
Where the claim comes from and why it matters.
"#;

const FINDINGS_YAML: &str = r#"# Findings: one reported result each. Every key is in the reference.
findings:
  - id: example-finding
    statement: Most respondents said the new process was simpler.   # your own words
    figure: "72%"                                 # exactly as printed; must appear in the quote
    value: {kind: percent, number: 72}            # structured, and it must say what the figure says; money: {kind: money, currency: GBP, number: 0.5, scale: billion}
                                                  # a result stated in words only: leave out figure and value
    source: example-source                        # the source the quote is from
    locator: para. 1                              # where in the source
    quote: "72% of respondents said the new process was simpler"   # verbatim, checked against the archive
    population: survey respondents                # who or what the figure is about
    # period: "2023"                              # when the data was collected
    # place: England                              # where
    # origin: other-source                        # the source that first reported it, when this one reports another's result
    # notes: ["A caveat readers need, in your own words."]
    # aliases: [old-id]                           # old ids after a rename: their URLs redirect here
    stances:                                      # what it says about claims
      - {claim: example-claim, stance: supports, reason: "Respondents report it as simpler."}
"#;

const TABLE_YAML: &str = r#"# A Table lays findings, gaps or claims side by side. The file name is its id and permalink
# (/tables/ID/), with CSV and JSON downloads. Every key is in the reference.
title: Example comparison
caption: "What the example finding says, with its source"   # read out by screen readers: what the table shows
description: "One sentence shown above the table."
columns: [figure, value, source, locator]   # each row's label is its header, first. Also: statement, quote, origin, population, period, place, stance:<claim-id>; for claim rows supports, contradicts, mixed, context, gaps; or a dataset's field names
rows:                       # or `dataset: ID` to take the rows of a dataset
  - {finding: example-finding, label: Respondents}   # a gap: {gap: ID} shows "Not published"; a claim: {claim: ID}
# chart: bar                # draw the rows' percentages (or counts) as bars beside the table
# show_on: [home, "claim:example-claim"]   # other pages that show the table
# notes: ["What is not comparable between the rows."]
"#;

const DATASET_YAML: &str = r#"# A Dataset: rows with a schema, each row with its source. The file name is its id: the dataset has
# a page (/datasets/ID/) and CSV and JSON downloads. Every key is in the reference.
title: Example dataset
description: "What the data is, and how the rows were chosen."
source: example-source      # the source every row comes from (a row may name its own `source:`)
fields:                     # types: string, integer, number, percent, boolean, date
  - {name: answer, title: Answer, type: string}
  - {name: share, title: Share, type: percent, figure: true}   # figure: the row's finding's figure, checked to be equal
rows:                       # a value left out is missing ("Not given"), never zero
  - {answer: Simpler, share: 72, finding: example-finding}
# license: CC-BY-4.0        # the data's licence, if not the site's
# notes: ["A caveat about the rows."]
"#;

/// The default theme's templates named (or, with `all`, its every template and static file), as
/// files of a site's `templates/` and `static/`, where they override the theme's.
pub fn theme_files(names: &[String], all: bool) -> Result<Vec<NewFile>, Diagnostic> {
    let theme = std::path::Path::new("themes").join(crate::theme::DEFAULT_NAME);
    let files: Vec<(PathBuf, &'static [u8])> = (crate::theme::default_files().into_iter())
        .filter_map(|(p, b)| p.strip_prefix(&theme).ok().map(|r| (r.to_path_buf(), b)))
        .collect();
    let templates: Vec<String> = (files.iter())
        .filter_map(|(p, _)| p.strip_prefix("templates").ok())
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .collect();
    if let Some(unknown) = names.iter().find(|n| !templates.contains(n)) {
        let mut list = templates.clone();
        list.sort();
        return Err(Diagnostic::error(
            Code::UnknownTemplate,
            format!("the default theme has no template `{unknown}`"),
        )
        .help(format!("its templates are: {}", list.join(", "))));
    }
    let wanted = |p: &std::path::Path| {
        let name = p
            .strip_prefix("templates")
            .map(|t| t.to_string_lossy().replace('\\', "/"));
        all || name.is_ok_and(|n| names.contains(&n))
    };
    Ok(files
        .into_iter()
        .filter(|(p, _)| wanted(p) && (p.starts_with("templates") || p.starts_with("static")))
        .map(|(path, bytes)| NewFile {
            path,
            text: String::from_utf8_lossy(bytes).into_owned(),
            if_exists: IfExists::Keep,
        })
        .collect())
}

/// Files of a new site, by path.
fn starter_files() -> Vec<(&'static str, String)> {
    vec![
        ("site.yaml", SITE_YAML.to_string()),
        ("content/index.md", INDEX_MD.to_string()),
        ("content/sources/example-source.md", SOURCE_MD.to_string()),
        ("content/topics/simplicity.md", TOPIC_MD.to_string()),
        ("content/claims/example-claim.md", CLAIM_MD.to_string()),
        (
            "data/findings/example-source.yaml",
            FINDINGS_YAML.to_string(),
        ),
        ("archive/example-source.txt", ARCHIVE_TXT.to_string()),
        ("static/.gitkeep", String::new()),
        (".gitignore", "/public/\n/.evident-cache/\n".to_string()),
    ]
}

/// What `init` asks: who publishes the site (the organisation page citations name), and the
/// date of its first version.
pub struct NewSite {
    pub publisher: Option<String>,
    /// `YYYY-MM-DD`.
    pub date: String,
}

/// The files of a new site (`evident init`).
pub fn site_files(site: &NewSite) -> Vec<NewFile> {
    let publisher = match &site.publisher {
        Some(p) => format!(
            "publisher: \"{}\"   # who publishes the site: page citations name it",
            p.replace('"', "'")
        ),
        None => {
            "# publisher: \"Your organisation\"   # who publishes the site: page citations name it"
                .to_string()
        }
    };
    starter_files()
        .into_iter()
        .map(|(path, text)| {
            let text = if path == "site.yaml" {
                text.replace("{date}", &site.date)
                    .replace("{publisher}", &publisher)
            } else {
                text
            };
            (path, text)
        })
        .map(|(path, text)| NewFile {
            path: PathBuf::from(path),
            text,
            if_exists: IfExists::Refuse,
        })
        .collect()
}

/// The kinds `evident new` makes.
pub const KINDS: [&str; 8] = [
    "source", "finding", "claim", "topic", "gap", "table", "dataset", "term",
];

const GAP_MD: &str = r#"---
# A Gap: evidence a source refers to but does not give. It appears where its figures would.
title: What is missing
source: example-source      # the source that refers to the missing evidence
locator: para. 1            # where it refers to it
quote: "In our survey"      # a short verbatim quote that refers to it, checked against the source's archive
claims: [example-claim]     # the claims its figures would bear on
expected: "What the missing figures would show, if published."
---
Why the figures are missing, and where they might be found.
"#;

const GLOSSARY_YAML: &str = r#"# The glossary: words readers may not know, shown on /glossary/. Pages link the first use of each
# term (or of a form under `also:` or `abbreviations:`) to its entry, and search finds a term by any
# of its forms. Every key is in docs/reference.md.
terms:
"#;

/// A glossary entry for the term whose slug is `id`, its lines indented by `indent`.
fn term_entry(id: &str, indent: &str) -> String {
    let words = id.replace('-', " ");
    [
        format!("- term: {words}        # as pages use it; its anchor on /glossary/ is #{id}"),
        "  also: []             # other forms linked and searched the same, e.g. plurals".into(),
        "  abbreviations: []    # short forms, e.g. [SDS]".into(),
        "  definition: \"What it means, in the site's own words; words quoted from a source in quotation marks.\"".into(),
        "  sources: []          # ids of the sources the definition rests on".into(),
    ]
    .iter()
    .map(|line| format!("{indent}{line}\n"))
    .collect()
}

/// The glossary with a new entry for `id` at the end: a new file when there is none (`existing`
/// is its text). Refuses a term the glossary defines already, and a glossary whose `terms:` is not
/// a block list it can add a line to.
fn term_file(existing: Option<&str>, id: &str) -> Result<NewFile, Diagnostic> {
    let text = match existing {
        None => format!("{GLOSSARY_YAML}{}", term_entry(id, "  ")),
        Some(old) => {
            let lines: Vec<&str> = old.lines().collect();
            let Some(start) = lines.iter().position(|l| l.trim_end() == "terms:") else {
                return Err(Diagnostic::error(
                    Code::CannotExtend,
                    format!("cannot add a term to {GLOSSARY}: it has no `terms:` line followed by a list"),
                )
                .help(format!("add the entry by hand under `terms:`:\n{}", term_entry(id, "  "))));
            };
            let terms = lines[start + 1..].iter().map(|l| l.trim_start());
            let defined = terms
                .filter_map(|l| {
                    l.strip_prefix("- term:")
                        .or_else(|| l.strip_prefix("term:"))
                })
                .map(|t| {
                    t.split(" #")
                        .next()
                        .unwrap_or(t)
                        .trim()
                        .trim_matches(['"', '\''])
                })
                .find(|t| slugify(t) == id);
            if let Some(t) = defined {
                return Err(Diagnostic::error(
                    Code::Exists,
                    format!("{GLOSSARY} already defines `{t}`, whose anchor is #{id}"),
                )
                .help("edit its entry, or list another form of it under `also:`"));
            }
            let indent = lines[start + 1..]
                .iter()
                .find(|l| l.trim_start().starts_with("- "))
                .map_or("  ", |l| &l[..l.len() - l.trim_start().len()]);
            let sep = if old.ends_with('\n') { "\n" } else { "\n\n" };
            format!("{old}{sep}{}", term_entry(id, indent))
        }
    };
    Ok(NewFile {
        path: PathBuf::from(GLOSSARY),
        text,
        if_exists: IfExists::Replace,
    })
}

/// The stub `evident new KIND ID` writes (paths below the site), with a source's archive stub.
/// A term is added to the glossary, whose text (if the site has one) is `glossary`.
pub fn node_files(
    kind: &str,
    id: &str,
    glossary: Option<&str>,
    quotes_source: bool,
) -> Result<Vec<NewFile>, Diagnostic> {
    if !valid_id(id) {
        return Err(
            Diagnostic::error(Code::InvalidId, format!("`{id}` is not a valid id"))
                .help("ids are permalinks: lowercase letters, digits and hyphens only"),
        );
    }
    let stub = |path: String, text: String| NewFile {
        path: PathBuf::from(path),
        text,
        if_exists: IfExists::Refuse,
    };
    let file = match kind {
        // A new source's design is not known until its author says: `not-stated` is one of the
        // default designs, where the example's `survey` may not be one of a site's own (a site
        // with `designs:` that lacks both is told so by `check`).
        "source" => stub(
            format!("content/sources/{id}.md"),
            SOURCE_MD
                .replace("example-source", id)
                .replace(SURVEY_DESIGN, NOT_STATED_DESIGN),
        ),
        "claim" => stub(format!("content/claims/{id}.md"), CLAIM_MD.to_string()),
        "topic" => stub(format!("content/topics/{id}.md"), TOPIC_MD.to_string()),
        "gap" => stub(format!("content/gaps/{id}.md"), GAP_MD.to_string()),
        "term" => term_file(glossary, id)?,
        "table" => stub(format!("data/tables/{id}.yaml"), TABLE_YAML.to_string()),
        "dataset" => stub(format!("data/datasets/{id}.yaml"), DATASET_YAML.to_string()),
        "finding" => {
            let text = FINDINGS_YAML.replace("example-finding", id);
            let text = match quotes_source {
                true => text.replace(EXAMPLE_SOURCE, &format!("source: {id}")),
                false => text,
            };
            stub(format!("data/findings/{id}.yaml"), text)
        }
        other => {
            return Err(Diagnostic::error(
                Code::UnknownKind,
                format!("`{other}` is not a kind evident makes"),
            )
            .help(format!("use one of: {}", KINDS.join(", "))))
        }
    };
    let mut files = vec![file];
    if kind == "source" {
        // The source's archived text, which its quotes are checked against; one already there
        // is kept.
        files.push(NewFile {
            path: PathBuf::from(format!("archive/{id}.txt")),
            text: crate::layout::ARCHIVE_STUB.to_string(),
            if_exists: IfExists::Keep,
        });
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `new` changes in the stubs is there to change: a replacement that found nothing
    /// would leave the example's values in silence.
    #[test]
    fn the_stubs_hold_what_new_replaces() {
        assert_eq!(SOURCE_MD.matches(SURVEY_DESIGN).count(), 1);
        assert_eq!(SURVEY_DESIGN.len(), NOT_STATED_DESIGN.len());
        assert_eq!(FINDINGS_YAML.matches(EXAMPLE_SOURCE).count(), 1);
        let source = node_files("source", "s", None, false).unwrap();
        assert!(source[0].text.contains("\ndesign: not-stated  "));
        let quoted = node_files("finding", "s", None, true).unwrap();
        assert!(quoted[0].text.contains("    source: s "));
        let example = node_files("finding", "s", None, false).unwrap();
        assert!(example[0].text.contains("    source: example-source "));
    }
}
