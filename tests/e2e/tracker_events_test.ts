// Chromium, behaviour events: tagged clicks with extras, outbound links and downloads (URLs
// without query), hover dwell, forms (lengths, never values), scroll milestones, custom events
// with their limits, web vitals — batched into few POST /e requests and stored with the event's
// name, path and session.
import assert from "node:assert/strict";
import { AUTOMATED_SCORE, BROWSER_TEST, openTracker, page, setVisibility } from "./_tracker.ts";

const BODY = `
<button id="tagged" data-echelon-click="signup" data-echelon-plan="pro" data-echelon-foo-bar="x">
  <span id="inner">Sign up</span></button>
<a id="out" href="https://partner.example.com/offer?ref=me#top">  Partner offer </a>
<a id="dl" href="/files/Report.PDF?token=secret">Report</a>
<div id="hover" data-echelon-hover="pricing" data-echelon-tier="gold" style="height:80px">Pricing</div>
<form id="signup" name="signup" action="/subscribe?src=mail" method="post" data-echelon-form="newsletter">
  <input name="email" type="email"><input name="pw" type="password"><button id="send">Send</button>
</form>
<div style="height:5000px"></div>
<script>
  for (const a of document.querySelectorAll("a")) a.addEventListener("click", (e) => e.preventDefault());
  document.getElementById("signup").addEventListener("submit", (e) => e.preventDefault());
</script>`;

Deno.test({
  name: "e2e tracker: clicks, outbound, downloads, hover, forms and scroll, batched and stored",
  ...BROWSER_TEST,
  async fn() {
    const h = await openTracker({ pages: { "/landing": page(BODY) } });
    try {
      const tab = h.page;
      await tab.goto(h.site + "/landing");
      await tab.click("#inner");
      await tab.click("#out");
      await tab.click("#dl");
      await tab.hover("#hover");
      await tab.waitForTimeout(1200);
      await tab.mouse.move(600, 600);
      await tab.click("input[name=email]");
      await tab.keyboard.type("alice@example.com");
      await tab.click("input[name=pw]");
      await tab.keyboard.type("hunter2");
      await tab.click("#send");
      for (let i = 0; i < 12; i++) {
        await tab.mouse.wheel(0, 500);
        await tab.waitForTimeout(60);
      }
      await h.waitFor(() => h.events("scroll_depth").length === 5, "five scroll milestones");
      await h.waitFor(() => h.events("form_submit").length === 1, "the submit event");

      const click = h.events("click")[0].data;
      assert.deepEqual(click, {
        plan: "pro",
        fooBar: "x",
        click: "signup",
        tag: "button",
        path: "/landing",
      });
      assert.deepEqual(h.events("outbound").map((e) => e.data), [{
        url: "https://partner.example.com/offer",
        host: "partner.example.com",
        text: "Partner offer",
        path: "/landing",
      }]);
      assert.deepEqual(h.events("download").map((e) => e.data), [{
        url: h.site + "/files/Report.PDF",
        file: "Report.PDF",
        ext: "pdf",
        path: "/landing",
      }]);
      assert.deepEqual(h.events("hover").map((e) => e.data), [
        { tier: "gold", hover: "pricing", tag: "div", path: "/landing" },
      ]);
      const focus = h.events("form_focus").map((e) => e.data.field_name);
      assert.deepEqual(focus, ["email", "pw"]);
      const blurs = h.events("form_blur").map((e) => e.data);
      assert.deepEqual(
        blurs.map((d) => [d.field_name, d.input_type, d.value_length, "value" in d]),
        [
          ["email", "email", 17, false],
          ["pw", "password", 7, false],
        ],
      );
      assert.deepEqual(h.events("form_submit")[0].data, {
        action: "/subscribe",
        method: "POST",
        id: "signup",
        name: "signup",
        label: "newsletter",
        path: "/landing",
      });
      assert.deepEqual(h.events("scroll_depth").map((e) => e.data.depth), [25, 50, 75, 90, 100]);
      // Never a value, never a query string anywhere in what was sent.
      const sent = JSON.stringify(h.batches);
      for (const secret of ["alice@example.com", "hunter2", "token=secret", "ref=me", "src=mail"]) {
        assert.ok(!sent.includes(secret), secret);
      }

      // Batching: fewer requests than events, each ≤ 20 events, text/plain (no preflight).
      const total = h.events().length;
      assert.ok(h.batches.length < total, `${h.batches.length} requests for ${total} events`);
      for (const batch of h.batches) {
        assert.ok(batch.events.length <= 20);
        assert.equal(batch.siteId, "fixture");
        assert.match(batch.contentType ?? "", /^text\/plain/);
        assert.equal(
          h.t.services.pow.verify(batch.tok, "fixture", "x").verdict === "invalid",
          false,
        );
      }
      const sid = h.views[0].get("sid");
      const { events } = await h.stored();
      assert.equal(events.length, total);
      for (const row of events) {
        assert.equal(row.session_id, sid);
        assert.equal(row.path, "/landing");
        assert.equal(row.bot_score, AUTOMATED_SCORE, `${row.event_type}: ${row.bot_score_detail}`);
      }
      const blurRows = events.filter((row) => row.event_type === "form_blur");
      assert.ok(blurRows.every((row) => !String(row.data).includes('"value"')));
      assert.deepEqual(h.browser.errors, []);
    } finally {
      await h.close();
    }
  },
});

Deno.test({
  name: "e2e tracker: echelon.track sends custom events with the contract's limits",
  ...BROWSER_TEST,
  async fn() {
    const h = await openTracker({ pages: { "/": page() } });
    try {
      await h.page.goto(h.site + "/");
      await h.page.evaluate(() => {
        const props: Record<string, unknown> = JSON.parse('{"__proto__": "x"}');
        props["constructor"] = "c";
        props.plan = "pro";
        props.amount = 42;
        props["k".repeat(80)] = "v".repeat(600);
        for (let i = 0; i < 20; i++) props[`p${i}`] = i;
        const api = (window as unknown as { echelon: { track(n: string, p?: object): void } })
          .echelon;
        api.track("purchase", props);
        api.track("n".repeat(200));
        api.track("odd", null as unknown as object);
      });
      await h.waitFor(() => h.events("custom").length === 3, "three custom events");
      const [purchase, long, odd] = h.events("custom").map((e) => e.data);
      assert.equal(purchase.name, "purchase");
      assert.equal(purchase.plan, "pro");
      assert.equal(purchase.amount, "42");
      assert.equal(purchase["k".repeat(64)], "v".repeat(512));
      assert.ok(!Object.hasOwn(purchase, "constructor"));
      assert.ok(!Object.hasOwn(purchase, "__proto__"));
      const props = Object.keys(purchase).filter((k) => k !== "name" && k !== "path");
      assert.equal(props.length, 16);
      assert.equal(long.name, "n".repeat(128));
      assert.equal(odd.name, "odd");
      const rows = (await h.stored()).events;
      assert.deepEqual(rows.map((r) => r.event_name), ["purchase", "n".repeat(128), "odd"]);
      assert.deepEqual(rows.map((r) => r.event_type), ["custom", "custom", "custom"]);
    } finally {
      await h.close();
    }
  },
});

Deno.test({
  name: "e2e tracker: experiments assign by weight, stay stable across reloads, expose once",
  ...BROWSER_TEST,
  async fn() {
    const h = await openTracker({
      pages: { "/": page() },
      env: { ECHELON_RATE_LIMIT_MAX: "0" },
    });
    try {
      type Api = { experiment(id: string, v?: unknown[]): string };
      const assign = () =>
        h.page.evaluate(() => {
          const api = (window as unknown as { echelon: Api }).echelon;
          const variants = [{ id: "a", weight: 1 }, { id: "b", weight: 3 }];
          return [api.experiment("hero", variants), api.experiment("hero", variants)];
        });
      await h.page.goto(h.site + "/");
      const first = await assign();
      // Sent once the page's proof of work is solved (nothing leaves without a token): a reload
      // before that (a loaded machine) would leave with the exposure unsent.
      await h.waitFor(() => h.events("exposure").length === 1, "the first page's exposure");
      await h.page.reload();
      const second = await assign();
      assert.equal(first[0], first[1]);
      assert.deepEqual(second, first, "same tab: same variant after a reload");
      await h.waitFor(() => h.events("exposure").length === 2, "one exposure per page view");
      assert.deepEqual(h.events("exposure").map((e) => e.data.variant_id), [first[0], first[0]]);
      const rows = (await h.stored()).events.filter((r) => r.event_type === "exposure");
      assert.deepEqual(rows.map((r) => [r.experiment_id, r.variant_id]), [
        ["hero", first[0]],
        ["hero", first[0]],
      ]);

      // Across many experiments the weights hold (1:3); without variants and without such an
      // experiment on the server (GET /x answers []), the answer is a promise of "control".
      const counts = await h.page.evaluate(async () => {
        const api = (window as unknown as { echelon: Api }).echelon;
        const tally: Record<string, number> = {};
        for (let i = 0; i < 2000; i++) {
          const v = api.experiment(`e${i}`, [{ id: "a", weight: 1 }, { id: "b", weight: 3 }]);
          tally[v] = (tally[v] ?? 0) + 1;
        }
        tally.plain = await api.experiment("plain") === "control" ? 1 : 0;
        return tally;
      });
      assert.ok(counts.b > 1400 && counts.b < 1600, JSON.stringify(counts));
      assert.equal(counts.plain, 1);
    } finally {
      await h.close();
    }
  },
});

Deno.test({
  name: "e2e tracker: web vitals, session end and resume on hide and show",
  ...BROWSER_TEST,
  async fn() {
    const body = `<h1 style="font-size:64px">Largest text on the page</h1>
      <button id="slow">Slow</button>
      <script>
        document.getElementById("slow").addEventListener("click", () => {
          const end = performance.now() + 120;
          while (performance.now() < end);
        });
      </script>`;
    const h = await openTracker({ pages: { "/": page(body) } });
    try {
      await h.page.goto(h.site + "/");
      await h.page.click("#slow");
      await h.page.waitForTimeout(1500);
      await setVisibility(h.page, "hidden");
      await h.waitFor(() => h.events("session_end").length === 1, "session_end");
      await h.waitFor(() => h.events("web_vital").length === 3, "three vitals");
      const vitals = Object.fromEntries(h.events("web_vital").map((e) => [e.data.metric, e.data]));
      assert.ok(Number(vitals.LCP.value) > 0);
      assert.equal(vitals.CLS.value, 0);
      assert.equal(vitals.CLS.rating, "good");
      assert.ok(Number(vitals.INP.value) >= 100, JSON.stringify(vitals.INP));
      assert.ok(["good", "needs-improvement", "poor"].includes(String(vitals.INP.rating)));
      assert.ok(Number(h.events("session_end")[0].data.dwell_s) >= 1);

      await h.page.waitForTimeout(1100);
      await setVisibility(h.page, "visible");
      await h.waitFor(() => h.events("session_resume").length === 1, "session_resume", 4000);
      assert.ok(Number(h.events("session_resume")[0].data.away_s) >= 1);
      const types = (await h.stored()).events.map((r) => r.event_type);
      for (const type of ["web_vital", "session_end", "session_resume", "pageview_end"]) {
        assert.ok(types.includes(type), type);
      }
      assert.equal(types.filter((t) => t === "pageview_end").length, 1);
    } finally {
      await h.close();
    }
  },
});

Deno.test({
  name: "e2e tracker: under a nonce-based CSP the deferred chunk still loads (vitals, hover)",
  ...BROWSER_TEST,
  async fn() {
    const html = `<!doctype html><html><head><meta charset="utf-8">` +
      `<script nonce="n0nce" src="{{app}}/ea.js" data-site="fixture" data-allow-local></script>` +
      `</head><body><h1 style="font-size:64px">Strict page</h1>` +
      `<div id="h" data-echelon-hover="card" style="height:80px">Card</div></body></html>`;
    const h = await openTracker({
      pages: { "/": html },
      // No 'strict-dynamic': only the nonce admits the chunk /ea.js inserts. 'wasm-unsafe-eval'
      // lets the proof of work compile; without a token nothing is sent (issue 14 item 1).
      headers: {
        "content-security-policy": "script-src 'nonce-n0nce' 'wasm-unsafe-eval'; " +
          "connect-src *; img-src * data:; style-src 'unsafe-inline'",
      },
    });
    try {
      const violations: string[] = [];
      h.page.on("console", (message) => {
        if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
      });
      await h.page.goto(h.site + "/");
      await h.waitFor(() => h.deferred.length === 1, "the chunk request");
      assert.match(h.deferred[0].searchParams.get("h") ?? "", /^[0-9a-f]{10}$/);
      await h.page.hover("#h");
      await h.page.waitForTimeout(1300);
      await setVisibility(h.page, "hidden");
      await h.waitFor(() => h.events("hover").length === 1, "the hover");
      await h.waitFor(() => h.events("web_vital").some((e) => e.data.metric === "LCP"), "LCP");
      assert.deepEqual(violations, []);
      const stored = (await h.stored()).events.map((r) => r.event_type);
      assert.ok(stored.includes("hover") && stored.includes("web_vital"), stored.join());
    } finally {
      await h.close();
    }
  },
});

Deno.test({
  name: "e2e tracker: a site that opted in gets scrambled form values, never passwords",
  ...BROWSER_TEST,
  async fn() {
    const form = `<form><input name="email" type="email"><input name="pw" type="password"></form>`;
    const h = await openTracker({ pages: { "/": page(form) } });
    try {
      h.t.services.db.run(
        "INSERT INTO site_settings (site_id, send_form_values) VALUES ('fixture', 1)",
      );
      await h.t.services.collect.caches.refresh(h.t.services.store, h.t.clock.now);
      await h.page.goto(h.site + "/");
      await h.page.click("input[name=email]");
      await h.page.keyboard.type("Alice.B-42@example.com");
      await h.page.click("input[name=pw]");
      await h.page.keyboard.type("hunter2");
      await h.page.keyboard.press("Tab");
      await h.waitFor(() => h.events("form_blur").length === 2, "two changes");
      const [email, pw] = h.events("form_blur").map((e) => e.data);
      const shape = (s: string) => s.replace(/[a-z]/gi, "a").replace(/\d/g, "9");
      assert.equal(typeof email.value, "string");
      assert.notEqual(email.value, "Alice.B-42@example.com");
      assert.equal(shape(String(email.value)), shape("alice.b-42@example.com"));
      assert.equal(email.value_length, 22);
      assert.ok(!("value" in pw), "never a password");
      const stored = (await h.stored()).events.filter((r) => r.event_type === "form_blur");
      assert.equal(JSON.parse(String(stored[0].data)).value, email.value);
    } finally {
      await h.close();
    }
  },
});
