// The enhancements, in chromium: sorting and filtering a data table, copying a citation, and
// searching (by a word of a finding's quote, then filtered by stance; by other forms of a word and
// other spellings of a compound; with the stemmer the index used; without JavaScript). Pages and
// words come from the evidence graph the build wrote, not from hard-coded ids, but for the queries
// the bundled site is known to need.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
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

// The search page's results for `q`, as URLs.
async function searchFor(q) {
  await page.goto(`${server.root}search/`, { waitUntil: "load" });
  await page.fill("#search-q", q);
  await page.click(".search-form button[type=submit]");
  await page.waitForFunction(() => /result/i.test(document.getElementById("search-status").textContent));
  return page.$$eval("#search-results a", (as) => as.map((a) => a.href));
}

// The indexed text of the graph's nodes, by URL (the fields the index reads).
const indexedText = [
  ...graph.findings.map((f) => [f.url, [f.statement, f.quote, f.population]]),
  ...graph.sources.map((s) => [s.url, [s.title, s.container_title]]),
  ...graph.claims.map((c) => [c.url, [c.title, c.summary]]),
  ...graph.topics.map((t) => [t.url, [t.title, t.question, t.summary]]),
  ...graph.gaps.map((g) => [g.url, [g.title, g.quote, g.expected]]),
].map(([url, texts]) => [url, texts.filter(Boolean).join(" ")]);

test("search finds other forms of a word and other spellings of a compound", async () => {
  for (const [query, written] of [
    ["outcomes", /\boutcome\b/i],
    ["wellbeing", /\bwell-being\b/i],
    ["direct payments", /\bdirect payment\b/i],
  ]) {
    const expected = indexedText.filter(([, text]) => written.test(text)).map(([url]) => local(url));
    assert.ok(expected.length > 0, `the bundled site writes ${written} somewhere the index reads`);
    const hrefs = await searchFor(query);
    for (const url of expected) assert.ok(hrefs.includes(url), `"${query}" finds ${url}: got ${hrefs.join(", ")}`);
  }
  // However the compound is written, the same documents.
  const wellbeing = await searchFor("wellbeing");
  assert.deepEqual(await searchFor("well-being"), wellbeing);
  assert.deepEqual(await searchFor("Well being"), wellbeing);
  assert.deepEqual(guarded.problems(), []);
});

test("the search page stems every indexed word as the index did", async () => {
  await page.goto(`${server.root}search/`, { waitUntil: "load" });
  // search/stems.json: every word the index stemmed, by the stem rust-stemmers gave it.
  const mismatches = await page.evaluate(async () => {
    const stems = await (await fetch("stems.json")).json();
    const out = [];
    for (const [stem, words] of Object.entries(stems)) {
      for (const w of words) {
        const js = window.snowballEnglish.stem(w);
        if (js !== stem) out.push(`${w}: index ${stem}, page ${js}`);
      }
    }
    return { count: Object.values(stems).flat().length, out };
  });
  assert.ok(mismatches.count > 100, `stems.json lists the site's words (${mismatches.count})`);
  assert.deepEqual(mismatches.out, []);
  // Only the search page loads the stemmer.
  const home = readFileSync(join(dir, "index.html"), "utf8");
  assert.ok(!home.includes("snowball-english.js"), "the home page does not load the stemmer");
  assert.deepEqual(guarded.problems(), []);
});

test("without JavaScript the search page offers the indexes, not a form that does nothing", async () => {
  const off = await guardedContext(browser, server.origin, { javaScriptEnabled: false });
  try {
    const p = await off.context.newPage();
    await p.goto(`${server.root}search/`, { waitUntil: "load" });
    assert.equal(await p.locator(".search-form").isVisible(), false, "the form is hidden");
    assert.equal(await p.locator("#search-stance").isVisible(), false, "the filters are hidden");
    assert.ok(await p.locator("#search-fallback").isVisible(), "the fallback is shown");
    const links = await p.$$eval("#search-fallback a", (as) => as.map((a) => new URL(a.href).pathname));
    for (const folder of ["sources", "findings", "claims", "topics"]) {
      assert.ok(links.some((l) => l.endsWith(`/${folder}/`)), `the fallback links to ${folder}: ${links.join(", ")}`);
    }
    assert.deepEqual(off.problems(), []);
  } finally {
    await off.context.close();
  }
  // With JavaScript, the other way round.
  await page.goto(`${server.root}search/`, { waitUntil: "load" });
  assert.ok(await page.locator(".search-form").isVisible(), "the form is shown");
  assert.equal(await page.locator("#search-fallback").isVisible(), false, "the fallback is hidden");
});
