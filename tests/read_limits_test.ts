// Who reads as whom (lib/reads/caller.ts) and the per-client limit on heavy reads for anonymous
// callers (lib/reads/mod.ts), through the in-process app: in public mode an anonymous client
// gets ECHELON_PUBLIC_READ_RATE heavy reads a minute and then a 429 JSON error with Retry-After,
// while its light reads, other clients, the bearer token and API keys go on; a request whose
// client already left runs no read.
import assert from "node:assert/strict";
import { createApiKey } from "../lib/auth/api_keys.ts";
import { readCaller } from "../lib/reads/caller.ts";
import { initialState } from "../lib/state.ts";
import { createTestApp } from "./_helpers.ts";
import { AUTH, insertFixture, SECRET } from "./_stats_fixture.ts";

const HEAVY = "/api/stats/overview?site_id=shop&days=7&path=/pricing";
const LIGHT = "/api/stats/overview?site_id=shop&days=7";

Deno.test("read limits: anonymous heavy reads are limited per client; authenticated ones are not", async () => {
  const t = await createTestApp({
    ECHELON_PUBLIC_MODE: "true",
    ECHELON_SECRET: SECRET,
    ECHELON_PUBLIC_READ_RATE: "3",
  });
  insertFixture(t);
  const created = await createApiKey(t.services, { name: "reader", scope: "read" });
  assert.equal(created.kind, "created");
  const key = { authorization: `Bearer ${created.kind === "created" ? created.key : ""}` };

  for (let i = 0; i < 3; i++) {
    const res = await t.request(HEAVY);
    assert.equal(res.status, 200, await res.text());
  }
  const limited = await t.request(HEAVY);
  assert.equal(limited.status, 429);
  assert.equal(limited.headers.get("retry-after"), "60");
  const body = await limited.json();
  assert.equal(body.error, "rate_limited");
  assert.match(body.message, /At most 3 expensive reads/);
  // The CSV export of a filtered overview is the same heavy read.
  const csv = await t.request(`/api/export/overview.csv?site_id=shop&days=7&path=/pricing`);
  assert.equal(csv.status, 429);
  await csv.body?.cancel();

  const light = await t.request(LIGHT);
  assert.equal(light.status, 200, "light reads are not limited");
  assert.ok((await light.json()).pageviews > 0);
  const other = await t.request(HEAVY, { ip: "198.51.100.9" });
  assert.equal(other.status, 200, "another client has its own allowance");
  await other.body?.cancel();
  for (let i = 0; i < 5; i++) {
    for (const headers of [AUTH, key]) {
      const res = await t.request(HEAVY, { headers });
      assert.equal(res.status, 200, "the bearer token and API keys are not rate-limited");
      assert.equal((await res.json()).pageviews, 4, "/pricing: 4 views in the fixture");
    }
  }
});

Deno.test("read limits: 0 keeps heavy reads for callers with credentials", async () => {
  const t = await createTestApp({
    ECHELON_PUBLIC_MODE: "true",
    ECHELON_SECRET: SECRET,
    ECHELON_PUBLIC_READ_RATE: "0",
  });
  const res = await t.request(HEAVY);
  assert.equal(res.status, 429);
  assert.match((await res.json()).message, /need an API key/);
  assert.equal((await t.request(HEAVY, { headers: AUTH })).status, 200);
  // A public page whose read is refused says why, with the same status.
  const page = await t.request("/admin/views?period=7d", { headers: { accept: "text/html" } });
  assert.equal(page.status, 429);
  assert.equal(page.headers.get("retry-after"), "60");
  assert.match(await page.text(), /need an API key/);
});

Deno.test("read limits: a request whose client already left runs no read", async () => {
  const t = await createTestApp({ ECHELON_PUBLIC_MODE: "true" });
  const gone = new AbortController();
  gone.abort();
  const res = await t.request(LIGHT, { signal: gone.signal });
  assert.equal(res.status, 499);
  assert.equal((await res.json()).error, "client_closed");
});

Deno.test("read limits: who a request reads as", async () => {
  const t = await createTestApp({ ECHELON_PUBLIC_MODE: "true", ECHELON_SECRET: SECRET });
  const created = await createApiKey(t.services, { name: "reader", scope: "read" });
  assert.equal(created.kind, "created");
  const key = created.kind === "created" ? created : null;
  // The state as the middleware leaves it: public mode's view for requests without credentials.
  const ctx = (
    view: { publicMode: boolean; username?: string; apiKeyId?: number },
    headers: HeadersInit = {},
    remoteAddr = "203.0.113.7",
  ) =>
    ({
      req: new Request("http://echelon.test/api/stats/overview", { headers }),
      remoteAddr,
      state: { ...initialState(t.services), username: null, ...view },
    }) as never;
  const anonymous = { publicMode: true };
  const signedIn = { publicMode: false };
  assert.deepEqual(readCaller(ctx(anonymous)), { key: "ip:203.0.113.7", anonymous: true });
  assert.deepEqual(
    readCaller(ctx(anonymous, {}, "2001:db8:1:2:3:4:5:6")),
    { key: "ip:2001:db8:1:2::/64", anonymous: true },
    "an IPv6 client is its /64",
  );
  assert.equal(readCaller(ctx(anonymous, AUTH)).anonymous, true, "the view decides");
  assert.deepEqual(readCaller(ctx(signedIn, AUTH)), { key: "bearer", anonymous: false });
  // The API middleware verified the key and named it in the state.
  const withKey = { publicMode: false, apiKeyId: key?.info.id };
  assert.deepEqual(readCaller(ctx(withKey, { authorization: `Bearer ${key?.key}` })), {
    key: `key:${key?.info.id}`,
    anonymous: false,
  });
  assert.deepEqual(readCaller(ctx({ publicMode: false, username: "admin" })), {
    key: "user:admin",
    anonymous: false,
  });
  assert.deepEqual(readCaller(ctx(signedIn)), { key: "authenticated", anonymous: false });
});
