// Link check over the built site: every internal href/src/srcset (relative, under the base path,
// or absolute on the base URL's host) must resolve to a file in public/, and every #fragment to an
// element id on the target page. CSS url(…) references are checked the same way. Exit code 1 and
// a list of every broken link when any is broken.
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { baseUrl, fileToPath, publicDir, walk } from "./lib/site.mjs";

const dir = publicDir();
const base = baseUrl(dir);
const files = walk(dir);

const decodeEntities = (s) =>
  s.replace(/&(#x[0-9a-f]+|#[0-9]+|amp|quot|lt|gt|apos|nbsp);/gi, (_, e) => {
    const l = e.toLowerCase();
    if (l.startsWith("#x")) return String.fromCodePoint(parseInt(l.slice(2), 16));
    if (l.startsWith("#")) return String.fromCodePoint(parseInt(l.slice(1), 10));
    return { amp: "&", quot: '"', lt: "<", gt: ">", apos: "'", nbsp: "\u00a0" }[l];
  });

// Tags only: text never holds a raw `<`, and script, style and comments are dropped first.
const TAG = /<([a-zA-Z][^\s>/]*)((?:\s+[^\s=>/]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?)*)\s*\/?>/g;
const ATTR = /([^\s=>/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g;

function scanHtml(html) {
  const stripped = html.replace(/<!--[\s\S]*?-->/g, "").replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, "<$1>");
  const refs = [];
  const ids = new Set();
  for (const tag of stripped.matchAll(TAG)) {
    const name = tag[1].toLowerCase();
    for (const a of tag[2].matchAll(ATTR)) {
      const attr = a[1].toLowerCase();
      const value = decodeEntities(a[2] ?? a[3] ?? a[4] ?? "");
      if (attr === "id" || (attr === "name" && name === "a")) ids.add(value);
      else if (["href", "src", "poster", "action", "data"].includes(attr)) refs.push({ tag: name, attr, value: value.trim() });
      else if (attr === "srcset") {
        for (const part of value.split(",")) {
          const url = part.trim().split(/\s+/)[0];
          if (url) refs.push({ tag: name, attr, value: url });
        }
      }
    }
  }
  return { refs, ids };
}

const pageCache = new Map();
const page = (file) => {
  if (!pageCache.has(file)) pageCache.set(file, scanHtml(readFileSync(join(dir, file), "utf8")));
  return pageCache.get(file);
};

/** The file in public/ a site path names, or null. */
function target(rel) {
  const candidates = rel === "" || rel.endsWith("/") ? [rel + "index.html"] : [rel, rel + "/index.html"];
  for (const c of candidates) {
    const p = join(dir, c);
    if (existsSync(p) && statSync(p).isFile()) return c;
  }
  return null;
}

const broken = [];
let internal = 0;
let external = 0;

function check(file, ref, pageUrl) {
  const { value } = ref;
  if (value === "") return broken.push(`${file}: empty ${ref.attr} on <${ref.tag}>`);
  let url;
  try {
    url = new URL(value, pageUrl);
  } catch {
    return broken.push(`${file}: ${ref.attr}="${value}" is not a valid URL`);
  }
  if (url.protocol === "javascript:") return broken.push(`${file}: ${ref.attr}="${value}": javascript: URLs are not allowed`);
  if (url.protocol === "data:" || url.protocol === "mailto:" || url.protocol === "tel:") return;
  if (url.host !== base.host || !/^https?:$/.test(url.protocol)) return external++;
  if (!url.pathname.startsWith(base.pathname)) {
    // An absolute URL may name another site on the same host; a relative one that leaves the
    // base path is what a template that forgot the base path produces.
    if (/^([a-z][a-z0-9+.-]*:|\/\/)/i.test(value)) return external++;
    return broken.push(`${file}: ${ref.attr}="${value}" points outside the site's base path ${base.pathname}`);
  }
  internal++;
  let rel;
  try {
    rel = decodeURIComponent(url.pathname.slice(base.pathname.length));
  } catch {
    return broken.push(`${file}: ${ref.attr}="${value}" has a malformed %-escape`);
  }
  const to = target(rel);
  if (!to) return broken.push(`${file}: ${ref.attr}="${value}" -> /${rel}: no such file in ${dir}`);
  const fragment = decodeURIComponent(url.hash.slice(1));
  if (fragment && fragment !== "top" && to.endsWith(".html") && !page(to).ids.has(fragment)) {
    broken.push(`${file}: ${ref.attr}="${value}" -> /${to}#${fragment}: no element with id="${fragment}" there`);
  }
}

let pages = 0;
for (const file of files) {
  // 404.html is served at any missing address, so its links must not be relative; it is
  // checked as if at the site root, where a host that serves it would find root-relative links.
  const pageUrl = new URL(file === "404.html" ? "" : fileToPath(file), base);
  if (file.endsWith(".html")) {
    pages++;
    for (const ref of page(file).refs) check(file, ref, pageUrl);
  } else if (file.endsWith(".css")) {
    const css = readFileSync(join(dir, file), "utf8").replace(/\/\*[\s\S]*?\*\//g, "");
    for (const m of css.matchAll(/url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s]*))\s*\)/g)) {
      check(file, { tag: "css", attr: "url()", value: (m[1] ?? m[2] ?? m[3]).trim() }, new URL(file, base));
    }
  }
}

for (const b of broken) console.log(`broken link: ${b}`);
console.log(`links: ${internal} internal links in ${pages} pages checked (${external} external not followed); ${broken.length} broken`);
process.exit(broken.length ? 1 : 0);
