// A page's hits share one proof-of-work token, so what the server learns about a token on its
// first hit is kept for the next ones (the verifier's sound tokens, lib/pow/sound_tokens.ts, and
// the evidence verdict held with them, lib/ingest/evidence_step.ts). What is stored must be
// exactly what a full check of every hit would store: each hit of GET /b.gif below is read back
// from visitor_views (verdict, score, per-signal breakdown).
import assert from "node:assert/strict";
import { forgeToken } from "./_forge.ts";
import { beaconUrl, hit, REAL_INTERACTION, verifiedToken, views } from "./_collect.ts";
import { createTestApp, type TestApp } from "./_helpers.ts";

const VISITOR_IP = "198.51.100.20";

async function send(
  t: TestApp,
  tok: string,
  headers: Record<string, string> = {},
  ip = VISITOR_IP,
) {
  const { res } = await hit(t, beaconUrl({ tok, it: REAL_INTERACTION }), headers, ip);
  assert.equal(res.status, 200);
}

async function stored(t: TestApp) {
  return (await views(t)).map((row) => ({
    verdict: row.pow_verdict,
    score: Number(row.bot_score),
    detail: JSON.parse(String(row.bot_score_detail)) as Record<string, number | string>,
  }));
}

Deno.test("a token's later hits keep its font verdict; language and screen are judged per hit", async () => {
  const t = await createTestApp();
  const token = verifiedToken(t, "shop");
  await send(t, token);
  await send(t, token, { "accept-language": "de-DE,de;q=0.9" }); // the evidence says "en"
  await send(t, token);
  const { res } = await hit(
    t,
    beaconUrl({ tok: token, it: REAL_INTERACTION, sw: "1280" }), // the evidence says 1920
    {},
    VISITOR_IP,
  );
  assert.equal(res.status, 200);
  const rows = await stored(t);
  assert.deepEqual(rows.map((r) => r.verdict), ["valid", "valid", "valid", "valid"]);
  assert.equal(rows[0].detail.env_mismatch, undefined);
  assert.ok(rows[0].score < 50, JSON.stringify(rows[0].detail));
  assert.equal(rows[1].detail.env_mismatch, 25, "this hit's Accept-Language contradicts it");
  assert.equal(rows[2].detail.env_mismatch, undefined, "the next hit agrees again");
  assert.deepEqual(rows[2], rows[0]);
  assert.equal(rows[3].detail.env_mismatch, 25, "this hit's screen contradicts the evidence");
});

Deno.test("forged or missing evidence stays judged on every hit of its token", async () => {
  const t = await createTestApp();
  const forged = forgeToken(t.services.pow, t.services.pow.issue("shop", 4), "average_exact");
  const bare = verifiedToken(t, "shop", { evidence: null });
  for (let i = 0; i < 3; i++) {
    await send(t, forged);
    await send(t, bare);
  }
  const rows = await stored(t);
  assert.equal(rows.length, 6);
  for (const [i, row] of rows.entries()) {
    assert.equal(row.verdict, "valid");
    const signal = i % 2 === 0 ? "probe_mismatch" : "probe_missing";
    assert.equal(row.detail[signal], 50, `hit ${i}: ${JSON.stringify(row.detail)}`);
    assert.ok(row.score >= 50, "never counted as human");
  }
});

Deno.test("a known token is still replayed for another visitor and expires with its window", async () => {
  const t = await createTestApp();
  const token = verifiedToken(t, "shop");
  await send(t, token);
  await send(t, token, {}, "198.51.100.99"); // another visitor presents the same token
  await send(t, token);
  t.clock.now += t.services.config.challengeWindowMinutes * 60_000 + 1;
  await send(t, token);
  const rows = await stored(t);
  assert.deepEqual(rows.map((r) => r.verdict), ["valid", "replayed", "valid", "expired"]);
  for (const row of [rows[1], rows[3]]) {
    // Only a valid proof has its evidence judged (and the no-proof rule applies without one).
    assert.equal(row.detail.env_mismatch ?? row.detail.probe_mismatch, undefined);
    assert.ok(row.score >= 50, JSON.stringify(row.detail));
  }
});
