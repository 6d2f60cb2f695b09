// What a load run left in the database, read from the file after the server exited: rows stored
// per site and hits counted as dropped, to check that every accepted hit was stored.
import { DatabaseSync } from "node:sqlite";

export interface StoredRows {
  /** Rows stored for the sites. */
  rows: number;
  /** Of those, rows whose proof of work verified (page views only). */
  valid: number;
  /** Requests counted as dropped for the sites (drop_counts). */
  dropped: number;
}

function countFor(dbPath: string, sites: readonly string[], queries: Record<string, string>) {
  const db = new DatabaseSync(dbPath, { readOnly: true });
  try {
    const list = sites.map(() => "?").join(", ");
    const count = (sql: string) =>
      Number(db.prepare(sql.replace("$SITES", list)).get(...sites)?.n ?? 0);
    return Object.fromEntries(Object.entries(queries).map(([k, sql]) => [k, count(sql)]));
  } finally {
    db.close();
  }
}

/** Page views (visitor_views) stored for `sites`. */
export function storedViews(dbPath: string, sites: readonly string[]): StoredRows {
  const n = countFor(dbPath, sites, {
    rows: "SELECT count(*) AS n FROM visitor_views WHERE site_id IN ($SITES)",
    valid: "SELECT count(*) AS n FROM visitor_views WHERE site_id IN ($SITES) " +
      "AND pow_verdict = 'valid'",
    dropped: "SELECT coalesce(sum(hits), 0) AS n FROM drop_counts " +
      "WHERE endpoint = 'b.gif' AND site_id IN ($SITES)",
  });
  return { rows: n.rows, valid: n.valid, dropped: n.dropped };
}

/** Behaviour events (semantic_events) stored for `sites`. */
export function storedEvents(dbPath: string, sites: readonly string[]): StoredRows {
  const n = countFor(dbPath, sites, {
    rows: "SELECT count(*) AS n FROM semantic_events WHERE site_id IN ($SITES)",
    dropped: "SELECT coalesce(sum(hits), 0) AS n FROM drop_counts " +
      "WHERE endpoint = 'e' AND site_id IN ($SITES)",
  });
  return { rows: n.rows, valid: 0, dropped: n.dropped };
}

/**
 * Accepted hits neither stored nor counted as dropped. wrk counts answered requests; those in
 * flight at its deadline (≤ one per connection) may be stored uncounted, so extra rows are fine.
 */
export function lostHits(answered: number, stored: StoredRows, rowsPerHit = 1): number {
  return Math.max(0, (answered - stored.dropped) * rowsPerHit - stored.rows);
}

/** Reports lost hits on stderr and makes the bench exit 1 (its figures are still written). */
export function checkNoneLost(what: string, lost: number): void {
  if (lost === 0) return;
  console.error(`${what}: ${lost} accepted hits were neither stored nor counted as dropped`);
  Deno.exitCode = 1;
}
