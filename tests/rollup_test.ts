// Rollups: what a day's build stores (checked against plain queries on the raw rows), idempotent
// rebuilds, the session that crosses midnight, the job's choice of days (today, yesterday,
// backfill, exclusions), and week/month blocks that answer exactly what their days would.
import assert from "node:assert/strict";
import { insertViews } from "../lib/db/collect.ts";
import { Database } from "../lib/db/mod.ts";
import { migrate } from "../lib/db/migrate.ts";
import { MIGRATIONS } from "../lib/db/migrations.ts";
import { planRange } from "../lib/db/rollup_blocks.ts";
import { buildRollupDay, rollupState } from "../lib/db/rollups.ts";
import { VITAL_SUB_BUCKET_BITS, vitalBucketOf } from "../lib/db/stats_source.ts";
import {
  defaultOverviewQuery,
  rebuildDay,
  refreshRollups,
  statsOverview,
} from "../lib/stats/mod.ts";
import { createTestApp, readContext, type TestApp } from "./_helpers.ts";
import { AUTH, D0, D1, D2, insertFixture, SECRET, SITE, view } from "./_stats_fixture.ts";

/** Rows as plain objects (node:sqlite returns null-prototype ones). */
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value));

async function fixtureApp(): Promise<TestApp> {
  const t = await createTestApp({ ECHELON_SECRET: SECRET });
  insertFixture(t);
  return t;
}

function storedDay(t: TestApp, date: string) {
  const db = t.services.db;
  return {
    daily: db.all("SELECT * FROM rollup_daily WHERE date = ? ORDER BY dimension, value", date),
    totals: db.all("SELECT * FROM rollup_daily_totals WHERE date = ?", date),
    hourly: db.all(
      "SELECT * FROM rollup_hourly WHERE hour >= ? AND hour < ? ORDER BY hour",
      date,
      `${date}U`,
    ),
  };
}

Deno.test("rollup: rebuilding a day twice gives the same rows", async () => {
  const t = await fixtureApp();
  const built = await buildRollupDay(t.services.db, D1, { builtAt: t.clock.now });
  const first = storedDay(t, D1);
  assert.ok(first.daily.length > 40, `${first.daily.length} rows`);
  const again = await buildRollupDay(t.services.db, D1, { builtAt: t.clock.now, chunkRows: 3 });
  assert.deepEqual(storedDay(t, D1), first, "small chunks, same answer");
  assert.equal(again.rows, built.rows);
  const state = rollupState(t.services.db, D1)!;
  assert.equal(state.through_view_id, 17, "the last view id at build time");
  assert.equal(state.through_event_id, 28);
});

Deno.test("rollup: a day equals plain queries over its clean raw rows", async () => {
  const t = await fixtureApp();
  await buildRollupDay(t.services.db, D1, { builtAt: t.clock.now });
  const db = t.services.db;
  // The oracle: straightforward SQL on the raw table, bots and exclusions filtered by hand.
  const clean = `site_id = '${SITE}' AND created_at >= '${D1}T00:00:00.000Z'
    AND created_at < '${D2}T00:00:00.000Z' AND bot_score < 50
    AND visitor_id NOT IN (SELECT visitor_id FROM excluded_visitors)`;
  const raw = plain(db.get(`SELECT COUNT(*) AS views, COUNT(DISTINCT visitor_id) AS visitors
    FROM visitor_views WHERE ${clean}`));
  const totals = plain(db.get(
    "SELECT views, visitors FROM rollup_daily_totals WHERE site_id = ? AND date = ?",
    SITE,
    D1,
  ));
  assert.deepEqual(totals, raw);
  assert.deepEqual(raw, { views: 8, visitors: 5 });
  for (const [dimension, column] of [["path", "path"], ["country", "country_code"]]) {
    const expected = db.all(`SELECT ${column} AS value, COUNT(*) AS views,
        COUNT(DISTINCT visitor_id) AS visitors
      FROM visitor_views WHERE ${clean} GROUP BY ${column} ORDER BY ${column}`);
    const stored = db.all(
      `SELECT value, views, visitors FROM rollup_daily
       WHERE site_id = ? AND date = ? AND dimension = ? ORDER BY value`,
      SITE,
      D1,
      dimension,
    );
    assert.deepEqual(stored, expected, dimension);
  }
  const hours = db.all(`SELECT substr(created_at, 1, 13) AS hour, COUNT(*) AS views
    FROM visitor_views WHERE ${clean} GROUP BY hour ORDER BY hour`);
  assert.deepEqual(
    db.all(
      `SELECT hour, views FROM rollup_hourly WHERE site_id = ? AND hour LIKE ? AND views > 0
       ORDER BY hour`,
      SITE,
      `${D1}%`,
    ),
    hours,
  );
});

Deno.test("rollup: a visit crossing midnight is one session of the day it started", async () => {
  const t = await fixtureApp();
  await refreshRollups(t.services);
  const db = t.services.db;
  const sessions = (date: string) =>
    plain(db.get(
      "SELECT sessions, bounces, session_views, session_ms FROM rollup_daily_totals WHERE date = ?",
      date,
    ));
  assert.deepEqual(sessions(D1), {
    sessions: 5,
    bounces: 2,
    session_views: 10,
    session_ms: 120_000 + 300_000 + 1_200_000,
  });
  assert.deepEqual(sessions(D2), {
    sessions: 2,
    bounces: 1,
    session_views: 3,
    session_ms: 1_800_000,
  });
  const pricing = plain(db.all(
    `SELECT date, views, sessions, exits FROM rollup_daily
     WHERE dimension = 'path' AND value = '/pricing' ORDER BY date`,
  ));
  assert.deepEqual(pricing, [
    { date: D1, views: 2, sessions: 1, exits: 1 }, // s3 entered here; s5 left from it on the 20th
    { date: D2, views: 2, sessions: 0, exits: 1 }, // s6
  ]);
  // Its views still count on the day they happened.
  assert.deepEqual(plain(db.get("SELECT views FROM rollup_daily_totals WHERE date = ?", D2)), {
    views: 5,
  });
});

Deno.test("rollup job: today, yesterday, the days not final yet, then only what changed", async () => {
  const t = await fixtureApp();
  const first = await refreshRollups(t.services);
  assert.deepEqual(first.days.map((d) => d.date), [D2, D1, D0]);
  const second = await refreshRollups(t.services);
  assert.deepEqual(second.days.map((d) => d.date), [D2, D1], "D0 was built after the 19th ended");
  assert.ok(t.services.jobs.some((j) => j.name === "rollups" && j.everyMs === 60_000));
  assert.ok(t.services.jobs.some((j) => j.name === "retention"));
});

Deno.test("rollup job: stopping the runner aborts a build between steps, nothing half-written", async () => {
  const t = await fixtureApp();
  const job = t.services.jobs.find((j) => j.name === "rollups")!;
  assert.equal(job.firstRunMs, undefined, "first run a minute after start, not during boot");
  const run = job.run();
  job.abort!();
  await run; // resolves: an abort is not a failure
  assert.equal(
    t.services.db.get<{ n: number }>("SELECT COUNT(*) AS n FROM rollup_state")!.n,
    0,
  );
  assert.equal(t.services.db.get<{ n: number }>("SELECT COUNT(*) AS n FROM rollup_daily")!.n, 0);
});

Deno.test("rollup job: an expensive day is rebuilt every 30× its build time", async () => {
  const t = await fixtureApp();
  await refreshRollups(t.services);
  // Pretend today's last build took 10 s: rebuilt again after 300 s, not every minute.
  t.services.db.run("UPDATE rollup_state SET build_ms = 10000 WHERE date = ?", D2);
  t.clock.now += 60_000;
  assert.deepEqual((await refreshRollups(t.services)).days.map((d) => d.date), [D1]);
  t.clock.now += 240_000;
  assert.deepEqual((await refreshRollups(t.services)).days.map((d) => d.date), [D2, D1]);
  // Meanwhile readers still see every row: the live delta covers what the build has not.
  insertViews(t.services.db, [view({ visitor_id: "late", created_at: `${D2}T12:04:00.000Z` })]);
  t.services.db.run("UPDATE rollup_state SET build_ms = 10000 WHERE date = ?", D2);
  t.clock.now += 60_000;
  await refreshRollups(t.services);
  const o = await statsOverview(readContext(t), {
    ...defaultOverviewQuery(SITE, t.clock.now),
    from: D2,
  });
  assert.equal(o.visits, 6);
});

Deno.test("rollup job: excluding a visitor rebuilds the older days they appear on", async () => {
  const t = await fixtureApp();
  await refreshRollups(t.services);
  const views = (date: string) =>
    t.services.db.get<{ views: number }>(
      "SELECT views FROM rollup_daily_totals WHERE date = ?",
      date,
    )?.views ?? 0;
  assert.equal(views(D0), 1);
  const post = await t.request("/api/bots/exclude", {
    method: "POST",
    headers: { ...AUTH, "content-type": "application/json" },
    body: JSON.stringify({ visitor_id: "v8", label: "test" }),
  });
  assert.equal(post.status, 201);
  await post.body?.cancel();
  const overview = async () =>
    (await statsOverview(readContext(t), { ...defaultOverviewQuery(SITE, t.clock.now), from: D0 }))
      .visits;
  assert.equal(await overview(), 14);
  const run = await refreshRollups(t.services);
  assert.deepEqual(run.days.map((d) => d.date), [D2, D1, D0]);
  assert.equal(views(D0), 0);
  assert.equal(await overview(), 13, "the cached settled days were rebuilt: not served stale");
  const del = await t.request("/api/bots/exclude/v8", { method: "DELETE", headers: AUTH });
  await del.body?.cancel();
  await refreshRollups(t.services);
  assert.equal(views(D0), 1, "re-included: counted again");
});

Deno.test("rollup: days past retention keep their rollup and refuse a rebuild", async () => {
  const t = await createTestApp({ ECHELON_SECRET: SECRET, ECHELON_RETENTION_DAYS: "1" });
  insertFixture(t);
  await assert.rejects(() => rebuildDay(t.services, D0), RangeError);
  await rebuildDay(t.services, D1);
});

Deno.test("rollup blocks: weeks and months read fewer rows and answer the same", async () => {
  const t = await createTestApp({ ECHELON_SECRET: SECRET });
  const rows = [];
  // One or two visits a day from 1 October to today.
  for (let day = Date.parse("2026-10-01"); day <= Date.parse(D2); day += 86_400_000) {
    const date = new Date(day).toISOString().slice(0, 10);
    const n = new Date(day).getUTCDate() % 2 + 1;
    for (let i = 0; i < n; i++) {
      rows.push(view({
        visitor_id: `${date}-${i}`,
        session_id: `${date}-${i}`,
        path: i ? "/a" : "/b",
        country_code: i ? "FI" : "SE",
        created_at: `${date}T0${i + 1}:00:00.000Z`,
      }));
    }
  }
  insertViews(t.services.db, rows);
  const ctx = t.services;
  await refreshRollups(ctx, { backfillDays: 60, blocks: 0 });
  const query = { ...defaultOverviewQuery(SITE, t.clock.now), from: "2026-10-01" };
  const cached = readContext(t);
  const uncached = readContext(t, { cache: false });
  const byDays = await statsOverview(cached, query);
  assert.deepEqual(planRange(ctx.db, "2026-10-01", D2).blocks, []);

  const built = await refreshRollups(ctx, { blocks: 100 });
  assert.deepEqual(built.blocks.sort(), [
    "M2026-10",
    "W2026-10-05",
    "W2026-10-12",
    "W2026-10-19",
    "W2026-10-26",
    "W2026-11-02",
    "W2026-11-09",
  ]);
  const { days, blocks } = planRange(ctx.db, "2026-10-01", D2);
  assert.deepEqual({ blocks, days }, {
    blocks: ["M2026-10", "W2026-11-02", "W2026-11-09"],
    days: ["2026-11-01", "2026-11-16", "2026-11-17", "2026-11-18", "2026-11-19", D2],
  });
  assert.deepEqual(await statsOverview(cached, query), byDays);
  assert.equal(byDays.visits, rows.length);
  assert.deepEqual(
    await statsOverview(uncached, query),
    byDays,
    "the settled-range cache changes nothing",
  );

  // A day inside a block is rebuilt (an exclusion, say): the block is bypassed until rebuilt.
  t.clock.now += 60_000;
  await rebuildDay(ctx, "2026-10-15");
  const bypass = planRange(ctx.db, "2026-10-01", D2);
  assert.ok(!bypass.blocks.includes("M2026-10") && bypass.days.includes("2026-10-15"));
  assert.deepEqual(await statsOverview(cached, query), byDays);
  assert.deepEqual(await statsOverview(uncached, query), byDays);
  const rebuilt = await refreshRollups(ctx, { blocks: 100 });
  assert.deepEqual(rebuilt.blocks.sort(), ["M2026-10", "W2026-10-12"]);
});

Deno.test("rollup: web-vital buckets are exact below 64 and within 1/32 above", () => {
  assert.equal(VITAL_SUB_BUCKET_BITS, 5);
  for (const v of [0, 1, 63]) assert.equal(vitalBucketOf(v), v);
  assert.equal(vitalBucketOf(65), 64);
  assert.equal(vitalBucketOf(520), 512);
  assert.equal(vitalBucketOf(2500), 2496);
  for (let v = 64; v < 100_000; v += 997) {
    const b = vitalBucketOf(v);
    assert.ok(b <= v && v - b < v / 32, `${v} → ${b}`);
  }
});

Deno.test("rollup: migration 6 folds the old entry and exit rows into page rows", () => {
  const db = new Database(":memory:");
  migrate(db, MIGRATIONS.slice(0, 5));
  db.exec(`
    INSERT INTO rollup_daily (site_id, dimension, date, value, views, visitors, sessions, bounces)
    VALUES ('shop', 'path', '${D1}', '/', 6, 5, 0, 0),
           ('shop', 'entry', '${D1}', '/', 4, 4, 4, 2),
           ('shop', 'entry', '${D1}', '/landing', 1, 1, 1, 1),
           ('shop', 'exit', '${D1}', '/', 3, 3, 3, 2);
    INSERT INTO rollup_state (date, built_at, through_view_id, through_event_id, rows, build_ms)
    VALUES ('${D1}', '2026-11-20T00:00:00.000Z', 1, 1, 4, 1);
  `);
  migrate(db, MIGRATIONS);
  assert.deepEqual(
    plain(db.all(
      "SELECT dimension, value, views, visitors, sessions, bounces, exits FROM rollup_daily ORDER BY value",
    )),
    [
      { dimension: "path", value: "/", views: 6, visitors: 5, sessions: 4, bounces: 2, exits: 3 },
      {
        dimension: "path",
        value: "/landing",
        views: 0,
        visitors: 0,
        sessions: 1,
        bounces: 1,
        exits: 0,
      },
    ],
  );
  assert.equal(rollupState(db, D1)?.version, 1);
  db.close();
});
