// Period-over-period changes of the headline figures: the overview's `deltas` (compare=previous)
// and the MCP comparison of any two periods. No imports, so the stdio MCP server can use it.

/** The headline figures compared between two periods. */
export const DELTA_KEYS = [
  "visits",
  "unique_visitors",
  "sessions",
  "bounce_rate",
  "pages_per_session",
  "avg_session_ms",
  "avg_engagement_ms",
  "avg_scroll_pct",
  "events",
] as const;
export type DeltaKey = typeof DELTA_KEYS[number];

export interface Change {
  current: number;
  previous: number;
  change: number;
  /** null when the previous value is 0. */
  change_pct: number | null;
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

export function change(current: number, previous: number): Change {
  return {
    current,
    previous,
    change: round(current - previous, 2),
    change_pct: previous === 0 ? null : round(((current - previous) / previous) * 100, 1),
  };
}

/** Every headline figure's change from `before` to `now`. */
export function deltas(
  now: Record<DeltaKey, number>,
  before: Record<DeltaKey, number>,
): Record<DeltaKey, Change> {
  return Object.fromEntries(
    DELTA_KEYS.map((key) => [key, change(now[key], before[key])]),
  ) as Record<
    DeltaKey,
    Change
  >;
}
