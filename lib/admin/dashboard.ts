// What the dashboard and realtime pages ask of lib/stats, shaped for them: which site a page
// shows (the selection, or the only site there is), the overview of the selected period against
// the previous one, the headline cards with their changes, a per-site summary when "All sites"
// is selected (the stats are per site), and the export links.
import type { SiteChoices } from "../store/sites.ts";
import type { Reader } from "../reads/mod.ts";
import { type Overview, type OverviewQuery, readOverview } from "../stats/mod.ts";
import { BOT_SCORE_THRESHOLD } from "../bots/thresholds.ts";
import type { DashboardFilters } from "./filters.ts";
import { formatDuration, formatNumber } from "./format.ts";
import type { AdminSelection, Period } from "./period.ts";
import type { OverviewView } from "../stats/engine_overview.ts";

/** Rows per top list on the dashboard. */
export const DASHBOARD_LIST_LIMIT = 10;
/** Sites summarised when "All sites" is selected (each is one overview). */
export const MAX_SITE_SUMMARIES = 20;

/** The site a per-site page shows: the selected one, or the only registered site. */
export function pageSite(selection: AdminSelection, sites: SiteChoices): string | null {
  if (selection.site !== null) return selection.site;
  return sites.total === 1 && sites.options.length === 1 ? sites.options[0].site_id : null;
}

export function overviewQuery(
  siteId: string,
  period: Period,
  limit: number | null = DASHBOARD_LIST_LIMIT,
): OverviewQuery {
  // "All time" has no earlier period with data to compare with.
  const compare = period.preset !== "all";
  return { siteId, from: period.from, to: period.to, filters: {}, compare, limit };
}

/** The dashboard's filters and bot setting (lib/admin/filters.ts); by default none. */
export type DashboardView = Pick<DashboardFilters, "filter" | "bots">;
const UNFILTERED: DashboardView = { filter: null, bots: "hide" };

/**
 * The overview of one site over the selected period, compared with the previous period, under the
 * dashboard's filters: from the rollups while nothing narrows it, else by the query engine
 * (lib/stats/overview_read.ts chooses). Rollups are UTC days, so a site in another zone is read
 * through the engine in its local days — from the per-day aggregates, kept in the site's local
 * days (lib/db/aggregates.ts; unfiltered, no raw row: bench/query_notes.md, last section).
 */
export function dashboardOverview(
  reads: Reader,
  siteId: string,
  period: Period,
  view: DashboardView = UNFILTERED,
): Promise<Overview> {
  const q = overviewQuery(siteId, period);
  const engineView = overviewView(view);
  if (period.timeZone !== "UTC") return reads.run("engineOverview", q, engineView, period.timeZone);
  return readOverview(reads, q, engineView);
}

/** The dashboard's view as the engine takes it (the default bot threshold). */
export function overviewView(view: DashboardView): OverviewView {
  return { filter: view.filter, bots: { mode: view.bots, threshold: BOT_SCORE_THRESHOLD } };
}

/** What the cards of a filtered dashboard show; each is left out when its fields are not narrowed. */
export const NARROWED_PARTS = {
  proof: { label: "proof-of-work and bot figures", fields: ["verified_visitors"] },
  places: { label: "regions and cities", fields: ["regions", "cities"] },
  resolutions: { label: "screen sizes", fields: ["resolutions"] },
  clicks: { label: "outbound links and downloads", fields: ["outbound_links", "downloads"] },
  events: { label: "events", fields: ["custom_events", "events_by_type"] },
  scroll: { label: "scroll depth", fields: ["scroll_depth"] },
  vitals: { label: "web vitals", fields: ["web_vitals"] },
} as const satisfies Record<string, { label: string; fields: readonly (keyof Overview)[] }>;

export type NarrowedPart = keyof typeof NARROWED_PARTS;

/**
 * The parts of the dashboard the overview's filter does not narrow (the engine's overview names
 * the fields it took unfiltered from the rollups, lib/stats/engine_overview.ts): a filtered
 * dashboard leaves them out rather than show figures of all the traffic.
 */
export function unnarrowedParts(overview: Overview): Set<NarrowedPart> {
  const unfiltered = new Set<string>(overview.source.unfiltered ?? []);
  return new Set(
    (Object.keys(NARROWED_PARTS) as NarrowedPart[]).filter((part) =>
      NARROWED_PARTS[part].fields.some((field) => unfiltered.has(field))
    ),
  );
}

// ---------------------------------------------------------------------------------------------
// Headline cards

export interface KpiDelta {
  /** "12.5%", "3.1 pts", "new" or "—". */
  text: string;
  direction: "up" | "down" | "flat";
  /** Whether the change is good news (bounce rate down, everything else up); null when flat. */
  good: boolean | null;
  /** The change in words, for screen readers and tooltips. */
  description: string;
}

export interface Kpi {
  key: string;
  label: string;
  value: string;
  delta: KpiDelta | null;
  hint?: string;
}

type DeltaKey = keyof NonNullable<Overview["deltas"]>;

interface KpiSpec {
  key: DeltaKey;
  label: string;
  format: (value: number) => string;
  /** Changes of a percentage are shown in points, not as a percentage of a percentage. */
  points?: boolean;
  lowerIsBetter?: boolean;
  hint?: string;
}

const percent = (value: number) => `${value.toFixed(1)}%`;

export const KPI_SPECS: readonly KpiSpec[] = [
  {
    key: "unique_visitors",
    label: "Visitors",
    format: formatNumber,
    hint: "unique per day, summed",
  },
  { key: "visits", label: "Page views", format: formatNumber },
  { key: "sessions", label: "Sessions", format: formatNumber },
  {
    key: "bounce_rate",
    label: "Bounce rate",
    format: percent,
    points: true,
    lowerIsBetter: true,
    hint: "sessions with one page view",
  },
  { key: "pages_per_session", label: "Pages / session", format: (v) => v.toFixed(2) },
  {
    key: "avg_engagement_ms",
    label: "Avg engagement",
    format: formatDuration,
    hint: "visible, focused time per page",
  },
  { key: "avg_scroll_pct", label: "Avg scroll depth", format: percent, points: true },
];

export function kpiDelta(
  change: { current: number; previous: number; change: number; change_pct: number | null },
  spec: Pick<KpiSpec, "format" | "points" | "lowerIsBetter">,
  previousLabel: string,
): KpiDelta {
  const direction = change.change > 0 ? "up" : change.change < 0 ? "down" : "flat";
  const good = direction === "flat" ? null : (direction === "down") === !!spec.lowerIsBetter;
  const was = `${spec.format(change.previous)} ${previousLabel}`;
  if (direction === "flat") {
    return { text: "—", direction, good, description: `unchanged from ${was}` };
  }
  const verb = direction === "up" ? "up" : "down";
  if (spec.points) {
    const text = `${Math.abs(change.change).toFixed(1)} pts`;
    return { text, direction, good, description: `${verb} ${text} from ${was}` };
  }
  if (change.change_pct === null) {
    return { text: "new", direction, good, description: `none ${previousLabel}` };
  }
  const text = `${Math.abs(change.change_pct).toFixed(1)}%`;
  return { text, direction, good, description: `${verb} ${text} from ${was}` };
}

/** "in the previous 30 days" or "in 2026-09-01 – 2026-09-30". */
export function previousLabel(overview: Overview, period: Period): string {
  const previous = overview.previous;
  if (!previous) return "before";
  if (period.days === 1 || period.preset === "yesterday") return "the day before";
  if (period.days !== null) return `the previous ${period.days} days`;
  return `${previous.from} – ${previous.to}`;
}

export function dashboardKpis(overview: Overview, period: Period): Kpi[] {
  const label = previousLabel(overview, period);
  return KPI_SPECS.map((spec) => {
    const change = overview.deltas?.[spec.key];
    return {
      key: spec.key,
      label: spec.label,
      value: spec.format(overview[spec.key]),
      delta: change ? kpiDelta(change, spec, `in ${label}`) : null,
      hint: spec.hint,
    };
  });
}

// ---------------------------------------------------------------------------------------------
// All sites

export interface SiteSummary {
  site_id: string;
  name: string | null;
  overview: Overview;
}

export interface AllSites {
  sites: SiteSummary[];
  /** More sites are registered than were summarised. */
  truncated: boolean;
  /** Figures that add up exactly across sites (visitor ids are per site). */
  totals: {
    current: Totals;
    previous: Totals;
  };
  trend: { date: string; views: number; visitors: number; previousViews: number }[];
}

export interface Totals {
  visitors: number;
  pageviews: number;
  sessions: number;
  bounces: number;
  events: number;
}

const ZERO: Totals = { visitors: 0, pageviews: 0, sessions: 0, bounces: 0, events: 0 };

function addHeadline(into: Totals, h: Omit<Totals, "visitors"> & { unique_visitors: number }) {
  into.visitors += h.unique_visitors;
  into.pageviews += h.pageviews;
  into.sessions += h.sessions;
  into.bounces += h.bounces;
  into.events += h.events;
}

/** Each site's overview (no top lists needed beyond one row) and their exact sums. */
export async function allSitesSummary(
  reads: Reader,
  sites: SiteChoices,
  period: Period,
): Promise<AllSites> {
  const chosen = sites.options.slice(0, MAX_SITE_SUMMARIES);
  const summaries = await Promise.all(chosen.map(async (site) => ({
    site_id: site.site_id,
    name: site.name,
    overview: await reads.run("overview", overviewQuery(site.site_id, period, 1)),
  })));
  const current = { ...ZERO };
  const previous = { ...ZERO };
  const days = new Map<string, { views: number; visitors: number; previousViews: number }>();
  for (const { overview } of summaries) {
    addHeadline(current, overview);
    if (overview.previous) addHeadline(previous, overview.previous);
    overview.daily_trend.forEach((point, i) => {
      const day = days.get(point.date) ?? { views: 0, visitors: 0, previousViews: 0 };
      day.views += point.visits;
      day.visitors += point.visitors;
      day.previousViews += overview.previous?.daily_trend[i]?.visits ?? 0;
      days.set(point.date, day);
    });
  }
  summaries.sort((a, b) =>
    b.overview.unique_visitors - a.overview.unique_visitors ||
    b.overview.pageviews - a.overview.pageviews ||
    (a.site_id < b.site_id ? -1 : 1)
  );
  return {
    sites: summaries,
    truncated: sites.total > chosen.length,
    totals: { current, previous },
    trend: [...days].map(([date, d]) => ({ date, ...d })),
  };
}

/** Cards for the figures that add up across sites, with their changes. */
export function allSitesKpis(all: AllSites, period: Period): Kpi[] {
  const label = period.days === 1 || period.preset === "yesterday"
    ? "in the day before"
    : period.days !== null
    ? `in the previous ${period.days} days`
    : "in the previous period";
  const rate = (
    t: Totals,
  ) => (t.sessions > 0 ? Math.round((t.bounces / t.sessions) * 1000) / 10 : 0);
  const specs: [string, string, number, number, KpiSpec["format"], boolean?][] = [
    [
      "unique_visitors",
      "Visitors",
      all.totals.current.visitors,
      all.totals.previous.visitors,
      formatNumber,
    ],
    [
      "visits",
      "Page views",
      all.totals.current.pageviews,
      all.totals.previous.pageviews,
      formatNumber,
    ],
    [
      "sessions",
      "Sessions",
      all.totals.current.sessions,
      all.totals.previous.sessions,
      formatNumber,
    ],
    [
      "bounce_rate",
      "Bounce rate",
      rate(all.totals.current),
      rate(all.totals.previous),
      percent,
      true,
    ],
    ["events", "Events", all.totals.current.events, all.totals.previous.events, formatNumber],
  ];
  return specs.map(([key, name, current, previous, format, isRate]) => {
    const change = Math.round((current - previous) * 100) / 100;
    const pct = previous === 0 ? null : Math.round(((current - previous) / previous) * 1000) / 10;
    return {
      key,
      label: name,
      value: format(current),
      delta: kpiDelta(
        { current, previous, change, change_pct: pct },
        { format, points: isRate, lowerIsBetter: isRate },
        label,
      ),
    };
  });
}
