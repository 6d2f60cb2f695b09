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

export interface WritesStore {
  /** Stores the events whose ids were never stored, in one transaction; all or none. */
  ingestEvents(events: readonly IngestEvent[]): Promise<IngestOutcome>;
  /** The collectors' batch writer (one per store). */
  batches: BatchWriter;
}

/** The write thread's (or the engine's batch worker's) failed rebuilds of per-day aggregates. */
export interface AggregateRebuilds {
  failures: number;
  lastError: string | null;
}

/**
 * The collectors' batches of views and events (lib/ingest/collector.ts), one transaction each:
 * views also update their sessions, both their per-day aggregates. A batch is stored whole or not
 * at all: a failure throws (or rejects) and the caller keeps the rows for a retry. An engine that
 * writes elsewhere (SQLite's write thread, a database server) returns a promise settled at the
 * commit; one writing on the caller's own connection (SQLite before `start`, or without a write
 * thread) returns once committed, so a flush by hand stores the rows before it returns.
 */
export interface BatchWriter {
  views(rows: ViewRow[]): void | Promise<void>;
  events(rows: EventRow[]): void | Promise<void>;
  /** Starts the engine's batch worker, if it has one (the app's start; tests flush by hand). */
  start(): void;
  /** Waits for the batches handed over, then stops the worker; later batches are written inline. */
  close(): Promise<void>;
  /** Batches are written by the engine's worker (started, not failed). */
  readonly offThread: boolean;
  readonly aggregateRebuilds: AggregateRebuilds;
}
