// Stats benchmark: generates 1M and 10M realistic page views (plus ~1.2 events per view) over 90
// days into a temp SQLite file, builds the rollups, then times GET /api/stats/overview (30 days)
// and GET /api/stats/dashboard through the real in-process app with a bearer token.
//
//   deno run -A bench/stats_bench.ts [--rows 1000000,10000000] [--requests 30] [--no-10m]
//
// ECHELON_BENCH_SKIP_10M=1 (or --no-10m) leaves out the 10M case; `deno task bench` runs both.
import { createApp } from "../lib/app.ts";
import { loadConfig } from "../lib/config.ts";
import { EVENT_COLUMNS, insertSql, VIEW_COLUMNS } from "../lib/db/columns.ts";
import { type Database, openDatabase } from "../lib/db/mod.ts";
import { createLogger } from "../lib/log.ts";
import { createServices } from "../lib/services.ts";
import {
  defaultOverviewQuery,
  rebuildDays,
  refreshBlocks,
  refreshRollups,
  statsOverview,
  utcDay,
} from "../lib/stats/mod.ts";
import { addDays, takeExclusionChanges } from "../lib/db/rollups.ts";
import { createSqliteAppData } from "../lib/store/sqlite/mod.ts";
import { sqliteStoreOn } from "../lib/store/sqlite/open.ts";
import { sqliteReadContext } from "../lib/store/sqlite/read_context.ts";
import { TEST_SECRET } from "../tests/_helpers.ts";

export interface StatsFigure {
  name: string;
  value: number;
  unit: string;
  budget?: string;
  command: string;
}

export interface StatsBenchOptions {
  rows: number[];
  requests?: number;
  log?: (message: string) => void;
}

const SITE = "bench";
const OTHER_SITE = "bench-small";
const DAYS = 90;
const SECRET = TEST_SECRET;
const COMMAND = "deno run -A bench/stats_bench.ts (in-process app.fetch, bearer)";

// ---- A small seeded PRNG and weighted pickers, so every run generates the same data.

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Picker<T> {
  readonly #items: T[];
  readonly #cumulative: Float64Array;
  constructor(items: T[], weights: number[]) {
    this.#items = items;
    this.#cumulative = new Float64Array(weights.length);
    let sum = 0;
    weights.forEach((w, i) => (this.#cumulative[i] = sum += w));
    for (let i = 0; i < weights.length; i++) this.#cumulative[i] /= sum;
  }
  pick(r: number): T {
    let lo = 0;
    let hi = this.#cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.#cumulative[mid] < r) lo = mid + 1;
      else hi = mid;
    }
    return this.#items[lo];
  }
}

const zipf = <T>(items: T[], s = 1.1) =>
  new Picker(items, items.map((_, i) => 1 / Math.pow(i + 1, s)));

const PATHS = zipf([
  "/",
  "/pricing",
  "/features",
  "/about",
  "/contact",
  "/signup",
  "/login",
  ...Array.from({ length: 1200 }, (_, i) => `/blog/post-${i}`),
  ...Array.from({ length: 800 }, (_, i) => `/docs/section-${i % 40}/page-${i}`),
]);
const SEARCH = zipf(["google.com", "bing.com", "duckduckgo.com", "ecosia.org"], 1.5);
const SOCIAL = zipf(["t.co", "reddit.com", "news.ycombinator.com", "linkedin.com", "facebook.com"]);
const OTHER_REFERRERS = zipf(Array.from({ length: 300 }, (_, i) => `site-${i}.example`));
const COUNTRIES = zipf(
  ("US GB DE FR IN CA AU NL SE BR ES IT PL JP KR MX FI NO DK CH AT BE IE PT CZ RO HU GR TR IL " +
    "ZA NG EG AR CL CO PE NZ SG MY TH VN ID PH PK BD UA RU CN TW HK AE SA KE MA DZ TN GH ET")
    .split(" "),
  1.2,
);
const UTM_SOURCES = zipf(["newsletter", "twitter", "google", "partner", "reddit", "ads", "hn"]);
const UTM_MEDIUMS = zipf(["email", "social", "cpc", "referral", "display"]);
const UTM_CAMPAIGNS = zipf(Array.from({ length: 20 }, (_, i) => `campaign-${i}`));
const DEVICES = new Picker(["desktop", "mobile", "tablet"], [55, 40, 5]);
const OS = {
  desktop: new Picker(["Windows", "macOS", "Linux", "Chrome OS"], [60, 28, 10, 2]),
  mobile: new Picker(["Android", "iOS"], [60, 40]),
  tablet: new Picker(["iOS", "Android"], [65, 35]),
};
const BROWSERS = new Picker(
  ["Chrome", "Safari", "Firefox", "Edge", "Samsung Internet", "Opera"],
  [60, 20, 8, 8, 3, 1],
);
const SCREENS = {
  desktop: zipf(["1920x1080", "1536x864", "1440x900", "2560x1440", "1366x768", "1280x720"]),
  mobile: zipf(["390x844", "393x873", "412x915", "375x667", "360x800", "414x896"]),
  tablet: zipf(["810x1080", "820x1180", "768x1024", "1024x1366"]),
};
const OUTBOUND = zipf(Array.from({ length: 100 }, (_, i) => `https://partner-${i}.example/`));
const DOWNLOADS = zipf(
  Array.from({ length: 30 }, (_, i) => `https://bench.example/files/doc-${i}.pdf`),
);
const CUSTOM = zipf(["signup", "purchase", "add_to_cart", "newsletter", "share", "play_video"]);
/**
 * Share of sessions per UTC hour: a daily cycle that peaks at `peak` — the hour the bench runs,
 * so the live dashboard is measured over the busiest hour of the day (its worst case).
 */
function hourPicker(peak: number): Picker<number> {
  return new Picker(
    Array.from({ length: 24 }, (_, h) => h),
    Array.from({ length: 24 }, (_, h) => 1.2 + Math.cos(((h - peak) / 24) * 2 * Math.PI)),
  );
}

// ---- Generation

interface Generated {
  views: number;
  events: number;
  ms: number;
}

function hex(r: () => number, length: number): string {
  let out = "";
  while (out.length < length) out += Math.floor(r() * 0x100000000).toString(16).padStart(8, "0");
  return out.slice(0, length);
}

/**
 * Writes `total` page views over the last 90 days plus today (up to `now`) for two sites (95 % /
 * 5 %), sessions of 1-7 views, 7 % of sessions bot-scored, 20 excluded visitors, and the events a
 * tracker sends (engagement, vitals, scroll, clicks, outbound, downloads, custom, bounces).
 */
export function generate(
  db: Database,
  total: number,
  now: number,
  log: (m: string) => void,
): Generated {
  // Bulk load without the secondary indexes, then recreate them exactly as the migrations made
  // them: sorting once is several times faster than growing random-keyed B-trees row by row.
  const indexes = db.all<{ name: string; sql: string }>(
    `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
     AND tbl_name IN ('visitor_views', 'semantic_events')`,
  );
  for (const { name } of indexes) db.exec(`DROP INDEX ${name}`);
  const generated = generateRows(db, total, now, log);
  const started = performance.now();
  for (const { sql } of indexes) db.exec(sql);
  db.exec("ANALYZE");
  log(`  indexes rebuilt in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return { ...generated, ms: generated.ms + performance.now() - started };
}

function generateRows(
  db: Database,
  total: number,
  now: number,
  log: (m: string) => void,
): Generated {
  const started = performance.now();
  const r = mulberry32(42);
  const HOURS = hourPicker(new Date(now).getUTCHours());
  const insertView = db.statement(insertSql("visitor_views", VIEW_COLUMNS));
  const insertEvent = db.statement(insertSql("semantic_events", EVENT_COLUMNS));
  const today = utcDay(now);
  const first = addDays(today, -DAYS);
  const todayFraction = (now - Date.parse(`${today}T00:00:00.000Z`)) / 86_400_000;
  const perDay = total / (DAYS + todayFraction);
  let views = 0;
  let events = 0;
  const excluded: string[] = [];
  type Row = { at: number; view: boolean; values: (string | number | null)[] };

  for (let date = first; date <= today; date = addDays(date, 1)) {
    const dayMs = Date.parse(`${date}T00:00:00.000Z`);
    const weekday = new Date(dayMs).getUTCDay();
    const target = Math.round(
      (date === today ? perDay * todayFraction : perDay) *
        (weekday === 0 || weekday === 6 ? 0.8 : 1.08),
    );
    const rows: Row[] = [];
    let dayViews = 0;
    while (dayViews < target && views + dayViews < total) {
      const site = r() < 0.95 ? SITE : OTHER_SITE;
      const start = dayMs + HOURS.pick(r()) * 3_600_000 + Math.floor(r() * 3_600_000);
      if (start > now) continue;
      const visitor = hex(r, 32);
      const session = `${hex(r, 8)}-${hex(r, 4)}-4${hex(r, 3)}-8${hex(r, 3)}-${hex(r, 12)}`;
      if (excluded.length < 20 && r() < 0.0005) excluded.push(visitor);
      const device = DEVICES.pick(r());
      const os = OS[device as keyof typeof OS].pick(r());
      const browser = BROWSERS.pick(r());
      const [sw, sh] = SCREENS[device as keyof typeof SCREENS].pick(r()).split("x").map(Number);
      const country = COUNTRIES.pick(r());
      const bot = r() < 0.07;
      const score = bot ? 55 + Math.floor(r() * 40) : Math.floor(r() * 3) * 15;
      const ref = r();
      const [refDomain, refType] = ref < 0.5
        ? [null, "direct_or_unknown"]
        : ref < 0.75
        ? [SEARCH.pick(r()), "search"]
        : ref < 0.85
        ? [SOCIAL.pick(r()), "social"]
        : [OTHER_REFERRERS.pick(r()), "direct_or_unknown"];
      const utm = r() < 0.08;
      const utmValues = utm
        ? [UTM_SOURCES.pick(r()), UTM_MEDIUMS.pick(r()), UTM_CAMPAIGNS.pick(r())]
        : [null, null, null];
      let n = 1;
      while (n < 7 && r() < 0.55) n++;
      let at = start;
      const detail = JSON.stringify({ pow: bot ? 25 : 0 });
      for (let i = 0; i < n && at <= now; i++) {
        const path = PATHS.pick(r());
        const created = new Date(at).toISOString();
        const external = i === 0 && refDomain !== null;
        rows.push({
          at,
          view: true,
          values: [
            visitor,
            session,
            site,
            path,
            200 + Math.floor(r() * 4800),
            i > 0 ? 1 : 0,
            sw,
            sh,
            device,
            os,
            null,
            browser,
            "120.0",
            country,
            null, // region
            null, // city
            0,
            0,
            external ? `https://${refDomain}` : i > 0 ? "https://bench.example" : null,
            external ? refDomain : i > 0 ? "bench.example" : null,
            external ? refType : i > 0 ? "internal" : "direct_or_unknown",
            ...(i === 0 ? utmValues : [null, null, null]),
            null,
            null,
            bot ? "invalid" : "valid",
            40,
            score,
            detail,
            bot ? "no_proof" : null,
            created,
          ],
        });
        dayViews++;
        const event = (
          type: string,
          name: string | null,
          data: string,
          offset: number,
          engaged: number | null = null,
          scroll: number | null = null,
        ) => {
          rows.push({
            at: at + offset,
            view: false,
            values: [
              type,
              name,
              site,
              session,
              visitor,
              path,
              data,
              engaged,
              scroll,
              null,
              null,
              i === 0 ? utmValues[2] : null,
              device,
              null,
              new Date(at).getUTCHours(),
              new Date(at).getUTCMonth() + 1,
              new Date(at).getUTCDay(),
              0,
              "beacon",
              score,
              detail,
              bot ? "no_proof" : null,
              new Date(at + offset).toISOString(),
            ],
          });
        };
        const dwell = 2_000 + Math.floor(r() * 120_000);
        if (r() < 0.6) {
          const engaged = Math.floor(dwell * (0.3 + r() * 0.7));
          const scroll = Math.floor(r() * 101);
          event(
            "pageview_end",
            null,
            `{"engaged_ms":${engaged},"scroll_pct":${scroll}}`,
            dwell,
            engaged,
            scroll,
          );
        }
        if (r() < 0.12) {
          event(
            "web_vital",
            null,
            `{"metric":"LCP","value":${800 + Math.floor(r() * r() * 6000)},"rating":"good"}`,
            dwell,
          );
        }
        if (r() < 0.08) {
          event(
            "web_vital",
            null,
            `{"metric":"CLS","value":${Math.floor(r() * r() * 400)},"rating":"good"}`,
            dwell,
          );
        }
        if (r() < 0.05) {
          event(
            "web_vital",
            null,
            `{"metric":"INP","value":${40 + Math.floor(r() * r() * 700)},"rating":"good"}`,
            dwell,
          );
        }
        if (r() < 0.1) {
          event("scroll_depth", null, `{"depth":${25 * (1 + Math.floor(r() * 4))}}`, dwell / 2);
        }
        if (r() < 0.03) event("click", null, `{"click":"cta","tag":"button"}`, dwell / 3);
        if (r() < 0.02) {
          event(
            "outbound",
            null,
            `{"url":"${OUTBOUND.pick(r())}","host":"x","text":"link"}`,
            dwell,
          );
        }
        if (r() < 0.005) {
          event(
            "download",
            null,
            `{"url":"${DOWNLOADS.pick(r())}","file":"doc.pdf","ext":"pdf"}`,
            dwell,
          );
        }
        if (r() < 0.03) {
          const name = CUSTOM.pick(r());
          event("custom", name, `{"name":"${name}"}`, dwell / 2);
        }
        if (n === 1 && r() < 0.7) {
          event("bounce", null, `{"dwell":${Math.floor(dwell / 1000)},"trigger":"unload"}`, dwell);
        }
        at += 10_000 + Math.floor(r() * 170_000);
      }
    }
    rows.sort((a, b) => a.at - b.at);
    const batch = 20_000;
    for (let i = 0; i < rows.length; i += batch) {
      db.transaction(() => {
        for (const row of rows.slice(i, i + batch)) {
          if (row.view) insertView.run(...row.values);
          else insertEvent.run(...row.values);
        }
      });
    }
    views += dayViews;
    events += rows.length - dayViews;
    if (date.endsWith("0") || date === today) {
      const s = (performance.now() - started) / 1000;
      log(
        `  ${date}: ${views.toLocaleString("en-US")} views, ${
          events.toLocaleString("en-US")
        } events (${s.toFixed(0)} s)`,
      );
    }
  }
  const stmt = db.statement(
    "INSERT OR IGNORE INTO excluded_visitors (visitor_id, label) VALUES (?, 'bench')",
  );
  for (const id of excluded) stmt.run(id);
  return { views, events, ms: performance.now() - started };
}

/** One minute of fresh traffic after the rollup build, so the overview merges a real live delta. */
function liveMinute(db: Database, total: number, now: number): number {
  const perMinute = Math.max(10, Math.round(total / (DAYS * 1440)));
  const insert = db.statement(insertSql("visitor_views", VIEW_COLUMNS));
  const r = mulberry32(7);
  db.transaction(() => {
    for (let i = 0; i < perMinute; i++) {
      const created = new Date(now - Math.floor(r() * 55_000)).toISOString();
      insert.run(
        hex(r, 32),
        null,
        SITE,
        PATHS.pick(r()),
        900,
        0,
        1920,
        1080,
        "desktop",
        "Windows",
        null,
        "Chrome",
        "120.0",
        COUNTRIES.pick(r()),
        null, // region
        null, // city
        0,
        0,
        null,
        null,
        "direct_or_unknown",
        null,
        null,
        null,
        null,
        null,
        "valid",
        40,
        0,
        "{}",
        null,
        created,
      );
    }
  });
  return perMinute;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}

async function timeRequests(
  fetch: (req: Request) => Response | Promise<Response>,
  path: string,
  count: number,
): Promise<{ first: number; p50: number; p95: number }> {
  const run = async () => {
    const started = performance.now();
    const res = await fetch(
      new Request(`http://bench.local${path}`, { headers: { authorization: `Bearer ${SECRET}` } }),
    );
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
    return performance.now() - started;
  };
  const first = await run(); // cold: no cached settled days, statements not yet prepared
  for (let i = 0; i < 2; i++) await run(); // warm-up (JIT, page cache)
  const times: number[] = [];
  for (let i = 0; i < count; i++) times.push(await run());
  times.sort((a, b) => a - b);
  return { first, p50: percentile(times, 0.5), p95: percentile(times, 0.95) };
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
const label = (n: number) => (n >= 1e6 ? `${n / 1e6}M` : `${n / 1e3}k`);

export async function benchStats(options: StatsBenchOptions): Promise<StatsFigure[]> {
  const log = options.log ?? console.log;
  const requests = options.requests ?? 30;
  const figures: StatsFigure[] = [];
  for (const total of options.rows) {
    const dir = await Deno.makeTempDir({ prefix: "echelon-stats-bench-" });
    const path = `${dir}/stats.db`;
    try {
      const now = Date.now();
      log(`stats bench: generating ${total.toLocaleString("en-US")} page views into ${path}`);
      let db = openDatabase(path);
      db.exec("PRAGMA synchronous = OFF; PRAGMA cache_size = -1000000");
      const generated = generate(db, total, now, log);
      db.close();

      db = openDatabase(path);
      const ctx = { store: createSqliteAppData(db), now: Date.now, config: { retentionDays: 90 } };
      takeExclusionChanges(db); // the generated exclusions predate every build
      log("stats bench: building rollups for every day");
      const buildStarted = performance.now();
      const built = await rebuildDays(ctx, addDays(utcDay(now), -DAYS), utcDay(now));
      const buildMs = performance.now() - buildStarted;
      const blocksStarted = performance.now();
      const blocks = await refreshBlocks(ctx, 1000);
      const blocksMs = performance.now() - blocksStarted;
      log(
        `stats bench: ${built.length} days in ${round(buildMs / 1000)} s, ` +
          `${blocks.length} blocks in ${round(blocksMs / 1000)} s`,
      );
      const refreshStarted = performance.now();
      const job = await refreshRollups(ctx, { backfillDays: 0, blocks: 0, force: true });
      const refreshMs = performance.now() - refreshStarted;
      const longestStep = Math.max(...job.days.map((d) => d.longestStepMs));
      const delta = liveMinute(db, total, Date.now());

      const config = loadConfig({ ECHELON_DB_PATH: path, ECHELON_SECRET: SECRET }, "bench");
      const services = await createServices(config, sqliteStoreOn(db), {
        log: createLogger({ quiet: true }),
      });
      const app = await createApp(services);
      const fetch = (req: Request) => app.fetch(req, { remoteAddr: { hostname: "127.0.0.1" } });
      const overview = await timeRequests(
        fetch,
        `/api/stats/overview?site_id=${SITE}&days=30`,
        requests,
      );
      const dashboard = await timeRequests(fetch, `/api/stats/dashboard?site_id=${SITE}`, requests);
      // The same overview computed without the settled-range cache: every day and block re-read.
      const uncached: number[] = [];
      const query = defaultOverviewQuery(SITE, Date.now());
      for (let i = 0; i < Math.max(5, Math.round(requests / 3)); i++) {
        const started = performance.now();
        await statsOverview(
          sqliteReadContext(db, { now: Date.now, config: services.config }),
          query,
        );
        uncached.push(performance.now() - started);
      }
      uncached.sort((a, b) => a - b);
      const filtered = await timeRequests(
        fetch,
        `/api/stats/overview?site_id=${SITE}&days=30&path=/pricing`,
        Math.max(3, Math.round(requests / 10)),
      );
      const rollupRows = db.get<{ n: number }>("SELECT COUNT(*) AS n FROM rollup_daily")!.n;
      await services.reads.close(); // the API requests above ran in read processes
      db.close();

      const size = label(total);
      const gen = `${generated.views.toLocaleString("en-US")} views + ` +
        `${generated.events.toLocaleString("en-US")} events`;
      log(`stats bench ${size}: generated ${gen} in ${round(generated.ms / 1000)} s`);
      figures.push(
        {
          name: `Rollup build, ${built.length} days, ${size} page views (${gen}; ` +
            `${rollupRows.toLocaleString("en-US")} rollup rows)`,
          value: round(buildMs / 1000, 2),
          unit: `s (${round(buildMs / built.length)} ms/day)`,
          command: COMMAND,
        },
        {
          name: `Rollup blocks (${blocks.length} weeks and months), ${size} page views`,
          value: round(blocksMs / 1000, 2),
          unit: "s",
          command: COMMAND,
        },
        {
          name: `Rollup job run, full rebuild of today + yesterday, ${size} page views`,
          value: round(refreshMs),
          unit: `ms wall (longest blocking step ${longestStep} ms)`,
          command: COMMAND,
        },
        {
          name: `GET /api/stats/overview days=30, ${size} page views (+${delta} live rows), p50`,
          value: round(overview.p50),
          unit: `ms (p95 ${round(overview.p95)} ms, first request ${round(overview.first)} ms, ` +
            `${requests} requests)`,
          budget: total >= 10_000_000 ? "p50 < 100 ms" : undefined,
          command: COMMAND,
        },
        {
          name: `statsOverview() days=30 without the settled-range cache, ${size} page views, p50`,
          value: round(percentile(uncached, 0.5)),
          unit: `ms (p95 ${round(percentile(uncached, 0.95))} ms, in-process call)`,
          command: COMMAND,
        },
        {
          name: `GET /api/stats/dashboard, ${size} page views, p50`,
          value: round(dashboard.p50),
          unit: `ms (p95 ${round(dashboard.p95)} ms, ${requests} requests)`,
          budget: total >= 10_000_000 ? "p50 < 50 ms" : undefined,
          command: COMMAND,
        },
        {
          name: `GET /api/stats/overview days=30 path=/pricing (raw rows), ${size} page views, p50`,
          value: round(filtered.p50),
          unit: `ms (p95 ${round(filtered.p95)} ms)`,
          command: COMMAND,
        },
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  }
  return figures;
}

/** `--rows a,b`, `--requests n`, `--no-10m` (or ECHELON_BENCH_SKIP_10M=1). */
export function statsBenchRows(args: string[]): number[] {
  const value = (flag: string) => {
    const i = args.indexOf(flag);
    return i >= 0
      ? args[i + 1]
      : args.find((a) => a.startsWith(`${flag}=`))?.slice(flag.length + 1);
  };
  const explicit = value("--rows");
  let rows = explicit
    ? explicit.split(",").map((n) => Number(n.replaceAll("_", "")))
    : [1_000_000, 10_000_000];
  if (rows.some((n) => !Number.isInteger(n) || n < 1000)) throw new Error(`--rows: ${explicit}`);
  const skip10m = args.includes("--no-10m") || Deno.env.get("ECHELON_BENCH_SKIP_10M") === "1";
  if (skip10m) rows = rows.filter((n) => n < 10_000_000);
  return rows;
}

if (import.meta.main) {
  const requestsArg = Deno.args.indexOf("--requests");
  const figures = await benchStats({
    rows: statsBenchRows(Deno.args),
    requests: requestsArg >= 0 ? Number(Deno.args[requestsArg + 1]) : undefined,
  });
  for (const f of figures) {
    console.log(`${f.name}: ${f.value} ${f.unit}${f.budget ? ` [budget ${f.budget}]` : ""}`);
  }
}
