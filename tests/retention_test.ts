// Retention: raw rows past ECHELON_RETENTION_DAYS (bot-scored ones past the bot retention) and
// old known-bot report rows are deleted in batches that yield to the event loop; each day gets
// its final rollup before its raw rows go; rollups are kept two years; the run is logged once a
// day in maintenance_log.
import assert from "node:assert/strict";
import { addBotTraffic, insertEvents, insertViews } from "../lib/db/collect.ts";
import { rollupState } from "../lib/db/rollups.ts";
import { runRetention } from "../lib/stats/mod.ts";
import { createTestApp, type TestApp } from "./_helpers.ts";
import { event, getJson, SECRET, SITE, view } from "./_stats_fixture.ts";

const OLD = "2026-10-10"; // 41 days before the frozen 2026-11-20
const count = (t: TestApp, sql: string) => t.services.db.get<{ n: number }>(sql)!.n;

async function retentionApp(): Promise<TestApp> {
  // Clean rows kept 30 days (cut-off 2026-10-21), bot-scored rows 7 days (cut-off 2026-11-13).
  const t = await createTestApp({
    ECHELON_SECRET: SECRET,
    ECHELON_RETENTION_DAYS: "30",
    ECHELON_BOT_RETENTION_DAYS: "7",
  });
  const db = t.services.db;
  const old = Array.from({ length: 12 }, (_, i) =>
    view({
      visitor_id: `old-${i % 3}`,
      session_id: `old-${i % 3}`,
      path: `/old/${i % 4}`,
      created_at: `${OLD}T10:${String(i).padStart(2, "0")}:00.000Z`,
    }));
  insertViews(db, [
    ...old,
    ...Array.from({ length: 5 }, (_, i) =>
      view({
        visitor_id: "old-bot",
        bot_score: 90,
        created_at: `2026-11-10T10:0${i}:00.000Z`,
      })),
    view({ visitor_id: "bot", bot_score: 90, created_at: "2026-11-15T10:00:00.000Z" }),
    view({ visitor_id: "bot", bot_score: 90, created_at: "2026-11-15T10:01:00.000Z" }),
    view({ visitor_id: "new", created_at: "2026-11-19T10:00:00.000Z" }),
    view({ visitor_id: "new", created_at: "2026-11-19T10:01:00.000Z" }),
    view({ visitor_id: "new", created_at: "2026-11-19T10:02:00.000Z" }),
  ]);
  insertEvents(db, [
    ...Array.from({ length: 7 }, (_, i) =>
      event({
        event_type: "pageview_end",
        visitor_id: `old-${i % 3}`,
        engaged_ms: 1000 * (i + 1),
        created_at: `${OLD}T11:00:0${i}.000Z`,
      })),
    event({ event_type: "click", visitor_id: "new", created_at: "2026-11-19T10:03:00.000Z" }),
  ]);
  addBotTraffic(db, [
    { date: "2026-11-01", siteId: SITE, a: "Googlebot", b: "/", hits: 9 },
    { date: "2026-11-19", siteId: SITE, a: "Googlebot", b: "/", hits: 4 },
  ]);
  // Rollups from more than two years ago, and one inside the two years.
  db.exec(`
    INSERT INTO rollup_daily (site_id, dimension, date, value, views, visitors)
      VALUES ('${SITE}', 'path', '2024-06-01', '/ancient', 5, 2),
             ('${SITE}', 'path', '2025-01-01', '/kept', 3, 1);
    INSERT INTO rollup_daily_totals (site_id, date, views, visitors)
      VALUES ('${SITE}', '2024-06-01', 5, 2), ('${SITE}', '2025-01-01', 3, 1);
  `);
  return t;
}

Deno.test("retention: purges in batches, rolls each day up first, keeps rollups, logs the run", async () => {
  const t = await retentionApp();
  const before = count(t, "SELECT COUNT(*) AS n FROM visitor_views");
  // Sample the table between batches: the purge must hand the event loop back.
  const seen = new Set<number>();
  const sampler = setInterval(
    () => seen.add(count(t, "SELECT COUNT(*) AS n FROM visitor_views")),
    0,
  );
  const result = await runRetention(t.services, { batchSize: 5 });
  clearInterval(sampler);
  assert.ok(result);
  assert.deepEqual(
    [result.views, result.events, result.botTraffic, result.rollups],
    [17, 7, 1, 2],
  );
  // Views 5+5+5+2, events 5+2, bot report 1.
  assert.equal(result.batches, 7);
  assert.ok(
    [...seen].some((n) => n < before && n > before - 17),
    `a partial purge was observable: ${[...seen]}`,
  );

  // The old day was rolled up before its raw rows went, and still answers.
  assert.ok(result.rolledUp.includes(OLD));
  assert.ok(rollupState(t.services.db, OLD));
  assert.equal(
    count(t, `SELECT COUNT(*) AS n FROM visitor_views WHERE created_at < '2026-11-01'`),
    0,
  );
  const o = await getJson(t, `/api/stats/overview?site_id=${SITE}&from=${OLD}&to=${OLD}`);
  assert.deepEqual(
    [o.visits, o.unique_visitors, o.sessions, o.avg_engagement_ms, o.top_paths.length],
    [12, 3, 3, 4000, 4],
  );

  // What stays: recent clean rows, bot rows within 7 days, the recent bot report, young rollups.
  assert.equal(count(t, "SELECT COUNT(*) AS n FROM visitor_views"), 5);
  assert.equal(count(t, "SELECT COUNT(*) AS n FROM visitor_views WHERE bot_score >= 50"), 2);
  assert.equal(count(t, "SELECT COUNT(*) AS n FROM semantic_events"), 1);
  assert.deepEqual(
    t.services.db.all("SELECT date FROM bot_traffic").map((r) => r.date),
    ["2026-11-19"],
  );
  assert.equal(count(t, "SELECT COUNT(*) AS n FROM rollup_daily WHERE date = '2025-01-01'"), 1);
  assert.equal(count(t, "SELECT COUNT(*) AS n FROM rollup_daily WHERE date < '2024-11-20'"), 0);

  const log = t.services.db.get<Record<string, unknown>>(
    "SELECT * FROM maintenance_log WHERE date = '2026-11-20'",
  )!;
  assert.deepEqual(
    [log.status, log.purge_views, log.purge_events, log.purge_bot_traffic, log.purge_rollups],
    ["complete", 17, 7, 1, 2],
  );
  assert.equal(log.completed_at, "2026-11-20T12:00:00.000Z");
  assert.ok((log.rollup_rows as number) > 0);

  // Once a day: a second run the same day does nothing unless forced.
  assert.equal(await runRetention(t.services), null);
  const forced = await runRetention(t.services, { force: true });
  assert.deepEqual([forced!.views, forced!.events, forced!.rolledUp], [0, 0, []]);
});

Deno.test("retention: a failing run is logged as failed", async () => {
  const t = await retentionApp();
  t.services.db.exec("DROP TABLE bot_traffic");
  await assert.rejects(() => runRetention(t.services, { batchSize: 1000 }), /bot_traffic/);
  const log = t.services.db.get<{ status: string; error: string }>(
    "SELECT status, error FROM maintenance_log WHERE date = '2026-11-20'",
  )!;
  assert.equal(log.status, "failed");
  assert.match(log.error, /bot_traffic/);
  assert.ok(t.services.jobs.some((j) => j.name === "retention" && j.everyMs === 3_600_000));
});
