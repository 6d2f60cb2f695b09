// The writes area of the store (lib/store/types.ts): rows handed over in batches, each batch
// stored atomically. For now the authenticated batch ingest (POST /api/ingest); the collectors'
// buffered writers, their counters and the sites their hits register still write through the
// SQLite connection (tests/store_boundary_test.ts lists them).
import type { EventRow } from "./rows.ts";

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
}
