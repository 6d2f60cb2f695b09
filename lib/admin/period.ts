// The admin's site and period selection, read from the query string and written back into links.
// A period is a preset (`?period=yesterday`; the "last N days" ones also as `?days=N`) or an
// explicit range (`?from=&to=`). Bad input never errors: an invalid site means "all sites" and an
// invalid period the default, so a hand-edited URL still renders a page. Periods are whole local
// days in the selected site's time zone (UTC for all sites; migration 15 stores a site's zone).
import { SITE_ID_PATTERN } from "../config.ts";
import { addLocalDays, addMonths, localDate, localDayStart } from "../query/time_zone.ts";

export const DAY_MS = 86_400_000;
export const DEFAULT_DAYS = 30;
export const MAX_DAYS = 366;

/** A preset's first and last local day, given today's local date and the first stored view's. */
type PresetRange = (today: string, firstDay: () => string | null) => { from: string; to: string };

export interface PeriodChoice {
  /** Its URL form: `?period=<key>`. */
  key: string;
  label: string;
  /** "Last N days" (today included), also written `?days=N`; null for calendar presets. */
  days: number | null;
  range: PresetRange;
}

const lastN = (days: number): PeriodChoice["range"] => (today) => ({
  from: addLocalDays(today, -(days - 1)),
  to: today,
});

/** The presets the period selector offers, in order. */
export const PERIOD_CHOICES: readonly PeriodChoice[] = [
  { key: "today", label: "Today", days: 1, range: lastN(1) },
  {
    key: "yesterday",
    label: "Yesterday",
    days: null,
    range: (today) => ({ from: addLocalDays(today, -1), to: addLocalDays(today, -1) }),
  },
  { key: "7d", label: "7 days", days: 7, range: lastN(7) },
  { key: "30d", label: "30 days", days: 30, range: lastN(30) },
  {
    key: "month",
    label: "This month",
    days: null,
    range: (today) => ({ from: `${today.slice(0, 7)}-01`, to: today }),
  },
  {
    key: "last_month",
    label: "Last month",
    days: null,
    range: (today) => ({
      from: addMonths(today, -1),
      to: addLocalDays(`${today.slice(0, 7)}-01`, -1),
    }),
  },
  { key: "90d", label: "90 days", days: 90, range: lastN(90) },
  { key: "1y", label: "1 year", days: 365, range: lastN(365) },
  {
    key: "all",
    label: "All time",
    days: null,
    // From the first stored view (today when there is none); not bound by MAX_DAYS.
    range: (today, firstDay) => {
      const first = firstDay();
      return { from: first !== null && first < today ? first : today, to: today };
    },
  },
];

/** The dashboard's filters (lib/admin/filters.ts), repeated: `f=visit:country:is:DE`. */
export const FILTER_PARAM = "f";
/** Filters a URL carries at most (more are ignored). */
export const MAX_URL_FILTERS = 10;

/** Query parameters that carry the selection (every other parameter belongs to the page). */
export const SELECTION_PARAMS = [
  "site",
  "site_id",
  "period",
  "days",
  "from",
  "to",
  FILTER_PARAM,
] as const;

export interface Period {
  /** The preset chosen (PERIOD_CHOICES key), or null for "last N days" off the list or a range. */
  preset: string | null;
  /** Set for "last N days" (today included); null for calendar presets and explicit ranges. */
  days: number | null;
  /** First and last local day included, YYYY-MM-DD. */
  from: string;
  to: string;
  /** [since, until) as UTC ISO instants, for `created_at >= since AND created_at < until`. */
  since: string;
  until: string;
  label: string;
  /** The IANA zone the days are local to. */
  timeZone: string;
}

export interface AdminSelection {
  /** A lower-cased site id, or null for all sites. */
  site: string | null;
  period: Period;
  /** The dashboard's filters as written in the URL (parsed by lib/admin/filters.ts). */
  filters?: readonly string[];
}

/** What parsing a selection may look up: the site's zone and its first stored view. */
export interface SelectionLookups {
  /** The IANA zone of a site's days (UTC for all sites and by default). */
  timeZone?: (site: string | null) => string;
  /** The instant (ISO) of the first stored view of a site (all sites: of any), or null. */
  firstView?: (site: string | null) => string | null;
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

/** Local days `from`..`to` in `zone` as a Period. */
function periodOf(
  zone: string,
  range: { from: string; to: string },
  fields: Pick<Period, "preset" | "days" | "label">,
): Period {
  return {
    ...fields,
    ...range,
    since: new Date(localDayStart(zone, range.from)).toISOString(),
    until: new Date(localDayStart(zone, addLocalDays(range.to, 1))).toISOString(),
    timeZone: zone,
  };
}

/** Days from `from` to `to`, both included. */
export function spanDays(period: Pick<Period, "from" | "to">): number {
  return Math.round((Date.parse(period.to) - Date.parse(period.from)) / DAY_MS) + 1;
}

/** "Last N days", today (local to `zone`, UTC by default) included. */
export function lastDays(days: number, now: number, zone = "UTC"): Period {
  const n = Math.min(MAX_DAYS, Math.max(1, Math.trunc(days)));
  const choice = PERIOD_CHOICES.find((c) => c.days === n);
  return periodOf(zone, lastN(n)(localDate(zone, now), () => null), {
    preset: choice?.key ?? null,
    days: n,
    label: choice?.label ?? `${n} days`,
  });
}

/** A preset of PERIOD_CHOICES resolved against the clock, in `zone`. */
export function presetPeriod(
  choice: PeriodChoice,
  now: number,
  zone = "UTC",
  firstView: () => string | null = () => null,
): Period {
  if (choice.days !== null) return lastDays(choice.days, now, zone);
  const firstDay = () => {
    const at = firstView();
    return at === null || !Number.isFinite(Date.parse(at)) ? null : localDate(zone, Date.parse(at));
  };
  return periodOf(zone, choice.range(localDate(zone, now), firstDay), {
    preset: choice.key,
    days: null,
    label: choice.label,
  });
}

/** An explicit range of local days; null when it is reversed, in the future or too long. */
export function dayRange(from: string, to: string, now: number, zone = "UTC"): Period | null {
  const today = localDate(zone, now);
  const last = to > today ? today : to;
  if (from > last) return null;
  if (spanDays({ from, to: last }) > MAX_DAYS) return null;
  return periodOf(zone, { from, to: last }, {
    preset: null,
    days: null,
    label: from === last ? from : `${from} – ${last}`,
  });
}

export function parsePeriod(
  params: URLSearchParams,
  now: number,
  zone = "UTC",
  firstView: () => string | null = () => null,
): Period {
  const from = parseDate(params.get("from"));
  if (from) {
    const range = dayRange(from, parseDate(params.get("to")) ?? localDate(zone, now), now, zone);
    if (range) return range;
  }
  const key = params.get("period")?.trim() ?? "";
  const choice = PERIOD_CHOICES.find((c) => c.key === key);
  if (choice) return presetPeriod(choice, now, zone, firstView);
  const raw = params.get("days")?.trim() ?? "";
  const days = /^\d{1,4}$/.test(raw) ? Number(raw) : DEFAULT_DAYS;
  return lastDays(days >= 1 ? days : DEFAULT_DAYS, now, zone);
}

/** The selected site as written in the URL (`site`, or the API's `site_id`), unparsed. */
export function siteParam(params: URLSearchParams): string | null {
  return params.get("site") ?? params.get("site_id");
}

export function parseSelection(
  url: URL,
  now: number,
  lookups: SelectionLookups = {},
): AdminSelection {
  const params = url.searchParams;
  const site = parseSite(siteParam(params));
  const zone = lookups.timeZone?.(site) ?? "UTC";
  const firstView = () => lookups.firstView?.(site) ?? null;
  return {
    site,
    period: parsePeriod(params, now, zone, firstView),
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
  if (period.days !== null) {
    if (period.days !== DEFAULT_DAYS) params.set("days", String(period.days));
  } else if (period.preset !== null) {
    params.set("period", period.preset);
  } else {
    params.set("from", period.from);
    params.set("to", period.to);
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
