// The sessions table (migration 13) is exact at every commit: after each batch of views written
// in any order, after the migration's backfill of older rows, after a retention purge, after the
// correlator's rescorings, after a site's deletion and after a range's rebuild, it holds what the
// raw rows say (a brute force over every view here).
import assert from "node:assert/strict";
import { Database } from "../lib/db/database.ts";
import { migrate } from "../lib/db/migrate.ts";
import { MIGRATIONS } from "../lib/db/migrations.ts";
import { insertViews } from "../lib/db/collect.ts";
import { BOT_SCORE_THRESHOLD, insertSql, VIEW_COLUMNS, type ViewRow } from "../lib/db/columns.ts";
import { purgeViewsBatch } from "../lib/db/retention.ts";
import { applyCorrelationPenalty, applyNoEventPenalty } from "../lib/db/bots.ts";
import { createSite, deleteSite } from "../lib/db/sites.ts";
import {
  rebuildAllSessions,
  rebuildSessionsInRange,
  SESSION_ENTRY_COLUMNS,
} from "../lib/db/session_table.ts";
import { view } from "./_stats_fixture.ts";

type Stored = Record<string, string | number | null>;

/** The sessions the raw rows make, computed here from every view (the brute force). */
function bruteForce(db: Database): Stored[] {
  const views = db.all<Stored>("SELECT * FROM visitor_views");
  const groups = new Map<string, Stored[]>();
  for (const v of views) {
    const sk = v.session_id !== null ? `s${v.session_id}` : `v${v.visitor_id}`;
    const bot = (v.bot_score as number) >= BOT_SCORE_THRESHOLD ? 1 : 0;
    const key = JSON.stringify([v.site_id, sk, bot]);
    groups.set(key, [...groups.get(key) ?? [], { ...v, sk, bot }]);
  }
  const order = (a: Stored, b: Stored) =>
    a.created_at === b.created_at
      ? (a.id as number) - (b.id as number)
      : (a.created_at as string) < (b.created_at as string)
      ? -1
      : 1;
  return [...groups.values()].map((rows) => {
    rows.sort(order);
    const f = rows[0], l = rows.at(-1)!;
    const scores = rows.map((r) => r.bot_score as number);
    return {
      site_id: f.site_id,
      sk: f.sk,
      bot: f.bot,
      visitor_id: f.visitor_id,
      views: rows.length,
      first_at: f.created_at,
      first_id: f.id,
      last_at: l.created_at,
      last_id: l.id,
      entry_page: f.path,
      exit_page: l.path,
      min_bot_score: Math.min(...scores),
      max_bot_score: Math.max(...scores),
      ...Object.fromEntries(SESSION_ENTRY_COLUMNS.map((c) => [c, f[c]])),
    };
  }).sort(byKey);
}

const byKey = (a: Stored, b: Stored) =>
  JSON.stringify([a.site_id, a.sk, a.bot]) < JSON.stringify([b.site_id, b.sk, b.bot]) ? -1 : 1;
const stored = (db: Database) =>
  db.all<Stored>("SELECT * FROM sessions").map((r) => ({ ...r })).sort(byKey);

/** A seeded generator (mulberry32), so a failure is reproducible. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Views of ~40 sessions over two sites, some without a session id, scores on both sides, in
 * a shuffled order (so ids do not follow time), and with ties on created_at. */
function views(seed: number, n: number): ViewRow[] {
  const r = random(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
  return Array.from({ length: n }, () => {
    const s = Math.floor(r() * 40);
    const minute = Math.floor(r() * 50);
    return view({
      site_id: s % 3 === 0 ? "blog" : "shop",
      visitor_id: `vis-${s % 25}`,
      session_id: s % 5 === 0 ? null : `tab-${s}`,
      path: pick(["/", "/a", "/b", "/c/d"]),
      country_code: pick(["FI", "SE", null]),
      referrer_domain: pick(["google.com", "news.ycombinator.com", null]),
      referrer_type: pick(["search", "internal", "direct_or_unknown"]),
      utm_source: pick(["mail", null]),
      screen_width: pick([375, 1280, 1920, null]),
      bot_score: pick([0, 10, 40, 49, 50, 80]),
      created_at: `2026-11-19T10:${String(minute).padStart(2, "0")}:00.000Z`,
    });
  });
}

function withDb(fn: (db: Database) => void, migrations = MIGRATIONS) {
  const dir = Deno.makeTempDirSync();
  const db = new Database(`${dir}/t.db`);
  try {
    migrate(db, migrations);
    fn(db);
  } finally {
    db.close();
    Deno.removeSync(dir, { recursive: true });
  }
}

Deno.test("sessions: batches arriving out of order, a session spanning batches, exact at every commit", () => {
  withDb((db) => {
    const rows = views(1, 400);
    // Later views first: each batch holds the other half of sessions begun before.
    const batches = [
      rows.slice(300),
      rows.slice(0, 100),
      rows.slice(200, 300),
      rows.slice(100, 200),
    ];
    for (const batch of batches) {
      insertViews(db, batch);
      assert.deepEqual(stored(db), bruteForce(db));
    }
    // Sessions whose entry view was written in a later batch than their exit view.
    const reversed = db.get<{ n: number }>(
      "SELECT COUNT(*) AS n FROM sessions WHERE first_id - last_id > 100",
    )!.n;
    assert.ok(reversed > 5, `${reversed} sessions with entry written after exit`);
    const before = stored(db);
    rebuildAllSessions(db);
    assert.deepEqual(stored(db), before);
  });
});

Deno.test("sessions: the migration fills the table from the views written before it", () => {
  withDb((db) => {
    const stmt = db.statement(
      insertSql("visitor_views", VIEW_COLUMNS.filter((c) => !["region", "city"].includes(c))),
    );
    for (const row of views(2, 300)) {
      stmt.run(...VIEW_COLUMNS.filter((c) => !["region", "city"].includes(c)).map((c) => row[c]));
    }
    assert.deepEqual(migrate(db, MIGRATIONS.slice(0, 13)), [12, 13]);
    const sessions = stored(db);
    assert.ok(sessions.length > 40);
    assert.deepEqual(sessions, bruteForce(db));
  }, MIGRATIONS.slice(0, 11));
});

Deno.test("sessions: a retention purge rebuilds the sessions it cut, drops those it emptied", () => {
  withDb((db) => {
    insertViews(db, views(3, 400));
    const cut = { cleanBefore: "2026-11-19T10:25:00.000Z", botBefore: "2026-11-19T10:40:00.000Z" };
    let purged = 0;
    for (let n; (n = purgeViewsBatch(db, cut, 37)) > 0;) purged += n;
    assert.ok(purged > 100);
    const sessions = stored(db);
    assert.deepEqual(sessions, bruteForce(db));
    assert.ok(sessions.every((s) => (s.first_at as string) >= cut.cleanBefore));
  });
});

Deno.test("sessions: the correlator's rescorings move views to their session's bot side", () => {
  withDb((db) => {
    insertViews(db, views(4, 400));
    const bots = () => db.get<{ n: number }>("SELECT SUM(views) AS n FROM sessions WHERE bot")!.n;
    const before = bots();
    applyCorrelationPenalty(db, {
      siteId: "shop",
      visitorIds: ["vis-1", "vis-2", "vis-4"],
      penalty: 30,
      clusterSize: 3,
      fingerprint: "x",
      since: "2026-11-19T10:20:00.000Z",
    });
    const correlated = bots();
    assert.ok(correlated > before);
    assert.deepEqual(stored(db), bruteForce(db));
    db.run(
      "INSERT INTO semantic_events (event_type, site_id, visitor_id, created_at) VALUES ('click', 'shop', 'vis-7', '2026-11-19T10:00:00.000Z')",
    );
    applyNoEventPenalty(db, {
      from: "2026-11-19T10:30:00.000Z",
      to: "2026-11-19T11:00:00.000Z",
      points: 40,
    });
    assert.ok(bots() > correlated);
    assert.deepEqual(stored(db), bruteForce(db));
  });
});

Deno.test("sessions: deleting a site with its data deletes its sessions and per-day aggregates", () => {
  withDb((db) => {
    createSite(db, "blog", null);
    insertViews(db, views(5, 200));
    const aggregates = (site: string) =>
      ["day_aggregates", "aggregate_dirty"].map((table) =>
        db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table} WHERE site_id = ?`, site)!.n
      );
    assert.ok(aggregates("blog")[0] > 0);
    const shop = aggregates("shop");
    deleteSite(db, "blog", { purgeData: true });
    const sessions = stored(db);
    assert.ok(sessions.length > 0);
    assert.deepEqual(sessions, bruteForce(db));
    assert.ok(sessions.every((s) => s.site_id === "shop"));
    assert.deepEqual(aggregates("blog"), [0, 0]);
    assert.deepEqual(aggregates("shop"), shop);
  });
});

Deno.test("sessions: a range's rebuild restores its sessions whole, and only those", () => {
  withDb((db) => {
    insertViews(db, views(6, 300));
    const want = bruteForce(db);
    // Sessions damaged inside and outside the range; the range's are rebuilt from all their views.
    db.run("UPDATE sessions SET views = 0, exit_page = 'x'");
    const from = "2026-11-19T10:10:00.000Z", to = "2026-11-19T10:20:00.000Z";
    const rebuilt = rebuildSessionsInRange(db, "shop", from, to);
    assert.ok(rebuilt > 5);
    const inRange = (s: Stored) =>
      db.get<{ n: number }>(
          `SELECT COUNT(*) AS n FROM visitor_views v WHERE site_id = 'shop' AND created_at >= ?
           AND created_at < ? AND (CASE WHEN session_id IS NOT NULL THEN 's' || session_id
           ELSE 'v' || visitor_id END) = ?`,
          from,
          to,
          s.sk as string,
        )!.n > 0 && s.site_id === "shop";
    const got = stored(db);
    assert.equal(got.filter((s) => s.views as number > 0).length, rebuilt);
    assert.deepEqual(got.filter(inRange), want.filter(inRange));
    assert.ok(got.filter((s) => !inRange(s)).every((s) => s.views === 0));
  });
});
