// WCAG 2.1 SC 1.4.10 Reflow: at 320 CSS px wide, no page scrolls sideways. axe does not test
// this, so this gate does: on one page of every page type, in light and dark, the document is no
// wider than the viewport, and no element (other than inside a table's own scroll box, which
// says so) reaches past the right edge.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { guardedContext, launch } from "../lib/browser.mjs";
import { fileToPath, pageTypes, publicDir, serve } from "../lib/site.mjs";

const WIDTH = 320;
const dir = publicDir();
const { picked } = pageTypes(dir, { requireAll: process.env.EVIDENT_REQUIRE_ALL_PAGE_TYPES === "1" });

let server, browser;
before(async () => {
  server = await serve(dir);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

/** What sticks out of a 320 px page: the document's width, and the widest elements past the edge. */
function overflow() {
  const width = document.documentElement.clientWidth;
  const scroll = Math.max(document.documentElement.scrollWidth, document.body.scrollWidth);
  const out = [];
  for (const el of document.body.querySelectorAll("*")) {
    // A table scrolls inside its own box, which the reader can see and reach.
    if (el.closest(".table-wrap")) continue;
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > width + 1) {
      const name = el.tagName.toLowerCase() + (el.className && typeof el.className === "string" ? "." + el.className.split(" ").join(".") : "");
      out.push(`${name} reaches ${Math.round(r.right)} px`);
    }
  }
  return { width, scroll, out: out.slice(0, 8) };
}

for (const colorScheme of ["light", "dark"]) {
  test(`no page scrolls sideways at ${WIDTH} px, ${colorScheme}`, async (t) => {
    const { context, problems } = await guardedContext(browser, server.origin, {
      colorScheme,
      viewport: { width: WIDTH, height: 800 },
    });
    const page = await context.newPage();
    try {
      for (const { type, file } of picked) {
        await t.test(`${type}: /${file}`, async () => {
          const path = file === "404.html" ? file : fileToPath(file);
          const response = await page.goto(server.root + path, { waitUntil: "load" });
          assert.equal(response.status(), 200, `GET ${path}`);
          const { width, scroll, out } = await page.evaluate(overflow);
          assert.equal(width, WIDTH, "the page must not widen its own viewport");
          assert.ok(
            scroll <= WIDTH && out.length === 0,
            `/${file} is ${scroll} px wide at ${WIDTH} px (${colorScheme}): ${out.join("; ")}`,
          );
        });
      }
      assert.deepEqual(problems(), [], "console errors or requests to another origin");
    } finally {
      await context.close();
    }
  });
}

// A finding prints on one A4 page, with one reference (the print stylesheet drops the other
// styles, the page citation and the buttons): every finding page of the site.
test("every finding page prints on one A4 page", async () => {
  const { evidence } = await import("../lib/site.mjs");
  const findings = evidence(dir).findings;
  assert.ok(findings.length > 0, "the site has findings");
  const { context } = await guardedContext(browser, server.origin, {});
  const page = await context.newPage();
  const long = [];
  try {
    for (const f of findings) {
      const path = new URL(f.url).pathname;
      await page.goto(server.origin + path, { waitUntil: "load" });
      const pdf = await page.pdf({ format: "A4" });
      const pages = (pdf.toString("latin1").match(/\/Type\s*\/Page[^s]/g) || []).length;
      assert.ok(pages >= 1, `no pages in the PDF of ${path}`);
      if (pages > 1) long.push(`${path}: ${pages} pages`);
    }
  } finally {
    await context.close();
  }
  assert.deepEqual(long, [], "finding pages that print on more than one page");
});
