// Campaign reports as the API and the admin pages show them: the list with each campaign's
// traffic, one campaign's detail (breakdowns, landing pages, events, a zero-filled daily trend)
// and the campaign → event correlation of a site. Rates are percentages with one decimal. Each is
// made from the rows its read fetches (lib/reads/registry.ts; the rows: lib/store/campaigns.ts).
import { addDays } from "../days.ts";
import type {
  BreakdownRow,
  CampaignEventCount,
  CampaignEventRow,
  CampaignEventsRows,
  CampaignRecord,
  CampaignReportRows,
  CampaignSummaryRows,
  DailyRow,
  TimeRange,
  TrafficTotals,
} from "../store/campaigns.ts";

/** Whole UTC days [from, to] and the matching instants [since, until). */
export interface ReportRange extends TimeRange {
  from: string;
  to: string;
}

export function reportRange(days: { from: string; to: string }): ReportRange {
  return {
    from: days.from,
    to: days.to,
    since: `${days.from}T00:00:00.000Z`,
    until: `${addDays(days.to, 1)}T00:00:00.000Z`,
  };
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** a / b as a percentage with one decimal; 0 when b is 0. */
export function percent(a: number, b: number): number {
  return b > 0 ? round((a * 100) / b, 1) : 0;
}

const NO_TRAFFIC: TrafficTotals = { views: 0, visitors: 0, sessions: 0, bounces: 0 };

export interface TrafficFigures extends TrafficTotals {
  bounce_rate: number;
}

function withRates(totals: TrafficTotals): TrafficFigures {
  return { ...totals, bounce_rate: percent(totals.bounces, totals.sessions) };
}

export type CampaignSummary = CampaignRecord & TrafficFigures;

/** Registered campaigns (as the rows were read: by site and status) with their clean traffic. */
export function campaignSummaries(rows: CampaignSummaryRows): CampaignSummary[] {
  return rows.campaigns.map((c) => ({
    ...c,
    ...withRates(rows.totals.get(c.id) ?? NO_TRAFFIC),
  }));
}

/** One campaign's figures (the list's columns, for its detail API) from its site's totals. */
export function campaignSummary(
  campaign: CampaignRecord,
  totals: CampaignSummaryRows["totals"],
): CampaignSummary {
  return { ...campaign, ...withRates(totals.get(campaign.id) ?? NO_TRAFFIC) };
}

/** One entry per day of the range, days without views included as zeros. */
export function zeroFilledTrend(rows: readonly DailyRow[], range: ReportRange): DailyRow[] {
  const byDay = new Map(rows.map((row) => [row.date, row]));
  const trend: DailyRow[] = [];
  for (let day = range.from; day <= range.to; day = addDays(day, 1)) {
    trend.push(byDay.get(day) ?? { date: day, views: 0, visitors: 0 });
  }
  return trend;
}

function named<K extends string>(rows: BreakdownRow[], key: K) {
  return rows.map((row) => ({ [key]: row.value, views: row.views, visitors: row.visitors })) as (
    & { [P in K]: string }
    & { views: number; visitors: number }
  )[];
}

export interface CampaignReport extends TrafficFigures {
  campaign_id: string;
  campaign: CampaignRecord;
  period: { from: string; to: string };
  events: number;
  event_visitors: number;
  /** Sessions with a custom event (a goal sent with `echelon.track`). */
  conversions: number;
  conversion_rate: number;
  bySource: { utm_source: string; views: number; visitors: number }[];
  byMedium: { utm_medium: string; views: number; visitors: number }[];
  byContent: { utm_content: string; views: number; visitors: number }[];
  byTerm: { utm_term: string; views: number; visitors: number }[];
  topPaths: { path: string; views: number; visitors: number }[];
  landingPages: { path: string; sessions: number; bounces: number; bounce_rate: number }[];
  dailyTrend: DailyRow[];
  eventsByType: (CampaignEventCount & { event_type: string })[];
  eventsByName: (CampaignEventCount & { event_name: string })[];
}

export function campaignReport(
  campaign: CampaignRecord,
  range: ReportRange,
  { traffic, events }: CampaignReportRows,
): CampaignReport {
  return {
    campaign_id: campaign.id,
    campaign,
    period: { from: range.from, to: range.to },
    ...withRates(traffic.totals),
    events: events.events,
    event_visitors: events.event_visitors,
    conversions: events.converted_sessions,
    conversion_rate: percent(events.converted_sessions, traffic.totals.sessions),
    bySource: named(traffic.bySource, "utm_source"),
    byMedium: named(traffic.byMedium, "utm_medium"),
    byContent: named(traffic.byContent, "utm_content"),
    byTerm: named(traffic.byTerm, "utm_term"),
    topPaths: named(traffic.topPaths, "path"),
    landingPages: traffic.landingPages.map((row) => ({
      ...row,
      bounce_rate: percent(row.bounces, row.sessions),
    })),
    dailyTrend: zeroFilledTrend(traffic.daily, range),
    eventsByType: events.byType,
    eventsByName: events.byName,
  };
}

export interface CampaignEventsEntry extends CampaignEventRow {
  /** The registered campaign for this value on the site; null for organic or unregistered. */
  campaign_id: string | null;
  campaign_name: string | null;
  /** Visitors with a tagged event per 100 visitors of the campaign's views. */
  event_rate: number;
  events_per_visitor: number;
}

/** Campaign → event correlation for a site (utm_campaign null = organic traffic). */
export function campaignEventsReport(rows: CampaignEventsRows): CampaignEventsEntry[] {
  const registered = new Map(rows.campaigns.map((c) => [c.utm_campaign, c] as const));
  return rows.correlation.map((row) => {
    const campaign = row.utm_campaign === null ? undefined : registered.get(row.utm_campaign);
    return {
      campaign_id: campaign?.id ?? null,
      campaign_name: campaign?.name ?? null,
      ...row,
      event_rate: percent(row.event_visitors, row.visitors),
      events_per_visitor: row.visitors > 0 ? round(row.events / row.visitors, 2) : 0,
    };
  });
}
