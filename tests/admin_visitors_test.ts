// /admin/visitors, /admin/visitors/:id and /admin/bots: one row per visitor with its figures,
// filters, sorting and keyset pages; the detail's timeline, score breakdowns and PoW verdicts;
// Exclude/Include forms changing the stored exclusions and the collectors' cache.
import assert from "node:assert/strict";
import {
  adminApp,
  adminHtml,
  adminPost,
  insertEvents,
  insertViews,
  rowValues,
  walkPages,
} from "./_admin.ts";
import { beaconUrl, flush, hit } from "./_collect.ts";

const NOW = Date.parse("2026-11-20T12:00:00.000Z");
const iso = (offsetMs: number) => new Date(NOW + offsetMs).toISOString();
const MIN = 60_000;
const DAY = 86_400_000;

function excludedIds(app: { services: { db: { all: <T>(sql: string) => T[] } } }): string[] {
  return app.services.db.all<{ visitor_id: string }>(
    "SELECT visitor_id FROM excluded_visitors ORDER BY visitor_id",
  ).map((r) => r.visitor_id);
}

Deno.test("admin visitors: one row per visitor and site with views, events, score, status", async () => {
  const app = await adminApp();
  insertViews(app, [
    {
      visitor_id: "alice",
      created_at: iso(-10 * MIN),
      country_code: "FI",
      device_type: "desktop",
      browser_name: "Firefox",
    },
    {
      visitor_id: "alice",
      created_at: iso(-5 * MIN),
      country_code: "FI",
      device_type: "desktop",
      browser_name: "Firefox",
      bot_score: 15,
    },
    { visitor_id: "alice", created_at: iso(-2 * DAY), site_id: "blog" },
    { visitor_id: "bob", created_at: iso(-1 * MIN), device_type: "mobile", country_code: "SE" },
    { visitor_id: "robot", created_at: iso(-3 * MIN), bot_score: 75 },
    { visitor_id: "robot", created_at: iso(-4 * MIN), bot_score: 40 },
    { visitor_id: "gone", created_at: iso(-60 * DAY) },
  ]);
  insertEvents(app, [
    { visitor_id: "alice", created_at: iso(-4 * MIN) },
    { visitor_id: "alice", created_at: iso(-3 * MIN) },
    { visitor_id: "alice", created_at: iso(-2 * DAY), site_id: "blog" },
  ]);
  app.services.db.run("INSERT INTO excluded_visitors (visitor_id) VALUES ('bob')");

  const { status, html } = await adminHtml(app, "/admin/visitors");
  assert.equal(status, 200);
  // Default order: last seen, newest first. "gone" is outside the 30 days.
  assert.deepEqual(rowValues(html, "data-visitor"), ["bob", "robot", "alice", "alice"]);
  assert.deepEqual(rowValues(html, "data-site"), ["shop", "shop", "shop", "blog"]);
  const aliceRow = html.match(/<tr data-visitor="alice" data-site="shop">[\s\S]*?<\/tr>/)![0];
  const cells = [...aliceRow.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((m) =>
    m[1].replace(/<[^>]+>/g, "").trim()
  );
  // visitor, site, first seen, last seen, views, events, country, device, browser, score, status
  assert.deepEqual(cells.slice(1, 10), [
    "shop",
    "2026-11-20 11:50:00",
    "5 min ago",
    "2",
    "2",
    "FI",
    "desktop",
    "Firefox",
    "15",
  ]);
  const bobRow = html.match(/<tr data-visitor="bob"[\s\S]*?<\/tr>/)![0];
  assert.match(bobRow, /data-visitor-action="include"/, "excluded visitors get Include");
  assert.match(aliceRow, /data-visitor-action="exclude"/);

  const visitors = async (query: string) =>
    rowValues((await adminHtml(app, `/admin/visitors?${query}`)).html, "data-visitor");
  assert.deepEqual(await visitors("sort=views"), ["robot", "alice", "bob", "alice"]);
  assert.deepEqual(await visitors("sort=views&order=asc"), ["alice", "bob", "alice", "robot"]);
  assert.deepEqual(await visitors("sort=score"), ["robot", "alice", "bob", "alice"]);
  assert.deepEqual(await visitors("kind=bots"), ["bob", "robot"]);
  assert.deepEqual(await visitors("kind=humans"), ["alice", "alice"]);
  assert.deepEqual(await visitors("min_score=40"), ["robot"]);
  assert.deepEqual(await visitors("country=fi"), ["alice"]);
  assert.deepEqual(await visitors("device=mobile"), ["bob"]);
  assert.deepEqual(await visitors("site=blog"), ["alice"]);
  assert.deepEqual(await visitors("days=90&kind=humans"), ["alice", "alice", "gone"]);
});

Deno.test("admin visitors: keyset pages by views walk every visitor once, forwards and back", async () => {
  const app = await adminApp();
  // 130 visitors with 1-4 views each: many ties on the sort key.
  const rows = [];
  for (let i = 0; i < 130; i++) {
    for (let v = 0; v <= i % 4; v++) {
      rows.push({
        visitor_id: `visitor-${String(i).padStart(3, "0")}`,
        created_at: iso(-(i + v) * MIN),
      });
    }
  }
  insertViews(app, rows);
  for (const query of ["sort=views", "sort=views&order=asc", "", "sort=score"]) {
    const { forward, backward } = await walkPages(app, `/admin/visitors?${query}`, "data-visitor");
    assert.deepEqual(forward.map((p) => p.length), [50, 50, 30], query);
    const all = forward.flat();
    assert.equal(new Set(all).size, 130, query);
    assert.deepEqual(backward.reverse().flat(), all, query);
    if (query === "sort=views") {
      // Most views first; ties in (site, visitor id) order, descending.
      assert.equal(all[0], "visitor-127");
      assert.equal(all[129], "visitor-000");
    }
  }
});

Deno.test("admin visitor detail: timeline, score breakdowns and PoW verdicts from real hits", async () => {
  const app = await adminApp();
  // Two beacons without a proof-of-work token, then one event, through the real collectors.
  await hit(app, beaconUrl({ s: "shop" }));
  app.clock.now += 30_000;
  await hit(app, beaconUrl({ s: "shop", p: btoa("/checkout") }));
  await flush(app);
  const views = app.services.db.all<{ id: number; visitor_id: string; bot_score: number }>(
    "SELECT id, visitor_id, bot_score FROM visitor_views ORDER BY id",
  );
  assert.equal(views.length, 2);
  const visitor = views[0].visitor_id;
  app.clock.now += 1000;
  insertEvents(app, [{
    visitor_id: visitor,
    event_type: "custom",
    event_name: "signup",
    data: '{"plan":"pro"}',
  }]);

  const { status, html } = await adminHtml(app, `/admin/visitors/${encodeURIComponent(visitor)}`);
  assert.equal(status, 200);
  assert.equal(rowValues(html, "data-kind").join(","), "event,view,view");
  assert.match(html, /custom: signup/);
  assert.match(html, /\/checkout/);
  // The stored breakdown, as a table: the missing token's points and the verdict.
  assert.match(html, /<table class="mt-2 text-xs" data-breakdown/);
  assert.match(html, /<th scope="row"[^>]*>pow<\/th><td class="font-mono">\+15<\/td>/);
  assert.match(html, /<th scope="row"[^>]*>pow_result<\/th><td class="font-mono">missing<\/td>/);
  assert.match(html, /<ul id="pow-verdicts"[\s\S]*?missing<\/span><span[^>]*>2<\/span>/);
  assert.match(
    html,
    /<form method="post" action="\/admin\/visitors\/[^"]+" class="inline" data-visitor-action="exclude">/,
  );

  const unknown = await adminHtml(app, "/admin/visitors/nobody");
  assert.equal(unknown.status, 404);
  assert.match(unknown.html, /No views, events or exclusion are stored/);
  assert.equal((await adminHtml(app, `/admin/visitors/${"x".repeat(200)}`)).status, 404);
});

Deno.test("admin visitor detail: Exclude and Include change the stored rows and the cache", async () => {
  const app = await adminApp();
  insertViews(app, [{ visitor_id: "v-1" }, { visitor_id: "v-2" }]);

  const excluded = await adminPost(app, "/admin/visitors/v-1", {
    action: "exclude",
    label: "scraper",
    return_to: "/admin/visitors?sort=views",
  });
  assert.equal(excluded.status, 303);
  assert.equal(excluded.headers.get("location"), "/admin/visitors?sort=views&notice=excluded");
  assert.deepEqual(excludedIds(app), ["v-1"]);
  assert.equal(
    app.services.db.get<{ label: string }>("SELECT label FROM excluded_visitors")?.label,
    "scraper",
  );
  assert.equal(app.services.collect.caches.isExcluded("v-1"), true);

  const page = await adminHtml(app, "/admin/visitors?sort=views&notice=excluded");
  assert.match(page.html, /Visitor excluded/);
  const detail = await adminHtml(app, "/admin/visitors/v-1");
  assert.match(detail.html, /Excluded since 2026-11-20 12:00:00 \(scraper\)/);
  assert.match(detail.html, /data-visitor-action="include"/);

  // A foreign return path is ignored: back to the visitor.
  const included = await adminPost(app, "/admin/visitors/v-1", {
    action: "include",
    return_to: "//evil.example/admin",
  });
  assert.equal(included.status, 303);
  assert.equal(included.headers.get("location"), "/admin/visitors/v-1?notice=included");
  assert.deepEqual(excludedIds(app), []);
  assert.equal(app.services.collect.caches.isExcluded("v-1"), false);

  const bad = await adminPost(app, "/admin/visitors/v-2", { action: "delete" });
  assert.equal(bad.status, 400);
  assert.match(await bad.text(), /action: &quot;delete&quot; is not &quot;exclude&quot; or/);
  assert.deepEqual(excludedIds(app), []);

  const wrongType = await app.request("/admin/visitors/v-2", {
    method: "POST",
    headers: {
      cookie: app.cookie,
      origin: "http://echelon.test",
      "content-type": "application/json",
    },
    body: '{"action":"exclude"}',
  });
  assert.equal(wrongType.status, 415);
  await wrongType.body?.cancel();
  assert.deepEqual(excludedIds(app), []);
});

Deno.test("admin bots: suspicious and excluded visitors, known-bot report, drops, signals", async () => {
  const app = await adminApp({ ECHELON_DEBUG: "true" });
  insertViews(app, [
    {
      visitor_id: "bad",
      bot_score: 80,
      bot_score_detail: '{"pow":25,"pow_result":"invalid","burst":25,"timing":20}',
      pow_verdict: "invalid",
      created_at: iso(-MIN),
    },
    { visitor_id: "bad", bot_score: 60, pow_verdict: "invalid", created_at: iso(-2 * MIN) },
    { visitor_id: "meh", bot_score: 30, pow_verdict: "missing", created_at: iso(-3 * MIN) },
    { visitor_id: "ok", bot_score: 0, pow_verdict: "valid", created_at: iso(-4 * MIN) },
  ]);
  app.services.db.run("INSERT INTO excluded_visitors (visitor_id, label) VALUES ('meh', 'odd')");
  // A known crawler is counted in the bot report; a hit for an ignored site is dropped.
  const googlebot = await hit(app, beaconUrl({ s: "shop", p: btoa("/robots-path") }), {
    "user-agent": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
  });
  assert.equal(googlebot.drop, "known_bot");
  const ignored = await hit(app, beaconUrl({ s: "smoke-test" }));
  assert.equal(ignored.drop, "site_ignored");

  const { status, html } = await adminHtml(app, "/admin/bots");
  assert.equal(status, 200);
  const suspicious = html.match(/<table id="suspicious-table"[\s\S]*?<\/table>/)![0];
  assert.deepEqual(rowValues(suspicious, "data-visitor"), ["bad"]);
  assert.match(suspicious, /href="\/admin\/visitors\/bad" title="Per-hit score breakdown"/);
  assert.match(suspicious, /data-visitor-action="exclude"/);
  const lower = await adminHtml(app, "/admin/bots?min_score=25");
  assert.deepEqual(
    rowValues(
      lower.html.match(/<table id="suspicious-table"[\s\S]*?<\/table>/)![0],
      "data-visitor",
    ),
    ["bad", "meh"],
  );
  const excluded = html.match(/<table id="excluded-table"[\s\S]*?<\/table>/)![0];
  assert.deepEqual(rowValues(excluded, "data-visitor"), ["meh"]);
  assert.match(excluded, /data-visitor-action="include"/);
  assert.match(excluded, /odd/);
  assert.match(html, /<tr data-bot="Googlebot">[\s\S]*?\/robots-path \(1\)/);
  assert.match(html, /<table id="dropped"[\s\S]*?site_ignored[\s\S]*?b\.gif/);
  assert.match(html, /<table id="signals"[\s\S]*?burst/);
  assert.match(
    html,
    /<div class="mt-1 text-2xl font-semibold tabular-nums">2<\/div><div class="mt-1 text-xs text-slate-500">score ≥ 50/,
  );

  // Include from the bots page goes back to it.
  const res = await adminPost(app, "/admin/visitors/meh", {
    action: "include",
    return_to: "/admin/bots?min_score=25",
  });
  assert.equal(res.headers.get("location"), "/admin/bots?min_score=25&notice=included");
  assert.deepEqual(excludedIds(app), []);
  assert.equal((await adminHtml(app, "/admin/bots/excluded")).status, 301);
  const legacy = await adminHtml(app, "/admin/bots/bad");
  assert.equal(legacy.res.headers.get("location"), "/admin/visitors/bad");
});
