// Tests for lib/ingest/geo.ts: the bundled MMDB (public, private and invalid IPs) and the
// trusted-header rules.

import assert from "node:assert/strict";
import {
  countryFromHeaders,
  GEO_PLACES_KEPT,
  normaliseIp,
  openGeoDatabase,
} from "../lib/ingest/geo.ts";

// One open per file: the MMDB is ~8 MB and opening it is the slow part.
const geo = openGeoDatabase();

Deno.test("openGeoDatabase opens the bundled database", () => {
  assert.equal(geo.available, true);
  assert.equal(geo.error, null);
  // What the boot log and the admin footer say about it: country only, NRO data, CC BY 4.0.
  assert.deepEqual(geo.info?.fields, { region: false, city: false });
  assert.equal(geo.info?.attribution.licence, "CC BY 4.0");
  assert.match(geo.info?.attribution.text ?? "", /NRO data via ip-location-db/);
  assert.equal(geo.info?.attribution.url, "https://www.nro.net");
  assert.equal(geo.info?.builtAt.toISOString().slice(0, 10), "2026-06-17");
  assert.deepEqual(geo.locate("8.8.8.8"), { country: "US", region: null, city: null });
});

Deno.test("country: well-known public addresses, IPv4 and IPv6", () => {
  const cases: [string, string][] = [
    ["8.8.8.8", "US"],
    ["2001:4860:4860::8888", "US"],
    ["::ffff:8.8.8.8", "US"],
    ["::ffff:0808:0808", "US"],
    [" 8.8.8.8 ", "US"],
  ];
  for (const [ip, expected] of cases) assert.equal(geo.country(ip), expected, ip);
  // Cloudflare's anycast resolver: whatever the registry data says, it is a 2-letter code.
  for (const ip of ["1.1.1.1", "2606:4700:4700::1111", "193.0.6.139"]) {
    assert.match(geo.country(ip) ?? "", /^[A-Z]{2}$/, ip);
  }
});

Deno.test("locate remembers places per address, bounded, and answers the same", () => {
  const fresh = openGeoDatabase();
  // More distinct public addresses than are kept, spread over the whole IPv4 space.
  const ips = Array.from({ length: GEO_PLACES_KEPT + 5000 }, (_, i) => {
    const n = (i * 2654435761) >>> 0;
    return `${(n >>> 24) || 1}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
  });
  const first = ips.map((ip) => fresh.locate(ip));
  assert.ok(first.filter((place) => place !== null).length > 10_000, "most are placed");
  const kept = (fresh as unknown as { placesKept: number }).placesKept;
  assert.equal(kept, GEO_PLACES_KEPT, "bounded");
  // Again, last first: remembered places and recomputed ones agree with the first answers.
  for (let i = ips.length - 1; i >= 0; i--) assert.deepEqual(fresh.locate(ips[i]), first[i]);
  // A remembered place is shared, so no caller can change what the next hit is told.
  const place = fresh.locate("8.8.8.8")!;
  assert.throws(() => ((place as { country: string }).country = "XX"), TypeError);
  assert.equal(fresh.country("8.8.8.8"), "US");
});

Deno.test("country: private, reserved and invalid input gives null", () => {
  const inputs = [
    "127.0.0.1",
    "10.0.0.1",
    "172.16.5.4",
    "192.168.1.1",
    "100.64.0.1",
    "169.254.1.1",
    "0.0.0.0",
    "224.0.0.1",
    "255.255.255.255",
    "::1",
    "::",
    "fe80::1",
    "fd00::1",
    "ff02::1",
    "::ffff:10.0.0.1",
    "garbage",
    "",
    "unknown",
    "999.1.1.1",
    "8.8.8.8.8",
    "1".repeat(100),
  ];
  for (const ip of inputs) assert.equal(geo.country(ip), null, JSON.stringify(ip));
});

Deno.test("normaliseIp unwraps IPv4-mapped IPv6", () => {
  assert.equal(normaliseIp("::ffff:1.2.3.4"), "1.2.3.4");
  assert.equal(normaliseIp("::FFFF:0102:0304"), "1.2.3.4");
  assert.equal(normaliseIp("2001:DB8::1"), "2001:db8::1");
});

Deno.test("openGeoDatabase on a missing file is unavailable and answers null", () => {
  const missing = openGeoDatabase("/nonexistent/geo.mmdb");
  assert.equal(missing.available, false);
  assert.match(missing.error ?? "", /cannot open geo database/);
  assert.equal(missing.country("8.8.8.8"), null);
});

Deno.test("openGeoDatabase on a corrupt file is unavailable, not a throw", () => {
  const path = Deno.makeTempFileSync({ suffix: ".mmdb" });
  try {
    Deno.writeTextFileSync(path, "this is not an mmdb file");
    const corrupt = openGeoDatabase(path);
    assert.equal(corrupt.available, false);
    assert.equal(corrupt.country("8.8.8.8"), null);
  } finally {
    Deno.removeSync(path);
  }
});

const BOTH_OFF = { behindCloudflare: false, trustGeoHeaders: false };
const CF_ONLY = { behindCloudflare: true, trustGeoHeaders: false };
const GEO_ONLY = { behindCloudflare: false, trustGeoHeaders: true };
const BOTH_ON = { behindCloudflare: true, trustGeoHeaders: true };

const HEADER_CASES: [
  label: string,
  headers: Record<string, string>,
  opts: typeof BOTH_OFF,
  expected: string | null,
][] = [
  ["cf-ipcountry behind Cloudflare", { "cf-ipcountry": "DE" }, CF_ONLY, "DE"],
  ["cf-ipcountry is lower-case tolerant", { "cf-ipcountry": "de" }, CF_ONLY, "DE"],
  ["cf-ipcountry ignored unless behind Cloudflare", { "cf-ipcountry": "DE" }, GEO_ONLY, null],
  ["XX (unknown) is not a country", { "cf-ipcountry": "XX" }, CF_ONLY, null],
  ["T1 (Tor) is not a country", { "cf-ipcountry": "T1" }, CF_ONLY, null],
  ["cloudfront-viewer-country when trusted", { "cloudfront-viewer-country": "FR" }, GEO_ONLY, "FR"],
  ["x-country-code when trusted", { "x-country-code": "se" }, GEO_ONLY, "SE"],
  [
    "cloudfront wins over x-country-code",
    { "cloudfront-viewer-country": "FR", "x-country-code": "SE" },
    GEO_ONLY,
    "FR",
  ],
  ["geo headers ignored unless trusted", { "x-country-code": "SE" }, BOTH_OFF, null],
  ["geo headers ignored behind Cloudflare only", { "x-country-code": "SE" }, CF_ONLY, null],
  [
    "cf wins when both are trusted",
    { "cf-ipcountry": "DE", "x-country-code": "SE" },
    BOTH_ON,
    "DE",
  ],
  [
    "falls back past a cf XX when geo headers are trusted",
    { "cf-ipcountry": "XX", "x-country-code": "SE" },
    BOTH_ON,
    "SE",
  ],
  ["malformed values are rejected", { "x-country-code": "USA" }, GEO_ONLY, null],
  ["digits are rejected", { "x-country-code": "1A" }, GEO_ONLY, null],
  ["no headers", {}, BOTH_ON, null],
];

for (const [label, headers, opts, expected] of HEADER_CASES) {
  Deno.test(`countryFromHeaders: ${label}`, () => {
    assert.equal(countryFromHeaders(new Headers(headers), opts), expected);
  });
}
