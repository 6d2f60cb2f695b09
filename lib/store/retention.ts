// The retention area of the store (lib/store/types.ts): deleting what is past its retention in
// bounded batches (each all or nothing, so writers are never locked out for long), and the record
// of each daily run. lib/stats/retention.ts owns the rules (cutoffs, the order, the final rollup
// of a day before its raw rows go); crawler hits, perf metrics and revoked API keys are purged
// through their own areas.

/** Rows created before these instants (ISO) are past retention: clean ones, bot-scored ones. */
export interface PurgeCutoffs {
  cleanBefore: string;
  botBefore: string;
}

/** What a completed run purged (and the rollup rows it built first). */
export interface RetentionCounts {
  rollupRows: number;
  views: number;
  events: number;
  botTraffic: number;
  rollups: number;
  perfMetrics: number;
  /** Revoked API keys deleted (REVOKED_KEY_RETENTION_DAYS after their revocation). */
  apiKeys: number;
}

export type RetentionRunStatus = "started" | "complete" | "failed";

/** The record of one UTC day's run. */
export interface RetentionRun {
  date: string;
  status: RetentionRunStatus;
  /** ISO instants. */
  startedAt: string;
  completedAt: string | null;
  /** Null until the run completes. */
  counts: RetentionCounts | null;
  /** Why the run failed (at most 1000 characters); null otherwise. */
  error: string | null;
}

export interface RetentionStore {
  /** The run recorded for a UTC day (YYYY-MM-DD), or null. */
  run(date: string): Promise<RetentionRun | null>;
  /** Records the day's run as started at `at` (a new attempt replaces an earlier record). */
  start(date: string, at: string): Promise<void>;
  finish(date: string, at: string, counts: RetentionCounts): Promise<void>;
  fail(date: string, at: string, error: string): Promise<void>;
  /** Deletes up to `limit` page views past `cut` (their sessions follow); how many went. */
  purgeViews(cut: PurgeCutoffs, limit: number): Promise<number>;
  /** Deletes up to `limit` events past `cut`; how many went. */
  purgeEvents(cut: PurgeCutoffs, limit: number): Promise<number>;
  /** Deletes up to `limit` known-bot counter rows of days before `beforeDate`; how many went. */
  purgeKnownBots(beforeDate: string, limit: number): Promise<number>;
  /** Deletes the rollups (days and blocks) before `beforeDate`; how many went. */
  purgeRollups(beforeDate: string): Promise<number>;
  /** Lets the engine refresh what it knows of the data after large deletes (planner statistics). */
  optimize(): Promise<void>;
}
