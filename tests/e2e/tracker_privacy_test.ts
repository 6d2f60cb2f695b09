// Chromium, the visitor's choices and the site's: Do Not Track and Global Privacy Control stop
// everything (the API still answers), local pages and automated browsers are skipped unless the
// tag says data-allow-local, data-no-* switch features off, UTM attribution lasts the tab, and
// the cookie-consent banner decides `ck=1`.
import assert from "node:assert/strict";
import { BROWSER_TEST, decodeParam, embed, openTracker, page } from "./_tracker.ts";

const BODY = `<button id="b" data-echelon-click="go">Go</button>
  <a id="dl" href="/a.zip">zip</a> <a id="out" href="https://elsewhere.example/">out</a>
  <div data-echelon-hover="h" id="h">hover</div><input id="i" name="q">
  <div style="height:4000px"></div>
  <script>for (const a of document.querySelectorAll("a")) a.onclick = (e) => e.preventDefault();</script>`;

type Api = { track(n: string): void; experiment(id: string, v?: unknown[]): string };

for (
  const [label, init] of [
    [
      "Do Not Track",
      () => Object.defineProperty(Navigator.prototype, "doNotTrack", { get: () => "1" }),
    ],
    [
      "Global Privacy Control",
      () => Object.defineProperty(Navigator.prototype, "globalPrivacyControl", { get: () => true }),
    ],
  ] as const
) {
  Deno.test({
    name: `e2e tracker: ${label} sends nothing, stores nothing, and the API still answers`,
    ...BROWSER_TEST,
    async fn() {
      const h = await openTracker({ pages: { "/": page(BODY) } });
      try {
        await h.page.addInitScript(init);
        await h.page.goto(h.site + "/");
        await h.page.click("#b");
        await h.page.mouse.wheel(0, 3000);
        const variant = await h.page.evaluate(() => {
          const api = (window as unknown as { echelon: Api }).echelon;
          api.track("signup");
          return api.experiment("hero", ["a", "b", "c"]);
        });
        assert.equal(variant, "a", "opted-out visitors see the first (control) variant");
        await h.page.waitForTimeout(1500);
        await h.page.close({ runBeforeUnload: true });
        await new Promise((resolve) => setTimeout(resolve, 300));
        assert.deepEqual([h.views.length, h.batches.length, h.challenges.length], [0, 0, 0]);
        const stored = await h.stored();
        assert.deepEqual([stored.views.length, stored.events.length], [0, 0]);
      } finally {
        await h.close();
      }
    },
  });
}

Deno.test({
  name: "e2e tracker: local pages under automation are skipped without data-allow-local",
  ...BROWSER_TEST,
  async fn() {
    const local = `<!doctype html><script src="{{app}}/ea.js" data-site="fixture"></script>${BODY}`;
    const h = await openTracker({ pages: { "/": local } });
    try {
      await h.page.goto(h.site + "/"); // 127.0.0.1, and Playwright sets navigator.webdriver
      await h.page.click("#b");
      await h.page.waitForTimeout(1500);
      assert.equal(
        await h.page.evaluate(() => typeof (window as { echelon?: unknown }).echelon),
        "object",
        "the API exists, so the page's own calls never fail",
      );
      assert.deepEqual([h.views.length, h.batches.length, h.challenges.length], [0, 0, 0]);
      assert.equal(
        await h.page.evaluate(() => sessionStorage.length),
        0,
        "nothing stored in the visitor's browser",
      );
    } finally {
      await h.close();
    }
  },
});

Deno.test({
  name: "e2e tracker: data-no-* attributes switch features off",
  ...BROWSER_TEST,
  async fn() {
    const off = "data-no-clicks data-no-scroll data-no-hover data-no-outbound " +
      "data-no-downloads data-no-forms data-no-vitals";
    const h = await openTracker({ pages: { "/": page(BODY, off) } });
    try {
      const tab = h.page;
      await tab.goto(h.site + "/");
      await tab.click("#b");
      await tab.click("#dl");
      await tab.click("#out");
      await tab.hover("#h");
      await tab.waitForTimeout(1200);
      await tab.click("#i");
      await tab.keyboard.type("x");
      await tab.keyboard.press("Tab");
      for (let i = 0; i < 8; i++) await tab.mouse.wheel(0, 600);
      await tab.evaluate(() => (window as unknown as { echelon: Api }).echelon.track("still"));
      await tab.close({ runBeforeUnload: true });
      await h.waitFor(() => h.events("session_end").length === 1, "the session end");
      const types = new Set(h.events().map((e) => e.type));
      assert.deepEqual([...types].sort(), ["custom", "pageview_end", "session_end"]);
      assert.equal(h.views.length, 1, "page views are never optional");
      assert.equal(h.deferred.length, 0, "without vitals and hover the chunk is not loaded");
    } finally {
      await h.close();
    }
  },
});

Deno.test({
  name: "e2e tracker: UTM attribution persists for the tab across page loads",
  ...BROWSER_TEST,
  async fn() {
    const h = await openTracker({ pages: { "*": page(BODY) } });
    try {
      h.t.services.db.run(
        `INSERT INTO utm_campaigns (id, name, utm_campaign, site_id) VALUES ('c1', 'Spring', 'spring', 'fixture')`,
      );
      await h.t.services.collect.caches.refresh(h.t.services.store, h.t.clock.now);
      const tab = h.page;
      await tab.goto(h.site + "/land?utm_campaign=spring&utm_source=mail&utm_medium=email");
      await tab.mouse.click(5, 5);
      await h.waitFor(() => h.views.length === 1, "the landing view");
      await tab.goto(h.site + "/pricing");
      await tab.click("#b");
      await h.waitFor(() => h.views.length === 2 && h.events("click").length === 1, "second view");
      for (const view of h.views) {
        assert.equal(decodeParam(view.get("uc")), "spring");
        assert.equal(decodeParam(view.get("us")), "mail");
        assert.equal(decodeParam(view.get("um")), "email");
      }
      assert.equal(h.events("click")[0].utmCampaign, "spring");
      const { views, events } = await h.stored();
      assert.deepEqual(views.map((v) => [v.path, v.utm_campaign, v.utm_source]), [
        ["/land", "spring", "mail"],
        ["/pricing", "spring", "mail"],
      ]);
      assert.equal(events.find((e) => e.event_type === "click")?.utm_campaign, "spring");

      const other = await h.browser.context.newPage(); // a new tab starts unattributed
      await other.goto(h.site + "/pricing");
      await other.mouse.click(5, 5);
      await h.waitFor(() => h.views.length === 3, "the other tab's view");
      assert.equal(h.views[2].get("uc"), null);
    } finally {
      await h.close();
    }
  },
});

Deno.test({
  name: "e2e tracker: with ECHELON_COOKIE_CONSENT the banner decides ck=1, styled per site",
  ...BROWSER_TEST,
  async fn() {
    const h = await openTracker({
      env: { ECHELON_COOKIE_CONSENT: "true" },
      pages: {
        "/": `<!doctype html>${embed("data-cookie")}<h1>Hi</h1>`,
        "/plain": page(),
      },
    });
    try {
      h.t.services.db.run(
        "INSERT INTO site_settings (site_id, consent_css) VALUES ('fixture', 'div{background:rgb(1, 2, 3)}')",
      );
      await h.t.services.collect.caches.refresh(h.t.services.store, h.t.clock.now);
      const tab = h.page;
      await tab.goto(h.site + "/");
      const accept = tab.locator("echelon-consent button[value='1']");
      await accept.waitFor();
      const background = await tab.locator("echelon-consent div").evaluate((el) =>
        getComputedStyle(el).backgroundColor
      );
      assert.equal(background, "rgb(1, 2, 3)");
      // Pressed as a person presses (pointerdown, then the click 300 ms later): the press is the
      // interaction that opens the view's gate, before the choice is made; the view waits for it.
      await tab.waitForTimeout(1000);
      await accept.click({ delay: 300 });
      await h.waitFor(() => h.views.length === 1, "the view after consent");
      assert.equal(h.views[0].get("ck"), "1");
      assert.equal(await tab.locator("echelon-consent").count(), 0, "the banner is gone");
      await tab.reload();
      await tab.mouse.click(5, 5);
      await h.waitFor(() => h.views.length === 2, "the view after reload");
      assert.equal(h.views[1].get("ck"), "1");
      assert.equal(await tab.locator("echelon-consent").count(), 0, "the choice is remembered");
      const { views } = await h.stored();
      assert.deepEqual(
        views.map((v) => v.is_returning),
        [0, 1],
        "the cookie identifies the visitor",
      );

      // Declining: no ck; a tag without data-cookie never asks.
      await tab.evaluate(() => localStorage.clear());
      await tab.reload();
      await tab.locator("echelon-consent button[value='0']").click();
      await h.waitFor(() => h.views.length === 3, "the view after declining");
      assert.equal(h.views[2].get("ck"), null);
      await tab.goto(h.site + "/plain");
      await tab.waitForTimeout(500);
      assert.equal(await tab.locator("echelon-consent").count(), 0);
    } finally {
      await h.close();
    }
  },
});
