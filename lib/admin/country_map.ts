// The dashboard's country map (components/CountryMap.tsx): visitors per country from the query
// engine (the heavy read "query", every country rather than the top list's ten), and how each is
// shaded — five steps on a square-root scale, so one big country does not wash out the rest.
// The geometry is precomputed (lib/admin/country_map_paths.ts, scripts/country_map_paths.ts).
import type { Filter, Query } from "../query/model.ts";
import { resolveQuery } from "../query/model.ts";
import type { Reader } from "../reads/mod.ts";
import { isRefusedRead } from "../reads/refusals.ts";
import { countryName } from "./country.ts";
import { COUNTRY_PATHS, MAP_VIEWBOX } from "./country_map_paths.ts";
import type { Period } from "./period.ts";

export { MAP_VIEWBOX };

export interface CountryFigure {
  /** As stored: a two-letter code, "unknown", or an anonymised site's pseudonym. */
  code: string;
  visitors: number;
}

/** Shading steps, 1 (fewest visitors) to SHADES; 0 is a country without visitors. */
export const SHADES = 5;

export interface MapCountry {
  code: string;
  name: string;
  /** The SVG path (in MAP_VIEWBOX). */
  d: string;
  visitors: number;
  shade: number;
}

export interface LegendStep {
  shade: number;
  /** The fewest and most visitors a country of this step has (inclusive). */
  from: number;
  to: number;
}

/** What the map shows instead when its read was refused (timed out, rate-limited, queue full). */
export interface CountryMapUnavailable {
  unavailable: string;
}

export interface CountryMapModel {
  countries: MapCountry[];
  /** Visitors the map cannot place: unknown country, pseudonyms, codes it has no shape for. */
  offMap: (CountryFigure & { name: string })[];
  legend: LegendStep[];
}

/** The engine's question: visitors per country of one site over the period (UTC days). */
export function countryMapQuery(
  siteId: string,
  period: Pick<Period, "from" | "to" | "timeZone">,
  now: number,
  view: { filter: Filter | null; bots?: Query["bots"] } = { filter: null },
): Query {
  const query = resolveQuery({
    site_id: siteId,
    metrics: ["visitors"],
    date_range: [period.from, period.to],
    timezone: period.timeZone,
    dimensions: ["visit:country"],
    order_by: [["visitors", "desc"]],
  }, now);
  return { ...query, filter: view.filter, bots: view.bots ?? query.bots };
}

export async function countryFigures(reads: Reader, query: Query): Promise<CountryFigure[]> {
  const answer = await reads.run("query", query);
  return answer.results.map((row) => ({
    code: row.dimensions[0],
    visitors: row.metrics[0] ?? 0,
  }));
}

/**
 * The map's model, or why it is missing: the engine reads raw rows (a heavy read), which a public
 * caller may run out of (ECHELON_PUBLIC_READ_RATE) or which may pass the request's time budget;
 * the dashboard then renders without the map rather than failing.
 */

export async function loadCountryMap(
  reads: Reader,
  query: Query,
): Promise<CountryMapModel | CountryMapUnavailable> {
  try {
    return countryMapModel(await countryFigures(reads, query));
  } catch (error) {
    if (isRefusedRead(error)) {
      return { unavailable: error.message };
    }
    throw error;
  }
}

/** The shade of `visitors` when the busiest country has `max`: ceil(SHADES·√(v/max)). */
export function shadeOf(visitors: number, max: number): number {
  if (visitors <= 0 || max <= 0) return 0;
  return Math.min(SHADES, Math.max(1, Math.ceil(SHADES * Math.sqrt(visitors / max))));
}

/** Steps for a busiest country of `max` visitors; steps no whole number falls in are left out. */
export function legendSteps(max: number): LegendStep[] {
  const steps: LegendStep[] = [];
  let from = 1;
  for (let shade = 1; shade <= SHADES && from <= max; shade++) {
    // The most visitors of this shade: the largest v with ceil(SHADES·√(v/max)) ≤ shade.
    let to = Math.floor(max * (shade / SHADES) ** 2);
    while (to < max && shadeOf(to + 1, max) <= shade) to++;
    while (to >= from && shadeOf(to, max) > shade) to--;
    if (to >= from) steps.push({ shade, from, to });
    from = Math.max(from, to + 1);
  }
  return steps;
}

export function countryMapModel(figures: readonly CountryFigure[]): CountryMapModel {
  const byCode = new Map<string, number>();
  const offMap: CountryMapModel["offMap"] = [];
  for (const figure of figures) {
    const code = figure.code.toUpperCase();
    if (Object.hasOwn(COUNTRY_PATHS, code) && /^[A-Z]{2}$/.test(code)) {
      byCode.set(code, (byCode.get(code) ?? 0) + figure.visitors);
    } else if (figure.visitors > 0) {
      offMap.push({ ...figure, name: countryName(figure.code) });
    }
  }
  const max = Math.max(0, ...byCode.values());
  const countries = Object.entries(COUNTRY_PATHS).map(([code, d]) => {
    const visitors = byCode.get(code) ?? 0;
    return { code, name: countryName(code), d, visitors, shade: shadeOf(visitors, max) };
  });
  return { countries, offMap, legend: legendSteps(max) };
}
