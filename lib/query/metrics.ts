// Every metric a query can ask for, declared once: its key (Plausible's Stats API v2 names), label,
// CSV header, the aggregates it is computed from and how, and how a comparison states its change.
// An aggregate belongs to one family of rows (lib/db/query/ computes each family's aggregates in
// one statement), so conversion metrics (goals) can be added as another family.

/** The rows an aggregate is computed over. */
export type Family =
  | "views"
  | "sessions"
  | "events"
  | "event_visitors"
  | "bots"
  | "conversions"
  | "base";

/** The families an engine computes ("base" is the runner's: lib/query/run.ts). */
export type EngineFamily = Exclude<Family, "base">;

/** The families counted over event rows (the others count views). */
export const EVENT_FAMILIES: ReadonlySet<Family> = new Set(["events", "event_visitors"]);

export const AGGREGATES = {
  /** Page views. */
  pageviews: "views",
  /** Sum over UTC days of each day's distinct visitor ids (ids rotate daily). */
  visitors: "views",
  /** Sessions that started in the range, and how many of them had a single page view. */
  visits: "sessions",
  bounces: "sessions",
  /** Page views of those sessions (all of them, matching a filter or not), and their length. */
  session_views: "sessions",
  duration_ms: "sessions",
  /** Events, and the scroll depth and engaged time of finished page views (pageview_end). */
  events: "events",
  /** Sum over UTC days of each day's distinct visitor ids among the events (ids rotate daily):
   * who sent the events, where `visitors` counts who viewed pages. A family of its own: the
   * per-day aggregates hold the events' counts, not their visitors. */
  event_visitors: "event_visitors",
  scroll_sum: "events",
  scroll_n: "events",
  engaged_ms: "events",
  engaged_n: "events",
  /** Every page view whatever its score, and those at or above the bot threshold. */
  all_views: "bots",
  bot_views: "bots",
  /** Conversions of the goals (lib/query/goals.ts): each matching page view or event, and the sum
   * over days of each day's distinct converting visitor ids. Over views and events both. */
  conversions: "conversions",
  unique_conversions: "conversions",
  /** Revenue goals' conversions: their amounts summed in the goal's currency, and how many had
   * one (lib/db/query/goals.ts). */
  revenue: "conversions",
  revenue_n: "conversions",
  /** The visitors a conversion rate divides by: the query's, by its other dimensions and without
   * its goal conditions (the runner asks for them: lib/query/run.ts). */
  base_visitors: "base",
} as const satisfies Record<string, Family>;

export type Aggregate = keyof typeof AGGREGATES;
export type Aggregates = Record<Aggregate, number>;

export interface MetricSpec {
  key: string;
  label: string;
  csvHeader: string;
  inputs: readonly Aggregate[];
  /** The value from a row's aggregates (and the totals of the whole query, for shares). */
  value: (a: Aggregates, totals: Aggregates) => number | null;
  /** A comparison's change: relative (percent of the previous value) or the difference. */
  change: "relative" | "difference";
}

const round = (n: number, digits = 0) => Math.round(n * 10 ** digits) / 10 ** digits;
/** a / b rounded, 0 when b is 0 (as the overview). */
const ratio = (a: number, b: number, digits = 0) => (b > 0 ? round(a / b, digits) : 0);
/** a / b rounded, null when there is nothing to average. */
const mean = (a: number, b: number, digits = 0) => (b > 0 ? round(a / b, digits) : null);

const metric = (
  key: string,
  label: string,
  inputs: readonly Aggregate[],
  value: MetricSpec["value"],
  change: MetricSpec["change"] = "relative",
): MetricSpec => ({ key, label, csvHeader: key, inputs, value, change });

export const METRICS: readonly MetricSpec[] = [
  metric("visitors", "Visitors", ["visitors"], (a) => a.visitors),
  metric("visits", "Visits", ["visits"], (a) => a.visits),
  metric("pageviews", "Page views", ["pageviews"], (a) => a.pageviews),
  metric("events", "Events", ["events"], (a) => a.events),
  // Echelon's extra: a breakdown of events (by a property, filtered on an event name) counts the
  // visitors who sent them; `visitors` counts page viewers, so it is 0 for event-only rows.
  metric("event_visitors", "Event visitors", ["event_visitors"], (a) => a.event_visitors),
  metric(
    "bounce_rate",
    "Bounce rate (%)",
    ["bounces", "visits"],
    (a) => ratio(a.bounces * 100, a.visits, 1),
    "difference",
  ),
  metric(
    "visit_duration",
    "Visit duration (s)",
    ["duration_ms", "visits"],
    (a) => ratio(a.duration_ms / 1000, a.visits),
  ),
  metric(
    "views_per_visit",
    "Views per visit",
    ["session_views", "visits"],
    (a) => ratio(a.session_views, a.visits, 2),
  ),
  metric(
    "scroll_depth",
    "Scroll depth (%)",
    ["scroll_sum", "scroll_n"],
    (a) => mean(a.scroll_sum, a.scroll_n),
  ),
  metric(
    "time_on_page",
    "Time on page (s)",
    ["engaged_ms", "engaged_n"],
    (a) => mean(a.engaged_ms / 1000, a.engaged_n),
  ),
  // The overview's avg_engagement_ms (lib/stats/overview.ts): engaged time per finished page view
  // in milliseconds, 0 when none finished (time_on_page is the same mean in seconds, null then).
  metric(
    "engagement_time",
    "Engagement time (ms)",
    ["engaged_ms", "engaged_n"],
    (a) => ratio(a.engaged_ms, a.engaged_n),
  ),
  metric(
    "percentage",
    "Share of visitors (%)",
    ["visitors"],
    (a, totals) => ratio(a.visitors * 100, totals.visitors, 1),
    "difference",
  ),
  // Goals (lib/query/goals.ts): with the event:goal dimension or a goal filter only.
  metric("conversions", "Conversions", ["conversions"], (a) => a.conversions),
  metric(
    "unique_conversions",
    "Unique conversions",
    ["unique_conversions"],
    (a) => a.unique_conversions,
  ),
  metric(
    "conversion_rate",
    "Conversion rate (%)",
    ["unique_conversions", "base_visitors"],
    (a) => ratio(a.unique_conversions * 100, a.base_visitors, 1),
    "difference",
  ),
  // Revenue goals (lib/query/goals.ts): amounts in the goal's currency.
  metric("total_revenue", "Revenue", ["revenue"], (a) => round(a.revenue, 2)),
  metric(
    "average_revenue",
    "Average revenue per conversion",
    ["revenue", "revenue_n"],
    (a) => mean(a.revenue, a.revenue_n, 2),
  ),
  metric(
    "revenue_per_visitor",
    "Revenue per visitor",
    ["revenue", "base_visitors"],
    (a) => ratio(a.revenue, a.base_visitors, 2),
  ),
  metric(
    "bot_share",
    "Bot share (%)",
    ["bot_views", "all_views"],
    (a) => ratio(a.bot_views * 100, a.all_views, 1),
    "difference",
  ),
];

const BY_KEY = new Map(METRICS.map((m) => [m.key, m]));

export function metricFor(key: string): MetricSpec | null {
  return BY_KEY.get(key) ?? null;
}

/** The metrics of the goals' conversions: asked with the event:goal dimension (then no other) or
 * a goal filter. */
export const CONVERSION_METRICS: ReadonlySet<string> = new Set([
  "conversions",
  "unique_conversions",
  "conversion_rate",
  "total_revenue",
  "average_revenue",
  "revenue_per_visitor",
]);

/** Metrics whose value needs the whole query's totals (a share). */
export const NEEDS_TOTALS: ReadonlySet<string> = new Set(["percentage"]);

export function emptyAggregates(): Aggregates {
  return Object.fromEntries(Object.keys(AGGREGATES).map((k) => [k, 0])) as Aggregates;
}
