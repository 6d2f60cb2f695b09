// Tests for the bot correlator (lib/bots/correlator.ts + lib/db/bots.ts) on a fixture database
// with a frozen clock: cluster thresholds and penalties, the no-event penalty, idempotence, site
// isolation and the job registration.
import assert from "node:assert/strict";
import { clusterPenalty, correlateBots, CORRELATION_EVERY_MS } from "../lib/bots/correlator.ts";
import { insertEvents, insertViews } from "../lib/db/collect.ts";
import { EVENT_COLUMNS, type EventRow, VIEW_COLUMNS, type ViewRow } from "../lib/db/columns.ts";
import { type Database, openDatabase } from "../lib/db/mod.ts";
import { sqliteBots } from "../lib/store/sqlite/bots.ts";
import { createTestApp } from "./_helpers.ts";

const NOW = Date.parse("2026-11-20T12:00:00.000Z");
/** One sweep at `now` through the store's bots area on `db`. */
const sweep = (db: Database, now: number) => correlateBots(sqliteBots(db), now);
const FINGERPRINT = "Windows|Chrome|131.0|1920x1080|FI";
const ago = (minutes: number) => new Date(NOW - minutes * 60_000).toISOString();

function view(fields: Partial<ViewRow> = {}): ViewRow {
  const row = Object.fromEntries(VIEW_COLUMNS.map((c) => [c, null])) as ViewRow;
  return Object.assign(row, {
    visitor_id: "v0",
    site_id: "site-a",
    path: "/",
    interaction_ms: 2000,
    is_spa: 0,
    screen_width: 1920,
    screen_height: 1080,
    device_type: "desktop",
    os_name: "Windows",
    browser_name: "Chrome",
    browser_version: "131.0",
    country_code: "FI",
    is_returning: 0,
    is_pwa: 0,
    referrer_type: "direct_or_unknown",
    pow_verdict: "missing",
    bot_score: 15,
    bot_score_detail: JSON.stringify({ pow: 15, pow_result: "missing" }),
    created_at: ago(1),
  }, fields);
}

function event(fields: Partial<EventRow> = {}): EventRow {
  const row = Object.fromEntries(EVENT_COLUMNS.map((c) => [c, null])) as EventRow;
  return Object.assign(row, {
    event_type: "click",
    site_id: "site-a",
    visitor_id: "v0",
    data: "{}",
    is_returning: 0,
    source: "beacon",
    bot_score: 15,
    bot_score_detail: JSON.stringify({ pow: 15, pow_result: "missing" }),
    created_at: ago(1),
  }, fields);
}

function fixture(views: ViewRow[], events: EventRow[] = []): Database {
  const db = openDatabase(":memory:");
  insertViews(db, views);
  if (events.length) insertEvents(db, events);
  return db;
}

/** Views of `count` distinct visitors `prefix1..N` sharing the default fingerprint. */
function crowd(count: number, fields: Partial<ViewRow> = {}, prefix = "v"): ViewRow[] {
  return Array.from(
    { length: count },
    (_, i) => view({ visitor_id: `${prefix}${i + 1}`, ...fields }),
  );
}

interface Scored {
  visitor_id: string;
  site_id: string;
  bot_score: number;
  detail: Record<string, unknown>;
}

function scores(db: Database, table: "visitor_views" | "semantic_events"): Scored[] {
  return db.all<{ visitor_id: string; site_id: string; bot_score: number; d: string }>(
    `SELECT visitor_id, site_id, bot_score, bot_score_detail AS d FROM ${table} ORDER BY id`,
  ).map((r) => ({
    visitor_id: r.visitor_id,
    site_id: r.site_id,
    bot_score: r.bot_score,
    detail: JSON.parse(r.d),
  }));
}

const correlated = (penalty: number, size: number, fingerprint = FINGERPRINT) => ({
  penalty,
  cluster_size: size,
  fingerprint,
});

Deno.test("clusterPenalty: 6 visitors +30, 8 visitors +50, 4 tainted +50", () => {
  assert.equal(clusterPenalty(5, false), null);
  assert.equal(clusterPenalty(6, false), 30);
  assert.equal(clusterPenalty(7, false), 30);
  assert.equal(clusterPenalty(8, false), 50);
  assert.equal(clusterPenalty(3, true), null);
  assert.equal(clusterPenalty(4, true), 50);
});

Deno.test("correlator: 6 visitors sharing a fingerprint get +30 on views and events, once", async () => {
  const db = fixture(crowd(6), [event({ visitor_id: "v1" }), event({ visitor_id: "v6" })]);
  const outcome = await sweep(db, NOW);
  assert.deepEqual(outcome.clusters, [{
    siteId: "site-a",
    fingerprint: FINGERPRINT,
    size: 6,
    tainted: false,
    penalty: 30,
    views: 6,
    events: 2,
  }]);
  const expected = { pow: 15, pow_result: "missing", correlated: correlated(30, 6) };
  for (const row of scores(db, "visitor_views")) {
    assert.deepEqual(row.detail, expected);
    assert.equal(row.bot_score, 45);
  }
  assert.deepEqual(scores(db, "semantic_events").map((r) => [r.visitor_id, r.bot_score]), [
    ["v1", 45],
    ["v6", 45],
  ]);
  assert.deepEqual(scores(db, "semantic_events")[0].detail, expected);

  const again = await sweep(db, NOW + 2 * 60_000);
  assert.deepEqual(again.clusters.map((c) => [c.views, c.events]), [[0, 0]], "never twice");
  assert.ok(scores(db, "visitor_views").every((r) => r.bot_score === 45));
});

Deno.test("correlator: 5 visitors are no cluster; 8 get +50", async () => {
  const five = fixture(crowd(5));
  assert.deepEqual((await sweep(five, NOW)).clusters, []);
  assert.ok(scores(five, "visitor_views").every((r) => r.bot_score === 15 && !r.detail.correlated));

  const eight = fixture(crowd(8));
  assert.equal((await sweep(eight, NOW)).clusters[0].penalty, 50);
  for (const row of scores(eight, "visitor_views")) {
    assert.equal(row.bot_score, 65);
    assert.deepEqual(row.detail.correlated, correlated(50, 8));
  }
});

Deno.test("correlator: one member already scored >= 50 lowers the bar to 4 and raises to +50", async () => {
  const tainted = view({ visitor_id: "v4", bot_score: 55, bot_score_detail: '{"pow":40}' });
  const db = fixture([...crowd(3), tainted]);
  const [cluster] = (await sweep(db, NOW)).clusters;
  assert.deepEqual([cluster.size, cluster.tainted, cluster.penalty], [4, true, 50]);
  assert.deepEqual(scores(db, "visitor_views").map((r) => r.bot_score), [65, 65, 65, 100]);
  assert.deepEqual(scores(db, "visitor_views")[3].detail, {
    pow: 40,
    correlated: correlated(50, 4),
  });

  const three = fixture([...crowd(2), tainted]);
  assert.deepEqual((await sweep(three, NOW)).clusters, [], "3 is too few even when tainted");
});

Deno.test("correlator: distinct visitors count, not views; fingerprints must match exactly", async () => {
  const repeated = fixture([...crowd(3), ...crowd(3)]);
  assert.deepEqual((await sweep(repeated, NOW)).clusters, [], "6 views of 3 visitors");

  const mixed = fixture([
    ...crowd(3),
    ...crowd(3, { screen_width: 1366, screen_height: 768 }, "w"),
  ]);
  assert.deepEqual((await sweep(mixed, NOW)).clusters, []);

  // Missing parts become "unknown" / 0 and still cluster (scripted clients send nothing).
  const bare = fixture(
    crowd(6, {
      os_name: null,
      browser_name: null,
      browser_version: null,
      screen_width: null,
      screen_height: null,
      country_code: null,
    }),
  );
  assert.deepEqual((await sweep(bare, NOW)).clusters.map((c) => c.fingerprint), [
    "unknown|unknown|unknown|0x0|unknown",
  ]);
});

Deno.test("correlator: clusters are per site and penalties stay on their site", async () => {
  // 3 + 3 on two sites: no cluster anywhere.
  const split = fixture([...crowd(3), ...crowd(3, { site_id: "site-b" }, "w")]);
  assert.deepEqual((await sweep(split, NOW)).clusters, []);

  // A cookie-mode visitor id seen on both sites: only site-a's rows are penalised.
  const db = fixture(
    [...crowd(6), view({ visitor_id: "v1", site_id: "site-b", screen_width: 800 })],
    [event({ visitor_id: "v1", site_id: "site-b" })],
  );
  assert.equal((await sweep(db, NOW)).clusters.length, 1);
  const siteB = scores(db, "visitor_views").filter((r) => r.site_id === "site-b");
  assert.deepEqual(siteB.map((r) => [r.bot_score, r.detail.correlated]), [[15, undefined]]);
  assert.deepEqual(scores(db, "semantic_events").map((r) => r.bot_score), [15]);
});

Deno.test("correlator: only the last 20 minutes form clusters, the last day is penalised", async () => {
  const db = fixture([
    ...crowd(5),
    view({ visitor_id: "v6", created_at: ago(21) }),
    view({ visitor_id: "v1", created_at: ago(23 * 60), path: "/earlier" }),
    view({ visitor_id: "v1", created_at: ago(25 * 60), path: "/yesterday" }),
  ]);
  assert.deepEqual((await sweep(db, NOW)).clusters, [], "v6 is outside the window");
  db.run("UPDATE visitor_views SET created_at = ? WHERE visitor_id = 'v6'", ago(19));
  const [cluster] = (await sweep(db, NOW)).clusters;
  assert.equal(cluster.size, 6);
  const byPath = db.all<{ path: string; bot_score: number }>(
    "SELECT path, bot_score FROM visitor_views WHERE visitor_id = 'v1' ORDER BY id",
  ).map((r) => [r.path, r.bot_score]);
  assert.deepEqual(byPath, [["/", 45], ["/earlier", 45], ["/yesterday", 15]]);
});

Deno.test("correlator: a late member gets the penalty; earlier members are not charged twice", async () => {
  // Base score 20 + 30 = 50 after the first sweep: that must not taint the cluster later.
  const db = fixture(crowd(6, { bot_score: 20, bot_score_detail: '{"pow":20}' }));
  await sweep(db, NOW);
  insertViews(db, [view({ visitor_id: "v7", bot_score: 20, bot_score_detail: '{"pow":20}' })]);
  const [cluster] = (await sweep(db, NOW + 60_000)).clusters;
  assert.deepEqual([cluster.size, cluster.tainted, cluster.penalty, cluster.views], [
    7,
    false,
    30,
    1,
  ]);
  const rows = scores(db, "visitor_views");
  assert.deepEqual(rows.map((r) => r.bot_score), Array(7).fill(50));
  assert.deepEqual(rows[0].detail.correlated, correlated(30, 6));
  assert.deepEqual(rows[6].detail.correlated, correlated(30, 7));
});

Deno.test("correlator: batch-ingested events and rows scored -1 are never touched", async () => {
  const db = fixture(crowd(6), [
    event({ visitor_id: "v1", source: "ingest", bot_score: 0, bot_score_detail: null }),
  ]);
  insertViews(db, [view({ visitor_id: "v2", bot_score: -1, bot_score_detail: null })]);
  await sweep(db, NOW);
  assert.deepEqual(scores(db, "semantic_events").map((r) => r.bot_score), [0]);
  const minusOne = db.get<{ bot_score: number; d: string | null }>(
    "SELECT bot_score, bot_score_detail AS d FROM visitor_views WHERE bot_score < 0",
  );
  assert.deepEqual({ ...minusOne }, { bot_score: -1, d: null });
});

Deno.test("no-event penalty: views 5-30 min old without any event on their site get +15 once", async () => {
  const db = fixture(
    [
      view({ visitor_id: "quiet", created_at: ago(10), screen_width: 1 }),
      view({ visitor_id: "active", created_at: ago(10), screen_width: 2 }),
      view({ visitor_id: "elsewhere", created_at: ago(10), screen_width: 3 }),
      view({ visitor_id: "fresh", created_at: ago(4), screen_width: 4 }),
      view({ visitor_id: "old", created_at: ago(31), screen_width: 5 }),
      view({ visitor_id: "edge", created_at: ago(30), screen_width: 6 }),
    ],
    [
      event({ visitor_id: "active", created_at: ago(9) }),
      event({ visitor_id: "elsewhere", site_id: "site-b" }),
    ],
  );
  assert.equal((await sweep(db, NOW)).noEventViews, 3);
  const byVisitor = Object.fromEntries(
    scores(db, "visitor_views").map((r) => [r.visitor_id, [r.bot_score, r.detail.no_events]]),
  );
  assert.deepEqual(byVisitor, {
    quiet: [30, 15],
    active: [15, undefined],
    elsewhere: [30, 15],
    fresh: [15, undefined],
    old: [15, undefined],
    edge: [30, 15],
  });
  assert.equal((await sweep(db, NOW + 60_000)).noEventViews, 0, "never twice");
  assert.equal(scores(db, "visitor_views")[0].bot_score, 30);
});

Deno.test("no-event penalty: capped at 100, and a malformed detail is replaced, not fatal", async () => {
  const db = fixture([
    view({ visitor_id: "a", created_at: ago(10), bot_score: 95, screen_width: 1 }),
    view({ visitor_id: "b", created_at: ago(10), bot_score_detail: "not json", screen_width: 2 }),
  ]);
  assert.equal((await sweep(db, NOW)).noEventViews, 2);
  assert.deepEqual(scores(db, "visitor_views").map((r) => [r.bot_score, r.detail]), [
    [100, { pow: 15, pow_result: "missing", no_events: 15 }],
    [30, { no_events: 15 }],
  ]);
});

Deno.test("correlator: registered as a 2-minute job of the app that updates stored rows", async () => {
  const t = await createTestApp();
  const job = t.services.jobs.find((j) => j.name === "bot-correlator");
  assert.ok(job, "the job is registered");
  assert.equal(job.everyMs, CORRELATION_EVERY_MS);
  assert.equal(CORRELATION_EVERY_MS, 120_000);
  const now = t.clock.now;
  insertViews(t.services.db, [
    ...crowd(6, { created_at: new Date(now - 60_000).toISOString() }),
  ]);
  await job.run();
  const rows = scores(t.services.db, "visitor_views");
  assert.ok(rows.every((r) => r.bot_score === 45 && r.detail.correlated));
});

Deno.test("correlator: visitors with a valid proof of work are never clustered", async () => {
  const db = openDatabase(":memory:");
  const now = Date.parse("2026-11-20T12:00:00Z");
  const rows = Array.from({ length: 10 }, (_, i) => {
    const row = Object.fromEntries(VIEW_COLUMNS.map((c) => [c, null])) as ViewRow;
    return Object.assign(row, {
      visitor_id: `v${i}`,
      site_id: "s",
      path: "/",
      is_spa: 0,
      is_returning: 0,
      is_pwa: 0,
      os_name: "Windows",
      browser_name: "Chrome",
      browser_version: "131.0",
      screen_width: 1920,
      screen_height: 1080,
      country_code: "DE",
      pow_verdict: "valid",
      bot_score: 0,
      bot_score_detail: "{}",
      created_at: new Date(now - 60_000).toISOString(),
    });
  });
  insertViews(db, rows);
  assert.deepEqual((await sweep(db, now)).clusters, []);
  assert.equal(
    db.get<{ n: number }>("SELECT COUNT(*) AS n FROM visitor_views WHERE bot_score > 0")?.n,
    0,
  );
  db.close();
});
