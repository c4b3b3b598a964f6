//! Releases: each record's version must be its file's name and its date a day; they are put in
//! version order, oldest first, so that each is compared with the one before it.

use crate::dates::parse_day;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{version_key, Release};
use crate::parse::stem;

pub(crate) fn resolve_releases(raw: Vec<Release>, diags: &mut Vec<Diagnostic>) -> Vec<Release> {
    let mut out: Vec<Release> = Vec::new();
    for r in raw {
        let name = stem(&r.file);
        if r.version != name {
            diags.push(
                Diagnostic::error(
                    Code::InvalidRelease,
                    format!(
                        "this release record is of version `{}`, but its file is named `{name}`",
                        r.version
                    ),
                )
                .in_file(&r.file)
                .help("a release record is `releases/<version>.json`, as `evident release` wrote it: restore its name"),
            );
            continue;
        }
        if parse_day(&r.date).is_none() {
            diags.push(
                Diagnostic::error(
                    Code::InvalidRelease,
                    format!("the release date `{}` is not a YYYY-MM-DD date", r.date),
                )
                .in_file(&r.file)
                .help("a release record is written by `evident release`: restore the file from the repository's history rather than edit it"),
            );
            continue;
        }
        out.push(r);
    }
    out.sort_by(|a, b| (version_key(&a.version), &a.date).cmp(&(version_key(&b.version), &b.date)));
    out
}
