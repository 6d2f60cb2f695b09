// Opt-in telemetry: the state resolution (ECHELON_TELEMETRY > the admin's choice > undecided),
// nothing sent when undecided, opted out or without an endpoint — checked against a real local
// endpoint that records what it receives — and, once opted in, exactly the JSON Settings showed,
// once a day, with no site id or URL in it. Failures are recorded and logged, never thrown.
// Public mode and the env lock refuse changes.
import assert from "node:assert/strict";
import { adminApp, adminHtml, adminPost, type AdminTestApp } from "./_admin.ts";
import { loginCookie } from "./_auth.ts";
import { createApiKey } from "../lib/auth/api_keys.ts";
import { createTestApp, TEST_ORIGIN, TEST_SECRET } from "./_helpers.ts";
import { createLogger } from "../lib/log.ts";
import {
  buildTelemetryPayload,
  sendTelemetryIfDue,
  sitesBucket,
  TELEMETRY_KEYS,
  telemetryJson,
  telemetryState,
  uptimeBucket,
} from "../lib/telemetry/mod.ts";
import { instanceSetting, setInstanceSetting } from "../lib/db/settings.ts";

interface Receiver {
  url: string;
  bodies: string[];
  close(): Promise<void>;
}

/** A telemetry endpoint on 127.0.0.1 that records every request body. */
function receiver(status = 204): Receiver {
  const bodies: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    bodies.push(await req.text());
    return new Response(null, { status });
  });
  return {
    url: `http://127.0.0.1:${(server.addr as Deno.NetAddr).port}/ping`,
    bodies,
    close: () => server.shutdown(),
  };
}

function unescapeHtml(text: string): string {
  return text.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

/** The JSON the Settings card shows, as text. */
async function shownPayload(app: AdminTestApp): Promise<string> {
  const { html } = await adminHtml(app, "/admin/settings");
  const match = html.match(/<pre id="telemetry-payload"[^>]*>([\s\S]*?)<\/pre>/);
  assert.ok(match, "the card shows the payload");
  return unescapeHtml(match[1]);
}

Deno.test("telemetry: ECHELON_TELEMETRY decides, then the admin's choice, else undecided", async () => {
  const cases: [Record<string, string>, string | null, string, string | null][] = [
    [{}, null, "undecided", null],
    [{}, "true", "on", null],
    [{}, "false", "off", null],
    [{ ECHELON_TELEMETRY: "true" }, "false", "on", "on"],
    [{ ECHELON_TELEMETRY: "false" }, "true", "off", "off"],
    [{ ECHELON_TELEMETRY: "0" }, null, "off", "off"],
  ];
  for (const [env, stored, state, envOverride] of cases) {
    const app = await adminApp(env);
    if (stored) setInstanceSetting(app.services.db, TELEMETRY_KEYS.optIn, stored);
    assert.equal(await telemetryState(app.services), state, JSON.stringify([env, stored]));
    const res = await app.request("/api/telemetry", { headers: { cookie: app.cookie } });
    const json = await res.json();
    assert.equal(json.telemetry, state);
    assert.equal(json.envOverride, envOverride);
    assert.equal(json.locked, envOverride !== null);
  }
});

Deno.test("telemetry: nothing is sent when undecided, opted out, or without an endpoint", async () => {
  const endpoint = receiver();
  try {
    const undecided = await adminApp({ ECHELON_TELEMETRY_URL: endpoint.url });
    assert.deepEqual(await sendTelemetryIfDue(undecided.services), {
      sent: false,
      reason: "not_opted_in",
    });
    const optedOut = await adminApp({ ECHELON_TELEMETRY_URL: endpoint.url });
    assert.equal((await adminPost(optedOut, "/api/telemetry", { optin: "false" })).status, 303);
    assert.equal(instanceSetting(optedOut.services.db, TELEMETRY_KEYS.optIn), "false");
    assert.equal((await sendTelemetryIfDue(optedOut.services)).sent, false);
    const envOff = await adminApp({
      ECHELON_TELEMETRY: "false",
      ECHELON_TELEMETRY_URL: endpoint.url,
    });
    assert.equal((await sendTelemetryIfDue(envOff.services)).sent, false);
    // Opted in (even by the environment) but no endpoint: nothing to send to.
    const noUrl = await adminApp({ ECHELON_TELEMETRY: "true" });
    assert.deepEqual(await sendTelemetryIfDue(noUrl.services), {
      sent: false,
      reason: "no_endpoint",
    });
    assert.match(
      (await adminHtml(noUrl, "/admin/settings")).html,
      /Opted in, but no endpoint is configured \(ECHELON_TELEMETRY_URL\), so nothing is sent/,
    );
    // The job, run as the runner would, sends nothing either.
    for (const app of [undecided, optedOut, envOff, noUrl]) {
      await app.services.jobs.find((job) => job.name === "telemetry")!.run();
    }
    assert.deepEqual(endpoint.bodies, []);
  } finally {
    await endpoint.close();
  }
});

Deno.test("telemetry: once opted in, exactly the JSON Settings showed is sent, once a day", async () => {
  const endpoint = receiver();
  try {
    const app = await adminApp({
      ECHELON_TELEMETRY_URL: endpoint.url,
      ECHELON_SECRET: TEST_SECRET,
    });
    // Data the ping must never carry.
    app.services.db.run("INSERT INTO sites (site_id, name) VALUES ('private-shop', 'Acme Corp')");
    app.services.db.run(
      "INSERT INTO utm_campaigns (id, name, utm_campaign) VALUES ('spring', 'Spring', 'spring')",
    );
    let page = await adminHtml(app, "/admin/settings");
    assert.match(page.html, /id="telemetry-state" data-state="undecided"/);
    assert.match(page.html, /This exact JSON, as it would be sent right now/);
    assert.match(page.html, /name="optin" value="true"/);
    const shown = await shownPayload(app);

    const optIn = await adminPost(app, "/api/telemetry", { optin: "true" });
    assert.equal(optIn.status, 303);
    assert.equal(optIn.headers.get("location"), "/admin/settings?notice=telemetry_on");
    page = await adminHtml(app, "/admin/settings?notice=telemetry_on");
    assert.match(page.html, /Telemetry on: the JSON shown below is sent once a day/);
    assert.match(page.html, new RegExp(`once a day to ${endpoint.url.replace(/[./]/g, "\\$&")}`));
    assert.equal(await shownPayload(app), shown, "the same JSON before and after opting in");

    const outcome = await sendTelemetryIfDue(app.services);
    assert.equal(outcome.sent, true);
    assert.deepEqual(endpoint.bodies, [shown], "byte for byte what Settings showed");
    const payload = JSON.parse(endpoint.bodies[0]);
    assert.deepEqual(Object.keys(payload), [
      "schema",
      "product",
      "version",
      "runtime",
      "uptime",
      "sites",
      "features",
    ]);
    assert.equal(payload.version, "test");
    assert.equal(payload.uptime, "<1h");
    assert.equal(payload.sites, "1");
    assert.equal(payload.features.campaigns, true);
    assert.equal(payload.features.experiments, false);
    assert.equal(payload.features.bearer_token, true);
    for (const value of Object.values(payload.features)) assert.equal(typeof value, "boolean");
    for (
      const secret of [
        "private-shop",
        "Acme",
        "spring",
        TEST_SECRET,
        "127.0.0.1",
        "http",
        "echelon.test",
      ]
    ) {
      assert.ok(!endpoint.bodies[0].includes(secret), `the ping does not contain ${secret}`);
    }

    // Within a day: not due, even across a "restart" (the schedule is in the database).
    app.clock.now += 23 * 3_600_000;
    assert.deepEqual(await sendTelemetryIfDue(app.services), { sent: false, reason: "not_due" });
    assert.equal(endpoint.bodies.length, 1);
    app.clock.now += 3_600_000;
    assert.equal((await sendTelemetryIfDue(app.services)).sent, true);
    assert.equal(endpoint.bodies.length, 2);
    assert.equal(JSON.parse(endpoint.bodies[1]).uptime, "1d-7d");
    app.cookie = await loginCookie(app); // a day later the session has ended
    assert.match(
      (await adminHtml(app, "/admin/settings")).html,
      /id="telemetry-last">Last attempt 2026-11-21 12:00:00: accepted \(HTTP 204\)/,
    );

    // Opting out stops it.
    assert.equal((await adminPost(app, "/api/telemetry", { optin: "false" })).status, 303);
    assert.equal(await telemetryState(app.services), "off");
    app.clock.now += 2 * 24 * 3_600_000;
    assert.equal((await sendTelemetryIfDue(app.services)).sent, false);
    assert.equal(endpoint.bodies.length, 2);
  } finally {
    await endpoint.close();
  }
});

Deno.test("telemetry: a refusing, unreachable or silent endpoint is recorded and logged, never thrown", async () => {
  const warnings: string[] = [];
  const log = { ...createLogger({ quiet: true }), warn: (m: string) => warnings.push(m) };
  const refusing = receiver(500);
  // A TCP listener that accepts and never answers.
  const silent = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const held: Deno.Conn[] = [];
  (async () => {
    for await (const conn of silent) held.push(conn);
  })();
  try {
    const app = await createTestApp({
      ECHELON_TELEMETRY: "true",
      ECHELON_TELEMETRY_URL: refusing.url,
    });
    const deps = { ...app.services, log };
    const refused = await sendTelemetryIfDue(deps);
    assert.equal(refused.sent && refused.ok, false);
    assert.equal(refusing.bodies.length, 1);
    const attempt = JSON.parse(instanceSetting(app.services.db, TELEMETRY_KEYS.lastAttempt)!);
    assert.deepEqual(attempt, {
      at: "2026-11-20T12:00:00.000Z",
      ok: false,
      status: 500,
      error: "HTTP 500",
    });
    assert.equal(instanceSetting(app.services.db, TELEMETRY_KEYS.lastSentAt), undefined);
    // Not accepted, so it is still due: the next hourly check tries again.
    assert.equal((await sendTelemetryIfDue(deps)).sent, true);
    assert.equal(refusing.bodies.length, 2);

    const port = (silent.addr as Deno.NetAddr).port;
    const slow = await createTestApp({
      ECHELON_TELEMETRY: "true",
      ECHELON_TELEMETRY_URL: `http://127.0.0.1:${port}/ping`,
    });
    const timedOut = await sendTelemetryIfDue({ ...slow.services, log }, { timeoutMs: 200 });
    assert.equal(timedOut.sent && timedOut.ok, false);
    const slowAttempt = JSON.parse(instanceSetting(slow.services.db, TELEMETRY_KEYS.lastAttempt)!);
    assert.match(slowAttempt.error, /TimeoutError/);
    assert.deepEqual(warnings, [
      "telemetry ping refused",
      "telemetry ping refused",
      "telemetry ping failed",
    ]);
  } finally {
    await refusing.close();
    silent.close();
    for (const conn of held) conn.close();
  }
});

Deno.test("telemetry: public mode neither shows the choice nor accepts a change (W12)", async () => {
  const app = await adminApp({ ECHELON_PUBLIC_MODE: "true" });
  // An instance setting: the settings page and its API are not public (lib/public/policy.ts).
  const { status, html } = await adminHtml(app, "/admin/settings");
  assert.equal(status, 403);
  assert.doesNotMatch(html, /telemetry-state|telemetry-form|name="optin"|telemetry-payload/);
  for (
    const [type, body] of [
      ["application/json", '{"optin":true}'],
      ["application/x-www-form-urlencoded", "optin=true"],
    ]
  ) {
    const res = await app.request("/api/telemetry", {
      method: "POST",
      headers: { "content-type": type, origin: TEST_ORIGIN },
      body,
    });
    assert.equal(res.status, 403);
    assert.equal((await res.json()).error, "read_only");
  }
  assert.equal(instanceSetting(app.services.db, TELEMETRY_KEYS.optIn), undefined);
  const read = await app.request("/api/telemetry");
  assert.equal(read.status, 403);
  assert.equal((await read.json()).error, "not_public");
});

Deno.test("telemetry: the environment locks the choice; bad bodies and API callers are refused", async () => {
  const locked = await adminApp({ ECHELON_TELEMETRY: "false", ECHELON_SECRET: TEST_SECRET });
  const res = await locked.request("/api/telemetry", {
    method: "POST",
    headers: { authorization: `Bearer ${TEST_SECRET}`, "content-type": "application/json" },
    body: '{"optin":true}',
  });
  assert.equal(res.status, 409);
  assert.equal((await res.json()).error, "locked");
  assert.equal(instanceSetting(locked.services.db, TELEMETRY_KEYS.optIn), undefined);
  const { html } = await adminHtml(locked, "/admin/settings");
  assert.match(html, /id="telemetry-locked">Locked: ECHELON_TELEMETRY=false/);
  assert.doesNotMatch(html, /telemetry-form/);

  const app = await adminApp({ ECHELON_SECRET: TEST_SECRET });
  const post = (body: string, headers: Record<string, string> = {}) =>
    app.request("/api/telemetry", {
      method: "POST",
      headers: {
        authorization: `Bearer ${TEST_SECRET}`,
        "content-type": "application/json",
        ...headers,
      },
      body,
    });
  for (const body of ['{"optin":"yes"}', "{}", "[]", "nope", '{"optin":1}']) {
    const refused = await post(body);
    assert.equal(refused.status, 400, body);
    assert.equal((await refused.json()).error, "invalid_body");
  }
  // A scoped API key, even a write key, cannot change an instance setting.
  const created = await createApiKey(app.services, { name: "ci", scope: "write" });
  assert.equal(created.kind, "created");
  const byKey = await post('{"optin":true}', {
    authorization: `Bearer ${created.kind === "created" ? created.key : ""}`,
  });
  assert.equal(byKey.status, 403);
  assert.equal((await byKey.json()).error, "insufficient_scope");
  assert.equal(await telemetryState(app.services), "undecided");

  const ok = await post('{"optin":true}');
  assert.equal(ok.status, 200);
  assert.deepEqual(await ok.json(), { telemetry: "on" });
  // A session write from another origin is refused by the CSRF check.
  const forged = await app.request("/api/telemetry", {
    method: "POST",
    headers: {
      cookie: app.cookie,
      origin: "https://evil.example",
      "content-type": "application/x-www-form-urlencoded",
    },
    body: "optin=false",
  });
  assert.equal(forged.status, 403);
  await forged.body?.cancel();
  assert.equal(await telemetryState(app.services), "on");
  // GET shows the payload the ping would send.
  const read = await (await app.request("/api/telemetry", {
    headers: { authorization: `Bearer ${TEST_SECRET}` },
  })).json();
  assert.deepEqual(read.payload, await buildTelemetryPayload(app.services));
  assert.equal(
    telemetryJson(read.payload),
    telemetryJson(await buildTelemetryPayload(app.services)),
  );
});

Deno.test("telemetry buckets: uptime and sites are coarse", () => {
  const h = 3_600_000;
  assert.deepEqual(
    [0, h - 1, h, 24 * h, 7 * 24 * h, 30 * 24 * h].map(uptimeBucket),
    ["<1h", "<1h", "1h-1d", "1d-7d", "7d-30d", ">30d"],
  );
  assert.deepEqual(
    [0, 1, 2, 5, 6, 20, 21, 100, 101].map(sitesBucket),
    ["0", "1", "2-5", "2-5", "6-20", "6-20", "21-100", "21-100", ">100"],
  );
});
