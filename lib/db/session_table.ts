// The sessions table (migration 13): one row per session and bot side, kept exact by the writer.
// A session is the query engine's (lib/db/query/compile.ts): a tab's session_id, else the visitor
// id (visitor ids rotate daily), split by the default bot rule (score at or above
// BOT_SCORE_THRESHOLD or not) so a report that hides or shows only bots reads one side. Its entry
// view is the earliest by (created_at, id), its exit view the latest; the attributes of the
// entry view are copied. Visitor exclusions are applied when the table is read.
//
// The merges are order-independent (earliest wins, latest wins, counts add), so batches may
// arrive in any order. Whatever changes raw rows other than an insert (a purge, a rescoring)
// rebuilds the sessions it touched from their rows: markTouched before, rebuildTouched after
// (rebuildSessionsInRange for a site's time range, rebuildAllSessions for everything); the per-day
// aggregates' days it dirtied are rebuilt then too.
import type { Database } from "./database.ts";
import { BOT_SCORE_THRESHOLD, VIEW_COLUMNS } from "./columns.ts";
import { markSessionDaysDirty } from "./aggregates.ts";
import { rebuildDirtyAggregates } from "./aggregates_rebuild.ts";

/** The columns a session copies from its entry view (the query's session dimensions): where it
 * came from, and who came. */
export const SESSION_ENTRY_COLUMNS = VIEW_COLUMNS.filter((c) =>
  /^(referrer|utm_|country_code|device_type|os_name|browser_name|screen_width)/.test(c)
);

/** A view's session key over a visitor_views row (aliased `v`). */
export const SESSION_KEY_SQL =
  "CASE WHEN v.session_id IS NOT NULL THEN 's' || v.session_id ELSE 'v' || v.visitor_id END";
const BOT_SQL = `v.bot_score >= ${BOT_SCORE_THRESHOLD}`;

const ENTRY = SESSION_ENTRY_COLUMNS.join(", ");
const COLUMNS = `site_id, sk, bot, visitor_id, views, first_at, first_id, last_at, last_id,
  entry_page, exit_page, min_bot_score, max_bot_score, ${ENTRY}`;

const earlier = (c: string) =>
  `${c} = CASE WHEN (excluded.first_at, excluded.first_id) < (sessions.first_at, sessions.first_id)
    THEN excluded.${c} ELSE sessions.${c} END`;
const later = (c: string) =>
  `${c} = CASE WHEN (excluded.last_at, excluded.last_id) > (sessions.last_at, sessions.last_id)
    THEN excluded.${c} ELSE sessions.${c} END`;

/** Each view with id in [?1, ?2] merged into its session (one statement per batch). */
const UPSERT_RANGE = `INSERT INTO sessions (${COLUMNS})
  SELECT v.site_id, ${SESSION_KEY_SQL}, ${BOT_SQL}, v.visitor_id, 1, v.created_at, v.id,
    v.created_at, v.id, v.path, v.path, v.bot_score, v.bot_score,
    ${SESSION_ENTRY_COLUMNS.map((c) => `v.${c}`).join(", ")}
  FROM visitor_views v WHERE v.id BETWEEN ?1 AND ?2 ORDER BY v.id
  ON CONFLICT (site_id, sk, bot) DO UPDATE SET
    views = sessions.views + excluded.views,
    min_bot_score = MIN(sessions.min_bot_score, excluded.min_bot_score),
    max_bot_score = MAX(sessions.max_bot_score, excluded.max_bot_score),
    ${
  ["first_at", "first_id", "entry_page", "visitor_id", ...SESSION_ENTRY_COLUMNS].map(earlier)
    .join(",\n    ")
},
    ${["last_at", "last_id", "exit_page"].map(later).join(",\n    ")}`;

/** Merges the views with ids in [firstId, lastId] into their sessions (inside the batch's
 * transaction, so the table is exact at every commit). */
export function upsertSessions(db: Database, firstId: number, lastId: number): void {
  if (lastId < firstId) return;
  db.statement(UPSERT_RANGE).run(firstId, lastId);
}

/** The keys of the sessions to rebuild (a temp table: one per connection). */
const TOUCHED = "temp.touched_sessions";

/**
 * Records the sessions of the views matching `where` (an SQL predicate over visitor_views `v`
 * with its `params`), to be rebuilt by rebuildTouched once those rows are changed or deleted.
 */
export function markTouched(db: Database, where: string, ...params: (string | number)[]): void {
  db.exec(`CREATE TEMP TABLE IF NOT EXISTS touched_sessions (
    site_id TEXT NOT NULL, sk TEXT NOT NULL, PRIMARY KEY (site_id, sk)) WITHOUT ROWID`);
  db.run(
    `INSERT OR IGNORE INTO ${TOUCHED} (site_id, sk)
     SELECT v.site_id, ${SESSION_KEY_SQL} FROM visitor_views v WHERE ${where}`,
    ...params,
  );
}

/**
 * Rebuilds the sessions markTouched recorded from their remaining views (both bot sides), then
 * forgets them; then the per-day aggregates of the days the change marked dirty
 * (lib/db/aggregates.ts). Returns how many sessions were rebuilt.
 */
export function rebuildTouched(db: Database): number {
  const exists = db.get<{ n: number }>(
    "SELECT COUNT(*) AS n FROM temp.sqlite_master WHERE name = 'touched_sessions'",
  )!.n;
  if (!exists) return 0;
  return db.transaction(() => {
    markSessionDaysDirty(db, TOUCHED);
    db.run(
      `DELETE FROM sessions WHERE (site_id, sk) IN (SELECT site_id, sk FROM ${TOUCHED})`,
    );
    // The views of each touched session: by session_id, or by visitor id when it has none.
    const views = `SELECT v.* FROM ${TOUCHED} t CROSS JOIN visitor_views v
        ON v.session_id = substr(t.sk, 2) AND v.site_id = t.site_id WHERE t.sk LIKE 's%'
      UNION ALL
      SELECT v.* FROM ${TOUCHED} t CROSS JOIN visitor_views v
        ON v.visitor_id = substr(t.sk, 2) AND v.site_id = t.site_id
      WHERE t.sk LIKE 'v%' AND v.session_id IS NULL`;
    const n = db.run(rebuildSql(views)).changes;
    markSessionDaysDirty(db, TOUCHED);
    db.run(`DELETE FROM ${TOUCHED}`);
    rebuildDirtyAggregates(db);
    return n;
  });
}

/** Rebuilds the sessions with a view of `siteId` created in [from, to) from their views (all of
 * them, inside the range or not). Returns how many sessions were rebuilt. */
export function rebuildSessionsInRange(
  db: Database,
  siteId: string,
  from: string,
  to: string,
): number {
  return db.transaction(() => {
    markTouched(db, "site_id = ?1 AND created_at >= ?2 AND created_at < ?3", siteId, from, to);
    return rebuildTouched(db);
  });
}

/** Rebuilds every session from the raw rows (a full rebuild; the migration's backfill). */
export function rebuildAllSessions(db: Database): number {
  return db.transaction(() => {
    db.run("DELETE FROM sessions");
    return db.run(rebuildSql("SELECT * FROM visitor_views")).changes;
  });
}

/** Sessions of the views `views` (a SELECT of visitor_views rows), one GROUP BY. */
function rebuildSql(views: string): string {
  const first = `CAST(substr(MIN(v.created_at || printf('%015d', v.id)), 25) AS INTEGER)`;
  return `INSERT INTO sessions (${COLUMNS})
    SELECT g.site_id, g.sk, g.bot, f.visitor_id, g.views, f.created_at, f.id, l.created_at, l.id,
      f.path, l.path, g.min_bot, g.max_bot, ${SESSION_ENTRY_COLUMNS.map((c) => `f.${c}`).join(", ")}
    FROM (
      SELECT v.site_id, ${SESSION_KEY_SQL} AS sk, ${BOT_SQL} AS bot, COUNT(*) AS views,
        MIN(v.bot_score) AS min_bot, MAX(v.bot_score) AS max_bot, ${first} AS first_id,
        ${first.replace("MIN(", "MAX(")} AS last_id
      FROM (${views}) v GROUP BY 1, 2, 3
    ) g CROSS JOIN visitor_views f ON f.id = g.first_id
      CROSS JOIN visitor_views l ON l.id = g.last_id
    WHERE true`;
}
