// What a script without a DOM would seal into its tokens after reading our tracker (issue 14
// item 2): it can solve the WebAssembly, but it has no font engine, so it fabricates the text
// widths. Used by tests/evidence_test.ts (≥ 95 % must be judged inconsistent) and exported for
// the traffic-mix test. The environment is a real Chromium's (tests/_evidence_fixture.ts): the
// forger copies what it can copy.
import { parseChallenge, type PowVerifier, solveChallenge } from "../lib/pow/mod.ts";
import { PROBE_FIELDS, PROBE_FONTS, probeTexts } from "../tracker/probe_text.ts";
import { CHROMIUM_SAMPLES } from "./_evidence_fixture.ts";

export const FORGE_STRATEGIES = [
  /** Length × an average advance per font, with ±3 % noise per value. */
  "average_noisy",
  /** Length × an average advance per font (0.5 em proportional, 0.6 em monospace), exactly. */
  "average_exact",
  /** A real Chromium's evidence for another challenge, copied whole. */
  "copied",
  /** A real Chromium's widths for another challenge, rescaled to this challenge's text lengths. */
  "rescaled",
] as const;

export type ForgeStrategy = (typeof FORGE_STRATEGIES)[number];

/** The evidence a DOM-less forger seals for `challenge` (a challenge string). */
export function forgeEvidence(
  challenge: string,
  strategy: ForgeStrategy,
  random: () => number = Math.random,
): string {
  const salt = parseChallenge(challenge)?.salt;
  if (!salt) throw new TypeError(`not a challenge: ${JSON.stringify(challenge)}`);
  const donor = CHROMIUM_SAMPLES[Math.floor(random() * CHROMIUM_SAMPLES.length)];
  if (strategy === "copied") return donor.evidence;
  const parts = donor.evidence.split(".");
  const env = parts.slice(parts.length - PROBE_FIELDS.length);
  const texts = probeTexts(salt);
  const donorTexts = probeTexts(donor.salt);
  const widths = texts.flatMap((text, k) =>
    PROBE_FONTS.map((font, f) => {
      const size = parseInt(font);
      if (strategy === "rescaled") {
        const donorWidth = parseInt(parts[k * PROBE_FONTS.length + f], 36);
        return Math.round(donorWidth * text.length / donorTexts[k].length);
      }
      const em = f < 2 ? 0.5 : 0.6;
      const noise = strategy === "average_noisy" ? 1 + (random() * 2 - 1) * 0.03 : 1;
      return Math.round(text.length * em * size * noise * 100);
    })
  );
  return [...widths.map((w) => w.toString(36)), ...env].join(".");
}

/** A token a DOM-less solver would send: `challenge` solved with forged evidence sealed in. */
export function forgeToken(
  pow: PowVerifier,
  challenge: string,
  strategy: ForgeStrategy,
  random?: () => number,
): string {
  const parsed = parseChallenge(challenge)!;
  const evidence = forgeEvidence(challenge, strategy, random);
  return solveChallenge(pow, challenge, parsed.difficulty, { evidence }).token;
}
