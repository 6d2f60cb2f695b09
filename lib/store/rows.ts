// The rows a batch write stores (the write side of the store, lib/store/types.ts): a page view's
// and an event's columns, declared once and shared by the collectors, the anonymiser, the
// engine's writers (lib/db/columns.ts), the fixtures of tests and the exports (CONTRIBUTING.md,
// code rule 6).

export const VIEW_COLUMNS = [
  "visitor_id",
  "session_id",
  "site_id",
  "path",
  "interaction_ms",
  "is_spa",
  "screen_width",
  "screen_height",
  "device_type",
  "os_name",
  "os_version",
  "browser_name",
  "browser_version",
  "country_code",
  "region",
  "city",
  "is_returning",
  "is_pwa",
  "referrer",
  "referrer_domain",
  "referrer_type",
  "utm_source",
  "utm_medium",
  "utm_campaign",
  "utm_content",
  "utm_term",
  "pow_verdict",
  "pow_solve_ms",
  "bot_score",
  "bot_score_detail",
  "bot_reason",
  "created_at",
] as const;

export const EVENT_COLUMNS = [
  "event_type",
  "event_name",
  "site_id",
  "session_id",
  "visitor_id",
  "path",
  "data",
  "engaged_ms",
  "scroll_pct",
  "experiment_id",
  "variant_id",
  "utm_campaign",
  "device_type",
  "referrer",
  "hour",
  "month",
  "day_of_week",
  "is_returning",
  "source",
  "bot_score",
  "bot_score_detail",
  "bot_reason",
  "created_at",
] as const;

type Value = string | number | null;
export type ViewRow = { [K in typeof VIEW_COLUMNS[number]]: Value };
export type EventRow = { [K in typeof EVENT_COLUMNS[number]]: Value };

/** A counter increment the collectors hand over with a batch (known-bot hits: `a` the bot, `b`
 * the path; drops: `a` the reason, `b` the endpoint): (day, site, key parts) → hits to add. */
export interface CounterDelta {
  date: string;
  siteId: string;
  a: string;
  b: string;
  hits: number;
}
