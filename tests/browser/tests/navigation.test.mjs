// Navigation in chromium, from the evidence graph the build wrote (evidence.json), not from
// hard-coded ids: every page loads with no console error and no request to another origin; a
// finding links to its source and the source links back; a claim lists every finding that bears
// on it; a topic lists its claims; the main navigation reaches every index.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { guardedContext, launch } from "../lib/browser.mjs";
import { baseUrl, evidence, fileToPath, htmlFiles, publicDir, serve } from "../lib/site.mjs";

const dir = publicDir();
const graph = evidence(dir);
const base = baseUrl(dir).href;
const requireAll = process.env.EVIDENT_REQUIRE_ALL_PAGE_TYPES === "1";

let server, browser, guarded, page;
before(async () => {
  server = await serve(dir);
  browser = await launch();
  guarded = await guardedContext(browser, server.origin, { viewport: { width: 1280, height: 900 } });
  page = await guarded.context.newPage();
});
after(async () => {
  await guarded?.context.close();
  await browser?.close();
  await server?.close();
});

/** The local address of a page the graph gives by its published URL, or by kind and id. */
const local = (url) => {
  assert.ok(url.startsWith(base), `${url} is not under the site's base URL ${base}`);
  return server.root + url.slice(base.length);
};
const urlOf = (folder, id) => local(graph[folder].find((x) => x.id === id)?.url ?? `${base}${folder}/${id}/`);

/** The absolute hrefs of the links inside <main> on the current page. */
const mainLinks = () => page.$$eval("main a[href]", (as) => as.map((a) => a.href.split("#")[0]));

/** Clicks the first link in <main> to `url` and waits until the browser is there. */
async function follow(url) {
  const from = page.url();
  const link = page.locator("main a[href]").filter({ visible: true });
  const hrefs = await link.evaluateAll((as) => as.map((a) => a.href.split("#")[0]));
  const i = hrefs.indexOf(url);
  assert.ok(i >= 0, `no visible link in <main> on ${from} to ${url}`);
  await Promise.all([page.waitForURL((u) => u.href.split("#")[0] === url), link.nth(i).click()]);
}

async function open(url) {
  const response = await page.goto(url, { waitUntil: "load" });
  assert.equal(response.status(), 200, `GET ${url}`);
}

// Nothing to walk is not a pass: say so, and fail when this run requires every page type.
function needs(t, list, what) {
  if (list.length) return true;
  if (requireAll) assert.fail(`the site has no ${what}, and every page type is required here`);
  t.skip(`the site has no ${what}`);
  return false;
}

test("every page loads with status 200, no console error and no request to another origin", async () => {
  const files = htmlFiles(dir);
  for (const file of files) await open(server.root + (file === "404.html" ? file : fileToPath(file)));
  assert.deepEqual(guarded.problems(), [], `problems on the ${files.length} pages`);
});

test("the main navigation reaches every index", async () => {
  await open(server.root);
  for (const folder of ["topics", "claims", "findings", "sources", "gaps"]) {
    await open(server.root);
    const link = page.locator(`header nav a[href$="${folder}/"]`).first();
    await link.click();
    await page.waitForLoadState("load");
    assert.equal(page.url(), `${server.root}${folder}/`, `the main navigation's ${folder} link`);
    assert.ok((await page.locator("h1").count()) === 1, `${folder}/ has one h1`);
  }
});

test("a finding links to its source, and the source links back to the finding", async (t) => {
  if (!needs(t, graph.findings, "findings")) return;
  for (const finding of graph.findings) {
    const findingUrl = urlOf("findings", finding.id);
    const sourceUrl = urlOf("sources", finding.source);
    await open(findingUrl);
    assert.ok((await mainLinks()).includes(sourceUrl), `finding ${finding.id} does not link to its source ${finding.source}`);
    // Follow the link as a reader would, then come back the same way.
    await follow(sourceUrl);
    assert.ok((await mainLinks()).includes(findingUrl), `source ${finding.source} does not link back to finding ${finding.id}`);
    await follow(findingUrl);
  }
});

test("a claim lists every finding that bears on it, and each finding links back", async (t) => {
  if (!needs(t, graph.stances, "stances of findings on claims")) return;
  for (const claim of graph.claims) {
    const findings = graph.stances.filter((s) => s.claim === claim.id).map((s) => s.finding);
    if (!findings.length) continue;
    await open(urlOf("claims", claim.id));
    const links = await mainLinks();
    for (const f of findings) assert.ok(links.includes(urlOf("findings", f)), `claim ${claim.id} does not list finding ${f}`);
    for (const f of findings) {
      await open(urlOf("findings", f));
      assert.ok((await mainLinks()).includes(urlOf("claims", claim.id)), `finding ${f} does not link back to claim ${claim.id}`);
    }
  }
});

test("a topic lists its claims", async (t) => {
  if (!needs(t, graph.topics, "topics")) return;
  for (const topic of graph.topics) {
    await open(urlOf("topics", topic.id));
    const links = await mainLinks();
    for (const c of topic.claims) assert.ok(links.includes(urlOf("claims", c)), `topic ${topic.id} does not list claim ${c}`);
  }
});

test("no console errors and no request to another origin while navigating", () => {
  assert.deepEqual(guarded.problems(), []);
});
