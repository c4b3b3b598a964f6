// Keyboard-only use, on one page of every page type: the first Tab focuses the skip link, which
// is then visible; Enter on it moves focus to #main; and every element Tab reaches shows a visible
// focus indicator (an outline or a box-shadow ring).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { guardedContext, launch } from "../lib/browser.mjs";
import { fileToPath, pageTypes, publicDir, serve } from "../lib/site.mjs";

const dir = publicDir();
const { picked } = pageTypes(dir, { requireAll: process.env.EVIDENT_REQUIRE_ALL_PAGE_TYPES === "1" });
const MAX_TABS = 400;

let server, browser, guarded;
before(async () => {
  server = await serve(dir);
  browser = await launch();
  guarded = await guardedContext(browser, server.origin, { viewport: { width: 1280, height: 900 } });
});
after(async () => {
  await guarded?.context.close();
  await browser?.close();
  await server?.close();
});

// What the focused element looks like: enough to say whether a sighted keyboard user sees it.
const focused = () => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const s = getComputedStyle(el);
  const r = el.getBoundingClientRect();
  return {
    tag: el.tagName.toLowerCase(),
    id: el.id,
    cls: el.className,
    href: el.getAttribute("href"),
    text: (el.textContent ?? "").trim().slice(0, 60),
    outline: s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0,
    ring: s.boxShadow !== "none",
    inView: r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth,
    visible: s.visibility !== "hidden" && parseFloat(s.opacity) > 0,
  };
};

for (const { type, file } of picked) {
  const path = file === "404.html" ? file : fileToPath(file);

  test(`skip link first, visible, and Enter moves focus to #main: ${type} /${file}`, async () => {
    const page = await guarded.context.newPage();
    try {
      await page.goto(server.root + path);
      await page.keyboard.press("Tab");
      const first = await page.evaluate(focused);
      assert.ok(first, "Tab focused nothing");
      assert.equal(first.href, "#main", `the first Tab stop is not the skip link but <${first.tag}> "${first.text}"`);
      assert.ok(first.text.length > 0, "the skip link has no text");
      assert.ok(first.inView && first.visible, "the skip link is not visible when focused");
      await page.keyboard.press("Enter");
      const after = await page.evaluate(focused);
      assert.equal(after?.id, "main", `Enter on the skip link left focus on ${JSON.stringify(after)}`);
    } finally {
      await page.close();
    }
  });

  test(`every Tab stop has a visible focus indicator: ${type} /${file}`, async () => {
    const page = await guarded.context.newPage();
    try {
      await page.goto(server.root + path);
      const bad = [];
      let stops = 0;
      const seen = new Set();
      for (let i = 0; i < MAX_TABS; i++) {
        await page.keyboard.press("Tab");
        const f = await page.evaluate(focused);
        if (!f) break; // focus left the document: the cycle is done
        const key = await page.evaluate(() => {
          const el = document.activeElement;
          return [...document.querySelectorAll("*")].indexOf(el);
        });
        if (seen.has(key)) break;
        seen.add(key);
        stops++;
        if (!(f.outline || f.ring) || !f.inView || !f.visible) bad.push(`<${f.tag}${f.href ? ` href="${f.href}"` : ""}> "${f.text}": ${JSON.stringify(f)}`);
      }
      assert.ok(stops > 0, "no element could be reached with Tab");
      assert.deepEqual(bad, [], `focused elements without a visible focus indicator:\n${bad.join("\n")}`);
    } finally {
      await page.close();
    }
  });
}

test("no console errors and no request to another origin", () => {
  assert.deepEqual(guarded.problems(), []);
});
