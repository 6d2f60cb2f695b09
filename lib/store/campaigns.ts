// The campaigns area of the store (lib/store/types.ts): the registry of UTM campaigns, one per
// (site, utm_campaign value), each with a unique id. lib/campaigns/ owns the rules (validation,
// the id derived from the value, the collectors' whitelist refresh); the campaign reports are
// analytics reads (lib/campaigns/report.ts), whose rows are declared here too.

export const CAMPAIGN_STATUSES = ["active", "paused", "archived"] as const;
export type CampaignStatus = typeof CAMPAIGN_STATUSES[number];

export interface CampaignRecord {
  id: string;
  name: string;
  utm_campaign: string;
  site_id: string;
  status: CampaignStatus;
  /** ISO instant, from the service clock. */
  created_at: string;
}

export interface CampaignFilter {
  siteId?: string | null;
  status?: CampaignStatus | null;
}

/** A campaign to register: with `derivedId`, `id` is a base the store makes unique. */
export interface CampaignRegistration {
  campaign: CampaignRecord;
  /** True: store it as `id`, else `id-2`, `id-3`… (the first free); false: `id` or nothing. */
  derivedId: boolean;
}

export type CampaignCreation =
  | { kind: "created"; campaign: CampaignRecord }
  /** The (utm_campaign, site) pair is already registered, as `existing`. */
  | { kind: "duplicate_value"; existing: CampaignRecord }
  /** The id given is taken (never with a derived id). */
  | { kind: "duplicate_id"; id: string };

export interface CampaignChange {
  name?: string;
  status?: CampaignStatus;
}

export interface CampaignStore {
  /** Registered campaigns (at most 1000), newest first. */
  list(filter: CampaignFilter): Promise<CampaignRecord[]>;
  get(id: string): Promise<CampaignRecord | null>;
  /** Registers a campaign: the checks for a taken value or id and the insert are one step. */
  create(registration: CampaignRegistration): Promise<CampaignCreation>;
  /** Changes the name and/or status: the stored record, or null when there is none. */
  update(id: string, change: CampaignChange): Promise<CampaignRecord | null>;
  /** Removes the registration (stored views and events keep their utm values); false if absent. */
  delete(id: string): Promise<boolean>;
  /** The active campaigns as site → utm_campaign values (the collectors' cache). */
  activeBySite(): Promise<Map<string, Set<string>>>;
}

// ---------------------------------------------------------------------------------------------
// The campaign reports' rows (the reads campaignSummaries, campaignSummary, campaignReport and
// campaignEventsReport, lib/reads/registry.ts)

/** [since, until) as ISO instants. */
export interface TimeRange {
  since: string;
  until: string;
}

export interface TrafficTotals {
  views: number;
  visitors: number;
  sessions: number;
  bounces: number;
}

export interface BreakdownRow {
  value: string;
  views: number;
  visitors: number;
}

export interface LandingPageRow {
  path: string;
  sessions: number;
  bounces: number;
}

export interface DailyRow {
  date: string;
  views: number;
  visitors: number;
}

export interface CampaignTraffic {
  totals: TrafficTotals;
  bySource: BreakdownRow[];
  byMedium: BreakdownRow[];
  byContent: BreakdownRow[];
  byTerm: BreakdownRow[];
  topPaths: BreakdownRow[];
  landingPages: LandingPageRow[];
  /** Days with views only (the caller zero-fills the range). */
  daily: DailyRow[];
}

export interface CampaignEventCount {
  count: number;
  unique_visitors: number;
}

export interface CampaignEventFigures {
  events: number;
  /** Sum over days of the day's distinct visitors with an event. */
  event_visitors: number;
  /** Sessions with at least one custom event (`echelon.track`): the campaign's conversions. */
  converted_sessions: number;
  byType: (CampaignEventCount & { event_type: string })[];
  byName: (CampaignEventCount & { event_name: string })[];
}

export interface CampaignEventRow {
  /** null for organic traffic (no utm_campaign). */
  utm_campaign: string | null;
  visitors: number;
  event_visitors: number;
  events: number;
  event_types: (CampaignEventCount & { event_type: string })[];
  event_names: (CampaignEventCount & { event_name: string })[];
}

/** What the campaign list is made from. */
export interface CampaignSummaryRows {
  /** Registered campaigns (at most 1000), newest first. */
  campaigns: CampaignRecord[];
  /** Clean traffic per campaign id (campaigns without views are absent). */
  totals: Map<string, TrafficTotals>;
}

/** What one campaign's report is made from. */
export interface CampaignReportRows {
  traffic: CampaignTraffic;
  events: CampaignEventFigures;
}

/** What a site's campaign → event correlation is made from. */
export interface CampaignEventsRows {
  /** The site's registered campaigns. */
  campaigns: CampaignRecord[];
  correlation: CampaignEventRow[];
}
