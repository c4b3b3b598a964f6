// Chromium through playwright-core, with two guards on every page: requests that leave the site's
// origin are blocked and recorded, and console errors and uncaught exceptions are recorded. A test
// calls `problems()` at the end and fails on any.
import { chromium } from "playwright-core";
import { CHROMIUM_ARGS, chromiumPath } from "./site.mjs";

export async function launch() {
  return chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS, headless: true });
}

/**
 * A fresh browser context for `origin` (e.g. `http://127.0.0.1:4123`) with the guards on.
 * `options` go to `browser.newContext` (viewport, colorScheme, …).
 */
export async function guardedContext(browser, origin, options = {}) {
  const context = await browser.newContext(options);
  const found = [];
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (/^(data|blob|about):/.test(url) || new URL(url).origin === origin) return route.continue();
    found.push(`request to another origin: ${url} (from ${route.request().frame()?.url() ?? "?"})`);
    return route.abort("blockedbyclient");
  });
  const watch = (page) => {
    page.on("console", (msg) => {
      if (msg.type() === "error") found.push(`console error on ${page.url()}: ${msg.text()}`);
    });
    page.on("pageerror", (err) => found.push(`uncaught exception on ${page.url()}: ${err.message}`));
  };
  context.on("page", watch);
  return { context, problems: () => found.slice() };
}
