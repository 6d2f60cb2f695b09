// Writes of the collection pipeline: page views, events, known-bot traffic and drop counters, each
// batch in one transaction. Site registration is lib/db/sites.ts's (registerSites).
import type { Database } from "./database.ts";
import { EVENT_COLUMNS, type EventRow, insertSql, VIEW_COLUMNS, type ViewRow } from "./columns.ts";
import { OTHER_VALUE } from "./stats_source.ts";
import { upsertSessions } from "./session_table.ts";
import { upsertAggregates, upsertEventAggregates } from "./aggregates.ts";

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

/** Inserts rows of `table` in one transaction, with their per-day aggregates (views also update
 * their sessions). */
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
    let firstId = 0;
    let lastId = -1;
    for (const row of rows) {
      for (let i = 0; i < columns.length; i++) args[i] = row[columns[i]];
      lastId = Number(stmt.run(...args).lastInsertRowid);
      if (firstId === 0) firstId = lastId;
    }
    // The batch's views merged into their sessions in the same transaction (ids are
    // consecutive: one writer inside one transaction).
    // The per-day aggregates too (lib/db/aggregates.ts).
    if (table === "visitor_views") {
      upsertSessions(db, firstId, lastId);
      upsertAggregates(db, firstId, lastId);
    } else upsertEventAggregates(db, firstId, lastId);
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

/**
 * Known-bot hits: `a` is the bot's name, `b` the path. A site keeps at most `maxRows` (bot,
 * path) rows a day, so made-up paths cannot grow the table without bound: the hits of a pair
 * that would add a row past that are counted under the bot's "(other)" path. The count is read
 * inside the write transaction, so instances sharing the database stay within it.
 */
export function addBotTraffic(
  db: Database,
  deltas: CounterDelta[],
  maxRows = Number.POSITIVE_INFINITY,
): void {
  const bump = (d: CounterDelta, path: string) =>
    db.run(
      `UPDATE bot_traffic SET hits = hits + ?
       WHERE date = ? AND site_id = ? AND bot_name = ? AND path = ?`,
      d.hits,
      d.date,
      d.siteId,
      d.a,
      path,
    ).changes > 0;
  const rows = new Map<string, number>();
  db.transaction(() => {
    for (const d of deltas) {
      if (bump(d, d.b)) continue;
      const key = `${d.date}\u0000${d.siteId}`;
      const stored = rows.get(key) ?? db.get<{ n: number }>(
        "SELECT COUNT(*) AS n FROM bot_traffic WHERE site_id = ? AND date = ?",
        d.siteId,
        d.date,
      )!.n;
      const path = stored < maxRows ? d.b : OTHER_VALUE;
      if (path !== d.b && bump(d, path)) continue;
      db.run(
        "INSERT INTO bot_traffic (date, site_id, bot_name, path, hits) VALUES (?, ?, ?, ?, ?)",
        d.date,
        d.siteId,
        d.a,
        path,
        d.hits,
      );
      rows.set(key, stored + 1);
    }
  });
}

/** The counter tables, keyed by (date, site_id, …). */
export type CounterTableName = "drop_counts" | "bot_traffic";

/**
 * The distinct site ids of a counter table's rows of one day, one primary-key seek per site (the
 * day may hold many rows per site: every path of the known-bot report).
 */
export function counterSites(db: Database, table: CounterTableName, date: string): string[] {
  const sites: string[] = [];
  let after = "";
  for (;;) {
    const row = db.get<{ site_id: string }>(
      `SELECT site_id FROM ${table} WHERE date = ? AND site_id > ? ORDER BY site_id LIMIT 1`,
      date,
      after,
    );
    if (!row) return sites;
    sites.push(after = row.site_id);
  }
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
