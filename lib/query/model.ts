// The typed query (issue 16): sites, a date range in a time zone, metrics, dimensions, filters,
// order, pagination, `include` and the bot setting. The request body follows Plausible's Stats API
// v2 (`site_id`, `metrics`, `date_range`, `dimensions`, `filters`, `order_by`, `include`,
// `pagination`); Echelon's extras (several sites, `timezone`, `bots`, `bot_threshold`) are
// additive. QUERY_BODY checks the shape and `resolveQuery` the meaning (names, ranges, patterns),
// turning a body into a `Query` or throwing 400 `invalid_query` naming the field.
import { z } from "zod";
import { SITE_ID_PATTERN } from "../config.ts";
import { BOT_SCORE_THRESHOLD } from "../bots/thresholds.ts";
import { withCode } from "../api/fields.ts";
import { HttpError } from "../http_error.ts";
import { dimensionFor } from "./dimensions.ts";
import { CONVERSION_METRICS, metricFor } from "./metrics.ts";
import { addLocalDays, addMonths, isTimeZone, localDate } from "./time_zone.ts";

export const FILTER_OPERATORS = [
  "is",
  "is_not",
  "contains",
  "contains_not",
  "matches",
  "matches_not",
] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];

/** One condition on one dimension's values. */
export interface Condition {
  op: FilterOperator;
  dimension: string;
  values: string[];
}

export type Filter =
  | { op: "and" | "or"; filters: Filter[] }
  | { op: "not"; filter: Filter }
  | Condition;

export function isCondition(f: Filter): f is Condition {
  return "dimension" in f;
}

/** Whether a filter has a condition meeting `test` anywhere. */
export function anyCondition(f: Filter | null, test: (c: Condition) => boolean): boolean {
  if (!f) return false;
  if (isCondition(f)) return test(f);
  return "filters" in f
    ? f.filters.some((x) => anyCondition(x, test))
    : anyCondition(f.filter, test);
}

const isGoal = (key: string) => dimensionFor(key)?.from.kind === "goal";

/** Whether a dimension's value meets a condition, as the compiled SQL decides it
 * (lib/db/query/compile.ts): `contains` literally, `matches` as a JS RegExp. */
export function conditionHolds(c: Condition, value: string): boolean {
  const any = (one: (v: string) => boolean) => c.values.some(one);
  switch (c.op) {
    case "is":
      return c.values.includes(value);
    case "is_not":
      return !c.values.includes(value);
    case "contains":
      return any((v) => value.includes(v));
    case "contains_not":
      return !any((v) => value.includes(v));
    case "matches":
      return any((v) => new RegExp(v).test(value));
    case "matches_not":
      return !any((v) => new RegExp(v).test(value));
  }
}

export const DATE_PRESETS = [
  "day",
  "7d",
  "28d",
  "30d",
  "91d",
  "month",
  "6mo",
  "12mo",
  "year",
  "all",
] as const;

export type BotMode = "hide" | "show" | "only";

/** A resolved query: plain data (it crosses to a read process). Dates are local, inclusive. */
export interface Query {
  siteIds: string[];
  /** IANA zone of the day boundaries and time buckets. */
  timeZone: string;
  /** First and last local day; `from` null means "all": from the sites' first stored row. */
  range: { from: string | null; to: string };
  metrics: string[];
  dimensions: string[];
  filter: Filter | null;
  orderBy: { key: string; direction: "asc" | "desc" }[];
  limit: number;
  offset: number;
  include: {
    totalRows: boolean;
    timeLabels: boolean;
    comparison: null | { mode: "previous_period" } | { mode: "custom"; from: string; to: string };
  };
  bots: { mode: BotMode; threshold: number };
}

export const MAX_LIMIT = 10_000;
export const MAX_FILTER_VALUES = 100;
export const MAX_FILTER_VALUE_LENGTH = 512;
export const MAX_PATTERN_LENGTH = 256;
const MAX_FILTER_DEPTH = 4;
const MAX_RANGE_DAYS = 731;
/** time:minute buckets: for ranges of up to this many days (2,880 buckets). */
const MAX_MINUTE_RANGE_DAYS = 2;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const siteId = z.string().regex(SITE_ID_PATTERN, { error: "is not a site id" });

/** The request body (Plausible's shape, plus Echelon's additive fields). */
export const QUERY_BODY = withCode(
  z.object({
    site_id: z.union([siteId, z.array(siteId).min(1).max(50)], {
      error: (i) =>
        i.input === undefined
          ? "site_id is required"
          : "site_id: expected a site id (1-64 of A-Z a-z 0-9 . _ -) or a list of 1-50",
    })
      .describe("A site id, or (Echelon) a list of site ids whose rows are counted together"),
    metrics: z.array(z.string()).min(1).max(20)
      .describe("visitors, visits, pageviews, events, bounce_rate, visit_duration, …"),
    date_range: z.union([z.enum(DATE_PRESETS), z.tuple([z.string(), z.string()])], {
      error: `date_range: expected one of ${
        DATE_PRESETS.join(", ")
      } or ["YYYY-MM-DD", "YYYY-MM-DD"]`,
    })
      .describe('A preset (day, 7d, 30d, month, 6mo, 12mo, year, all…) or ["YYYY-MM-DD", "…"]'),
    dimensions: z.array(z.string()).max(6).optional()
      .describe("e.g. time:day, event:page, visit:country, event:props:<key>"),
    filters: z.array(z.unknown()).max(20).optional()
      .describe(
        'e.g. ["is", "visit:country", ["DE"]]; ["and"|"or", [...]]; ["not", filter]; a saved ' +
          'segment: ["is", "segment", [id]]',
      ),
    order_by: z.array(z.tuple([z.string(), z.enum(["asc", "desc"])])).max(10).optional(),
    include: z.object({
      total_rows: z.boolean().optional(),
      time_labels: z.boolean().optional(),
      imports: z.boolean().optional().describe("Accepted for compatibility; nothing is imported"),
      comparisons: z.object({
        mode: z.enum(["previous_period", "custom"]),
        date_range: z.tuple([z.string(), z.string()]).optional(),
      }).optional(),
    }).strict().optional(),
    pagination: z.object({
      limit: z.number().int().min(1).max(MAX_LIMIT).optional(),
      offset: z.number().int().min(0).optional(),
    }).strict().optional(),
    timezone: z.string().max(64).optional()
      .describe(
        "Echelon: IANA time zone of days and time buckets (default: the sites' zone when they " +
          "share one, else UTC)",
      ),
    bots: z.enum(["hide", "show", "only"]).optional()
      .describe("Echelon: hide (default) counts scores below the threshold, only counts the rest"),
    bot_threshold: z.number().int().min(1).max(100).optional()
      .describe(`Echelon: the bot score threshold (default ${BOT_SCORE_THRESHOLD})`),
  }).strict(),
  "invalid_query",
);

export type QueryBody = z.output<typeof QUERY_BODY>;

const invalid = (field: string, message: string) =>
  new HttpError(400, "invalid_query", `${field}: ${message}`);
const show = (value: unknown) => JSON.stringify(value)?.slice(0, 60) ?? String(value);

/** A body already checked against QUERY_BODY, resolved against the clock: a Query. */
export function resolveQuery(body: QueryBody, now: number): Query {
  const timeZone = body.timezone ?? "UTC";
  if (!isTimeZone(timeZone)) {
    throw invalid("timezone", `${show(timeZone)} is not an IANA time zone`);
  }
  const today = localDate(timeZone, now);
  const metrics = body.metrics.map((key, i) => {
    if (!metricFor(key)) throw invalid(`metrics[${i}]`, `${show(key)} is not a metric`);
    return key;
  });
  if (new Set(metrics).size !== metrics.length) throw invalid("metrics", "a metric is repeated");
  const dimensions = (body.dimensions ?? []).map((key, i) => {
    if (!dimensionFor(key)) throw invalid(`dimensions[${i}]`, `${show(key)} is not a dimension`);
    return key;
  });
  if (new Set(dimensions).size !== dimensions.length) {
    throw invalid("dimensions", "a dimension is repeated");
  }
  if (metrics.includes("percentage") && dimensions.length === 0) {
    throw invalid("metrics", "percentage needs at least one dimension");
  }
  const filters = (body.filters ?? []).map((f, i) => parseFilter(f, `filters[${i}]`, 1));
  const range = parseRange(body.date_range, today, "date_range");
  const minutes = dimensions.indexOf("time:minute");
  if (
    minutes >= 0 &&
    (range.from === null ||
      Date.parse(range.to) - Date.parse(range.from) >= MAX_MINUTE_RANGE_DAYS * 86_400_000)
  ) {
    throw invalid(
      `dimensions[${minutes}]`,
      `time:minute needs a range of up to ${MAX_MINUTE_RANGE_DAYS} days`,
    );
  }
  const include = body.include ?? {};
  let comparison: Query["include"]["comparison"] = null;
  if (include.comparisons) {
    const c = include.comparisons;
    if (c.mode === "custom") {
      if (!c.date_range) throw invalid("include.comparisons.date_range", "is required for custom");
      const custom = parseRange(c.date_range, today, "include.comparisons.date_range");
      comparison = { mode: "custom", from: custom.from!, to: custom.to };
    } else comparison = { mode: "previous_period" };
    if (range.from === null) throw invalid("include.comparisons", 'cannot compare "all"');
  }
  checkConversions(metrics, dimensions, filters);
  const orderBy = (body.order_by ?? []).map(([key, direction], i) => {
    if (!metrics.includes(key) && !dimensions.includes(key)) {
      throw invalid(`order_by[${i}]`, `${show(key)} is neither a metric nor a dimension queried`);
    }
    return { key, direction };
  });
  return {
    siteIds: [...new Set(typeof body.site_id === "string" ? [body.site_id] : body.site_id)]
      .map((s) => s.toLowerCase()),
    timeZone,
    range,
    metrics,
    dimensions,
    filter: filters.length === 0 ? null : filters.length === 1 ? filters[0] : {
      op: "and",
      filters,
    },
    orderBy,
    limit: body.pagination?.limit ?? MAX_LIMIT,
    offset: body.pagination?.offset ?? 0,
    include: {
      totalRows: include.total_rows ?? false,
      timeLabels: include.time_labels ?? false,
      comparison,
    },
    bots: { mode: body.bots ?? "hide", threshold: body.bot_threshold ?? BOT_SCORE_THRESHOLD },
  };
}

/** The conversion metrics go with goals: with event:goal among the dimensions (then alone), or a
 * goal filter (lib/query/goals.ts). */
function checkConversions(metrics: string[], dimensions: string[], filters: Filter[]) {
  const byGoal = dimensions.findIndex(isGoal);
  if (byGoal >= 0) {
    const other = metrics.findIndex((m) => !CONVERSION_METRICS.has(m));
    if (other >= 0) {
      throw invalid(
        `metrics[${other}]`,
        `by ${dimensions[byGoal]} only ${[...CONVERSION_METRICS].join(", ")} are counted`,
      );
    }
    return;
  }
  const conversion = metrics.findIndex((m) => CONVERSION_METRICS.has(m));
  if (conversion >= 0 && !filters.some((f) => anyCondition(f, (c) => isGoal(c.dimension)))) {
    throw invalid(
      `metrics[${conversion}]`,
      `${metrics[conversion]} needs the event:goal dimension or a filter on event:goal`,
    );
  }
}

function parseRange(
  value: QueryBody["date_range"],
  today: string,
  field: string,
): Query["range"] {
  if (typeof value !== "string") {
    const [from, to] = value.map((v, i) => {
      const day = v.slice(0, 10);
      if (!DATE.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`))) {
        throw invalid(`${field}[${i}]`, `${show(v)} is not a YYYY-MM-DD date`);
      }
      return day;
    });
    if (from > to) throw invalid(field, `${from} is after ${to}`);
    if (Date.parse(to) - Date.parse(from) > MAX_RANGE_DAYS * 86_400_000) {
      throw invalid(field, `at most ${MAX_RANGE_DAYS} days`);
    }
    return { from, to };
  }
  const month = `${today.slice(0, 7)}-01`;
  switch (value) {
    case "day":
      return { from: today, to: today };
    case "7d":
    case "28d":
    case "30d":
    case "91d":
      return { from: addLocalDays(today, -(parseInt(value) - 1)), to: today };
    case "month":
      return { from: month, to: addLocalDays(addMonths(month, 1), -1) };
    case "6mo":
    case "12mo":
      return {
        from: addMonths(month, -(parseInt(value) - 1)),
        to: addLocalDays(addMonths(month, 1), -1),
      };
    case "year":
      return { from: `${today.slice(0, 4)}-01-01`, to: `${today.slice(0, 4)}-12-31` };
    case "all":
      return { from: null, to: today };
  }
}

/** One filter of the body, checked: the operator, the dimension and the values. */
export function parseFilter(raw: unknown, field: string, depth: number): Filter {
  if (!Array.isArray(raw) || typeof raw[0] !== "string") {
    throw invalid(field, `${show(raw)} is not a filter (["is", "visit:country", ["DE"]])`);
  }
  if (depth > MAX_FILTER_DEPTH) {
    throw invalid(field, `filters nest at most ${MAX_FILTER_DEPTH} deep`);
  }
  const op = raw[0];
  if (op === "and" || op === "or") {
    if (raw.length !== 2 || !Array.isArray(raw[1]) || raw[1].length === 0) {
      throw invalid(field, `${op} takes a non-empty list of filters`);
    }
    return { op, filters: raw[1].map((f, i) => parseFilter(f, `${field}[1][${i}]`, depth + 1)) };
  }
  if (op === "not") {
    if (raw.length !== 2) throw invalid(field, "not takes one filter");
    return { op, filter: parseFilter(raw[1], `${field}[1]`, depth + 1) };
  }
  if (!(FILTER_OPERATORS as readonly string[]).includes(op)) {
    throw invalid(`${field}[0]`, `${show(op)} is not an operator (${FILTER_OPERATORS.join(", ")})`);
  }
  if (raw.length !== 3) throw invalid(field, "a filter is [operator, dimension, [values]]");
  const dimension = raw[1];
  const spec = typeof dimension === "string" ? dimensionFor(dimension) : null;
  if (!spec) throw invalid(`${field}[1]`, `${show(dimension)} is not a dimension`);
  if (spec.level === "time") throw invalid(`${field}[1]`, "filter time with date_range");
  const values = raw[2];
  if (
    !Array.isArray(values) || values.length === 0 || values.length > MAX_FILTER_VALUES ||
    values.some((v) => typeof v !== "string" || v.length > MAX_FILTER_VALUE_LENGTH)
  ) {
    throw invalid(
      `${field}[2]`,
      `expected 1-${MAX_FILTER_VALUES} strings of at most ${MAX_FILTER_VALUE_LENGTH} characters`,
    );
  }
  if (op === "matches" || op === "matches_not") {
    values.forEach((v, i) => checkPattern(v, `${field}[2][${i}]`));
  }
  return { op: op as FilterOperator, dimension: spec.key, values };
}

/**
 * `matches` takes a bounded regular expression: at most 256 characters, and none of what makes a
 * regex slow or engine-specific — backreferences, lookaround, and quantified groups (`(a+)+`) —
 * so the same pattern means the same in SQLite (a JS RegExp) and later ClickHouse (RE2).
 */
function checkPattern(pattern: string, field: string): void {
  if (pattern.length > MAX_PATTERN_LENGTH) {
    throw invalid(field, `a pattern has at most ${MAX_PATTERN_LENGTH} characters`);
  }
  if (/\\[1-9k]|\(\?[=!<]|\)[*+?{]/.test(pattern)) {
    throw invalid(field, `${show(pattern)} uses backreferences, lookaround or a quantified group`);
  }
  try {
    new RegExp(pattern);
  } catch {
    throw invalid(field, `${show(pattern)} is not a regular expression`);
  }
}
