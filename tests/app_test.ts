// The real app in-process: routes, pages, static files and headers.
import assert from "node:assert/strict";
import { createTestApp, TEST_SECRET } from "./_helpers.ts";
import { AUTH_ENV, loginCookie } from "./_auth.ts";

Deno.test("app: GET /api/health answers ok with the version", async () => {
  const t = await createTestApp();
  const res = await t.request("/api/health");
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.deepEqual(
    { status: body.status, service: body.service, version: body.version, database: body.database },
    { status: "ok", service: "Echelon Analytics", version: "test", database: "ok" },
  );
  assert.deepEqual(Object.keys(body.writers), ["views", "events"]);
  assert.equal(body.writers.views.backlog, 0);
  assert.equal(res.headers.get("cache-control"), "no-store");
  assert.equal(res.headers.get("x-content-type-options"), "nosniff");
});

Deno.test("app: health reports a closed database as degraded (503)", async () => {
  const t = await createTestApp();
  t.services.db.close();
  const res = await t.request("/api/health");
  assert.equal(res.status, 503);
  assert.equal((await res.json()).database, "unreachable");
});

Deno.test("app: / redirects to /admin with 303", async () => {
  const t = await createTestApp();
  const res = await t.request("/");
  assert.equal(res.status, 303);
  assert.equal(res.headers.get("location"), "/admin");
});

Deno.test("app: HTML pages carry a strict CSP and reference built, hashed assets", async () => {
  const t = await createTestApp(AUTH_ENV);
  const res = await t.request("/admin", { headers: { cookie: await loginCookie(t) } });
  assert.equal(res.status, 200);
  const csp = res.headers.get("content-security-policy") ?? "";
  assert.match(csp, /script-src 'self'(;|$)/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.doesNotMatch(csp, /unsafe-inline/);
  assert.equal(res.headers.get("x-frame-options"), "DENY");
  const html = await res.text();
  assert.doesNotMatch(html, /<script>(?!<\/script>)/, "no inline script bodies");
  const script = html.match(/<script type="module" src="(\/assets\/main-[\w-]+\.js)"/)?.[1];
  const style = html.match(/<link rel="stylesheet" href="(\/assets\/main-[\w-]+\.css)"/)?.[1];
  assert.ok(script && style, "the page links the Vite bundle");
  assert.match(html, /data-island="ThemeToggle"/);

  const asset = await t.request(script!);
  assert.equal(asset.status, 200);
  assert.equal(asset.headers.get("cache-control"), "public, max-age=31536000, immutable");
  assert.match(asset.headers.get("content-type") ?? "", /^text\/javascript/);
  await asset.body?.cancel();
});

Deno.test("app: static files have a short cache, ETag revalidation and gzip", async () => {
  const t = await createTestApp();
  const res = await t.request("/theme.js", { headers: { "accept-encoding": "gzip" } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("cache-control"), "public, max-age=3600, must-revalidate");
  assert.equal(res.headers.get("x-content-type-options"), "nosniff");
  const etag = res.headers.get("etag");
  assert.ok(etag);
  await res.body?.cancel();
  const again = await t.request("/theme.js", { headers: { "if-none-match": etag! } });
  assert.equal(again.status, 304);

  const css = await t.request("/favicon.svg");
  assert.equal(css.headers.get("content-type"), "image/svg+xml");
  await css.body?.cancel();
});

Deno.test("app: unknown pages get the styled 404 page, unknown API paths JSON", async () => {
  const t = await createTestApp();
  const page = await t.request("/no/such/page", { headers: { accept: "text/html" } });
  assert.equal(page.status, 404);
  const html = await page.text();
  assert.match(html, /This page does not exist/);
  assert.match(html, /\/no\/such\/page/);
  assert.match(page.headers.get("content-security-policy") ?? "", /default-src 'self'/);

  const anonymous = await t.request("/api/no-such-thing");
  assert.equal(anonymous.status, 401, "unknown API paths do not reveal themselves to strangers");
  await anonymous.body?.cancel();
  const authed = await createTestApp({ ECHELON_SECRET: TEST_SECRET });
  const api = await authed.request("/api/no-such-thing", {
    headers: { authorization: `Bearer ${TEST_SECRET}` },
  });
  assert.equal(api.status, 404);
  assert.equal((await api.json()).error, "not_found");
});

Deno.test("app: the secret is generated once and kept in the database", async () => {
  const dir = await Deno.makeTempDir();
  const env = { ECHELON_DB_PATH: `${dir}/s.db` };
  const first = await createTestApp(env);
  const key = first.services.masterSecret;
  assert.equal(key.length, 32);
  first.services.db.close();
  const second = await createTestApp(env);
  assert.deepEqual(second.services.masterSecret, key, "a restart keeps the same secret");
  second.services.db.close();
  const explicit = await createTestApp({ ...env, ECHELON_SECRET: TEST_SECRET });
  assert.equal(explicit.services.masterSecret.length, 32, "ECHELON_SECRET, stretched");
  assert.notDeepEqual(explicit.services.masterSecret, key, "an explicit secret wins");
  explicit.services.db.close();
  await Deno.remove(dir, { recursive: true });
});
