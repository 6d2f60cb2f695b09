// Browser evidence sealed into proof-of-work tokens (issue 14 items 2 and 4): real Chromium's
// evidence (the recorded fixture) is judged consistent for every challenge, a DOM-less forger's
// is not (≥ 95 % per strategy), the evidence cannot be swapped after solving, and what a user
// sees: the stored score and per-signal breakdown of views and events.
import assert from "node:assert/strict";
import {
  envInconsistency,
  evidenceSignals,
  fontInconsistency,
  headlessTells,
  parseEvidence,
} from "../lib/bots/evidence.ts";
import { parseToken } from "../lib/pow/mod.ts";
import { CHROMIUM_SAMPLES, chromiumEvidence } from "./_evidence_fixture.ts";
import {
  beaconUrl,
  BROWSER_HEADERS,
  CHROME_UA,
  hit,
  sealedToken,
  verifiedToken,
  views,
} from "./_collect.ts";
import { FORGE_STRATEGIES, forgeEvidence, forgeToken } from "./_forge.ts";
import { createTestApp } from "./_helpers.ts";

const request = { acceptLanguage: "en-US,en;q=0.9", userAgent: CHROME_UA };

Deno.test("evidence: every recorded Chromium sample is consistent, with only the webdriver tell", () => {
  assert.ok(CHROMIUM_SAMPLES.length >= 30, "the fixture holds many challenges");
  for (const sample of CHROMIUM_SAMPLES) {
    const evidence = parseEvidence(sample.evidence)!;
    assert.equal(fontInconsistency(evidence, sample.salt), null, sample.evidence);
    assert.equal(envInconsistency(evidence, sample), null, sample.evidence);
    assert.deepEqual(evidenceSignals(sample.evidence, sample.salt, sample), { headless: 20 });
    assert.deepEqual(headlessTells(evidence, sample.userAgent), ["webdriver"]);
  }
});

Deno.test("evidence: a DOM-less forger is judged inconsistent for ≥ 95 % of challenges", async () => {
  const t = await createTestApp();
  for (const strategy of FORGE_STRATEGIES) {
    let caught = 0;
    const runs = 200;
    for (let i = 0; i < runs; i++) {
      const challenge = t.services.pow.issue("shop", 4);
      const salt = parseToken(`${challenge}:0`)!.challenge.salt;
      const signals = evidenceSignals(forgeEvidence(challenge, strategy), salt, request);
      if ((signals.probe_mismatch ?? 0) >= 50) caught++;
    }
    assert.ok(caught / runs >= 0.95, `${strategy}: only ${caught}/${runs} judged inconsistent`);
  }
});

Deno.test("evidence: helper evidence for a new challenge is consistent (the tests' verified views)", () => {
  for (const sample of CHROMIUM_SAMPLES.slice(0, 10)) {
    const salt = sample.salt.split("").reverse().join("");
    const evidence = parseEvidence(chromiumEvidence(salt))!;
    assert.equal(fontInconsistency(evidence, salt), null);
  }
});

Deno.test("evidence: environment contradictions and tells", () => {
  const salt = CHROMIUM_SAMPLES[0].salt;
  const judge = (env: Parameters<typeof chromiumEvidence>[1], ua = CHROME_UA) =>
    evidenceSignals(chromiumEvidence(salt, { tells: 0, ...env }), salt, {
      ...request,
      userAgent: ua,
    });
  assert.deepEqual(judge({}), {});
  assert.deepEqual(judge({ lang: "de" }), { env_mismatch: 25 }, "language ≠ Accept-Language");
  assert.deepEqual(judge({ aw: 5000 }), { env_mismatch: 25 }, "available > screen");
  assert.deepEqual(judge({ tz: 7 }), { env_mismatch: 25 }, "no such time zone offset");
  assert.deepEqual(judge({ tells: 2 }), { headless: 25 }, "Chrome UA without window.chrome");
  const firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
  assert.deepEqual(judge({ tells: 2 }, firefox), {}, "Firefox has no window.chrome");
  assert.deepEqual(judge({ ow: 0, oh: 0 }), { headless: 25 }, "no window around the page");
  assert.deepEqual(judge({ tells: 3, ow: 0 }), { headless: 70 });
  assert.deepEqual(
    evidenceSignals(chromiumEvidence(salt), salt, { ...request, screenWidth: 1920 }),
    { env_mismatch: 25, headless: 20 },
    "the view's sw differs from the sealed screen",
  );
  assert.deepEqual(evidenceSignals(null, salt, request), { probe_missing: 50 });
  assert.deepEqual(evidenceSignals("1.2.3", salt, request), { probe_mismatch: 50 });
});

Deno.test("evidence: sealed into the proof, so swapping it after solving breaks the token", async () => {
  const t = await createTestApp();
  // At difficulty 16 a changed input meets the target by chance once in 65,536 tries (at the
  // tests' usual difficulty, one in 16: the swap below would sometimes pass by luck).
  const token = sealedToken(t, t.services.pow.issue("shop", 16));
  assert.equal(t.services.pow.verify(token, "shop", "v1").verdict, "valid");
  const { challenge, evidence, nonce } = parseToken(token)!;
  const other = chromiumEvidence(challenge.salt, { lang: "fr" });
  assert.notEqual(other, evidence);
  const swapped = `${challenge.text}:${other}:${nonce}`;
  assert.equal(t.services.pow.verify(swapped, "shop", "v2").verdict, "invalid");
  const stripped = `${challenge.text}:${nonce}`;
  assert.equal(t.services.pow.verify(stripped, "shop", "v3").verdict, "invalid");
});

Deno.test("evidence: stored views and events carry the evidence signals in their breakdown", async () => {
  const t = await createTestApp();
  const send = (tok: string, headers: Record<string, string> = {}) =>
    hit(
      t,
      beaconUrl({ tok, it: "17.12.340" }),
      headers,
      `203.0.113.${Math.floor(Math.random() * 250)}`,
    );
  await send(verifiedToken(t, "shop"));
  await send(verifiedToken(t, "shop", { evidence: null }));
  await send(forgeToken(t.services.pow, t.services.pow.issue("shop", 4), "average_exact"));
  await send(verifiedToken(t, "shop"), { "accept-language": "de-DE,de;q=0.9" });
  const rows = await views(t);
  assert.equal(rows.length, 4, "every hit is stored, scored and explained");
  const detail = rows.map((r) => JSON.parse(String(r.bot_score_detail)));
  assert.deepEqual(rows.map((r) => r.pow_verdict), ["valid", "valid", "valid", "valid"]);
  assert.equal(
    detail[0].probe_missing ?? detail[0].probe_mismatch ?? detail[0].env_mismatch,
    undefined,
  );
  assert.equal(detail[0].headless, undefined, "a person's Chrome has no tells");
  assert.ok(Number(rows[0].bot_score) < 50, JSON.stringify(detail[0]));
  assert.equal(detail[1].probe_missing, 50);
  assert.ok(Number(rows[1].bot_score) >= 50, "a valid token without evidence is never counted");
  assert.equal(detail[2].probe_mismatch, 50);
  assert.ok(Number(rows[2].bot_score) >= 50, "forged evidence is never counted");
  assert.equal(detail[3].env_mismatch, 25, "evidence says en, the request says de");

  // POST /e: the batch's token is judged the same way.
  const forged = forgeToken(t.services.pow, t.services.pow.issue("shop", 4), "average_noisy");
  const res = await t.request("/e", {
    method: "POST",
    headers: { ...BROWSER_HEADERS, "content-type": "text/plain" },
    body: JSON.stringify({
      siteId: "shop",
      tok: forged,
      events: [{ type: "custom", data: { path: "/", name: "x" } }],
    }),
    ip: "198.51.100.7",
  });
  assert.equal(res.status, 204);
  await t.services.collect.events.flush();
  const [event] = t.services.db.all<{ bot_score: number; bot_score_detail: string }>(
    "SELECT bot_score, bot_score_detail FROM semantic_events",
  );
  assert.equal(JSON.parse(event.bot_score_detail).probe_mismatch, 50);
  assert.ok(event.bot_score >= 50);
});
