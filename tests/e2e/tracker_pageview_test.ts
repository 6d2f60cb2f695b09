// Chromium loads a customer page (another origin) embedding /ea.js from the app: no page view
// before a trusted interaction, one after it (never under 1 s), with a valid proof-of-work
// token, the path's query filtered, and the row stored with verdict "valid" and score 0.
import assert from "node:assert/strict";
import {
  AUTOMATED_SCORE,
  BROWSER_TEST,
  decodeParam,
  openTracker,
  page,
  setVisibility,
} from "./_tracker.ts";

Deno.test({
  name: "e2e tracker: the page view waits for an interaction and carries a valid token",
  ...BROWSER_TEST,
  async fn() {
    const h = await openTracker({
      pages: { "/article": page("<h1>Article</h1><p style='height:3000px'>text</p>") },
    });
    try {
      const { page: tab, t } = h;
      await tab.goto(`${h.site}/article?id=7&email=a%40b.c&utm_source=news&utm_campaign=launch`, {
        referer: "https://news.example.org/front?secret=1",
      });
      // The generic embed has no challenge: the tracker asks /c for one for its data-site.
      await h.waitFor(() => h.challenges.length === 1, "a /c request");
      assert.equal(h.challenges[0].searchParams.get("s"), "fixture");
      await tab.waitForTimeout(1200);
      assert.equal(h.views.length, 0, "no page view without an interaction");

      await tab.mouse.click(10, 10);
      await h.waitFor(() => h.views.length === 1, "the page view");
      const view = h.views[0];
      assert.equal(decodeParam(view.get("p")), "/article?utm_source=news&utm_campaign=launch");
      assert.equal(view.get("s"), "fixture");
      assert.match(
        view.get("sid") ?? "",
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
      assert.ok(Number(view.get("_v")) >= 1200, `_v=${view.get("_v")}`);
      assert.equal(view.get("sw"), String(await tab.evaluate(() => screen.width)));
      assert.equal(view.get("sh"), String(await tab.evaluate(() => screen.height)));
      assert.equal(decodeParam(view.get("ref")), "https://news.example.org", "the origin only");
      assert.equal(decodeParam(view.get("uc")), "launch");
      assert.equal(decodeParam(view.get("us")), "news");
      assert.ok(/^\d+$/.test(view.get("ps") ?? ""), `ps=${view.get("ps")}`);
      // The trusted click: pointer input (bit 1) sealed into `it` (tracker/interaction.ts).
      assert.ok(Number(view.get("it")?.split(".")[0]) & 1, `it=${view.get("it")}`);
      const tok = view.get("tok") ?? "";
      const { views } = await h.stored();
      // The visitor who first presented the token owns it; anyone else is replaying it.
      assert.equal(
        t.services.pow.verify(tok, "fixture", String(views[0].visitor_id)).verdict,
        "valid",
      );
      assert.equal(t.services.pow.verify(tok, "fixture", "someone-else").verdict, "replayed");

      assert.equal(views.length, 1);
      assert.equal(views[0].path, "/article");
      assert.equal(views[0].session_id, view.get("sid"));
      assert.equal(views[0].pow_verdict, "valid");
      assert.equal(views[0].bot_score, AUTOMATED_SCORE, String(views[0].bot_score_detail));
      assert.equal(views[0].pow_solve_ms, Number(view.get("ps")));
      assert.deepEqual(h.browser.errors, []);
    } finally {
      await h.close();
    }
  },
});

Deno.test({
  name: "e2e tracker: an early click waits for 1 s; a second script tag changes nothing",
  ...BROWSER_TEST,
  async fn() {
    const twice = page("<button id=b>Go</button>", "", "") +
      `<script src="{{app}}/ea.js" data-site="other" data-allow-local></script>`;
    const h = await openTracker({ pages: { "/": twice } });
    try {
      await h.page.goto(h.site + "/");
      await h.page.click("#b");
      await h.waitFor(() => h.views.length === 1, "the page view");
      const interaction = Number(h.views[0].get("_v"));
      assert.ok(interaction >= 1000 && interaction < 3000, `_v=${interaction}`);
      await h.page.waitForTimeout(500);
      assert.equal(h.views.length, 1, "one tracker per page");
      assert.equal(h.views[0].get("s"), "fixture", "the first tag wins");
      assert.equal(
        await h.page.evaluate(() => Object.keys(window).filter((k) => /echelon/i.test(k)).join()),
        "echelon",
      );
    } finally {
      await h.close();
    }
  },
});

Deno.test({
  name: "e2e tracker: a page closed at once stores no view; one hidden after 4 s does",
  ...BROWSER_TEST,
  async fn() {
    const h = await openTracker({ pages: { "/": page(), "/read": page() } });
    try {
      await h.page.goto(h.site + "/");
      await h.waitFor(() => h.challenges.length === 1, "the challenge");
      // The bounce is an event: it leaves only with a token (no proof, no send), so the tab is
      // closed once its token is solved.
      await h.page.waitForFunction(() => sessionStorage.getItem("_etok"));
      await h.page.close({ runBeforeUnload: true });
      await h.waitFor(() => h.events("bounce").length === 1, "the bounce");
      assert.equal(h.events("bounce")[0].data.trigger, "unload");
      assert.equal(h.views.length, 0);
      assert.equal((await h.stored()).views.length, 0);

      const reader = await h.browser.context.newPage();
      await reader.goto(h.site + "/read");
      await reader.waitForTimeout(4100);
      await setVisibility(reader, "hidden");
      await h.waitFor(() => h.views.length === 1, "the view of a reader who never interacted");
      assert.ok(Number(h.views[0].get("_v")) >= 4000);
      assert.equal((await h.stored()).views.length, 1);
    } finally {
      await h.close();
    }
  },
});

Deno.test({
  name:
    "e2e tracker: ?s= embeds the challenge, the token is reused on reload, allowlisted query kept",
  ...BROWSER_TEST,
  async fn() {
    const html = `<!doctype html><script src="{{app}}/ea.js?s=fixture" data-site="FIXTURE" ` +
      `data-allow-local></script><h1>Shop</h1>`;
    const h = await openTracker({ pages: { "/shop": html } });
    try {
      h.t.services.db.run(
        "INSERT INTO site_settings (site_id, query_allowlist) VALUES ('fixture', 'id,page')",
      );
      await h.t.services.collect.caches.refresh(h.t.services.store, h.t.clock.now);
      await h.page.goto(h.site + "/shop?id=7&email=a%40b.c&page=2");
      await h.page.mouse.click(5, 5);
      await h.waitFor(() => h.views.length === 1, "the page view");
      assert.equal(h.challenges.length, 0, "the embedded challenge was for this site");
      assert.equal(decodeParam(h.views[0].get("p")), "/shop?id=7&page=2");
      await h.page.reload();
      await h.page.mouse.click(5, 5);
      await h.waitFor(() => h.views.length === 2, "the second view");
      assert.equal(h.views[1].get("tok"), h.views[0].get("tok"), "token cached per tab");
      assert.equal(h.views[1].get("sid"), h.views[0].get("sid"), "same tab session");
      const { views } = await h.stored();
      assert.deepEqual(views.map((v) => [v.path, v.pow_verdict]), [
        ["/shop?id=7&page=2", "valid"],
        ["/shop?id=7&page=2", "valid"],
      ]);
    } finally {
      await h.close();
    }
  },
});

Deno.test({
  name: "e2e tracker: on an anonymised site allow-listed query values leave the page hashed",
  ...BROWSER_TEST,
  async fn() {
    const html = `<!doctype html><script src="{{app}}/ea.js?s=fixture" data-site="fixture" ` +
      `data-allow-local></script><h1>Shop</h1>`;
    const h = await openTracker({
      env: { ECHELON_ANONYMIZE_SITES: "fixture" },
      pages: { "/shop": html },
    });
    try {
      h.t.services.db.run(
        "INSERT INTO site_settings (site_id, query_allowlist) VALUES ('fixture', 'id')",
      );
      await h.t.services.collect.caches.refresh(h.t.services.store, h.t.clock.now);
      for (const id of ["secret-4711", "secret-4711", "other-99"]) {
        await h.page.goto(h.site + `/shop?id=${id}&utm_campaign=spring`);
        await h.page.mouse.click(5, 5);
        await h.waitFor(
          () => h.views.length > 0 && decodeParam(h.views.at(-1)!.get("p")) !== null,
          "view",
        );
        await h.page.waitForTimeout(900);
      }
      await h.waitFor(() => h.views.length === 3, "three views");
      const sent = h.views.map((v) => decodeParam(v.get("p"))!);
      for (const p of sent) {
        assert.doesNotMatch(p, /secret|4711|other-99/, p);
        assert.match(p, /^\/shop\?id=[0-9a-z]+&utm_campaign=spring$/, p);
      }
      assert.equal(sent[0], sent[1], "the same value gives the same hash");
      assert.notEqual(sent[0], sent[2]);
      const { views } = await h.stored();
      assert.equal(views.length, 3);
      for (const row of views) assert.doesNotMatch(String(row.path), /shop|secret|4711/);
    } finally {
      await h.close();
    }
  },
});

Deno.test({
  name: "e2e tracker: without sessionStorage the session id is still a UUID and the view is kept",
  ...BROWSER_TEST,
  async fn() {
    const h = await openTracker({ pages: { "/": page() } });
    try {
      await h.page.addInitScript(() => {
        Object.defineProperty(window, "sessionStorage", {
          get() {
            throw new DOMException("blocked", "SecurityError");
          },
        });
      });
      await h.page.goto(h.site + "/");
      await h.page.mouse.click(5, 5);
      await h.waitFor(() => h.views.length === 1, "the page view");
      const sid = h.views[0].get("sid") ?? "";
      assert.match(sid, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      const { views } = await h.stored();
      assert.equal(views[0].session_id, sid);
      assert.equal(views[0].pow_verdict, "valid");
    } finally {
      await h.close();
    }
  },
});
