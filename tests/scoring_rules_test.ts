// Issue 14's rules end to end: no proof, no human (no_proof +50) and interaction must be real
// (no_interaction +50). What is stored (score, breakdown, main reason), what the overview and
// the dashboard count (verified, unverified, excluded: from the live delta and from the rollup
// alike) and the Bots page's "why excluded" figures for a known mix of traffic.
import assert from "node:assert/strict";
import { isRealInteraction, mainReason } from "../lib/bots/score.ts";
import { correlateBots, NO_EVENT_MIN_AGE_MS } from "../lib/bots/correlator.ts";
import { buildRollupDay } from "../lib/db/rollups.ts";
import { parseInteraction } from "../lib/ingest/view_pipeline.ts";
import {
  beaconUrl,
  BROWSER_HEADERS,
  flush,
  hit,
  REAL_INTERACTION,
  verifiedQuery,
  views,
} from "./_collect.ts";
import { adminApp, adminHtml } from "./_admin.ts";
import { createTestApp, TEST_SECRET, type TestApp } from "./_helpers.ts";

const ENV = { ECHELON_DEBUG: "true", ECHELON_SECRET: TEST_SECRET };
const AUTH = { authorization: `Bearer ${TEST_SECRET}` };

async function overview(t: TestApp) {
  await flush(t);
  const res = await t.request("/api/stats/overview?site_id=shop&days=1", { headers: AUTH });
  assert.equal(res.status, 200);
  return await res.json();
}

/** The proof figures of the overview JSON, in one object. */
async function figures(t: TestApp) {
  const o = await overview(t);
  return {
    visits: o.visits,
    unique_visitors: o.unique_visitors,
    verified_visitors: o.verified_visitors,
    unverified_views: o.unverified_views,
    unverified_visitors: o.unverified_visitors,
    excluded_views: o.excluded_views,
    excluded_visitors: o.excluded_visitors,
  };
}

async function stored(t: TestApp) {
  return (await views(t)).map((r) => ({
    score: r.bot_score,
    detail: JSON.parse(String(r.bot_score_detail)),
    reason: r.bot_reason,
  }));
}

Deno.test("rules: what counts as real interaction", () => {
  const it = (kinds: number, moves = 0, distance = 0) => ({ kinds, moves, distance });
  assert.equal(isRealInteraction(null), false);
  assert.equal(isRealInteraction(it(0)), false);
  for (const kind of [1, 2, 4, 8]) assert.equal(isRealInteraction(it(kind)), true, `kind ${kind}`);
  assert.equal(isRealInteraction(it(16, 5, 50)), true, "5 moves over 50 px");
  assert.equal(isRealInteraction(it(16, 4, 500)), false, "too few moves");
  assert.equal(isRealInteraction(it(16, 50, 49)), false, "too short a path");
  assert.equal(isRealInteraction(it(0, 50, 500)), false, "moves without the move bit");
});

Deno.test("rules: the it parameter is parsed strictly; anything else is no interaction", () => {
  assert.deepEqual(parseInteraction("17.12.340"), { kinds: 17, moves: 12, distance: 340 });
  assert.deepEqual(parseInteraction("0.0.0"), { kinds: 0, moves: 0, distance: 0 });
  assert.deepEqual(parseInteraction("31.999.99999"), { kinds: 31, moves: 999, distance: 99999 });
  for (const bad of [null, "", "1", "1.2", "32.1.1", "1.1000.1", "1.1.100000", "-1.2.3", "a.b.c"]) {
    assert.equal(parseInteraction(bad), null, String(bad));
  }
});

Deno.test("rules: the main reason of a hit", () => {
  assert.equal(mainReason(49, { pow: 15, headers: 20 }), null, "counted");
  assert.equal(mainReason(65, { pow: 15, no_proof: 50 }), "no_proof");
  assert.equal(
    mainReason(60, { no_interaction: 50, headers: 10 }),
    "no_interaction",
    "only the missing input keeps it out: unverified",
  );
  assert.equal(
    mainReason(100, { pow: 15, no_proof: 50, no_interaction: 50 }),
    "no_proof",
    "no proof outweighs the missing input",
  );
  assert.equal(mainReason(80, { cf: 50, no_proof: 50 }), "no_proof", "ties by precedence");
  assert.equal(mainReason(55, { crawler_feed: 30, burst: 25 }), "crawler_feed", "most points");
  assert.equal(mainReason(60, { correlated: { penalty: 50 }, referrer: 10 }), "correlated");
});

Deno.test("b.gif: a browser-looking hit without a token is stored with no_proof, never counted", async () => {
  const t = await createTestApp(ENV);
  // Every browser header, a realistic screen, interaction time and input: only the proof is missing.
  const { drop } = await hit(t, beaconUrl({ it: REAL_INTERACTION }));
  assert.equal(drop, null, "stored, not dropped");
  assert.deepEqual(await stored(t), [{
    score: 65,
    detail: { pow: 15, pow_result: "missing", no_proof: 50 },
    reason: "no_proof",
  }]);
  assert.deepEqual(await figures(t), {
    visits: 0,
    unique_visitors: 0,
    verified_visitors: 0,
    unverified_views: 0,
    unverified_visitors: 0,
    excluded_views: 1,
    excluded_visitors: 1,
  });
});

Deno.test("b.gif: a replayed token is decided at ingest (+40 +50), not by the sweep", async () => {
  const t = await createTestApp(ENV);
  const q = verifiedQuery(t);
  await hit(t, beaconUrl(q), {}, "198.51.100.1");
  await hit(t, beaconUrl(q), {}, "198.51.100.2");
  assert.deepEqual((await stored(t)).map((r) => [r.score, r.reason]), [[0, null], [
    90,
    "no_proof",
  ]]);
  assert.equal((await stored(t))[1].detail.pow_result, "replayed");
});

Deno.test("b.gif: a view with a valid proof but no input is an unverified view", async () => {
  const t = await createTestApp(ENV);
  const { tok } = verifiedQuery(t);
  await hit(t, beaconUrl({ tok }), {}, "198.51.100.1"); // no `it`
  await hit(t, beaconUrl({ tok: verifiedQuery(t).tok, it: "0.0.0" }), {}, "198.51.100.2");
  await hit(t, beaconUrl({ tok: verifiedQuery(t).tok, _v: "spa" }), {}, "198.51.100.3");
  await hit(t, beaconUrl(verifiedQuery(t)), {}, "198.51.100.4"); // a person
  assert.deepEqual((await stored(t)).map((r) => [r.score, r.reason, r.detail.no_interaction]), [
    [50, "no_interaction", 50],
    [50, "no_interaction", 50],
    [50, "no_interaction", 50],
    [0, null, undefined],
  ]);
  const live = await figures(t);
  assert.deepEqual(live, {
    visits: 1,
    unique_visitors: 1,
    verified_visitors: 1,
    unverified_views: 3,
    unverified_visitors: 3,
    excluded_views: 0,
    excluded_visitors: 0,
  });
  // The same figures once the day is in the rollup (no live delta left), and after more rows.
  await buildRollupDay(t.services.db, "2026-11-20", { builtAt: t.clock.now });
  assert.deepEqual(await figures(t), live, "rollup = live delta");
  await hit(t, beaconUrl({ tok }), {}, "198.51.100.1"); // the same reader again
  await hit(t, beaconUrl({}), {}, "198.51.100.5"); // a script
  assert.deepEqual(await figures(t), {
    ...live,
    unverified_views: 4,
    excluded_views: 1,
    excluded_visitors: 1,
  }, "rollup + delta: the returning reader is not a new visitor");
});

Deno.test("the dashboard shows verified, unverified and excluded figures with a link to the Bots page", async () => {
  const t = await adminApp(ENV);
  await hit(t, beaconUrl(verifiedQuery(t)), {}, "198.51.100.1");
  await hit(t, beaconUrl({ tok: verifiedQuery(t).tok }), {}, "198.51.100.2");
  await hit(t, beaconUrl({}), {}, "198.51.100.3");
  await hit(t, beaconUrl({}), {}, "198.51.100.4");
  await views(t);
  const { html } = await adminHtml(t, "/admin?site=shop&period=today");
  const proof = html.slice(
    html.indexOf('id="proof"'),
    html.indexOf("</section>", html.indexOf('id="proof"')),
  );
  assert.match(proof, /Verified human visitors<\/div><div[^>]*>1</);
  assert.match(proof, /1 views · 1 visitors/, "unverified");
  assert.match(proof, /2 views · 2 visitors/, "excluded");
  assert.match(proof, /href="\/admin\/bots\?[^"]*#why-excluded"/);
});

Deno.test("why excluded: views, visitors and events per main reason and group for a known mix", async () => {
  const t = await adminApp(ENV);
  // 2 people, 3 readers (one twice), 4 scripts without a token, 1 replay, 1 feed-listed crawler
  // that solved the proof but has no Accept-Language and no fetch metadata (30 + 20 = 50).
  for (let i = 1; i <= 2; i++) await hit(t, beaconUrl(verifiedQuery(t)), {}, `198.51.100.${i}`);
  for (let i = 3; i <= 5; i++) {
    await hit(t, beaconUrl({ tok: verifiedQuery(t).tok }), {}, `198.51.100.${i}`);
  }
  await hit(t, beaconUrl({ tok: verifiedQuery(t).tok }), {}, "198.51.100.3");
  for (let i = 6; i <= 9; i++) await hit(t, beaconUrl({}), {}, `198.51.100.${i}`);
  const replayed = verifiedQuery(t);
  await hit(t, beaconUrl(replayed), {}, "198.51.100.10");
  await hit(t, beaconUrl(replayed), {}, "198.51.100.11");
  const feedUa =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Code/1.115.0 Chrome/142.0.7444.265 Electron/39.8.5 Safari/537.36";
  const bare = await t.request(beaconUrl(verifiedQuery(t)), {
    headers: { "user-agent": feedUa },
    ip: "198.51.100.12",
  });
  await bare.body?.cancel();
  // One event batch without a token from a script.
  const e = await t.request("/e", {
    method: "POST",
    headers: { ...BROWSER_HEADERS, "content-type": "text/plain" },
    body: JSON.stringify({ siteId: "shop", events: [{ type: "click", data: { path: "/" } }] }),
    ip: "198.51.100.6",
  });
  assert.equal(e.status, 204);
  await views(t);
  const res = await t.request("/api/bots/report?site_id=shop&days=1", { headers: AUTH });
  assert.equal(res.status, 200);
  const report = await res.json();
  const reasons = Object.fromEntries(
    // deno-lint-ignore no-explicit-any
    report.excluded_by_reason.map((r: any) => [r.reason, [r.views, r.visitors, r.events]]),
  );
  assert.deepEqual(reasons, {
    no_proof: [5, 5, 1],
    no_interaction: [4, 3, 0],
    crawler_feed: [1, 1, 0],
  });
  const row = report.excluded_by_reason.find((r: { reason: string }) => r.reason === "no_proof");
  assert.equal(row.label, "No valid proof of work");
  assert.equal(row.group, "rule");
  const groups = Object.fromEntries(
    // deno-lint-ignore no-explicit-any
    report.excluded_by_group.map((g: any) => [g.group, [g.views, g.visitors, g.events, g.label]]),
  );
  assert.deepEqual(groups, {
    rule: [9, 8, 1, "Proof rules"],
    seed: [1, 1, 0, "Request checks"],
  });
  // The overview agrees: 3 counted visitors (the 2 people and the replayed token's first, valid
  // use), 3 unverified readers, 6 excluded views.
  const f = await figures(t);
  assert.deepEqual([f.unique_visitors, f.verified_visitors], [3, 3]);
  assert.deepEqual([f.unverified_views, f.unverified_visitors], [4, 3]);
  assert.deepEqual([f.excluded_views, f.excluded_visitors], [6, 6]);

  // The Bots page lists each reason with its explanation and a link to example views.
  const { html: page } = await adminHtml(t, "/admin/bots?site=shop&period=today");
  const why = page.slice(page.indexOf('id="why-excluded"'));
  assert.match(why, /data-reason="no_proof"/);
  assert.match(why, /only the tracker in a browser produces one/);
  assert.match(why, /href="\/admin\/views\?[^"]*reason=no_interaction[^"]*"/);
  const { html: examples } = await adminHtml(
    t,
    "/admin/views?site=shop&period=today&bots=bots&reason=no_interaction",
  );
  assert.equal((examples.match(/<tr data-view-id=/g) ?? []).length, 4, "the four unverified views");
});

Deno.test("correlator: a sweep that tips a row over the threshold becomes its reason", async () => {
  const t = await createTestApp(ENV);
  // A counted view at 40 (feed-listed UA +30, no Accept-Language +10) and an unverified view.
  const feedUa =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Code/1.115.0 Chrome/142.0.7444.265 Electron/39.8.5 Safari/537.36";
  await hit(
    t,
    beaconUrl(verifiedQuery(t)),
    { "user-agent": feedUa, "accept-language": "" },
    "198.51.100.1",
  );
  await hit(t, beaconUrl({ tok: verifiedQuery(t).tok }), {}, "198.51.100.2");
  assert.deepEqual((await stored(t)).map((r) => [r.score, r.reason]), [[40, null], [
    50,
    "no_interaction",
  ]]);
  const result = await correlateBots(t.services.store.bots, t.clock.now + NO_EVENT_MIN_AGE_MS + 1);
  assert.equal(result.noEventViews, 2);
  assert.deepEqual((await stored(t)).map((r) => [r.score, r.reason]), [
    [55, "no_events"],
    [65, "no_interaction"],
  ], "the reader stays unverified: the rest of its points (15) are below the threshold");
});
