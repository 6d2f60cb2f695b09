// Regressions for defects the fuzzer found, each with the seed that found it (tests/fuzz/_fuzz.ts).
import assert from "node:assert/strict";
import { beaconUrl, BROWSER_HEADERS, flush } from "../_collect.ts";
import { createTestApp } from "../_helpers.ts";

// FUZZ_SEED=1592650753 (the default seed), FUZZ_COUNT=3000: a beacon whose `s` was a 70,000-char
// string was dropped, and the drop counter stored that string as drop_counts.site_id.
Deno.test("fuzz regression: a dropped hit's garbage site id is not stored in drop_counts", async () => {
  const t = await createTestApp();
  for (const site of ["x".repeat(70_000), "shop/../../etc", "é"]) {
    const res = await t.request(beaconUrl({ s: site }), { headers: BROWSER_HEADERS });
    await res.body?.cancel();
    const ev = await t.request("/e", {
      method: "POST",
      headers: { ...BROWSER_HEADERS, "content-type": "text/plain" },
      body: JSON.stringify({ s: site, events: [{ type: "click" }] }),
    });
    await ev.body?.cancel();
  }
  await flush(t);
  const rows = t.services.db.all<{ site_id: string; hits: number }>(
    "SELECT site_id, SUM(hits) AS hits FROM drop_counts GROUP BY site_id",
  );
  assert.ok(rows.length > 0, "the drops are still counted");
  assert.ok(rows.some((r) => r.site_id === "(invalid)"), JSON.stringify(rows));
  for (const row of rows) assert.ok(row.site_id.length <= 64, row.site_id.slice(0, 80));
  await t.services.collect.stop(Date.now() + 1000);
});

// FUZZ_SEED=1592650753, FUZZ_COUNT=20000: a known bot's beacon with a 70,000-char `s` stored that
// string as bot_traffic.site_id.
Deno.test("fuzz regression: a known bot's garbage site id is not stored in bot_traffic", async () => {
  const t = await createTestApp();
  const res = await t.request(beaconUrl({ s: "é".repeat(70_000) }), {
    headers: {
      ...BROWSER_HEADERS,
      "user-agent": "Googlebot/2.1 (+http://www.google.com/bot.html)",
    },
  });
  await res.body?.cancel();
  await flush(t);
  const rows = t.services.db.all<{ site_id: string }>("SELECT DISTINCT site_id FROM bot_traffic");
  assert.deepEqual(rows.map((r) => r.site_id), ["(invalid)"]);
  await t.services.collect.stop(Date.now() + 1000);
});

// FUZZ_SEED=1592650753 (the default seed) over 20 s on a loaded machine: an event whose data has a
// property key with a NUL character passed the per-day aggregates' key check (SQLite's GLOB and
// length stop at the NUL) and its JSON path ('$."t…') failed the writer's batch.
Deno.test("fuzz regression: a property key with a NUL character is stored and leaves the aggregates alone", async () => {
  const t = await createTestApp();
  const res = await t.request("/e", {
    method: "POST",
    headers: { ...BROWSER_HEADERS, "content-type": "text/plain" },
    body: JSON.stringify({
      s: "shop",
      sid: "s-nul",
      events: [{ type: "custom", data: { name: "signup", "t\u0000x": "1", plan: "pro" } }],
    }),
  });
  await res.body?.cancel();
  await flush(t);
  const stored = t.services.db.all<{ data: string }>(
    "SELECT data FROM semantic_events WHERE event_name = 'signup'",
  );
  assert.equal(stored.length, 1);
  assert.equal(JSON.parse(stored[0].data)["t\u0000x"], "1");
  // The event's properties counted per day: its valid keys only.
  const props = t.services.db.all<{ value: string }>(
    "SELECT DISTINCT dim || '=' || value AS value FROM day_event_aggregates WHERE dim LIKE 'event:props:%'",
  );
  assert.deepEqual(props.map((p) => p.value).sort(), [
    "event:props:name=signup",
    "event:props:plan=pro",
  ]);
  await t.services.collect.stop(Date.now() + 1000);
});
