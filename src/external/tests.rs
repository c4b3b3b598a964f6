use super::*;
use crate::load::Inputs;
use crate::model::Environment;

fn site(inputs: &Inputs) -> Site {
    let (parsed, _) = crate::parse::parse(inputs, &crate::load::Disk);
    let (site, _, diags) = crate::resolve::resolve(parsed, &Environment::default());
    assert!(diags.iter().all(|d| !d.is_error()), "{diags:?}");
    site
}

fn inputs() -> Inputs {
    let mut inputs = Inputs::default();
    inputs.insert_text("site.yaml", "title: T\nbase_url: https://example.org/\n");
    inputs.insert_text(
        "content/sources/s.md",
        "---\ntype: report\ntitle: S\ndate: \"2012\"\nkind: report\ndesign: not-stated\nurl: https://pub.example.com/report\ndoi: 10.1234/abc\narchive_url: https://web.archive.org/web/2020/https://pub.example.com/report\narchive: archive/s.txt\n---\nSee [the data](https://data.example.net/t.csv) and [about](/about/).\n",
    );
    inputs.insert_text(
        "archive/s.txt",
        "The council spent more.\nOld words here.\n",
    );
    inputs.insert_text(
        "data/findings/f.yaml",
        "findings:\n  - id: f\n    statement: S.\n    source: s\n    locator: p. 1\n    quote: \"Old words here.\"\n",
    );
    inputs.insert_text(
        "content/about.md",
        "---\ntitle: About\n---\nRead [it](http://other.example.org/a?b=1).\n",
    );
    inputs
}

#[test]
fn every_external_address_is_collected_with_where_it_is_written() {
    let inputs = inputs();
    let links = collect(&site(&inputs), &inputs);
    let found: Vec<(&str, Field, String)> = links
        .iter()
        .map(|l| {
            let at = l.position.map_or(String::new(), |p| {
                format!("{}:{}", l.file.display(), p.line)
            });
            (l.url.as_str(), l.field, at)
        })
        .collect();
    let s = "content/sources/s.md";
    assert_eq!(
        found,
        vec![
            (
                "http://other.example.org/a?b=1",
                Field::Content,
                "content/about.md:4".into()
            ),
            (
                "https://data.example.net/t.csv",
                Field::Content,
                format!("{s}:12")
            ),
            ("https://doi.org/10.1234/abc", Field::Doi, format!("{s}:8")),
            (
                "https://pub.example.com/report",
                Field::Url,
                format!("{s}:7")
            ),
            (
                "https://web.archive.org/web/2020/https://pub.example.com/report",
                Field::ArchiveUrl,
                format!("{s}:9")
            ),
        ]
    );
}

#[test]
fn skip_rules_name_hosts_with_their_subdomains_or_url_prefixes() {
    let skip = vec![
        "example.org".to_string(),
        "https://localhost/*".to_string(),
        "http://x.net/private".to_string(),
    ];
    assert!(skipped("https://example.org/a", &skip));
    assert!(skipped("https://www.Example.org:8080/a", &skip));
    assert!(!skipped("https://notexample.org/a", &skip));
    assert!(skipped("https://localhost/anything", &skip));
    assert!(!skipped("http://localhost/anything", &skip));
    assert!(skipped("http://x.net/private/page", &skip));
    assert!(!skipped("http://x.net/public", &skip));
    assert_eq!(host_of("https://u:p@[::1]:80/x").as_deref(), Some("::1"));
    assert_eq!(host_of("not a url"), None);
}

#[test]
fn the_cache_trusts_entries_for_its_hours_and_survives_bad_text() {
    let mut cache = Cache::default();
    let e = |checked| Entry {
        checked,
        outcome: Outcome::Moved {
            to: "https://b/".into(),
        },
        drifted: vec!["q".into()],
    };
    cache.links.insert("https://a/".into(), e(1_000));
    let again = Cache::parse(&cache.to_json());
    assert_eq!(again, cache);
    assert!(again.fresh("https://a/", 1_000 + 3599, 1).is_some());
    assert!(again.fresh("https://a/", 1_000 + 3600, 1).is_none());
    assert_eq!(Cache::parse("{not json"), Cache::default());
    let mut pruned = again.clone();
    pruned.prune(&BTreeSet::new(), 1_000, 1);
    assert!(pruned.links.is_empty());
}

#[test]
fn drift_names_the_archived_quotes_the_live_text_lacks() {
    let inputs = inputs();
    let site = site(&inputs);
    let quotes = archived_quotes(&site, &|p| inputs.text(p).map(str::to_string));
    assert_eq!(
        quotes.get("https://pub.example.com/report"),
        Some(&vec!["Old words here.".to_string()])
    );
    let live = b"<html><body><p>The council spent more.</p><p>New words.</p></body></html>";
    assert_eq!(
        drifted("live.html", live, &quotes["https://pub.example.com/report"]),
        vec!["Old words here.".to_string()]
    );
    let same = b"<html><body><p>Old   words\nhere.</p></body></html>";
    assert!(drifted("live.html", same, &quotes["https://pub.example.com/report"]).is_empty());
}
