// The exports area of the store (lib/store/types.ts): every stored page view or event of a period,
// read in batches oldest first so a million-row file never sits in memory (views.csv,
// events.csv). It also declares the rows of the bots CSV, an analytics read run by name
// (lib/reads/registry.ts: botsCsvSections). lib/export/ owns the files (parameters, CSV, names).
import type { BotFilter } from "../bots/thresholds.ts";
import type { SuspiciousVisitor } from "./bots.ts";

export type RawExportKind = "views" | "events";

export interface RawExportQuery {
  /** One site, or null for every site. */
  siteId: string | null;
  /** [since, until) as ISO instants. */
  since: string;
  until: string;
  bots: BotFilter;
  /** Events only: exact event type and name. */
  eventType?: string | null;
  eventName?: string | null;
}

export type ExportCell = string | number | null;

/** A raw export under way: the rows stored when it started, in batches. */
export interface RawExport {
  /** The file's columns: "id", the stored columns of the kind, then "is_excluded" (0 or 1). */
  columns: readonly string[];
  /** The next batch (cells in `columns` order), oldest first; null once the export is complete. */
  next(): Promise<ExportCell[][] | null>;
}

export interface ExportStore {
  /**
   * Starts a raw export of `kind` (batches of `batchSize` rows, 1000 if absent): rows stored
   * after this call are left out, so the file is what was stored when it began.
   */
  raw(kind: RawExportKind, query: RawExportQuery, batchSize?: number): Promise<RawExport>;
}

// ---------------------------------------------------------------------------------------------
// The bots CSV's rows (the read `botsCsvSections`)

export interface BotExportRange {
  siteId: string | null;
  /** First and last UTC day, YYYY-MM-DD. */
  from: string;
  to: string;
}

export interface KnownBotDayRow {
  date: string;
  bot_name: string;
  path: string;
  hits: number;
}

export interface DroppedDayRow {
  date: string;
  endpoint: string;
  reason: string;
  hits: number;
}

export interface ScoreBucketRow {
  bucket: "clean" | "suspicious" | "bot" | "excluded";
  min_score: number;
  max_score: number;
  views: number;
  visitors: number;
}

/** A suspicious visitor as the bots CSV lists it: `is_excluded` is 0 or 1, no OS names. */
export type SuspiciousExportRow = Omit<SuspiciousVisitor, "os_names" | "is_excluded"> & {
  is_excluded: number;
};

/** What the bots CSV of a period is made from. */
export interface BotExportRows {
  /** Stored views by score bucket (clean, suspicious, bot, excluded). */
  buckets: ScoreBucketRow[];
  /** Known-bot hits per day, bot and path. */
  knownBotDays: KnownBotDayRow[];
  /** Hits dropped before storage, per day, endpoint and reason. */
  droppedDays: DroppedDayRow[];
  /** The most suspicious visitors (highest score first), or null when not asked for. */
  suspicious: SuspiciousExportRow[] | null;
}
