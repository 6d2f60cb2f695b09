// The sites area of the store (lib/store/types.ts): the registry (sites registered by their hits,
// or added by an admin), each site's collection settings and time zone, bounded pages and
// selector choices, and deletion with or without the site's stored data. lib/admin/sites.ts owns
// the rules (validation, the collectors' cache refresh); automatic registration within the limits
// is the collectors' (lib/ingest/site_registrar.ts).

export type SiteSource = "auto" | "admin";

/** What the collectors apply to a site's hits (lib/ingest/caches.ts). */
export interface SiteCollectSettings {
  sendFormValues: boolean;
  queryAllowlist: string[];
  consentCss: string;
}

export interface RegistrationLimits {
  /** ECHELON_MAX_SITES: hits register a site only while the registry holds fewer sites. */
  maxSites: number;
  /** ECHELON_NEW_SITES_PER_HOUR: automatic registrations per rolling hour. */
  perHour: number;
}

/** The rolling window of ECHELON_NEW_SITES_PER_HOUR. */
export const REGISTRATION_WINDOW_MS = 3_600_000;

/** A site first seen on a valid hit, waiting to be registered (lib/ingest/site_registrar.ts). */
export interface PendingSite {
  siteId: string;
  /** When its first valid hit arrived (ms); stored as the site's created_at. */
  at: number;
  /** Listed in ECHELON_ALLOWED_SITES: the operator chose it, so no limit applies. */
  exempt: boolean;
}

export interface RegistrationState {
  /** Sites in the registry, the admin's included. */
  sites: number;
  /** When the automatic registrations of the window before `now` happened (ms), oldest first;
   * at most `perHour` of them (the latest), which is all the rate check needs. */
  recent: number[];
}

export interface SiteOption {
  site_id: string;
  name: string | null;
}

export interface SiteChoices {
  /** At most the limit asked for: the admin's sites first, then the others, each by id. */
  options: SiteOption[];
  /** Sites in the registry. */
  total: number;
}

export type SiteListRow = {
  site_id: string;
  name: string | null;
  source: SiteSource;
  created_at: string;
  /** Human page views since the list query's `today` and `monthStart`. */
  views_today: number;
  views_30d: number;
};

/** The sort key of the site list (by id): `?after=` / `?before=` cursors carry it. */
export const SITE_LIST_KEYS = ["site_id"] as const;

export interface SiteListQuery {
  /** Instants (ISO) the view counts start from. */
  since: { today: string; monthStart: string };
  /** Only sites whose id or name contains this text (case-insensitive); "" or absent for all. */
  search?: string;
}

export interface SitePageRequest {
  /** The site id the page starts after (or ends before); null for the first page. */
  cursor: string | null;
  direction: "after" | "before";
  limit: number;
}

export interface SitePage {
  rows: SiteListRow[];
  hasPrev: boolean;
  hasNext: boolean;
}

export interface SiteSettings {
  consent_css: string;
  send_form_values: boolean;
  query_allowlist: string[];
  /** IANA zone of the site's day boundaries; "UTC" when none was chosen. */
  time_zone: string;
}

export interface SiteRecord extends SiteSettings {
  site_id: string;
  name: string | null;
  source: SiteSource;
  created_at: string;
}

/** A validated change (lib/admin/site_input.ts): absent fields keep their stored value. */
export interface SiteChange {
  /** null clears the name. */
  name?: string | null;
  consent_css?: string;
  send_form_values?: boolean;
  query_allowlist?: readonly string[];
  /** An IANA zone already checked; "UTC" for none. */
  time_zone?: string;
}

export type CreateSiteOutcome = "created" | "registered" | "exists";

/** What a deletion removed, by kind (0 for the data kinds without `purgeData`). */
export interface SiteDeletion {
  site: number;
  views: number;
  events: number;
  bot_traffic: number;
  drop_counts: number;
  rollups: number;
}

/** The admin header's live figures of one site or all (lib/admin/frame.ts). */
export interface LiveFigures {
  /** Distinct human visitors with a view in the active window. */
  active_visitors: number;
  /** Human page views since the start of the day. */
  views_today: number;
  /** Page views scored as bots (or excluded) since the start of the day. */
  bot_views_today: number;
}

export interface LiveFiguresQuery {
  /** One site, or null for every site. */
  site: string | null;
  /** ISO instants: the active window's start and the (display zone's) day's start. */
  activeSince: string;
  todaySince: string;
}

export interface SiteStore {
  /** One page of the sites by id, with their human page views since `query.since`. */
  list(query: SiteListQuery, request: SitePageRequest): Promise<SitePage>;
  /** The site with its settings, or null when it is not registered. */
  get(siteId: string): Promise<SiteRecord | null>;
  /** Sites for a selector, at most `limit` (index range scans, never a scan of the views). */
  choices(limit: number): Promise<SiteChoices>;
  /** The time zone of each of `siteIds` that has one other than UTC (absent: UTC). */
  timeZones(siteIds: readonly string[]): Promise<Map<string, string>>;
  /** When the first stored view of a site (null: of any site) happened (ISO), or null. */
  firstStoredView(siteId: string | null): Promise<string | null>;
  /** The admin header's live figures (index range scans, on every admin page). */
  liveFigures(query: LiveFiguresQuery): Promise<LiveFigures>;
  /** How many views and events are stored for a site (what a purge would delete). */
  dataCounts(siteId: string): Promise<{ views: number; events: number }>;
  /**
   * Adds a site. A site known from its hits ("auto") becomes an admin site and takes the name if
   * one is given ("registered"); an admin site is left alone ("exists").
   */
  create(siteId: string, name: string | null): Promise<CreateSiteOutcome>;
  /**
   * Applies a change (name and settings together, all or nothing) to the stored values; the
   * stored record afterwards, or null (nothing stored) when the site is not registered.
   */
  update(siteId: string, change: SiteChange): Promise<SiteRecord | null>;
  /**
   * Removes a site and its settings; with `purgeData` also everything stored for it (views,
   * sessions, events, known-bot and drop counters, rollups and aggregates), all or nothing.
   */
  delete(siteId: string, options: { purgeData: boolean }): Promise<SiteDeletion>;
  /** Every registered site id, by id (the collectors' cache). */
  ids(): Promise<string[]>;
  /** The collection settings of every site that has stored settings (the collectors' cache). */
  collectSettings(): Promise<Map<string, SiteCollectSettings>>;
  /** The registry's size and the automatic registrations of the hour before `now` (ms). */
  registrationState(now: number, perHour: number): Promise<RegistrationState>;
  /**
   * Registers sites first seen on hits ("auto"), in order, each while the registry holds fewer
   * than `limits.maxSites` sites and fewer than `limits.perHour` automatic registrations happened
   * in the hour before `now` (exempt sites always); a site already registered is left alone.
   * Counting and inserting are atomic. Returns the ids refused (the room was taken meanwhile).
   */
  registerFromHits(
    sites: readonly PendingSite[],
    limits: RegistrationLimits,
    now: number,
  ): Promise<string[]>;
}
