// overview.csv: the dashboard of one site and period as a multi-section CSV (Nanolytica's
// layout, with more in it): the headline figures against the previous period, the daily trend and
// every top list, each section a table with its own header. Aggregates only: public mode serves
// the sections lib/public/policy.ts lists.
import type { Overview } from "../stats/mod.ts";
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

const views = <T>(rows: T[], key: keyof T) =>
  rows.map((
    r,
  ) => [r[key] as CsvValue, (r as { views: number }).views, (r as { visitors: number }).visitors]);

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
    {
      title: "Top pages",
      header: ["path", "pageviews", "visitors"],
      rows: views(o.top_paths, "path"),
    },
    {
      title: "Entry pages",
      header: ["path", "sessions", "bounces", "bounce_rate_pct"],
      rows: o.entry_pages.map((r) => [r.path, r.sessions, r.bounces, r.bounce_rate]),
    },
    {
      title: "Exit pages",
      header: ["path", "sessions"],
      rows: o.exit_pages.map((r) => [r.path, r.sessions]),
    },
    {
      title: "Referrers",
      header: ["domain", "pageviews", "visitors"],
      rows: views(o.referrer_domains, "domain"),
    },
    {
      title: "Referrer types",
      header: ["referrer_type", "pageviews", "visitors"],
      rows: views(o.referrers, "referrer_type"),
    },
    {
      title: "UTM sources",
      header: ["utm_source", "pageviews", "visitors"],
      rows: views(o.utm_sources, "utm_source"),
    },
    {
      title: "UTM mediums",
      header: ["utm_medium", "pageviews", "visitors"],
      rows: views(o.utm_mediums, "utm_medium"),
    },
    {
      title: "UTM campaigns",
      header: ["utm_campaign", "pageviews", "visitors"],
      rows: views(o.utm_campaigns, "utm_campaign"),
    },
    {
      title: "Countries",
      header: ["country_code", "pageviews", "visitors"],
      rows: o.countries.map((r) => [r.country_code, r.visits, r.visitors]),
    },
    // Only when the geo database has them (ECHELON_GEOIP_DB with a city database).
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
    {
      title: "Devices",
      header: ["device_type", "pageviews", "visitors"],
      rows: o.devices.map((r) => [r.device_type, r.visits, r.visitors]),
    },
    {
      title: "Browsers",
      header: ["browser", "pageviews", "visitors"],
      rows: views(o.browsers, "browser"),
    },
    {
      title: "Operating systems",
      header: ["os_name", "pageviews", "visitors"],
      rows: views(o.os_systems, "os_name"),
    },
    {
      title: "Screen resolutions",
      header: ["resolution", "pageviews", "visitors"],
      rows: views(o.resolutions, "resolution"),
    },
    {
      title: "Screen classes",
      header: ["screen_class", "pageviews", "visitors"],
      rows: views(o.screen_classes, "screen_class"),
    },
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
