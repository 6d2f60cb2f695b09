// The optional JA4 signal (issue 14 item 7): read only from ECHELON_TLS_FINGERPRINT_HEADER on a
// request from a trusted proxy; a handshake no browser makes, or one that contradicts the claimed
// browser, is stored as `tls_fingerprint` (+25); a browser's handshake and non-JA4 junk add nothing.
import assert from "node:assert/strict";
import { judgeJa4, parseJa4 } from "../lib/bots/tls_fingerprint.ts";
import { loadConfig } from "../lib/config.ts";
import type { ParsedUserAgent } from "../lib/ingest/user_agent.ts";
import { BROWSER_HEADERS, CHROME_UA, hit, verifiedBeaconUrl, views } from "./_collect.ts";
import { createTestApp } from "./_helpers.ts";

/** Chrome 143's JA4 (Android; the JA4 cipher hash is the same on every desktop OS). */
const CHROME = "t13d1516h2_8daaf6152771_d8a2da3f94cd";
const FIREFOX = "t13d1715h2_5b57614c22b0_3d5424432f57";
const SAFARI = "t13d2014h2_a09f3c656075_14788d8d241b";

const ua = (browser: string, os = "Windows"): ParsedUserAgent => ({
  browser,
  browserVersion: "131.0",
  os,
  osVersion: null,
  deviceType: "desktop",
});

Deno.test("parseJa4: the summary fields; anything else is not a JA4", () => {
  assert.deepEqual(parseJa4(CHROME), {
    protocol: "t",
    version: "13",
    sni: "d",
    ciphers: 15,
    extensions: 16,
    alpn: "h2",
    cipherHash: "8daaf6152771",
  });
  for (
    const bad of ["", "curl/8.5", "t13d1516h2_8daaf6152771", "x13d1516h2_8daaf6152771_d8a2da3f94cd"]
  ) {
    assert.equal(parseJa4(bad), null, bad);
  }
});

// The non-browser rows are shaped like those clients' handshakes (the trait each one shows); the
// hashes that no trait reads are placeholders.
Deno.test("judgeJa4: the documented table", () => {
  const cases: [string, ParsedUserAgent | null, string | null][] = [
    [CHROME, ua("Chrome"), null],
    [CHROME, ua("Edge"), null],
    ["q13d0311h3_55b375c5d22e_cd85d2d88918", ua("Chrome"), null], // Chrome over QUIC
    [FIREFOX, ua("Firefox"), null],
    [SAFARI, ua("Safari", "macOS"), null],
    [SAFARI, ua("Chrome", "iOS"), null], // Chrome on iOS speaks WebKit's TLS
    ["t13i1516h2_8daaf6152771_d8a2da3f94cd", ua("Chrome"), "no_sni"],
    ["t13d1812h1_85036bcba153_375ca2c5e164", ua("Chrome"), "http1_only"], // http/1.1 only, as python requests
    ["t13d1311h1_e8f1e7e78f70_6cd7f5c9f6d7", null, "http1_only"], // as Node undici
    ["t13d1812h1_85036bcba153_375ca2c5e164", ua("Firefox"), "http1_only"],
    ["t13d191000_9dc949149365_e7c285222651", ua("Firefox"), "no_alpn"],
    ["t12d1209h2_d34a8e72043a_b39be8c56a14", ua("Safari", "macOS"), "no_tls13"],
    ["t13d3112h2_e8f1e7e78f70_6bebaf5329ac", ua("Firefox"), "openssl_cipher_list"], // OpenSSL defaults, as curl
    ["t13d1312h2_f57a46bbacb6_e7c285222651", ua("Chrome"), "not_chromium_tls"], // a non-Chromium cipher set (Go)
    ["t13d1312h2_f57a46bbacb6_e7c285222651", ua("Samsung Internet", "Android"), "not_chromium_tls"],
    ["t13d1312h2_f57a46bbacb6_e7c285222651", ua("Firefox"), null], // nothing contradicts it
  ];
  for (const [ja4, claimed, reason] of cases) {
    assert.equal(judgeJa4(ja4, claimed), reason, `${ja4} as ${claimed?.browser}`);
  }
});

Deno.test("tls_fingerprint: stored from a trusted proxy's header only", async () => {
  const t = await createTestApp({
    ECHELON_TRUST_PROXY: "203.0.113.0/24",
    ECHELON_TLS_FINGERPRINT_HEADER: "X-JA4",
    ECHELON_DEBUG: "true",
  });
  const send = async (path: string, ja4: string, ip: string) => {
    const { res, drop } = await hit(
      t,
      verifiedBeaconUrl(t, { p: btoa(path) }),
      { "x-ja4": ja4 },
      ip,
    );
    assert.equal(res.status, 200);
    assert.equal(drop, null);
  };
  assert.equal(BROWSER_HEADERS["user-agent"], CHROME_UA);
  await send("/chrome", CHROME, "203.0.113.7");
  await send("/script", "t13d1812h1_85036bcba153_375ca2c5e164", "203.0.113.7");
  await send("/junk", "not-a-ja4", "203.0.113.7");
  await send("/direct", "t13d1812h1_85036bcba153_375ca2c5e164", "198.51.100.9");
  const rows = Object.fromEntries(
    (await views(t)).map((row) => [row.path, {
      score: row.bot_score as number,
      detail: JSON.parse(String(row.bot_score_detail)),
    }]),
  );
  assert.equal(rows["/chrome"].detail.tls_fingerprint, undefined);
  assert.equal(rows["/script"].detail.tls_fingerprint, 25);
  assert.equal(rows["/script"].score, rows["/chrome"].score + 25);
  assert.equal(rows["/junk"].detail.tls_fingerprint, undefined, "not a JA4: ignored");
  assert.equal(rows["/direct"].detail.tls_fingerprint, undefined, "a client's own header");
});

Deno.test("ECHELON_TLS_FINGERPRINT_HEADER: a header name, and only with a trusted proxy", () => {
  assert.throws(
    () => loadConfig({ ECHELON_TLS_FINGERPRINT_HEADER: "x-ja4" }),
    /ECHELON_TLS_FINGERPRINT_HEADER: needs ECHELON_TRUST_PROXY/,
  );
  assert.throws(
    () => loadConfig({ ECHELON_TLS_FINGERPRINT_HEADER: "x ja4", ECHELON_TRUST_PROXY: "true" }),
    /ECHELON_TLS_FINGERPRINT_HEADER: "x ja4" is not a header name/,
  );
  const config = loadConfig({
    ECHELON_TLS_FINGERPRINT_HEADER: "CF-JA4",
    ECHELON_TRUST_PROXY: "true",
  });
  assert.equal(config.tlsFingerprintHeader, "cf-ja4");
  assert.equal(loadConfig({}).tlsFingerprintHeader, null);
});

Deno.test("ECHELON_HOSTING_ASNS and ECHELON_HOSTING_POW_BITS parse strictly", () => {
  const config = loadConfig({
    ECHELON_HOSTING_ASNS: "AS64500, 64501,-as16509",
    ECHELON_HOSTING_POW_BITS: "0",
  });
  assert.deepEqual(config.hostingAsns, { add: [64500, 64501], remove: [16509] });
  assert.equal(config.hostingPowBits, 0);
  assert.deepEqual(loadConfig({}).hostingAsns, { add: [], remove: [] });
  assert.equal(loadConfig({}).hostingPowBits, 4);
  for (const bad of ["AWS", "AS", "AS0", "AS99999999999", "+AS1"]) {
    assert.throws(
      () => loadConfig({ ECHELON_HOSTING_ASNS: bad }),
      /ECHELON_HOSTING_ASNS: .* is not an AS number/,
      bad,
    );
  }
  assert.throws(() => loadConfig({ ECHELON_HOSTING_POW_BITS: "9" }), /ECHELON_HOSTING_POW_BITS/);
});
