// Filter parameters of the admin lists (and the dashboard's, below), parsed leniently: a value that does not fit is treated as
// "no filter" (the form shows it cleared), so a hand-edited URL renders a page instead of a 500.
import type { BotFilter } from "../bots/thresholds.ts";
import type { SegmentRecord } from "../store/segments.ts";
import { HttpError } from "../http_error.ts";
import { dimensionFor } from "../query/dimensions.ts";
import { type BotMode, type Filter, type FilterOperator, parseFilter } from "../query/model.ts";
import { SEGMENT_DIMENSION } from "../query/segments.ts";
import { countryName } from "./country.ts";
import { adminHref, type AdminSelection, MAX_URL_FILTERS } from "./period.ts";

export const DEVICE_TYPES = ["desktop", "mobile", "tablet"] as const;
export const BOT_FILTERS: readonly BotFilter[] = ["all", "humans", "bots"];

/** A two-letter country code, upper-cased, or null. */
export function parseCountry(raw: string | null): string | null {
  const value = raw?.trim().toUpperCase() ?? "";
  return /^[A-Z]{2}$/.test(value) ? value : null;
}

export function parseDevice(raw: string | null): string | null {
  const value = raw?.trim().toLowerCase() ?? "";
  return (DEVICE_TYPES as readonly string[]).includes(value) ? value : null;
}

export function parseChoice<T extends string>(
  raw: string | null,
  choices: readonly T[],
  fallback: T,
): T {
  return choices.includes(raw as T) ? raw as T : fallback;
}

/** Free text, trimmed, control characters removed, at most `max` characters. */
export function parseText(raw: string | null, max = 200): string {
  // deno-lint-ignore no-control-regex
  return (raw ?? "").replace(/[\u0000-\u001F\u007F]/g, "").trim().slice(0, max);
}

/** An integer in [min, max]; anything else is `fallback`. */
export function parseIntIn(raw: string | null, min: number, max: number, fallback: number): number {
  const value = raw?.trim() ?? "";
  if (!/^\d{1,6}$/.test(value)) return fallback;
  return Math.min(max, Math.max(min, Number(value)));
}

/** An event type or name (any text the collectors kept, ≤ 128 characters), or null. */
export function parseEventKey(raw: string | null): string | null {
  const value = parseText(raw, 128);
  return value === "" ? null : value;
}

// ---------------------------------------------------------------------------------------------
// The dashboard's filters (issue 16): `f=<dimension>:<operator>:<value>`, repeated and ANDed, e.g.
// `f=visit:country:is:DE&f=event:page:contains:/blog`; `f=segment:is:<id>` applies a saved
// segment. The dimension is a key of the registry (lib/query/dimensions.ts, `event:props:<key>`
// included), the operator one of the engine's (lib/query/model.ts) and the value the rest of the
// text (it may hold colons). Each is checked as POST /api/v2/query checks its filters; one that
// fails is dropped with a notice saying why, the others still apply. `bots=hide|show|only`.

/** The bot settings of the dashboard; "hide" (the default) counts scores below the threshold. */
export const DASHBOARD_BOT_MODES: readonly BotMode[] = ["hide", "show", "only"];
export const BOTS_PARAM = "bots";
export const BOT_MODE_LABELS: Record<BotMode, string> = {
  hide: "Hide bots",
  show: "Bots included",
  only: "Bots only",
};

/** What the filter builder offers (the URL takes every operator of the engine). */
export const BUILDER_OPERATORS: readonly { op: FilterOperator; label: string }[] = [
  { op: "is", label: "is" },
  { op: "is_not", label: "is not" },
  { op: "contains", label: "contains" },
];

const OPERATOR_LABELS: Record<FilterOperator, string> = {
  is: "is",
  is_not: "is not",
  contains: "contains",
  contains_not: "does not contain",
  matches: "matches",
  matches_not: "does not match",
};

/** One filter of the URL, understood. */
export interface UrlFilter {
  /** As written in the URL (the chip's remove link drops exactly this). */
  raw: string;
  /** The dimension key, or "segment". */
  dimension: string;
  /** For the chip: "Country is Germany", "Segment: Paid traffic". */
  label: string;
  filter: Filter;
  /** The filter in POST /api/v2/query's syntax (what a saved segment stores). */
  json: unknown;
}

export interface DashboardFilters {
  items: UrlFilter[];
  /** Every item ANDed; null when there is none. */
  filter: Filter | null;
  bots: BotMode;
  /** Why a filter of the URL was dropped, one line each. */
  errors: string[];
}

/** A saved segment as the dashboard needs it. */
export type SegmentLookup = (id: number) => SegmentRecord | null;

/** The text of an `is` filter on one value, for a row's link. */
export function urlFilter(dimension: string, op: FilterOperator, value: string): string {
  return `${dimension}:${op}:${value}`;
}

/** Splits `visit:country:is:DE` (or `event:props:plan:is:pro`) into its three parts. */
function splitFilter(raw: string): [string, string, string] | null {
  const parts = raw.split(":");
  const dimensionParts = parts[0] === "event" && parts[1] === "props" ? 3 : 2;
  if (parts[0] === SEGMENT_DIMENSION) {
    return parts.length >= 3 ? ["segment", parts[1], parts.slice(2).join(":")] : null;
  }
  if (parts.length < dimensionParts + 2) return null;
  return [
    parts.slice(0, dimensionParts).join(":"),
    parts[dimensionParts],
    parts.slice(dimensionParts + 1).join(":"),
  ];
}

/** The text after parseFilter's field name ("f[1]: … is not a dimension" → the reason). */
const reasonOf = (error: unknown) =>
  error instanceof HttpError ? error.message.replace(/^[^:]*: /, "") : String(error);

/** How a value reads on a chip: countries by name, empty values as the registry names them. */
export function displayValue(dimension: string, value: string): string {
  if (dimension === "visit:country") return countryName(value);
  return value === "" ? dimensionFor(dimension)?.empty ?? value : value;
}

function parseOne(raw: string, site: string, lookup: SegmentLookup): UrlFilter {
  const parts = splitFilter(raw);
  if (!parts) {
    throw new Error("expected <dimension>:<operator>:<value>, e.g. visit:country:is:DE");
  }
  const [dimension, op, value] = parts;
  if (dimension === SEGMENT_DIMENSION) {
    const id = /^\d{1,15}$/.test(value) ? Number(value) : NaN;
    const segment = op === "is" && Number.isSafeInteger(id) ? lookup(id) : null;
    if (op !== "is") throw new Error("a segment takes is (segment:is:<id>)");
    if (!segment || segment.site_id !== site) throw new Error(`no segment ${value} of ${site}`);
    const filters = segment.filters.map((f, i) => parseFilter(f, `filters[${i}]`, 2));
    const one = filters.length === 1;
    return {
      raw,
      dimension,
      label: `Segment: ${segment.name}`,
      filter: one ? filters[0] : { op: "and", filters },
      json: one ? segment.filters[0] : ["and", segment.filters],
    };
  }
  const spec = dimensionFor(dimension);
  if (!spec) throw new Error(`${JSON.stringify(dimension)} is not a dimension`);
  const filter = parseFilter([op, dimension, [value]], "f", 2);
  const operator = OPERATOR_LABELS[op as FilterOperator];
  return {
    raw,
    dimension,
    label: `${spec.label} ${operator} ${displayValue(dimension, value)}`,
    filter,
    json: [op, dimension, [value]],
  };
}

/**
 * The dashboard's filters of one site from its selection's raw `f` values and the `bots`
 * parameter. Never throws: what does not parse is reported in `errors`.
 */
export function parseDashboardFilters(
  raws: readonly string[],
  botsParam: string | null,
  site: string,
  lookup: SegmentLookup,
): DashboardFilters {
  const items: UrlFilter[] = [];
  const errors: string[] = [];
  for (const raw of new Set(raws)) {
    try {
      items.push(parseOne(raw, site, lookup));
    } catch (error) {
      const reason = error instanceof Error && !(error instanceof HttpError)
        ? error.message
        : reasonOf(error);
      errors.push(`Filter "${parseText(raw, 120)}" ignored: ${reason}.`);
    }
  }
  let bots: BotMode = "hide";
  if (botsParam !== null && botsParam !== "") {
    if ((DASHBOARD_BOT_MODES as readonly string[]).includes(botsParam)) {
      bots = botsParam as BotMode;
    } else {
      errors.push(
        `Bots "${parseText(botsParam, 20)}" ignored: expected ${DASHBOARD_BOT_MODES.join(", ")}.`,
      );
    }
  }
  const filter = items.length === 0
    ? null
    : items.length === 1
    ? items[0].filter
    : { op: "and" as const, filters: items.map((i) => i.filter) };
  return { items, filter, bots, errors };
}

/** Whether the dashboard needs the engine: a filter, or bots shown. */
export function isFiltered(f: DashboardFilters): boolean {
  return f.filter !== null || f.bots !== "hide";
}

/**
 * The URL filters after adding `raw`: a filter on the same dimension with the same operator is
 * replaced (clicking Germany while France is chosen shows Germany), and a repeat is not added.
 */
export function withFilter(current: readonly string[], raw: string): string[] {
  const parts = splitFilter(raw);
  const same = (other: string) => {
    const o = splitFilter(other);
    return o !== null && parts !== null && o[0] === parts[0] && o[1] === parts[1];
  };
  return [...current.filter((f) => !same(f)), raw].slice(-MAX_URL_FILTERS);
}

/** The URL filters without `raw`. */
export function withoutFilter(current: readonly string[], raw: string): string[] {
  return current.filter((f) => f !== raw);
}

/** The builder's form fields: dimension, operator and value. */
export const BUILDER_PARAMS = ["fd", "fo", "fv"] as const;

/**
 * The filter the builder form asks to add (`fd`, `fo`, `fv`), as URL text: null when the form was
 * not used, an error when a field is missing (the value is the one field a person types).
 */
export function builderFilter(params: URLSearchParams): { raw: string } | { error: string } | null {
  const [dimension, op, value] = BUILDER_PARAMS.map((name) => params.get(name));
  if (dimension === null && op === null && value === null) return null;
  const text = parseText(value, 512);
  if (text === "") return { error: "Filter not added: enter a value to filter by." };
  return { raw: urlFilter(parseText(dimension, 80), parseText(op, 20) as FilterOperator, text) };
}

/** The v2 JSON of the URL's filters (a segment's own filters inlined), to save as a segment. */
export function filtersJson(items: readonly UrlFilter[]): unknown[] {
  return items.map((item) => item.json);
}

/** A dashboard link with these URL filters and bot setting (the default, hide, left out). */
export function dashboardHref(
  selection: AdminSelection,
  filters: readonly string[],
  bots: BotMode,
): string {
  const href = adminHref("/admin", { ...selection, filters }, {
    [BOTS_PARAM]: bots === "hide" ? null : bots,
  });
  // ":" and "/" may stand as they are in a query (RFC 3986, 3.4): `f=visit:country:is:DE` reads
  // better than `f=visit%3Acountry%3Ais%3ADE`. Decoding only these two keeps the URL's meaning.
  return href.replace(/%3A/g, ":").replace(/%2F/g, "/");
}

/**
 * The filters as the overview's CSV export takes them (`filters`: v2 JSON, segments inlined;
 * `bots`), so the dashboard's download holds what the dashboard shows.
 */
export function exportFilterParams(f: DashboardFilters): Record<string, string | null> {
  return {
    filters: f.items.length > 0 ? JSON.stringify(filtersJson(f.items)) : null,
    bots: f.bots === "hide" ? null : f.bots,
  };
}
