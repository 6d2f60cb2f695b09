// GET /c: a fresh, signed challenge per request for the site, difficulty raised for clients that
// do not look like browsers, the WASM module only for clients on another epoch, the site's
// collection settings, no caching — and no input ever answered with a 5xx.
import assert from "node:assert/strict";
import { parseChallenge, solveChallenge } from "../lib/pow/mod.ts";
import type { ChallengeResponse } from "../tracker/inject.ts";
import { createTestApp } from "./_helpers.ts";

const BROWSER = {
  "accept-language": "en-GB,en;q=0.9",
  "sec-fetch-site": "cross-site",
  "sec-ch-ua": '"Chromium";v="156"',
};

Deno.test("/c: a challenge for the site that a solved token verifies against", async () => {
  const t = await createTestApp();
  const res = await t.request("/c?s=Shop.Example", { headers: BROWSER });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("cache-control"), "no-store");
  assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
  const body: ChallengeResponse = await res.json();
  const challenge = parseChallenge(body.challenge);
  assert.ok(challenge, body.challenge);
  // The collectors lower-case site ids before verifying, so challenges name that spelling.
  assert.equal(challenge.site, "shop.example");
  assert.equal(body.difficulty, t.services.config.powDifficulty);
  assert.equal(challenge.difficulty, body.difficulty);
  assert.equal(body.epoch, t.services.pow.currentModule().epoch);
  assert.equal(challenge.issuedAt * 1000, t.clock.now);
  assert.equal(body.expiresAt, t.clock.now + 10 * 60_000);
  assert.equal(body.wasm, t.services.pow.currentModule().hex, "no e: module included");
  assert.deepEqual(body.site, { query: [], formValues: false, consentCss: "", anon: false });

  const { token } = solveChallenge(t.services.pow, body.challenge, body.difficulty);
  assert.equal(t.services.pow.verify(token, "shop.example", "visitor-1").verdict, "valid");
});

Deno.test("/c: every request gets a different challenge", async () => {
  const t = await createTestApp();
  const seen = new Set<string>();
  for (let i = 0; i < 5; i++) {
    const body: ChallengeResponse = await (await t.request("/c?s=a", { headers: BROWSER })).json();
    seen.add(body.challenge);
  }
  assert.equal(seen.size, 5);
});

Deno.test("/c: the module is sent only to clients on another epoch", async () => {
  const t = await createTestApp();
  const epoch = t.services.pow.currentModule().epoch;
  const current: ChallengeResponse = await (await t.request(`/c?s=a&e=${epoch}`)).json();
  assert.equal(current.wasm, undefined);
  assert.equal(current.epoch, epoch);
  for (const e of [String(epoch - 1), "0", "x", ""]) {
    const other: ChallengeResponse = await (await t.request(`/c?s=a&e=${e}`)).json();
    assert.equal(other.wasm, t.services.pow.currentModule().hex, `e=${e}`);
  }
});

Deno.test("/c: adaptive difficulty for clients without browser headers", async () => {
  const t = await createTestApp({ ECHELON_POW_DIFFICULTY: "12" });
  const difficultyWith = async (headers: Record<string, string>) =>
    ((await (await t.request("/c?s=a", { headers })).json()) as ChallengeResponse).difficulty;
  assert.equal(await difficultyWith(BROWSER), 12);
  // Firefox sends Sec-Fetch-Site but no client hints: still a browser.
  assert.equal(
    await difficultyWith({ "accept-language": "de", "sec-fetch-site": "same-site" }),
    12,
  );
  assert.equal(await difficultyWith({ "sec-fetch-site": "cross-site" }), 14, "no Accept-Language");
  assert.equal(await difficultyWith({ "accept-language": "en" }), 14, "no fetch metadata");
  assert.equal(await difficultyWith({}), 16, "neither");
});

Deno.test("/c: the site's query allowlist, form-value opt-in and consent CSS come along", async () => {
  const t = await createTestApp();
  t.services.db.run(
    `INSERT INTO site_settings (site_id, consent_css, send_form_values, query_allowlist)
     VALUES ('shop', 'div{color:red}', 1, 'q, page')`,
  );
  await t.services.collect.caches.refresh(t.services.store, t.clock.now);
  const body: ChallengeResponse = await (await t.request("/c?s=SHOP")).json();
  assert.deepEqual(body.site, {
    query: ["q", "page"],
    formValues: true,
    consentCss: "div{color:red}",
    anon: false,
  });
});

Deno.test("/c and /ea.js?s=: an anonymised site tells the tracker to hash query values", async () => {
  const t = await createTestApp({ ECHELON_ANONYMIZE_SITES: "shop" });
  const body: ChallengeResponse = await (await t.request("/c?s=shop")).json();
  assert.equal(body.site.anon, true);
  const script = await (await t.request("/ea.js?s=shop")).text();
  assert.match(script, /"anon":true/, "the defaults plus anon are not the defaults");
  const other: ChallengeResponse = await (await t.request("/c?s=blog")).json();
  assert.equal(other.site.anon, false);
});

Deno.test("/c: bad site ids get 400 invalid_site, and nothing gets a 5xx", async () => {
  const t = await createTestApp();
  const bad = [
    "/c",
    "/c?s=",
    "/c?e=1",
    `/c?s=${"a".repeat(65)}`,
    "/c?s=a%20b",
    "/c?s=%F0%9F%98%80",
    "/c?s=a:b",
    "/c?s=%00",
    "/c?s=%E0%A4%A",
  ];
  for (const path of bad) {
    const res = await t.request(path);
    assert.equal(res.status, 400, path);
    assert.equal(res.headers.get("cache-control"), "no-store", path);
    const body = await res.json();
    assert.equal(body.error, "invalid_site", path);
    assert.match(body.message, /^s must be/, path);
  }
  for (
    const path of ["/c?s=a&s=b", "/c?s=a&e=%FF", `/c?s=${"z".repeat(64)}&e=${"9".repeat(400)}`]
  ) {
    const res = await t.request(path);
    assert.equal(res.status, 200, path);
    await res.body?.cancel();
  }
  const post = await t.request("/c?s=a", { method: "POST", body: "x" });
  assert.ok(post.status < 500, `POST gave ${post.status}`);
  await post.body?.cancel();
});
