// axe-core, injected into chromium: zero WCAG 2.0/2.1 A and AA violations on one page of every
// page type the built site has, in light and dark colour schemes, at 320 px and 1280 px wide.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { guardedContext, launch } from "../lib/browser.mjs";
import { fileToPath, pageTypes, publicDir, serve } from "../lib/site.mjs";

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
const SCHEMES = ["light", "dark"];
const WIDTHS = [320, 1280];

const dir = publicDir();
const { picked, missing } = pageTypes(dir, { requireAll: process.env.EVIDENT_REQUIRE_ALL_PAGE_TYPES === "1" });
if (missing.length) console.log(`# axe: this site has no page of type: ${missing.join(", ")}`);

let server, browser;
before(async () => {
  server = await serve(dir);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

const describe = (v) =>
  `${v.id} (${v.impact}): ${v.help}\n    ${v.helpUrl}\n` +
  v.nodes.map((n) => `    at ${n.target.join(" ")}: ${n.failureSummary?.replace(/\n/g, " ")}`).join("\n");

for (const colorScheme of SCHEMES) {
  for (const width of WIDTHS) {
    test(`axe, ${colorScheme} scheme, ${width} px`, async (t) => {
      const { context, problems } = await guardedContext(browser, server.origin, {
        colorScheme,
        viewport: { width, height: 900 },
      });
      const page = await context.newPage();
      try {
        for (const { type, file } of picked) {
          await t.test(`${type}: /${file}`, async () => {
            const path = file === "404.html" ? file : fileToPath(file);
            const response = await page.goto(server.root + path, { waitUntil: "load" });
            assert.equal(response.status(), 200, `GET ${path}`);
            await page.evaluate(axeSource);
            const result = await page.evaluate(
              (tags) => globalThis.axe.run(document, { runOnly: { type: "tag", values: tags }, }),
              TAGS,
            );
            // axe that checked nothing would pass anything: make sure the rules ran.
            assert.ok(result.passes.length > 10, `axe ran only ${result.passes.length} passing rules on /${file}`);
            assert.deepEqual(
              result.violations.map(describe),
              [],
              `axe found ${result.violations.length} WCAG violation(s) on /${file} (${colorScheme}, ${width} px):\n` +
                result.violations.map(describe).join("\n"),
            );
          });
        }
        assert.deepEqual(problems(), [], "console errors or requests to another origin");
      } finally {
        await context.close();
      }
    });
  }
}
