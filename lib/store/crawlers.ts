// The crawlers area of the store (lib/store/types.ts): server-side crawler hits counted per day,
// site, crawler, path and IP verification (POST /api/crawl and the access-log import), and how far
// each imported access log has been read. lib/crawlers/ owns the rules (classification, the tally,
// the retention bound); the crawler report is an analytics read (lib/crawlers/report.ts), whose
// rows' types are declared here too.

export type CrawlVerification = "verified" | "unverified" | "unlisted";

/** Hits to add to one (day, site, crawler, path, verification) row. */
export interface CrawlDelta {
  /** UTC day, YYYY-MM-DD. */
  date: string;
  siteId: string;
  crawler: string;
  path: string;
  verification: CrawlVerification;
  hits: number;
  /** Of `hits`, those answered with a status of 400 or more. */
  errors: number;
}

/** How far one access log (keyed by its site and first line) has been imported. */
export interface ImportProgress {
  sourceKey: string;
  siteId: string;
  /** Bytes of the log read (whole lines). */
  bytes: number;
  lines: number;
}

export interface CrawlLimits {
  /**
   * Rows a site keeps a day: past that, a new (crawler, path) row's hits go to that crawler's
   * "(other)" path, so made-up paths cannot grow the stored rows without bound. No limit if absent.
   */
  maxDailyRows?: number;
}

export interface CrawlerStore {
  /** Adds crawler hits to the stored counts, all or nothing. */
  add(deltas: readonly CrawlDelta[], limits: CrawlLimits): Promise<void>;
  /** The progress recorded for an access log, or null when it was never imported. */
  importProgress(sourceKey: string): Promise<ImportProgress | null>;
  /** Adds one batch of an import and records how far the log was read (at `at`, ISO), together. */
  saveImportBatch(
    deltas: readonly CrawlDelta[],
    progress: ImportProgress,
    at: string,
    limits: CrawlLimits,
  ): Promise<void>;
  /** Deletes up to `limit` counts of days before `beforeDate` (retention); how many went. */
  purge(beforeDate: string, limit: number): Promise<number>;
}

// ---------------------------------------------------------------------------------------------
// The crawler report's rows (the read `crawlerReport`, lib/reads/registry.ts)

export interface CrawlRange {
  siteId: string | null;
  /** First UTC day included, YYYY-MM-DD. */
  sinceDate: string;
}

/** Hits of one crawler (and, where grouped so, one day or page) by verification. */
export interface CrawlCount {
  crawler: string;
  verification: CrawlVerification;
  hits: number;
  errors: number;
}

export type CrawlPageCount = CrawlCount & { site_id: string; path: string };

/** Page views referred by an AI assistant, per page and assistant (its referrer domain). */
export interface AiReferral {
  site_id: string;
  path: string;
  assistant: string;
  views: number;
  visitors: number;
}

/** What the crawler report is made from, over one range. */
export interface CrawlReportRows {
  /** Per crawler and verification. */
  totals: CrawlCount[];
  /** Per day, crawler and verification, oldest first. */
  days: (CrawlCount & { date: string })[];
  /** Per page, crawler and verification, for the most-crawled pages. */
  pages: CrawlPageCount[];
  /** Human views referred by an AI assistant, per page and assistant, the most first. */
  referrals: AiReferral[];
}
