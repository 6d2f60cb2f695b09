// The debug switch: the admin's setting (Settings or POST /api/debug) makes /ea.js serve the
// tracker's debug build — at once on this instance, after the cache refresh on one that only
// shares the database — and logs each dropped hit's reason at debug level, at most 10 lines a
// second. ECHELON_DEBUG=true locks it on; public mode cannot change it.
import assert from "node:assert/strict";
import { adminApp, adminPost, type AdminTestApp } from "./_admin.ts";
import { beaconUrl, hit } from "./_collect.ts";
import { TEST_SECRET, type TestApp, withConnection } from "./_helpers.ts";
import { createApp } from "../lib/app.ts";
import { createApiKey } from "../lib/auth/api_keys.ts";
import { loadConfig } from "../lib/config.ts";
import { ADMIN_SETTING_KEYS } from "../lib/admin/setting_keys.ts";
import { instanceSetting, setInstanceSetting } from "../lib/db/settings.ts";
import { MAX_LINES_PER_SECOND } from "../lib/ingest/drop_log.ts";
import { createLogger } from "../lib/log.ts";
import { createServices } from "../lib/services.ts";
import { openStore } from "../lib/store/open.ts";

const FORM = { display_timezone: "UTC", default_consent_css: "" };

/** Which build /ea.js serves: the debug one traces to the console with an "[echelon]" prefix. */
async function trackerVariant(app: TestApp): Promise<"debug" | "plain"> {
  const res = await app.request("/ea.js");
  assert.equal(res.status, 200);
  const body = await res.text();
  return /\[echelon\]/.test(body) ? "debug" : "plain";
}

function refreshJob(app: TestApp) {
  return app.services.jobs.find((job) => job.name === "collect-caches")!;
}

Deno.test("debug toggle: Settings switches /ea.js to the debug build and back", async () => {
  const app = await adminApp();
  assert.equal(await trackerVariant(app), "plain");
  const on = await adminPost(app, "/admin/settings", { ...FORM, debug: "on" });
  assert.equal(on.status, 303);
  assert.equal(await trackerVariant(app), "debug", "at once on the instance that saved it");
  const off = await adminPost(app, "/admin/settings", FORM);
  assert.equal(off.status, 303);
  assert.equal(await trackerVariant(app), "plain");
});

Deno.test("debug toggle: a change made elsewhere applies after the cache refresh", async () => {
  const app = await adminApp();
  // Another instance sharing the database switched debug on: nothing changes until the refresh.
  setInstanceSetting(app.services.db, ADMIN_SETTING_KEYS.debug, "true");
  assert.equal(await trackerVariant(app), "plain");
  assert.equal(refreshJob(app).everyMs, 30_000);
  await refreshJob(app).run();
  assert.equal(await trackerVariant(app), "debug");
  setInstanceSetting(app.services.db, ADMIN_SETTING_KEYS.debug, "false");
  await refreshJob(app).run();
  assert.equal(await trackerVariant(app), "plain");
});

Deno.test("debug toggle: GET and POST /api/debug", async () => {
  const app = await adminApp({ ECHELON_SECRET: TEST_SECRET });
  const call = async (method: string, body?: string) => {
    const res = await app.request("/api/debug", {
      method,
      headers: { authorization: `Bearer ${TEST_SECRET}`, "content-type": "application/json" },
      body,
    });
    return { status: res.status, json: await res.json() };
  };
  assert.deepEqual((await call("GET")).json, { debug: false, envOverride: null, locked: false });
  assert.deepEqual(await call("POST", '{"enabled":true}'), { status: 200, json: { debug: true } });
  assert.equal(instanceSetting(app.services.db, ADMIN_SETTING_KEYS.debug), "true");
  assert.equal(await trackerVariant(app), "debug");
  for (const body of ['{"enabled":"yes"}', "{}", "null", "x"]) {
    assert.equal((await call("POST", body)).status, 400, body);
  }
  assert.deepEqual(await call("POST", '{"enabled":false}'), {
    status: 200,
    json: { debug: false },
  });
  assert.equal(await trackerVariant(app), "plain");
  // An API key, even a write key, cannot switch it (debug turns tracing on for every visitor).
  const created = await createApiKey(app.services, { name: "ci", scope: "write" });
  const byKey = await app.request("/api/debug", {
    method: "POST",
    headers: {
      authorization: `Bearer ${created.kind === "created" ? created.key : ""}`,
      "content-type": "application/json",
    },
    body: '{"enabled":true}',
  });
  assert.equal(byKey.status, 403);
  assert.equal((await byKey.json()).error, "insufficient_scope");
  assert.equal(await trackerVariant(app), "plain");
});

Deno.test("debug toggle: ECHELON_DEBUG=true locks debug on", async () => {
  const app = await adminApp({ ECHELON_DEBUG: "true", ECHELON_SECRET: TEST_SECRET });
  assert.equal(await trackerVariant(app), "debug");
  assert.equal((await adminPost(app, "/admin/settings", FORM)).status, 303);
  assert.equal(await trackerVariant(app), "debug", "the form cannot turn it off");
  const res = await app.request("/api/debug", {
    method: "POST",
    headers: { authorization: `Bearer ${TEST_SECRET}`, "content-type": "application/json" },
    body: '{"enabled":false}',
  });
  assert.equal(res.status, 409);
  assert.equal((await res.json()).error, "locked");
  assert.equal(await trackerVariant(app), "debug");
  const read = await app.request("/api/debug", {
    headers: { authorization: `Bearer ${TEST_SECRET}` },
  });
  assert.deepEqual(await read.json(), { debug: true, envOverride: "on", locked: true });
});

Deno.test("debug toggle: public mode cannot switch it", async () => {
  const app: AdminTestApp = await adminApp({ ECHELON_PUBLIC_MODE: "true" });
  const api = await app.request("/api/debug", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: '{"enabled":true}',
  });
  assert.equal(api.status, 403);
  assert.equal((await api.json()).error, "read_only");
  const form = await adminPost(app, "/admin/settings", { ...FORM, debug: "on" });
  assert.equal(form.status, 403);
  await form.body?.cancel();
  assert.equal(instanceSetting(app.services.db, ADMIN_SETTING_KEYS.debug), undefined);
  assert.equal(await trackerVariant(app), "plain");
});

interface LoggedApp extends TestApp {
  lines: { message: string; fields?: Record<string, unknown> }[];
}

/** A test app whose logger records debug lines (createTestApp's logger is silent). */
async function appWithLog(env: Record<string, string> = {}): Promise<LoggedApp> {
  const lines: LoggedApp["lines"] = [];
  const log = {
    ...createLogger({ quiet: true }),
    debug: (message: string, fields?: Record<string, unknown>) => lines.push({ message, fields }),
  };
  const config = loadConfig({ ECHELON_DB_PATH: ":memory:", ...env }, "test");
  const clock = { now: Date.parse("2026-11-20T12:00:00.000Z") };
  const opened = openStore(config);
  const services = withConnection(
    await createServices(config, opened, { log, now: () => clock.now }),
    opened,
  );
  const app = await createApp(services);
  return {
    services,
    clock,
    lines,
    fetch: (req, info) => app.fetch(req, info),
    request(path, init = {}) {
      const { ip = "203.0.113.7", ...rest } = init;
      const req = new Request(new URL(path, "http://echelon.test"), rest);
      return Promise.resolve(app.fetch(req, { remoteAddr: { hostname: ip } }));
    },
  };
}

Deno.test("debug toggle: dropped hits' reasons are logged while debug is on, at most 10 a second", async () => {
  const app = await appWithLog();
  const ignored = () => hit(app, beaconUrl({ s: "smoke-test" }));
  await ignored();
  assert.deepEqual(app.lines, [], "nothing logged with debug off");

  setInstanceSetting(app.services.db, ADMIN_SETTING_KEYS.debug, "true");
  await app.services.collect.caches.refresh(app.services.store, app.clock.now);
  await ignored();
  assert.deepEqual(app.lines, [{
    message: "dropped hit",
    fields: { endpoint: "b.gif", site: "smoke-test", reason: "site_ignored" },
  }]);
  // A flood within one second: ten lines, then silence …
  for (let i = 0; i < 25; i++) await ignored();
  assert.equal(app.lines.length, MAX_LINES_PER_SECOND);
  // … summed up when the next second starts.
  app.clock.now += 1000;
  const e = await app.request("/e", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: "[]",
  });
  await e.body?.cancel();
  assert.deepEqual(app.lines.slice(MAX_LINES_PER_SECOND), [
    {
      message: "dropped hits not logged (rate limit)",
      fields: { count: 16, max_per_second: MAX_LINES_PER_SECOND },
    },
    { message: "dropped hit", fields: { endpoint: "e", site: null, reason: "invalid_payload" } },
  ]);

  setInstanceSetting(app.services.db, ADMIN_SETTING_KEYS.debug, "false");
  await app.services.collect.caches.refresh(app.services.store, app.clock.now);
  app.clock.now += 1000;
  const before = app.lines.length;
  await ignored();
  assert.equal(app.lines.length, before, "off again: nothing logged");
});

Deno.test("debug toggle: ECHELON_DEBUG=true logs drop reasons without any setting", async () => {
  const app = await appWithLog({ ECHELON_DEBUG: "true" });
  await hit(app, beaconUrl({ s: "smoke-test" }));
  assert.equal(app.lines.length, 1);
  assert.equal(app.lines[0].fields?.reason, "site_ignored");
});

Deno.test("logger: debug lines follow a switch read on every call", () => {
  let on = false;
  const written: string[] = [];
  const original = console.error;
  console.error = (line: string) => written.push(line);
  try {
    const log = createLogger({ debug: () => on });
    log.debug("hidden");
    on = true;
    log.debug("shown", { reason: "site_ignored" });
  } finally {
    console.error = original;
  }
  assert.equal(written.length, 1);
  assert.match(written[0], / debug shown \{"reason":"site_ignored"\}$/);
});
