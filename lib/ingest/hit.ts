// The state of one collected request as it moves through the pipeline steps.
import type { ParsedUserAgent } from "./user_agent.ts";
import type { PowVerdict } from "../pow/mod.ts";
import type { SealedInput } from "../pow/sound_tokens.ts";
import type { QueryParams } from "./query.ts";
import type { ReferrerType } from "./referrer.ts";
import type { RequestFacts } from "./types.ts";

export interface HitBase {
  facts: RequestFacts;
  siteId: string;
  /** Host of the page that sent the hit (Origin or Referer header), for "internal" referrers. */
  pageHost: string | null;
  /** Path used by the known-bot report before the payload is fully validated. */
  reportPath: string;
  visitorId: string;
  isReturning: boolean;
  setCookie: string | null;
  userAgent: ParsedUserAgent | null;
  country: string | null;
  /** Region and city from the geo database, only when it agrees on the country. */
  region: string | null;
  city: string | null;
  token: string | null;
  powVerdict: PowVerdict;
  /** The difficulty of an authentic token's challenge (what it proves was solved), else null. */
  powDifficulty: number | null;
  /** What a sound token's nonce sealed (browser evidence and salt), from the verifier, else null. */
  powSealed: SealedInput | null;
  /**
   * Points from detectors beyond the seed's table (browser evidence, network, crawler feed), by
   * signal name; steps before the score step add to it, the score step adds them up.
   */
  signals: Record<string, number>;
  score: number;
  scoreDetail: Record<string, number | string>;
}

export interface ViewHit extends HitBase {
  params: QueryParams;
  path: string;
  sessionId: string | null;
  interactionMs: number | null;
  isSpa: boolean;
  screenWidth: number | null;
  screenHeight: number | null;
  screenGiven: boolean;
  cookieMode: boolean;
  isPwa: boolean;
  /** The referrer as sent (a URL), classified by the referrer step. */
  referrerUrl: string | null;
  referrer: { origin: string | null; domain: string | null; type: ReferrerType };
  utm: {
    source: string | null;
    medium: string | null;
    campaign: string | null;
    content: string | null;
    term: string | null;
  };
  powSolveMs: number | null;
  /**
   * Trusted input seen on the page before this view was sent (the `it` parameter), or null when
   * the beacon carried none.
   */
  interaction: Interaction | null;
}

/**
 * Kinds of trusted input, as bits of the `it` parameter's first field (wire contract with
 * tracker/): `it=<kinds>.<moves>.<distance>`, moves = trusted pointermove events (≤ 999),
 * distance = their summed path in CSS pixels (≤ 99999).
 */
export const INTERACTION_KINDS = {
  pointer: 1,
  key: 2,
  wheel: 4,
  touch: 8,
  move: 16,
} as const;

/** The tracker's summary of trusted input: kinds (bits of INTERACTION_KINDS), moves, path px. */
export interface Interaction {
  kinds: number;
  moves: number;
  distance: number;
}

export function newHitBase(facts: RequestFacts): HitBase {
  return {
    facts,
    siteId: "",
    pageHost: null,
    reportPath: "/",
    visitorId: "",
    isReturning: false,
    setCookie: null,
    userAgent: null,
    country: null,
    region: null,
    city: null,
    token: null,
    powVerdict: "missing",
    powDifficulty: null,
    powSealed: null,
    signals: {},
    score: 0,
    scoreDetail: {},
  };
}

export function hostOfHeader(value: string | null): string | null {
  if (!value) return null;
  try {
    return new URL(value).hostname.toLowerCase();
  } catch {
    return null;
  }
}
