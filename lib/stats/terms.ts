// The stats' shared terms, declared once: the value aggregates past a site's daily limit are
// summed under, the Core Web Vitals with their thresholds, and the overview's filters. Every
// engine, read and page uses these; lib/db/stats_source.ts re-exports them for the SQLite
// engine's queries.

/** Where aggregates past ECHELON_MAX_DAILY_VALUES values a site and day are summed (rollups,
 * the known-bot report). */
export const OTHER_VALUE = "(other)";

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
