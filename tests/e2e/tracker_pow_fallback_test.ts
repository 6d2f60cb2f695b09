// Chromium without usable WebAssembly (issue 14 item 1), /ea.js loads the JavaScript solver
// (/ea.pow.js) and the visitor's view is stored with a valid proof after a trusted click, counted
// as human; a browser with WebAssembly never loads it. Two ways to lose WebAssembly: V8 without
// a JIT (`--js-flags=--jitless`, the shape of Safari's Lockdown Mode: no WebAssembly global, JS
// interpreted; V8 15 has no `--noexpose_wasm` any more) and a page CSP without 'wasm-unsafe-eval'.
import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import type { Page } from "playwright-core";
import { BOT_SCORE_THRESHOLD } from "../../lib/db/columns.ts";
import { BROWSER_TEST, type Harness, openTracker, page } from "./_tracker.ts";

const TRACKER_GZIP_BUDGET = 5 * 1024;
const CSP_WITHOUT_WASM = `<meta http-equiv="Content-Security-Policy" content="script-src {{app}}">`;

/** The body of /ea.js as the tab received it. */
function trackerBody(tab: Page): () => Promise<Uint8Array> {
  let body: Promise<Uint8Array> | undefined;
  tab.on("response", (response) => {
    if (new URL(response.url()).pathname === "/ea.js") body = response.body();
  });
  return () => body!;
}

/** Requests for the fallback chunk so far. */
const fallbackLoads = (h: Harness) => h.chunks.filter((url) => url.pathname === "/ea.pow.js");

/** Opens `path`, waits for the token, clicks like a person, and returns the stored view. */
async function visitAndClick(h: Harness, tab: Page, path: string) {
  const before = h.views.length;
  await tab.goto(h.site + path);
  const stored = await tab.waitForFunction(() => sessionStorage.getItem("_etok"), null, {
    timeout: 30_000,
  });
  const token = JSON.parse(String(await stored.jsonValue())) as { t: string; p: number };
  await tab.waitForTimeout(1100); // a first interaction under 1 s adds timing points
  await tab.mouse.click(5, 5);
  await h.waitFor(() => h.views.length > before, `the view of ${path}`);
  const view = (await h.stored()).views.at(-1)!;
  return { token, view };
}

Deno.test({
  name: "e2e pow fallback: Chromium without a JIT or WebAssembly solves in JavaScript, counted",
  ...BROWSER_TEST,
  async fn() {
    const h = await openTracker({
      pages: { "/": page("<h1>No WebAssembly here</h1>") },
      browserArgs: ["--js-flags=--jitless"],
    });
    try {
      const tracker = trackerBody(h.page);
      const { token, view } = await visitAndClick(h, h.page, "/");
      assert.equal(await h.page.evaluate(() => typeof WebAssembly), "undefined");
      assert.equal(fallbackLoads(h).length, 1);
      assert.equal(view.pow_verdict, "valid", String(view.bot_score_detail));
      assert.ok(Number(view.bot_score) < BOT_SCORE_THRESHOLD, String(view.bot_score_detail));
      assert.equal(h.views.at(-1)!.get("tok"), token.t);
      console.log(`fallback solve at difficulty ${token.t.split(":")[4]}: ${token.p} ms`);
      const served = gzipSync(await tracker(), { level: 9 }).length;
      assert.ok(served <= TRACKER_GZIP_BUDGET, `/ea.js ${served} B gzip`);
      assert.deepEqual(h.browser.errors, []);
    } finally {
      await h.close();
    }
  },
});

Deno.test({
  name: "e2e pow fallback: a CSP refusing WebAssembly falls back; a normal page never loads it",
  ...BROWSER_TEST,
  async fn() {
    const h = await openTracker({
      pages: {
        "/wasm": page("<h1>WebAssembly</h1>"),
        "/csp": page("<h1>CSP without wasm-unsafe-eval</h1>", "", CSP_WITHOUT_WASM),
      },
    });
    try {
      const first = await visitAndClick(h, h.page, "/wasm");
      assert.equal(first.view.pow_verdict, "valid", String(first.view.bot_score_detail));
      assert.equal(fallbackLoads(h).length, 0, "WebAssembly works: no fallback");

      const tab = await h.browser.context.newPage(); // a new tab: no token kept
      const second = await visitAndClick(h, tab, "/csp");
      assert.equal(fallbackLoads(h).length, 1);
      assert.equal(second.view.pow_verdict, "valid", String(second.view.bot_score_detail));
      assert.ok(Number(second.view.bot_score) < BOT_SCORE_THRESHOLD);
    } finally {
      await h.close();
    }
  },
});
