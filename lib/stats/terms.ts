// The stats' shared terms, declared once: the value aggregates past a site's daily limit are
// summed under, the Core Web Vitals with their thresholds, the overview's filters, and the
// figures of a day and of a dimension's value that the overview adds up. Every engine, read and
// page uses these; lib/db/stats_source.ts and lib/db/stats.ts re-export them for the SQLite
// engine's queries.

/** Where aggregates past ECHELON_MAX_DAILY_VALUES values a site and day are summed (rollups,
 * the known-bot report). */
export const OTHER_VALUE = "(other)";

/** Joins country, region and city in the values of the region and city dimensions (a control
 * character, which the geo step strips from every name it stores). */
export const PLACE_SEPARATOR = "\u001f";

/** Core Web Vitals thresholds (web.dev): good ≤ first, poor > second. CLS is sent ×1000. */
export const VITAL_THRESHOLDS = {
  LCP: [2500, 4000],
  CLS: [100, 250],
  INP: [200, 500],
} as const;
export type VitalMetric = keyof typeof VITAL_THRESHOLDS;
export const VITAL_METRICS = Object.keys(VITAL_THRESHOLDS) as VitalMetric[];

/**
 * The overview's filters (`path`, `referrer`, …): which views match. Event figures of a filtered
 * query count the events of visitors that have a matching view.
 */
export interface StatsFilters {
  path?: string;
  /** Paths containing this text (case-sensitive), e.g. "/blog/". */
  path_contains?: string;
  referrer?: string;
  country?: string;
  device?: string;
  utm_source?: string;
  utm_medium?: string;
  utm_campaign?: string;
}

export const FILTER_NAMES = [
  "path",
  "path_contains",
  "referrer",
  "country",
  "device",
  "utm_source",
  "utm_medium",
  "utm_campaign",
] as const satisfies readonly (keyof StatsFilters)[];

/** One day's additive figures of a site (the overview's totals and trend). */
export interface DayTotals {
  date: string;
  views: number;
  visitors: number;
  sessions: number;
  bounces: number;
  session_views: number;
  session_ms: number;
  interaction_ms: number;
  interaction_n: number;
  events: number;
  engaged_ms: number;
  engaged_n: number;
  scroll_pct: number;
  scroll_n: number;
  /** Counted visitors with a valid proof of work (and, by the rules, trusted interaction). */
  verified_visitors: number;
  /** Views kept out only for lack of trusted input (bot_reason 'no_interaction'), and visitors. */
  unverified_views: number;
  unverified_visitors: number;
  /** Every other view at or above the bot threshold, and its visitors. */
  excluded_views: number;
  excluded_visitors: number;
}

/** One value's additive figures of a dimension (the overview's lists). */
export interface DimensionRow {
  value: string;
  views: number;
  visitors: number;
  /** Path rows: sessions that entered on this page, and how many of them bounced. */
  sessions: number;
  bounces: number;
  /** Path rows: sessions that left from this page. */
  exits: number;
}
