// Who counts as one client for the login limit, the tracking rate limit and visitor ids, through
// the in-process app (issue 13 item 5): the rightmost X-Forwarded-For address that is not a
// trusted proxy, Cloudflare's header only from a trusted peer, IPv6 clients by their /64, and
// login counters that a flood of other keys cannot evict.
import assert from "node:assert/strict";
import { AUTH_ENV, TEST_USERNAME } from "./_auth.ts";
import { beaconUrl, hit, views } from "./_collect.ts";
import { createTestApp, TEST_ORIGIN, type TestApp } from "./_helpers.ts";
import { LOGIN_FAILURE_LIMIT } from "../lib/auth/login_limit.ts";

const DEBUG = { ECHELON_DEBUG: "true" };

/** One wrong-password sign-in; answers the status (401 checked, 429 refused). */
async function failLogin(t: TestApp, ip: string, headers: Record<string, string> = {}) {
  const res = await t.request("/admin/login", {
    method: "POST",
    ip,
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      origin: TEST_ORIGIN,
      ...headers,
    },
    body: new URLSearchParams({ username: TEST_USERNAME, password: "wrong" }),
  });
  await res.body?.cancel();
  return res.status;
}

Deno.test("login limit: addresses inside one IPv6 /64 share one count", async () => {
  const t = await createTestApp(AUTH_ENV);
  const statuses = [];
  for (let i = 1; i <= LOGIN_FAILURE_LIMIT + 3; i++) {
    statuses.push(await failLogin(t, `2001:db8:77:1:${i.toString(16)}::${i}`));
  }
  assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429, 429, 429]);
  assert.equal(await failLogin(t, "2001:db8:77:2::1"), 401, "the next /64 is another client");
  assert.equal(await failLogin(t, "::ffff:198.51.100.7"), 401);
});

Deno.test("login limit: a flood of tracking keys does not evict the login counters", async () => {
  const t = await createTestApp(AUTH_ENV);
  for (let i = 0; i < LOGIN_FAILURE_LIMIT; i++) await failLogin(t, "198.51.100.20");
  // What a botnet's hits leave in the shared ephemeral store: one rate-limit counter per address
  // (more than the store holds, so it has to evict).
  const { ephemeral, now } = t.services;
  for (let i = 0; i < 250_000; i++) {
    ephemeral.increment(`rl:10.${i >> 16}.${i >> 8 & 255}.${i & 255}`, 60_000, now());
  }
  assert.equal(await failLogin(t, "198.51.100.20"), 429);
});

Deno.test("b.gif: addresses inside one IPv6 /64 share the rate limit, not the visitor id", async () => {
  const t = await createTestApp({ ...DEBUG, ECHELON_RATE_LIMIT_MAX: "3" });
  const drops = [];
  for (let i = 1; i <= 5; i++) {
    drops.push((await hit(t, beaconUrl({}), {}, `2001:db8:5:6::${i}`)).drop);
  }
  assert.deepEqual(drops, [null, null, null, "rate_limited", "rate_limited"]);
  assert.equal((await hit(t, beaconUrl({}), {}, "2001:db8:5:7::1")).drop, null);
  const ids = new Set((await views(t)).map((row) => row.visitor_id));
  assert.equal(ids.size, 4, "visitor ids still use the full address");
});

Deno.test("b.gif: behind a trusted proxy the forged left of X-Forwarded-For is ignored", async () => {
  const t = await createTestApp({
    ...DEBUG,
    ECHELON_RATE_LIMIT_MAX: "3",
    ECHELON_TRUST_PROXY: "true",
  });
  const drops = [];
  for (let i = 1; i <= 5; i++) {
    // What nginx's $proxy_add_x_forwarded_for passes on: the client's header, then its address.
    const forwarded = { "x-forwarded-for": `192.0.2.${i}, 198.51.100.9` };
    drops.push((await hit(t, beaconUrl({}), forwarded, "10.0.0.1")).drop);
  }
  assert.deepEqual(drops, [null, null, null, "rate_limited", "rate_limited"]);
  const other = await hit(t, beaconUrl({}), { "x-forwarded-for": "198.51.100.10" }, "10.0.0.1");
  assert.equal(other.drop, null, "another client behind the same proxy has its own limit");
  const ids = (await views(t)).map((row) => row.visitor_id);
  assert.equal(new Set(ids.slice(0, 3)).size, 1, "one client, one visitor id");
  assert.notEqual(ids[3], ids[0]);

  // A client that reaches the app directly is not a proxy: its header counts for nothing.
  const direct = [];
  for (let i = 1; i <= 4; i++) {
    const forwarded = { "x-forwarded-for": `192.0.2.${i}` };
    direct.push((await hit(t, beaconUrl({}), forwarded, "203.0.113.60")).drop);
  }
  assert.deepEqual(direct, [null, null, null, "rate_limited"]);
});

Deno.test("login limit: CF-Connecting-IP counts only from a trusted proxy", async () => {
  const t = await createTestApp({
    ...AUTH_ENV,
    ECHELON_BEHIND_CLOUDFLARE: "true",
    ECHELON_TRUST_PROXY: "10.0.0.0/8",
  });
  const direct = [];
  for (let i = 1; i <= LOGIN_FAILURE_LIMIT + 1; i++) {
    direct.push(await failLogin(t, "203.0.113.70", { "cf-connecting-ip": `192.0.2.${i}` }));
  }
  assert.equal(direct.at(-1), 429, "a forged CF-Connecting-IP from the internet is ignored");
  const viaProxy = [];
  for (let i = 1; i <= LOGIN_FAILURE_LIMIT + 1; i++) {
    viaProxy.push(await failLogin(t, "10.0.0.2", { "cf-connecting-ip": `192.0.2.${i}` }));
  }
  assert.deepEqual(
    viaProxy,
    Array(LOGIN_FAILURE_LIMIT + 1).fill(401),
    "real clients via the proxy",
  );
});
