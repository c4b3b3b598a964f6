// What the gates know about a built site: where it is, its base path, its pages, one page of each
// type, and a tiny static server that serves it on 127.0.0.1 the way a web host would.
import { createServer } from "node:http";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { extname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));

/** The built site's folder: $EVIDENT_PUBLIC, or public/ at the repository root. */
export function publicDir() {
  const dir = resolve(process.env.EVIDENT_PUBLIC ?? join(here, "..", "..", "..", "public"));
  if (!existsSync(join(dir, "index.html"))) {
    throw new Error(`no built site at ${dir} (no index.html): run \`cargo run --release -- build\` first, or set EVIDENT_PUBLIC`);
  }
  return dir;
}

/** The evidence graph the build wrote; the gates read ids and URLs from it, never hard-code them. */
export function evidence(dir = publicDir()) {
  const file = join(dir, "evidence.json");
  if (!existsSync(file)) throw new Error(`${file} is missing: the build always writes it`);
  return JSON.parse(readFileSync(file, "utf8"));
}

/** The site's base URL (from evidence.json `site.base_url`) and its path, which ends with `/`. */
export function baseUrl(dir = publicDir()) {
  const url = new URL(evidence(dir).site.base_url);
  if (!url.pathname.endsWith("/")) url.pathname += "/";
  return url;
}

/** Every file under `dir`, as paths relative to it with `/` separators, sorted. */
export function walk(dir = publicDir()) {
  const out = [];
  const go = (d) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) go(p);
      else out.push(relative(dir, p).split(sep).join("/"));
    }
  };
  go(dir);
  return out;
}

export const htmlFiles = (dir = publicDir()) => walk(dir).filter((f) => f.endsWith(".html"));

/** The site path (under the base path) a file is served at: `a/index.html` -> `a/`. */
export const fileToPath = (file) => (file === "index.html" ? "" : file.replace(/(^|\/)index\.html$/, "$1"));

const KINDS = [
  ["source", "sources"],
  ["finding", "findings"],
  ["claim", "claims"],
  ["topic", "topics"],
  ["gap", "gaps"],
  ["table", "tables"],
  ["dataset", "datasets"],
];

/**
 * One page of every page type the built site has, picked by walking public/ (the first page of
 * each folder), as `{type, file}`. Types the site has no page of are listed in `missing`: with
 * `requireAll`, a missing type is an error, since a site with content has every type.
 */
export function pageTypes(dir = publicDir(), { requireAll = false } = {}) {
  const files = new Set(htmlFiles(dir));
  const picked = [];
  const missing = [];
  const pick = (type, file) => (file && files.has(file) ? picked.push({ type, file }) : missing.push(type));
  pick("home", "index.html");
  // A plain page is any top-level folder page that is not one of the kinds' indexes.
  const kindFolders = new Set([...KINDS.map(([, f]) => f), "search"]);
  const plain = [...files].find((f) => /^[^/]+\/index\.html$/.test(f) && !kindFolders.has(f.split("/")[0]));
  pick("page", plain);
  for (const [kind, folder] of KINDS) {
    pick(`${kind} index`, `${folder}/index.html`);
    const item = [...files].sort().find((f) => f.startsWith(`${folder}/`) && /^[^/]+\/[^/]+\/index\.html$/.test(f));
    pick(kind, item);
  }
  pick("search", "search/index.html");
  pick("404", "404.html");
  if (requireAll && missing.length) {
    throw new Error(`the built site has no page of type: ${missing.join(", ")} (every type is required here)`);
  }
  return { picked, missing };
}

const TYPES = {
  ".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
  ".json": "application/json", ".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg",
  ".csv": "text/csv; charset=utf-8", ".txt": "text/plain; charset=utf-8", ".xml": "application/xml",
  ".woff2": "font/woff2", ".ico": "image/x-icon", ".webmanifest": "application/manifest+json",
};

/**
 * Serves `dir` under the site's base path on 127.0.0.1 at a random port, like a static host:
 * `x/` serves `x/index.html`, anything missing gets 404.html with status 404. Resolves to
 * `{origin, root, close}` where `root` is the URL of the home page.
 */
export async function serve(dir = publicDir()) {
  const basePath = baseUrl(dir).pathname;
  const server = createServer((req, res) => {
    const url = new URL(req.url, "http://127.0.0.1");
    let path;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      path = null;
    }
    let file = null;
    if (path && path.startsWith(basePath) && !path.includes("\0")) {
      const rel = path.slice(basePath.length);
      const candidate = resolve(dir, rel);
      if (candidate === dir || candidate.startsWith(dir + sep)) {
        if (existsSync(candidate) && statSync(candidate).isDirectory()) {
          file = rel === "" || rel.endsWith("/") ? join(candidate, "index.html") : null;
          if (file === null) {
            res.writeHead(301, { location: url.pathname + "/" }).end();
            return;
          }
        } else {
          file = candidate;
        }
      }
    }
    if (file && existsSync(file) && statSync(file).isFile()) {
      res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
      res.end(readFileSync(file));
    } else {
      const notFound = join(dir, "404.html");
      res.writeHead(404, { "content-type": TYPES[".html"] });
      res.end(existsSync(notFound) ? readFileSync(notFound) : "not found");
    }
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return { origin, root: origin + basePath, close: () => new Promise((ok) => server.close(ok)) };
}

/** Chromium's path: $CHROMIUM, else Debian's /usr/bin/chromium. */
export function chromiumPath() {
  const path = process.env.CHROMIUM ?? "/usr/bin/chromium";
  if (!existsSync(path)) throw new Error(`chromium not found at ${path}: install Debian's chromium (apt-get install chromium) or set CHROMIUM`);
  return path;
}

export const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
];
