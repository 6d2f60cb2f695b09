// The bot signals, declared once: name → points, label, explanation, group and precedence. The
// scorer, the Bots page (labels, "why excluded"), the stored main reason and the README's scoring
// table (checked by tests/signals_readme_test.ts) all read this list. Detectors with their own
// point tables (browser evidence, hosting networks, TLS fingerprints) keep them next to their
// logic; the entries here read those constants, so each value is written once.
import { EVIDENCE_POINTS } from "./evidence.ts";
import { HOSTING_LOW_WORK_POINTS, HOSTING_POINTS } from "./hosting_networks.ts";
import { TLS_FINGERPRINT_POINTS } from "./tls_fingerprint.ts";

/** Where a signal comes from; the "why excluded" view also sums excluded hits by group. */
export const SIGNAL_GROUPS = {
  rule: "Proof rules",
  seed: "Request checks",
  edge: "CDN / edge",
  evidence: "Browser evidence",
  network: "Network",
  correlation: "Correlation sweep",
} as const;
export type SignalGroup = keyof typeof SIGNAL_GROUPS;

export interface SignalInfo {
  /** Fixed points, or "varies" (the explanation says on what). */
  points: number | "varies";
  label: string;
  explanation: string;
  group: SignalGroup;
  /** Breaks ties between equal points when choosing a hit's main reason: lower wins. */
  precedence: number;
}

export const SIGNALS = {
  no_proof: {
    points: 50,
    label: "No valid proof of work",
    explanation: "A view or event whose proof-of-work token is missing, invalid, expired or " +
      "replayed: only the tracker in a browser produces one.",
    group: "rule",
    precedence: 10,
  },
  no_interaction: {
    points: 50,
    label: "No real interaction (unverified)",
    explanation: "A page view sent without trusted pointer, key, wheel or touch input (or ≥ 5 " +
      "pointer moves over ≥ 50 px): a reader who never touched the page, shown as unverified.",
    group: "rule",
    precedence: 90,
  },
  probe_mismatch: {
    points: EVIDENCE_POINTS.probe_mismatch,
    label: "Forged browser evidence",
    explanation: "The evidence sealed into the token has text widths no font engine produces " +
      "for the challenge's texts, or cannot be read: a solver without a browser.",
    group: "evidence",
    precedence: 11,
  },
  probe_missing: {
    points: EVIDENCE_POINTS.probe_missing,
    label: "No browser evidence",
    explanation: "A valid token without the browser evidence our tracker seals into it.",
    group: "evidence",
    precedence: 12,
  },
  hosting_low_work: {
    points: HOSTING_LOW_WORK_POINTS,
    label: "Cheap proof from a data centre",
    explanation: "A hit from a hosting network whose token was solved below the hosting " +
      "difficulty (its challenge was fetched elsewhere).",
    group: "network",
    precedence: 13,
  },
  cf: {
    points: "varies",
    label: "Cloudflare bot score",
    explanation: "Cloudflare's bot score ≤ 2 / 3–29 / 30–50 adds 50 / 30 / 10 " +
      "(ECHELON_BEHIND_CLOUDFLARE, from a trusted proxy only).",
    group: "edge",
    precedence: 20,
  },
  cf_verified: {
    points: 15,
    label: "Cloudflare verified bot",
    explanation: "Cloudflare says the client is a verified bot.",
    group: "edge",
    precedence: 21,
  },
  crawler_feed: {
    points: 30,
    label: "Crawler user agent",
    explanation: "The User-Agent is in the crawler-user-agents list (also lists some in-app " +
      "browsers, hence points, not a drop).",
    group: "seed",
    precedence: 30,
  },
  correlated: {
    points: "varies",
    label: "Fingerprint cluster",
    explanation: "≥ 6 visitors without a valid proof share one fingerprint on a site within " +
      "20 min: +30, or +50 from 8 or when a member already scored as a bot (background sweep).",
    group: "correlation",
    precedence: 40,
  },
  pow: {
    points: "varies",
    label: "Proof-of-work verdict",
    explanation: "Token missing / invalid or expired / replayed: +15 / +25 / +40 (the verdict " +
      "is stored as pow_result).",
    group: "seed",
    precedence: 50,
  },
  burst: {
    points: 25,
    label: "Burst of views",
    explanation: "More than 15 page views from one IP within 5 minutes.",
    group: "seed",
    precedence: 51,
  },
  geo: {
    points: "varies",
    label: "Suspect country",
    explanation: "The country is in ECHELON_SUSPECT_COUNTRIES (ECHELON_SUSPECT_POINTS).",
    group: "seed",
    precedence: 52,
  },
  geo_site: {
    points: "varies",
    label: "Suspect country for the site",
    explanation: "The country is suspect for this site (ECHELON_SUSPECT_POINTS).",
    group: "seed",
    precedence: 53,
  },
  timing: {
    points: "varies",
    label: "Too fast",
    explanation: "First page view sent < 850 ms / 850–999 ms after load: +20 / +8.",
    group: "seed",
    precedence: 54,
  },
  headers: {
    points: "varies",
    label: "Missing browser headers",
    explanation: "No Accept-Language; neither Sec-CH-UA nor Sec-Fetch-Site: +10 each.",
    group: "seed",
    precedence: 55,
  },
  screen: {
    points: 10,
    label: "Unrealistic screen",
    explanation: "A view sent a screen width or height that is not a number, ≤ 0 or above 10 000.",
    group: "seed",
    precedence: 56,
  },
  no_events: {
    points: 15,
    label: "No behaviour event",
    explanation: "A page view whose visitor sent no event within 5 minutes (background sweep).",
    group: "correlation",
    precedence: 57,
  },
  referrer: {
    points: 5,
    label: "Deep path without referrer",
    explanation: "No referrer on a path two or more segments deep.",
    group: "seed",
    precedence: 58,
  },
  env_mismatch: {
    points: EVIDENCE_POINTS.env_mismatch,
    label: "Evidence contradicts the request",
    explanation: "Language not in Accept-Language, screen ≠ sw/sh, available > screen, or an " +
      "impossible device-pixel ratio or time-zone offset.",
    group: "evidence",
    precedence: 60,
  },
  headless: {
    points: "varies",
    label: "Headless browser tells",
    explanation: "Summed: navigator.webdriver 20; a UA claiming Chrome without window.chrome " +
      "25; an outer window empty or smaller than the inner one 25.",
    group: "evidence",
    precedence: 61,
  },
  hosting: {
    points: HOSTING_POINTS,
    label: "Hosting network",
    explanation: "The client IP is on a cloud, VPS or server network (bundled IP→ASN data and " +
      "lib/bots/hosting_networks.json, ECHELON_HOSTING_ASNS); alone it never excludes.",
    group: "network",
    precedence: 62,
  },
  tls_fingerprint: {
    points: TLS_FINGERPRINT_POINTS,
    label: "Non-browser TLS fingerprint",
    explanation: "A JA4 from a trusted proxy (ECHELON_TLS_FINGERPRINT_HEADER) that no browser " +
      "sends, or not the claimed browser's.",
    group: "network",
    precedence: 63,
  },
} as const satisfies Record<string, SignalInfo>;

export type SignalName = keyof typeof SIGNALS;

/** The registry entry of a stored signal name, or null for a name it does not know. */
export function signalInfo(name: string): SignalInfo | null {
  return Object.hasOwn(SIGNALS, name) ? SIGNALS[name as SignalName] : null;
}

/** Every signal name, most important first (by precedence). */
export const SIGNAL_NAMES: readonly SignalName[] = (Object.keys(SIGNALS) as SignalName[])
  .sort((a, b) => SIGNALS[a].precedence - SIGNALS[b].precedence);
