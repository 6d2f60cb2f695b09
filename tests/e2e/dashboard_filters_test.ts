// Chromium, issue 16's "done when" for the dashboard: views from several countries (multi-view
// sessions, pages, referrers, UTM, devices, systems, browsers, screens, bots) are stored; the
// admin opens the dashboard, CLICKS one country's row, and every headline card, the trend and
// every list then shows only that country's figures — computed here from the stored rows with
// SQL, not by the engine; removing the chip brings the unfiltered figures back.
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { formatDuration } from "../../lib/admin/format.ts";
import { insertEvents, insertViews } from "../../lib/db/collect.ts";
import type { EventRow, ViewRow } from "../../lib/db/columns.ts";
import { refreshRollups } from "../../lib/stats/mod.ts";
import { OVERVIEW_DIMENSIONS } from "../../lib/query/dimensions.ts";
import { registerSite } from "../_admin.ts";
import { AUTH_ENV, TEST_PASSWORD, TEST_USERNAME } from "../_auth.ts";
import { createTestApp, serveTestApp, type TestApp } from "../_helpers.ts";
import { D1, D2, event, view } from "../_stats_fixture.ts";
import { BROWSER_TEST, openBrowser } from "./_browser.ts";

const SITE = "world";
const CHOSEN = "FR";

/** Per country: how many visitors. Each visitor is one session on one day, one device. */
const COUNTRIES: [string, number][] = [["DE", 9], ["FR", 7], ["US", 6], ["JP", 4], ["BR", 3]];
const PAGES = ["/", "/pricing", "/blog/launch", "/docs"];
const DEVICES = [
  { device_type: "desktop", os_name: "Windows", browser_name: "Chrome", screen_width: 1440 },
  { device_type: "mobile", os_name: "iOS", browser_name: "Safari", screen_width: 390 },
  { device_type: "desktop", os_name: "macOS", browser_name: "Firefox", screen_width: 1920 },
  { device_type: "tablet", os_name: "Android", browser_name: "Chrome", screen_width: 820 },
];
/** How a session arrived; sessions with a referrer or UTM tags are one view long. */
const ARRIVALS: Partial<ViewRow>[] = [
  {},
  { referrer_domain: "google.com", referrer: "https://google.com/", referrer_type: "search" },
  {
    referrer_domain: "news.ycombinator.com",
    referrer: "https://news.ycombinator.com/",
    referrer_type: "social",
    utm_source: "hn",
    utm_medium: "social",
    utm_campaign: "launch",
  },
];

/** Deterministic rows: the same every run. */
function generate(): { views: ViewRow[]; events: EventRow[] } {
  const rows: ViewRow[] = [];
  const events: EventRow[] = [];
  let n = 0;
  for (const [country, visitors] of COUNTRIES) {
    for (let v = 0; v < visitors; v++, n++) {
      const day = n % 2 === 0 ? D1 : D2;
      const arrival = ARRIVALS[n % ARRIVALS.length];
      const length = Object.keys(arrival).length > 0 ? 1 : 1 + (Math.floor(n / 3) % 3);
      // Every fifth visitor is a bot (score 80): counted only when bots are shown.
      const bot = n % 5 === 4;
      for (let i = 0; i < length; i++) {
        rows.push(view({
          site_id: SITE,
          visitor_id: `${country}-${v}`,
          session_id: `s-${country}-${v}`,
          created_at: `${day}T${String(8 + (n % 10)).padStart(2, "0")}:${
            String(i * 3).padStart(2, "0")
          }:00.000Z`,
          path: PAGES[(n + i) % PAGES.length],
          country_code: country,
          ...DEVICES[n % DEVICES.length],
          screen_height: 800,
          ...(i === 0 ? arrival : { referrer_type: "internal" }),
          bot_score: bot ? 80 : 0,
          interaction_ms: null,
        }));
      }
      // Custom events during some visits (a signup, sometimes a purchase too).
      const names = n % 3 === 1 ? ["signup"] : n % 4 === 0 ? ["signup", "purchase"] : [];
      for (const [i, name] of names.entries()) {
        events.push(event({
          site_id: SITE,
          event_type: "custom",
          event_name: name,
          visitor_id: `${country}-${v}`,
          session_id: `s-${country}-${v}`,
          path: PAGES[n % PAGES.length],
          created_at: `${day}T${String(8 + (n % 10)).padStart(2, "0")}:0${i}:30.000Z`,
          bot_score: bot ? 80 : 0,
        }));
      }
    }
  }
  return { views: rows, events };
}

/** Screen width classes as the dashboard names them (lib/query/dimensions.ts SCREEN_CLASSES). */
const CLASS_SQL = `CASE WHEN screen_width < 576 THEN 'xs' WHEN screen_width < 768 THEN 'sm'
  WHEN screen_width < 992 THEN 'md' WHEN screen_width < 1200 THEN 'lg'
  WHEN screen_width < 1920 THEN 'xl' ELSE 'xxl' END`;

interface Expected {
  kpis: Record<string, string>;
  /** The proof strip's "Excluded as bots" card: "<views> views · <visitors> visitors". */
  excluded: string;
  trend: Record<string, number>;
  /** Per list (table id): label → [count, secondary]. */
  lists: Record<string, Record<string, [string, string]>>;
}

/** What the dashboard must show for the human views matching `where`, from the stored rows. */
function expected(t: TestApp, where: string): Expected {
  const db = t.services.db;
  const base = `FROM visitor_views WHERE site_id = '${SITE}' AND bot_score < 50 AND ${where}`;
  const one = (sql: string) => Number(Object.values(db.get(sql)!)[0]);
  const views = one(`SELECT COUNT(*) ${base}`);
  const visitors = one(
    `SELECT COUNT(*) FROM (SELECT DISTINCT substr(created_at, 1, 10), visitor_id ${base})`,
  );
  const sessions = one(`SELECT COUNT(DISTINCT session_id) ${base}`);
  const bounces = one(
    `SELECT COUNT(*) FROM (SELECT session_id ${base} GROUP BY session_id HAVING COUNT(*) = 1)`,
  );
  const bots = `FROM visitor_views WHERE site_id = '${SITE}' AND bot_score >= 50 AND ${where}`;
  const excluded = `${one(`SELECT COUNT(*) ${bots}`)} views · ${
    one(`SELECT COUNT(DISTINCT visitor_id) ${bots}`)
  } visitors`;
  const kpis = {
    unique_visitors: String(visitors),
    visits: String(views),
    sessions: String(sessions),
    bounce_rate: `${(sessions ? (bounces / sessions) * 100 : 0).toFixed(1)}%`,
    pages_per_session: (sessions ? views / sessions : 0).toFixed(2),
    avg_engagement_ms: formatDuration(0),
    avg_scroll_pct: "0.0%",
  };
  // Two days: the trend is drawn by the hour (of UTC, the site's zone).
  const trend = Object.fromEntries(
    db.all<{ d: string; n: number }>(
      `SELECT replace(substr(created_at, 1, 13), 'T', ' ') || ':00' AS d, COUNT(*) AS n ${base}
       GROUP BY d`,
    ).map((r) => [r.d, r.n]),
  );
  const byViews = (column: string, extra = "") =>
    Object.fromEntries(
      db.all<{ k: string; n: number; v: number }>(
        `SELECT ${column} AS k, COUNT(*) AS n, COUNT(DISTINCT visitor_id) AS v ${base} ${extra}
         GROUP BY k`,
      ).map((r) => [r.k, [String(r.n), String(r.v)] as [string, string]]),
    );
  // Custom events of the sessions whose views match (a session is in one country here).
  const byEvents = (column: string) =>
    Object.fromEntries(
      db.all<{ k: string; n: number; v: number }>(
        `SELECT ${column} AS k, COUNT(*) AS n, COUNT(DISTINCT visitor_id) AS v FROM semantic_events
         WHERE site_id = '${SITE}' AND bot_score < 50 AND session_id IN (SELECT session_id ${base})
         GROUP BY k`,
      ).map((r) => [r.k, [String(r.n), String(r.v)] as [string, string]]),
    );
  // A session's first and last view (ids ascend with time here).
  const edge = (pick: "MIN" | "MAX") =>
    Object.fromEntries(
      db.all<{ k: string; n: number; b: number }>(
        `SELECT w.path AS k, COUNT(*) AS n, SUM(s.c = 1) AS b FROM (SELECT session_id,
         ${pick}(id) AS edge, COUNT(*) AS c ${base} GROUP BY session_id) s
         JOIN visitor_views w ON w.id = s.edge GROUP BY w.path`,
      ).map((r) => [
        r.k,
        [String(r.n), pick === "MIN" ? `${((r.b / r.n) * 100).toFixed(1)}%` : ""] as [
          string,
          string,
        ],
      ]),
    );
  return {
    kpis,
    excluded,
    trend,
    lists: {
      "top-pages-table": byViews("path"),
      "entry-pages": edge("MIN"),
      "exit-pages": edge("MAX"),
      "referrer-domains": byViews("referrer_domain", "AND referrer_domain IS NOT NULL"),
      "referrer-types": byViews("referrer_type"),
      "utm-sources": byViews("utm_source", "AND utm_source IS NOT NULL"),
      "utm-mediums": byViews("utm_medium", "AND utm_medium IS NOT NULL"),
      "utm-campaigns": byViews("utm_campaign", "AND utm_campaign IS NOT NULL"),
      "countries-table": byViews("country_code"),
      "devices-table": byViews("device_type"),
      "os-table": byViews("os_name"),
      "browsers-table": byViews("browser_name"),
      "screen-classes-table": byViews(CLASS_SQL),
      "resolutions-table": byViews("screen_width || 'x' || screen_height"),
      "custom-events-table": byEvents("event_name"),
      "event-types-table": byEvents("event_type"),
    },
  };
}

/** What the page shows: the cards, the trend table and every list named in `lists`. */
async function shown(page: Page, lists: string[]): Promise<Expected> {
  return await page.evaluate((ids) => {
    const text = (el: Element | null) => el?.textContent?.trim() ?? "";
    const kpis: Record<string, string> = {};
    for (const el of document.querySelectorAll("[data-kpi-value]")) {
      kpis[el.getAttribute("data-kpi-value")!] = text(el);
    }
    const trend: Record<string, number> = {};
    for (const row of document.querySelectorAll("#trend-chart-table tr[data-date]")) {
      const views = Number(text(row.querySelectorAll("td")[1]).replace(/,/g, ""));
      if (views > 0) trend[row.getAttribute("data-date")!] = views;
    }
    const out: Record<string, Record<string, [string, string]>> = {};
    for (const id of ids) {
      const rows: Record<string, [string, string]> = {};
      for (const row of document.querySelectorAll(`#${id} tbody tr[data-rank]`)) {
        const cells = row.querySelectorAll("td");
        rows[row.getAttribute("data-rank")!] = [text(cells[1]), cells[2] ? text(cells[2]) : ""];
      }
      out[id] = rows;
    }
    const proof = [...document.querySelectorAll("#proof > *")].find((card) =>
      text(card).startsWith("Excluded as bots")
    );
    const excluded = text(proof?.querySelector(".text-2xl") ?? null);
    return { kpis, excluded, trend, lists: out };
  }, lists);
}

function assertShows(actual: Expected, want: Expected, state: string): void {
  assert.deepEqual(actual.kpis, want.kpis, `${state}: cards`);
  assert.deepEqual(actual.trend, want.trend, `${state}: trend`);
  assert.equal(actual.excluded, want.excluded, `${state}: excluded as bots`);
  for (const [id, rows] of Object.entries(want.lists)) {
    // Exit pages show no second figure; the others show visitors (entry pages: bounce rate).
    assert.deepEqual(actual.lists[id], rows, `${state}: ${id}`);
  }
}

/**
 * The generated rows (and `more` views) stored, the app served, Chromium signed in and on the
 * site's dashboard of D1–D2, hydrated.
 */
async function openDashboard(more: ViewRow[]) {
  const t = await createTestApp(AUTH_ENV);
  registerSite(t, SITE, "The World");
  const { views, events } = generate();
  insertViews(t.services.db, [...views, ...more]);
  insertEvents(t.services.db, events);
  await refreshRollups(t.services);
  const server = serveTestApp(t);
  const browser = await openBrowser();
  const base = server.baseUrl;
  const { page } = browser;
  try {
    await page.goto(`${base}/admin`);
    await page.fill("input[name=username]", TEST_USERNAME);
    await page.fill("input[name=password]", TEST_PASSWORD);
    await Promise.all([page.waitForURL(`${base}/admin`), page.click("button[type=submit]")]);
    await page.goto(`${base}/admin?site=${SITE}&from=${D1}&to=${D2}`);
    await page.waitForSelector("html[data-hydrated=true]");
  } catch (error) {
    await browser.close();
    await server.close();
    throw error;
  }
  return { t, server, browser };
}

Deno.test({
  name: "e2e: click a country row, every card and list shows that country alone; chip removed",
  ...BROWSER_TEST,
  async fn() {
    const { t, server, browser } = await openDashboard([]);
    try {
      const { page, errors } = browser;
      const all = expected(t, "1");
      const ids = Object.keys(all.lists);
      // The rows are what the test thinks they are: several countries, bots, bounces.
      assert.equal(Object.keys(all.lists["countries-table"]).length, COUNTRIES.length);
      const bots = t.services.db.get<{ n: number }>(
        "SELECT COUNT(*) AS n FROM visitor_views WHERE bot_score >= 50",
      )!.n;
      assert.ok(bots > 0, "some views are bots");
      assert.ok(all.kpis.bounce_rate !== "0.0%" && all.kpis.bounce_rate !== "100.0%");
      assertShows(await shown(page, ids), all, "unfiltered");

      // Click the chosen country's row.
      await Promise.all([
        page.waitForURL(/f=visit:country:is:FR/),
        page.click(`#countries-table tr[data-rank="${CHOSEN}"] a[data-filter-link]`),
      ]);
      await page.waitForSelector("html[data-hydrated=true]");
      const chosen = expected(t, `country_code = '${CHOSEN}'`);
      assert.notDeepEqual(chosen.kpis, all.kpis);
      assert.deepEqual(Object.keys(chosen.lists["countries-table"]), [CHOSEN]);
      for (const id of ["custom-events-table", "top-pages-table", "referrer-domains"]) {
        assert.ok(Object.keys(chosen.lists[id]).length > 0, `${id} has rows`);
        assert.notDeepEqual(chosen.lists[id], all.lists[id], `${id} narrows`);
      }
      assertShows(await shown(page, ids), chosen, CHOSEN);
      assert.equal(
        await page.locator("#filter-chips li").textContent(),
        "Country is France×",
      );

      // Remove the chip: the unfiltered figures are back.
      await Promise.all([
        page.waitForURL((url) => !url.search.includes("f=")),
        page.click("#filter-chips [data-remove-filter]"),
      ]);
      await page.waitForSelector("html[data-hydrated=true]");
      assert.equal(await page.locator("#filter-chips li").count(), 0);
      assertShows(await shown(page, ids), all, "chip removed");
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
      await server.close();
    }
  },
});

/** The app's clock (tests/_helpers.ts): the live panel's last 5 minutes end here. */
const NOW = "2026-11-20T12:00:00.000Z";

/** Views of the last minutes (the live panel's), on a phone (xs) or a desktop (xl). */
function recent(): ViewRow[] {
  return Array.from({ length: 7 }, (_, n) =>
    view({
      site_id: SITE,
      visitor_id: `now-${n}`,
      session_id: `s-now-${n}`,
      created_at: new Date(Date.parse(NOW) - (n % 4 + 1) * 60_000).toISOString(),
      path: PAGES[n % PAGES.length],
      country_code: "DE",
      ...(n % 3 === 0 ? DEVICES[1] : DEVICES[0]),
      screen_height: 800,
      bot_score: n === 6 ? 80 : 0,
      interaction_ms: null,
    }));
}

/** The live panel's counts as shown, and its chips. */
async function livePanel(page: Page) {
  return await page.evaluate(() => {
    const text = (s: string) => document.querySelector(`#live-panel ${s}`)?.textContent ?? "";
    return {
      active: Number(text('[data-live-panel="active"]')),
      views: Number(text('[data-live-panel="views"]')),
      bots: Number(text('[data-live-panel="bots"]')),
      chips: [...document.querySelectorAll('#live-panel [data-live-panel="filters"] li')]
        .map((li) => li.textContent),
    };
  });
}

Deno.test({
  name: "e2e: click a screen row, the lists and the live panel show that screen class alone",
  ...BROWSER_TEST,
  async fn() {
    const { t, server, browser } = await openDashboard(recent());
    try {
      const { page, errors } = browser;

      // The live panel's figures from the stored rows: the last 5 minutes, `where` matching.
      const db = t.services.db;
      const live = (where: string) => {
        const rows = `FROM visitor_views WHERE site_id = '${SITE}' AND ${where}
          AND created_at >= '${new Date(Date.parse(NOW) - 300_000).toISOString()}'
          AND created_at <= '${NOW}'`;
        const one = (sql: string) => Number(Object.values(db.get(sql)!)[0]);
        return {
          active: one(`SELECT COUNT(DISTINCT visitor_id) ${rows} AND bot_score < 50`),
          views: one(`SELECT COUNT(*) ${rows} AND bot_score < 50`),
          bots: one(`SELECT COUNT(DISTINCT visitor_id) ${rows} AND bot_score >= 50`),
        };
      };
      const xs = live(`${CLASS_SQL} = 'xs'`);
      const everyone = live("1");
      assert.ok(xs.active > 0 && xs.active < everyone.active, "the screen class narrows");
      assert.deepEqual(await livePanel(page), { ...everyone, chips: [] });

      // Click the xs row of the screens card.
      await Promise.all([
        page.waitForURL(/f=visit:screen:is:xs/),
        page.click('#screen-classes-table tr[data-rank="xs"] a[data-filter-link]'),
      ]);
      await page.waitForSelector("html[data-hydrated=true]");
      const chosen = expected(t, `${CLASS_SQL} = 'xs'`);
      const all = expected(t, "1");
      const registryLists = OVERVIEW_DIMENSIONS.map((d) => d.overview.dashboard.table);
      const actual = await shown(page, registryLists);
      assert.deepEqual(actual.kpis, chosen.kpis, "cards");
      assert.notDeepEqual(chosen.kpis, all.kpis);
      assert.deepEqual(actual.trend, chosen.trend, "trend");
      for (const id of registryLists) {
        assert.deepEqual(actual.lists[id], chosen.lists[id], id);
      }
      assert.deepEqual(Object.keys(actual.lists["screen-classes-table"]), ["xs"]);
      assert.equal(await page.locator("#filter-chips li").textContent(), "Screen is xs×");

      // The live panel: the xs traffic alone, its chip, and the next poll (the page's URL asked for JSON) says the same.
      const want = { ...xs, chips: ["Screen is xs"] };
      assert.deepEqual(await livePanel(page), want, "first render");
      const poll = await page.waitForResponse(
        (r) =>
          r.url().includes("f=visit%3Ascreen%3Ais%3Axs") &&
          (r.request().headers().accept ?? "").includes("application/json"),
        { timeout: 20_000 },
      );
      assert.equal(poll.status(), 200);
      await page.waitForFunction(
        () => document.querySelector("#live-panel")?.getAttribute("data-status") === "live",
      );
      assert.deepEqual(await livePanel(page), want, "after a poll");
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
      await server.close();
    }
  },
});
