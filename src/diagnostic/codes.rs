//! Every diagnostic code, defined once with its one-line summary: the `Code` enum that
//! diagnostics carry, and the table from which `docs/diagnostics.md` is generated (a test
//! compares the two, and `EVIDENT_BLESS=1 cargo test` rewrites the page). Every code is produced
//! by a case of the bad-input corpus or of the command corpus (`tests/it/`), and a test checks that
//! no code lacks one.

/// Defines [`Code`] and [`CODES`] from one list, grouped by the docs page's sections.
macro_rules! codes {
    ($( $section:literal { $( $variant:ident = $code:literal, $severity:literal, $summary:literal; )* } )*) => {
        /// A stable kebab-case name for a kind of problem, e.g. `unknown-source`.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $($($variant,)*)*
        }

        impl Code {
            /// The code as printed, e.g. `unknown-source`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($(Code::$variant => $code,)*)*
                }
            }
        }

        /// Every code with its section of the docs page, its severity as documented, and what it
        /// means with how to fix it.
        pub const CODES: &[CodeDoc] = &[
            $($(CodeDoc {
                code: Code::$variant,
                section: $section,
                severity: $severity,
                summary: $summary,
            },)*)*
        ];
    };
}

/// One row of the diagnostics page.
#[derive(Clone, Copy, Debug)]
pub struct CodeDoc {
    pub code: Code,
    pub section: &'static str,
    /// As the page shows it: `error`, `warning`, `error or warning`, `error (exit 2)`.
    pub severity: &'static str,
    pub summary: &'static str,
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

codes! {
    "Reading files" {
        NoSite = "no-site", "error (exit 2)", "the folder has no `site.yaml`: run evident in a site's folder, pass `--root`, or `evident init`";
        MissingConfig = "missing-config", "error", "`site.yaml` is missing";
        UnreadableRoot = "unreadable-root", "error", "the site folder cannot be read";
        UnreadableFile = "unreadable-file", "error", "a file cannot be read: check its permissions";
        NotUtf8 = "not-utf8", "error", "a text file is not UTF-8 (the position is the first bad byte): save it as UTF-8";
        FileTooLarge = "file-too-large", "error", "a file is over 64 MiB: split it or move it out of the site's folders";
        SymlinkLoop = "symlink-loop", "error", "a symbolic link loops back on itself";
        OutsideSite = "outside-site", "error", "a file is a link to somewhere outside the site: copy the file in instead";
        EmptyFile = "empty-file", "error", "a findings, table or dataset file is empty";
    }
    "YAML and front matter" {
        InvalidYaml = "invalid-yaml", "error", "the YAML does not parse (indentation with tabs, an unclosed quote or bracket…)";
        MissingFrontMatter = "missing-front-matter", "error", "a Markdown file does not start with `---` front matter";
        UnclosedFrontMatter = "unclosed-front-matter", "error", "the front matter's closing `---` line is missing";
        UnknownKey = "unknown-key", "error", "a key evident does not read: fix its spelling (the reference lists every key)";
        MissingKey = "missing-key", "error", "a required key is missing, or a key that holds text (a title, a statement, a publisher) is blank: write it, or remove an optional one";
        DuplicateKey = "duplicate-key", "error", "a key appears twice in one mapping";
        WrongType = "wrong-type", "error", "a value of the wrong type (text where a number is meant, or the reverse)";
        UnknownValue = "unknown-value", "error", "a value outside its list (e.g. a stance that is not supports, contradicts, mixed or context)";
        UnusedData = "unused-data", "warning", "a YAML file under `data/` that evident does not read";
    }
    "Ids and references" {
        InvalidId = "invalid-id", "error", "an id (or file name) that is not lowercase letters, digits and hyphens";
        InvalidFileName = "invalid-file-name", "error", "a page's file name has spaces or other characters a URL cannot hold: rename it with letters, digits and hyphens";
        DuplicateUrl = "duplicate-url", "error", "two pages publish at the same URL (`x.md` and `x/index.md`), or a page would replace one evident makes (under /findings/, /tables/, …)";
        DuplicateId = "duplicate-id", "error", "two findings share an id";
        AliasClash = "alias-clash", "error", "an `aliases:` entry is another node's id or alias";
        UnknownSource = "unknown-source", "error", "a reference to a source that does not exist (a near match is suggested)";
        UnknownClaim = "unknown-claim", "error", "a reference to a claim that does not exist";
        UnknownTopic = "unknown-topic", "error", "a reference to a topic that does not exist";
        UnknownFinding = "unknown-finding", "error", "a reference to a finding that does not exist";
        UnknownGap = "unknown-gap", "error", "a reference to a gap that does not exist";
        UnknownDataset = "unknown-dataset", "error", "a reference to a dataset that does not exist";
        NestedNode = "nested-node", "error", "a source, claim, topic or gap in a sub-folder: move it up";
        FindingInContent = "finding-in-content", "error", "a Markdown file under `content/findings/`: findings are YAML in `data/findings/`";
        DuplicateStance = "duplicate-stance", "error", "a finding takes two stances on one claim";
    }
    "Evidence" {
        QuoteNotInSource = "quote-not-in-source", "error", "the quote is not in the source's archived text (white space, quote marks, dashes and a hyphen at a line break may differ; words and case may not; `[…]` marks words left out): the help shows the nearest passage";
        QuoteNotOnPage = "quote-not-on-page", "error", "the archive has page markers and the quote is not on the page its locator names";
        FigureNotInQuote = "figure-not-in-quote", "error", "the figure is not printed in the quote";
        EmptyQuote = "empty-quote", "error", "the quote is empty";
        UncheckedQuote = "unchecked-quote", "warning", "the source has no archived text, so the quote cannot be checked";
        MissingArchive = "missing-archive", "error", "`archive:` names a file that does not exist";
        FigureWithoutValue = "figure-without-value", "error", "a finding gives a `figure` but no `value`: add its structured value, exactly as the figure says";
        ValueWithoutFigure = "value-without-figure", "error", "a finding gives a `value` but no `figure`: add the figure as printed, or remove the value to make it a qualitative finding (a statement with its quote)";
        ValueMismatch = "value-mismatch", "error", "a finding's `value` disagrees with its `figure` (kind, amount, scale, currency, qualifier or \"per\"); the help shows how evident reads the figure";
        FigureUnread = "figure-unread", "warning", "evident cannot read a finding's figure as a quantity, so its value is not checked against it: write the figure as printed, or check the value by hand";
        UnknownCurrency = "unknown-currency", "error", "a sum of money needs an ISO 4217 `currency` (GBP, EUR, USD…), and only money takes one";
        UnknownDesign = "unknown-design", "error", "a source's `design` is not one of the site's designs (docs/reference.md lists the defaults; `designs:` in site.yaml replaces them)";
        UnknownEvidenceKind = "unknown-evidence-kind", "error", "a source's `kind` is not one of the site's kinds (docs/reference.md lists the defaults; `kinds:` in site.yaml replaces them)";
        InvalidVocabulary = "invalid-vocabulary", "error", "an entry of `kinds:` or `designs:` in site.yaml needs a key (lowercase letters, digits, hyphens) and a label";
        FigureInProse = "figure-in-prose", "warning", "prose states a figure (a percentage, a fraction in words, a sum of money, a count with separators) by hand: print a finding's figure with `[](figure:<finding-id>)`, or list the text under `allowed_in_prose:` in site.yaml";
        InvalidValue = "invalid-value", "error", "a `value` without exactly one of `number`; `min` and `max`; `numerator` and `denominator`";
        UnknownQualifier = "unknown-qualifier", "error", "a `qualifier` evident does not know";
        InvalidPerson = "invalid-person", "error", "an author or editor without `family` (or with `literal` and other keys)";
        UnknownField = "unknown-field", "error", "`unverified:` names a field a source does not have";
        CitationStyle = "citation-style", "error", "a citation could not be formatted: a style or locale built into evident failed to load, or a style gave nothing for a source (a bug in evident: please report it)";
        CitationLocale = "citation-locale", "warning", "the Citation Style Language has no locale for the site's `language:`, so citations use en-US words and punctuation; the pages keep the site's language (the locales evident carries: styles/README.md)";
        CitationFieldMissing = "citation-field-missing", "error or warning", "a field the citation styles need is missing (an error for a container title, a warning for volume, pages and the like)";
    }
    "Identifiers, dates and links" {
        InvalidDate = "invalid-date", "error", "not a real `YYYY`, `YYYY-MM` or `YYYY-MM-DD` date";
        InvalidTag = "invalid-tag", "error", "a page's tag has no letter or digit, so it cannot have a page of its own";
        InvalidDoi = "invalid-doi", "error", "not a DOI (`10.<registrant>/<suffix>`, without `https://doi.org/`)";
        InvalidIsbn = "invalid-isbn", "error", "an ISBN with the wrong length or check digit";
        InvalidIssn = "invalid-issn", "error", "an ISSN with the wrong form or check digit";
        InvalidUrl = "invalid-url", "error", "not an absolute `http(s)` URL";
        InvalidLanguage = "invalid-language", "error", "`language` is not a BCP 47 tag";
        BrokenLink = "broken-link", "error", "a Markdown link to a page, node or file that does not exist";
        BrokenAnchor = "broken-anchor", "error", "a link to an `#anchor` that is not on the target page";
        UnsafeLink = "unsafe-link", "error", "a `javascript:`, `data:` or `vbscript:` link";
    }
    "Tables and datasets" {
        EmptyTable = "empty-table", "error", "a table that selects no rows, or has no columns";
        OldId = "old-id", "warning", "a reference names an old id (listed in a node's `aliases:`): it resolves to the node, but refer to its id now";
        ChartNotDrawn = "chart-not-drawn", "warning", "a table asks for `chart: bar` but its rows cannot be drawn (no finding rows, percentages mixed with counts, or no percentage or count): the warning says which";
        InvalidRow = "invalid-row", "error", "a table row that names none, or more than one, of `finding`, `gap`, `claim`";
        UnknownColumn = "unknown-column", "error", "a column key evident does not know";
        UnknownPlacement = "unknown-placement", "error", "`show_on` names a page that does not exist";
        EmptyDataset = "empty-dataset", "error", "a dataset with no rows";
        InvalidField = "invalid-field", "error", "a dataset field name that is reserved or repeated";
        MissingSource = "missing-source", "error", "a dataset row that does not say where its data comes from";
        FigureMismatch = "figure-mismatch", "error", "a figure field that differs from its finding's figure (never round or convert)";
        FigureWithoutFinding = "figure-without-finding", "error", "a figure field in a row that names no finding to check it against";
    }
    "Templates and themes" {
        UnknownTheme = "unknown-theme", "error", "`theme:` names a folder that does not exist under `themes/`";
        MissingTemplate = "missing-template", "error", "the theme lacks a template every site needs";
        UnknownTemplate = "unknown-template", "error", "a page's `template:` names a template that does not exist";
        MissingTranslation = "missing-translation", "warning", "the theme's file for the site's language lacks a string: it is shown in English until added";
        TemplateSyntax = "template-syntax", "error", "a template does not parse";
        TemplateUndefined = "template-undefined", "error", "a template uses a variable it is not given (docs/themes.md lists them)";
        TemplateNotFound = "template-not-found", "error", "a template includes or extends one that does not exist";
        TemplateError = "template-error", "error", "another template error, such as a template that extends itself";
    }
    "Permalinks" {
        PermalinkRemoved = "permalink-removed", "error", "a URL listed in `permalinks.txt` is no longer published: restore it or add an alias";
        PermalinkAnchorRemoved = "permalink-anchor-removed", "error", "a listed `#anchor` is gone from its page";
        PermalinkStale = "permalink-stale", "warning", "a finding changed since `permalinks.txt` recorded it: run `evident permalinks`";
        PermalinkUnlisted = "permalink-unlisted", "warning", "published URLs are missing from `permalinks.txt`: run `evident permalinks`";
        InvalidManifest = "invalid-manifest", "error", "a line of `permalinks.txt` is not `/path/ [date [hash]]`";
    }
    "Releases" {
        InvalidRelease = "invalid-release", "error", "a file under `releases/` is not a release record `evident release` wrote (it does not parse, or its version or date is not the file's): restore it from the repository's history";
        NoVersion = "no-version", "error (exit 2)", "`evident release` needs the site's `version:` in site.yaml, made of letters, digits, dots and hyphens (e.g. `0.2.0`)";
        ReleaseExists = "release-exists", "error (exit 2)", "`evident release` found `releases/<version>.json` already: a release is never rewritten; bump `version:` in site.yaml first";
    }
    "External links" {
        LinkDead = "link-dead", "warning (error with --strict)", "`check --external`: an address the site links to answers 4xx or 5xx, or its host cannot be reached: fix it, or give the source an `archive_url:` (a web archive copy)";
        LinkMoved = "link-moved", "warning (error with --strict)", "`check --external`: an address answers with a permanent redirect (301 or 308): write the new address the help names";
        LinkTimeout = "link-timeout", "warning (error with --strict)", "`check --external`: an address did not answer in `external.timeout_seconds`, twice: check it in a browser, raise the timeout, or list its host under `external.skip`";
        SourceDrifted = "source-drifted", "warning (error with --strict)", "`check --external`: the live page of a source no longer has quotes its archived copy has (the help names them): the page was revised; cite the archived copy with `archive_url:`, or check the findings against the new text";
    }
    "Output and commands" {
        BadOutput = "bad-output", "error (exit 2)", "the output folder is the site, contains it, or lies inside a folder evident reads";
        OutputNotEvident = "output-not-evident", "error (exit 2)", "the output folder is not empty and was not written by evident: evident will not replace it";
        OutputNotFolder = "output-not-folder", "error (exit 2)", "the output path is a file";
        IoError = "io-error", "error (exit 2)", "writing failed: check permissions and free space";
        ServeFailed = "serve-failed", "error (exit 2)", "`serve` cannot listen or watch: pick another port";
        InitNotEmpty = "init-not-empty", "error (exit 2)", "`init` was given a folder that is not empty";
        UnknownKind = "unknown-kind", "error (exit 2)", "`new` was given a kind it does not make";
        Exists = "exists", "error (exit 2)", "`new` would overwrite an existing file, or add a term the glossary defines already";
        CannotExtend = "cannot-extend", "error (exit 2)", "`new term` cannot add to a `data/glossary.yaml` whose `terms:` is not a list on its own lines: add the entry by hand";
        CannotImport = "cannot-import", "error (exit 2)", "`import` cannot read the file as BibTeX, RIS or CSL-JSON at all (the position says where it stopped), or cannot tell which from its extension: fix the file, or give `--format`";
        NoSuchSource = "no-such-source", "error (exit 2)", "`archive add` names a source with no `content/sources/<id>.md`: check the id, or create the source with `evident new source ID`";
        ArchiveExists = "archive-exists", "error (exit 2)", "`archive add` would replace a source's archived text: pass `--force` to replace it";
        UnreadablePdf = "unreadable-pdf", "error (exit 2)", "`archive add` cannot read a PDF's text (damaged, encrypted with a password, or not a PDF): save it again from a viewer, or paste its text into the archive";
        ArchiveNoText = "archive-no-text", "warning", "`archive add` found almost no text: a PDF that is a scan (evident does not OCR: run OCR first, or type the quoted passages in), or an HTML page that makes its text with JavaScript (save it from a browser)";
    }
}

impl Code {
    /// The code's row of the docs page.
    pub fn doc(self) -> &'static CodeDoc {
        // Every variant has a row: the table and the enum come from one list.
        &CODES[self as usize]
    }

    /// Whether the code is about the permalink manifest (what `evident permalinks` fixes).
    pub fn is_permalink(self) -> bool {
        self.doc().section == "Permalinks"
    }
}
