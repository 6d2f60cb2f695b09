// Admin pages against the real app and SQLite, signed in through the real login: the shell (nav,
// selectors, live figures, logout), the page-view and event lists (rows, filters, keyset pages in
// both directions), and robustness to garbage query strings.
import assert from "node:assert/strict";
import {
  ADMIN_PAGES,
  adminApp,
  adminHtml,
  insertEvents,
  insertViews,
  pagerHref,
  registerSite,
  rowValues,
  walkPages,
} from "./_admin.ts";
import { beaconUrl, flush, hit } from "./_collect.ts";

const NOW = Date.parse("2026-11-20T12:00:00.000Z");
const iso = (offsetMs: number) => new Date(NOW + offsetMs).toISOString();
const MIN = 60_000;
const DAY = 86_400_000;

Deno.test("admin shell: every page renders the nav, selectors, live figures and logout", async () => {
  const app = await adminApp();
  registerSite(app, "shop", "The Shop");
  registerSite(app, "blog");
  insertViews(app, [
    { visitor_id: "a", created_at: iso(-2 * MIN) },
    { visitor_id: "b", created_at: iso(-3 * MIN) },
    { visitor_id: "b", created_at: iso(-4 * MIN) },
    { visitor_id: "c", created_at: iso(-30 * MIN) },
    { visitor_id: "bot", created_at: iso(-1 * MIN), bot_score: 80 },
    { visitor_id: "old", created_at: iso(-DAY) },
  ]);
  for (const path of ADMIN_PAGES) {
    const { status, html, res } = await adminHtml(app, `${path}?site=shop&days=7`);
    assert.equal(status, 200, path);
    assert.match(res.headers.get("content-security-policy") ?? "", /script-src 'self'/);
    for (const label of ["Visitors", "Page views", "Events", "Bots", "Sites", "Settings"]) {
      assert.match(html, new RegExp(`>${label}</a>`), `${path}: nav ${label}`);
    }
    assert.match(html, /aria-current="page"/, path);
    assert.match(html, /<form method="post" action="\/admin\/logout"/, path);
    assert.match(html, />admin</, `${path}: the signed-in user`);
    assert.match(html, /data-island="ThemeToggle"/, path);
    // Live figures: a, b active in the last 5 minutes (c is older, the bot does not count);
    // 5 human views today (the bot's is counted apart), yesterday's not at all.
    assert.match(html, /data-live="active">2</, path);
    assert.match(html, /data-live="views-today">4</, path);
    assert.match(html, /data-live="bots-today">1</, path);
    assert.doesNotMatch(html, /<script>(?!<\/script>)/, `${path}: no inline script`);
    assert.doesNotMatch(html, /\son[a-z]+="/i, `${path}: no inline handlers`);
  }
  const { html } = await adminHtml(app, "/admin/views?site=shop&days=7");
  assert.match(html, /<option value="shop" selected>The Shop \(shop\)<\/option>/);
  assert.match(html, /<option value="blog">blog<\/option>/);
  // Navigation keeps the selection; period choices keep the site.
  assert.match(html, /href="\/admin\/events\?site=shop&amp;days=7"/);
  assert.match(html, /href="\/admin\/views\?site=shop&amp;days=90"/);
});

Deno.test("admin views: newest first, with every filter applied to the stored rows", async () => {
  const app = await adminApp();
  const [home, pricing, fi, mobile, bot, otherSite, old] = insertViews(app, [
    { visitor_id: "v1", path: "/", created_at: iso(-1 * MIN), country_code: "DE" },
    { visitor_id: "v2", path: "/pricing?x=1", created_at: iso(-2 * MIN) },
    { visitor_id: "v3", path: "/docs", created_at: iso(-3 * MIN), country_code: "FI" },
    { visitor_id: "v4", path: "/", created_at: iso(-4 * MIN), device_type: "mobile" },
    { visitor_id: "v5", path: "/", created_at: iso(-5 * MIN), bot_score: 65 },
    { visitor_id: "v6", path: "/", created_at: iso(-6 * MIN), site_id: "blog" },
    { visitor_id: "v7", path: "/", created_at: iso(-40 * DAY) },
  ]).map(String);
  const ids = async (query: string) => {
    const { status, html } = await adminHtml(app, `/admin/views${query}`);
    assert.equal(status, 200, query);
    return rowValues(html, "data-view-id");
  };
  assert.deepEqual(await ids(""), [home, pricing, fi, mobile, bot, otherSite]);
  assert.deepEqual(await ids("?days=90"), [home, pricing, fi, mobile, bot, otherSite, old]);
  assert.deepEqual(await ids("?site=blog"), [otherSite]);
  assert.deepEqual(await ids("?path=PRIC"), [pricing]);
  assert.deepEqual(await ids("?country=fi"), [fi]);
  assert.deepEqual(await ids("?device=mobile"), [mobile]);
  assert.deepEqual(await ids("?bots=humans"), [home, pricing, fi, mobile, otherSite]);
  assert.deepEqual(await ids("?bots=bots"), [bot]);
  assert.deepEqual(await ids("?site=shop&path=/&bots=humans&country=DE"), [home]);
  // An excluded visitor counts as a bot.
  app.services.db.run("INSERT INTO excluded_visitors (visitor_id) VALUES ('v1')");
  assert.deepEqual(await ids("?bots=bots"), [home, bot]);
  const { html } = await adminHtml(app, "/admin/views");
  assert.match(html, /href="\/admin\/visitors\/v2"/, "rows link to the visitor");
  assert.match(html, /\/pricing\?x=1/);
});

Deno.test("admin views: keyset pages walk every row exactly once, forwards and back", async () => {
  const app = await adminApp();
  // 123 views, many sharing a timestamp so the id breaks ties, inserted out of time order.
  const rows = Array.from({ length: 123 }, (_, i) => ({
    visitor_id: `v${i % 7}`,
    created_at: iso(-Math.floor(((i * 37) % 123) / 3) * MIN),
  }));
  const ids = insertViews(app, rows);
  const expected = ids
    .map((id, i) => ({ id: String(id), at: rows[i].created_at }))
    .sort((a, b) => (a.at === b.at ? Number(b.id) - Number(a.id) : a.at < b.at ? 1 : -1))
    .map((r) => r.id);

  const { forward, backward } = await walkPages(app, "/admin/views", "data-view-id");
  assert.deepEqual(forward.map((p) => p.length), [50, 50, 23]);
  assert.deepEqual(forward.flat(), expected);
  assert.deepEqual(backward.map((p) => p.length), [23, 50, 50]);
  assert.deepEqual(backward.reverse().flat(), expected);
  assert.equal(new Set(forward.flat()).size, 123);

  const first = await adminHtml(app, "/admin/views");
  assert.equal(pagerHref(first.html, "prev"), null, "no previous page on the first");
  // Filters are kept in the cursor links.
  const filtered = await adminHtml(app, "/admin/views?site=shop&path=%2F&bots=humans");
  assert.match(pagerHref(filtered.html, "next") ?? "", /site=shop&path=%2F&bots=humans&after=/);
});

Deno.test("admin events: counts per type and name, filters, raw data, keyset pages", async () => {
  const app = await adminApp();
  insertEvents(app, [
    {
      event_type: "click",
      visitor_id: "v1",
      data: '{"tag":"a","text":"Buy"}',
      created_at: iso(-MIN),
    },
    { event_type: "click", visitor_id: "v2", created_at: iso(-2 * MIN) },
    { event_type: "custom", event_name: "signup", visitor_id: "v1", created_at: iso(-3 * MIN) },
    { event_type: "custom", event_name: "purchase", visitor_id: "v3", created_at: iso(-4 * MIN) },
    {
      event_type: "custom",
      event_name: "purchase",
      visitor_id: "v9",
      bot_score: 90,
      created_at: iso(-5 * MIN),
    },
    { event_type: "scroll_depth", site_id: "blog", visitor_id: "v4", created_at: iso(-6 * MIN) },
    { event_type: "click", visitor_id: "v5", created_at: iso(-50 * DAY) },
  ]);
  const page = await adminHtml(app, "/admin/events");
  assert.equal(page.status, 200);
  const counts = [
    ...page.html.matchAll(
      /data-event-type="([^"]*)" data-event-name(?:="([^"]*)")?>.*?<td[^>]*>(\d+)<\/td><td[^>]*>(\d+)<\/td>/g,
    ),
  ].map((m) => `${m[1]}:${m[2] ?? ""}=${m[3]}/${m[4]}`);
  assert.deepEqual(counts, [
    "click:=2/2",
    "custom:purchase=2/2",
    "custom:signup=1/1",
    "scroll_depth:=1/1",
  ]);
  assert.match(page.html, /{&quot;tag&quot;:&quot;a&quot;,&quot;text&quot;:&quot;Buy&quot;}/);
  assert.equal(rowValues(page.html, "data-event-id").length, 6);

  const list = async (query: string) =>
    rowValues((await adminHtml(app, `/admin/events${query}`)).html, "data-event-id").length;
  assert.equal(await list("?type=click"), 2);
  assert.equal(await list("?type=custom&name=purchase"), 2);
  assert.equal(await list("?type=custom&name=purchase&bots=humans"), 1);
  assert.equal(await list("?site=blog"), 1);
  assert.equal(await list("?days=90&type=click"), 3);

  insertEvents(
    app,
    Array.from({ length: 70 }, (_, i) => ({
      event_type: "hover",
      visitor_id: `h${i}`,
      created_at: iso(-(i % 10) * MIN),
    })),
  );
  const { forward, backward } = await walkPages(app, "/admin/events?type=hover", "data-event-id");
  assert.deepEqual(forward.map((p) => p.length), [50, 20]);
  assert.deepEqual(backward.reverse().flat(), forward.flat());
  assert.equal(new Set(forward.flat()).size, 70);
});

Deno.test("admin pages: garbage in the query string never gives a 5xx", async () => {
  const app = await adminApp();
  insertViews(app, [{ visitor_id: "v1" }]);
  insertEvents(app, [{ visitor_id: "v1" }]);
  const garbage = [
    "days=abc&from=2026-99-99&to=x",
    "site=%ZZ&days=-1",
    "site=" + "a".repeat(300),
    "after=%%%&before=AAAA",
    "after=" + "W1siYSJd".repeat(200),
    "after=WyJ4Il0&before=WzEsMl0",
    "min_score=-5&kind=robots&sort=nonsense&order=sideways",
    "country=%00%01&device=toaster&bots=maybe&path=" + "%F0%9F%92%A9".repeat(200),
    "type=" + "x".repeat(500) + "&name=%E2%80%AE",
    "from=2026-11-20&to=2026-11-01",
    "notice=<script>alert(1)</script>",
    "site=shop&site=blog&days=7&days=8",
  ];
  for (const path of [...ADMIN_PAGES, "/admin/visitors/v1", "/admin/visitors/%ZZ"]) {
    for (const query of garbage) {
      const { status, html } = await adminHtml(app, `${path}?${query}`);
      assert.ok(status < 500, `${path}?${query}: ${status}`);
      assert.doesNotMatch(html, /<script>alert/, `${path}?${query}`);
    }
  }
});

Deno.test("admin pages: seeded through the real collectors, views and events appear", async () => {
  const app = await adminApp();
  await hit(app, beaconUrl({ s: "shop" }));
  await app.request("/e", {
    method: "POST",
    headers: {
      "content-type": "text/plain",
      "user-agent":
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
      "accept-language": "en",
      referer: "https://customer.example/",
    },
    body: JSON.stringify({
      siteId: "shop",
      events: [{ type: "custom", data: { name: "signup", plan: "pro" } }],
    }),
  });
  await flush(app);
  const views = await adminHtml(app, "/admin/views");
  assert.equal(rowValues(views.html, "data-view-id").length, 1);
  assert.match(views.html, />\/pricing</);
  const events = await adminHtml(app, "/admin/events");
  assert.match(events.html, /data-event-type="custom" data-event-name="signup"/);
});
