// The closed set of proof-of-work verdicts and the bot-score points each one adds to a hit.
// A missing token scores lower than a bad one: old browsers and blocked scripts send none.

export type PowVerdict = "valid" | "missing" | "invalid" | "expired" | "replayed";

export const POW_POINTS: Readonly<Record<PowVerdict, number>> = Object.freeze({
  valid: 0,
  missing: 15,
  invalid: 25,
  expired: 25,
  replayed: 40,
});

export function powPoints(verdict: PowVerdict): number {
  return POW_POINTS[verdict];
}
