// Chromium with a fake clock: a page kept open past the challenge window fetches a fresh
// challenge from /c before its token expires, so later events still carry a valid token (the
// reference lost them, W2); a page without interaction reports a bounce after 120 s.
import assert from "node:assert/strict";
import { parseToken } from "../../lib/pow/mod.ts";
import { AUTOMATED_SCORE, BROWSER_TEST, openTracker, page } from "./_tracker.ts";

Deno.test({
  name: "e2e tracker: tokens are refreshed through /c before the window closes",
  ...BROWSER_TEST,
  async fn() {
    const h = await openTracker({
      env: { ECHELON_CHALLENGE_WINDOW_MINUTES: "1" },
      pages: { "/": page("<button id=b>b</button>") },
    });
    try {
      const { page: tab, t } = h;
      await tab.clock.install();
      await tab.goto(h.site + "/");
      await h.waitFor(() => h.challenges.length === 1, "the first challenge");
      await tab.waitForFunction(() => sessionStorage.getItem("_etok"));
      await tab.click("#b");
      await tab.clock.runFor(1000);
      await h.waitFor(() => h.views.length === 1, "the page view");
      const first = h.views[0].get("tok")!;
      const visitor = async () => String((await h.stored()).views[0].visitor_id);
      assert.equal(t.services.pow.verify(first, "fixture", await visitor()).verdict, "valid");

      // 50 s later (server and page alike) the token is within its last quarter: refreshed.
      t.clock.now += 50_000;
      await tab.clock.runFor(50_000);
      await h.waitFor(() => h.challenges.length === 2, "the refresh request");
      assert.equal(h.challenges[1].searchParams.get("s"), "fixture");
      assert.equal(
        h.challenges[1].searchParams.get("e"),
        String(t.services.pow.currentModule().epoch),
      );
      await tab.waitForFunction((old) => !sessionStorage.getItem("_etok")!.includes(old), first);

      // A minute after the first challenge, it has expired; the event carries the new token.
      t.clock.now += 20_000;
      await tab.evaluate(() =>
        (window as unknown as { echelon: { track(n: string): void } }).echelon.track("late")
      );
      await tab.clock.runFor(1500);
      await h.waitFor(() => h.events("custom").length === 1, "the late event");
      const batch = h.batches.find((b) => b.events.some((e) => e.type === "custom"))!;
      assert.notEqual(batch.tok, first);
      assert.ok(
        parseToken(batch.tok!)!.challenge.issuedAt * 1000 > Date.parse("2026-11-20T12:00:30Z"),
      );
      assert.equal(t.services.pow.verify(first, "fixture", await visitor()).verdict, "expired");
      const late = (await h.stored()).events.find((e) => e.event_type === "custom")!;
      assert.equal(late.bot_score, AUTOMATED_SCORE, String(late.bot_score_detail));
    } finally {
      await h.close();
    }
  },
});

Deno.test({
  name: "e2e tracker: no interaction for 120 s is a bounce (timeout)",
  ...BROWSER_TEST,
  async fn() {
    const h = await openTracker({ pages: { "/": page() } });
    try {
      await h.page.clock.install();
      await h.page.goto(h.site + "/");
      await h.page.clock.runFor(119_000);
      assert.equal(h.events("bounce").length, 0);
      await h.page.clock.runFor(2_500);
      await h.waitFor(() => h.events("bounce").length === 1, "the bounce");
      assert.deepEqual(h.events("bounce")[0].data, { dwell: 120, trigger: "timeout", path: "/" });
      assert.equal(h.views.length, 0, "no interaction: no view either");
    } finally {
      await h.close();
    }
  },
});

Deno.test({
  name: "e2e tracker: the browser's view is valid; the same hit without a token or replayed is not",
  ...BROWSER_TEST,
  async fn() {
    const h = await openTracker({ pages: { "/": page() } });
    try {
      await h.page.goto(h.site + "/");
      await h.page.waitForTimeout(1100); // a first interaction under 1 s adds timing points
      await h.page.mouse.click(5, 5);
      await h.waitFor(() => h.views.length === 1, "the browser's view");
      const params = new URLSearchParams(h.views[0]);
      const send = (query: URLSearchParams, userAgent: string) =>
        fetch(`${h.app}/b.gif?${query}`, {
          headers: {
            "user-agent": userAgent,
            "accept-language": "en",
            "sec-fetch-site": "cross-site",
          },
        }).then((res) => res.arrayBuffer());
      const ua = await h.page.evaluate(() => navigator.userAgent);
      const untokened = new URLSearchParams(params);
      untokened.delete("tok");
      untokened.delete("ps");
      await send(untokened, ua);
      // Another visitor (another browser) presenting the same token is replaying it.
      await send(params, ua.replace("Chrome/", "Chrome/1"));
      const views = (await h.stored()).views;
      assert.deepEqual(views.map((v) => v.pow_verdict), ["valid", "missing", "replayed"]);
      const detail = views.map((v) => JSON.parse(String(v.bot_score_detail)));
      assert.equal(views[0].bot_score, AUTOMATED_SCORE, JSON.stringify(detail[0]));
      assert.ok(Object.values(detail[1]).includes(15), JSON.stringify(detail[1]));
      assert.ok(Object.values(detail[2]).includes(40), JSON.stringify(detail[2]));
    } finally {
      await h.close();
    }
  },
});
