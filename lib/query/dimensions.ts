// Every dimension a query can group or filter by, declared once: its key (Plausible's Stats API v2
// names), label, CSV header, what it is computed from, and the value shown when a row has none.
// The compiler (lib/db/query/) turns `from` into each engine's SQL; the API, exports, dashboard
// lists and MCP tools read labels and headers here (issue 16, "one dimension registry").

/** A field of the rows a query counts (a page view or an event, with its session). */
export type RowField =
  | "page"
  | "name"
  | "entry_page"
  | "exit_page"
  | "source"
  | "referrer"
  | "referrer_domain"
  | "referrer_type"
  | "utm_source"
  | "utm_medium"
  | "utm_campaign"
  | "utm_content"
  | "utm_term"
  | "country"
  | "device"
  | "os"
  | "browser"
  | "screen"
  | "score_bucket"
  | "bot_reason"
  | "pow_verdict";

export type TimeUnit = "minute" | "hour" | "day" | "week" | "month";

/** What a dimension's value is computed from, engine-neutral. */
export type DimensionSource =
  | { kind: "time"; unit: TimeUnit }
  | { kind: "field"; field: RowField }
  | { kind: "prop" }
  /** The goals a row converts (lib/query/goals.ts): a conversion's goal when grouped by; in a
   * filter, the visits that converted. */
  | { kind: "goal" };

/**
 * How the overview (lib/stats/overview.ts `OverviewLists`) lists a dimension's values: the list,
 * its heading (the CSV section's title), the rows' value field (and CSV column), what each row
 * counts and how many rows it keeps. lib/stats/engine_overview.ts fills the lists from these and
 * lib/export/overview.ts writes their CSV sections.
 */
export interface OverviewListSpec {
  key: string;
  title: string;
  field: string;
  /**
   * views: `{field, views, visitors}` (page views); visits: the same counts named `visits`;
   * entries: `{field, sessions, bounces, bounce_rate}` (sessions entering there); exits:
   * `{field, sessions}` (sessions leaving there).
   */
  rows: "views" | "visits" | "entries" | "exits";
  /** top: the request's limit (default 20); all: every value; a number: that default. */
  length: "top" | "all" | number;
  /** Rows without a value (the dimension's `empty`) are left out. */
  skipEmpty?: boolean;
  /** Only views whose `dimension` is none of `values` are counted. */
  exclude?: { dimension: string; values: string[] };
  /** How the admin dashboard draws the list (lib/admin/dashboard_lists.ts). */
  dashboard: DashboardListSpec;
}

/**
 * A list's table on the admin dashboard: drawn in `card` (lib/admin/dashboard_lists.ts
 * DASHBOARD_CARDS), each row a link filtering the dashboard by its value of the dimension.
 */
export interface DashboardListSpec {
  card: string;
  /** The table's id. */
  table: string;
  /** Above the table, when its card holds several lists. */
  heading?: string;
  /** The value column's heading (the counts' follow from `rows`). */
  column: string;
  /** Shown when the list has no rows. */
  empty: string;
  /** How a value reads: monospace (paths), underscores as spaces (words), a country's name. */
  show?: "mono" | "words" | "country";
}

export interface DimensionSpec {
  key: string;
  label: string;
  csvHeader: string;
  from: DimensionSource;
  /**
   * `row`: a property of each page view or event; `session`: of the visit it belongs to (its
   * first or last view), the same for every row of the visit; `time`: the row's local time bucket.
   */
  level: "row" | "session" | "time";
  /** The value of a row without one (filters compare against it too). */
  empty: string;
  /** The overview's list of this dimension, if it has one. */
  overview?: OverviewListSpec;
}

const NONE = "(none)";
const UNKNOWN = "unknown";

const time = (unit: TimeUnit, label: string): DimensionSpec => ({
  key: `time:${unit}`,
  label,
  csvHeader: unit,
  from: { kind: "time", unit },
  level: "time",
  empty: NONE,
});

const field = (
  key: string,
  f: RowField,
  label: string,
  csvHeader: string,
  options: { level?: "row" | "session"; empty?: string; overview?: OverviewListSpec } = {},
): DimensionSpec => ({
  key,
  label,
  csvHeader,
  from: { kind: "field", field: f },
  level: options.level ?? "row",
  empty: options.empty ?? NONE,
  ...(options.overview ? { overview: options.overview } : {}),
});

/** An overview list of page views (and visitors) by value, drawn on the dashboard as `dashboard`. */
const views = (
  key: string,
  title: string,
  field: string,
  dashboard: DashboardListSpec,
  more: Partial<OverviewListSpec> = {},
): OverviewListSpec => ({ key, title, field, rows: "views", length: "top", dashboard, ...more });

const NO_VIEWS = "No page views.";

// In the overview's order: its lists, and its CSV sections, follow this order.
export const DIMENSIONS: readonly DimensionSpec[] = [
  time("minute", "Minute"),
  time("hour", "Hour"),
  time("day", "Day"),
  time("week", "Week (from Monday)"),
  time("month", "Month"),
  field("event:page", "page", "Page", "page", {
    overview: views("top_paths", "Top pages", "path", {
      card: "top-pages",
      table: "top-pages-table",
      column: "Path",
      empty: NO_VIEWS,
      show: "mono",
    }),
  }),
  // Views are "pageview"; events are their custom name, else their type (outbound, download…).
  field("event:name", "name", "Event", "event"),
  // The site's goals (lib/query/goals.ts): grouped by, the conversions of each goal (with the
  // conversion metrics only); as a filter, the visits with a conversion of the goals named (the
  // conversion metrics then count those goals only).
  {
    key: "event:goal",
    label: "Goal",
    csvHeader: "goal",
    from: { kind: "goal" },
    // Not a session field kept per day (lib/db/aggregates.ts SESSION_AGGREGATE_DIMENSIONS).
    level: "row",
    empty: NONE,
  },
  field("visit:entry_page", "entry_page", "Entry page", "entry_page", {
    level: "session",
    overview: views("entry_pages", "Entry pages", "path", {
      card: "entry-exit",
      table: "entry-pages",
      heading: "Entry",
      column: "Path",
      empty: "No sessions.",
      show: "mono",
    }, { rows: "entries" }),
  }),
  field("visit:exit_page", "exit_page", "Exit page", "exit_page", {
    level: "session",
    overview: views("exit_pages", "Exit pages", "path", {
      card: "entry-exit",
      table: "exit-pages",
      heading: "Exit",
      column: "Path",
      empty: "No sessions.",
      show: "mono",
    }, { rows: "exits" }),
  }),
  field("visit:source", "source", "Source", "source", {
    level: "session",
    empty: "Direct / None",
  }),
  field("visit:referrer", "referrer", "Referrer", "referrer"),
  // Echelon: each view's referrer host ("www." removed), internal ones included (the overview's
  // `referrer` filter); the overview's referrer list leaves the internal ones out.
  field("visit:referrer_domain", "referrer_domain", "Referrer domain", "referrer_domain", {
    overview: views("referrer_domains", "Referrers", "domain", {
      card: "sources",
      table: "referrer-domains",
      heading: "Domains",
      column: "Domain",
      empty: "No referrers.",
    }, {
      skipEmpty: true,
      exclude: { dimension: "visit:referrer_type", values: ["internal"] },
    }),
  }),
  field("visit:referrer_type", "referrer_type", "Referrer type", "referrer_type", {
    empty: "direct_or_unknown",
    overview: views("referrers", "Referrer types", "referrer_type", {
      card: "sources",
      table: "referrer-types",
      heading: "Types",
      column: "Type",
      empty: NO_VIEWS,
      show: "words",
    }, { length: "all" }),
  }),
  field("visit:utm_source", "utm_source", "UTM source", "utm_source", {
    overview: views("utm_sources", "UTM sources", "utm_source", {
      card: "campaigns",
      table: "utm-sources",
      heading: "Source",
      column: "utm_source",
      empty: "No tagged visits.",
    }, { skipEmpty: true }),
  }),
  field("visit:utm_medium", "utm_medium", "UTM medium", "utm_medium", {
    overview: views("utm_mediums", "UTM mediums", "utm_medium", {
      card: "campaigns",
      table: "utm-mediums",
      heading: "Medium",
      column: "utm_medium",
      empty: "No tagged visits.",
    }, { skipEmpty: true }),
  }),
  field("visit:utm_campaign", "utm_campaign", "UTM campaign", "utm_campaign", {
    overview: views("utm_campaigns", "UTM campaigns", "utm_campaign", {
      card: "campaigns",
      table: "utm-campaigns",
      heading: "Campaign",
      column: "utm_campaign",
      empty: "No tagged visits.",
    }, { skipEmpty: true }),
  }),
  field("visit:utm_content", "utm_content", "UTM content", "utm_content"),
  field("visit:utm_term", "utm_term", "UTM term", "utm_term"),
  field("visit:country", "country", "Country", "country", {
    empty: UNKNOWN,
    overview: views("countries", "Countries", "country_code", {
      card: "countries",
      table: "countries-table",
      column: "Country",
      empty: NO_VIEWS,
      show: "country",
    }, { rows: "visits", length: 10 }),
  }),
  field("visit:device", "device", "Device", "device", {
    empty: UNKNOWN,
    overview: views("devices", "Devices", "device_type", {
      card: "devices",
      table: "devices-table",
      heading: "Device",
      column: "Device",
      empty: NO_VIEWS,
    }, { rows: "visits", length: "all" }),
  }),
  field("visit:browser", "browser", "Browser", "browser", {
    empty: UNKNOWN,
    overview: views("browsers", "Browsers", "browser", {
      card: "browsers",
      table: "browsers-table",
      column: "Browser",
      empty: NO_VIEWS,
    }),
  }),
  field("visit:os", "os", "Operating system", "os", {
    empty: UNKNOWN,
    overview: views("os_systems", "Operating systems", "os_name", {
      card: "devices",
      table: "os-table",
      heading: "Operating system",
      column: "OS",
      empty: NO_VIEWS,
    }),
  }),
  // Screen width classes (Bootstrap's breakpoints: xs < 576 ≤ sm < 768 ≤ md < 992 ≤ lg < 1200 ≤
  // xl < 1920 ≤ xxl), as the overview's screen_classes list.
  field("visit:screen", "screen", "Screen", "screen", {
    empty: UNKNOWN,
    overview: views("screen_classes", "Screen classes", "screen_class", {
      card: "screens",
      table: "screen-classes-table",
      heading: "Width class",
      column: "Class",
      empty: NO_VIEWS,
    }, {
      length: "all",
      skipEmpty: true,
    }),
  }),
  // The bot report: each view's or event's own bot score in SCORE_BUCKETS, its stored main reason
  // (bot_reason: rows counted as human have none) and a view's proof-of-work verdict (events have
  // none). Only rows the query's bot setting keeps are counted: ask with `bots: "show"` or "only".
  field("bot:score_bucket", "score_bucket", "Bot score", "bot_score_bucket"),
  field("bot:reason", "bot_reason", "Bot reason", "bot_reason"),
  field("bot:pow_verdict", "pow_verdict", "Proof-of-work verdict", "pow_verdict", {
    empty: "none",
  }),
];

/** The dimensions the overview lists, in its order. */
export const OVERVIEW_DIMENSIONS: readonly (DimensionSpec & { overview: OverviewListSpec })[] =
  DIMENSIONS.filter((d): d is DimensionSpec & { overview: OverviewListSpec } => !!d.overview);

const BY_KEY = new Map(DIMENSIONS.map((d) => [d.key, d]));

export const PROP_PREFIX = "event:props:";
/** A custom property key: what the tracker's `data` object may carry as a key. */
export const PROP_KEY_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

/** The dimension named `key` (a registered one, or `event:props:<key>`), or null. */
export function dimensionFor(key: string): DimensionSpec | null {
  const known = BY_KEY.get(key);
  if (known) return known;
  if (!key.startsWith(PROP_PREFIX)) return null;
  const prop = key.slice(PROP_PREFIX.length);
  if (!PROP_KEY_PATTERN.test(prop)) return null;
  return {
    key,
    label: `Property ${prop}`,
    csvHeader: `prop_${prop}`,
    from: { kind: "prop" },
    level: "row",
    empty: NONE,
  };
}

/** The property key of an `event:props:<key>` dimension. */
export function propKeyOf(key: string): string | null {
  return key.startsWith(PROP_PREFIX) ? key.slice(PROP_PREFIX.length) : null;
}

/**
 * Bot score bands, lowest first: a score from `from` up to the next band's is `name`. The Bots
 * page's bands (clean below 25, suspicious below the threshold of 50, bots from it), its bot band
 * split at 75.
 */
export const SCORE_BUCKETS: readonly { from: number; name: string }[] = [
  { from: 0, name: "0-24" },
  { from: 25, name: "25-49" },
  { from: 50, name: "50-74" },
  { from: 75, name: "75-100" },
];

/** Screen width classes, narrowest first: below `below` pixels is `name`; wider is `WIDEST`. */
export const SCREEN_CLASSES: readonly { below: number; name: string }[] = [
  { below: 576, name: "xs" },
  { below: 768, name: "sm" },
  { below: 992, name: "md" },
  { below: 1200, name: "lg" },
  { below: 1920, name: "xl" },
];
export const WIDEST_SCREEN_CLASS = "xxl";
