// GET /api/stats/vitals and the request-statistics recorder behind it (reference §5.7): bounded
// memory, a 5-minute window, percentiles, error rate and the slowest paths.
import assert from "node:assert/strict";
import { RequestStats } from "../lib/request_stats.ts";
import { createTestApp } from "./_helpers.ts";
import { AUTH, getJson, SECRET } from "./_stats_fixture.ts";

Deno.test("request stats: percentiles, errors, slow paths over the window", () => {
  const clock = { now: 1_000_000 };
  const stats = new RequestStats({ now: () => clock.now, capacity: 1000 });
  clock.now += 100_000; // 100 s of uptime
  for (let ms = 1; ms <= 100; ms++) {
    stats.record(ms % 2 ? "/b.gif" : "/api/x", ms === 100 ? 503 : 200, ms);
  }
  const s = stats.snapshot();
  assert.deepEqual(
    [s.totalRequests, s.totalErrors, s.recentRequests, s.p50Ms, s.p95Ms, s.p99Ms, s.maxMs],
    [100, 1, 100, 50, 95, 99, 100],
  );
  assert.equal(s.avgResponseMs, 50.5);
  assert.equal(s.rps, 1, "100 requests over 100 s of uptime");
  assert.equal(s.errorRate, 1);
  assert.deepEqual(s.slowPaths.map((p) => [p.path, p.count, p.avgMs, p.maxMs]), [
    ["/api/x", 50, 51, 100],
    ["/b.gif", 50, 50, 99],
  ]);
  assert.equal(s.uptimeSeconds, 100);

  // Five minutes later the window is empty; the totals remain.
  clock.now += 301_000;
  const later = stats.snapshot();
  assert.deepEqual([later.totalRequests, later.recentRequests, later.p50Ms, later.rps], [
    100,
    0,
    0,
    0,
  ]);
});

Deno.test("request stats: memory is a fixed ring", () => {
  const stats = new RequestStats({ now: () => 0, capacity: 10 });
  for (let i = 0; i < 25; i++) stats.record(`/p${i}`, 200, i);
  const s = stats.snapshot();
  assert.equal(s.totalRequests, 25);
  assert.equal(s.recentRequests, 10, "only the last 10 are kept");
  assert.equal(s.maxMs, 24);
  assert.equal(s.p50Ms, 19);
});

Deno.test("vitals: the app records every request; public mode refuses", async () => {
  const t = await createTestApp({ ECHELON_SECRET: SECRET });
  for (let i = 0; i < 3; i++) {
    const res = await t.request("/api/health");
    await res.body?.cancel();
  }
  const missing = await t.request("/api/stats/overview", { headers: AUTH });
  await missing.body?.cancel();
  const v = await getJson(t, "/api/stats/vitals");
  assert.equal(v.totalRequests, 4, "this request is recorded after it answers");
  assert.equal(v.totalErrors, 0, "a 400 is not an error");
  assert.deepEqual(v.slowPaths.map((p: { path: string }) => p.path).sort(), [
    "/api/health",
    "/api/stats/overview",
  ]);
  for (
    const key of ["avgResponseMs", "p50Ms", "p95Ms", "p99Ms", "maxMs", "rps", "errorRate"]
  ) {
    assert.equal(typeof v[key], "number", key);
  }

  const open = await createTestApp({ ECHELON_PUBLIC_MODE: "true" });
  const res = await open.request("/api/stats/vitals");
  assert.equal(res.status, 403);
  assert.equal((await res.json()).error, "not_public");
});
