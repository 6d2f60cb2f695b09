// API and admin access: bearer or session cookie on /api/*, CSRF on cookie-authenticated writes
// (not on bearer ones), anonymous requests refused, public mode (reads open, every write 403
// read_only) and the state the middleware hands to pages.
import assert from "node:assert/strict";
import { ensureGeneratedPassword } from "../lib/auth/credentials.ts";
import { createLogger } from "../lib/log.ts";
import { initialState, type State } from "../lib/state.ts";
import { handler as adminMiddleware } from "../routes/admin/_middleware.ts";
import { createTestApp, TEST_ORIGIN, TEST_SECRET, type TestApp } from "./_helpers.ts";
import { AUTH_ENV, loginCookie } from "./_auth.ts";

const SECRET = TEST_SECRET;
const BEARER = { authorization: `Bearer ${SECRET}` };
const ENV = { ...AUTH_ENV, ECHELON_SECRET: SECRET };

function excluded(t: TestApp): string[] {
  return t.services.db.all<{ visitor_id: string }>(
    "SELECT visitor_id FROM excluded_visitors ORDER BY visitor_id",
  ).map((row) => row.visitor_id);
}

function exclude(t: TestApp, visitorId: string, headers: Record<string, string>, ip?: string) {
  return t.request("/api/bots/exclude", {
    method: "POST",
    ip,
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ visitor_id: visitorId }),
  });
}

async function status(res: Response): Promise<{ status: number; error?: string }> {
  const body = await res.json();
  return { status: res.status, error: body.error };
}

Deno.test("api: anonymous and wrongly authenticated requests get 401; health stays public", async () => {
  const t = await createTestApp(ENV);
  const cases: Record<string, string>[] = [
    {},
    { authorization: "Bearer wrong-token" },
    { authorization: `Basic ${btoa(`admin:${SECRET}`)}` },
    { cookie: "echelon_session=not-a-session" },
    { cookie: `echelon_session=${"A".repeat(43)}` },
  ];
  for (const headers of cases) {
    const res = await t.request("/api/bots/excluded", { headers });
    assert.equal(res.status, 401, JSON.stringify(headers));
    assert.equal(res.headers.get("www-authenticate"), 'Bearer realm="echelon"');
    const body = await res.json();
    assert.equal(body.error, "unauthorized");
    assert.match(body.message, /^Authentication required/);
  }
  assert.deepEqual(await status(await exclude(t, "v-anon", { origin: TEST_ORIGIN })), {
    status: 401,
    error: "unauthorized",
  });
  assert.deepEqual(excluded(t), []);
  const health = await t.request("/api/health");
  assert.equal(health.status, 200);
  await health.body?.cancel();
});

Deno.test("api: the bearer token reads and writes with no Origin check", async () => {
  const t = await createTestApp(ENV);
  const read = await t.request("/api/bots/excluded", { headers: BEARER });
  assert.equal(read.status, 200);
  await read.body?.cancel();
  assert.equal((await exclude(t, "v-script", BEARER)).status, 201, "no Origin at all");
  const foreign = await exclude(t, "v-foreign", { ...BEARER, origin: "https://evil.example" });
  assert.equal(foreign.status, 201, "a header token cannot be forged cross-site");
  assert.deepEqual(excluded(t), ["v-foreign", "v-script"]);
});

Deno.test("api: a session cookie reads; its writes need a same-origin Origin or Referer", async () => {
  const t = await createTestApp(ENV);
  const cookie = await loginCookie(t);
  const read = await t.request("/api/bots/excluded", {
    headers: { cookie, origin: "https://evil.example" },
  });
  assert.equal(read.status, 200, "reads are not CSRF-checked");
  await read.body?.cancel();

  const refused: Record<string, string>[] = [
    { origin: "https://evil.example" },
    { origin: "http://echelon.test.evil.example" },
    { origin: "http://echelon.test:8080" },
    { origin: "null" },
    { referer: "https://evil.example/admin" },
    {},
  ];
  for (const headers of refused) {
    assert.deepEqual(
      await status(await exclude(t, "v-csrf", { cookie, ...headers })),
      { status: 403, error: "csrf" },
      JSON.stringify(headers),
    );
  }
  assert.deepEqual(excluded(t), [], "nothing stored by refused requests");

  assert.equal((await exclude(t, "v-origin", { cookie, origin: TEST_ORIGIN })).status, 201);
  assert.equal(
    (await exclude(t, "v-referer", { cookie, referer: `${TEST_ORIGIN}/admin/bots` })).status,
    201,
  );
  assert.deepEqual(excluded(t), ["v-origin", "v-referer"]);

  const foreignDelete = await t.request("/api/bots/exclude/v-origin", {
    method: "DELETE",
    headers: { cookie, origin: "https://evil.example" },
  });
  assert.equal(foreignDelete.status, 403);
  await foreignDelete.body?.cancel();
  assert.deepEqual(excluded(t), ["v-origin", "v-referer"]);
  const sameDelete = await t.request("/api/bots/exclude/v-origin", {
    method: "DELETE",
    headers: { cookie, origin: TEST_ORIGIN },
  });
  assert.equal(sameDelete.status, 200);
  await sameDelete.body?.cancel();
  assert.deepEqual(excluded(t), ["v-referer"]);
});

Deno.test("api: behind a trusted proxy the forwarded host is this server's origin too", async () => {
  const proxied = await createTestApp({ ...ENV, ECHELON_TRUST_PROXY: "true" });
  const cookie = await loginCookie(proxied);
  const headers = {
    cookie,
    origin: "https://stats.example.com",
    "x-forwarded-host": "stats.example.com",
    "x-forwarded-proto": "https",
  };
  assert.equal((await exclude(proxied, "v-proxied", headers, "10.0.0.1")).status, 201);
  const bypass = await exclude(proxied, "v-bypass", headers, "203.0.113.50");
  assert.equal(bypass.status, 403, "forwarded headers count only from a trusted proxy");
  await bypass.body?.cancel();
  assert.deepEqual(excluded(proxied), ["v-proxied"]);

  const direct = await createTestApp(ENV);
  const directCookie = await loginCookie(direct);
  const res = await exclude(direct, "v-proxied", { ...headers, cookie: directCookie });
  assert.equal(res.status, 403, "forwarded headers are ignored without ECHELON_TRUST_PROXY");
  await res.body?.cancel();
});

Deno.test("api: an ended session no longer authenticates API calls", async () => {
  const t = await createTestApp(ENV);
  const cookie = await loginCookie(t);
  t.clock.now += 31 * 60_000;
  const res = await t.request("/api/bots/excluded", { headers: { cookie } });
  assert.equal(res.status, 401);
  await res.body?.cancel();
});

Deno.test("public mode: pages and API reads need no login; every write is 403 read_only", async () => {
  const t = await createTestApp({ ...ENV, ECHELON_PUBLIC_MODE: "true" });
  const admin = await t.request("/admin");
  assert.equal(admin.status, 200);
  await admin.body?.cancel();
  const login = await t.request("/admin/login");
  assert.equal(login.status, 303, "there is nothing to sign in to");
  assert.equal(login.headers.get("location"), "/admin");
  const read = await t.request("/api/bots/report");
  assert.equal(read.status, 200);
  await read.body?.cancel();

  const writes: [string, RequestInit][] = [
    ["/api/bots/exclude", {
      method: "POST",
      headers: { ...BEARER, "content-type": "application/json" },
      body: '{"visitor_id":"v-public"}',
    }],
    ["/api/bots/exclude/v-public", { method: "DELETE", headers: BEARER }],
    ["/api/ingest", { method: "POST", headers: BEARER, body: "{}" }],
    ["/api/telemetry", { method: "POST", body: '{"optin":true}' }],
    ["/api/anything", { method: "PATCH", headers: { origin: TEST_ORIGIN } }],
    ["/admin/logout", { method: "POST", headers: { origin: TEST_ORIGIN } }],
    ["/admin/login", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "username=admin&password=test-password",
    }],
    ["/admin/settings", { method: "PUT" }],
  ];
  for (const [path, init] of writes) {
    const res = await t.request(path, init);
    assert.deepEqual(
      await status(res),
      { status: 403, error: "read_only" },
      `${init.method} ${path}`,
    );
  }
  assert.deepEqual(excluded(t), []);
  assert.equal(t.services.db.get<{ n: number }>("SELECT COUNT(*) AS n FROM admin_sessions")!.n, 0);

  const lines: string[] = [];
  const log = { ...createLogger({ quiet: true }), warn: (m: string) => lines.push(m) };
  assert.equal(await ensureGeneratedPassword({ ...t.services, log }, { iterations: 1000 }), null);
  assert.deepEqual(lines, [], "no password is generated for a public instance");
});

async function stateSeenByPages(
  t: TestApp,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; state: Pick<State, "username" | "publicMode"> | null }> {
  let seen: Pick<State, "username" | "publicMode"> | null = null;
  const req = new Request(new URL(path, TEST_ORIGIN), { headers });
  const ctx = {
    req,
    url: new URL(req.url),
    params: {},
    state: initialState(t.services),
    route: path,
    remoteAddr: "203.0.113.7",
    next: () => {
      seen = { username: ctx.state.username, publicMode: ctx.state.publicMode };
      return Promise.resolve(new Response("page"));
    },
  };
  const res = await adminMiddleware(ctx);
  await res.body?.cancel();
  return { status: res.status, state: seen };
}

Deno.test("admin middleware: pages get the signed-in username and the publicMode flag", async () => {
  const t = await createTestApp(ENV);
  const cookie = await loginCookie(t);
  assert.deepEqual(await stateSeenByPages(t, "/admin/bots", { cookie }), {
    status: 200,
    state: { username: "admin", publicMode: false },
  });
  assert.deepEqual(await stateSeenByPages(t, "/admin/bots"), { status: 303, state: null });
  assert.deepEqual(await stateSeenByPages(t, "/admin/login"), {
    status: 200,
    state: { username: null, publicMode: false },
  });

  const publicApp = await createTestApp({ ECHELON_PUBLIC_MODE: "true" });
  assert.deepEqual(await stateSeenByPages(publicApp, "/admin/bots"), {
    status: 200,
    state: { username: null, publicMode: true },
  });
});
