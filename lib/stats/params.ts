// Query parameters of the stats API (and of the admin pages built on it), validated once: a bad
// value is a 400 `{error, message}` naming the field and the value, never a 500. Dates are UTC
// days (YYYY-MM-DD); ranges are inclusive.
import { SITE_ID_PATTERN } from "../config.ts";
import { addDays } from "../db/rollups.ts";
import { FILTER_NAMES, type StatsFilters } from "../db/stats_source.ts";
import { HttpError } from "../http_error.ts";

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

function preview(value: string): string {
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
}

function param(url: URL, name: string): string | null {
  const raw = url.searchParams.get(name);
  return raw === null || raw.trim() === "" ? null : raw.trim();
}

/** The required `site_id`, lower-cased as the collectors store it. */
export function requiredSiteId(url: URL, name = "site_id"): string {
  const value = param(url, name);
  if (value === null) throw new HttpError(400, "missing_param", `${name} is required`);
  if (!SITE_ID_PATTERN.test(value)) {
    throw new HttpError(400, "invalid_site_id", `${name}: ${preview(value)} is not a site id`);
  }
  return value.toLowerCase();
}

function day(url: URL, name: string): string | null {
  const value = param(url, name);
  if (value === null) return null;
  const ms = Date.parse(`${value}T00:00:00.000Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(ms) || utcDay(ms) !== value) {
    throw new HttpError(
      400,
      "invalid_param",
      `${name}: ${preview(value)} is not a YYYY-MM-DD date`,
    );
  }
  return value;
}

function integer(url: URL, name: string, min: number, max: number): number | null {
  const value = param(url, name);
  if (value === null) return null;
  const n = /^\d{1,6}$/.test(value) ? Number(value) : NaN;
  if (!(n >= min && n <= max)) {
    throw new HttpError(400, "invalid_param", `${name}: ${preview(value)} must be ${min}-${max}`);
  }
  return n;
}

/**
 * `days=N` (1-730, default 30: the last N UTC days, today included) or `from`/`to` (inclusive
 * UTC days; `to` defaults to today and may not be after it).
 */
export function parseRange(url: URL, now: number): DayRange {
  const today = utcDay(now);
  const days = integer(url, "days", 1, MAX_RANGE_DAYS);
  const from = day(url, "from");
  const to = day(url, "to");
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

/** Filters: `path` starts with "/", `country` is a two-letter code (or "unknown"). */
export function parseFilters(url: URL): StatsFilters {
  const filters: StatsFilters = {};
  for (const name of FILTER_NAMES) {
    let value = param(url, name);
    if (value === null) continue;
    if (value.length > MAX_FILTER_LENGTH) {
      throw new HttpError(400, "invalid_param", `${name}: longer than ${MAX_FILTER_LENGTH}`);
    }
    if (name === "path" && !value.startsWith("/")) {
      throw new HttpError(400, "invalid_param", `path: ${preview(value)} must start with "/"`);
    }
    if (name === "country") {
      if (value.toLowerCase() === "unknown") value = "unknown";
      else if (/^[A-Za-z]{2}$/.test(value)) value = value.toUpperCase();
      else {
        throw new HttpError(400, "invalid_param", `country: ${preview(value)} is not a code`);
      }
    }
    if (name === "referrer" || name === "device") value = value.toLowerCase();
    if (name === "referrer" && value.includes("://")) {
      try {
        value = new URL(value).hostname;
      } catch {
        throw new HttpError(400, "invalid_param", `referrer: ${preview(value)} is not a URL`);
      }
    }
    if (name === "referrer") value = value.replace(/^www\./, "");
    filters[name] = value;
  }
  return filters;
}

export function parseOverviewQuery(url: URL, now: number): OverviewQuery {
  const siteId = requiredSiteId(url);
  const range = parseRange(url, now);
  const compare = param(url, "compare");
  if (compare !== null && compare !== "previous") {
    throw new HttpError(400, "invalid_param", `compare: ${preview(compare)} must be "previous"`);
  }
  return {
    siteId,
    ...range,
    filters: parseFilters(url),
    compare: compare === "previous",
    limit: integer(url, "limit", 1, MAX_LIST_LIMIT),
  };
}
