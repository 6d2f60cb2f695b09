// Writes of the collection pipeline: page views, events, known-bot traffic, drop counters and site
// registration, each batch in one transaction.
import type { Database } from "./database.ts";
import { EVENT_COLUMNS, type EventRow, insertSql, VIEW_COLUMNS, type ViewRow } from "./columns.ts";

/** The tables the buffered writers fill, with their column lists (lib/db/columns.ts). */
export const WRITE_TABLES = {
  visitor_views: VIEW_COLUMNS,
  semantic_events: EVENT_COLUMNS,
} as const;
export type WriteTable = keyof typeof WRITE_TABLES;
type Value = string | number | null;

export function insertViews(db: Database, rows: ViewRow[]): void {
  insertRows(db, "visitor_views", rows);
}

export function insertEvents(db: Database, rows: EventRow[]): void {
  insertRows(db, "semantic_events", rows);
}

/** Inserts rows of `table` in one transaction. */
export function insertRows(
  db: Database,
  table: WriteTable,
  rows: readonly Readonly<Record<string, Value>>[],
): void {
  const columns = WRITE_TABLES[table];
  const stmt = db.statement(insertSql(table, columns));
  // One argument array for every row: binding is most of the per-row cost on this thread.
  const args: Value[] = new Array(columns.length);
  db.transaction(() => {
    for (const row of rows) {
      for (let i = 0; i < columns.length; i++) args[i] = row[columns[i]];
      stmt.run(...args);
    }
  });
}

/** A counter increment: (day, site, key parts) → hits to add. */
export interface CounterDelta {
  date: string;
  siteId: string;
  a: string;
  b: string;
  hits: number;
}

/** Known-bot hits: `a` is the bot's name, `b` the path. */
export function addBotTraffic(db: Database, deltas: CounterDelta[]): void {
  const stmt = db.statement(
    `INSERT INTO bot_traffic (date, site_id, bot_name, path, hits) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (date, site_id, bot_name, path) DO UPDATE SET hits = hits + excluded.hits`,
  );
  db.transaction(() => {
    for (const d of deltas) stmt.run(d.date, d.siteId, d.a, d.b, d.hits);
  });
}

/** Drop counters: `a` is the reason, `b` the endpoint. */
export function addDropCounts(db: Database, deltas: CounterDelta[]): void {
  const stmt = db.statement(
    `INSERT INTO drop_counts (date, site_id, endpoint, reason, hits) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (date, site_id, endpoint, reason) DO UPDATE SET hits = hits + excluded.hits`,
  );
  db.transaction(() => {
    for (const d of deltas) stmt.run(d.date, d.siteId, d.b, d.a, d.hits);
  });
}

/** Registers sites seen on valid hits (by default a site exists from its first hit). */
export function registerSites(db: Database, siteIds: string[]): void {
  const stmt = db.statement("INSERT OR IGNORE INTO sites (site_id, source) VALUES (?, 'auto')");
  db.transaction(() => {
    for (const id of siteIds) stmt.run(id);
  });
}
