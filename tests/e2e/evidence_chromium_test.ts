// Real Chromium, the real tracker: the evidence it seals into its tokens is judged consistent for
// every challenge (fonts, environment), with only the tells this automated browser really shows.
// ECHELON_RECORD_EVIDENCE=1 rewrites the calibration fixture tests/fixtures/chromium_evidence.json
// that the unit tests (evidence_test.ts), tests/_collect.ts and tests/_forge.ts read.
import assert from "node:assert/strict";
import {
  envInconsistency,
  fontInconsistency,
  headlessTells,
  parseEvidence,
} from "../../lib/bots/evidence.ts";
import { parseToken } from "../../lib/pow/mod.ts";
import { DESKTOP_UA } from "./_browser.ts";
import { BROWSER_TEST, openTracker } from "./_tracker.ts";
import type { EvidenceSample } from "../_evidence_fixture.ts";

const SAMPLES = 30;

Deno.test({
  name: "e2e evidence: every challenge's evidence from real Chromium is judged consistent",
  ...BROWSER_TEST,
  async fn() {
    const html = `<!doctype html><script src="{{app}}/ea.js?s=calib" data-site="calib" ` +
      `data-allow-local></script><p>calibration</p>`;
    const h = await openTracker({ pages: { "/": html } });
    const samples: EvidenceSample[] = [];
    try {
      for (let i = 0; i < SAMPLES; i++) {
        const tab = await h.browser.context.newPage(); // a new tab: a new sessionStorage
        await tab.goto(h.site + "/");
        const stored = await tab.waitForFunction(() => sessionStorage.getItem("_etok"));
        const solved = JSON.parse(String(await stored.jsonValue())) as { t: string; q: number };
        const token = parseToken(solved.t)!;
        assert.ok(token.evidence, `the tracker seals evidence: ${solved.t}`);
        samples.push({
          salt: token.challenge.salt,
          evidence: token.evidence,
          userAgent: DESKTOP_UA,
          acceptLanguage: "en-US,en;q=0.9",
        });
        await tab.close();
      }
    } finally {
      await h.close();
    }
    for (const sample of samples) {
      const evidence = parseEvidence(sample.evidence)!;
      assert.ok(evidence, sample.evidence);
      assert.equal(fontInconsistency(evidence, sample.salt), null, sample.evidence);
      assert.equal(envInconsistency(evidence, sample), null, sample.evidence);
      // Playwright's Chromium is automated (navigator.webdriver); nothing else gives it away.
      assert.deepEqual(headlessTells(evidence, sample.userAgent), ["webdriver"]);
    }
    if (Deno.env.get("ECHELON_RECORD_EVIDENCE") === "1") {
      const file = new URL("../fixtures/chromium_evidence.json", import.meta.url);
      await Deno.writeTextFile(file, JSON.stringify(samples, null, 1) + "\n");
    }
  },
});
