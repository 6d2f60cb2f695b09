// Query parameters of GET /api/perf and /api/perf/trends (and the admin page's filters): exact
// category, metric and branch; a time range `from` (alias `since`, the reference's name) and `to`,
// each an ISO instant or a YYYY-MM-DD day (a day as `to` includes that whole day); `limit` and
// `threshold`. A bad value is a 400 that names the parameter and the value.
import type { PerfFilter } from "../db/perf.ts";
import { HttpError } from "../http_error.ts";

export const DEFAULT_LIST_LIMIT = 100;
export const MAX_LIST_LIMIT = 1000;
export const DEFAULT_TREND_WINDOW = 20;
export const MAX_TREND_WINDOW = 500;
/** Series per trends response; more than this needs a category or metric filter. */
export const MAX_TREND_SERIES = 500;

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

function bad(name: string, raw: string, expected: string): HttpError {
  const shown = raw.length > 40 ? `${raw.slice(0, 40)}…` : raw;
  return new HttpError(400, "invalid_param", `${name}: expected ${expected}, got "${shown}"`);
}

function text(params: URLSearchParams, name: string, max: number): string | null {
  const raw = params.get(name);
  if (raw === null || raw.trim() === "") return null;
  if (raw.length > max) throw bad(name, raw, `at most ${max} characters`);
  return raw.trim();
}

/** An instant (ISO) from a day or an instant; `endOfDay` makes a day mean its end (exclusive). */
function instant(params: URLSearchParams, name: string, endOfDay: boolean): string | null {
  const raw = params.get(name);
  if (raw === null || raw.trim() === "") return null;
  const value = raw.trim();
  let ms = NaN;
  if (DAY.test(value)) {
    ms = Date.parse(`${value}T00:00:00Z`);
    if (endOfDay) ms += 86_400_000;
  } else if (INSTANT.test(value)) {
    ms = Date.parse(value);
  }
  if (Number.isNaN(ms)) throw bad(name, raw, "an ISO 8601 instant or a YYYY-MM-DD day");
  return new Date(ms).toISOString();
}

export function integerParam(
  params: URLSearchParams,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = params.get(name);
  if (raw === null || raw.trim() === "") return fallback;
  if (!/^\d+$/.test(raw.trim())) throw bad(name, raw, `an integer ${min}..${max}`);
  const value = Number(raw.trim());
  if (value < min || value > max) throw bad(name, raw, `an integer ${min}..${max}`);
  return value;
}

/** category, metric, branch, from (or since), to. */
export function parsePerfFilter(params: URLSearchParams): PerfFilter {
  const filter: PerfFilter = {
    category: text(params, "category", 64),
    metric: text(params, "metric", 128),
    branch: text(params, "branch", 128),
    from: instant(params, "from", false) ?? instant(params, "since", false),
    to: instant(params, "to", true),
  };
  if (filter.from && filter.to && filter.from >= filter.to) {
    throw new HttpError(400, "invalid_param", "from: must be before to");
  }
  return filter;
}

/** `threshold`: a percentage overriding every unit's own regression threshold. */
export function parseThreshold(params: URLSearchParams): number | null {
  const raw = params.get("threshold");
  if (raw === null || raw.trim() === "") return null;
  const value = Number(raw.trim());
  if (!/^\d+(\.\d+)?$/.test(raw.trim()) || !(value > 0) || value > 1000) {
    throw bad("threshold", raw, "a percentage above 0, at most 1000");
  }
  return value;
}
