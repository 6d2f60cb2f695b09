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

export type TimeUnit = "hour" | "day" | "week" | "month";

/** What a dimension's value is computed from, engine-neutral. */
export type DimensionSource =
  | { kind: "time"; unit: TimeUnit }
  | { kind: "field"; field: RowField }
  | { kind: "prop" };

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
  options: { level?: "row" | "session"; empty?: string } = {},
): DimensionSpec => ({
  key,
  label,
  csvHeader,
  from: { kind: "field", field: f },
  level: options.level ?? "row",
  empty: options.empty ?? NONE,
});

export const DIMENSIONS: readonly DimensionSpec[] = [
  time("hour", "Hour"),
  time("day", "Day"),
  time("week", "Week (from Monday)"),
  time("month", "Month"),
  field("event:page", "page", "Page", "page"),
  // Views are "pageview"; events are their custom name, else their type (outbound, download…).
  field("event:name", "name", "Event", "event"),
  field("visit:entry_page", "entry_page", "Entry page", "entry_page", { level: "session" }),
  field("visit:exit_page", "exit_page", "Exit page", "exit_page", { level: "session" }),
  field("visit:source", "source", "Source", "source", {
    level: "session",
    empty: "Direct / None",
  }),
  field("visit:referrer", "referrer", "Referrer", "referrer"),
  // Echelon: each view's referrer host ("www." removed), internal ones included (the overview's
  // `referrer` filter); the referrer_domains list leaves the internal ones out.
  field("visit:referrer_domain", "referrer_domain", "Referrer domain", "referrer_domain"),
  field("visit:referrer_type", "referrer_type", "Referrer type", "referrer_type", {
    empty: "direct_or_unknown",
  }),
  field("visit:utm_source", "utm_source", "UTM source", "utm_source"),
  field("visit:utm_medium", "utm_medium", "UTM medium", "utm_medium"),
  field("visit:utm_campaign", "utm_campaign", "UTM campaign", "utm_campaign"),
  field("visit:utm_content", "utm_content", "UTM content", "utm_content"),
  field("visit:utm_term", "utm_term", "UTM term", "utm_term"),
  field("visit:country", "country", "Country", "country", { empty: UNKNOWN }),
  field("visit:device", "device", "Device", "device", { empty: UNKNOWN }),
  field("visit:os", "os", "Operating system", "os", { empty: UNKNOWN }),
  field("visit:browser", "browser", "Browser", "browser", { empty: UNKNOWN }),
  // Screen width classes (Bootstrap's breakpoints: xs < 576 ≤ sm < 768 ≤ md < 992 ≤ lg < 1200 ≤
  // xl < 1920 ≤ xxl), as the overview's screen_classes list.
  field("visit:screen", "screen", "Screen", "screen", { empty: UNKNOWN }),
  // The bot report: each view's or event's own bot score in SCORE_BUCKETS, its stored main reason
  // (bot_reason: rows counted as human have none) and a view's proof-of-work verdict (events have
  // none). Only rows the query's bot setting keeps are counted: ask with `bots: "show"` or "only".
  field("bot:score_bucket", "score_bucket", "Bot score", "bot_score_bucket"),
  field("bot:reason", "bot_reason", "Bot reason", "bot_reason"),
  field("bot:pow_verdict", "pow_verdict", "Proof-of-work verdict", "pow_verdict", {
    empty: "none",
  }),
];

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
