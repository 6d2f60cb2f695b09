// POST /e: body limits, statuses, event validation and what each event stores.
import assert from "node:assert/strict";
import { createTestApp, type TestApp } from "./_helpers.ts";
import { BROWSER_HEADERS, drops, events, SESSION } from "./_collect.ts";

const DEBUG = { ECHELON_DEBUG: "true" };

function post(t: TestApp, body: unknown, headers: Record<string, string> = {}, ip?: string) {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  return t.request("/e", {
    method: "POST",
    body: text,
    headers: { ...BROWSER_HEADERS, "content-type": "text/plain;charset=UTF-8", ...headers },
    ip,
  });
}

const batch = (list: unknown[], extra: Record<string, unknown> = {}) => ({
  siteId: "shop",
  events: list,
  ...extra,
});

Deno.test("e: every event kind is stored with its fields (text/plain and JSON bodies)", async () => {
  const t = await createTestApp(DEBUG);
  const list = [
    { type: "custom", data: { name: "signup", plan: "pro", path: "/pricing" }, sessionId: SESSION },
    {
      type: "pageview_end",
      data: { engaged_ms: 4200.4, scroll_pct: 130, path: "/pricing" },
      sessionId: SESSION,
    },
    { type: "exposure", data: { experiment_id: "hero", variant_id: "b", path: "/" } },
    { type: "scroll_depth", data: { depth: 50, path: "/pricing" } },
    { type: "form_blur", data: { field_name: "email", value: "me@example.com", value_length: 14 } },
    { type: "web_vital", data: { metric: "LCP", value: 1800, rating: "good" } },
  ];
  const res = await post(t, batch(list));
  assert.equal(res.status, 204);
  const json = await post(t, batch([{ type: "click", data: { click: "buy" } }]), {
    "content-type": "application/json",
  });
  assert.equal(json.status, 204);
  const rows = await events(t);
  assert.deepEqual(rows.map((r) => r.event_type), [
    "custom",
    "pageview_end",
    "exposure",
    "scroll_depth",
    "form_blur",
    "web_vital",
    "click",
  ]);
  const [custom, end, exposure, , form] = rows;
  assert.equal(custom.event_name, "signup");
  assert.equal(custom.path, "/pricing");
  assert.equal(custom.session_id, SESSION);
  assert.deepEqual(JSON.parse(custom.data as string), {
    name: "signup",
    plan: "pro",
    path: "/pricing",
  });
  assert.equal(end.engaged_ms, 4200);
  assert.equal(end.scroll_pct, 100, "scroll depth is clamped to 0..100");
  assert.equal(exposure.experiment_id, "hero");
  assert.equal(exposure.variant_id, "b");
  assert.equal(
    JSON.parse(form.data as string).value,
    undefined,
    "form values are never stored by default",
  );
  assert.equal(JSON.parse(form.data as string).value_length, 14);
  for (const row of rows) {
    assert.equal(row.site_id, "shop");
    assert.equal(row.device_type, "desktop");
    assert.equal(row.hour, 12);
    assert.equal(row.month, 11);
    assert.equal(row.day_of_week, 5);
    assert.equal(row.source, "beacon");
    assert.equal(row.referrer, "https://customer.example");
    assert.match(row.visitor_id as string, /^[0-9a-f]{16}$/);
  }
  assert.equal(rows[0].visitor_id, rows[6].visitor_id, "one visitor across requests");
});

Deno.test("e: a site that opted in keeps form values", async () => {
  const t = await createTestApp(DEBUG);
  t.services.db.run("INSERT INTO site_settings (site_id, send_form_values) VALUES ('shop', 1)");
  await t.services.collect.caches.refresh(t.services.store, 0);
  await post(t, batch([{ type: "form_blur", data: { value: "xq@ab.cd" } }]));
  assert.equal(JSON.parse((await events(t))[0].data as string).value, "xq@ab.cd");
});

Deno.test("e: statuses for bad input (table), never a 5xx", async () => {
  const cases: {
    name: string;
    body: string;
    headers?: Record<string, string>;
    status: number;
    error?: string;
  }[] = [
    { name: "malformed JSON", body: "{not json", status: 400, error: "invalid_json" },
    { name: "empty body", body: "", status: 400, error: "empty_body" },
    { name: "binary garbage", body: "\u0000\u0001\uffff", status: 400, error: "invalid_json" },
    {
      name: "too large (streamed)",
      body: JSON.stringify(batch([{ type: "custom", data: { x: "y".repeat(17_000) } }])),
      status: 413,
      error: "payload_too_large",
    },
    {
      name: "declared too large",
      body: "{}",
      headers: { "content-length": "999999" },
      status: 413,
      error: "payload_too_large",
    },
    { name: "JSON array", body: "[]", status: 204 },
    { name: "JSON null", body: "null", status: 204 },
    {
      name: "events not an array",
      body: JSON.stringify({ siteId: "shop", events: "x" }),
      status: 204,
    },
    { name: "empty events", body: JSON.stringify(batch([])), status: 204 },
    {
      name: "bad site id",
      body: JSON.stringify({ siteId: "../etc", events: [{ type: "custom" }] }),
      status: 204,
    },
  ];
  for (const c of cases) {
    const t = await createTestApp(DEBUG);
    const res = await post(t, c.body, c.headers);
    assert.equal(res.status, c.status, c.name);
    if (c.error) assert.equal((await res.json()).error, c.error, c.name);
    else await res.body?.cancel();
    assert.equal((await events(t)).length, 0, c.name);
  }
});

Deno.test("e: per-event limits skip only the bad events", async () => {
  const t = await createTestApp(DEBUG);
  const list = [
    { type: "custom", data: { name: "ok" } },
    { type: "nonsense", data: {} },
    { type: "custom", data: { blob: "z".repeat(2100) } },
    { type: "custom", data: "not an object" },
    null,
    ...Array.from({ length: 25 }, (_, i) => ({ type: "click", data: { n: i } })),
  ];
  assert.equal((await post(t, batch(list))).status, 204);
  const rows = await events(t);
  // 20 considered: ok + the string-data custom (stored with {}) + 15 clicks after the bad ones.
  assert.equal(rows.length, 17);
  assert.deepEqual(JSON.parse(rows[1].data as string), {});
  assert.equal(rows.filter((r) => r.event_type === "click").length, 15);
});

Deno.test("e: drops (table) are answered 204 and counted", async () => {
  const cases: {
    name: string;
    env?: Record<string, string>;
    headers?: Record<string, string>;
    body?: unknown;
    drop: string;
  }[] = [
    { name: "known bot", headers: { "user-agent": "python-requests/2.31" }, drop: "known_bot" },
    { name: "DNT", headers: { dnt: "1" }, drop: "dnt" },
    {
      name: "ignored site",
      body: { siteId: "smoke-test", events: [{ type: "custom" }] },
      drop: "site_ignored",
    },
    {
      name: "origin not allowed (the reference forgot /e)",
      env: { ECHELON_ALLOWED_ORIGINS: "mine.example" },
      drop: "origin_not_allowed",
    },
    {
      name: "not an allowed site",
      env: { ECHELON_ALLOWED_SITES: "blog" },
      drop: "site_not_allowed",
    },
    { name: "over threshold", env: { ECHELON_BOT_DISCARD_THRESHOLD: "5" }, drop: "over_threshold" },
  ];
  for (const c of cases) {
    const t = await createTestApp({ ...DEBUG, ...c.env });
    const res = await post(
      t,
      c.body ?? batch([{ type: "custom", data: { name: "x" } }]),
      c.headers,
    );
    assert.equal(res.status, 204, c.name);
    assert.equal(res.headers.get("x-echelon-drop"), c.drop, c.name);
    assert.equal((await events(t)).length, 0, c.name);
    assert.equal((await drops(t))[`e:${c.drop}`], 1, c.name);
  }
});

Deno.test("e: rate limited with 429 before the body is read", async () => {
  const t = await createTestApp({ ...DEBUG, ECHELON_RATE_LIMIT_MAX: "1" });
  assert.equal((await post(t, batch([{ type: "custom" }]), {}, "198.51.100.3")).status, 204);
  const limited = await post(t, batch([{ type: "custom" }]), {}, "198.51.100.3");
  assert.equal(limited.status, 429);
  assert.equal((await limited.json()).error, "rate_limited");
  assert.equal((await events(t)).length, 1);
});

Deno.test("e: the _ev cookie identifies a returning visitor but is never set by /e", async () => {
  const t = await createTestApp(DEBUG);
  const res = await post(t, batch([{ type: "custom" }]), { cookie: "_ev=0123456789abcdef" });
  assert.equal(res.headers.get("set-cookie"), null);
  const [row] = await events(t);
  assert.equal(row.visitor_id, "0123456789abcdef");
  assert.equal(row.is_returning, 1);
});

Deno.test("e: CORS preflight and reflected origin for tracking paths only", async () => {
  const t = await createTestApp(DEBUG);
  const pre = await t.request("/e", {
    method: "OPTIONS",
    headers: { origin: "https://customer.example" },
  });
  assert.equal(pre.status, 204);
  assert.equal(pre.headers.get("access-control-allow-origin"), "https://customer.example");
  assert.match(pre.headers.get("vary") ?? "", /Origin/);
  const res = await post(t, batch([{ type: "custom" }]), { origin: "https://customer.example" });
  assert.equal(res.headers.get("access-control-allow-origin"), "https://customer.example");
  const api = await t.request("/api/health", { headers: { origin: "https://customer.example" } });
  assert.equal(api.headers.get("access-control-allow-origin"), null);
  await api.body?.cancel();

  const restricted = await createTestApp({ ...DEBUG, ECHELON_ALLOWED_ORIGINS: "mine.example" });
  const refused = await restricted.request("/e", {
    method: "OPTIONS",
    headers: { origin: "https://other.example" },
  });
  assert.equal(refused.headers.get("access-control-allow-origin"), null);
});
