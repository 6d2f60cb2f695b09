// The admin's site and period selection, read from the query string (`?site=&days=` or
// `?site=&from=&to=`) and written back into links. Bad input never errors: an invalid site means
// "all sites" and an invalid period the default, so a hand-edited URL still renders a page.
// Periods are whole UTC days, the unit rollups and stats are kept in.
import { SITE_ID_PATTERN } from "../config.ts";

export const DAY_MS = 86_400_000;
export const DEFAULT_DAYS = 30;
export const MAX_DAYS = 366;
/** The quick choices the period selector offers. */
export const PERIOD_CHOICES: readonly { days: number; label: string }[] = [
  { days: 1, label: "Today" },
  { days: 7, label: "7 days" },
  { days: 30, label: "30 days" },
  { days: 90, label: "90 days" },
  { days: 365, label: "1 year" },
];

/** The dashboard's filters (lib/admin/filters.ts), repeated: `f=visit:country:is:DE`. */
export const FILTER_PARAM = "f";
/** Filters a URL carries at most (more are ignored). */
export const MAX_URL_FILTERS = 10;

/** Query parameters that carry the selection (every other parameter belongs to the page). */
export const SELECTION_PARAMS = ["site", "site_id", "days", "from", "to", FILTER_PARAM] as const;

export interface Period {
  /** Set for "last N days" (today included); null for an explicit range. */
  days: number | null;
  /** First and last UTC day included, YYYY-MM-DD. */
  from: string;
  to: string;
  /** [since, until) as ISO instants, for `created_at >= since AND created_at < until`. */
  since: string;
  until: string;
  label: string;
}

export interface AdminSelection {
  /** A lower-cased site id, or null for all sites. */
  site: string | null;
  period: Period;
  /** The dashboard's filters as written in the URL (parsed by lib/admin/filters.ts). */
  filters?: readonly string[];
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A site id as the collectors store it (lower case), or null when absent or invalid. */
export function parseSite(raw: string | null | undefined): string | null {
  const value = raw?.trim() ?? "";
  return SITE_ID_PATTERN.test(value) ? value.toLowerCase() : null;
}

/** A real calendar date in YYYY-MM-DD, or null. */
export function parseDate(raw: string | null | undefined): string | null {
  const match = DATE.exec(raw?.trim() ?? "");
  if (!match) return null;
  const ms = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  const date = new Date(ms);
  // Date.UTC rolls 2026-02-31 over to March; a round trip catches it.
  return date.getUTCFullYear() >= 2000 && isoDay(ms) === match[0] ? match[0] : null;
}

export function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function dayStart(date: string): number {
  return Date.parse(`${date}T00:00:00.000Z`);
}

/** "Last N days", today (UTC) included. */
export function lastDays(days: number, now: number): Period {
  const n = Math.min(MAX_DAYS, Math.max(1, Math.trunc(days)));
  const to = isoDay(now);
  const from = isoDay(dayStart(to) - (n - 1) * DAY_MS);
  const choice = PERIOD_CHOICES.find((c) => c.days === n);
  return {
    days: n,
    from,
    to,
    since: `${from}T00:00:00.000Z`,
    until: new Date(dayStart(to) + DAY_MS).toISOString(),
    label: choice?.label ?? `${n} days`,
  };
}

/** An explicit range of UTC days; null when it is reversed, in the future or too long. */
export function dayRange(from: string, to: string, now: number): Period | null {
  const today = isoDay(now);
  const last = to > today ? today : to;
  if (from > last) return null;
  const span = (dayStart(last) - dayStart(from)) / DAY_MS + 1;
  if (span > MAX_DAYS) return null;
  return {
    days: null,
    from,
    to: last,
    since: `${from}T00:00:00.000Z`,
    until: new Date(dayStart(last) + DAY_MS).toISOString(),
    label: from === last ? from : `${from} – ${last}`,
  };
}

export function parsePeriod(params: URLSearchParams, now: number): Period {
  const from = parseDate(params.get("from"));
  if (from) {
    const range = dayRange(from, parseDate(params.get("to")) ?? isoDay(now), now);
    if (range) return range;
  }
  const raw = params.get("days")?.trim() ?? "";
  const days = /^\d{1,4}$/.test(raw) ? Number(raw) : DEFAULT_DAYS;
  return lastDays(days >= 1 ? days : DEFAULT_DAYS, now);
}

export function parseSelection(url: URL, now: number): AdminSelection {
  const params = url.searchParams;
  return {
    site: parseSite(params.get("site") ?? params.get("site_id")),
    period: parsePeriod(params, now),
    filters: params.getAll(FILTER_PARAM).map((f) => f.trim()).filter((f) => f !== "")
      .slice(0, MAX_URL_FILTERS),
  };
}

export type QueryValue = string | number | boolean | null | undefined;

/** The selection as query parameters; defaults (all sites, 30 days) are left out. */
export function selectionParams(selection: AdminSelection): URLSearchParams {
  const params = new URLSearchParams();
  if (selection.site) params.set("site", selection.site);
  const period = selection.period;
  if (period.days === null) {
    params.set("from", period.from);
    params.set("to", period.to);
  } else if (period.days !== DEFAULT_DAYS) {
    params.set("days", String(period.days));
  }
  for (const filter of selection.filters ?? []) params.append(FILTER_PARAM, filter);
  return params;
}

/**
 * A link to an admin page keeping the selection, plus `extra` parameters (null, undefined,
 * false and "" leave a parameter out).
 */
export function adminHref(
  path: string,
  selection: AdminSelection | null,
  extra: Record<string, QueryValue> = {},
): string {
  const params = selection ? selectionParams(selection) : new URLSearchParams();
  for (const [name, value] of Object.entries(extra)) {
    if (value === null || value === undefined || value === false || value === "") {
      params.delete(name);
    } else {
      params.set(name, String(value));
    }
  }
  const query = params.toString();
  return query ? `${path}?${query}` : path;
}

/** The page's own query parameters (everything but the selection and `drop`), for forms. */
export function pageParams(url: URL, drop: readonly string[] = []): [string, string][] {
  const skip = new Set<string>([...SELECTION_PARAMS, ...drop]);
  return [...url.searchParams].filter(([name]) => !skip.has(name));
}
