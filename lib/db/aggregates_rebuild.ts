// Rebuilding the per-day aggregates of whole days from the raw rows (what a row counts:
// ./aggregates.ts and ./aggregates_events.ts): after exclusions, purges, rescorings and migrations
// (the days they mark dirty), by `deno task admin rebuild-aggregates`
// (lib/admin/cli/rebuild_aggregates.ts) and by the writer thread (./write_worker.ts), which writes
// no hits meanwhile.
//
// For whole days nothing is incremental: one read of every view of the sessions with a view on the
// days (both bot sides of their keys, so each session is whole), as arrays, then one tally in JS —
// each dimension's values interned to numbers, counts in maps keyed by numbers — and plain INSERTs;
// the events likewise. SQLite's GROUP BY sorts its input: one GROUP BY per dimension cost more
// than this whole tally, and reading rows as objects ten times what arrays cost
// (bench/query_notes.md, "Rebuilding a day").
//
// The day of a row and the instants of a range of days are daySql and dayBounds (UTC days).
import type { Database } from "./database.ts";
import { BOT_SCORE_THRESHOLD } from "./columns.ts";
import { notExcludedPredicate } from "./bots.ts";
import { fieldColumn } from "./query/fields.ts";
import {
  AGGREGATE_DIMENSIONS,
  KEYS,
  nextDay,
  SESSION_AGGREGATE_DIMENSIONS,
  SESSION_BASE,
  VIEW_SOURCE_SQL,
} from "./aggregates.ts";
import {
  EVENT_OWN_DIMENSIONS,
  EVENT_SESSION_DIMENSIONS,
  FAR,
  FAR_SQL,
  KEPT_SIDE,
  NOT_EXCLUDED,
  props,
  PROPS_SQL,
  SESSION_JOIN,
  sessionValue,
} from "./aggregates_events.ts";

/** The day (YYYY-MM-DD) of a row aliased `alias`: its UTC date. */
export const daySql = (alias: string) => `substr(${alias}.created_at, 1, 10)`;

/** The instants [start, end) of the days [fromDay, toDay), as created_at compares them. */
export const dayBounds = (fromDay: string, toDay: string): [string, string] => [
  `${fromDay}T`,
  `${toDay}T`,
];

/** A view as read: its id, visitor, session id, side, time, day, page and source (null: the
 * source dimension's `empty`), then the columns of AGGREGATE_DIMENSIONS' values (VALUE_COLUMNS;
 * null: the dimension's `empty`). */
type ViewRow = [
  number,
  string,
  string | null,
  number,
  string,
  string,
  string,
  string | null,
  ...(string | null)[],
];
const ID = 0, VISITOR = 1, SESSION = 2, BOT = 3, AT = 4, DAY = 5, PATH = 6, SRC = 7, VALUES = 8;
const ROW_DIMS = AGGREGATE_DIMENSIONS.length;

/** The value SQL of each dimension (without its `empty`: a NULL costs less to read than a string)
 * once, and each dimension's column among them. */
const valueColumns = () => {
  const sql = AGGREGATE_DIMENSIONS.map((spec) =>
    spec.from.kind === "field" ? fieldColumn(spec.from.field, "view", "v") : "NULL"
  );
  const unique = [...new Set(sql)];
  return { sql: unique, column: sql.map((s) => VALUES + unique.indexOf(s)) };
};

/** The statements reading views (built when first asked: this file and ./session_table.ts import
 * each other's importers). */
let statements: { day: string; counts: string; spill: string; column: number[] } | null = null;
function viewStatements() {
  if (statements) return statements;
  const values = valueColumns();
  const columns = [
    "v.id",
    "v.visitor_id",
    "v.session_id",
    `v.bot_score >= ${BOT_SCORE_THRESHOLD}`,
    "v.created_at",
    daySql("v"),
    "v.path",
    VIEW_SOURCE_SQL,
    ...values.sql,
  ].join(", ");
  const kept = notExcludedPredicate("v.visitor_id");
  const outside = "(v.created_at < ?2 OR v.created_at >= ?3)";
  return statements = {
    column: values.column,
    // The views (not excluded) of site ?1 in [?2, ?3).
    day: `SELECT ${columns} FROM visitor_views v
      WHERE v.site_id = ?1 AND v.created_at >= ?2 AND v.created_at < ?3 AND ${kept}`,
    // How many views have each session id of ?1, and each visitor of ?2 on site ?3 (from the
    // indexes alone).
    counts: `SELECT 0, j.value, (SELECT COUNT(*) FROM visitor_views v WHERE v.session_id = j.value)
      FROM json_each(?1) j
      UNION ALL SELECT 1, j.value, (SELECT COUNT(*) FROM visitor_views v
        WHERE v.visitor_id = j.value AND v.site_id = ?3) FROM json_each(?2) j`,
    // The views (not excluded) of site ?1 outside [?2, ?3) with a session id of ?4, or without
    // one, of a visitor of ?5.
    spill: `SELECT ${columns} FROM visitor_views v
      WHERE v.session_id IN (SELECT value FROM json_each(?4)) AND +v.site_id = ?1 AND ${outside}
        AND ${kept}
      UNION ALL
      SELECT ${columns} FROM visitor_views v
      WHERE v.visitor_id IN (SELECT value FROM json_each(?5)) AND v.site_id = ?1
        AND v.session_id IS NULL AND ${outside} AND ${kept}`,
  };
}

/**
 * The views of a site's days [fromDay, toDay), and the other views of their sessions (both sides
 * of each key): a session or visitor whose views are not all among the day's (the indexes count
 * them) is read whole.
 */
function readViews(db: Database, siteId: string, fromDay: string, toDay: string): {
  rows: ViewRow[];
  inDays: number;
} {
  const sql = viewStatements();
  const bounds = dayBounds(fromDay, toDay);
  const rows = db.allArrays<ViewRow>(sql.day, siteId, ...bounds);
  const bySession = new Map<string, number>();
  const byVisitor = new Map<string, number>();
  const bare = new Set<string>();
  for (const v of rows) {
    const session = v[SESSION];
    if (session !== null) bySession.set(session, (bySession.get(session) ?? 0) + 1);
    else bare.add(v[VISITOR]);
    byVisitor.set(v[VISITOR], (byVisitor.get(v[VISITOR]) ?? 0) + 1);
  }
  const sessions: string[] = [];
  const visitors: string[] = [];
  for (
    const [kind, id, n] of db.allArrays<[number, string, number]>(
      sql.counts,
      JSON.stringify([...bySession.keys()]),
      JSON.stringify([...bare]),
      siteId,
    )
  ) {
    if (kind === 0 && n !== bySession.get(id)) sessions.push(id);
    if (kind === 1 && n !== byVisitor.get(id)) visitors.push(id);
  }
  const inDays = rows.length;
  if (sessions.length > 0 || visitors.length > 0) {
    rows.push(
      ...db.allArrays<ViewRow>(
        sql.spill,
        siteId,
        ...bounds,
        JSON.stringify(sessions),
        JSON.stringify(visitors),
      ),
    );
  }
  return { rows, inDays };
}

/** Each (dimension index in KEYS, value) as a number, and back. */
class Values {
  readonly #ids = KEYS.map(() => new Map<string, number>());
  readonly dim: number[] = [];
  readonly value: string[] = [];
  id(dim: number, value: string): number {
    const ids = this.#ids[dim];
    let id = ids.get(value);
    if (id === undefined) {
      ids.set(value, id = this.value.length);
      this.dim.push(dim);
      this.value.push(value);
    }
    return id;
  }
}

/** The six counts of day_aggregates per (day, side, late) group and value id. */
class Counts {
  readonly #groups = new Map<string, number>();
  readonly at: [string, number, number][] = [];
  /** Per group, per value id (sparse). */
  readonly rows: number[][][] = [];
  group(day: string, bot: number, late: number): number {
    const key = `${day}\u0000${bot}\u0000${late}`;
    let g = this.#groups.get(key);
    if (g === undefined) {
      this.#groups.set(key, g = this.at.length);
      this.at.push([day, bot, late]);
      this.rows.push([]);
    }
    return g;
  }
  row(group: number, id: number): number[] {
    const rows = this.rows[group];
    return rows[id] ??= [0, 0, 0, 0, 0, 0];
  }
}

interface Session {
  /** Indexes of its views in the rows read. */
  views: number[];
  /** The value ids of its entry page, exit page and source (SESSION_AGGREGATE_DIMENSIONS). */
  keys: number[];
}

const DAY_MS = 86_400_000;
const before = (a: ViewRow, b: ViewRow) => a[AT] < b[AT] || (a[AT] === b[AT] && a[ID] < b[ID]);

/** The sessions of a side: by session id, and the views without one by visitor. */
type Side = [Map<string, Session>, Map<string, Session>];
const sessionOf = (sides: Side[], bot: number, v: ViewRow) =>
  v[SESSION] !== null ? sides[bot][0].get(v[SESSION]) : sides[bot][1].get(v[VISITOR]);

/** The views and sessions rows of a site's days [fromDay, toDay) (see ./aggregates.ts). */
function tallyDays(db: Database, siteId: string, fromDay: string, toDay: string) {
  const { rows, inDays } = readViews(db, siteId, fromDay, toDay);
  const { column } = viewStatements();
  const values = new Values();
  const counts = new Counts();
  const empty = AGGREGATE_DIMENSIONS.map((d) => d.empty);
  const sessionDims = SESSION_AGGREGATE_DIMENSIONS.map((spec, i) => ({
    dim: SESSION_BASE + i,
    field: spec.from.kind === "field" ? spec.from.field : "",
    empty: spec.empty,
  }));
  // Each view's value ids (AGGREGATE_DIMENSIONS), and the sessions per side and key.
  const ids = new Int32Array(rows.length * ROW_DIMS);
  const sides: Side[] = [[new Map(), new Map()], [new Map(), new Map()]];
  rows.forEach((v, i) => {
    for (let d = 0; d < ROW_DIMS; d++) {
      ids[i * ROW_DIMS + d] = values.id(d + 1, (v[column[d]] as string | null) ?? empty[d]);
    }
    const [byId, byVisitor] = sides[v[BOT]];
    const map = v[SESSION] !== null ? byId : byVisitor;
    const key = v[SESSION] ?? v[VISITOR];
    const s = map.get(key);
    if (s) s.views.push(i);
    else map.set(key, { views: [i], keys: [] });
  });
  const total = values.id(0, "");
  // Every session's entry page, exit page and source; the sessions starting on the days count
  // their visits, bounces, views and length per value (the day it first appears: `late`).
  const once: number[] = [];
  let session = 0;
  for (const side of sides) {
    for (const map of side) {
      for (const s of map.values()) {
        let entry = rows[s.views[0]], exit = entry;
        for (const i of s.views) {
          const v = rows[i];
          if (before(v, entry)) entry = v;
          if (before(exit, v)) exit = v;
        }
        s.keys = sessionDims.map(({ dim, field, empty }) =>
          values.id(
            dim,
            field === "exit_page"
              ? exit[PATH]
              : field === "entry_page"
              ? entry[PATH]
              : entry[SRC] ?? empty,
          )
        );
        const day = entry[DAY];
        if (day < fromDay || day >= toDay) continue;
        const n = s.views.length;
        const add = [1, n === 1 ? 1 : 0, n, Date.parse(exit[AT]) - Date.parse(entry[AT])];
        const bot = entry[BOT];
        const g = counts.group(day, bot, 0);
        const tally = (group: number, id: number) => {
          const row = counts.row(group, id);
          for (let c = 0; c < 4; c++) row[2 + c] += add[c];
        };
        tally(g, total);
        for (const id of s.keys) tally(g, id);
        if (exit[DAY] === day) {
          // Within its first day (most sessions): each value once, `late` 0.
          session++;
          for (const i of s.views) {
            for (let d = i * ROW_DIMS; d < (i + 1) * ROW_DIMS; d++) {
              if (once[ids[d]] === session) continue;
              once[ids[d]] = session;
              tally(g, ids[d]);
            }
          }
          continue;
        }
        const firstDay = new Map<number, string>();
        for (const i of s.views) {
          const vday = rows[i][DAY];
          for (let d = i * ROW_DIMS; d < (i + 1) * ROW_DIMS; d++) {
            const known = firstDay.get(ids[d]);
            if (known === undefined || vday < known) firstDay.set(ids[d], vday);
          }
        }
        const start = Date.parse(`${day}T00:00:00Z`);
        for (const [id, vday] of firstDay) {
          const late = vday === day
            ? 0
            : Math.round((Date.parse(`${vday}T00:00:00Z`) - start) / DAY_MS);
          tally(late ? counts.group(day, bot, late) : g, id);
        }
      }
    }
  }
  // The views of the days (the first `inDays` rows), per visitor-day: page views and distinct
  // visitors per value, of their own fields and their session's; and (side 2 + b) page views under
  // the same key's session on the other side.
  const noSession = sessionDims.map(({ dim, empty }) => values.id(dim, empty));
  const visitorDays = new Map<string, number[]>();
  for (let i = 0; i < inDays; i++) {
    const v = rows[i];
    const key = `${v[VISITOR]}\u0000${v[DAY]}\u0000${v[BOT]}`;
    const list = visitorDays.get(key);
    if (list) list.push(i);
    else visitorDays.set(key, [i]);
  }
  const seen: number[] = [];
  let stamp = 0;
  for (const views of visitorDays.values()) {
    stamp++;
    const first = rows[views[0]];
    const g = counts.rows[counts.group(first[DAY], first[BOT], 0)];
    const cross = counts.rows[counts.group(first[DAY], 2 + first[BOT], 0)];
    const count = (id: number) => {
      const row = g[id] ??= [0, 0, 0, 0, 0, 0];
      row[0]++;
      if (seen[id] !== stamp) {
        seen[id] = stamp;
        row[1]++;
      }
    };
    for (const i of views) {
      const v = rows[i];
      count(total);
      for (let d = i * ROW_DIMS; d < (i + 1) * ROW_DIMS; d++) count(ids[d]);
      for (const id of sessionOf(sides, v[BOT], v)!.keys) count(id);
      for (const id of sessionOf(sides, 1 - v[BOT], v)?.keys ?? noSession) {
        (cross[id] ??= [0, 0, 0, 0, 0, 0])[0]++;
      }
    }
  }
  return { values, counts };
}

const INSERT = `INSERT INTO day_aggregates (site_id, day, bot, late, dim, value, pageviews,
  visitors, visits, bounces, session_views, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/**
 * Recomputes a site's aggregates of the days [fromDay, toDay) (YYYY-MM-DD) from the raw rows:
 * their views and events, and the sessions whose first view is on one of them. Clears those days
 * from aggregate_dirty. Returns the views rows written.
 */
export function rebuildAggregateDays(
  db: Database,
  siteId: string,
  fromDay: string,
  toDay: string,
): number {
  return db.transaction(() => {
    db.run(
      "DELETE FROM day_aggregates WHERE site_id = ?1 AND day >= ?2 AND day < ?3",
      siteId,
      fromDay,
      toDay,
    );
    const { values, counts } = tallyDays(db, siteId, fromDay, toDay);
    const insert = db.statement(INSERT);
    let written = 0;
    counts.rows.forEach((rows, g) => {
      const [day, bot, late] = counts.at[g];
      rows.forEach((row, id) => {
        insert.run(siteId, day, bot, late, KEYS[values.dim[id]], values.value[id], ...row);
        written++;
      });
    });
    rebuildEventDays(db, siteId, fromDay, toDay);
    db.run(
      "DELETE FROM aggregate_dirty WHERE site_id = ?1 AND day >= ?2 AND day < ?3",
      siteId,
      fromDay,
      toDay,
    );
    return written;
  });
}

/** An event as read: its day, side, whether it is far from its session's start, its session
 * (the sessions table's rowid; null: none), its own dimensions' values (EVENT_OWN_DIMENSIONS;
 * null: `empty`), its properties (PROPS_SQL's list), whether it is a pageview_end, its scroll and
 * engaged time. */
type EventRow = [
  string,
  number,
  number,
  number | null,
  string | null,
  string | null,
  string | null,
  number,
  number | null,
  number | null,
];

let eventStatements: { events: string; sessions: string } | null = null;
function eventSql() {
  if (eventStatements) return eventStatements;
  const own = EVENT_OWN_DIMENSIONS.map((spec) =>
    spec.from.kind === "field" ? fieldColumn(spec.from.field, "event") : "NULL"
  );
  return eventStatements = {
    // The events (not excluded) of site ?1 in [?2, ?3) with their session (./aggregates_events.ts).
    events: `SELECT ${daySql("e")}, ${KEPT_SIDE}, ${FAR_SQL}, s.rowid, ${own.join(", ")},
        ${PROPS_SQL}, e.event_type = 'pageview_end', e.scroll_pct, e.engaged_ms
      FROM semantic_events e ${SESSION_JOIN}
      WHERE e.site_id = ?1 AND e.created_at >= ?2 AND e.created_at < ?3 AND ${NOT_EXCLUDED}`,
    // The fields of the sessions (rowids ?1) the events take (EVENT_SESSION_DIMENSIONS; null:
    // `empty`).
    sessions: `SELECT s.rowid, ${EVENT_SESSION_DIMENSIONS.map(sessionValue).join(", ")}
      FROM sessions s WHERE s.rowid IN (SELECT value FROM json_each(?1))`,
  };
}

/** The five counts of day_event_aggregates per (day, side) group, dimension and value. */
class EventCounts {
  readonly #groups = new Map<string, number>();
  readonly at: [string, number][] = [];
  readonly #ids = new Map<string, Map<string, number>>();
  readonly dim: string[] = [];
  readonly value: string[] = [];
  /** Per group, per value id (sparse). */
  readonly rows: number[][][] = [];
  group(day: string, bot: number): number {
    const key = `${day}\u0000${bot}`;
    let g = this.#groups.get(key);
    if (g === undefined) {
      this.#groups.set(key, g = this.at.length);
      this.at.push([day, bot]);
      this.rows.push([]);
    }
    return g;
  }
  id(dim: string, value: string): number {
    let ids = this.#ids.get(dim);
    if (!ids) this.#ids.set(dim, ids = new Map());
    let id = ids.get(value);
    if (id === undefined) {
      ids.set(value, id = this.value.length);
      this.dim.push(dim);
      this.value.push(value);
    }
    return id;
  }
  add(group: number, id: number, counts: readonly number[]): void {
    const row = this.rows[group][id] ??= [0, 0, 0, 0, 0];
    for (let c = 0; c < 5; c++) row[c] += counts[c];
  }
}

const INSERT_EVENTS = `INSERT INTO day_event_aggregates (site_id, dim, day, bot, value, events,
  scroll_sum, scroll_n, engaged_ms, engaged_n) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/** Recomputes a site's events rows of the days [fromDay, toDay) (inside the caller's
 * transaction): per event its own dimensions and properties; per (day, side, session) the
 * session's fields (FAR for the events far from its start, each dimension's `empty` without
 * one). */
export function rebuildEventDays(db: Database, siteId: string, fromDay: string, toDay: string) {
  db.run(
    "DELETE FROM day_event_aggregates WHERE site_id = ?1 AND day >= ?2 AND day < ?3",
    siteId,
    fromDay,
    toDay,
  );
  const sql = eventSql();
  const events = db.allArrays<EventRow>(sql.events, siteId, ...dayBounds(fromDay, toDay));
  const counts = new EventCounts();
  const total = counts.id("", "");
  const own = EVENT_OWN_DIMENSIONS.map((d) => ({ key: d.key, empty: d.empty }));
  const far = counts.id(FAR, "");
  const none = -1, farAway = -2;
  // The events' counts per group and session (FAR, or none).
  const bySession = new Map<number, Map<number, number[]>>();
  for (const [day, bot, isFar, session, page, name, list, end, scroll, engaged] of events) {
    const g = counts.group(day, bot);
    const add = [
      1,
      end && scroll !== null ? scroll : 0,
      end && scroll !== null ? 1 : 0,
      end && engaged !== null ? engaged : 0,
      end && engaged !== null ? 1 : 0,
    ];
    counts.add(g, total, add);
    counts.add(g, counts.id(own[0].key, page ?? own[0].empty), add);
    counts.add(g, counts.id(own[1].key, name ?? own[1].empty), add);
    if (list) {
      for (const key of props(list)) {
        const cut = key.indexOf("\u0000");
        counts.add(g, counts.id(key.slice(0, cut), key.slice(cut + 1)), add);
      }
    }
    const key = isFar ? farAway : session ?? none;
    let sessions = bySession.get(g);
    if (!sessions) bySession.set(g, sessions = new Map());
    const sum = sessions.get(key);
    if (!sum) sessions.set(key, add);
    else for (let c = 0; c < 5; c++) sum[c] += add[c];
  }
  // Each session's fields, once.
  const rowids = new Set<number>();
  for (const sessions of bySession.values()) {
    for (const key of sessions.keys()) if (key >= 0) rowids.add(key);
  }
  const fields = new Map<number, number[]>();
  const dims = EVENT_SESSION_DIMENSIONS.map((d) => ({ key: d.key, empty: d.empty }));
  const noSession = dims.map(({ key, empty }) => counts.id(key, empty));
  if (rowids.size > 0) {
    for (
      const [rowid, ...values] of db.allArrays<[number, ...(string | null)[]]>(
        sql.sessions,
        JSON.stringify([...rowids]),
      )
    ) {
      fields.set(rowid, dims.map(({ key, empty }, i) => counts.id(key, values[i] ?? empty)));
    }
  }
  bySession.forEach((sessions, g) => {
    for (const [key, add] of sessions) {
      if (key === farAway) counts.add(g, far, add);
      else for (const id of fields.get(key) ?? noSession) counts.add(g, id, add);
    }
  });
  const insert = db.statement(INSERT_EVENTS);
  counts.rows.forEach((rows, g) => {
    const [day, bot] = counts.at[g];
    rows.forEach((row, id) =>
      insert.run(siteId, counts.dim[id], day, bot, counts.value[id], ...row)
    );
  });
}

/** Rebuilds the (site, day)s marked dirty, the latest first, at most `limit` of them. Returns the
 * days rebuilt. */
export function rebuildDirtyAggregates(db: Database, limit = Number.MAX_SAFE_INTEGER): number {
  const dirty = db.all<{ site_id: string; day: string }>(
    "SELECT site_id, day FROM aggregate_dirty ORDER BY day DESC, site_id LIMIT ?",
    Math.min(limit, Number.MAX_SAFE_INTEGER),
  );
  for (const { site_id, day } of dirty) {
    rebuildAggregateDays(db, site_id, day, nextDay(day));
  }
  return dirty.length;
}

/** Rebuilds every site's aggregates from the raw rows (the migration's backfill). */
export function rebuildAllAggregates(db: Database): number {
  const sites = db.all<{ site_id: string; first: string; last: string }>(
    `SELECT site_id, MIN(first) AS first, MAX(last) AS last FROM (
       SELECT site_id, MIN(created_at) AS first, MAX(created_at) AS last FROM visitor_views
       GROUP BY site_id
       UNION ALL
       SELECT site_id, MIN(created_at), MAX(created_at) FROM semantic_events GROUP BY site_id
     ) GROUP BY site_id`,
  );
  let rows = 0;
  for (const s of sites) {
    for (let day = s.first.slice(0, 10); day <= s.last.slice(0, 10); day = nextDay(day)) {
      rows += rebuildAggregateDays(db, s.site_id, day, nextDay(day));
    }
  }
  db.run("DELETE FROM aggregate_dirty");
  return rows;
}
