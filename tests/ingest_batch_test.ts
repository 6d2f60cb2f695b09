// POST /api/ingest: auth, the v1 protocol, limits, ts bounds and event_id de-duplication.
import assert from "node:assert/strict";
import { createTestApp, TEST_SECRET, type TestApp } from "./_helpers.ts";

const AUTH = { authorization: `Bearer ${TEST_SECRET}` };
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;

function batch(events: unknown[], context: Record<string, unknown> = {}) {
  return {
    v: 1,
    batch_id: crypto.randomUUID(),
    context: {
      session_id: uuid(999),
      site_id: "app",
      device_class: "mobile",
      viewport: "390x844",
      ...context,
    },
    events,
  };
}

function send(t: TestApp, body: unknown, headers: Record<string, string> = AUTH) {
  return t.request("/api/ingest", {
    method: "POST",
    body: typeof body === "string" ? body : JSON.stringify(body),
    headers: { "content-type": "application/json", ...headers },
  });
}

const NOW = "2026-11-20T12:00:00.000Z";

Deno.test("ingest: stores events, honours ts, de-duplicates event ids", async () => {
  const t = await createTestApp({ ECHELON_SECRET: TEST_SECRET });
  const events = [
    {
      event_id: uuid(1),
      type: "checkout",
      ts: "2026-11-20T11:30:00Z",
      data: { path: "/cart", total: 42 },
    },
    {
      event_id: uuid(2),
      type: "custom",
      ts: NOW,
      data: { name: "promo_click" },
      experiments: [{ experiment_id: "hero", variant_id: "b" }],
    },
  ];
  let res = await send(t, batch(events));
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { accepted: 2, duplicate: 0 });

  res = await send(t, batch([events[0], { event_id: uuid(3), type: "checkout", ts: NOW }]));
  assert.deepEqual(
    await res.json(),
    { accepted: 1, duplicate: 1 },
    "a retried event is not stored twice",
  );

  const rows = t.services.db.all("SELECT * FROM semantic_events ORDER BY id");
  assert.equal(rows.length, 3);
  assert.equal(rows[0].event_type, "checkout");
  assert.equal(rows[0].created_at, "2026-11-20T11:30:00.000Z", "ts is honoured");
  assert.equal(rows[0].path, "/cart");
  assert.equal(rows[0].site_id, "app");
  assert.equal(rows[0].session_id, uuid(999));
  assert.equal(rows[0].device_type, "mobile");
  assert.equal(rows[0].source, "ingest");
  assert.equal(rows[0].bot_score, 0);
  assert.deepEqual(JSON.parse(rows[0].data as string).session_context.viewport, "390x844");
  assert.equal(rows[1].event_name, "promo_click");
  assert.equal(rows[1].experiment_id, "hero", "experiments land in the experiment columns");
  assert.equal(rows[1].variant_id, "b");
});

Deno.test("ingest: authentication is required", async () => {
  const t = await createTestApp({ ECHELON_SECRET: TEST_SECRET });
  const attempts: Record<string, string>[] = [{}, { authorization: "Bearer wrong" }, {
    authorization: "Basic aW5nZXN0",
  }];
  for (const headers of attempts) {
    const res = await send(t, batch([]), headers);
    assert.equal(res.status, 401);
    assert.equal((await res.json()).error, "unauthorized");
  }
  const none = await createTestApp();
  const res = await send(none, batch([]), AUTH);
  assert.equal(res.status, 401, "no secret configured: nobody gets in");
  assert.match((await res.json()).message, /must be configured/);
});

Deno.test("ingest: invalid batches get 400 naming the field (table), nothing stored", async () => {
  const t = await createTestApp({ ECHELON_SECRET: TEST_SECRET });
  const ok = { event_id: uuid(1), type: "x", ts: NOW };
  const cases: [string, unknown, RegExp][] = [
    ["not JSON", "{", /not valid JSON/],
    ["array", [], /must be an object/],
    ["wrong version", { ...batch([ok]), v: 2 }, /v must be 1/],
    ["bad batch id", { ...batch([ok]), batch_id: "x" }, /batch_id/],
    ["no session", batch([ok], { session_id: "nope" }), /session_id/],
    ["bad site", batch([ok], { site_id: "a b" }), /site_id/],
    ["no events", batch([]), /1\.\.100/],
    [
      "too many events",
      batch(Array.from({ length: 101 }, (_, i) => ({ ...ok, event_id: uuid(i) }))),
      /1\.\.100/,
    ],
    ["bad event id", batch([{ ...ok, event_id: "1" }]), /events\[0\]\.event_id/],
    ["bad type", batch([{ ...ok, type: "drop table" }]), /events\[0\]\.type/],
    ["bad ts", batch([{ ...ok, ts: "yesterday" }]), /not a timestamp/],
    ["ts too old", batch([{ ...ok, ts: "2026-10-01T00:00:00Z" }]), /outside the accepted range/],
    [
      "ts in the future",
      batch([{ ...ok, ts: "2026-11-20T13:00:00Z" }]),
      /outside the accepted range/,
    ],
    ["repeated id", batch([ok, ok]), /repeats/],
  ];
  for (const [name, body, message] of cases) {
    const res = await send(t, body);
    assert.equal(res.status, 400, name);
    assert.match((await res.json()).message, message, name);
  }
  assert.equal(t.services.db.all("SELECT 1 FROM semantic_events").length, 0);
});

Deno.test("ingest: bodies over 1 MB get 413", async () => {
  const t = await createTestApp({ ECHELON_SECRET: TEST_SECRET });
  const res = await send(
    t,
    JSON.stringify(
      batch([{ event_id: uuid(1), type: "x", ts: NOW, data: { x: "y".repeat(1_100_000) } }]),
    ),
  );
  assert.equal(res.status, 413);
});

Deno.test("ingest: ignored sites are acknowledged but not stored", async () => {
  const t = await createTestApp({ ECHELON_SECRET: TEST_SECRET });
  const res = await send(
    t,
    batch([{ event_id: uuid(1), type: "x", ts: NOW }], { site_id: "smoke-test" }),
  );
  assert.deepEqual(await res.json(), { accepted: 0, duplicate: 0, ignored: 1 });
  assert.equal(t.services.db.all("SELECT 1 FROM semantic_events").length, 0);
});
