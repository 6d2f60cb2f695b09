// The dashboard (/admin) and realtime (/admin/realtime) pages on the stats fixture
// (tests/_stats_fixture.ts): headline cards and their changes, the trend, the top lists, web
// vitals, the live island's first render, "All sites", zero states, bad parameters, the
// download buttons, and public mode (aggregates only, nothing internal, no form that writes).
import assert from "node:assert/strict";
import { ADMIN_NAV } from "../lib/admin/nav.ts";
import { adminApp, adminHtml, insertViews, postForms, registerSite } from "./_admin.ts";
import { decode, fixtureAdmin, kpis, rankRow, ranks } from "./_dashboard_html.ts";
import { D0, D1, D2, SITE } from "./_stats_fixture.ts";

function islandProps(html: string, name: string): Record<string, unknown> {
  const attr = html.match(new RegExp(`data-island="${name}" data-props="([^"]*)"`))?.[1];
  assert.ok(attr, `island ${name} rendered`);
  return JSON.parse(decode(attr));
}

Deno.test("dashboard: headline cards, changes, trend and top lists of the fixture", async () => {
  const app = await fixtureAdmin();
  const { status, html } = await adminHtml(app, `/admin?site=${SITE}&from=${D1}&to=${D2}`);
  assert.equal(status, 200);
  // D1..D2 against D0 (1 view, 1 visitor, 1 session that bounced, no engagement).
  assert.deepEqual(kpis(html), {
    unique_visitors: { value: "8", delta: "▲ 700.0%" },
    visits: { value: "13", delta: "▲ 1200.0%" },
    sessions: { value: "7", delta: "▲ 600.0%" },
    bounce_rate: { value: "42.9%", delta: "▼ 57.1 pts" },
    pages_per_session: { value: "1.86", delta: "▲ 86.0%" },
    avg_engagement_ms: { value: "15.8 s", delta: "▲ new" },
    avg_scroll_pct: { value: "62.5%", delta: "▲ 62.5 pts" },
  });
  // A falling bounce rate is good news (green); the words are there for screen readers.
  assert.match(
    html,
    /data-kpi="bounce_rate"[^]*?text-emerald-700[^]*?down 57\.1 pts from 100\.0% in 2026-11-17 – 2026-11-18</,
  );
  assert.match(html, /shop · 2026-11-19 – 2026-11-20 \(UTC\)/);

  // Two days are drawn by the hour (lib/admin/trend.ts), the previous two days by position.
  assert.match(html, /<figure id="trend-chart" data-total-views="13" data-hours="48"/);
  assert.match(
    html,
    /<title id="trend-chart-title">Page views and visitors per hour, shop<\/title>/,
  );
  assert.match(html, /busiest hour was 2026-11-19 10:00 with 3 views/);
  assert.match(
    html,
    /<tr data-date="2026-11-19 10:00" data-views="3" data-visitors="1">[\s\S]*?>3<\/td>[\s\S]*?>1<\/td>[\s\S]*?>0<\/td>/,
  );
  // D0's one view at 08:00 is the 33rd hour of the previous period, as 2026-11-20 08:00 is now.
  assert.match(
    html,
    /<tr data-date="2026-11-20 08:00" data-views="0" data-visitors="0">[\s\S]*?>0<\/td>[\s\S]*?>0<\/td>[\s\S]*?>1<\/td>/,
  );

  assert.deepEqual(ranks(html, "top-pages-table"), ["/", "/pricing", "/blog", "/docs", "/signup"]);
  assert.deepEqual(rankRow(html, "top-pages-table", "/pricing"), ["/pricing", "4", "4"]);
  assert.deepEqual(ranks(html, "entry-pages"), ["/", "/blog", "/pricing"]);
  assert.deepEqual(rankRow(html, "entry-pages", "/"), ["/", "5", "40.0%"]);
  assert.deepEqual(ranks(html, "exit-pages"), ["/", "/pricing", "/blog", "/signup"]);
  assert.deepEqual(ranks(html, "referrer-domains"), ["google.com", "t.co"]);
  assert.deepEqual(rankRow(html, "referrer-types", "direct_or_unknown"), [
    "direct or unknown",
    "4",
    "4",
  ]);
  assert.deepEqual(ranks(html, "utm-sources"), ["twitter"]);
  assert.deepEqual(ranks(html, "utm-mediums"), ["social"]);
  assert.deepEqual(ranks(html, "utm-campaigns"), ["launch"]);
  assert.deepEqual(ranks(html, "countries-table"), ["FI", "GB", "DE", "SE", "US"]);
  assert.deepEqual(rankRow(html, "countries-table", "GB"), ["United Kingdom", "3", "2"]);
  assert.deepEqual(ranks(html, "devices-table"), ["desktop", "mobile", "tablet"]);
  assert.deepEqual(ranks(html, "os-table").slice(0, 2), ["Windows", "macOS"]);
  assert.deepEqual(ranks(html, "browsers-table"), ["Chrome", "Safari"]);
  assert.deepEqual(ranks(html, "resolutions-table")[0], "1920x1080");
  assert.deepEqual(ranks(html, "outbound-table"), [
    "https://partner.example/",
    "https://other.example/",
  ]);
  assert.deepEqual(rankRow(html, "outbound-table", "https://partner.example/").slice(1), [
    "2",
    "1",
  ]);
  assert.deepEqual(ranks(html, "downloads-table"), ["https://shop.example/files/guide.pdf"]);
  assert.deepEqual(ranks(html, "custom-events-table"), ["signup", "api_sync", "purchase"]);
  assert.deepEqual(rankRow(html, "custom-events-table", "signup").slice(1), ["2", "2"]);
  assert.deepEqual(ranks(html, "scroll-depth-table"), ["25%", "50%", "75%", "100%"]);
  // A row is a link adding its filter to this dashboard, keeping the selection.
  assert.match(
    html,
    /href="\/admin\?site=shop&amp;from=2026-11-19&amp;to=2026-11-20&amp;f=event:page:is:\/pricing"/,
  );

  // Web vitals: p75 by nearest rank over the merged histograms, coloured by rating.
  assert.match(html, /data-vital="LCP" data-rating="poor"[\s\S]*?data-vital-p75="[A-Z]+">4\.10 s</);
  assert.match(html, /data-vital="CLS" data-rating="poor"[\s\S]*?data-vital-p75="[A-Z]+">0\.32</);
  assert.match(html, /data-vital="INP" data-rating="good"[\s\S]*?data-vital-p75="[A-Z]+">56 ms</);

  // The overview download keeps the selection; the instance card is there (private instance).
  assert.match(
    html,
    /<a href="\/api\/export\/overview\.csv\?site_id=shop&amp;from=2026-11-19&amp;to=2026-11-20" download [^>]*data-export="overview"/,
  );
  assert.match(html, /id="instance"[\s\S]*?Schema version/);
});

Deno.test("dashboard: the live panel island renders the last hour before it polls", async () => {
  const app = await fixtureAdmin();
  const { html } = await adminHtml(app, `/admin?site=${SITE}`);
  const props = islandProps(html, "LivePanel") as {
    siteId: string;
    realtimeHref: string;
    initial: { active: number; pageviews: number; minutes: { t: string; views: number }[] };
  };
  assert.equal(props.siteId, SITE);
  assert.equal(props.realtimeHref, "/admin/realtime?site=shop");
  // v7 viewed "/" at 11:58; the clock is 12:00.
  assert.equal(props.initial.active, 1);
  assert.equal(props.initial.pageviews, 1);
  assert.equal(props.initial.minutes.length, 60);
  assert.equal(props.initial.minutes.at(-1)!.t, `${D2}T12:00:00.000Z`);
  assert.equal(props.initial.minutes.find((m) => m.t === `${D2}T11:58:00.000Z`)!.views, 1);
  assert.match(html, /data-live-panel="active">1</);
  assert.match(
    html,
    /<svg id="live-sparkline"[^>]*aria-label="Page views per minute over the last 60 minutes: 1 in total/,
  );
});

Deno.test("dashboard: periods change the figures, the only site is chosen by itself", async () => {
  const app = await fixtureAdmin();
  // One registered site: "All sites" shows it.
  const today = await adminHtml(app, "/admin?days=1");
  assert.equal(today.status, 200);
  assert.deepEqual(kpis(today.html).unique_visitors, { value: "3", delta: "▼ 40.0%" });
  assert.deepEqual(kpis(today.html).visits, { value: "5", delta: "▼ 37.5%" });
  assert.match(today.html, /shop · Today/);
  const week = await adminHtml(app, "/admin?days=7");
  assert.deepEqual(kpis(week.html).visits, { value: "14", delta: "▲ new" });
  const before = await adminHtml(app, `/admin?site=${SITE}&from=${D0}&to=${D0}`);
  assert.deepEqual(kpis(before.html).visits, { value: "1", delta: "▲ new" });
  assert.deepEqual(kpis(before.html).bounce_rate, { value: "100.0%", delta: "▲ 100.0 pts" });
  assert.match(before.html, /data-kpi="bounce_rate"[\s\S]*?text-rose-700/, "more bounces: red");
});

Deno.test("dashboard: all sites adds up the sites and lists them busiest first", async () => {
  const app = await fixtureAdmin();
  registerSite(app, "blog");
  insertViews(app, [
    { site_id: "blog", visitor_id: "b1", session_id: "x1", created_at: `${D2}T08:00:00.000Z` },
    { site_id: "blog", visitor_id: "b1", session_id: "x1", created_at: `${D2}T08:01:00.000Z` },
  ]);
  const { status, html } = await adminHtml(app, "/admin?days=2");
  assert.equal(status, 200);
  assert.match(html, /All sites · 2 days/);
  assert.deepEqual(kpis(html), {
    unique_visitors: { value: "9", delta: "▲ 800.0%" },
    visits: { value: "15", delta: "▲ 1400.0%" },
    sessions: { value: "8", delta: "▲ 700.0%" },
    bounce_rate: { value: "37.5%", delta: "▼ 62.5 pts" },
    events: { value: "26", delta: "▲ new" },
  });
  const rows = [...html.matchAll(/<tr data-site="([^"]+)">/g)].map((m) => m[1]);
  assert.deepEqual(rows, ["shop", "blog"]);
  assert.match(html, /href="\/admin\?site=blog&amp;days=2"/);
  assert.match(html, /<figure id="trend-chart" data-total-views="15" data-hours="48"/);
  assert.doesNotMatch(html, /data-island="LivePanel"/, "live figures are per site");
  assert.doesNotMatch(html, /data-export="overview"/, "the overview export is per site");
});

Deno.test("dashboard: zero states and bad parameters render, never fail", async () => {
  const empty = await adminApp();
  const none = await adminHtml(empty, "/admin");
  assert.equal(none.status, 200);
  assert.match(none.html, /id="no-sites"[\s\S]*?No sites yet[\s\S]*?<pre id="snippet"/);

  const app = await fixtureAdmin();
  const quiet = await adminHtml(app, "/admin?site=quiet-site&days=7");
  assert.equal(quiet.status, 200);
  assert.match(quiet.html, /No page views for <strong>quiet-site<\/strong> in this period/);
  assert.deepEqual(kpis(quiet.html).visits, { value: "0", delta: "—" });
  assert.deepEqual(kpis(quiet.html).avg_engagement_ms, { value: "0 ms", delta: "—" });
  assert.match(quiet.html, /No page views from 2026-11-14 to 2026-11-20 \(UTC\)\./);
  assert.match(quiet.html, /<table id="top-pages-table"[\s\S]*?No page views\./);
  assert.match(quiet.html, /data-vital="LCP" data-rating="none"[\s\S]*?No samples in this period/);

  for (
    const path of [
      "/admin?days=abc",
      "/admin?days=-4",
      "/admin?days=99999",
      "/admin?from=2026-13-01",
      "/admin?from=2030-01-01&to=2030-02-01",
      `/admin?from=${D2}&to=${D0}`,
      "/admin?site=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
      "/admin?site=" + "x".repeat(300),
      "/admin/realtime?site=%00&days=%FF",
      "/admin/realtime?site=quiet-site",
    ]
  ) {
    const res = await adminHtml(app, path);
    assert.equal(res.status, 200, path);
    assert.doesNotMatch(res.html, /<script>alert/, path);
  }
});

Deno.test("realtime: the active window, the last hour and its visitors", async () => {
  const app = await fixtureAdmin();
  insertViews(app, [
    {
      visitor_id: "now-1",
      session_id: "n1",
      path: "/live",
      country_code: "FI",
      referrer_domain: "news.example",
      referrer_type: "other",
      created_at: `${D2}T11:59:30.000Z`,
    },
    { visitor_id: "robot", path: "/live", bot_score: 90, created_at: `${D2}T11:59:40.000Z` },
  ]);
  const { status, html } = await adminHtml(app, "/admin/realtime");
  assert.equal(status, 200);
  assert.match(html, /shop · the last 5 minutes/);
  assert.match(html, /data-realtime="active">2</);
  assert.match(html, /data-realtime="views">2</);
  assert.match(html, /data-realtime="bots">1</);
  assert.match(html, /<svg id="realtime-chart"[^>]*2 in total/);
  assert.match(html, /<div id="realtime-pages"|id="realtime-pages"/);
  assert.match(html, /id="realtime-pages"[\s\S]*?\/live[\s\S]*?id="realtime-referrers"/);
  assert.match(html, /id="realtime-referrers"[\s\S]*?news\.example/);
  assert.match(html, /id="realtime-countries"[\s\S]*?Finland[\s\S]*?Sweden/);
  assert.match(html, /<tr data-visitor="now-1">[\s\S]*?href="\/admin\/visitors\/now-1"/);
  assert.doesNotMatch(html, /data-visitor="robot"/, "bots are not visitors");
  const props = islandProps(html, "RealtimePanel") as { siteId: string };
  assert.equal(props.siteId, SITE);

  // All sites with several sites: one row per site, each linking to its realtime page.
  registerSite(app, "blog");
  const all = await adminHtml(app, "/admin/realtime");
  assert.match(all.html, /<table id="realtime-sites"/);
  assert.deepEqual([...all.html.matchAll(/<tr data-site="([^"]+)">/g)].map((m) => m[1]), [
    "shop",
    "blog",
  ]);
  assert.doesNotMatch(all.html, /data-island="RealtimePanel"/);
});

Deno.test("public mode: dashboard and realtime show aggregates only, with no write control", async () => {
  const app = await fixtureAdmin({ ECHELON_PUBLIC_MODE: "true" });
  insertViews(app, [
    { visitor_id: "secret-visitor-77", path: "/now", created_at: `${D2}T11:59:00.000Z` },
  ]);
  for (const path of ["/admin", `/admin?site=${SITE}&days=7`, "/admin/realtime"]) {
    const { status, html } = await adminHtml(app, path);
    assert.equal(status, 200, path);
    assert.deepEqual(postForms(html), [], `${path}: no form posts`);
    assert.match(html, /<meta name="robots" content="index, follow"\/?>/, path);
    // Visitor ids as values or text ("excluded" is also a word of the dashboard's proof figures).
    const ids = ["secret-visitor-77", '"v7"', ">v7<", '"excluded"', ">excluded<", '/excluded"'];
    for (const secret of [...ids, ":memory:"]) {
      assert.ok(!html.includes(secret), `${path} exposes ${secret}`);
    }
    assert.doesNotMatch(html, /href="\/admin\/visitors\/[^"?]/, `${path}: no visitor links`);
    assert.doesNotMatch(html, /Schema version|Uptime|id="instance"/, `${path}: internals`);
    assert.doesNotMatch(html, />(Log out|Exclude|Include|Delete|Save)</, path);
  }
  const dashboard = await adminHtml(app, "/admin");
  assert.deepEqual(kpis(dashboard.html).visits.value, "15");
  assert.match(dashboard.html, /data-export="overview"/, "aggregates can be downloaded");
  const realtime = await adminHtml(app, "/admin/realtime");
  assert.doesNotMatch(realtime.html, /id="realtime-visitors"/);
  assert.equal(
    (islandProps(realtime.html, "RealtimePanel").initial as { visitors: null }).visitors,
    null,
  );
  assert.match(realtime.html, /data-realtime="active">2</);
});

Deno.test("download buttons: views, events and bots pages carry the selection and filters", async () => {
  const app = await fixtureAdmin();
  const views = await adminHtml(app, `/admin/views?site=${SITE}&days=7&bots=humans`);
  assert.match(
    views.html,
    /href="\/api\/export\/views\.csv\?site_id=shop&amp;days=7&amp;bots=humans" download /,
  );
  const events = await adminHtml(app, `/admin/events?from=${D1}&to=${D2}&type=custom&name=signup`);
  assert.match(
    events.html,
    /href="\/api\/export\/events\.csv\?from=2026-11-19&amp;to=2026-11-20&amp;type=custom&amp;name=signup&amp;bots=all" download /,
  );
  const bots = await adminHtml(app, `/admin/bots?site=${SITE}`);
  assert.match(bots.html, /href="\/api\/export\/bots\.csv\?site_id=shop&amp;days=30" download /);

  const pub = await fixtureAdmin({ ECHELON_PUBLIC_MODE: "true" });
  assert.doesNotMatch((await adminHtml(pub, "/admin/views")).html, /data-export=/);
  assert.doesNotMatch((await adminHtml(pub, "/admin/events")).html, /data-export=/);
  assert.match((await adminHtml(pub, "/admin/bots")).html, /data-export="bots"/);
});

Deno.test("navigation lists the dashboard and the realtime page", () => {
  assert.deepEqual(ADMIN_NAV.slice(0, 2).map((item) => item.href), ["/admin", "/admin/realtime"]);
});
