// Rebuilding days from the raw rows (lib/db/aggregates_rebuild.ts) writes exactly the rows the
// writer's batches wrote one by one (lib/db/aggregates.ts, lib/db/aggregates_events.ts): seeded
// random views and events over five UTC days on two sites — sessions crossing midnight and lasting
// more than a day, visitor ids rotating at midnight, views without a session id, bots and sessions
// with views on both bot sides, an excluded visitor, ties on the time, events with custom
// properties (some malformed), without a visitor, far from their session's start or before its
// views — written in shuffled batches, then every day rebuilt: day_aggregates and
// day_event_aggregates are byte-identical. The same for sites kept in local days (Europe/Berlin
// across the 2026-10-25 change of offset, Asia/Kathmandu at +05:45): sessions across local
// midnight, the later days of sessions (VISIT_DAYS) and the excluding dimensions' rows included.
import assert from "node:assert/strict";
import { insertEvents, insertViews } from "../lib/db/collect.ts";
import type { EventRow, ViewRow } from "../lib/db/columns.ts";
import type { Database } from "../lib/db/database.ts";
import { openDatabase } from "../lib/db/mod.ts";
import { FAR } from "../lib/db/aggregates_events.ts";
import { EXCLUDING_DIMENSIONS, nextDay, VISIT_DAYS } from "../lib/db/aggregates.ts";
import { localDayOf } from "../lib/db/local_day.ts";
import {
  rebuildAggregateDays,
  rebuildAllAggregates,
  rebuildDirtyAggregates,
} from "../lib/db/aggregates_rebuild.ts";
import { rng } from "./_random.ts";
import { event, view } from "./_stats_fixture.ts";

const DAYS = 5;
const EXCLUDED_PERSON = 3;
const HOUR = 3_600_000;

/** A case: its first day's UTC start, and per site its zone (null: UTC) and the UTC hour an
 * hour before its local midnight (sessions starting then cross it). */
interface Case {
  start: number;
  zones: Record<Site, string | null>;
  evening: Record<Site, number>;
}
type Site = "shop" | "blog";

function generate(seed: number, c: Case): { views: ViewRow[]; events: EventRow[] } {
  const START = c.start;
  const r = rng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(r() * list.length)];
  const maybe = <T>(value: T, p = 0.5): T | null => (r() < p ? value : null);
  const views: ViewRow[] = [];
  const events: EventRow[] = [];
  const stamp = (ms: number) => new Date(ms).toISOString();
  for (const site of ["shop", "blog"] as const) {
    for (let p = 0; p < 30; p++) {
      // Rotating visitor ids (a new one each UTC day) for most people, one id for the others.
      const rotating = r() < 0.8;
      const visitorAt = (ms: number) =>
        rotating ? `${site}-p${p}-${stamp(ms).slice(0, 10)}` : `${site}-p${p}`;
      const bot = p % 7 === 0;
      const attrs = {
        country_code: pick(["DE", "FI", "US", null]),
        device_type: pick(["desktop", "mobile", null]),
        os_name: pick(["Windows", "iOS", null]),
        browser_name: pick(["Chrome", "Firefox", null]),
        screen_width: pick([390, 1280, 1920, 0, null]),
      };
      for (let k = 0; k < 1 + Math.floor(r() * 3); k++) {
        // Sessions shared by the two sites' ids: a session id is matched within its site.
        const sessionId = r() < 0.75 ? `s${p}-${k}` : null;
        const longSession = r() < 0.08;
        // Some start late in the evening: they cross midnight.
        let ms = START + Math.floor(r() * DAYS) * 86_400_000 +
          (r() < 0.3
            ? c.evening[site] * HOUR + Math.floor(r() * HOUR)
            : Math.floor(r() * 22 * HOUR));
        const n = 1 + Math.floor(r() * 6);
        let first = 0;
        for (let i = 0; i < n; i++) {
          const referrer = pick([
            null,
            "https://www.google.com/",
            "https://shop.example/",
            "https://odd.example/\u001f",
          ]);
          const score = bot ? 80 : r() < 0.08 ? 60 : pick([0, 10, 30]);
          views.push(view({
            site_id: site,
            visitor_id: visitorAt(ms),
            session_id: sessionId,
            path: pick(["/", "/pricing", "/docs", "/blog/a", "/it's", "/unit\u001fsep"]),
            referrer,
            referrer_domain: referrer ? new URL(referrer).hostname.replace("www.", "") : null,
            referrer_type: referrer?.includes("shop.example")
              ? "internal"
              : referrer
              ? "search"
              : maybe("direct_or_unknown"),
            utm_source: maybe(pick(["news", "ads"]), 0.2),
            utm_medium: maybe("email", 0.1),
            utm_campaign: maybe(pick(["launch", "spring"]), 0.2),
            utm_content: maybe("a", 0.05),
            utm_term: maybe("t", 0.05),
            bot_score: score,
            created_at: stamp(ms),
            ...attrs,
          }));
          first ||= ms;
          // Pageview_end events (some without a scroll or engaged time), some custom events.
          if (r() < 0.8) {
            events.push(event({
              site_id: site,
              visitor_id: visitorAt(ms),
              session_id: sessionId,
              path: views.at(-1)!.path,
              event_type: "pageview_end",
              scroll_pct: maybe(Math.floor(r() * 100), 0.9),
              engaged_ms: maybe(Math.floor(r() * 60_000), 0.9),
              bot_score: score,
              created_at: stamp(ms + 5_000),
            }));
          }
          if (r() < 0.3) {
            events.push(event({
              site_id: site,
              visitor_id: visitorAt(ms),
              session_id: sessionId,
              path: views.at(-1)!.path,
              event_type: "custom",
              event_name: pick(["signup", "purchase"]),
              data: pick([
                '{"plan":"pro"}',
                '{"plan":"free","n":3,"x":null}',
                '{"bad key":1,"ok":true}',
                "[1,2]",
                "not json",
                "{}",
              ]),
              bot_score: score,
              created_at: stamp(ms + (r() < 0.1 ? 2 * 86_400_000 : 1_000)),
            }));
          }
          // Ties on the time (the id decides the entry and exit), gaps up to 40 minutes, and a
          // day's gap in the long sessions.
          ms += r() < 0.1 ? 0 : longSession && i === 0 ? 26 * HOUR : Math.floor(r() * 40 * 60_000);
        }
      }
    }
    // Events of the batch API: no visitor, no session.
    for (let i = 0; i < 5; i++) {
      events.push(event({
        site_id: site,
        event_type: "custom",
        event_name: "import",
        data: '{"source":"api"}',
        created_at: stamp(START + Math.floor(r() * DAYS * 86_400_000)),
      }));
    }
  }
  return { views, events };
}

/** Rows whose counts are not all zero (a batch taking back what a session counted may leave a
 * row at zero; a rebuild writes none). */
const VIEWS_COUNTED =
  "(pageviews OR visitors OR visits OR bounces OR session_views OR duration_ms)";
const EVENTS_COUNTED = "(events OR scroll_sum OR scroll_n OR engaged_ms OR engaged_n)";

/** Both tables' counted rows, in key order. */
function snapshot(db: Database): string {
  return JSON.stringify({
    views: db.all(
      `SELECT * FROM day_aggregates WHERE ${VIEWS_COUNTED}
       ORDER BY site_id, dim, day, bot, value, late`,
    ),
    events: db.all(
      `SELECT * FROM day_event_aggregates WHERE ${EVENTS_COUNTED}
       ORDER BY site_id, dim, day, bot, value`,
    ),
  });
}

const count = (db: Database, sql: string) => db.get<{ n: number }>(sql)!.n;

/** Written in shuffled batches (events partly before their views), as the writer would. */
function write(db: Database, seed: number, c: Case) {
  const { views, events } = generate(seed, c);
  const r = rng(seed + 1000);
  const shuffled = <T>(list: T[]) =>
    list.map((x) => [r(), x] as const).sort((a, b) => a[0] - b[0]).map(([, x]) => x);
  const parts: (["v", ViewRow[]] | ["e", EventRow[]])[] = [];
  const v = shuffled(views), e = shuffled(events);
  for (let i = 0; i < v.length;) {
    const n = 1 + Math.floor(r() * 40);
    parts.push(["v", v.slice(i, i += n)]);
  }
  for (let i = 0; i < e.length;) {
    const n = 1 + Math.floor(r() * 40);
    parts.push(["e", e.slice(i, i += n)]);
  }
  for (const [kind, rows] of shuffled(parts)) {
    if (kind === "v") insertViews(db, rows);
    else insertEvents(db, rows);
  }
  return { views, events };
}

/** The cases: the sites' zones (null: UTC) and the first day's UTC start. */
const CASES = [
  { start: "2026-11-16", zones: { shop: null, blog: null }, evening: { shop: 23, blog: 23 } },
  // Berlin's offset changes at 01:00 UTC on 2026-10-25 (a 25-hour local day).
  // Kathmandu's midnight is 18:15 UTC; Berlin's 22:00 UTC, then 23:00.
  {
    start: "2026-10-23",
    zones: { shop: "Europe/Berlin", blog: "Asia/Kathmandu" },
    evening: { shop: 21.5, blog: 17.5 },
  },
] as const;

for (const { start, zones, evening } of CASES) {
  const name = zones.shop ? `local days (${zones.shop}, ${zones.blog})` : "UTC days";
  Deno.test(`rebuilding days from the raw rows writes exactly the rows the writer's batches wrote: ${name}`, () => {
    for (const seed of [7, 8, 9]) {
      check(seed, { start: Date.parse(`${start}T00:00:00.000Z`), zones, evening });
    }
  });
}

function check(seed: number, c: Case) {
  const { start, zones } = c;
  {
    const dir = Deno.makeTempDirSync();
    const db = openDatabase(`${dir}/rebuild.db`);
    try {
      for (const site of ["shop", "blog"] as const) {
        db.run(
          "INSERT INTO excluded_visitors (visitor_id) VALUES (?)",
          `${site}-p${EXCLUDED_PERSON}`,
        );
        if (zones[site]) {
          db.run(
            "INSERT INTO site_settings (site_id, time_zone) VALUES (?, ?)",
            site,
            zones[site],
          );
        }
      }
      const { views } = write(db, seed, c);
      // What the data holds: what the rebuild must get right.
      assert.ok(views.some((v) => v.session_id === null), "views without a session id");
      assert.equal(
        count(db, "SELECT COUNT(*) AS n FROM aggregate_dirty"),
        0,
        "kept batch by batch",
      );
      // Sessions across their site's local midnight.
      const crossing = db.all<{ site_id: Site; first_at: string; last_at: string }>(
        "SELECT site_id, first_at, last_at FROM sessions",
      ).filter((s) =>
        localDayOf(zones[s.site_id], s.first_at) < localDayOf(zones[s.site_id], s.last_at)
      ).length;
      assert.ok(crossing > 3, `${crossing} sessions crossing midnight`);
      if (zones.shop) {
        // Rows in local days: a view of 23:30 UTC on 2026-10-24 is Berlin's 25 October.
        assert.equal(localDayOf(zones.shop, "2026-10-24T23:30:00.000Z"), "2026-10-25");
        assert.ok(
          count(
            db,
            `SELECT COUNT(*) AS n FROM day_aggregates
             WHERE site_id = 'shop' AND dim = '' AND day = '2026-10-25'`,
          ) > 0,
          "Berlin's day of the change",
        );
      }
      for (
        const [what, sql] of [
          ["rows of values first seen a day later", "day_aggregates WHERE late > 0"],
          ["sessions' later days", `day_aggregates WHERE dim = '${VISIT_DAYS}'`],
          [
            "the excluding dimensions' rows",
            `day_aggregates WHERE dim IN (${
              EXCLUDING_DIMENSIONS.map((d) => `'${d.key}'`).join(", ")
            })`,
          ],
          ["bots under the other side's session", "day_aggregates WHERE bot >= 2"],
          ["bot rows", "day_aggregates WHERE bot = 1"],
          ["custom property rows", "day_event_aggregates WHERE dim LIKE 'event:props:%'"],
          ["far events", `day_event_aggregates WHERE dim = '${FAR}'`],
        ]
      ) {
        assert.ok(count(db, `SELECT COUNT(*) AS n FROM ${sql}`) > 0, `seed ${seed}: ${what}`);
      }
      const written = snapshot(db);
      const rows = count(db, `SELECT COUNT(*) AS n FROM day_aggregates WHERE ${VIEWS_COUNTED}`);
      const day = (n: number) => new Date(start + n * 86_400_000).toISOString().slice(0, 10);
      // Every day rebuilt: the same bytes, the views rows counted, nothing left dirty.
      db.run("INSERT INTO aggregate_dirty (site_id, day) VALUES ('shop', ?)", day(1));
      assert.equal(rebuildAllAggregates(db), rows);
      assert.equal(count(db, "SELECT COUNT(*) AS n FROM aggregate_dirty"), 0);
      assert.equal(snapshot(db), written, `seed ${seed}: all days rebuilt`);
      assert.equal(count(db, "SELECT COUNT(*) AS n FROM day_aggregates"), rows, "no zero rows");
      assert.equal(
        count(db, `SELECT COUNT(*) AS n FROM day_event_aggregates WHERE NOT ${EVENTS_COUNTED}`),
        0,
      );
      // One dirty day, then a range of days: the same again.
      db.run("INSERT INTO aggregate_dirty (site_id, day) VALUES ('blog', ?)", day(2));
      assert.equal(rebuildDirtyAggregates(db), 1);
      assert.equal(count(db, "SELECT COUNT(*) AS n FROM aggregate_dirty"), 0);
      assert.equal(
        rebuildAggregateDays(db, "shop", day(1), day(4)),
        db.get<{ n: number }>(
          `SELECT COUNT(*) AS n FROM day_aggregates
           WHERE site_id = 'shop' AND day >= ? AND day < ?`,
          day(1),
          day(4),
        )!.n,
      );
      // Each day alone, every site's.
      for (const site of ["shop", "blog"]) {
        for (let d = day(-1); d <= day(DAYS + 1); d = nextDay(d)) {
          rebuildAggregateDays(db, site, d, nextDay(d));
        }
      }
      assert.equal(snapshot(db), written, `seed ${seed}: one day, then three, then each`);
    } finally {
      db.close();
      Deno.removeSync(dir, { recursive: true });
    }
  }
}
