// overview.csv: the dashboard of one site and period as a multi-section CSV (Nanolytica's
// layout, with more in it): the headline figures against the previous period, the daily trend and
// every top list, each section a table with its own header. Aggregates only: public mode serves
// the sections lib/public/policy.ts lists.
import { OVERVIEW_DIMENSIONS, type OverviewListSpec } from "../query/dimensions.ts";
import type { Overview, OverviewLists } from "../stats/mod.ts";
import type { CsvSection, CsvValue } from "./csv.ts";

/** Rows per top list in the file (the stats API's maximum). */
export const EXPORT_LIST_LIMIT = 100;

type Metric = [name: string, key: keyof Overview & keyof NonNullable<Overview["previous"]>];

const SUMMARY: readonly Metric[] = [
  ["visitors", "unique_visitors"],
  ["pageviews", "pageviews"],
  ["sessions", "sessions"],
  ["bounces", "bounces"],
  ["bounce_rate_pct", "bounce_rate"],
  ["pages_per_session", "pages_per_session"],
  ["avg_session_ms", "avg_session_ms"],
  ["avg_engagement_ms", "avg_engagement_ms"],
  ["avg_scroll_pct", "avg_scroll_pct"],
  ["avg_interaction_ms", "avg_interaction_ms"],
  ["events", "events"],
];

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

function summaryRows(o: Overview): CsvValue[][] {
  return SUMMARY.map(([name, key]) => {
    const value = o[key] as number;
    const previous = o.previous ? o.previous[key] as number : null;
    if (previous === null) return [name, value, null, null, null];
    const pct = previous === 0 ? null : round(((value - previous) / previous) * 100, 1);
    return [name, value, previous, round(value - previous, 2), pct];
  });
}

/** The CSV columns of each kind of overview list row (lib/query/dimensions.ts). */
const LIST_COLUMNS: Record<OverviewListSpec["rows"], [header: string, field: string][]> = {
  views: [["pageviews", "views"], ["visitors", "visitors"]],
  visits: [["pageviews", "visits"], ["visitors", "visitors"]],
  entries: [["sessions", "sessions"], ["bounces", "bounces"], ["bounce_rate_pct", "bounce_rate"]],
  exits: [["sessions", "sessions"]],
};

/** The section of one of the overview's dimension lists, as the registry declares it. */
function listSection(o: Overview, list: OverviewListSpec): CsvSection {
  const columns = LIST_COLUMNS[list.rows];
  const rows = o[list.key as keyof OverviewLists] as unknown as Record<string, CsvValue>[];
  return {
    title: list.title,
    header: [list.field, ...columns.map(([header]) => header)],
    rows: rows.map((r) => [r[list.field], ...columns.map(([, field]) => r[field])]),
  };
}

/** Sections of lists the engine has no dimension for, after the list they follow. */
const AFTER: Record<string, (o: Overview) => CsvSection[]> = {
  // Only when the geo database has them (ECHELON_GEOIP_DB with a city database).
  countries: (o) => [
    ...(o.regions.length === 0 ? [] : [{
      title: "Regions",
      header: ["country_code", "region", "pageviews", "visitors"],
      rows: o.regions.map((r) => [r.country_code, r.region, r.visits, r.visitors]),
    }]),
    ...(o.cities.length === 0 ? [] : [{
      title: "Cities",
      header: ["country_code", "region", "city", "pageviews", "visitors"],
      rows: o.cities.map((r) => [r.country_code, r.region, r.city, r.visits, r.visitors]),
    }]),
  ],
  os_systems: (o) => [{
    title: "Screen resolutions",
    header: ["resolution", "pageviews", "visitors"],
    rows: o.resolutions.map((r) => [r.resolution, r.views, r.visitors]),
  }],
};

/** The file's sections (small: every list is capped at EXPORT_LIST_LIMIT rows). */
export function overviewSections(o: Overview, generatedAt: string): CsvSection[] {
  return [
    {
      title: "Echelon Analytics overview",
      header: ["field", "value"],
      rows: [
        ["site_id", o.site_id],
        ["from", o.from],
        ["to", o.to],
        ["days", o.period_days],
        ["timezone", o.timezone],
        ["previous_from", o.previous?.from],
        ["previous_to", o.previous?.to],
        ...Object.entries(o.filters).map(([name, value]) => [`filter_${name}`, value]),
        ["source", o.source.kind],
        ["generated_at", generatedAt],
      ],
    },
    {
      title: "Summary",
      header: ["metric", "value", "previous", "change", "change_pct"],
      rows: summaryRows(o),
    },
    {
      title: "Daily trend",
      header: ["date", "pageviews", "visitors", "sessions", "bounces", "events"],
      rows: o.daily_trend.map((
        d,
      ) => [d.date, d.visits, d.visitors, d.sessions, d.bounces, d.events]),
    },
    ...OVERVIEW_DIMENSIONS.flatMap((
      d,
    ) => [listSection(o, d.overview), ...(AFTER[d.overview.key]?.(o) ?? [])]),
    {
      title: "Outbound links",
      header: ["url", "clicks", "visitors"],
      rows: o.outbound_links.map((r) => [r.url, r.clicks, r.visitors]),
    },
    {
      title: "Downloads",
      header: ["url", "clicks", "visitors"],
      rows: o.downloads.map((r) => [r.url, r.clicks, r.visitors]),
    },
    {
      title: "Events by type",
      header: ["event_type", "events", "visitors"],
      rows: o.events_by_type.map((r) => [r.event_type, r.count, r.visitors]),
    },
    {
      title: "Custom events",
      header: ["event_name", "events", "visitors"],
      rows: o.custom_events.map((r) => [r.event_name, r.count, r.visitors]),
    },
    {
      title: "Web vitals",
      header: ["metric", "samples", "p50", "p75", "p95", "good", "needs_improvement", "poor"],
      rows: Object.entries(o.web_vitals).map(([metric, v]) => [
        metric,
        v.samples,
        v.p50,
        v.p75,
        v.p95,
        v.good,
        v.needs_improvement,
        v.poor,
      ]),
    },
    {
      title: "Scroll depth",
      header: ["depth_pct", "pageviews"],
      rows: o.scroll_depth.map((r) => [r.depth, r.pageviews]),
    },
  ];
}
