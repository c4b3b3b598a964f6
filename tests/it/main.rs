//! Integration tests: one binary, fixture sites under tests/fixtures/, run through the real
//! `evident` executable. Each module proves one area; see its top comment.

mod architecture;
mod archive;
mod bad_input;
mod bundled;
mod cite;
mod cli;
mod codes;
mod external;
mod highlight;
mod i18n;
mod import;
mod incremental;
mod output;
mod props;
mod releases;
mod serve;
mod support;
mod valid_site;
