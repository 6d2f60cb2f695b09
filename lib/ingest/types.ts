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
}

export type StepResult = DropReason | undefined;

export class Dropped extends Error {
  constructor(readonly reason: DropReason, readonly siteId = "", readonly step = "") {
    super(`dropped: ${reason}`);
  }
}

export function utcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
