// The events rows of the per-day aggregates (day_event_aggregates, migrations 16 and 17): per
// (site, UTC day, bot side, dimension, value) the events, and the scroll and engaged sums and
// counts of their pageview_end events, of visitors not excluded — kept exact by each written batch,
// as lib/db/aggregates.ts keeps the views rows.
//
// Dimensions: "" (every event); an event's own fields (page, name); each custom property
// (`event:props:<key>`, the events whose `data` object has the key with a non-null value); and the
// fields an event takes from its session as the compiler joins it (lib/db/query/compile.ts): the
// sessions table's row of its key and bot side, unless that session's visitor is excluded — the
// entry view's referrer, UTM, country, device, OS, browser, screen, source and entry page; an event
// without a session has each dimension's `empty`.
//
// The compiler reads sessions starting within a day of the range (lib/db/query/compile.ts), so an
// event more than a day from its session's first view may see another entry, or none, depending on
// the range: such an event is counted under the dimension FAR instead of the session's fields (a
// reader falls back when a day of the range has one). A view batch that moves a session's entry (a
// new session, or an earlier view written late) moves that session's events with it
// (moveSessionEvents: taken away as they were counted, added as they count now).
import type { Database } from "./database.ts";
import { BOT_SCORE_THRESHOLD } from "./columns.ts";
import { notExcludedPredicate } from "./bots.ts";
import { fieldColumn } from "./query/fields.ts";
import { SESSION_ENTRY_COLUMNS } from "./session_table.ts";
import { DIMENSIONS, type DimensionSpec, PROP_PREFIX } from "../query/dimensions.ts";

/** The dimensions an event has itself. */
export const EVENT_OWN_DIMENSIONS: readonly DimensionSpec[] = DIMENSIONS.filter((d) =>
  d.key === "event:page" || d.key === "event:name"
);

/** The dimensions an event takes from its session's entry view (its referrer, UTM, country,
 * device, OS, browser, screen; its source and entry page). */
export const EVENT_SESSION_DIMENSIONS: readonly DimensionSpec[] = DIMENSIONS.filter((d) =>
  d.from.kind === "field" && !d.key.startsWith("bot:") &&
  !["page", "name", "exit_page"].includes(d.from.field)
);

/** The dimension counting the events more than a day from their session's first view. */
export const FAR = "~far";

const quote = (text: string) => `'${text.replaceAll("'", "''")}'`;
const KEPT_SIDE = `(e.bot_score >= ${BOT_SCORE_THRESHOLD})`;
const EVENT_SK =
  "CASE WHEN e.session_id IS NOT NULL THEN 's' || e.session_id WHEN e.visitor_id IS NOT NULL THEN 'v' || e.visitor_id END";

/** A session field over `s` (the sessions table's columns). */
function sessionValue(spec: DimensionSpec): string {
  if (spec.from.kind !== "field") return "NULL";
  return spec.from.field === "source"
    ? "CASE WHEN s.referrer_type IS 'internal' THEN NULL ELSE s.referrer_domain END"
    : fieldColumn(spec.from.field, "event");
}

/** The dimensions of an event row, with the part each belongs to: 0 own, 1 its session's (not
 * far), 2 FAR (far). */
interface Dim {
  key: string;
  part: 0 | 1 | 2;
  value: string;
}
const DIMS: Dim[] = ([
  { key: "", part: 0, value: "''" },
  ...EVENT_OWN_DIMENSIONS.map((spec) => ({
    key: spec.key,
    part: 0 as const,
    value: spec.from.kind === "field" ? fieldColumn(spec.from.field, "event") : "NULL",
  })),
  ...EVENT_SESSION_DIMENSIONS.map((spec) => ({
    key: spec.key,
    part: 1 as const,
    value: sessionValue(spec),
  })),
  { key: FAR, part: 2, value: "''" },
] as Dim[]).map((d) => {
  const spec = DIMENSIONS.find((s) => s.key === d.key);
  return { ...d, value: spec ? `COALESCE(${d.value}, ${quote(spec.empty)})` : d.value };
});

/** An event more than a day (less a second, to be safe) from its session's first view. */
const FAR_SQL = `COALESCE(abs(julianday(e.created_at) - julianday(s.first_at)) >= 0.99999, 0)`;

const COUNTS = `COUNT(*) AS events,
  COALESCE(SUM(CASE WHEN e.event_type = 'pageview_end' THEN e.scroll_pct END), 0) AS scroll_sum,
  COUNT(CASE WHEN e.event_type = 'pageview_end' THEN e.scroll_pct END) AS scroll_n,
  COALESCE(SUM(CASE WHEN e.event_type = 'pageview_end' THEN e.engaged_ms END), 0) AS engaged_ms,
  COUNT(CASE WHEN e.event_type = 'pageview_end' THEN e.engaged_ms END) AS engaged_n`;

const UPSERT = `INSERT INTO day_event_aggregates (site_id, dim, day, bot, value, events, scroll_sum,
    scroll_n, engaged_ms, engaged_n)`;
const MERGE = `ON CONFLICT (site_id, dim, day, bot, value) DO UPDATE SET
    events = events + excluded.events, scroll_sum = scroll_sum + excluded.scroll_sum,
    scroll_n = scroll_n + excluded.scroll_n, engaged_ms = engaged_ms + excluded.engaged_ms,
    engaged_n = engaged_n + excluded.engaged_n`;

/** The events of `rows` (a FROM clause of events `e` with their session `s`) matching `where`,
 * added (`sign` 1) or taken away (-1) per dimension of `parts`. `ctes`: WITH clauses it reads. */
function eventsSql(
  rows: string,
  where: string,
  parts: readonly number[],
  sign: 1 | -1,
  ctes = "",
): string {
  const dims = DIMS.map((d, i) => ({ ...d, i })).filter((d) => parts.includes(d.part));
  const value = `CASE d.i ${dims.map((d) => `WHEN ${d.i} THEN ${d.value}`).join(" ")} END`;
  const s = (c: string) => (sign === 1 ? c : `-${c}`);
  return `WITH ${ctes}d(i, key, part) AS (VALUES ${
    dims.map((d) => `(${d.i}, ${quote(d.key)}, ${d.part})`).join(", ")
  })
    ${UPSERT}
    SELECT site_id, key, day, bot, value, ${
    ["events", "scroll_sum", "scroll_n", "engaged_ms", "engaged_n"].map(s).join(", ")
  } FROM (
      SELECT e.site_id, d.key, substr(e.created_at, 1, 10) AS day, ${KEPT_SIDE} AS bot,
        ${value} AS value, ${COUNTS}
      FROM ${rows} CROSS JOIN d
      WHERE ${where} AND (e.visitor_id IS NULL OR ${notExcludedPredicate("e.visitor_id")})
        AND CASE d.part WHEN 0 THEN 1 WHEN 1 THEN NOT ${FAR_SQL} ELSE ${FAR_SQL} END
      GROUP BY 1, 2, 3, 4, 5
    ) WHERE true
    ${MERGE}`;
}

/** An event's session as the compiler joins it (see the file header). */
const SESSION_JOIN = `LEFT JOIN sessions s ON s.site_id = e.site_id AND s.sk = ${EVENT_SK}
  AND s.bot = ${KEPT_SIDE} AND ${notExcludedPredicate("s.visitor_id")}`;
const WITH_SESSION = `semantic_events e ${SESSION_JOIN}`;

/** The events matching `where`, per custom property with a value. */
function propsSql(where: string): string {
  const object = "CASE WHEN json_valid(e.data) AND json_type(e.data) = 'object' THEN e.data END";
  return `${UPSERT}
    SELECT e.site_id, ${quote(PROP_PREFIX)} || e.key, substr(e.created_at, 1, 10), ${KEPT_SIDE},
      e.value, ${COUNTS}
    FROM (
      -- One row per (event, key): a key given twice counts once, as json_extract reads it.
      SELECT e.site_id, e.created_at, e.bot_score, e.event_type, e.scroll_pct, e.engaged_ms,
        j.key AS key, CAST(json_extract(e.data, '$."' || j.key || '"') AS TEXT) AS value
      FROM semantic_events e CROSS JOIN json_each(COALESCE(${object}, '{}')) j
      WHERE ${where} AND (e.visitor_id IS NULL OR ${notExcludedPredicate("e.visitor_id")})
        AND length(j.key) BETWEEN 1 AND 64 AND j.key NOT GLOB '*[^A-Za-z0-9_.-]*'
      GROUP BY e.id, j.key
    ) e WHERE e.value IS NOT NULL
    GROUP BY 1, 2, 3, 4, 5
    ${MERGE}`;
}

/** Adds the events matching `where` (over `e`, parameters ?1…) to day_event_aggregates. */
function addEvents(db: Database, where: string, ...params: (string | number)[]): void {
  db.run(eventsSql(WITH_SESSION, where, [0, 1, 2], 1), ...params);
  db.run(propsSql(where), ...params);
}

/** Adds the events with ids in [firstId, lastId] to the aggregates (in the batch's transaction). */
export function upsertEventAggregates(db: Database, firstId: number, lastId: number): void {
  if (lastId >= firstId) addEvents(db, "e.id BETWEEN ?1 AND ?2", firstId, lastId);
}

/** Recomputes a site's events rows of the UTC days [fromDay, toDay) (inside the caller's
 * transaction). */
export function rebuildEventDays(db: Database, siteId: string, fromDay: string, toDay: string) {
  db.run(
    "DELETE FROM day_event_aggregates WHERE site_id = ?1 AND day >= ?2 AND day < ?3",
    siteId,
    fromDay,
    toDay,
  );
  addEvents(
    db,
    "e.site_id = ?1 AND e.created_at >= ?2 AND e.created_at < ?3",
    siteId,
    `${fromDay}T`,
    `${toDay}T`,
  );
}

/** A session whose entry view a batch moved: its key and side, and its entry before the batch
 * (a visitor_views id; null when it had no view). */
export interface MovedSession {
  site_id: string;
  sk: string;
  bot: number;
  old_id: number | null;
}

/** The events of the sessions in `temp.moved_sessions`, each with its session's old entry id. */
const MOVED_EVENTS = `me AS (
    SELECT e.*, m.old_id FROM temp.moved_sessions m CROSS JOIN semantic_events e
      ON e.session_id = substr(m.sk, 2) AND e.site_id = m.site_id
    WHERE m.sk LIKE 's%' AND ${KEPT_SIDE} = m.bot
    UNION ALL
    SELECT e.*, m.old_id FROM temp.moved_sessions m CROSS JOIN semantic_events e
      ON e.visitor_id = substr(m.sk, 2) AND e.site_id = m.site_id
    WHERE m.sk LIKE 'v%' AND e.session_id IS NULL AND ${KEPT_SIDE} = m.bot
  ), `;

/** The old entry view as a session row (`s`, the columns the dimensions read); a function, as
 * ./session_table.ts imports this file's importer. */
const oldSession = () =>
  `me e LEFT JOIN (
    SELECT id, visitor_id, created_at AS first_at, path AS entry_page, ${
    SESSION_ENTRY_COLUMNS.join(", ")
  }
    FROM visitor_views
  ) s ON s.id = e.old_id AND ${notExcludedPredicate("s.visitor_id")}`;

/**
 * Moves the events of `moved` sessions (after the sessions table took the batch): their session
 * fields as counted with the old entry view taken away, as they count now added.
 */
export function moveSessionEvents(db: Database, moved: readonly MovedSession[]): void {
  if (moved.length === 0) return;
  db.exec(`CREATE TEMP TABLE IF NOT EXISTS moved_sessions (site_id TEXT NOT NULL,
    sk TEXT NOT NULL, bot INTEGER NOT NULL, old_id INTEGER)`);
  const insert = db.statement(
    "INSERT INTO temp.moved_sessions (site_id, sk, bot, old_id) VALUES (?, ?, ?, ?)",
  );
  for (const m of moved) insert.run(m.site_id, m.sk, m.bot, m.old_id);
  db.run(eventsSql(oldSession(), "1", [1, 2], -1, MOVED_EVENTS));
  db.run(eventsSql(`me e ${SESSION_JOIN}`, "1", [1, 2], 1, MOVED_EVENTS));
  db.run("DELETE FROM temp.moved_sessions");
}
