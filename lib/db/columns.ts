// Column lists of the tables the collectors write (declared in lib/store/rows.ts, re-exported for
// the engine's writers), the insert statement over them, and the bot threshold the queries share.

export { EVENT_COLUMNS, type EventRow, VIEW_COLUMNS, type ViewRow } from "../store/rows.ts";

// The engine's queries (and callers not yet behind the store) read these from here.
export { BOT_SCORE_THRESHOLD, UNVERIFIED_REASON } from "../bots/thresholds.ts";

/** An INSERT of `rows` rows (one by default), each binding `columns` in order. */
export function insertSql(table: string, columns: readonly string[], rows = 1): string {
  const tuple = `(${columns.map(() => "?").join(", ")})`;
  return `INSERT INTO ${table} (${columns.join(", ")}) VALUES ${
    Array(rows).fill(tuple).join(", ")
  }`;
}
