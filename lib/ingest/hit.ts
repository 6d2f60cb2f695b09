// The state of one collected request as it moves through the pipeline steps.
import type { ParsedUserAgent } from "./user_agent.ts";
import type { PowVerdict } from "../pow/mod.ts";
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
  token: string | null;
  powVerdict: PowVerdict;
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
    token: null,
    powVerdict: "missing",
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
