// Bot scoring (docs/architecture.md, decision 4: score everything, count only evidence). Each
// signal of the registry (lib/bots/signals.ts) adds its points; the total is capped at 100 and
// stored with the per-signal breakdown and the main reason, so the admin can see why a hit was not
// counted. Pure functions of the hit's facts: no I/O, no clock.
import { BOT_SCORE_THRESHOLD } from "./thresholds.ts";
import { type Interaction, INTERACTION_KINDS } from "../ingest/hit.ts";
import { powPoints, type PowVerdict } from "../pow/mod.ts";
import { signalInfo, SIGNALS } from "./signals.ts";

export interface ScoreInput {
  kind: "view" | "events";
  headers: Headers;
  behindCloudflare: boolean;
  powVerdict: PowVerdict;
  /** Interaction delay of a first page view; null for SPA views and events. */
  interactionMs: number | null;
  /** Trusted input the tracker saw before a view was sent (the `it` parameter); null: none. */
  interaction: Interaction | null;
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
  noProof: SIGNALS.no_proof.points,
  noInteraction: SIGNALS.no_interaction.points,
} as const;

/** Pointer moves (and their summed path in CSS px) that count as real motion on their own. */
export const MIN_INTERACTION_MOVES = 5;
export const MIN_INTERACTION_DISTANCE_PX = 50;

const INPUT_KINDS = INTERACTION_KINDS.pointer | INTERACTION_KINDS.key | INTERACTION_KINDS.wheel |
  INTERACTION_KINDS.touch;

/**
 * Whether the tracker saw enough trusted input for a view to count as a person's (issue 14 item
 * 3): a pointer press, key, wheel or touch, or pointer motion of ≥ 5 moves over ≥ 50 px. Page
 * JavaScript cannot fake these (`isTrusted`); an open tab that is merely closed has none.
 */
export function isRealInteraction(it: Interaction | null): boolean {
  if (it === null) return false;
  if ((it.kinds & INPUT_KINDS) !== 0) return true;
  return (it.kinds & INTERACTION_KINDS.move) !== 0 && it.moves >= MIN_INTERACTION_MOVES &&
    it.distance >= MIN_INTERACTION_DISTANCE_PX;
}

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
  // No proof, no human: a tracker view or event batch without a valid token is decided here, at
  // ingest (a replayed token scores +40 +50), not by a later sweep.
  if (input.powVerdict !== "valid") add("no_proof", POINTS.noProof);
  // A view without trusted input is stored as an unverified view (valid proof, no person seen).
  if (input.kind === "view" && !isRealInteraction(input.interaction)) {
    add("no_interaction", POINTS.noInteraction);
  }

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

/** The points a stored detail entry stands for: a number, or the `correlated` object's penalty. */
function entryPoints(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "object" && value !== null) {
    const penalty = (value as { penalty?: unknown }).penalty;
    return typeof penalty === "number" ? penalty : 0;
  }
  return 0;
}

/**
 * Why a hit at or above the threshold is not counted: `no_interaction` when only the missing
 * input keeps it out (the rest of its points stay below the threshold: an unverified view),
 * else the signal with the most points, ties broken by the registry's precedence. Null for a
 * counted hit.
 */
export function mainReason(score: number, detail: Record<string, unknown>): string | null {
  if (score < BOT_SCORE_THRESHOLD) return null;
  let best: string | null = null;
  let bestPoints = 0;
  let others = 0;
  const rank = (name: string) => signalInfo(name)?.precedence ?? 1_000;
  for (const name in detail) {
    const points = entryPoints(detail[name]);
    if (points <= 0 || name === "no_interaction") continue;
    others += points;
    if (
      best === null || points > bestPoints ||
      (points === bestPoints && (rank(name) < rank(best) || (rank(name) === rank(best) &&
        name < best)))
    ) {
      best = name;
      bestPoints = points;
    }
  }
  if (entryPoints(detail.no_interaction) > 0 && others < BOT_SCORE_THRESHOLD) {
    return "no_interaction";
  }
  return best ?? "unknown";
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
