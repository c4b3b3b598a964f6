// Compares every source's formatted references on a built site with citeproc-js (the CSL
// processor Zotero and Mendeley use), given the same CSL-JSON item (the site's citations.json),
// the same vendored style files and the en-GB locale. Each style's reference text on the source
// page must equal citeproc-js's, after folding white space; known differences are listed in
// citeproc-known.json with the reason, and a listed difference that no longer occurs fails too
// (so the list stays true). The list covers the bundled site and tests/fixtures/citations.
//
// Usage: node citeproc.mjs PUBLIC_DIR
import { readFileSync, existsSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import CSL from "citeproc";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const publicDir = process.argv[2] ?? join(root, "public");
const styles = {
  apa: "apa.csl",
  harvard: "harvard-cite-them-right.csl",
  chicago: "chicago-author-date.csl",
  vancouver: "nlm-citation-sequence.csl",
  mla: "modern-language-association.csl",
};
const locale = readFileSync(join(root, "styles", "locales", "locales-en-GB.xml"), "utf8");
const known = JSON.parse(readFileSync(join(here, "citeproc-known.json"), "utf8"));

const items = JSON.parse(readFileSync(join(publicDir, "citations.json"), "utf8"));

const decode = (s) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
const fold = (s) => s.replace(/\s+/g, " ").trim();

/// citeproc-js's reference for one item in one style, as plain text.
function citeproc(style, item) {
  const sys = {
    retrieveLocale: () => locale,
    retrieveItem: (id) => (id === item.id ? item : undefined),
  };
  const xml = readFileSync(join(root, "styles", styles[style]), "utf8");
  const engine = new CSL.Engine(sys, xml, "en-GB", true);
  engine.setOutputFormat("text");
  engine.updateItems([item.id]);
  const [, entries] = engine.makeBibliography();
  // A citation-sequence style numbers its list; a source page shows one reference alone.
  return fold(entries.join("")).replace(/^\d+\. /, "");
}

/// evident's reference for one source in one style, from its page.
function evident(id, style) {
  const page = join(publicDir, "sources", id, "index.html");
  if (!existsSync(page)) return null;
  const html = readFileSync(page, "utf8");
  const m = html.match(
    new RegExp(`<dt id="cite-${id}-${style}"[^>]*>[\\s\\S]*?data-copy-text="([^"]*)"`),
  );
  return m ? fold(decode(m[1])) : null;
}

let failures = 0;
let agree = 0;
const seen = new Set();
for (const item of items) {
  for (const style of Object.keys(styles)) {
    const ours = evident(item.id, style);
    const theirs = citeproc(style, item);
    const key = `${item.id}/${style}`;
    const listed = known[key];
    if (ours === null) {
      console.log(`FAIL ${key}: no reference on the source page`);
      failures++;
    } else if (ours === theirs) {
      agree++;
      if (listed) {
        console.log(`FAIL ${key}: listed as a known difference, but the two now agree; remove it`);
        failures++;
      }
    } else if (listed && listed.citeproc === theirs && listed.evident === ours) {
      seen.add(key);
      console.log(`known ${key}: ${listed.why}`);
    } else {
      failures++;
      console.log(`FAIL ${key}\n  evident:     ${ours}\n  citeproc-js: ${theirs}`);
    }
  }
}
console.log(
  `${agree} references agree with citeproc-js, ${seen.size} known differences, ${failures} failures`,
);
process.exit(failures ? 1 : 0);
