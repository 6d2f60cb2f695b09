// The writes area of the store (lib/store/types.ts): rows handed over in batches, each batch
// stored atomically: the authenticated batch ingest (POST /api/ingest), the collectors' buffered
// writers (lib/ingest/writer.ts) and their counters (lib/ingest/counters.ts).
import type { CounterDelta, EventRow, ViewRow } from "./rows.ts";

/** One event of an ingest batch with the id its sender gave it (unique per event, forever). */
export interface IngestEvent {
  eventId: string;
  row: EventRow;
}

export interface IngestOutcome {
  /** Events stored now. */
  accepted: number;
  /** Events whose id was stored before (by an earlier batch or earlier in this one): skipped. */
  duplicate: number;
}

/** The counters the collectors keep (lib/ingest/counters.ts): drop reasons, known-bot hits. */
export type CounterTableName = "drop_counts" | "bot_traffic";

/** What the engine's batch worker reports while it runs (lib/ingest/collector.ts counts it). */
export interface BatchWorkerEvents {
  /** A rebuild of a day's per-day aggregates failed after a batch (retried later; nothing lost). */
  aggregateRebuildFailed(message: string): void;
}

export interface WritesStore {
  /** Stores the events whose ids were never stored, in one transaction; all or none. */
  ingestEvents(events: readonly IngestEvent[]): Promise<IngestOutcome>;
  /**
   * The collectors' batches (lib/ingest/writer.ts), one transaction each: views also update their
   * sessions, both their per-day aggregates. All or nothing: a rejection stores nothing and the
   * caller keeps the rows for a retry. Where the engine writes them is its own: SQLite writes on
   * its batch worker (the write thread) once started, else on the app's connection.
   */
  insertViews(rows: readonly ViewRow[]): Promise<void>;
  insertEvents(rows: readonly EventRow[]): Promise<void>;
  /** Starts the engine's batch worker, if it has one (the app's start; tests write inline). */
  startBatchWorker(events: BatchWorkerEvents): Promise<void>;
  /** Waits for the batches handed over, then stops the worker; later batches are written inline. */
  stopBatchWorker(): Promise<void>;
  /** Batches are written by the engine's batch worker (started, not failed). */
  batchWorkerRunning(): Promise<boolean>;
  /** Adds drop counts (`a` the reason, `b` the endpoint) in one transaction. */
  addDropCounts(deltas: readonly CounterDelta[]): Promise<void>;
  /**
   * Adds known-bot hits (`a` the bot's name, `b` the path) in one transaction. A site keeps at
   * most `maxRows` (bot, path) rows a day: the hits of a pair that would add a row past that are
   * counted under the bot's "(other)" path (the count read inside the transaction).
   */
  addBotTraffic(deltas: readonly CounterDelta[], maxRows: number): Promise<void>;
  /** The distinct site ids of a counter's rows of one day. */
  counterSites(table: CounterTableName, date: string): Promise<string[]>;
}
