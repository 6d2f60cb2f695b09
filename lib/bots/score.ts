// Bot scoring (DESIGN decision 4: score, don't gate). Each signal of the contract's table adds its
// points; the total is capped at 100 and stored with the per-signal breakdown, so the admin can
// see why a hit was scored. Pure functions of the hit's facts: no I/O, no clock.
import { powPoints, type PowVerdict } from "../pow/mod.ts";

export interface ScoreInput {
  kind: "view" | "events";
  headers: Headers;
  behindCloudflare: boolean;
  powVerdict: PowVerdict;
  /** Interaction delay of a first page view; null for SPA views and events. */
  interactionMs: number | null;
  country: string | null;
  suspectCountries: readonly string[];
  siteSuspectCountries: readonly string[];
  suspectPoints: number;
  /** Page views from this IP in the burst window, including this one. */
  burstCount: number;
  screenWidth: number | null;
  screenHeight: number | null;
  screenGiven: boolean;
  referrerType: string;
  path: string;
  /** Points from a crawler feed or other extra detectors, by signal name. */
  extra?: Record<string, number>;
}

export interface Score {
  score: number;
  detail: Record<string, number | string>;
}

export const BURST_LIMIT = 15;
export const BURST_WINDOW_MS = 5 * 60_000;

export const POINTS = {
  cfScoreVeryLow: 50,
  cfScoreLow: 30,
  cfScoreMedium: 10,
  cfVerified: 15,
  timingFast: 20,
  timingQuick: 8,
  burst: 25,
  noAcceptLanguage: 10,
  noClientHints: 10,
  screen: 10,
  deepPathNoReferrer: 5,
} as const;

export function scoreHit(input: ScoreInput): Score {
  const detail: Record<string, number | string> = {};
  let total = 0;
  const add = (signal: string, points: number) => {
    if (points <= 0) return;
    detail[signal] = ((detail[signal] as number | undefined) ?? 0) + points;
    total += points;
  };
  const h = input.headers;

  if (input.behindCloudflare) {
    const raw = h.get("cf-bot-score");
    const cf = raw !== null && /^\d{1,2}$/.test(raw) ? Number(raw) : null;
    if (cf !== null && cf >= 1 && cf <= 99) {
      add(
        "cf",
        cf <= 2
          ? POINTS.cfScoreVeryLow
          : cf < 30
          ? POINTS.cfScoreLow
          : cf <= 50
          ? POINTS.cfScoreMedium
          : 0,
      );
      if (h.get("cf-verified-bot") === "true") add("cf_verified", POINTS.cfVerified);
    }
  }

  add("pow", powPoints(input.powVerdict));
  detail.pow_result = input.powVerdict;

  if (input.kind === "view" && input.interactionMs !== null) {
    if (input.interactionMs < 850) add("timing", POINTS.timingFast);
    else if (input.interactionMs < 1000) add("timing", POINTS.timingQuick);
  }

  if (input.country) {
    if (input.suspectCountries.includes(input.country)) add("geo", input.suspectPoints);
    if (input.siteSuspectCountries.includes(input.country)) add("geo_site", input.suspectPoints);
  }

  if (input.burstCount > BURST_LIMIT) add("burst", POINTS.burst);

  if (!h.get("accept-language")) add("headers", POINTS.noAcceptLanguage);
  if (!h.has("sec-ch-ua") && !h.has("sec-fetch-site")) add("headers", POINTS.noClientHints);

  if (input.kind === "view" && input.screenGiven) {
    const bad = (v: number | null) => v === null || v <= 0 || v > 10_000;
    if (bad(input.screenWidth) || bad(input.screenHeight)) add("screen", POINTS.screen);
  }

  if (
    input.kind === "view" && input.referrerType === "direct_or_unknown" &&
    pathDepth(input.path) >= 2
  ) {
    add("referrer", POINTS.deepPathNoReferrer);
  }

  const extra = input.extra;
  if (extra) { for (const signal in extra) add(signal, extra[signal]); }

  return { score: Math.min(100, total), detail };
}

/** Non-empty segments of a path before its query: "/a//b/?x=/y" → 2. */
function pathDepth(path: string): number {
  const end = path.indexOf("?");
  const stop = end < 0 ? path.length : end;
  let depth = 0;
  for (let i = 0; i < stop; i++) {
    if (path.charCodeAt(i) !== 0x2f && (i === 0 || path.charCodeAt(i - 1) === 0x2f)) depth++;
  }
  return depth;
}
