// Chromium: a page that still embeds Nanolytica's snippet, with only the host changed to ours
// (`/nanolytica.js`, no data-site), is tracked by our script under the site "default" — the
// site Nanolytica uses without data-site — with a valid proof-of-work token.
import assert from "node:assert/strict";
import { AUTOMATED_SCORE, BROWSER_TEST, openTracker } from "./_tracker.ts";

Deno.test({
  name: 'e2e nanolytica: its snippet pointed at Echelon tracks the page under "default"',
  ...BROWSER_TEST,
  async fn() {
    const h = await openTracker({
      pages: {
        // data-allow-local only because the fixture is served from 127.0.0.1.
        "/post": `<!doctype html><html><head><meta charset="utf-8"><title>Post</title></head>` +
          `<body><h1>Hello</h1><script src="{{app}}/nanolytica.js" data-allow-local></script>` +
          `</body></html>`,
      },
    });
    try {
      await h.page.goto(`${h.site}/post`);
      await h.page.waitForTimeout(1200);
      await h.page.mouse.click(10, 10);
      await h.waitFor(() => h.views.length === 1, "the page view");
      assert.equal(h.views[0].get("s"), "default");
      const [view] = (await h.stored()).views;
      assert.deepEqual(
        [view.site_id, view.path, view.pow_verdict, view.bot_score],
        ["default", "/post", "valid", AUTOMATED_SCORE],
      );
      assert.deepEqual(h.browser.errors, []);
    } finally {
      await h.close();
    }
  },
});
