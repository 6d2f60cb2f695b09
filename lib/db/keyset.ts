// Keyset pagination (no OFFSET): a page is the rows strictly after (or before) a boundary row's
// sort key, so every row is listed exactly once however deep the reader goes, and the cost of a
// page does not grow with its depth. The sort key ends with a unique column to break ties.
import type { Database, SqlParam } from "./database.ts";
import type { KeysetPage, PageRequest } from "../store/pages.ts";

export type { KeysetPage, PageRequest };

export interface KeysetQuery {
  /** A full SELECT (WHERE, GROUP BY, HAVING allowed; no ORDER BY or LIMIT). */
  sql: string;
  args: readonly SqlParam[];
  /** Output column names forming the sort key, most significant first; none may be NULL. */
  keys: readonly string[];
  /** Display order: all keys descending (newest, largest first) or all ascending. */
  descending: boolean;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/** One page of `query` in display order, with whether rows exist on either side of it. */
export function keysetPage<T extends Record<string, unknown>>(
  db: Database,
  query: KeysetQuery,
  request: PageRequest,
): KeysetPage<T> {
  if (!query.keys.every((key) => IDENTIFIER.test(key))) {
    throw new Error(`keyset keys must be plain column names: ${query.keys.join(", ")}`);
  }
  const tuple = `(${query.keys.map((k) => `k.${k}`).join(", ")})`;
  const placeholders = `(${query.keys.map(() => "?").join(", ")})`;
  // Comparison and order that walk away from the cursor in the requested direction.
  const forward = request.direction === "after";
  const ascending = forward !== query.descending;
  const op = ascending ? ">" : "<";
  const order = query.keys.map((k) => `k.${k} ${ascending ? "ASC" : "DESC"}`).join(", ");
  const limit = Math.max(1, Math.trunc(request.limit));

  const where = request.cursor ? `WHERE ${tuple} ${op} ${placeholders}` : "";
  const fetched = db.all<T>(
    `SELECT * FROM (${query.sql}) AS k ${where} ORDER BY ${order} LIMIT ?`,
    ...query.args,
    ...(request.cursor ?? []),
    limit + 1,
  );
  const more = fetched.length > limit;
  const rows = fetched.slice(0, limit);
  if (!forward) rows.reverse();

  // Rows on the other side exist when something lies beyond the page's first row (forward) or
  // last row (backward), looking back towards the cursor. An empty page past its cursor (rows
  // deleted meanwhile) reports neither side; the list then links to its first page.
  let behind = false;
  if (request.cursor && rows.length > 0) {
    const edge = forward ? rows[0] : rows[rows.length - 1];
    const back = ascending ? "<" : ">";
    behind = db.get(
      `SELECT 1 FROM (${query.sql}) AS k WHERE ${tuple} ${back} ${placeholders} LIMIT 1`,
      ...query.args,
      ...query.keys.map((key) => edge[key] as SqlParam),
    ) !== undefined;
  }
  return forward
    ? { rows, hasPrev: behind, hasNext: more }
    : { rows, hasPrev: more, hasNext: behind };
}

/** The sort-key values of a row, to hand back as a cursor. */
export function keyOf(row: Record<string, unknown>, keys: readonly string[]): SqlParam[] {
  return keys.map((key) => row[key] as SqlParam);
}
