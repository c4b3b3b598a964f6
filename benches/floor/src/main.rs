//! The floor for the pages benchmark: read every Markdown file under IN/content, render it with
//! pulldown-cmark using the options evident uses, and write one HTML file per page under OUT.
//! Threads come from RAYON_NUM_THREADS. Nothing else: no templates, no links, no checks.

use std::fs;
use std::path::{Path, PathBuf};

use pulldown_cmark::{html, Options, Parser};
use rayon::prelude::*;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 3 {
        eprintln!("usage: evident-floor IN OUT");
        std::process::exit(2);
    }
    let input = Path::new(&args[1]).join("content");
    let out = PathBuf::from(&args[2]);
    let mut files: Vec<PathBuf> = fs::read_dir(&input)
        .expect("read content/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    files.sort();
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_SMART_PUNCTUATION;
    fs::create_dir_all(&out).expect("create OUT");
    files.par_iter().for_each(|p| {
        let text = fs::read_to_string(p).expect("read page");
        let body = text.splitn(3, "---\n").nth(2).unwrap_or(&text);
        let mut html_out = String::with_capacity(body.len() * 3 / 2);
        html::push_html(&mut html_out, Parser::new_ext(body, options));
        let dir = out.join(p.file_stem().unwrap());
        fs::create_dir_all(&dir).expect("create page dir");
        fs::write(dir.join("index.html"), html_out).expect("write page");
    });
    println!("{}", files.len());
}
