// The enhancements, in chromium: sorting and filtering a data table, copying a citation, and
// searching (by a word of a finding's quote, then filtered by stance). Pages and words come from
// the evidence graph the build wrote, not from hard-coded ids.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { guardedContext, launch } from "../lib/browser.mjs";
import { baseUrl, evidence, publicDir, serve, walk } from "../lib/site.mjs";

const dir = publicDir();
const graph = evidence(dir);
const base = baseUrl(dir).href;

let server, browser, guarded, page;
before(async () => {
  server = await serve(dir);
  browser = await launch();
  guarded = await guardedContext(browser, server.origin, { viewport: { width: 1280, height: 900 } });
  await guarded.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.origin });
  page = await guarded.context.newPage();
});
after(async () => {
  await guarded?.context.close();
  await browser?.close();
  await server?.close();
});

const local = (url) => server.root + url.slice(base.length);

test("a data table sorts by a column and filters its rows", async () => {
  const table = walk(dir).find((f) => /^tables\/[^/]+\/index\.html$/.test(f));
  assert.ok(table, "the site has a table page");
  await page.goto(server.root + table.replace(/index\.html$/, ""), { waitUntil: "load" });
  const rows = page.locator("table.data-table tbody tr");
  const count = await rows.count();
  assert.ok(count >= 2, "the table has rows to sort");
  const firstColumn = () => page.$$eval("table.data-table tbody tr th", (ths) => ths.map((t) => t.textContent.trim()));
  const sortKeys = () => page.$$eval("table.data-table tbody tr th", (ths) => ths.map((t) => t.getAttribute("data-sort")));
  const button = page.locator("table.data-table thead th button").first();
  await button.click();
  const asc = await firstColumn();
  const keys = await sortKeys();
  assert.deepEqual(keys, [...keys].sort(), "ascending order follows the cells' sort keys");
  assert.equal(await page.locator("table.data-table thead th").first().getAttribute("aria-sort"), "ascending");
  await button.click();
  assert.equal(await page.locator("table.data-table thead th").first().getAttribute("aria-sort"), "descending");
  assert.deepEqual(await firstColumn(), [...asc].reverse(), "descending is ascending reversed");
  // Filtering by the first row's header leaves that row and says how many are shown.
  const word = asc[0].split(/\s+/)[0];
  await page.fill(".table-filter input", word);
  const visible = await page.$$eval("table.data-table tbody tr", (trs) => trs.filter((t) => !t.hidden).length);
  assert.ok(visible >= 1 && visible <= count, `${visible} rows shown for "${word}"`);
  assert.match(await page.textContent(".filter-status"), new RegExp(`^${visible} of ${count} rows shown`));
  await page.fill(".table-filter input", "zzzz-no-such-row");
  assert.match(await page.textContent(".filter-status"), new RegExp(`^0 of ${count} rows shown`));
  assert.deepEqual(guarded.problems(), []);
});

test("copying a citation puts its plain text on the clipboard", async () => {
  const source = graph.sources[0];
  await page.goto(local(source.url), { waitUntil: "load" });
  const first = page.locator("[data-copy-text]").first();
  const expected = await first.getAttribute("data-copy-text");
  assert.ok(expected && expected.includes(source.title.split(" ")[0]), "the citation names the source");
  await page.locator("button.copy").first().click();
  await page.waitForFunction(() => document.querySelector("button.copy")?.textContent === "Copied");
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), expected);
  assert.deepEqual(guarded.problems(), []);
});

test("search finds a finding by a word of its quote and filters by stance", async () => {
  // A finding with a stance, and the longest word of its quote.
  const finding = graph.findings.find((f) => graph.stances.some((s) => s.finding === f.id));
  const stance = graph.stances.find((s) => s.finding === finding.id).stance;
  const word = finding.quote.split(/[^\p{L}\p{N}]+/u).sort((a, b) => b.length - a.length)[0].toLowerCase();
  await page.goto(`${server.root}search/`, { waitUntil: "load" });
  await page.fill("#search-q", word);
  await page.click(".search-form button[type=submit]");
  await page.waitForFunction(() => /result/.test(document.getElementById("search-status").textContent));
  const hrefs = await page.$$eval("#search-results a", (as) => as.map((a) => a.href));
  assert.ok(hrefs.includes(local(finding.url)), `"${word}" finds ${finding.id}: got ${hrefs.join(", ")}`);
  // Filtering by its stance keeps it; by another stance drops it.
  await page.selectOption("#search-stance", stance);
  await page.waitForFunction(() => /result/.test(document.getElementById("search-status").textContent));
  assert.ok((await page.$$eval("#search-results a", (as) => as.map((a) => a.href))).includes(local(finding.url)));
  const other = ["supports", "contradicts", "mixed", "context"].find((s) => !graph.stances.some((x) => x.finding === finding.id && x.stance === s));
  await page.selectOption("#search-stance", other);
  await page.waitForFunction(() => /result/.test(document.getElementById("search-status").textContent));
  assert.ok(!(await page.$$eval("#search-results a", (as) => as.map((a) => a.href))).includes(local(finding.url)));
  assert.match(page.url(), /\?q=/, "the query is kept in the address, so it can be shared");
  assert.deepEqual(guarded.problems(), []);
});
