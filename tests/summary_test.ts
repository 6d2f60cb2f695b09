// /api/stats/summary and /api/health report the collectors' state.
import assert from "node:assert/strict";
import { createTestApp, TEST_SECRET } from "./_helpers.ts";
import { b64, beaconUrl, flush, hit, verifiedQuery } from "./_collect.ts";

Deno.test("summary: buffers, writer timings, drops and last-24h counts", async () => {
  const t = await createTestApp({ ECHELON_SECRET: TEST_SECRET });
  await hit(t, beaconUrl(verifiedQuery(t)));
  await hit(t, beaconUrl({ ...verifiedQuery(t), p: b64("/x") }), {}, "198.51.100.50");
  await hit(t, beaconUrl({}), { "user-agent": "curl/8" });
  await hit(t, beaconUrl({ _v: "nope" }));
  const auth = { headers: { authorization: `Bearer ${TEST_SECRET}` } };
  let body = await (await t.request("/api/stats/summary", auth)).json();
  assert.deepEqual(body.buffers, { views: 2, events: 0 }, "still buffered before the flush");
  assert.deepEqual(body.dropped, { known_bot: 1, invalid_payload: 1 });
  assert.deepEqual(body.known_bots, { curl: 1 });
  await flush(t);
  // A high score marks one stored view as a bot.
  t.services.db.run("UPDATE visitor_views SET bot_score = 80 WHERE path = '/x'");
  body = await (await t.request("/api/stats/summary", auth)).json();
  assert.deepEqual(body.buffers, { views: 0, events: 0 });
  assert.equal(body.writers.views.written, 2);
  assert.equal(typeof body.writers.views.lastFlushMs, "number");
  assert.deepEqual(body.last_24h, {
    total_views: 2,
    human_views: 1,
    bot_views: 1,
    unique_visitors: 1,
  });

  const anonymous = await t.request("/api/stats/summary");
  assert.equal(anonymous.status, 401);
  await anonymous.body?.cancel();
});

Deno.test("summary: public mode shows counts but redacts internals", async () => {
  const t = await createTestApp({ ECHELON_PUBLIC_MODE: "true" });
  const body = await (await t.request("/api/stats/summary")).json();
  assert.deepEqual(Object.keys(body), ["last_24h"]);
  const health = await (await t.request("/api/health")).json();
  assert.equal(health.writers, undefined);
});

Deno.test("health: a writer failing repeatedly makes the instance degraded", async () => {
  const t = await createTestApp();
  await hit(t, beaconUrl({}));
  t.services.db.exec("DROP TABLE visitor_views");
  for (let i = 0; i < 3; i++) await assert.rejects(() => t.services.collect.views.flush());
  const res = await t.request("/api/health");
  assert.equal(res.status, 503);
  const body = await res.json();
  assert.equal(body.status, "degraded");
  assert.equal(body.writers.views.backlog, 1, "the hit is kept, not lost");
  assert.equal(body.writers.views.consecutive_failures, 3);
  assert.match(body.writers.views.last_error, /no such table/);
});
