// The events rows of the per-day aggregates (day_event_aggregates, migrations 16 to 18): per
// (site, local day of its zone (lib/db/local_day.ts), bot side, dimension, value) the events, and
// the scroll and engaged sums and counts of their pageview_end events, of visitors not excluded — kept exact by each written
// batch, as lib/db/aggregates.ts keeps the views rows.
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
import { fieldColumn, sourceSql } from "./query/fields.ts";
import { SESSION_ENTRY_COLUMNS } from "./session_table.ts";
import { zonedDays } from "./local_day.ts";
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
/** An event's bot side. */
export const KEPT_SIDE = `(e.bot_score >= ${BOT_SCORE_THRESHOLD})`;
const EVENT_SK = `CASE WHEN e.session_id IS NOT NULL THEN 's' || e.session_id
  WHEN e.visitor_id IS NOT NULL THEN 'v' || e.visitor_id END`;

/** A session field over `s` (the sessions table's columns). */
export function sessionValue(spec: DimensionSpec): string {
  if (spec.from.kind !== "field") return "NULL";
  return spec.from.field === "source" ? sourceSql("s") : fieldColumn(spec.from.field, "event");
}

/** A dimension's value over `sql`: its `empty` for none. */
const rendered = (spec: DimensionSpec, sql: string) => `COALESCE(${sql}, ${quote(spec.empty)})`;
/** An event's own dimensions' values, and its session's (JSON lists, in their order). */
const OWN_SQL = `json_array(${
  EVENT_OWN_DIMENSIONS.map((spec) =>
    rendered(spec, spec.from.kind === "field" ? fieldColumn(spec.from.field, "event") : "NULL")
  ).join(", ")
})`;
const SESSION_SQL = `json_array(${
  EVENT_SESSION_DIMENSIONS.map((spec) => rendered(spec, sessionValue(spec))).join(", ")
})`;

/** An event more than a day (less a second, to be safe) from its session's first view. */
export const FAR_SQL =
  `COALESCE(abs(julianday(e.created_at) - julianday(s.first_at)) >= 0.99999, 0)`;

/** An event's custom properties with a value: [key, value as json_extract reads it] pairs. */
export const PROPS_SQL =
  `CASE WHEN e.data <> '{}' AND json_valid(e.data) AND json_type(e.data) = 'object'
  THEN (SELECT json_group_array(json_array(j.key,
      CAST(json_extract(e.data, '$."' || j.key || '"') AS TEXT)))
    FROM json_each(e.data) j
    WHERE length(j.key) BETWEEN 1 AND 64 AND j.key NOT GLOB '*[^A-Za-z0-9_.-]*'
      -- GLOB and length stop at a NUL character; its bytes do not.
      AND instr(CAST(j.key AS BLOB), x'00') = 0) END`;

/** What the events rows need of events (`e`, their session `s`), counted per distinct values:
 * with `own`, their own dimensions and properties too; `day`: their day (zonedDays); `more`:
 * further columns grouped by. */
const factsSql = (own: boolean, day: string, more = "") =>
  `SELECT e.site_id, ${day} AS day, ${KEPT_SIDE} AS bot, ${FAR_SQL} AS far,
    ${SESSION_SQL} AS sess, ${own ? `${OWN_SQL} AS own, ${PROPS_SQL} AS props` : "NULL AS own"}
    ${more}, COUNT(*) AS events,
    COALESCE(SUM(CASE WHEN e.event_type = 'pageview_end' THEN e.scroll_pct END), 0) AS scroll_sum,
    COUNT(CASE WHEN e.event_type = 'pageview_end' THEN e.scroll_pct END) AS scroll_n,
    COALESCE(SUM(CASE WHEN e.event_type = 'pageview_end' THEN e.engaged_ms END), 0) AS engaged_ms,
    COUNT(CASE WHEN e.event_type = 'pageview_end' THEN e.engaged_ms END) AS engaged_n`;
/** GROUP BY the first `n` columns of factsSql. */
const grouped = (n: number) => `GROUP BY ${Array.from({ length: n }, (_, i) => i + 1).join(", ")}`;

interface EventFacts {
  site_id: string;
  day: string;
  bot: number;
  far: number;
  sess: string;
  own: string | null;
  props?: string | null;
  events: number;
  scroll_sum: number;
  scroll_n: number;
  engaged_ms: number;
  engaged_n: number;
}

const SEP = "\u0000";
const UPSERT = `INSERT INTO day_event_aggregates (site_id, dim, day, bot, value, events, scroll_sum,
    scroll_n, engaged_ms, engaged_n) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (site_id, dim, day, bot, value) DO UPDATE SET
    events = events + excluded.events, scroll_sum = scroll_sum + excluded.scroll_sum,
    scroll_n = scroll_n + excluded.scroll_n, engaged_ms = engaged_ms + excluded.engaged_ms,
    engaged_n = engaged_n + excluded.engaged_n`;

/** The keys of rendered values (a JSON list) of `dims`, per list: events share them (read only,
 * shared; bounded). */
class KeyCache {
  readonly #keys = new Map<string, string[]>();
  constructor(readonly dims: readonly string[], readonly prefix: string[] = []) {}

  of(list: string): string[] {
    let keys = this.#keys.get(list);
    if (!keys) {
      const values = JSON.parse(list) as string[];
      keys = [...this.prefix, ...values.map((value, i) => `${this.dims[i]}${SEP}${value}`)];
      if (this.#keys.size >= 10_000) this.#keys.clear();
      this.#keys.set(list, keys);
    }
    return keys;
  }
}
const SESSION_KEYS = new KeyCache(EVENT_SESSION_DIMENSIONS.map((d) => d.key));
/** An event's own dimensions, after "" (every event). */
const OWN_KEYS = new KeyCache(EVENT_OWN_DIMENSIONS.map((d) => d.key), [SEP]);
const FAR_KEYS = [`${FAR}${SEP}`];

/** Signed counts per (site, day, side) and `dim␀value`, written at the end. */
class EventDeltas {
  readonly #groups = new Map<string, { at: (string | number)[]; rows: Map<string, number[]> }>();

  /** Adds the counts of `rows` (signed). */
  add(rows: readonly EventFacts[], sign: 1 | -1): void {
    for (const e of rows) {
      const g = `${e.site_id}${SEP}${e.day}${SEP}${e.bot}`;
      let group = this.#groups.get(g);
      if (!group) this.#groups.set(g, group = { at: [e.site_id, e.day, e.bot], rows: new Map() });
      const counts = [e.events, e.scroll_sum, e.scroll_n, e.engaged_ms, e.engaged_n];
      const lists = [e.far ? FAR_KEYS : SESSION_KEYS.of(e.sess)];
      if (e.own !== null) lists.push(OWN_KEYS.of(e.own));
      if (e.props) lists.push(props(e.props));
      for (const keys of lists) {
        for (const key of keys) {
          let row = group.rows.get(key);
          if (!row) group.rows.set(key, row = [0, 0, 0, 0, 0]);
          for (let i = 0; i < 5; i++) row[i] += sign * counts[i];
        }
      }
    }
  }

  write(db: Database): void {
    const stmt = db.statement(UPSERT);
    for (const { at, rows } of this.#groups.values()) {
      for (const [key, counts] of rows) {
        if (counts.every((c) => c === 0)) continue;
        const cut = key.indexOf(SEP);
        stmt.run(at[0], key.slice(0, cut), at[1], at[2], key.slice(cut + 1), ...counts);
      }
    }
  }
}

/** The `event:props:<key>␀value` keys of an event's properties (PROPS_SQL's list) with a value
 * (a key given twice once). */
export function props(list: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const [key, value] of JSON.parse(list) as [string, string | null][]) {
    if (value === null || seen.has(key)) continue;
    seen.add(key);
    out.push(`${PROP_PREFIX}${key}${SEP}${value}`);
  }
  return out;
}

/** An event's session as the compiler joins it (see the file header). */
export const SESSION_JOIN = `LEFT JOIN sessions s ON s.site_id = e.site_id AND s.sk = ${EVENT_SK}
  AND s.bot = ${KEPT_SIDE} AND ${notExcludedPredicate("s.visitor_id")}`;
export const NOT_EXCLUDED = `(e.visitor_id IS NULL OR ${notExcludedPredicate("e.visitor_id")})`;

/** Adds the events matching `where` (over `e`, parameters ?1…) to day_event_aggregates. */
function addEvents(db: Database, where: string, ...params: (string | number)[]): void {
  const { dayOf, join } = zonedDays(db, "e.site_id");
  const day = dayOf("e.created_at");
  const deltas = new EventDeltas();
  deltas.add(
    db.all<EventFacts>(
      `${factsSql(true, day)} FROM semantic_events e ${SESSION_JOIN} ${join}
       WHERE ${where} AND ${NOT_EXCLUDED} ${grouped(7)}`,
      ...params,
    ),
    1,
  );
  deltas.write(db);
}

/** Adds the events with ids in [firstId, lastId] to the aggregates (in the batch's transaction). */
export function upsertEventAggregates(db: Database, firstId: number, lastId: number): void {
  if (lastId >= firstId) addEvents(db, "e.id BETWEEN ?1 AND ?2", firstId, lastId);
}

/** A session whose entry view a batch moved: its key and side, and its entry before the batch
 * (a visitor_views id; null when it had no view). */
export interface MovedSession {
  site_id: string;
  sk: string;
  bot: number;
  old_id: number | null;
}

/** The events of the moved sessions (?1, a JSON list of [site, key, side, old entry id]), each
 * with its session's old entry id. */
const MOVED_EVENTS = `WITH m AS MATERIALIZED (
    SELECT value ->> 0 AS site_id, value ->> 1 AS sk, value ->> 2 AS bot, value ->> 3 AS old_id
    FROM json_each(?1)
  ), me AS (
    SELECT e.*, m.old_id FROM m CROSS JOIN semantic_events e
      ON e.session_id = substr(m.sk, 2) AND e.site_id = m.site_id
    WHERE m.sk LIKE 's%' AND ${KEPT_SIDE} = m.bot
    UNION ALL
    SELECT e.*, m.old_id FROM m CROSS JOIN semantic_events e
      ON e.visitor_id = substr(m.sk, 2) AND e.site_id = m.site_id
    WHERE m.sk LIKE 'v%' AND e.session_id IS NULL AND ${KEPT_SIDE} = m.bot
  ) `;

/** The old entry view as a session row (`o`, the columns the dimensions read); a function, as
 * ./session_table.ts imports this file's importer. */
const oldSession = () =>
  `LEFT JOIN (
    SELECT id, visitor_id, created_at AS first_at, path AS entry_page, ${
    SESSION_ENTRY_COLUMNS.join(", ")
  }
    FROM visitor_views
  ) o ON o.id = e.old_id AND ${notExcludedPredicate("o.visitor_id")}`;

/** The session columns of factsSql over the old entry `o` instead of `s`. */
const OLD_FACTS = `${FAR_SQL} AS old_far, ${SESSION_SQL} AS old_sess`.replace(/\bs\./g, "o.");

/**
 * Moves the events of `moved` sessions (after the sessions table took the batch): their session
 * fields as counted with the old entry view taken away, as they count now added.
 */
export function moveSessionEvents(db: Database, moved: readonly MovedSession[]): void {
  if (moved.length === 0) return;
  const { dayOf, join } = zonedDays(db, "e.site_id");
  const day = dayOf("e.created_at");
  const rows = db.all<EventFacts & { old_far: number; old_sess: string }>(
    `${MOVED_EVENTS}${factsSql(false, day, `, ${OLD_FACTS}`)} FROM me e ${SESSION_JOIN} ${join}
      ${oldSession()}
      WHERE ${NOT_EXCLUDED} ${grouped(8)}`,
    JSON.stringify(moved.map((m) => [m.site_id, m.sk, m.bot, m.old_id])),
  );
  if (rows.length === 0) return;
  const deltas = new EventDeltas();
  deltas.add(rows, 1);
  deltas.add(rows.map((r) => ({ ...r, far: r.old_far, sess: r.old_sess })), -1);
  deltas.write(db);
}
