// Evidence recorded from the real tracker in Chromium (tests/e2e/evidence_chromium_test.ts
// writes tests/fixtures/chromium_evidence.json), and what tests derive from it: the glyph
// advances of this Chromium's fonts, to build real-looking evidence for any new challenge.
import { classCounts, type Evidence, fitFont, parseEvidence } from "../lib/bots/evidence.ts";
import { GLYPH_CLASSES, PROBE_FIELDS, PROBE_FONTS, probeTexts } from "../tracker/probe_text.ts";
import samples from "./fixtures/chromium_evidence.json" with { type: "json" };

export interface EvidenceSample {
  salt: string;
  evidence: string;
  userAgent: string;
  acceptLanguage: string;
}

export const CHROMIUM_SAMPLES: readonly EvidenceSample[] = samples;

/** Advances (em) per glyph class of the proportional and the monospace font, fitted once. */
function advancesOf(sample: EvidenceSample): [number[], number] {
  const evidence = parseEvidence(sample.evidence)!;
  const texts = probeTexts(sample.salt);
  const em = (k: number, f: number) => evidence.widths[k][f] / parseInt(PROBE_FONTS[f]);
  const sans = fitFont(classCounts(texts), texts.map((_, k) => em(k, 0)))!.advances.slice();
  return [sans, em(0, 2) / texts[0].length];
}

const [SANS, MONO] = advancesOf(CHROMIUM_SAMPLES[0]);
const ENV = parseEvidence(CHROMIUM_SAMPLES[0].evidence)!;

/**
 * The evidence this Chromium would seal for a challenge with `salt`: its fonts' widths for the
 * salt's texts, and its recorded environment with `env` overrides (e.g. another language).
 */
export function chromiumEvidence(
  salt: string,
  env: Partial<Evidence["env"]> & { lang?: string } = {},
): string {
  const widths = probeTexts(salt).flatMap((text) =>
    PROBE_FONTS.map((font, f) => {
      const size = parseInt(font);
      const em = f < 2
        ? [...text].reduce((sum, c) => sum + SANS[GLYPH_CLASSES.findIndex((g) => g.includes(c))], 0)
        : text.length * MONO;
      return Math.round(em * size * 100);
    })
  );
  const merged: Record<string, number | string> = { ...ENV.env, lang: ENV.lang, ...env };
  const fields = PROBE_FIELDS.map((name) =>
    name === "lang" ? String(merged.lang) : Number(merged[name]).toString(36)
  );
  return [...widths.map((w) => w.toString(36)), ...fields].join(".");
}
