// Chromium, single-page apps and engagement: pushState/replaceState/popstate (and hash routes
// when opted in) send `_v=spa` views and end the previous view with `pageview_end`; engaged time
// counts only visible, focused time; scroll depth is measured against the final page height; a
// page that throws, breaks fetch/XMLHttpRequest or replaces history.pushState is still tracked.
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import {
  BROWSER_TEST,
  decodeParam,
  type Harness,
  openTracker,
  page,
  setVisibility,
} from "./_tracker.ts";

const paths = (h: Harness) => h.views.map((v) => decodeParam(v.get("p")));
const nav = (tab: Page, method: "pushState" | "replaceState", url: string) =>
  tab.evaluate(([m, u]) => history[m as "pushState"]({}, "", u), [method, url]);

Deno.test({
  name: "e2e tracker: SPA navigations send views, end the previous one, and are stored",
  ...BROWSER_TEST,
  async fn() {
    const h = await openTracker({ pages: { "*": page("<main>App</main>") } });
    try {
      const tab = h.page;
      await tab.goto(h.site + "/app");
      await tab.mouse.click(5, 5);
      await h.waitFor(() => h.views.length === 1, "the first view");
      await nav(tab, "pushState", "/app/one");
      await h.waitFor(() => h.views.length === 2, "the pushState view");
      await nav(tab, "replaceState", "/app/one?session=abc"); // filtered away: same page
      await nav(tab, "replaceState", "/app/two");
      await h.waitFor(() => h.views.length === 3, "the replaceState view");
      await tab.goBack(); // popstate to /app
      await h.waitFor(() => h.views.length === 4, "the popstate view");
      assert.deepEqual(paths(h), ["/app", "/app/one", "/app/two", "/app"]);
      assert.deepEqual(h.views.map((v) => v.get("_v") === "spa"), [false, true, true, true]);
      // An SPA view's referrer is the page before it: our own origin (stored as internal), and
      // it carries the page's cumulative trusted input (the click).
      assert.ok(
        h.views.slice(1).every((v) => decodeParam(v.get("ref")) === h.site && v.has("tok")),
      );
      assert.ok(h.views.every((v) => Number(v.get("it")?.split(".")[0]) & 1));
      assert.equal(new Set(h.views.map((v) => v.get("sid"))).size, 1);
      await h.waitFor(() => h.events("pageview_end").length === 3, "three ended views");
      assert.deepEqual(h.events("pageview_end").map((e) => e.data.path), [
        "/app",
        "/app/one",
        "/app/two",
      ]);
      const { views } = await h.stored();
      assert.deepEqual(views.map((v) => [v.path, v.is_spa, v.pow_verdict, v.referrer_type]), [
        ["/app", 0, "valid", "direct_or_unknown"],
        ["/app/one", 1, "valid", "internal"],
        ["/app/two", 1, "valid", "internal"],
        ["/app", 1, "valid", "internal"],
      ]);
    } finally {
      await h.close();
    }
  },
});

Deno.test({
  name: "e2e tracker: hash routes count only with data-hash",
  ...BROWSER_TEST,
  async fn() {
    const h = await openTracker({
      pages: { "/hash": page("<p>hash</p>", "data-hash"), "/plain": page("<p>plain</p>") },
    });
    try {
      const tab = h.page;
      await tab.goto(h.site + "/plain");
      await tab.mouse.click(5, 5);
      await h.waitFor(() => h.views.length === 1, "the plain view");
      await tab.evaluate(() => location.hash = "#/settings");
      await tab.waitForTimeout(400);
      assert.equal(h.views.length, 1, "a fragment is not a page without data-hash");

      await tab.goto(h.site + "/hash");
      await tab.mouse.click(5, 5);
      await h.waitFor(() => h.views.length === 2, "the hash page view");
      await tab.evaluate(() => location.hash = "#/settings");
      await h.waitFor(() => h.views.length === 3, "the hash route view");
      assert.deepEqual(paths(h), ["/plain", "/hash", "/hash#/settings"]);
    } finally {
      await h.close();
    }
  },
});

Deno.test({
  name:
    "e2e tracker: engaged time excludes unfocused and hidden time; scroll % uses the final height",
  ...BROWSER_TEST,
  async fn() {
    const body = `<div id="content" style="height:3000px">Long read</div>
      <script>
        window.grow = () => document.getElementById("content").style.height = "6000px";
        window.setFocus = (focused) => {
          document.hasFocus = () => focused;
          window.dispatchEvent(new Event(focused ? "focus" : "blur"));
        };
      </script>`;
    const h = await openTracker({ pages: { "/long": page(body), "/short": page("<p>tiny</p>") } });
    try {
      const tab = h.page;
      const started = Date.now();
      await tab.goto(h.site + "/long");
      await tab.mouse.click(5, 5);
      await tab.waitForTimeout(800);
      await tab.evaluate(() =>
        (window as unknown as { setFocus(f: boolean): void }).setFocus(false)
      );
      await tab.waitForTimeout(1500); // another window has the focus: not engaged
      await tab.evaluate(() =>
        (window as unknown as { setFocus(f: boolean): void }).setFocus(true)
      );
      await tab.mouse.wheel(0, 10_000); // to the bottom of 3000 px …
      await tab.waitForTimeout(300);
      await tab.evaluate(() => (window as unknown as { grow(): void }).grow()); // … that grows
      await tab.waitForTimeout(300);
      const nextStarted = Date.now();
      await nav(tab, "pushState", "/long/next");
      const elapsed = Date.now() - started;
      await h.waitFor(() => h.events("pageview_end").length === 1, "the first pageview_end");
      const first = h.events("pageview_end")[0].data;
      assert.equal(first.path, "/long");
      const engaged = Number(first.engaged_ms);
      assert.ok(
        engaged >= 1000 && engaged <= elapsed - 1400,
        `engaged ${engaged} of ${elapsed} ms`,
      );
      const viewport = await tab.evaluate(() => innerHeight);
      const expected = Math.round(((3000 + 16 - viewport + viewport) / (6000 + 16)) * 100);
      assert.ok(
        Math.abs(Number(first.scroll_pct) - expected) <= 2,
        `${first.scroll_pct} vs ${expected}`,
      );

      await tab.waitForTimeout(600);
      await setVisibility(tab, "hidden"); // ends /long/next after ~0.6 s …
      const visibleFor = Date.now() - nextStarted; // (more on a loaded machine)
      await tab.waitForTimeout(1500); // … and the hidden time that follows never counts
      await setVisibility(tab, "visible");
      await tab.goto(h.site + "/short");
      await tab.mouse.click(5, 5);
      await tab.waitForTimeout(900);
      await setVisibility(tab, "hidden");
      await h.waitFor(() => h.events("pageview_end").length === 3, "three pageview_end");
      const [, second, third] = h.events("pageview_end").map((e) => e.data);
      assert.equal(second.path, "/long/next");
      assert.ok(
        Number(second.engaged_ms) <= visibleFor,
        `second: ${second.engaged_ms} ms engaged, visible for at most ${visibleFor} ms`,
      );
      assert.equal(third.path, "/short");
      assert.equal(third.scroll_pct, 100, "a page shorter than the viewport counts as read");
      const rows = (await h.stored()).events.filter((r) => r.event_type === "pageview_end");
      assert.deepEqual(rows.map((r) => [r.path, r.engaged_ms, r.scroll_pct]), [
        ["/long", first.engaged_ms, first.scroll_pct],
        ["/long/next", second.engaged_ms, second.scroll_pct],
        ["/short", third.engaged_ms, 100],
      ]);
    } finally {
      await h.close();
    }
  },
});

Deno.test({
  name: "e2e tracker: pages that throw, break fetch/XHR or replace pushState are still tracked",
  ...BROWSER_TEST,
  async fn() {
    const before = `<script>
      window.fetch = () => { throw new Error("fetch is broken here"); };
      window.XMLHttpRequest = function () { throw new Error("no XHR either"); };
      setTimeout(() => { throw new Error("page bug"); }, 0);
    </script>`;
    const after = `<button id="b">Buy</button><script>
      history.pushState = function (s, t, u) { History.prototype.pushState.call(history, s, t, u); };
      throw new Error("another page bug");
    </script>`;
    // The per-site embed carries its challenge: no fetch needed to earn the token without
    // which nothing is sent (issue 14 item 1).
    const html = page(after, "", before).replace('/ea.js"', '/ea.js?s=fixture"');
    const h = await openTracker({ pages: { "*": html } });
    try {
      const tab = h.page;
      await tab.goto(h.site + "/shop");
      await tab.click("#b");
      await h.waitFor(() => h.views.length === 1, "the view despite the page's errors");
      await tab.evaluate(() => history.pushState({}, "", "/shop/cart"));
      await h.waitFor(() => h.views.length === 2, "the view after pushState was replaced");
      await tab.evaluate(() =>
        (window as unknown as { echelon: { track(n: string): void } }).echelon.track("checkout")
      );
      await h.waitFor(() => h.events("custom").length === 1, "the custom event");
      assert.deepEqual(paths(h), ["/shop", "/shop/cart"]);
      const { views } = await h.stored();
      assert.equal(views.length, 2);
      assert.ok(views.every((v) => v.pow_verdict === "valid"));
      assert.deepEqual(h.browser.errors.sort(), [
        "another page bug",
        "page bug",
      ]);
    } finally {
      await h.close();
    }
  },
});
