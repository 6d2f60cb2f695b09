// The dashboard's live panel under the dashboard's filters (lib/admin/live_panel.ts, lib/stats/live_filtered.ts): visitors, views and likely bots of the
// last 5 minutes and views per minute of the last hour count only the matching traffic (checked
// against the stored rows with SQL), its chips are shown, the island polls the filtered page for JSON with the
// filters, and without a filter the panel is the live dashboard's as before.
import assert from "node:assert/strict";
import { adminApp, adminHtml, type AdminTestApp, insertViews, registerSite } from "./_admin.ts";
import { decode } from "./_dashboard_html.ts";
import { rebuildAllSessions } from "../lib/db/session_table.ts";

const SITE = "live";
const NOW = Date.parse("2026-11-20T12:00:00.000Z");
const at = (minutesAgo: number, seconds = 0) =>
  new Date(NOW - minutesAgo * 60_000 + seconds * 1000).toISOString();

/**
 * Sessions of the last hour: each [visitor, country, pages (minutes ago, oldest first), bot score].
 * A session's entry page is its first page (the session-level filter below).
 */
const SESSIONS: [string, string, [string, number][], number][] = [
  ["de1", "DE", [["/", 2], ["/pricing", 1]], 0],
  ["de2", "DE", [["/blog", 40]], 0],
  ["fr1", "FR", [["/pricing", 4], ["/", 3], ["/docs", 0]], 0],
  ["fr2", "FR", [["/", 30], ["/docs", 29]], 0],
  ["fr3", "FR", [["/", 58]], 0],
  ["frbot", "FR", [["/", 1], ["/pricing", 1]], 90],
  ["us1", "US", [["/docs", 3]], 0],
  // Before the hour: not counted anywhere.
  ["fr-old", "FR", [["/", 70]], 0],
];

/** A panel's page as its island polls it (JSON, with the session cookie). */
function liveJson(app: AdminTestApp, path: string): Promise<Response> {
  return app.request(path, {
    headers: { accept: "application/json", ...(app.cookie ? { cookie: app.cookie } : {}) },
  });
}

/** Where a session came from (its first view's referrer). */
const REFERRERS: Record<string, string> = {
  de1: "google.com",
  fr1: "news.ycombinator.com",
  frbot: "google.com",
  us1: "google.com",
};

async function liveApp(env: Record<string, string> = {}): Promise<AdminTestApp> {
  const app = await adminApp(env);
  registerSite(app, SITE);
  insertViews(
    app,
    SESSIONS.flatMap(([visitor, country, pages, score]) =>
      pages.map(([path, ago], i) => ({
        site_id: SITE,
        visitor_id: visitor,
        session_id: `s-${visitor}`,
        path,
        country_code: country,
        bot_score: score,
        created_at: at(ago, i - 30),
        referrer_domain: i === 0 ? REFERRERS[visitor] ?? null : null,
      }))
    ),
  );
  // The sessions table, as the writer keeps it (the rows were inserted under it).
  rebuildAllSessions(app.services.db);
  return app;
}

interface Shown {
  active: number;
  pageviews: number;
  bots: number;
  minutes: { t: string; views: number; visitors: number }[];
}

/** What the panel must show for the views matching `where` (SQL over the stored rows). */
function expected(app: AdminTestApp, where: string): Shown {
  const db = app.services.db;
  const since = at(5);
  const rows = `FROM visitor_views v WHERE site_id = '${SITE}' AND ${where}`;
  const one = (sql: string) => Number(Object.values(db.get(sql)!)[0]);
  const minutes = new Map(
    db.all<{ m: string; n: number; u: number }>(
      `SELECT substr(created_at, 1, 16) AS m, COUNT(*) AS n, COUNT(DISTINCT visitor_id) AS u ${rows}
       AND bot_score < 50 GROUP BY m`,
    ).map((r) => [r.m, r]),
  );
  const first = Math.floor(NOW / 60_000) * 60_000 - 59 * 60_000;
  return {
    active: one(
      `SELECT COUNT(DISTINCT visitor_id) ${rows} AND bot_score < 50 AND created_at >= '${since}'`,
    ),
    pageviews: one(`SELECT COUNT(*) ${rows} AND bot_score < 50 AND created_at >= '${since}'`),
    bots: one(
      `SELECT COUNT(DISTINCT visitor_id) ${rows} AND bot_score >= 50 AND created_at >= '${since}'`,
    ),
    minutes: Array.from({ length: 60 }, (_, i) => {
      const t = new Date(first + i * 60_000).toISOString();
      const row = minutes.get(t.slice(0, 16));
      return { t, views: row?.n ?? 0, visitors: row?.u ?? 0 };
    }),
  };
}

function panelProps(html: string) {
  const attr = html.match(/data-island="LivePanel" data-props="([^"]*)"/)?.[1];
  assert.ok(attr, "the live panel rendered");
  return JSON.parse(decode(attr)) as {
    initial: Shown;
    filtered?: { url: string; labels: string[] };
  };
}

const pick = (s: Shown): Shown => ({
  active: s.active,
  pageviews: s.pageviews,
  bots: s.bots,
  minutes: s.minutes,
});

const ENTRY_IS_ROOT =
  "(SELECT path FROM visitor_views f WHERE f.session_id = v.session_id ORDER BY created_at LIMIT 1) = '/'";

Deno.test("live panel: a filter counts only the matching traffic, chips shown, polled with it", async () => {
  const app = await liveApp();
  const cases: [string, string, string[]][] = [
    ["f=visit:country:is:FR", "country_code = 'FR'", ["Country is France"]],
    ["f=visit:entry_page:is:/", ENTRY_IS_ROOT, ["Entry page is /"]],
    [
      "f=visit:country:is:FR&f=event:page:is_not:/docs",
      "country_code = 'FR' AND path <> '/docs'",
      ["Country is France", "Page is not /docs"],
    ],
  ];
  const all = expected(app, "1");
  for (const [query, where, labels] of cases) {
    const want = expected(app, where);
    // The fixture is what the test thinks: each filter narrows every figure it shows.
    assert.ok(want.active > 0 && want.active < all.active, `${query}: active narrows`);
    assert.ok(want.minutes.some((m) => m.views > 0), `${query}: minutes with views`);
    const { status, html } = await adminHtml(app, `/admin?site=${SITE}&${query}`);
    assert.equal(status, 200);
    const props = panelProps(html);
    assert.deepEqual(pick(props.initial), want, `${query}: first render`);
    assert.deepEqual(props.filtered?.labels, labels);
    assert.match(html, new RegExp(`data-live-panel="active">${want.active}<`));
    const chips = [...html.matchAll(/data-live-panel="filters"[\s\S]*?<\/ul>/g)][0]?.[0] ?? "";
    assert.deepEqual([...chips.matchAll(/<li[^>]*>([^<]*)<\/li>/g)].map((m) => m[1]), labels);

    // What the island polls says the same.
    const url = props.filtered!.url;
    assert.ok(url.startsWith(`/admin?site=${SITE}&`), url);
    const res = await liveJson(app, url);
    assert.equal(res.status, 200);
    const polled = await res.json();
    assert.deepEqual(pick(polled), want, `${query}: polled`);
    assert.deepEqual(polled.filters, labels);
  }
  // Bots: only the likely bots' figures.
  const bots = await adminHtml(app, `/admin?site=${SITE}&f=visit:country:is:FR&bots=only`);
  const only = panelProps(bots.html);
  assert.equal(only.initial.active, 1, "frbot alone");
  assert.equal(only.initial.pageviews, 2);
  assert.deepEqual(only.filtered?.labels, ["Country is France", "Bots only"]);
});

Deno.test("live panel: unfiltered it is the live dashboard's; a bad filter is left out", async () => {
  const app = await liveApp();
  const plain = panelProps((await adminHtml(app, `/admin?site=${SITE}`)).html);
  assert.equal(plain.filtered, undefined, "polls the live dashboard API");
  const all = expected(app, "1");
  assert.equal(plain.initial.active, all.active);
  assert.equal(plain.initial.pageviews, all.pageviews);
  assert.equal(plain.initial.bots, all.bots);
  assert.deepEqual(plain.initial.minutes.map((m) => m.views), all.minutes.map((m) => m.views));

  // A filter that does not parse is named and left out: the figures of the others.
  const res = await liveJson(
    app,
    `/admin?site=${SITE}&f=visit:contry:is:FR&f=visit:country:is:DE`,
  );
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.deepEqual(pick(body), expected(app, "country_code = 'DE'"));
  assert.deepEqual(body.filters, ["Country is Germany"]);
  assert.deepEqual(body.errors, [
    'Filter "visit:contry:is:FR" ignored: "visit:contry" is not a dimension.',
  ]);
  // No site (and more than one): a clear refusal.
  registerSite(app, "other");
  const none = await liveJson(app, "/admin");
  assert.equal(none.status, 400);
  assert.equal((await none.json()).error, "invalid_site");
});

Deno.test("live panel: public mode serves the filtered panel, aggregates only", async () => {
  const app = await liveApp({ ECHELON_PUBLIC_MODE: "true" });
  // The page and its panel's JSON share a URL: a shared cache must tell them apart.
  for (
    const path of [`/admin?site=${SITE}&f=visit:country:is:FR`, `/admin/realtime?site=${SITE}`]
  ) {
    const page = await app.request(path);
    assert.equal(page.status, 200, path);
    assert.match(page.headers.get("content-type") ?? "", /text\/html/, path);
    assert.match(page.headers.get("vary") ?? "", /(^|,)\s*accept\s*(,|$)/i, path);
    await page.body?.cancel();
  }
  const res = await liveJson(app, `/admin?site=${SITE}&f=visit:country:is:FR`);
  assert.equal(res.status, 200);
  const vary = (res.headers.get("vary") ?? "").split(",").map((v) => v.trim().toLowerCase());
  assert.equal(vary.filter((v) => v === "accept").length, 1, "accept said once");
  const body = await res.json();
  assert.deepEqual(pick(body), expected(app, "country_code = 'FR'"));
  assert.deepEqual(Object.keys(body).sort(), [
    "active",
    "bots",
    "errors",
    "filters",
    "generatedAt",
    "minutes",
    "pageviews",
    "windowMinutes",
  ]);
});

/** The realtime page's lists for the views matching `where`: the last 5 minutes' humans. */
function expectedLists(app: AdminTestApp, where: string) {
  const list = (column: string) =>
    app.services.db.all<{ label: string; views: number; visitors: number }>(
      `SELECT ${column} AS label, COUNT(*) AS views, COUNT(DISTINCT visitor_id) AS visitors
       FROM visitor_views v WHERE site_id = '${SITE}' AND ${where} AND bot_score < 50
         AND created_at >= '${at(5)}' AND ${column} IS NOT NULL
       GROUP BY label ORDER BY visitors DESC, views DESC, label LIMIT 10`,
    ).map((r) => ({ label: r.label, views: r.views, visitors: r.visitors }));
  return {
    paths: list("path"),
    referrers: list("referrer_domain"),
    countries: list("country_code"),
  };
}

Deno.test("realtime page: the dashboard's filters narrow its figures and lists, chips shown", async () => {
  const app = await liveApp();
  const query = "f=visit:country:is:FR";
  const want = {
    ...expected(app, "country_code = 'FR'"),
    ...expectedLists(app, "country_code = 'FR'"),
  };
  const all = expectedLists(app, "1");
  assert.ok(want.paths.length > 0 && want.referrers.length > 0, "the fixture has FR rows");
  assert.notDeepEqual(want.paths, all.paths);
  assert.notDeepEqual(want.countries, all.countries);

  const { status, html } = await adminHtml(app, `/admin/realtime?site=${SITE}&${query}`);
  assert.equal(status, 200);
  const attr = html.match(/data-island="RealtimePanel" data-props="([^"]*)"/)?.[1];
  assert.ok(attr);
  const props = JSON.parse(decode(attr));
  const shown = (s: typeof props.initial) => ({
    ...pick(s),
    paths: s.paths,
    referrers: s.referrers,
    countries: s.countries,
  });
  assert.deepEqual(shown(props.initial), want);
  assert.equal(props.initial.visitors, null, "no visitors listed under filters");
  assert.doesNotMatch(html, /id="realtime-visitors"/);
  assert.deepEqual(props.filtered.labels, ["Country is France"]);
  assert.match(html, /data-realtime="filters"[^>]*><span[^>]*>Country is France<\/span>/);

  // Its poll says the same.
  assert.match(props.filtered.url, /^\/admin\/realtime\?site=live&/);
  const res = await liveJson(app, props.filtered.url);
  assert.equal(res.status, 200);
  assert.deepEqual(shown(await res.json()), want);

  // The same URL opened in a browser is the page; unfiltered, the visitors are listed as before.
  const opened = await adminHtml(app, props.filtered.url);
  assert.equal(opened.status, 200);
  assert.match(opened.html, /id="realtime-panel"/);
  const plain = await adminHtml(app, `/admin/realtime?site=${SITE}`);
  assert.match(plain.html, /id="realtime-visitors"/);
});
