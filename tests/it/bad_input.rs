//! The bad-input corpus: each case is the valid fixture with one mistake. For every case the build
//! fails with the right exit code, never panics, names the file (and line and column where there
//! is one) with the right error code, and leaves the previously built `public/` byte-for-byte
//! intact. The "ten mistakes" test proves that all problems are reported in one run.

use std::fs;

use crate::support::Site;

/// One mistake: how to make it, the exit code, and the start of the diagnostic it must produce
/// (`file:line:col: error[code]`, or `file: error[code]` for problems with no position).
pub(crate) struct Case {
    name: &'static str,
    make: fn(&Site),
    code: i32,
    pub expect: &'static str,
}

const FINDINGS: &str = "data/findings/s1.yaml";
const SOURCE: &str = "content/sources/s1.md";
const DATASET: &str = "data/datasets/survey.yaml";
const TABLE: &str = "data/tables/who-leads.yaml";

pub(crate) fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "malformed-yaml",
            code: 1,
            expect: "data/findings/s1.yaml:8:13: error[invalid-yaml]",
            make: |s| s.edit(FINDINGS, "figure: \"72%\"", "figure: \"72%"),
        },
        Case {
            name: "malformed-front-matter",
            code: 1,
            expect: "content/about.md:2:8: error[wrong-type]",
            make: |s| s.edit("content/about.md", "title: About", "title: [About"),
        },
        Case {
            name: "tab-indentation",
            code: 1,
            expect: "data/findings/s1.yaml:3:1: error[invalid-yaml]: a tab",
            make: |s| {
                s.edit(
                    FINDINGS,
                    "\n    statement: Most said",
                    "\n\tstatement: Most said",
                )
            },
        },
        Case {
            name: "non-utf8-file",
            code: 1,
            expect: "content/about.md:4:3: error[not-utf8]",
            make: |s| s.write("content/about.md", b"---\ntitle: About\n---\nA \xff\n"),
        },
        Case {
            name: "quote-not-on-its-page",
            code: 1,
            expect: "data/findings/s1.yaml:8:12: error[quote-not-on-page]: the quote is on page 63",
            make: |s| {
                s.write(
                    "archive/s1.txt",
                    "[[page 63]]\nAlmost three-quarters (72%) said council staff usually lead on support planning, only 2% said service users.\n[[page 64]]\nTwo-thirds of survey respondents said it.\n",
                );
                s.edit(FINDINGS, "locator: para 1", "locator: p. 64");
            },
        },
        Case {
            name: "reference-by-an-old-id",
            code: 1,
            expect: "data/tables/who-leads.yaml:8:15: warning[old-id]: `users-two` is an old id of the finding `users-2`",
            make: |s| s.edit(FINDINGS, "  - id: users-two\n", "  - id: users-2\n    aliases: [users-two]\n"),
        },
        Case {
            name: "chart-that-cannot-be-drawn",
            code: 1,
            expect: "data/tables/who-leads.yaml:1:1: warning[chart-not-drawn]: the bar chart is not drawn: none of its findings is a percentage or a count",
            make: |s| {
                s.edit(
                    TABLE,
                    "  - {finding: staff-lead, label: Council staff}\n  - {finding: users-two, label: Service users}\n",
                    "",
                )
            },
        },
        Case {
            name: "two-pages-at-one-url",
            code: 1,
            expect: "content/about.md: error[duplicate-url]: this page and `content/about/index.md` both publish at `/about/`",
            make: |s| s.write("content/about/index.md", "---\ntitle: About again\n---\nText.\n"),
        },
        Case {
            name: "page-where-evident-makes-pages",
            code: 1,
            expect: "content/findings.md: error[duplicate-url]",
            make: |s| s.write("content/findings.md", "---\ntitle: Findings\n---\nText.\n"),
        },
        Case {
            name: "page-file-name-with-a-space",
            code: 1,
            expect: "content/my page.md: error[invalid-file-name]",
            make: |s| s.write("content/my page.md", "---\ntitle: Mine\n---\nText.\n"),
        },
        Case {
            name: "empty-findings-file",
            code: 1,
            expect: "data/findings/empty.yaml: error[empty-file]",
            make: |s| s.write("data/findings/empty.yaml", ""),
        },
        Case {
            name: "empty-page",
            code: 1,
            expect: "content/empty.md:1:1: error[missing-front-matter]",
            make: |s| s.write("content/empty.md", ""),
        },
        Case {
            name: "file-too-large",
            code: 1,
            expect: "content/big.md: error[file-too-large]",
            make: |s| {
                let f = fs::File::create(s.path("content/big.md")).unwrap();
                f.set_len(65 * 1024 * 1024).unwrap();
            },
        },
        Case {
            name: "duplicate-finding-id",
            code: 1,
            expect: "data/findings/s1.yaml:11:9: error[duplicate-id]",
            make: |s| s.edit(FINDINGS, "id: users-two", "id: staff-lead"),
        },
        Case {
            name: "id-with-slash",
            code: 1,
            expect: "data/findings/s1.yaml:2:9: error[invalid-id]",
            make: |s| s.edit(FINDINGS, "id: staff-lead", "id: staff/lead"),
        },
        Case {
            name: "id-with-dots",
            code: 1,
            expect: "data/findings/s1.yaml:2:9: error[invalid-id]",
            make: |s| s.edit(FINDINGS, "id: staff-lead", "id: \"..\""),
        },
        Case {
            name: "id-with-space",
            code: 1,
            expect: "data/findings/s1.yaml:2:9: error[invalid-id]",
            make: |s| s.edit(FINDINGS, "id: staff-lead", "id: staff lead"),
        },
        Case {
            name: "file-name-not-an-id",
            code: 1,
            expect: "content/claims/Bad Name.md:1:1: error[invalid-id]",
            make: |s| {
                s.write(
                    "content/claims/Bad Name.md",
                    "---\ntitle: X\ntopic: control\n---\n",
                )
            },
        },
        Case {
            name: "unknown-source",
            code: 1,
            expect: "data/findings/s1.yaml:6:13: error[unknown-source]",
            make: |s| s.edit(FINDINGS, "source: s1", "source: s2"),
        },
        Case {
            name: "unknown-claim-in-stance",
            code: 1,
            expect: "data/findings/s1.yaml:10:17: error[unknown-claim]",
            make: |s| {
                s.edit(
                    FINDINGS,
                    "{claim: users-lead, stance: contradicts, reason: \"staff lead\"}",
                    "{claim: users-led, stance: contradicts, reason: \"staff lead\"}",
                )
            },
        },
        Case {
            name: "unknown-topic",
            code: 1,
            expect: "content/claims/users-lead.md:3:8: error[unknown-topic]",
            make: |s| {
                s.edit(
                    "content/claims/users-lead.md",
                    "topic: control",
                    "topic: controls",
                )
            },
        },
        Case {
            name: "unknown-claim-in-gap",
            code: 1,
            expect: "content/gaps/foi.md:6:10: error[unknown-claim]",
            make: |s| {
                s.edit(
                    "content/gaps/foi.md",
                    "claims: [users-lead]",
                    "claims: [nobody]",
                )
            },
        },
        Case {
            name: "unknown-finding-in-table",
            code: 1,
            expect: "data/tables/who-leads.yaml:7:15: error[unknown-finding]",
            make: |s| {
                s.edit(
                    "data/tables/who-leads.yaml",
                    "finding: staff-lead,",
                    "finding: staff-led,",
                )
            },
        },
        Case {
            name: "unknown-dataset-in-table",
            code: 1,
            expect: "data/tables/other.yaml:3:10: error[unknown-dataset]",
            make: |s| {
                s.write(
                    "data/tables/other.yaml",
                    "title: T\ncaption: C\ndataset: nope\ncolumns: [figure]\n",
                )
            },
        },
        Case {
            name: "template-extends-itself",
            code: 1,
            expect: "templates/page.html:1:4: error[template-error]",
            make: |s| s.write("templates/page.html", "{% extends \"page.html\" %}\n"),
        },
        Case {
            name: "template-includes-itself",
            code: 1,
            expect: "templates/gap.html:1:4: error[template-error]",
            make: |s| s.write("templates/gap.html", "{% include \"gap.html\" %}\n"),
        },
        Case {
            name: "template-missing",
            code: 1,
            expect: "templates/page.html:1:4: error[template-not-found]",
            make: |s| s.write("templates/page.html", "{% include \"nope.html\" %}\n"),
        },
        Case {
            name: "template-undefined-variable",
            code: 1,
            expect: "templates/page.html:3:7: error[template-undefined]: `nope` is not defined for this template",
            make: |s| {
                s.write("templates/page.html", "{% extends \"base.html\" %}\n{% block main %}\n<p>{{ nope }}</p>\n{% endblock %}\n")
            },
        },
        Case {
            name: "template-syntax",
            code: 1,
            expect: "templates/gap.html:1:",
            make: |s| s.write("templates/gap.html", "{% if %}\n"),
        },
        Case {
            name: "unknown-theme",
            code: 1,
            expect: "site.yaml:7:8: error[unknown-theme]",
            make: |s| {
                s.edit(
                    "site.yaml",
                    "license: CC-BY-4.0",
                    "license: CC-BY-4.0\ntheme: nope",
                )
            },
        },
        Case {
            name: "page-template-unknown",
            code: 1,
            expect: "content/about.md:3:11: error[unknown-template]",
            make: |s| {
                s.edit(
                    "content/about.md",
                    "title: About",
                    "title: About\ntemplate: nope.html",
                )
            },
        },
        Case {
            name: "symlink-loop",
            code: 1,
            expect: "content/loop: error[symlink-loop]",
            make: |s| {
                std::os::unix::fs::symlink(s.path("content"), s.path("content/loop")).unwrap()
            },
        },
        Case {
            name: "symlink-out-of-site",
            code: 1,
            expect: "content/out.md: error[outside-site]",
            make: |s| {
                let outside = tempfile::NamedTempFile::new()
                    .unwrap()
                    .into_temp_path()
                    .keep()
                    .unwrap();
                fs::write(&outside, "---\ntitle: Out\n---\n").unwrap();
                std::os::unix::fs::symlink(&outside, s.path("content/out.md")).unwrap();
            },
        },
        Case {
            name: "linked-folder-out-of-site",
            code: 1,
            expect: "content/linked: error[outside-site]",
            make: |s| {
                let outside = tempfile::tempdir().unwrap().keep();
                fs::write(outside.join("page.md"), "---\ntitle: Out\n---\n").unwrap();
                std::os::unix::fs::symlink(&outside, s.path("content/linked")).unwrap();
            },
        },
        Case {
            name: "unclosed-front-matter",
            code: 1,
            expect: "content/about.md:1:1: error[unclosed-front-matter]",
            make: |s| s.write("content/about.md", "---\ntitle: About\n## Method\n"),
        },
        Case {
            name: "missing-required-key",
            code: 1,
            expect: "content/sources/s1.md:2:1: error[missing-key]: missing key `title`",
            make: |s| s.edit(SOURCE, "title: Flawed personal budgets\n", ""),
        },
        Case {
            name: "unknown-front-matter-key",
            code: 1,
            expect: "content/claims/users-lead.md:4:1: error[unknown-key]",
            make: |s| {
                s.edit(
                    "content/claims/users-lead.md",
                    "topic: control",
                    "topic: control\ncolour: red",
                )
            },
        },
        Case {
            name: "wrong-type",
            code: 1,
            expect: "content/about.md:3:9: error[wrong-type]",
            make: |s| {
                s.edit(
                    "content/about.md",
                    "title: About",
                    "title: About\nweight: heavy",
                )
            },
        },
        Case {
            name: "unknown-stance",
            code: 1,
            expect: "data/findings/s1.yaml:10:",
            make: |s| {
                s.edit(
                    FINDINGS,
                    "stance: contradicts, reason: \"staff lead\"",
                    "stance: agrees, reason: \"staff lead\"",
                )
            },
        },
        Case {
            name: "accessed-not-a-day",
            code: 1,
            expect: "content/sources/s1.md:9:11: error[invalid-date]: `2026-11` is not a day",
            make: |s| {
                s.edit(
                    "content/sources/s1.md",
                    "url: https://example.org/x\n",
                    "url: https://example.org/x\naccessed: \"2026-11\"\n",
                )
            },
        },
        Case {
            name: "accessed-before-published",
            code: 1,
            expect: "content/sources/s1.md:9:11: error[invalid-date]: `2013-06-24` is before the source's own date",
            make: |s| {
                s.edit(
                    "content/sources/s1.md",
                    "url: https://example.org/x\n",
                    "url: https://example.org/x\naccessed: \"2013-06-24\"\n",
                )
            },
        },
        Case {
            name: "bad-date",
            code: 1,
            expect: "content/sources/s1.md:6:7: error[invalid-date]",
            make: |s| s.edit(SOURCE, "date: \"2013-06-25\"", "date: \"2013-02-30\""),
        },
        Case {
            name: "bad-page-date",
            code: 1,
            expect: "content/about.md:3:7: error[invalid-date]",
            make: |s| {
                s.edit(
                    "content/about.md",
                    "date: \"2024-03-01\"",
                    "date: \"2024-13-01\"",
                )
            },
        },
        Case {
            name: "empty-tag",
            code: 1,
            expect: "content/about.md:4:16: error[invalid-tag]",
            make: |s| s.edit("content/about.md", "open data]", "\"--\"]"),
        },
        Case {
            name: "bad-doi",
            code: 1,
            expect: "content/sources/s1.md:11:6: error[invalid-doi]",
            make: |s| s.edit(SOURCE, "unverified:", "doi: doi.org/10.1/x\nunverified:"),
        },
        Case {
            name: "bad-isbn",
            code: 1,
            expect: "content/sources/s1.md:11:7: error[invalid-isbn]",
            make: |s| {
                s.edit(
                    SOURCE,
                    "unverified:",
                    "isbn: 978-1-4473-6679-8\nunverified:",
                )
            },
        },
        Case {
            name: "bad-issn",
            code: 1,
            expect: "content/sources/s1.md:11:7: error[invalid-issn]",
            make: |s| s.edit(SOURCE, "unverified:", "issn: 0264-5191\nunverified:"),
        },
        Case {
            name: "bad-url",
            code: 1,
            expect: "content/sources/s1.md:8:6: error[invalid-url]",
            make: |s| {
                s.edit(
                    SOURCE,
                    "url: https://example.org/x",
                    "url: javascript:alert(1)",
                )
            },
        },
        Case {
            name: "javascript-link",
            code: 1,
            expect: "content/about.md:7:5: error[unsafe-link]",
            make: |s| s.edit("content/about.md", "text", "[x](javascript:alert(1))"),
        },
        Case {
            name: "unknown-link-kind",
            code: 1,
            expect: "content/about.md:7:5: error[broken-link]",
            make: |s| s.edit("content/about.md", "text", "[x](fact:s1)"),
        },
        Case {
            name: "link-out-of-the-site",
            code: 1,
            expect: "content/about.md:7:5: error[broken-link]: `../foo/bar.html` leads out of the site",
            make: |s| s.edit("content/about.md", "text", "[x](../foo/bar.html)"),
        },
        Case {
            name: "blank-claim-title",
            code: 1,
            expect: "content/claims/users-lead.md:2:8: error[missing-key]: `title` is blank",
            make: |s| s.edit("content/claims/users-lead.md", "title: Users lead planning", "title: \"  \""),
        },
        Case {
            name: "blank-statement",
            code: 1,
            expect: "data/findings/s1.yaml:3:16: error[missing-key]: `statement` is blank",
            make: |s| s.edit(FINDINGS, "statement: Most said staff lead.", "statement: \"\""),
        },
        Case {
            name: "blank-optional-field",
            code: 1,
            expect: "content/sources/s1.md:7:18: error[missing-key]: `container_title` is blank",
            make: |s| s.edit(SOURCE, "container_title: Community Care", "container_title: \"\""),
        },
        Case {
            name: "link-to-a-draft",
            code: 1,
            expect: "content/about.md:7:5: error[broken-link]: `later.md` is a draft, which the build leaves out",
            make: |s| {
                s.write(
                    "content/later.md",
                    "---\ntitle: Later\ndraft: true\n---\n## Plan\n",
                );
                s.edit("content/about.md", "text", "[x](later.md#plan)")
            },
        },
        Case {
            name: "link-above-the-root",
            code: 1,
            expect: "content/about.md:7:5: error[broken-link]: `../../about/` leads out of the site",
            make: |s| s.edit("content/about.md", "text", "[x](../../about/)"),
        },
        Case {
            name: "broken-anchor",
            code: 1,
            expect: "content/index.md:5:11: error[broken-anchor]",
            make: |s| {
                s.edit(
                    "content/index.md",
                    "finding:staff-lead#quote",
                    "finding:staff-lead#nowhere",
                )
            },
        },
        Case {
            name: "missing-stylesheet",
            code: 1,
            expect: "site.yaml:7:15: error[broken-link]",
            make: |s| {
                let text = s.read("site.yaml");
                s.write("site.yaml", format!("{text}stylesheets: [css/missing.css]\n"))
            },
        },
        Case {
            name: "third-party-stylesheet",
            code: 1,
            expect: "site.yaml:7:15: error[broken-link]",
            make: |s| {
                let text = s.read("site.yaml");
                s.write(
                    "site.yaml",
                    format!("{text}stylesheets: [\"https://cdn.example.com/x.css\"]\n"),
                )
            },
        },
        Case {
            name: "broken-md-link",
            code: 1,
            expect: "content/index.md:4:41: error[broken-link]",
            make: |s| s.edit("content/index.md", "(about.md#method)", "(abut.md#method)"),
        },
        Case {
            name: "nested-node-folder",
            code: 1,
            expect: "content/sources/more/s2.md: error[nested-node]",
            make: |s| s.write("content/sources/more/s2.md", "---\ntitle: X\n---\n"),
        },
        Case {
            name: "finding-as-markdown",
            code: 1,
            expect: "content/findings/x.md: error[finding-in-content]",
            make: |s| s.write("content/findings/x.md", "---\ntitle: X\n---\n"),
        },
        Case {
            name: "bad-base-url",
            code: 1,
            expect: "site.yaml:2:11: error[invalid-url]",
            make: |s| {
                s.edit(
                    "site.yaml",
                    "base_url: https://example.org/sub/",
                    "base_url: example.org",
                )
            },
        },
        Case {
            name: "quote-not-in-source",
            code: 1,
            expect: "data/findings/s1.yaml:18:12: error[quote-not-in-source]",
            make: |s| s.edit(FINDINGS, "quote: \"only 2% said", "quote: \"only 3% said"),
        },
        Case {
            name: "figure-not-in-quote",
            code: 1,
            expect: "data/findings/s1.yaml:4:13: error[figure-not-in-quote]",
            make: |s| s.edit(FINDINGS, "figure: \"72%\"", "figure: \"73%\""),
        },
        Case {
            name: "missing-archive",
            code: 1,
            expect: "content/sources/s1.md:10:10: error[missing-archive]",
            make: |s| fs::remove_file(s.path("archive/s1.txt")).unwrap(),
        },
        Case {
            name: "value-without-amount",
            code: 1,
            expect: "data/findings/s1.yaml:5:12: error[invalid-value]",
            make: |s| {
                s.edit(
                    FINDINGS,
                    "value: {kind: percent, number: 72}",
                    "value: {kind: percent}",
                )
            },
        },
        Case {
            name: "range-min-above-max",
            code: 1,
            expect: "data/findings/s1.yaml:5:12: error[invalid-value]",
            make: |s| {
                s.edit(
                    FINDINGS,
                    "value: {kind: percent, number: 72}",
                    "value: {kind: percent, min: 80, max: 72}",
                )
            },
        },
        Case {
            name: "unknown-qualifier",
            code: 1,
            expect: "data/findings/s1.yaml:5:",
            make: |s| {
                s.edit(
                    FINDINGS,
                    "value: {kind: percent, number: 72}",
                    "value: {kind: percent, number: 72, qualifier: roughly}",
                )
            },
        },
        Case {
            name: "unknown-column",
            code: 1,
            expect: "data/tables/who-leads.yaml:3:",
            make: |s| {
                s.edit(
                    "data/tables/who-leads.yaml",
                    "columns: [figure,",
                    "columns: [colour, figure,",
                )
            },
        },
        Case {
            name: "table-selects-nothing",
            code: 1,
            expect: "data/tables/none.yaml:1:1: error[empty-table]",
            make: |s| {
                s.write(
                    "data/tables/none.yaml",
                    "title: T\ncaption: C\ncolumns: [figure]\n",
                )
            },
        },
        Case {
            name: "dataset-row-wrong-type",
            code: 1,
            expect: "data/datasets/survey.yaml:7:5: error[wrong-type]",
            make: |s| s.edit("data/datasets/survey.yaml", "share: 72,", "share: lots,"),
        },
        Case {
            name: "dataset-figure-mismatch",
            code: 1,
            expect: "data/datasets/survey.yaml:7:5: error[figure-mismatch]",
            make: |s| s.edit("data/datasets/survey.yaml", "share: 72,", "share: 70,"),
        },
        Case {
            name: "duplicate-yaml-key",
            code: 1,
            expect: "content/about.md:3:1: error[duplicate-key]",
            make: |s| {
                s.edit(
                    "content/about.md",
                    "title: About",
                    "title: About\ntitle: Again",
                )
            },
        },
        Case {
            name: "alias-clash",
            code: 1,
            expect: "data/findings/s1.yaml:3:15: error[alias-clash]",
            make: |s| {
                s.edit(
                    FINDINGS,
                    "id: staff-lead\n",
                    "id: staff-lead\n    aliases: [users-two]\n",
                )
            },
        },
        Case {
            name: "duplicate-stance",
            code: 1,
            expect: "data/findings/s1.yaml:11:17: error[duplicate-stance]",
            make: |s| {
                s.edit(FINDINGS, "reason: \"staff lead\"}", "reason: \"staff lead\"}\n      - {claim: users-lead, stance: mixed, reason: \"again\"}")
            },
        },
        Case {
            name: "person-without-family-name",
            code: 1,
            expect: "content/sources/s1.md:5:5: error[invalid-person]",
            make: |s| {
                s.edit(
                    SOURCE,
                    "{family: Beresford, given: Peter}",
                    "{given: Peter}",
                )
            },
        },
        Case {
            name: "unverified-unknown-field",
            code: 1,
            expect: "content/sources/s1.md:11:13: error[unknown-field]",
            make: |s| s.edit(SOURCE, "{date: \"guess\"}", "{colour: \"guess\"}"),
        },
        Case {
            name: "bad-manifest-line",
            code: 1,
            expect: "permalinks.txt:1:1: error[invalid-manifest]",
            make: |s| s.write("permalinks.txt", "not a path\n"),
        },
        Case {
            name: "unknown-placement",
            code: 1,
            expect: "data/tables/who-leads.yaml:5:",
            make: |s| {
                s.edit(
                    "data/tables/who-leads.yaml",
                    "show_on: [home,",
                    "show_on: [sidebar,",
                )
            },
        },
        Case {
            name: "citation-field-missing",
            code: 1,
            expect: "content/sources/s1.md:2:7: error[citation-field-missing]",
            make: |s| s.edit(SOURCE, "container_title: Community Care\n", ""),
        },
        Case {
            name: "empty-dataset",
            code: 1,
            expect: "data/datasets/survey.yaml: error[empty-dataset]",
            make: |s| {
                s.write(
                    DATASET,
                    "title: Empty\nsource: s1\nfields:\n  - {name: answer, type: string}\nrows: []\n",
                )
            },
        },
        Case {
            name: "empty-quote",
            code: 1,
            expect: "data/findings/s1.yaml:18:12: error[empty-quote]",
            make: |s| {
                s.edit(
                    FINDINGS,
                    "quote: \"only 2% said service users\"",
                    "quote: \"\"",
                )
            },
        },
        Case {
            name: "figure-without-finding",
            code: 1,
            expect: "data/datasets/survey.yaml:9:5: error[figure-without-finding]",
            make: |s| {
                s.edit(
                    DATASET,
                    "{answer: FOI, gap: foi}",
                    "{answer: FOI, share: 5, gap: foi}",
                )
            },
        },
        Case {
            name: "reserved-field-name",
            code: 1,
            expect: "data/datasets/survey.yaml:4:12: error[invalid-field]",
            make: |s| s.edit(DATASET, "{name: answer,", "{name: source,"),
        },
        Case {
            name: "language-not-a-tag",
            code: 1,
            expect: "site.yaml:3:11: error[invalid-language]",
            make: |s| s.edit("site.yaml", "language: en-GB", "language: en GB"),
        },
        Case {
            name: "language-without-a-csl-locale",
            code: 1,
            expect: "site.yaml:3:11: warning[citation-locale]: citations are formatted in en-US",
            make: |s| s.edit("site.yaml", "language: en-GB", "language: gd"),
        },
        Case {
            name: "translation-missing-a-string",
            code: 1,
            expect: "themes/default/i18n/fr.yaml: warning[missing-translation]: `nav_search` has no translation",
            make: |s| {
                let theme = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
                crate::support::copy_dir(&theme, &s.path("themes/default"));
                s.edit("site.yaml", "language: en-GB", "language: fr-FR");
                s.edit("themes/default/i18n/fr.yaml", "nav_search: Recherche\n", "");
            },
        },
        Case {
            name: "table-row-with-two-items",
            code: 1,
            expect: "data/tables/who-leads.yaml:7:5: error[invalid-row]",
            make: |s| {
                s.edit(
                    TABLE,
                    "{finding: staff-lead, label: Council staff}",
                    "{finding: staff-lead, gap: foi, label: Council staff}",
                )
            },
        },
        Case {
            name: "dataset-row-without-source",
            code: 1,
            expect: "data/datasets/survey.yaml:8:5: error[missing-source]",
            make: |s| s.edit(DATASET, "source: s1\n", ""),
        },
        Case {
            name: "theme-without-templates",
            code: 1,
            expect: "themes/mine/templates: error[missing-template]",
            make: |s| {
                s.edit("site.yaml", "license:", "theme: mine\nlicense:");
                s.write("themes/mine/templates/page.html", "{{ content }}");
            },
        },
        Case {
            name: "template-syntax",
            code: 1,
            expect: "templates/404.html:1:7: error[template-syntax]",
            make: |s| s.write("templates/404.html", "{% if %}"),
        },
        Case {
            name: "quote-without-archive",
            code: 1,
            expect: "data/findings/s1.yaml:8:12: warning[unchecked-quote]",
            make: |s| s.edit(SOURCE, "archive: archive/s1.txt\n", ""),
        },
        Case {
            name: "unknown-column",
            code: 1,
            expect: "data/tables/who-leads.yaml:3:11: error[unknown-column]",
            make: |s| s.edit(TABLE, "columns: [figure,", "columns: [colour,"),
        },
        Case {
            name: "unknown-gap",
            code: 1,
            expect: "data/tables/who-leads.yaml:10:11: error[unknown-gap]",
            make: |s| s.edit(TABLE, "{gap: foi,", "{gap: fo,"),
        },
        Case {
            name: "unknown-placement",
            code: 1,
            expect: "data/tables/who-leads.yaml:5:11: error[unknown-placement]",
            make: |s| s.edit(TABLE, "show_on: [home,", "show_on: [\"page:x\","),
        },
        Case {
            name: "unknown-qualifier",
            code: 1,
            expect: "data/findings/s1.yaml:5:51: error[unknown-qualifier]",
            make: |s| {
                s.edit(
                    FINDINGS,
                    "{kind: percent, number: 72}",
                    "{kind: percent, number: 72, qualifier: roughly}",
                )
            },
        },
        Case {
            name: "unknown-stance",
            code: 1,
            expect: "data/findings/s1.yaml:10:37: error[unknown-value]",
            make: |s| {
                s.edit(
                    FINDINGS,
                    "stance: contradicts, reason: \"staff lead\"",
                    "stance: agrees, reason: \"staff lead\"",
                )
            },
        },
        Case {
            name: "unused-data-file",
            code: 1,
            expect: "data/other.yaml: warning[unused-data]",
            make: |s| s.write("data/other.yaml", "a: 1\n"),
        },
        Case {
            name: "permalink-removed",
            code: 1,
            expect: "permalinks.txt:1:1: error[permalink-removed]",
            make: |s| s.write("permalinks.txt", "/gone/\n"),
        },
        Case {
            name: "permalink-anchor-removed",
            code: 1,
            expect: "permalinks.txt:1:1: error[permalink-anchor-removed]",
            make: |s| s.write("permalinks.txt", "/about/#nowhere\n"),
        },
        Case {
            name: "permalink-stale",
            code: 1,
            expect: "permalinks.txt:1:1: warning[permalink-stale]",
            make: |s| {
                s.write(
                    "permalinks.txt",
                    "/findings/staff-lead/ 2024-01-01 0000000000000000\n",
                )
            },
        },
        Case {
            name: "permalink-unlisted",
            code: 1,
            expect: "permalinks.txt: warning[permalink-unlisted]",
            make: |s| s.write("permalinks.txt", "/\n"),
        },
        Case {
            name: "value-disagrees-with-figure",
            code: 1,
            expect: "data/findings/s1.yaml:5:12: error[value-mismatch]",
            make: |s| {
                s.edit(
                    FINDINGS,
                    "{kind: percent, number: 72}",
                    "{kind: percent, number: 27}",
                )
            },
        },
        Case {
            name: "unknown-currency",
            code: 1,
            expect: "data/findings/s1.yaml:5:36: error[unknown-currency]",
            make: |s| {
                s.edit(
                    FINDINGS,
                    "{kind: percent, number: 72}",
                    "{kind: money, currency: XYZ, number: 72}",
                )
            },
        },
        Case {
            name: "money-without-currency",
            code: 1,
            expect: "data/findings/s1.yaml:5:12: error[unknown-currency]: a sum of money needs its `currency`",
            make: |s| {
                s.edit(
                    FINDINGS,
                    "{kind: percent, number: 72}",
                    "{kind: money, number: 72}",
                )
            },
        },
        Case {
            name: "value-without-figure",
            code: 1,
            expect: "data/findings/s1.yaml:14:12: error[value-without-figure]",
            make: |s| s.edit(FINDINGS, "    figure: \"2%\"\n", ""),
        },
        Case {
            name: "figure-without-value",
            code: 1,
            expect: "data/findings/s1.yaml:14:13: error[figure-without-value]",
            make: |s| s.edit(FINDINGS, "    value: {kind: percent, number: 2}\n", ""),
        },
        Case {
            name: "figure-evident-cannot-read",
            code: 1,
            expect: "data/findings/s1.yaml:14:13: warning[figure-unread]",
            make: |s| s.edit(FINDINGS, "figure: \"2%\"", "figure: \"only\""),
        },
        Case {
            name: "design-not-in-vocabulary",
            code: 1,
            expect: "content/sources/s1.md:12:9: error[unknown-design]",
            make: |s| s.edit(SOURCE, "design: news-report", "design: hearsay"),
        },
        Case {
            name: "kind-not-in-vocabulary",
            code: 1,
            expect: "content/sources/s1.md:9:7: error[unknown-evidence-kind]",
            make: |s| s.edit(SOURCE, "kind: news-report", "kind: rumour"),
        },
        Case {
            name: "vocabulary-with-a-bad-key",
            code: 1,
            expect: "site.yaml:8:3: error[invalid-vocabulary]",
            make: |s| {
                s.edit(
                    "site.yaml",
                    "license: CC-BY-4.0",
                    "license: CC-BY-4.0\ndesigns:\n  Bad Key: Something",
                )
            },
        },
        Case {
            name: "figure-typed-into-prose",
            code: 1,
            expect: "content/about.md:8:15: warning[figure-in-prose]",
            make: |s| {
                s.edit(
                    "content/about.md",
                    "## Method\n",
                    "## Method\n\nMost said so (72%).\n",
                )
            },
        },
        Case {
            name: "dangling-link",
            code: 1,
            expect: "content/broken.md: error[unreadable-file]",
            make: |s| {
                std::os::unix::fs::symlink("/no/such/evident/file.md", s.path("content/broken.md"))
                    .unwrap()
            },
        },
        Case {
            name: "release-record-that-does-not-parse",
            code: 1,
            expect: "releases/0.1.0.json:1:2: error[invalid-release]",
            make: |s| s.write("releases/0.1.0.json", "{not json"),
        },
        Case {
            name: "release-record-renamed",
            code: 1,
            expect: "releases/0.2.0.json: error[invalid-release]",
            make: |s| {
                s.write(
                    "releases/0.2.0.json",
                    r#"{"release": {"version": "0.1.0", "date": "2026-01-10"}}"#,
                )
            },
        },
        Case {
            name: "withdrawn-replaced-by-unknown-finding",
            code: 1,
            expect: "data/findings/s1.yaml:21:68: error[unknown-finding]",
            make: |s| {
                s.edit(
                    FINDINGS,
                    "      - {claim: users-lead, stance: contradicts, reason: \"few\"}\n",
                    "      - {claim: users-lead, stance: contradicts, reason: \"few\"}\n    withdrawn: {date: \"2026-02-01\", reason: Misread., replaced_by: staff-led}\n",
                )
            },
        },
        Case {
            name: "withdrawn-without-reason",
            code: 1,
            expect: "data/findings/s1.yaml:21:5: error[missing-key]",
            make: |s| {
                s.edit(
                    FINDINGS,
                    "      - {claim: users-lead, stance: contradicts, reason: \"few\"}\n",
                    "      - {claim: users-lead, stance: contradicts, reason: \"few\"}\n    withdrawn: {date: \"2026-02-01\"}\n",
                )
            },
        },
        Case {
            name: "missing-site-yaml",
            code: 2,
            expect: "error[no-site]",
            make: |s| fs::remove_file(s.path("site.yaml")).unwrap(),
        },
        Case {
            name: "output-inside-content",
            code: 2,
            expect: "error[bad-output]",
            make: |s| s.edit("site.yaml", "title:", "title:"),
        },
    ]
}

#[test]
fn every_bad_input_fails_cleanly_and_keeps_the_last_good_site() {
    let cases = cases();
    assert!(cases.len() >= 40, "the corpus has {} cases", cases.len());
    let mut failures = Vec::new();
    for case in cases {
        let site = Site::from_fixture("valid");
        let good = site.run(&["build"]);
        assert_eq!(
            good.code, 0,
            "{}: the base site must build: {}",
            case.name, good.stderr
        );
        let before = site.tree("public");
        (case.make)(&site);
        // A warning fails the build only when warnings are denied.
        let args: &[&str] = if case.name == "output-inside-content" {
            &["build", "--output", "content/public"]
        } else if case.expect.contains("warning[") {
            &["build", "--deny-warnings"]
        } else {
            &["build"]
        };
        let run = site.run(args);
        run.no_panic();
        let header_ok = run.stderr.lines().any(|l| l.starts_with(case.expect));
        if run.code != case.code || !header_ok {
            failures.push(format!(
                "{}: expected exit {} and a line starting {:?}; got exit {}:\n{}",
                case.name, case.code, case.expect, run.code, run.stderr
            ));
        }
        if site.tree("public") != before {
            failures.push(format!("{}: public/ changed", case.name));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn an_unreadable_file_is_reported_or_read_as_root_can() {
    use std::os::unix::fs::PermissionsExt;
    let site = Site::from_fixture("valid");
    let path = site.path("content/about.md");
    fs::set_permissions(&path, fs::Permissions::from_mode(0o000)).unwrap();
    let readable_anyway = fs::read(&path).is_ok(); // true when the tests run as root
    let run = site.run(&["build"]);
    run.no_panic();
    if readable_anyway {
        // Root ignores file modes, so the file is read and the site builds.
        assert_eq!(run.code, 0, "{}", run.stderr);
    } else {
        assert_eq!(run.code, 1);
        assert!(
            run.stderr
                .contains("content/about.md: error[unreadable-file]"),
            "{}",
            run.stderr
        );
    }
}

/// The foundation issue's acceptance test: ten different mistakes in several files, all reported
/// in one run with their file:line:column, exit code 1, and the previous site unchanged.
#[test]
fn ten_mistakes_are_all_reported_in_one_run() {
    let site = Site::from_fixture("valid");
    assert_eq!(site.run(&["build"]).code, 0);
    let before = site.tree("public");
    site.edit(FINDINGS, "source: s1", "source: s2");
    site.edit(FINDINGS, "figure: \"2%\"", "figure: \"3%\"");
    site.edit(FINDINGS, "respondents said it.", "respondents said so.");
    site.edit(SOURCE, "date: \"2013-06-25\"", "date: \"2013-13-25\"");
    site.edit(
        SOURCE,
        "url: https://example.org/x",
        "url: ftp://example.org/x",
    );
    site.edit(
        "content/claims/users-lead.md",
        "topic: control",
        "topic: controls",
    );
    site.edit(
        "content/gaps/foi.md",
        "claims: [users-lead]",
        "claims: [users-led]",
    );
    site.edit(
        "content/index.md",
        "finding:staff-lead#quote",
        "finding:staff-lead#nowhere",
    );
    site.edit(
        "data/tables/who-leads.yaml",
        "finding: users-two,",
        "finding: users-too,",
    );
    site.edit("data/datasets/survey.yaml", "share: 72,", "share: 27,");
    let run = site.run(&["build"]);
    assert_eq!(run.code, 1);
    let headers: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains(": error["))
        .collect();
    insta::assert_snapshot!("ten_mistakes_headers", headers.join("\n"));
    assert_eq!(headers.len(), 10, "{}", run.stderr);
    assert!(run
        .stderr
        .ends_with("Build failed with 10 errors, 0 warnings in [T] s; public left as it was"));
    assert_eq!(site.tree("public"), before);
    insta::assert_snapshot!("ten_mistakes_full", run.stderr);
}

/// A mapping that lacks several required keys has each reported in one run, not one a run (a
/// finding stub written as `- id: x` took four runs to learn its four keys).
#[test]
fn every_missing_key_of_a_mapping_is_reported_in_one_run() {
    let site = Site::from_fixture("valid");
    site.write("data/findings/stub.yaml", "findings:\n  - id: x\n");
    let run = site.run(&["check"]);
    run.no_panic();
    assert_eq!(run.code, 1, "{}", run.stderr);
    let headers: Vec<&str> = (run.stderr.lines())
        .filter(|l| l.contains(": error["))
        .collect();
    let expected = ["locator", "quote", "source", "statement"].map(|key| {
        format!("data/findings/stub.yaml:2:5: error[missing-key]: missing key `{key}` in the mapping that starts here")
    });
    assert_eq!(headers, expected, "{}", run.stderr);
    // A key with no value is said to have none, not to hold its own colon.
    site.write("data/findings/stub.yaml", "findings:\n");
    let run = site.run(&["check"]);
    assert!(
        run.stderr
            .contains("error[wrong-type]: expected a list here, found nothing"),
        "{}",
        run.stderr
    );
}

/// Every schema mistake in a file is reported in one run, each at its own line, in the
/// maintainer's words (no parser vocabulary), with the misspelt key's likely meaning; what a
/// mistake implies (the "missing" key a misspelling or a wrong value leaves) is not reported again.
#[test]
fn every_schema_mistake_in_a_file_is_reported_at_its_line() {
    let site = Site::from_fixture("valid");
    site.edit(
        FINDINGS,
        "    locator: para 1\n",
        "    perod: 2013\n    locator: para 1\n",
    );
    site.edit(
        FINDINGS,
        "    quote: \"only",
        "    populaton: councils\n    quote: \"only",
    );
    site.edit(
        FINDINGS,
        "    locator: para 2\n",
        "    populaton: people\n    locator: para 2\n",
    );
    site.edit(FINDINGS, "number: 72}", "number: \"23.8 percent\"}");
    site.edit(
        FINDINGS,
        "stance: contradicts, reason: \"few\"",
        "stance: contradict, reason: \"few\"",
    );
    site.edit(SOURCE, "type: article-newspaper", "type: newspaper-article");
    site.edit(SOURCE, "url: https://example.org/x", "url: [x]");
    site.edit(
        SOURCE,
        "kind: news-report",
        "kind: news-report\ndesign: report",
    );
    site.edit(
        SOURCE,
        "  - {family: Beresford, given: Peter}",
        "  - {family: Beresford, givne: Peter}",
    );
    let run = site.run(&["check"]);
    run.no_panic();
    assert_eq!(run.code, 1, "{}", run.stderr);
    let headers: Vec<&str> = (run.stderr.lines())
        .filter(|l| l.contains(": error["))
        .collect();
    let expected = [
        "content/sources/s1.md:2:7: error[unknown-value]: `newspaper-article` is not one of the values allowed here",
        "content/sources/s1.md:5:25: error[unknown-key]: unknown key `givne`",
        "content/sources/s1.md:8:6: error[wrong-type]: expected text here, found `[x]`",
        "content/sources/s1.md:13:1: error[duplicate-key]: the key `design` appears twice in this mapping",
        "data/findings/s1.yaml:5:36: error[wrong-type]: expected a number here, found `\"23.8 percent\"`",
        "data/findings/s1.yaml:7:5: error[unknown-key]: unknown key `perod`",
        "data/findings/s1.yaml:19:5: error[unknown-key]: unknown key `populaton`",
        "data/findings/s1.yaml:22:37: error[unknown-value]: `contradict` is not one of the values allowed here",
        "data/findings/s1.yaml:28:5: error[unknown-key]: unknown key `populaton`",
    ];
    assert_eq!(headers, expected, "{}", run.stderr);
    assert!(
        run.stderr.contains("did you mean `period`?"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("did you mean `contradicts`?"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("did you mean `given`?"),
        "{}",
        run.stderr
    );
    for words in [
        "DuplicateKeyPolicy",
        "scalar",
        "variant",
        "field",
        "floating",
    ] {
        assert!(
            !run.stderr.contains(words),
            "parser words `{words}`:\n{}",
            run.stderr
        );
    }
}

/// A key indented one space off its siblings is named at its own line, with the indent expected;
/// a tab is reported where it is.
#[test]
fn a_misindented_key_and_a_tab_are_reported_where_they_are() {
    let site = Site::from_fixture("valid");
    site.edit(FINDINGS, "    locator: para 2\n", "   locator: para 2\n");
    site.edit(
        FINDINGS,
        "\n    statement: Few said users lead.",
        "\n\tstatement: Few said users lead.",
    );
    let run = site.run(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let headers: Vec<&str> = (run.stderr.lines())
        .filter(|l| l.contains(": error["))
        .collect();
    assert_eq!(
        headers,
        [
            "data/findings/s1.yaml:13:1: error[invalid-yaml]: a tab, where YAML needs spaces",
            "data/findings/s1.yaml:26:4: error[invalid-yaml]: `locator` is indented 3 spaces, but the other keys of its mapping 4",
        ],
        "{}",
        run.stderr
    );
}

/// One mistake, one message: a file that cannot be read (not UTF-8) is reported once, and what
/// refers to it (a claim's findings and tables, an archive's quotes) is not reported again.
#[test]
fn an_unreadable_file_is_one_diagnostic_not_a_cascade() {
    let site = Site::from_fixture("valid");
    site.write("archive/s1.txt", b"Almost \xff three-quarters\n");
    site.write(
        "content/claims/users-lead.md",
        b"---\ntitle: Users lead \xff\ntopic: control\n---\nBody\n",
    );
    let run = site.run(&["check"]);
    run.no_panic();
    let problems: Vec<&str> = (run.stderr.lines())
        .filter(|l| l.contains(": error[") || l.contains(": warning["))
        .collect();
    assert_eq!(
        problems,
        [
            "archive/s1.txt:1:8: error[not-utf8]: this file is not UTF-8 text (byte 0xff)",
            "content/claims/users-lead.md:2:19: error[not-utf8]: this file is not UTF-8 text (byte 0xff)",
        ],
        "{}",
        run.stderr
    );
}

/// A quote that is not in the archive shows the nearest passage, with the words that differ
/// marked; elisions and case are explained.
#[test]
fn a_quote_not_found_shows_the_nearest_passage() {
    let site = Site::from_fixture("valid");
    site.edit(
        FINDINGS,
        "council staff usually lead",
        "council staff generally lead",
    );
    let run = site.run(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("the nearest archived passage is “Almost three-quarters (72%) said council staff «usually» lead on support planning,”"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("case matters") && run.stderr.contains("[…]"));
    // An elision stands for the words left out.
    site.edit(
        FINDINGS,
        "council staff generally lead",
        "council staff […] lead",
    );
    assert_eq!(site.run(&["check"]).code, 0);
}

/// Diagnostics are rendered in parallel, a run of them at a time, and a run reads each plain
/// page's text once for the snippets of all its warnings: they still print in order, each with
/// its own page's line, across runs.
#[test]
fn many_warnings_print_in_order_each_with_its_own_line() {
    let site = Site::from_fixture("valid");
    let notes = 150;
    for n in 0..notes {
        site.write(
            &format!("content/notes/n{n:03}.md"),
            format!("---\ntitle: Note {n}\n---\n\nNote {n} says {n}% agree; {n}% do not.\n"),
        );
    }
    let run = site.run(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let heads: Vec<&str> = (run.stderr.lines())
        .filter(|l| l.contains("content/notes/") && l.contains("figure-in-prose"))
        .collect();
    assert_eq!(heads.len(), 2 * notes, "{}", run.stderr);
    for (at, head) in heads.iter().enumerate() {
        let n = at / 2;
        // "Note {n} says " before the first; "{n}% agree; " more before the second.
        let len = n.to_string().len();
        let column = if at % 2 == 0 { 12 + len } else { 21 + 2 * len };
        let place = format!("content/notes/n{n:03}.md:5:{column}:");
        assert!(head.contains(&place), "{head}: not at {place}");
        assert!(head.contains(&format!("`{n}%`")), "{head}");
    }
    for n in 0..notes {
        let line = format!("5 | Note {n} says {n}% agree; {n}% do not.");
        assert_eq!(run.stderr.matches(&line).count(), 2, "{line}");
    }
}
