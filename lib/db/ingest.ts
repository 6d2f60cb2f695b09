// Batch ingestion (POST /api/ingest): events written directly in one transaction, each event_id
// claimed in ingest_dedup first so a retried batch is counted as duplicate, not stored twice.
import type { Database } from "./database.ts";
import { EVENT_COLUMNS, type EventRow, insertSql } from "./columns.ts";

const INSERT_EVENT = insertSql("semantic_events", EVENT_COLUMNS);

export function insertDeduplicated(
  db: Database,
  events: readonly { eventId: string; row: EventRow }[],
): { accepted: number; duplicate: number } {
  const claim = db.statement("INSERT OR IGNORE INTO ingest_dedup (event_id) VALUES (?)");
  const insert = db.statement(INSERT_EVENT);
  let accepted = 0;
  db.transaction(() => {
    for (const { eventId, row } of events) {
      if (Number(claim.run(eventId).changes) === 0) continue;
      insert.run(...EVENT_COLUMNS.map((column) => row[column]));
      accepted++;
    }
  });
  return { accepted, duplicate: events.length - accepted };
}

export function purgeIngestDedup(db: Database, olderThanIso: string): number {
  return db.run("DELETE FROM ingest_dedup WHERE received_at < ?", olderThanIso).changes;
}
