// Chromium, end to end, the campaign page's islands (@preact/signals): the UTM link builder builds
// the tagged link as you type, names a bad URL, and copies the link to the clipboard; the live
// figures change on screen after a new tagged visit is stored, without reloading the page.
import assert from "node:assert/strict";
import { AUTH_ENV } from "../_auth.ts";
import { registerCampaign, signIn } from "./_admin_campaigns.ts";
import { BROWSER_TEST, openTracker, page } from "./_tracker.ts";

Deno.test({
  name: "e2e campaign islands: UTM link builder with copy, live figures after a new visit",
  ...BROWSER_TEST,
  async fn() {
    const h = await openTracker({
      env: { ...AUTH_ENV },
      pages: { "/landing": page("<h1>Winter sale</h1><p>Warm coats.</p>") },
    });
    try {
      const tab = h.page;
      await signIn(tab, h.app);
      await registerCampaign(tab, h.app, {
        utmCampaign: "winter-sale",
        name: "Winter sale",
        siteId: "fixture",
      });
      await tab.waitForSelector("html[data-hydrated='true']");

      // The link builder: typed fields, the link at once, no round trip (no submit button).
      const builder = tab.locator("#url-builder");
      assert.equal(await builder.locator('button[type="submit"]').count(), 0);
      await builder.locator('input[name="link_url"]').fill("notaurl");
      await tab.waitForFunction(() =>
        document.getElementById("url-builder")?.textContent?.includes("is not a URL")
      );
      assert.match(await builder.innerText(), /Landing page: "notaurl" is not a URL\./);
      assert.equal(await tab.locator("#tagged-url").count(), 0);
      await builder.locator('input[name="link_url"]').fill("https://shop.example/sale?ref=1#top");
      await builder.locator('input[name="link_source"]').fill("newsletter");
      await builder.locator('input[name="link_medium"]').fill("email");
      await builder.locator('input[name="link_term"]').fill("red shoes");
      const expected = "https://shop.example/sale?ref=1&utm_campaign=winter-sale" +
        "&utm_source=newsletter&utm_medium=email&utm_term=red+shoes#top";
      await tab.waitForFunction(
        (want) => document.querySelector("#tagged-url code")?.textContent === want,
        expected,
      );
      assert.equal(await tab.locator("#tagged-url code").innerText(), expected);
      assert.doesNotMatch(await builder.innerText(), /is not a URL/);

      await h.browser.context.grantPermissions(["clipboard-read", "clipboard-write"], {
        origin: h.app,
      });
      await tab.click("#copy-tagged-url");
      await tab.waitForFunction(() =>
        document.getElementById("copy-status")?.textContent === "Copied to the clipboard."
      );
      assert.equal(await tab.evaluate(() => navigator.clipboard.readText()), expected);
      // Editing the link again: the copied note goes, the link follows.
      // (The island re-renders after the input event: wait for it rather than race it.)
      await builder.locator('input[name="link_content"]').fill("banner");
      await tab.waitForFunction(() =>
        document.getElementById("copy-status")?.textContent === "" &&
        document.querySelector("#tagged-url code")?.textContent?.includes("utm_content=banner")
      );
      assert.equal(await tab.locator("#copy-status").innerText(), "");
      assert.match(await tab.locator("#tagged-url code").innerText(), /utm_content=banner/);

      // The live figures: none yet; a tagged visit in another tab is stored, and the figures on
      // this page follow within a poll (10 s), without a reload.
      const figures = tab.locator("#campaign-figures");
      const views = () => figures.locator("div.rounded-xl").nth(0).innerText();
      assert.match(await views(), /^views\s+0$/i);
      const visitor = await h.browser.context.newPage();
      await visitor.goto(`${h.site}/landing?utm_campaign=winter-sale&utm_source=newsletter`);
      await visitor.waitForTimeout(1200); // a human-paced first interaction
      await visitor.mouse.click(20, 20);
      await h.waitFor(() => h.views.length === 1, "the page view");
      const stored = (await h.stored()).views;
      assert.deepEqual(
        stored.map((v) => [v.utm_campaign, v.utm_source]),
        [["winter-sale", "newsletter"]],
      );
      await visitor.close();
      await tab.bringToFront();
      const loadedAt = await tab.evaluate(() => performance.timeOrigin);
      await tab.waitForFunction(
        () =>
          /^views\s+1$/i.test(
            (document.querySelector("#campaign-figures div.rounded-xl") as HTMLElement).innerText,
          ),
        undefined,
        { timeout: 25_000 },
      );
      assert.match(await figures.innerText(), /visitors\s+1\b/i);
      assert.equal(await tab.evaluate(() => performance.timeOrigin), loadedAt, "no reload");
      assert.equal(await tab.locator("#campaign-live-status").innerText(), "updates every 10 s");
      assert.deepEqual(h.browser.errors, []);
    } finally {
      await h.close();
    }
  },
});
