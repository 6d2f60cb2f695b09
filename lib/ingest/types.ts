// The vocabulary of the collectors: endpoints, drop reasons (a closed union, each one counted),
// and the request facts every step shares.

/** `collect` is Nanolytica's `POST /api/analytics/collect` (lib/ingest/nanolytica.ts). */
export type Endpoint = "b.gif" | "e" | "ingest" | "collect";

export const DROP_REASONS = [
  "rate_limited",
  "origin_not_allowed",
  "dnt",
  "invalid_payload",
  "site_ignored",
  "site_not_allowed",
  /** A new site while the registry holds ECHELON_MAX_SITES sites (lib/ingest/site_registrar.ts). */
  "site_limit",
  /** A new site past ECHELON_NEW_SITES_PER_HOUR new sites in the last hour. */
  "site_rate_limit",
  "known_bot",
  "excluded_visitor",
  "over_threshold",
  "buffer_full",
] as const;
export type DropReason = typeof DROP_REASONS[number];

/** What a collector learned about the request before looking at its payload. */
export interface RequestFacts {
  endpoint: Endpoint;
  headers: Headers;
  ip: string;
  userAgent: string;
  now: number;
  /** UTC day of `now`, YYYY-MM-DD. */
  date: string;
  /** The page reached us over HTTPS (directly or through a trusted proxy). */
  secure: boolean;
  /**
   * The TCP peer is a trusted proxy, so headers an edge adds (country, Cloudflare's bot score)
   * are the edge's; from any other peer they are the client's own claim and are ignored.
   */
  viaTrustedProxy: boolean;
}

export type StepResult = DropReason | undefined;

export class Dropped extends Error {
  constructor(readonly reason: DropReason, readonly siteId = "", readonly step = "") {
    super(`dropped: ${reason}`);
  }
}

// Pure memos of the clock formats every hit asks for (a day's hits share the date, a busy
// millisecond's hits the timestamp); nothing a test could observe.
const DAY_MS = 86_400_000;
let lastDay = { start: 0, end: 0, text: "1970-01-01" };
let lastInstant = { ms: NaN, text: "" };

/** UTC day of `ms`, YYYY-MM-DD. */
export function utcDate(ms: number): string {
  if (ms >= lastDay.start && ms < lastDay.end) return lastDay.text;
  const start = Math.floor(ms / DAY_MS) * DAY_MS;
  const text = new Date(ms).toISOString().slice(0, 10);
  if (Number.isFinite(start)) lastDay = { start, end: start + DAY_MS, text };
  return text;
}

/** `new Date(ms).toISOString()`. */
export function isoTimestamp(ms: number): string {
  if (ms === lastInstant.ms) return lastInstant.text;
  const text = new Date(ms).toISOString();
  lastInstant = { ms, text };
  return text;
}
