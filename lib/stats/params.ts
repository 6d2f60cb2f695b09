// Query parameters of the stats API (and of the admin pages built on it), validated once: a bad
// value is a 400 `{error, message}` naming the field and the value, never a 500. Dates are UTC
// days (YYYY-MM-DD); ranges are inclusive. The site, the period, the filters, `compare` and
// `limit` are zod schemas, which the OpenAPI document prints (lib/api/operations/shared.ts).
import { z } from "zod";
import { preview, siteIdParam } from "../api/fields.ts";
import { readQuery } from "../api/validate.ts";
import { BOT_SCORE_THRESHOLD } from "../bots/thresholds.ts";
import { addDays } from "../days.ts";
import { FILTER_NAMES, type StatsFilters } from "./terms.ts";
import { HttpError } from "../http_error.ts";
import { type Filter, parseFilter, type QueryBody } from "../query/model.ts";
import { expandSegments, type SegmentFilters } from "../query/segments.ts";
import type { OverviewView } from "./engine_overview.ts";

/** Rollups are kept two years; a range may not reach further back than that. */
export const MAX_RANGE_DAYS = 730;
export const DEFAULT_DAYS = 30;
export const MAX_LIST_LIMIT = 100;
const MAX_FILTER_LENGTH = 512;
const DAY_MS = 86_400_000;

export interface DayRange {
  /** First UTC day, inclusive. */
  from: string;
  /** Last UTC day, inclusive. */
  to: string;
}

export interface OverviewQuery extends DayRange {
  siteId: string;
  filters: StatsFilters;
  /** Also compute the previous period of equal length and the changes. */
  compare: boolean;
  /** Length of the top lists; null keeps each list's default (20, countries 10). */
  limit: number | null;
}

export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Days in [from, to], both inclusive. */
export function rangeDays(range: DayRange): number {
  return Math.round((Date.parse(range.to) - Date.parse(range.from)) / DAY_MS) + 1;
}

/** The range of equal length ending the day before `range.from`. */
export function previousRange(range: DayRange): DayRange {
  const days = rangeDays(range);
  return { from: addDays(range.from, -days), to: addDays(range.from, -1) };
}

/** A UTC day, YYYY-MM-DD, that exists. */
function dayField(name: string) {
  const error = (i: { input: unknown }) => `${name}: ${preview(i.input)} is not a YYYY-MM-DD date`;
  return z.string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, { error })
    .refine((value) => utcDay(Date.parse(`${value}T00:00:00.000Z`) || 0) === value, { error });
}

/** A whole number in [min, max]. */
function boundedInt(name: string, min: number, max: number) {
  const error = (i: { input: unknown }) => `${name}: ${preview(i.input)} must be ${min}-${max}`;
  return z.string()
    .regex(/^\d{1,6}$/, { error })
    .refine((value) => Number(value) >= min && Number(value) <= max, { error })
    .transform(Number);
}

/** The required site of a report. */
export const SITE_QUERY = z.object({ site_id: siteIdParam() });

/** `days` or `from`/`to` (their cross-field rules: `parseRange`). */
export const PERIOD_QUERY = z.object({
  days: boundedInt("days", 1, MAX_RANGE_DAYS).optional()
    .describe(`The last N UTC days, today included (1-${MAX_RANGE_DAYS}, default ${DEFAULT_DAYS})`),
  from: dayField("from").optional().describe(
    "First UTC day (YYYY-MM-DD), inclusive; not with days",
  ),
  to: dayField("to").optional().describe("Last UTC day, inclusive (default today); needs from"),
});

/** The overview's own parameters beyond the site, the period and the filters. */
export const OVERVIEW_OPTIONS_QUERY = z.object({
  compare: z.enum(["previous"], {
    error: (i) => `compare: ${preview(i.input)} must be "previous"`,
  }).optional().describe("Also the previous period of equal length, and the changes"),
  limit: boundedInt("limit", 1, MAX_LIST_LIMIT).optional()
    .describe(`Length of each top list (1-${MAX_LIST_LIMIT}; default 20, countries 10)`),
});

/** The required `site_id`, lower-cased as the collectors store it. */
export function requiredSiteId(url: URL): string {
  return readQuery({ query: SITE_QUERY }, url).site_id;
}

/**
 * `days=N` (1-730, default 30: the last N UTC days, today included) or `from`/`to` (inclusive
 * UTC days; `to` defaults to today and may not be after it).
 */
export function parseRange(url: URL, now: number): DayRange {
  const today = utcDay(now);
  const { days = null, from = null, to = null } = readQuery({ query: PERIOD_QUERY }, url);
  if (days !== null && (from !== null || to !== null)) {
    throw new HttpError(400, "invalid_param", "days: use either days or from/to, not both");
  }
  if (from === null && to === null) {
    return { from: addDays(today, -((days ?? DEFAULT_DAYS) - 1)), to: today };
  }
  if (from === null) throw new HttpError(400, "missing_param", "from is required with to");
  const range = { from, to: to ?? today };
  if (range.to > today) {
    throw new HttpError(400, "invalid_param", `to: ${range.to} is after today (${today}, UTC)`);
  }
  if (range.from > range.to) {
    throw new HttpError(400, "invalid_param", `from: ${range.from} is after to (${range.to})`);
  }
  if (rangeDays(range) > MAX_RANGE_DAYS) {
    throw new HttpError(
      400,
      "invalid_param",
      `from: ${range.from}..${range.to} spans more than ${MAX_RANGE_DAYS} days`,
    );
  }
  return range;
}

const FILTER_HINTS: Record<(typeof FILTER_NAMES)[number], string> = {
  path: "Exact path (starts with /)",
  path_contains: "Path contains this text",
  referrer: "Referrer domain (or a URL: its host), or direct",
  country: "Two-letter country code, or unknown",
  device: "desktop, mobile, tablet, or unknown",
  utm_source: "Exact utm_source",
  utm_medium: "Exact utm_medium",
  utm_campaign: "Exact utm_campaign",
};

/** How a filter's value is normalised before it is compared, or why it is refused. */
const FILTER_VALUES: Partial<
  Record<(typeof FILTER_NAMES)[number], (value: string) => string | Error>
> = {
  path: (value) => {
    if (!value.startsWith("/")) return new Error(`path: ${preview(value)} must start with "/"`);
    return value;
  },
  country: (value) => {
    if (value.toLowerCase() === "unknown") return "unknown";
    if (/^[A-Za-z]{2}$/.test(value)) return value.toUpperCase();
    return new Error(`country: ${preview(value)} is not a code`);
  },
  device: (value) => value.toLowerCase(),
  referrer: (raw) => {
    const value = raw.toLowerCase();
    const host = value.includes("://") ? URL.parse(value)?.hostname : value;
    if (host === undefined) return new Error(`referrer: ${preview(value)} is not a URL`);
    return host.replace(/^www\./, "");
  },
};

function filterField(name: (typeof FILTER_NAMES)[number]) {
  const normalise = FILTER_VALUES[name];
  return z.string()
    .max(MAX_FILTER_LENGTH, { error: `${name}: longer than ${MAX_FILTER_LENGTH}` })
    .transform((value, ctx) => {
      const normal = normalise ? normalise(value) : value;
      if (!(normal instanceof Error)) return normal;
      ctx.issues.push({ code: "custom", input: value, message: normal.message });
      return z.NEVER;
    })
    .optional()
    .describe(FILTER_HINTS[name]);
}

/** The stats filters (lib/stats/terms.ts FILTER_NAMES), each at most 512 characters. */
export const FILTERS_QUERY = z.object(
  Object.fromEntries(FILTER_NAMES.map((name) => [name, filterField(name)])) as Record<
    (typeof FILTER_NAMES)[number],
    ReturnType<typeof filterField>
  >,
);

/** The filters given: `path` starts with "/", `country` is a two-letter code (or "unknown"). */
export function parseFilters(url: URL): StatsFilters {
  const query = readQuery({ query: FILTERS_QUERY }, url);
  return Object.fromEntries(
    Object.entries(query).filter(([, value]) => value !== undefined),
  ) as StatsFilters;
}

export function parseOverviewQuery(url: URL, now: number): OverviewQuery {
  const siteId = requiredSiteId(url);
  const range = parseRange(url, now);
  const { compare, limit = null } = readQuery({ query: OVERVIEW_OPTIONS_QUERY }, url);
  return {
    siteId,
    ...range,
    filters: parseFilters(url),
    compare: compare === "previous",
    limit,
  };
}

/** Longest `filters` parameter (JSON text). */
const MAX_ENGINE_FILTERS_LENGTH = 8192;

/** The raw exports' names of the bot settings (lib/export/mod.ts BOTS_QUERY). */
const BOT_ALIASES = { humans: "hide", all: "show", bots: "only" } as const;

/** The query engine's filters and bot setting on the overview (lib/stats/engine_overview.ts). */
export const ENGINE_VIEW_QUERY = z.object({
  filters: z.string()
    .max(MAX_ENGINE_FILTERS_LENGTH, { error: `filters: longer than ${MAX_ENGINE_FILTERS_LENGTH}` })
    .optional()
    .describe(
      'The query engine\'s filters, a JSON array as POST /api/v2/query takes: e.g. [["is", ' +
        '"visit:country", ["DE"]], ["contains", "event:page", ["/blog/"]]]; and/or/not; a saved ' +
        'segment ["is", "segment", [id]]. ANDed with the filters above',
    ),
  bots: z.enum(["hide", "show", "only", "humans", "all", "bots"], {
    error: (i) => `bots: ${preview(i.input)} must be hide, show or only`,
  }).transform((value) => BOT_ALIASES[value as keyof typeof BOT_ALIASES] ?? value).optional()
    .describe(
      "hide (default): count scores below the threshold; show: every row; only: the bots " +
        "(humans, all and bots, as the raw exports name them, say the same)",
    ),
  bot_threshold: boundedInt("bot_threshold", 1, 100).optional()
    .describe(`The bot score threshold (1-100, default ${BOT_SCORE_THRESHOLD})`),
});

const invalidFilters = (message: string) => new HttpError(400, "invalid_param", message);

/**
 * The engine's view of the overview: `filters` (saved segments expanded, each filter checked as
 * POST /api/v2/query checks it: 400 naming the field), `bots` and `bot_threshold`.
 */
export function parseOverviewView(
  url: URL,
  siteId: string,
  segment: (id: number) => SegmentFilters | null,
): OverviewView {
  const query = readQuery({ query: ENGINE_VIEW_QUERY }, url);
  const bots = {
    mode: query.bots ?? "hide",
    threshold: query.bot_threshold ?? BOT_SCORE_THRESHOLD,
  };
  if (query.filters === undefined || query.filters.trim() === "") return { filter: null, bots };
  let raw: unknown;
  try {
    raw = JSON.parse(query.filters);
  } catch {
    throw invalidFilters(`filters: ${preview(query.filters)} is not JSON`);
  }
  if (!Array.isArray(raw) || raw.length > 20) {
    throw invalidFilters(
      'filters: expected a JSON array of 0-20 filters ([["is", "visit:country", ["DE"]]])',
    );
  }
  let filters: Filter[];
  try {
    const body = { site_id: siteId, metrics: ["visitors"], date_range: "day", filters: raw };
    const expanded = expandSegments(body as QueryBody, segment).filters ?? [];
    filters = expanded.map((f, i) => parseFilter(f, `filters[${i}]`, 1));
  } catch (error) {
    if (error instanceof HttpError) throw invalidFilters(error.message);
    throw error;
  }
  const filter = filters.length === 0
    ? null
    : filters.length === 1
    ? filters[0]
    : { op: "and" as const, filters };
  return { filter, bots };
}
