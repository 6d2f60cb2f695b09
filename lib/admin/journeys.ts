// What the journeys page (routes/admin/journeys.tsx) asks: its own URL parameters (page,
// direction, mode, depth, width; read leniently, as the admin lists read theirs), and the query
// engine's questions under the dashboard's site, period, filters and bots — the site's top pages
// for the picker, and the journey itself (lib/query/journeys.ts).
import { BOT_SCORE_THRESHOLD } from "../bots/thresholds.ts";
import {
  DEFAULT_JOURNEY_DEPTH,
  DEFAULT_JOURNEY_WIDTH,
  type Journey,
  JOURNEY_DIRECTIONS,
  JOURNEY_MODES,
  MAX_JOURNEY_DEPTH,
  MAX_JOURNEY_WIDTH,
} from "../query/journeys.ts";
import { MAX_FILTER_VALUE_LENGTH, type Query } from "../query/model.ts";
import type { BotMode } from "../query/model.ts";
import {
  BOTS_PARAM,
  type DashboardFilters,
  parseChoice,
  parseIntIn,
  parseText,
} from "./filters.ts";
import { adminHref, type AdminSelection, type Period } from "./period.ts";

/** Pages the picker offers (the site's most visited, under the filters). */
export const PICKER_PAGES = 10;

/** The page's parameters; `page` "" when none is chosen (the top page is shown). */
export type JourneyChoice = Omit<Journey, "query">;

export function parseJourneyChoice(params: URLSearchParams): JourneyChoice {
  return {
    page: parseText(params.get("page"), MAX_FILTER_VALUE_LENGTH),
    direction: parseChoice(params.get("direction"), JOURNEY_DIRECTIONS, "next"),
    mode: parseChoice(params.get("mode"), JOURNEY_MODES, "any"),
    depth: parseIntIn(params.get("depth"), 1, MAX_JOURNEY_DEPTH, DEFAULT_JOURNEY_DEPTH),
    width: parseIntIn(params.get("width"), 1, MAX_JOURNEY_WIDTH, DEFAULT_JOURNEY_WIDTH),
  };
}

/** The visits of one site over the period under the dashboard's filters and bot setting. */
export function visitsQuery(site: string, period: Period, filters: DashboardFilters): Query {
  return {
    siteIds: [site],
    timeZone: period.timeZone,
    range: { from: period.from, to: period.to },
    metrics: ["visits"],
    dimensions: [],
    filter: filters.filter,
    orderBy: [],
    limit: 1,
    offset: 0,
    include: { totalRows: false, timeLabels: false, comparison: null },
    bots: { mode: filters.bots, threshold: BOT_SCORE_THRESHOLD },
  };
}

/** The picker's query: the most visited pages of the same visits. */
export function topPagesQuery(visits: Query): Query {
  return {
    ...visits,
    metrics: ["visitors"],
    dimensions: ["event:page"],
    limit: PICKER_PAGES,
  };
}

/** The journeys page of `selection` (its site, period and filters) under `bots`, with `extra`. */
export function journeysHref(
  selection: AdminSelection,
  bots: BotMode,
  extra: Partial<JourneyChoice> = {},
): string {
  return adminHref("/admin/journeys", selection, {
    [BOTS_PARAM]: bots === "hide" ? null : bots,
    ...extra,
  });
}
