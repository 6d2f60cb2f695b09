// The bots area of the store (lib/store/types.ts): exclusions (visitors whose hits are dropped and
// kept out of every stat), a visitor's stored history with each row's score breakdown, and one
// stored score. It also declares the answers of the bot report's reads, which run by name
// (lib/reads/registry.ts: botReport, suspiciousVisitors, excludedVisitors). The score thresholds
// are lib/bots/thresholds.ts; the collectors' cache of exclusions is lib/ingest/caches.ts (the
// routes update it after a change here).

/** A stored score's breakdown: points per signal (and objects for the correlation penalty). */
export type ScoreDetail = Record<string, unknown>;

export interface Exclusion {
  visitor_id: string;
  label: string | null;
  /** ISO instant. */
  created_at: string;
}

export interface ExcludedVisitor extends Exclusion {
  /** Stored views of the visitor (0 when none). */
  pageviews: number;
  /** Highest score of those views; null without views. */
  max_bot_score: number | null;
}

export interface VisitorView {
  id: number;
  site_id: string;
  path: string;
  session_id: string | null;
  interaction_ms: number | null;
  is_spa: number;
  screen_width: number | null;
  screen_height: number | null;
  device_type: string | null;
  os_name: string | null;
  browser_name: string | null;
  browser_version: string | null;
  country_code: string | null;
  referrer: string | null;
  referrer_type: string | null;
  is_pwa: number;
  pow_verdict: string | null;
  pow_solve_ms: number | null;
  bot_score: number;
  /** Null when none is stored or the stored one is not a JSON object. */
  bot_score_detail: ScoreDetail | null;
  created_at: string;
}

export interface VisitorEvent {
  id: number;
  event_type: string;
  event_name: string | null;
  site_id: string;
  session_id: string | null;
  path: string | null;
  data: string | null;
  device_type: string | null;
  source: string;
  bot_score: number;
  bot_score_detail: ScoreDetail | null;
  created_at: string;
}

/** A visitor's exclusion and latest views and events, newest first. */
export interface VisitorHistory {
  exclusion: Exclusion | null;
  views: VisitorView[];
  events: VisitorEvent[];
}

export interface StoredScore {
  score: number;
  detail: ScoreDetail | null;
}

export type ScoredRow = "view" | "event";

// ---------------------------------------------------------------------------------------------
// The correlator's sweep (lib/bots/correlator.ts)

/** Page views created in [since, until), in groups of at least `minVisitors` distinct visitors. */
export interface ClusterRange {
  since: string;
  until: string;
  minVisitors: number;
}

/** Visitors of one site whose page views share a fingerprint (os|browser|version|WxH|country). */
export interface FingerprintCluster {
  siteId: string;
  fingerprint: string;
  visitorIds: string[];
  /** A member scored ≥ the bot threshold before any correlation penalty. */
  tainted: boolean;
}

/** A cluster's penalty, added to its members' rows on its site. */
export interface CorrelationPenalty {
  siteId: string;
  visitorIds: readonly string[];
  penalty: number;
  clusterSize: number;
  fingerprint: string;
  /** Only rows created at or after this instant are rewritten. */
  since: string;
}

/** Page views created in [from, to) whose visitor sent no behaviour event get `points`. */
export interface EventlessRange {
  from: string;
  to: string;
  points: number;
}

export interface BotStore {
  /** Adds an exclusion at `at` (ISO); an existing one (and its label) is kept. True when new. */
  exclude(visitorId: string, label: string | null, at: string): Promise<boolean>;
  /** Removes an exclusion; true when there was one. */
  include(visitorId: string): Promise<boolean>;
  /** The `limit` most recent exclusions with each visitor's stored views and highest score. */
  excluded(limit: number): Promise<ExcludedVisitor[]>;
  /** The ids of the `limit` most recent exclusions (the collectors' cache). */
  excludedIds(limit: number): Promise<string[]>;
  /** The visitor's exclusion and latest `limit` views and events (each newest first). */
  history(visitorId: string, limit: number): Promise<VisitorHistory>;
  /** The stored score and breakdown of one view or event by id; null when there is none. */
  score(row: ScoredRow, id: number): Promise<StoredScore | null>;

  // The correlator's sweep: each penalty is recorded in the score detail and applied once (rows
  // that carry it are skipped), so a sweep can run any number of times.
  /** The fingerprint clusters of unproven page views in `range`, by site and fingerprint. */
  fingerprintClusters(range: ClusterRange): Promise<FingerprintCluster[]>;
  /** Adds a cluster's penalty (capped at 100) to its visitors' views and beacon events on its
   * site since `since`; the rows changed per kind. */
  penalizeCluster(penalty: CorrelationPenalty): Promise<{ views: number; events: number }>;
  /** Adds the no-event penalty to the views of `range` whose visitor sent no event on that site;
   * the views changed. */
  penalizeEventless(range: EventlessRange): Promise<number>;
}

// ---------------------------------------------------------------------------------------------
// The answers of the bot report's reads (lib/reads/registry.ts)

export interface ReportRange {
  siteId: string | null;
  /** First UTC day included, YYYY-MM-DD. */
  sinceDate: string;
}

export interface SuspiciousQuery {
  siteId: string | null;
  minScore: number;
  limit: number;
  /** ISO instant: views from then on. */
  since: string;
}

export interface SuspiciousVisitor {
  visitor_id: string;
  max_bot_score: number;
  pageviews: number;
  first_seen: string;
  last_seen: string;
  /** Comma-separated sorted distinct values (the reference's GROUP_CONCAT shape). */
  sites: string | null;
  devices: string | null;
  countries: string | null;
  os_names: string | null;
  browsers: string | null;
  is_excluded: boolean;
}

export interface KnownBotTraffic {
  bot_name: string;
  hits: number;
  top_paths: { path: string; hits: number }[];
}

export interface ScoredViews {
  by_signal: { signal: string; rows: number; points: number }[];
  pow_verdicts: { verdict: string; rows: number }[];
  buckets: { clean: number; medium: number; bot: number };
}

export interface ReasonCount {
  /** The stored bot_reason (a signal name); "unknown" for a row stored without one. */
  reason: string;
  views: number;
  visitors: number;
  events: number;
}

export interface GroupCount {
  group: string;
  views: number;
  visitors: number;
  events: number;
}
