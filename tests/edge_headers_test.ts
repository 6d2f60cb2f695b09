// Headers an edge (Cloudflare, CloudFront, a geo proxy) adds — the visitor's country and
// Cloudflare's bot score — count only on requests that came through a trusted proxy. A client
// that reaches the app directly cannot pick its own country (and dodge suspect-country points)
// or vouch for itself with a bot score: the stored row says what the app itself found.
import assert from "node:assert/strict";
import { loadConfig } from "../lib/config.ts";
import { beaconUrl, BROWSER_HEADERS, views } from "./_collect.ts";
import { createTestApp } from "./_helpers.ts";

const PROXY = "203.0.113.7";
const DIRECT = "198.51.100.9";
const ENV = {
  ECHELON_DEBUG: "true",
  ECHELON_BEHIND_CLOUDFLARE: "true",
  ECHELON_TRUST_GEO_HEADERS: "true",
  ECHELON_TRUST_PROXY: "203.0.113.0/24",
  ECHELON_SUSPECT_COUNTRIES: "CN",
};
const EDGE = {
  "cf-ipcountry": "CN",
  "cf-bot-score": "1",
  "cloudfront-viewer-country": "CN",
  "x-country-code": "CN",
};

Deno.test("edge headers: country and bot score count from a trusted proxy only", async () => {
  const t = await createTestApp(ENV);
  for (const [ip, path] of [[PROXY, "/via-proxy"], [DIRECT, "/direct"]]) {
    const res = await t.request(beaconUrl({ p: btoa(path) }), {
      headers: { ...BROWSER_HEADERS, ...EDGE },
      ip,
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("x-echelon-drop"), null);
    await res.body?.cancel();
  }
  const stored = Object.fromEntries(
    (await views(t)).map((row) => [row.path, {
      country: row.country_code,
      detail: JSON.parse(String(row.bot_score_detail)),
    }]),
  );
  assert.equal(stored["/via-proxy"].country, "CN", "the proxy's country header is believed");
  assert.equal(stored["/via-proxy"].detail.cf, 50, "Cloudflare's bot score counts via the proxy");
  assert.ok(stored["/via-proxy"].detail.geo === 30, JSON.stringify(stored["/via-proxy"]));
  assert.notEqual(stored["/direct"].country, "CN", "a direct client cannot name its country");
  assert.equal(stored["/direct"].detail.cf, undefined, "nor vouch with a bot score");
  assert.equal(stored["/direct"].detail.geo, undefined);
});

Deno.test("edge headers: ECHELON_TRUST_GEO_HEADERS needs a trusted proxy", () => {
  assert.throws(
    () => loadConfig({ ECHELON_TRUST_GEO_HEADERS: "true" }),
    /ECHELON_TRUST_GEO_HEADERS: needs ECHELON_TRUST_PROXY/,
  );
  loadConfig({ ECHELON_TRUST_GEO_HEADERS: "true", ECHELON_TRUST_PROXY: "true" });
});
