// Writes of the collection pipeline: page views, events, known-bot traffic and drop counters, each
// batch in one transaction. Site registration is lib/db/sites.ts's (registerSites).
import type { Database } from "./database.ts";
import { EVENT_COLUMNS, type EventRow, insertSql, VIEW_COLUMNS, type ViewRow } from "./columns.ts";
import { OTHER_VALUE } from "./stats_source.ts";
import { upsertSessions } from "./session_table.ts";
import { upsertAggregates, upsertEventAggregates } from "./aggregates.ts";
import type { CounterDelta } from "../store/rows.ts";
import type { CounterTableName } from "../store/writes.ts";

/** The tables the buffered writers fill, with their column lists (lib/db/columns.ts). */
export const WRITE_TABLES = {
  visitor_views: VIEW_COLUMNS,
  semantic_events: EVENT_COLUMNS,
} as const;
export type WriteTable = keyof typeof WRITE_TABLES;
type Value = string | number | null;

export function insertViews(db: Database, rows: readonly ViewRow[]): void {
  insertRows(db, "visitor_views", rows);
}

export function insertEvents(db: Database, rows: readonly EventRow[]): void {
  insertRows(db, "semantic_events", rows);
}

/**
 * Rows per INSERT statement of a batch: binding a multi-row statement costs SQLite less per row
 * than running a one-row statement per row (8.5 -> 6.4 µs a view with its indexes, rows of
 * bench/pixel_writer.ts's shape; 50 × 34 columns stays far below SQLite's 32766 variables).
 */
export const ROWS_PER_INSERT = 50;

/** Inserts rows of `table` in one transaction, with their per-day aggregates (views also update
 * their sessions). */
export function insertRows(
  db: Database,
  table: WriteTable,
  rows: readonly Readonly<Record<string, Value>>[],
): void {
  const columns = WRITE_TABLES[table];
  const width = columns.length;
  const many = db.statement(insertSql(table, columns, ROWS_PER_INSERT));
  const one = db.statement(insertSql(table, columns));
  // One argument array per statement shape, reused for every row: binding is most of the
  // per-row cost on this thread.
  const manyArgs: Value[] = new Array(width * ROWS_PER_INSERT);
  const oneArgs: Value[] = new Array(width);
  db.transaction(() => {
    // Rowids of one writer inside one transaction are consecutive, a multi-row INSERT's too.
    let firstId = 0;
    let lastId = -1;
    let at = 0;
    for (; at + ROWS_PER_INSERT <= rows.length; at += ROWS_PER_INSERT) {
      for (let r = 0; r < ROWS_PER_INSERT; r++) {
        const row = rows[at + r];
        for (let i = 0; i < width; i++) manyArgs[r * width + i] = row[columns[i]];
      }
      lastId = Number(many.run(...manyArgs).lastInsertRowid);
      if (firstId === 0) firstId = lastId - ROWS_PER_INSERT + 1;
    }
    for (; at < rows.length; at++) {
      const row = rows[at];
      for (let i = 0; i < width; i++) oneArgs[i] = row[columns[i]];
      lastId = Number(one.run(...oneArgs).lastInsertRowid);
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

export type { CounterDelta };

/**
 * Known-bot hits: `a` is the bot's name, `b` the path. A site keeps at most `maxRows` (bot,
 * path) rows a day, so made-up paths cannot grow the table without bound: the hits of a pair
 * that would add a row past that are counted under the bot's "(other)" path. The count is read
 * inside the write transaction, so instances sharing the database stay within it.
 */
export function addBotTraffic(
  db: Database,
  deltas: readonly CounterDelta[],
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
export type { CounterTableName };

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
export function addDropCounts(db: Database, deltas: readonly CounterDelta[]): void {
  const stmt = db.statement(
    `INSERT INTO drop_counts (date, site_id, endpoint, reason, hits) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (date, site_id, endpoint, reason) DO UPDATE SET hits = hits + excluded.hits`,
  );
  db.transaction(() => {
    for (const d of deltas) stmt.run(d.date, d.siteId, d.b, d.a, d.hits);
  });
}
