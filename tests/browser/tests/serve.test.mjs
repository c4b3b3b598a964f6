// `evident serve`, tried as a maintainer would in a real browser: open a finding, save an edit to
// its YAML and watch the open page reload by itself with the new text; save a broken edit and see
// the diagnostics overlay (while the server keeps answering with the last good page); fix it and
// see the overlay go and the page come back. The site is a copy of the repository's bundled site
// in a temporary folder, so nothing of the repository is touched. The time from saving to the new
// text is printed, not asserted: speed is measured by benches/serve_edit.py.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { guardedContext, launch } from "../lib/browser.mjs";

const repo = resolve(fileURLToPath(new URL("../../..", import.meta.url)));
const binary = process.env.EVIDENT_BIN ?? join(repo, "target", "release", "evident");

const freePort = () =>
  new Promise((ok, fail) => {
    const s = createServer();
    s.once("error", fail);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });

let site, server, output, origin, browser, guarded, page, file, original, id, statement;
before(async () => {
  assert.ok(existsSync(binary), `no evident binary at ${binary}: build it, or set EVIDENT_BIN`);
  site = mkdtempSync(join(tmpdir(), "evident-serve-"));
  for (const name of ["site.yaml", "permalinks.txt", "content", "data", "archive", "releases", "static", "templates", "themes"]) {
    if (existsSync(join(repo, name))) cpSync(join(repo, name), join(site, name), { recursive: true, dereference: true });
  }
  const findings = join(site, "data", "findings");
  file = join(findings, readdirSync(findings).filter((f) => f.endsWith(".yaml")).sort()[0]);
  original = readFileSync(file, "utf8");
  id = original.match(/^\s*- id: ([a-z0-9-]+)\s*$/m)[1];
  statement = original.match(/^\s+statement: (.+)$/m)[1];
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  output = "";
  server = spawn(binary, ["--root", site, "serve", "--port", String(port)], { stdio: ["ignore", "pipe", "pipe"] });
  server.stdout.on("data", (d) => (output += d));
  server.stderr.on("data", (d) => (output += d));
  const started = Date.now();
  for (;;) {
    try {
      if ((await fetch(`${origin}/findings/${id}/`)).ok) break;
    } catch {
      // not listening yet
    }
    if (server.exitCode !== null || Date.now() - started > 120_000) {
      throw new Error(`evident serve did not start:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  browser = await launch();
  guarded = await guardedContext(browser, origin);
  page = await guarded.context.newPage();
  await page.goto(`${origin}/findings/${id}/`, { waitUntil: "load" });
  // The reload script is connected before anything is saved.
  await page.waitForFunction(() => document.documentElement.dataset.evidentLive === "listening", null, { timeout: 10_000 });
});
after(async () => {
  await guarded?.context.close();
  await browser?.close();
  server?.kill();
  if (site) rmSync(site, { recursive: true, force: true });
});

const save = (text) => writeFileSync(file, text);
const edited = (words) => original.replace(`statement: ${statement}`, `statement: ${words} ${statement}`);

test("saving a finding reloads the open page with the new text", async () => {
  const words = `Edited in the browser test ${Date.now()}.`;
  const navigations = [];
  page.on("framenavigated", (f) => f === page.mainFrame() && navigations.push(f.url()));
  const saved = Date.now();
  save(edited(words));
  await page.waitForFunction((w) => document.body.innerText.includes(w), words, { timeout: 10_000 });
  await page.waitForFunction(() => document.documentElement.dataset.evidentLive === "listening", null, { timeout: 10_000 });
  console.log(`saved to new text on the page: ${Date.now() - saved} ms`);
  assert.ok(navigations.length >= 1, "the page reloaded by itself");
});

test("a broken edit shows the diagnostics over the page and keeps the last good site", async () => {
  const before = await (await fetch(`${origin}/findings/${id}/`)).text();
  save(edited("Edited in the browser test, then broken.").replace(/^(\s+source: ).+$/m, "$1no-such-source"));
  const overlay = page.locator("#evident-overlay");
  await overlay.waitFor({ state: "visible", timeout: 10_000 });
  const text = await overlay.innerText();
  assert.match(text, /data\/findings\/[^:]+\.yaml:\d+:\d+: error\[unknown-source\]/);
  assert.equal(await overlay.getAttribute("role"), "alert");
  const response = await fetch(`${origin}/findings/${id}/`);
  assert.equal(response.status, 200, "the server still answers");
  assert.equal(await response.text(), before, "with the last good page");
});

test("fixing the edit removes the overlay and shows the page again", async () => {
  const words = `Fixed in the browser test ${Date.now()}.`;
  save(edited(words));
  await page.waitForFunction((w) => document.body.innerText.includes(w), words, { timeout: 10_000 });
  await page.waitForFunction(() => document.documentElement.dataset.evidentLive === "listening", null, { timeout: 10_000 });
  assert.equal(await page.locator("#evident-overlay").count(), 0, "no overlay once fixed");
  assert.deepEqual(guarded.problems(), [], "no console errors or requests to other sites");
});
