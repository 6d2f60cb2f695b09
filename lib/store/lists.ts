// The admin's raw lists, read by name (lib/reads/registry.ts: recentViews, topPaths, events,
// eventCounts, visitors, visitorAggregates): their filters, rows and sort keys (the cursors of
// lib/admin/cursor.ts carry a row's key), and the aggregates public mode shows instead. Pages of
// rows are keyset pages (lib/store/pages.ts).
import type { BotFilter } from "../bots/thresholds.ts";

// ---------------------------------------------------------------------------------------------
// Page views (/admin/views)

export interface ViewFilter {
  site: string | null;
  since: string;
  until: string;
  /** Case-insensitive substring of the path. */
  pathContains: string;
  country: string | null;
  device: string | null;
  bots: BotFilter;
  /** Only views stored with this main reason (bot_reason), e.g. from the Bots page. */
  reason?: string | null;
}

export interface ViewListRow {
  [column: string]: unknown;
  id: number;
  created_at: string;
  site_id: string;
  visitor_id: string;
  path: string;
  device_type: string | null;
  os_name: string | null;
  browser_name: string | null;
  country_code: string | null;
  referrer_domain: string | null;
  interaction_ms: number | null;
  pow_verdict: string | null;
  bot_score: number;
  bot_reason: string | null;
  is_excluded: number;
}

export const VIEW_LIST_KEYS = ["created_at", "id"] as const;

export interface PathCount {
  path: string;
  views: number;
  visitors: number;
}

// ---------------------------------------------------------------------------------------------
// Behaviour events (/admin/events)

export interface EventFilter {
  site: string | null;
  since: string;
  until: string;
  type: string | null;
  name: string | null;
  bots: BotFilter;
}

export interface EventListRow {
  [column: string]: unknown;
  id: number;
  created_at: string;
  site_id: string;
  event_type: string;
  event_name: string | null;
  path: string | null;
  data: string | null;
  visitor_id: string | null;
  device_type: string | null;
  source: string;
  bot_score: number;
}

export const EVENT_LIST_KEYS = ["created_at", "id"] as const;

export interface EventCount {
  event_type: string;
  event_name: string | null;
  events: number;
  visitors: number;
}

// ---------------------------------------------------------------------------------------------
// Visitors (/admin/visitors): one row per visitor and site over a range

export type VisitorSort = "last_seen" | "views" | "score";

export interface VisitorFilter {
  site: string | null;
  since: string;
  until: string;
  country: string | null;
  device: string | null;
  /** Only visitors whose highest score reaches this. */
  minScore: number;
  /** "bots": highest score ≥ threshold or excluded; "humans": neither. */
  kind: "all" | "humans" | "bots";
}

export interface VisitorListRow {
  [column: string]: unknown;
  visitor_id: string;
  site_id: string;
  first_seen: string;
  last_seen: string;
  views: number;
  events: number;
  max_score: number;
  countries: string | null;
  devices: string | null;
  browsers: string | null;
  is_excluded: number;
}

/** Sort keys per order; each ends with the unique (site_id, visitor_id) pair. */
export const VISITOR_SORT_KEYS: Readonly<Record<VisitorSort, readonly string[]>> = {
  last_seen: ["last_seen", "site_id", "visitor_id"],
  views: ["views", "site_id", "visitor_id"],
  score: ["max_score", "site_id", "visitor_id"],
};

export interface VisitorAggregates {
  visitors: number;
  human_visitors: number;
  bot_visitors: number;
  countries: { country_code: string; visitors: number }[];
  devices: { device_type: string; visitors: number }[];
}
