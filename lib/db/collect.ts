// Writes of the collection pipeline: page views, events, known-bot traffic, drop counters and site
// registration, each batch in one transaction.
import type { Database } from "./database.ts";
import { EVENT_COLUMNS, type EventRow, insertSql, VIEW_COLUMNS, type ViewRow } from "./columns.ts";

const INSERT_VIEW = insertSql("visitor_views", VIEW_COLUMNS);
const INSERT_EVENT = insertSql("semantic_events", EVENT_COLUMNS);

export function insertViews(db: Database, rows: ViewRow[]): void {
  const stmt = db.statement(INSERT_VIEW);
  db.transaction(() => {
    for (const row of rows) stmt.run(...VIEW_COLUMNS.map((column) => row[column]));
  });
}

export function insertEvents(db: Database, rows: EventRow[]): void {
  const stmt = db.statement(INSERT_EVENT);
  db.transaction(() => {
    for (const row of rows) stmt.run(...EVENT_COLUMNS.map((column) => row[column]));
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
