// Retention: raw rows past ECHELON_RETENTION_DAYS (bot-scored ones past the bot retention) and
// old known-bot report rows are deleted in batches that yield to the event loop; each day gets
// its final rollup before its raw rows go; rollups are kept two years; CI benchmark metrics go
// after ECHELON_PERF_RETENTION_DAYS and revoked API keys 30 days after their revocation (and stay
// refused); the run is logged once a day in maintenance_log.
import assert from "node:assert/strict";
import { addCrawlerTraffic } from "../lib/db/crawlers.ts";
import type { CrawlDelta } from "../lib/store/crawlers.ts";
import { addBotTraffic, insertEvents, insertViews } from "../lib/db/collect.ts";
import { rollupState } from "../lib/db/rollups.ts";
import { runRetention } from "../lib/stats/mod.ts";
import { finalRollups } from "../lib/stats/rollup.ts";
import { REVOKED_KEY_RETENTION_DAYS } from "../lib/auth/api_keys.ts";
import { createTestApp, type TestApp } from "./_helpers.ts";
import { AUTH, event, getJson, SECRET, SITE, view } from "./_stats_fixture.ts";

const OLD = "2026-10-10"; // 41 days before the frozen 2026-11-20
const CRAWL: CrawlDelta = {
  date: "",
  siteId: SITE,
  crawler: "GPTBot",
  path: "/",
  verification: "verified",
  hits: 0,
  errors: 0,
};
const count = (t: TestApp, sql: string) => t.services.db.get<{ n: number }>(sql)!.n;
/** The retention job's context, as lib/services.ts builds it. */
const retention = (t: TestApp) => ({ ...t.services, rollups: finalRollups(t.services) });

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
  // Server-side crawler hits are kept as long as the known-bot counters.
  addCrawlerTraffic(db, [
    { ...CRAWL, date: "2026-11-01", hits: 3 },
    { ...CRAWL, date: "2026-11-19", hits: 2 },
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
  const result = await runRetention(retention(t), { batchSize: 5 });
  clearInterval(sampler);
  assert.ok(result);
  assert.deepEqual(
    [result.views, result.events, result.botTraffic, result.rollups],
    [17, 7, 2, 2],
  );
  // Views 5+5+5+2, events 5+2, bot report 1, crawler report 1, perf metrics 1 (none).
  assert.equal(result.batches, 9);
  assert.deepEqual(
    t.services.db.all<{ date: string }>("SELECT date FROM crawler_traffic").map((r) => r.date),
    ["2026-11-19"],
  );
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
    ["complete", 17, 7, 2, 2],
  );
  assert.equal(log.completed_at, "2026-11-20T12:00:00.000Z");
  assert.ok((log.rollup_rows as number) > 0);

  // Once a day: a second run the same day does nothing unless forced.
  assert.equal(await runRetention(retention(t)), null);
  const forced = await runRetention(retention(t), { force: true });
  assert.deepEqual([forced!.views, forced!.events, forced!.rolledUp], [0, 0, []]);
});

Deno.test("retention: a failing run is logged as failed", async () => {
  const t = await retentionApp();
  t.services.db.exec("DROP TABLE bot_traffic");
  await assert.rejects(() => runRetention(retention(t), { batchSize: 1000 }), /bot_traffic/);
  const log = t.services.db.get<{ status: string; error: string }>(
    "SELECT status, error FROM maintenance_log WHERE date = '2026-11-20'",
  )!;
  assert.equal(log.status, "failed");
  assert.match(log.error, /bot_traffic/);
  assert.ok(t.services.jobs.some((j) => j.name === "retention" && j.everyMs === 3_600_000));
});

Deno.test("retention: perf metrics past ECHELON_PERF_RETENTION_DAYS go, newer ones stay", async () => {
  // Kept 30 days: the cut-off is 2026-10-21T00:00:00.000Z (the frozen clock is 2026-11-20).
  const t = await createTestApp({ ECHELON_SECRET: SECRET, ECHELON_PERF_RETENTION_DAYS: "30" });
  const at = [
    "2025-03-01T08:00:00Z",
    "2026-10-20T23:59:59.999Z",
    "2026-10-21T00:00:00Z",
    "2026-11-19T08:00:00Z",
  ];
  const res = await t.request("/api/perf", {
    method: "POST",
    headers: { ...AUTH, "content-type": "application/json" },
    body: JSON.stringify(
      at.map((recorded_at, i) => ({
        category: "api",
        metric: "p50",
        value: i,
        unit: "ms",
        recorded_at,
      })),
    ),
  });
  assert.equal(res.status, 201, await res.text());

  const result = await runRetention(retention(t), { batchSize: 1 });
  assert.equal(result?.perfMetrics, 2);
  assert.deepEqual(
    t.services.db.all<{ recorded_at: string }>(
      "SELECT recorded_at FROM perf_metrics ORDER BY recorded_at",
    ).map((r) => r.recorded_at),
    ["2026-10-21T00:00:00.000Z", "2026-11-19T08:00:00.000Z"],
  );
  const log = t.services.db.get<{ purge_perf_metrics: number }>(
    "SELECT purge_perf_metrics FROM maintenance_log WHERE date = '2026-11-20'",
  )!;
  assert.equal(log.purge_perf_metrics, 2);
  // The default keeps a year.
  assert.equal((await createTestApp()).services.config.perfRetentionDays, 365);
});

Deno.test("retention: revoked API keys go 30 days after revocation and stay refused (401)", async () => {
  const t = await createTestApp({ ECHELON_SECRET: SECRET });
  const now = t.clock.now;
  const day = 86_400_000;
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await t.request(path, {
      method,
      headers: { ...AUTH, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, json: await res.json() };
  };
  const create = async (name: string) => {
    const { status, json } = await api("POST", "/api/keys", { name, scope: "read" });
    assert.equal(status, 201);
    return { id: json.created as number, key: json.key as string };
  };
  const revokeAt = async (id: number, ms: number) => {
    t.clock.now = ms;
    assert.equal((await api("DELETE", `/api/keys/${id}`)).status, 200);
    t.clock.now = now;
  };
  const old = await create("old");
  const recent = await create("recent");
  const live = await create("live");
  await revokeAt(old.id, now - (REVOKED_KEY_RETENTION_DAYS + 1) * day);
  await revokeAt(recent.id, now - (REVOKED_KEY_RETENTION_DAYS - 1) * day);

  const result = await runRetention(retention(t));
  assert.equal(result?.apiKeys, 1);
  assert.deepEqual(
    t.services.db.all<{ name: string }>("SELECT name FROM api_keys ORDER BY id").map((r) => r.name),
    ["recent", "live"],
  );
  const log = t.services.db.get<{ purge_api_keys: number }>(
    "SELECT purge_api_keys FROM maintenance_log WHERE date = '2026-11-20'",
  )!;
  assert.equal(log.purge_api_keys, 1);

  // The purged key matches no row now: refused exactly like an unknown key, never let through.
  const asKey = async (key: string) => {
    const res = await t.request(`/api/stats/overview?site_id=${SITE}`, {
      headers: { authorization: `Bearer ${key}` },
    });
    return { status: res.status, json: await res.json() };
  };
  const purged = await asKey(old.key);
  assert.deepEqual([purged.status, purged.json.error], [401, "invalid_api_key"]);
  const revoked = await asKey(recent.key);
  assert.deepEqual([revoked.status, revoked.json.error], [401, "invalid_api_key"]);
  assert.equal((await asKey(live.key)).status, 200);
  // Through /mcp too, which checks keys on its own.
  const mcp = await t.request("/mcp", {
    method: "POST",
    headers: {
      authorization: `Bearer ${old.key}`,
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
    },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }),
  });
  assert.deepEqual([mcp.status, (await mcp.json()).error], [401, "invalid_api_key"]);
});
