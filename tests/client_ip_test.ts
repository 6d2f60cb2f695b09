// The trust rule (lib/proxy_trust.ts, lib/ingest/client_ip.ts): ECHELON_TRUST_PROXY's forms, the
// rightmost address that is not a trusted proxy, hop counts, IPv6 and IPv4-mapped addresses,
// garbage in the header; the /64 client key; and the login limiter's own fail-closed store.
import assert from "node:assert/strict";
import proxyaddr from "proxy-addr";
import { clientIp, clientKey, isIpAddress, isTrustedProxy } from "../lib/ingest/client_ip.ts";
import { LOGIN_FAILURE_WINDOW_MS, LoginLimiter } from "../lib/auth/login_limit.ts";
import { MemoryEphemeralStore } from "../lib/ephemeral.ts";
import { parseProxyTrust } from "../lib/proxy_trust.ts";

const trustOf = (raw: string, behindCloudflare = false) => ({
  trustProxy: parseProxyTrust(raw),
  behindCloudflare,
});
const xff = (value: string) => new Headers({ "x-forwarded-for": value });

Deno.test("client ip: the rightmost X-Forwarded-For address that is not a trusted proxy", () => {
  const cases: [trust: string, peer: string, header: string, client: string][] = [
    // No trust: the peer, whatever the header says.
    ["false", "127.0.0.1", "198.51.100.1", "127.0.0.1"],
    ["0", "10.0.0.1", "198.51.100.1", "10.0.0.1"],
    // true = loopback, link-local and private ranges.
    ["true", "127.0.0.1", "192.0.2.66, 198.51.100.1", "198.51.100.1"],
    ["true", "127.0.0.1", "192.0.2.66, 198.51.100.1, 10.1.2.3", "198.51.100.1"],
    ["true", "192.168.1.1", "198.51.100.1", "198.51.100.1"],
    ["true", "169.254.0.9", "198.51.100.1", "198.51.100.1"],
    ["true", "203.0.113.9", "198.51.100.1", "203.0.113.9"],
    ["true", "127.0.0.1", "10.0.0.7, 192.168.0.1", "10.0.0.7"],
    ["true", "127.0.0.1", "", "127.0.0.1"],
    // CIDRs, single addresses and keywords.
    ["192.0.2.0/24", "192.0.2.200", "198.51.100.1", "198.51.100.1"],
    ["192.0.2.0/24", "127.0.0.1", "198.51.100.1", "127.0.0.1"],
    [
      "192.0.2.0/24, 203.0.113.5",
      "192.0.2.1",
      "6.6.6.6, 198.51.100.1, 203.0.113.5",
      "198.51.100.1",
    ],
    ["loopback, 10.0.0.0/255.0.0.0", "::1", "6.6.6.6, 198.51.100.1, 10.9.9.9", "198.51.100.1"],
    // Hop counts: trust exactly n hops whatever their address.
    ["1", "203.0.113.1", "6.6.6.6, 198.51.100.1", "198.51.100.1"],
    ["2", "203.0.113.1", "6.6.6.6, 198.51.100.1", "6.6.6.6"],
    ["5", "203.0.113.1", "6.6.6.6, 198.51.100.1", "6.6.6.6"],
    // IPv6 and IPv4-mapped IPv6.
    ["::1, fd00::/8", "::1", "2001:db8::66, 2001:db8::1, fd00::2", "2001:db8::1"],
    ["true", "fe80::1", "2001:db8::1", "2001:db8::1"],
    ["127.0.0.0/8", "::ffff:127.0.0.1", "198.51.100.1", "198.51.100.1"],
    ["true", "127.0.0.1", "::ffff:198.51.100.1", "::ffff:198.51.100.1"],
    // Garbage a trusted proxy passed on: the nearest real address stands for the client.
    ["true", "127.0.0.1", "198.51.100.1, garbage", "127.0.0.1"],
    ["true", "127.0.0.1", "unknown, 10.0.0.1", "10.0.0.1"],
    ["true", "127.0.0.1", "198.51.100.1:4711", "127.0.0.1"],
    ["true", "127.0.0.1", "0x7f000001", "127.0.0.1"],
    ["true", "127.0.0.1", "2130706433", "127.0.0.1"],
    ["true", "127.0.0.1", " , ,198.51.100.1 ,", "198.51.100.1"],
    ["true", "127.0.0.1", `${"1".repeat(100)}`, "127.0.0.1"],
    ["2", "203.0.113.1", "<script>, 198.51.100.1", "198.51.100.1"],
  ];
  for (const [trust, peer, header, client] of cases) {
    assert.equal(clientIp(xff(header), peer, trustOf(trust)), client, `${trust} ${peer} ${header}`);
  }
  assert.equal(clientIp(new Headers(), "", trustOf("false")), "unknown");
});

Deno.test("client ip: a header of one entry reads as proxy-addr's chain reads it", () => {
  // clientIp answers a comma-free header without building the chain; this is the chain's answer
  // (lib/ingest/client_ip.ts before that shortcut) for the same values, spaces and garbage included.
  const viaChain = (peer: string, header: string) => {
    const value = xff(header).get("x-forwarded-for"); // as clientIp reads it: Headers trims tabs
    const chain = proxyaddr.all(
      { headers: { "x-forwarded-for": value }, socket: { remoteAddress: peer } } as never,
      () => true,
    );
    for (let i = chain.length - 1; i > 0; i--) if (isIpAddress(chain[i])) return chain[i];
    return peer;
  };
  const headers = [
    "198.51.100.1",
    "  198.51.100.1  ",
    " 198.51.100.1",
    "\t198.51.100.1",
    "198.51.100.1\t",
    "198.51.100.1 198.51.100.2",
    "   ",
    "unknown",
    "198.51.100.1:8080",
    "2001:db8::1",
    " ::ffff:198.51.100.7 ",
    "[2001:db8::1]",
    "0x7f.1",
    "2130706433",
    "1.2.3.4.5",
    "x".repeat(60),
  ];
  const trust = trustOf("loopback");
  for (const header of headers) {
    assert.equal(
      clientIp(xff(header), "127.0.0.1", trust),
      viaChain("127.0.0.1", header),
      JSON.stringify(header),
    );
  }
});

Deno.test("client ip: X-Real-IP is never read; CF-Connecting-IP only from a trusted peer", () => {
  const real = new Headers({ "x-real-ip": "198.51.100.1" });
  assert.equal(clientIp(real, "127.0.0.1", trustOf("true")), "127.0.0.1");
  const cf = new Headers({ "cf-connecting-ip": "198.51.100.2", "x-forwarded-for": "192.0.2.1" });
  assert.equal(clientIp(cf, "127.0.0.1", trustOf("true", true)), "198.51.100.2");
  assert.equal(clientIp(cf, "203.0.113.5", trustOf("true", true)), "203.0.113.5");
  assert.equal(clientIp(cf, "127.0.0.1", trustOf("true")), "192.0.2.1", "not behind Cloudflare");
  const bad = new Headers({ "cf-connecting-ip": "not-an-ip", "x-forwarded-for": "192.0.2.1" });
  assert.equal(clientIp(bad, "127.0.0.1", trustOf("true", true)), "192.0.2.1");
});

Deno.test("client ip: isTrustedProxy answers for the connection's peer", () => {
  assert.equal(isTrustedProxy("127.0.0.1", trustOf("true")), true);
  assert.equal(isTrustedProxy("10.20.30.40", trustOf("true")), true);
  assert.equal(isTrustedProxy("fd12::1", trustOf("true")), true);
  assert.equal(isTrustedProxy("203.0.113.1", trustOf("true")), false);
  assert.equal(isTrustedProxy("127.0.0.1", trustOf("false")), false);
  assert.equal(isTrustedProxy("203.0.113.1", trustOf("1")), true, "a hop count trusts any peer");
  assert.equal(isTrustedProxy("garbage", trustOf("true")), false);
  assert.equal(isTrustedProxy("", trustOf("true")), false);
});

Deno.test("client ip: ECHELON_TRUST_PROXY forms and refusals", () => {
  assert.equal(parseProxyTrust(undefined), null);
  for (const off of ["", "false", "FALSE", "off", "no", "0"]) {
    assert.equal(parseProxyTrust(off), null);
  }
  for (const on of ["true", "TRUE", "yes", "on"]) {
    assert.equal(parseProxyTrust(on)?.description, "loopback, linklocal, uniquelocal");
  }
  assert.equal(parseProxyTrust("3")?.description, "3 hops");
  assert.equal(parseProxyTrust(" 10.0.0.0/8 , ::1 ")?.description, "10.0.0.0/8, ::1");
  for (const bad of ["maybe", "10.0.0.0/33", "300.1.1.1", "nginx", "10.0.0.1,,x", "33", "-1"]) {
    assert.throws(() => parseProxyTrust(bad), /not true\/false|hop count/, bad);
  }
});

Deno.test("client key: IPv4 as is, IPv6 by its /64, IPv4-mapped as IPv4", () => {
  assert.equal(clientKey("198.51.100.7"), "198.51.100.7");
  assert.equal(clientKey("::ffff:198.51.100.7"), "198.51.100.7");
  assert.equal(clientKey("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), "2001:db8:1:2::/64");
  assert.equal(clientKey("2001:db8:1:2::1"), clientKey("2001:DB8:1:2:ffff::9"));
  assert.notEqual(clientKey("2001:db8:1:2::1"), clientKey("2001:db8:1:3::1"));
  assert.equal(clientKey("2001:db8::1"), "2001:db8:0:0::/64");
  assert.equal(clientKey("::1"), "0:0:0:0::/64");
  assert.equal(clientKey("unknown"), "unknown");
  assert.equal(clientKey("not:an:address"), "not:an:address");
});

Deno.test("ephemeral store: a refusing store keeps live keys and fails new ones closed", () => {
  const store = new MemoryEphemeralStore({ maxEntries: 3, whenFull: "refuse" });
  for (const key of ["a", "b", "c"]) assert.equal(store.increment(key, 1000, 0), 1);
  assert.equal(store.increment("d", 1000, 10), Number.POSITIVE_INFINITY);
  assert.equal(store.claim("e", "x", 1000, 10), "", "a claim it cannot hold counts as taken");
  assert.equal(store.increment("a", 1000, 10), 2, "live keys keep counting");
  assert.equal(store.ttl("a", 10), 990);
  assert.equal(store.ttl("d", 10), 0);
  assert.equal(store.increment("d", 1000, 1000), 1, "room again once the window ends");

  const evicting = new MemoryEphemeralStore({ maxEntries: 4 });
  for (const key of ["a", "b", "c", "d"]) evicting.increment(key, 1000, 0);
  assert.equal(evicting.increment("e", 1000, 0), 1, "the default evicts the oldest");
  assert.equal(evicting.count("a", 0), 0);
});

Deno.test("login limiter: full of live counters, a new client waits a whole window", () => {
  const limiter = new LoginLimiter(new MemoryEphemeralStore({ maxEntries: 2, whenFull: "refuse" }));
  assert.deepEqual(limiter.begin("198.51.100.1", 0), { allowed: true });
  assert.deepEqual(limiter.begin("198.51.100.2", 0), { allowed: true });
  assert.deepEqual(limiter.begin("198.51.100.3", 1000), {
    allowed: false,
    retryAfterSeconds: LOGIN_FAILURE_WINDOW_MS / 1000,
  });
  for (let i = 0; i < 4; i++) limiter.begin("198.51.100.1", 2000);
  assert.deepEqual(limiter.begin("198.51.100.1", 60_000), {
    allowed: false,
    retryAfterSeconds: (LOGIN_FAILURE_WINDOW_MS - 60_000) / 1000,
  });
  limiter.clear("198.51.100.2");
  assert.deepEqual(
    limiter.begin("198.51.100.3", 60_000),
    { allowed: true },
    "a success frees room",
  );
  assert.deepEqual(limiter.begin("198.51.100.4", LOGIN_FAILURE_WINDOW_MS), { allowed: true });
});
