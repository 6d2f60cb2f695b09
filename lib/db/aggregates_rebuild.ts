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
// Days are the site's local days (its time zone, ./local_day.ts): a range of days is read over
// their instants (localDayBounds), a row's day is localDayOf its time (in JS: no day column is
// read), a session's later days are rows of VISIT_DAYS, and the views also count the
// EXCLUDING_DIMENSIONS (page views and visitors; a session counts none of them).
import type { Database } from "./database.ts";
import { BOT_SCORE_THRESHOLD } from "./columns.ts";
import { notExcludedPredicate } from "./bots.ts";
import { fieldColumn } from "./query/fields.ts";
import {
  AGGREGATE_DIMENSIONS,
  EXCLUDING_DIMENSIONS,
  KEYS,
  nextDay,
  SESSION_AGGREGATE_DIMENSIONS,
  SESSION_BASE,
  VIEW_SOURCE_SQL,
  VISIT_DAYS,
} from "./aggregates.ts";
import { localDayBounds, localDayOf, storedZone } from "./local_day.ts";
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

/** The instants [start, end) of the local days [fromDay, toDay) of a site's `zone` (null: UTC),
 * as created_at compares them. */
const dayBounds = (zone: string | null, fromDay: string, toDay: string): [string, string] => {
  const { from, to } = localDayBounds(zone, fromDay, toDay);
  return [from, to];
};

/** A view as read: its id, visitor, session id, side, time, day (null as read: localDayOf its
 * time, set by readViews), and its values (valuesSql). */
type ViewRow = [number, string, string | null, number, string, string, string];
const ID = 0, VISITOR = 1, SESSION = 2, BOT = 3, AT = 4, DAY = 5, PACKED = 6;
// The layout below derives from ./aggregates.ts's registries, which a cycle of imports
// (./aggregates.ts → ./bots.ts → ./session_table.ts → this file) may not have evaluated when this
// module is: it is set on first use (layout(), called by the exported functions), not at import.
let ROW_DIMS = 0;
/** How many value ids a view has past its source: its row-level dimensions', then its excluding
 * ones' (-1: the view is left out of that list). */
let VIEW_DIMS = 0;
/** A view's value ids: its source's (KEYS index SOURCE_DIM), then each of
 * AGGREGATE_DIMENSIONS' (KEYS index 1 + i), then each of EXCLUDING_DIMENSIONS' (KEYS index
 * 1 + ROW_DIMS + j). */
const SOURCE_AT = 0;
/** Per excluding dimension, the indexes in a view's values (valuesSql, source first) of its own
 * dimension and of the one whose values leave a view out. */
let EXCLUDING: { own: number; other: number; values: Set<string> }[] = [];
/** The KEYS index of VISIT_DAYS (a session's later days). */
let VISIT_DAYS_DIM = -1;
/** Between a view's values in VALUES_SQL (a value holding it is read apart: readValues). */
const UNIT = "\u001f";
let SOURCE = -1;
let SOURCE_DIM = -1;
let laidOut = false;

function layout(): void {
  if (laidOut) return;
  ROW_DIMS = AGGREGATE_DIMENSIONS.length;
  VIEW_DIMS = ROW_DIMS + EXCLUDING_DIMENSIONS.length;
  EXCLUDING = EXCLUDING_DIMENSIONS.map((d) => ({
    own: 1 + AGGREGATE_DIMENSIONS.indexOf(d.spec),
    other: 1 + AGGREGATE_DIMENSIONS.indexOf(d.other),
    values: new Set(d.values),
  }));
  VISIT_DAYS_DIM = KEYS.indexOf(VISIT_DAYS);
  SOURCE = SESSION_AGGREGATE_DIMENSIONS.findIndex((d) =>
    d.from.kind === "field" && d.from.field === "source"
  );
  SOURCE_DIM = SESSION_BASE + SOURCE;
  laidOut = true;
}
const quote = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** A view's source, then its value of each of AGGREGATE_DIMENSIONS, rendered (null: the
 * dimension's `empty`): one string per view (views share most of theirs: split once each). */
const valuesSql = () => [
  `COALESCE(${VIEW_SOURCE_SQL}, ${quote(SESSION_AGGREGATE_DIMENSIONS[SOURCE].empty)})`,
  ...AGGREGATE_DIMENSIONS.map((spec) =>
    `COALESCE(${spec.from.kind === "field" ? fieldColumn(spec.from.field, "view", "v") : "NULL"}, ${
      quote(spec.empty)
    })`
  ),
];

/** The statements reading views (built when first asked: this file and ./session_table.ts import
 * each other's importers). */
let statements: { day: string; counts: string; spill: string; values: string } | null = null;
function viewStatements() {
  if (statements) return statements;
  const values = valuesSql();
  const columns =
    `v.id, v.visitor_id, v.session_id, v.bot_score >= ${BOT_SCORE_THRESHOLD}, v.created_at,
    NULL, concat_ws(char(${UNIT.charCodeAt(0)}), ${values.join(", ")})`;
  const kept = notExcludedPredicate("v.visitor_id");
  const outside = "(v.created_at < ?2 OR v.created_at >= ?3)";
  return statements = {
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
    // One view's values apart.
    values: `SELECT ${values.join(", ")} FROM visitor_views v WHERE v.id = ?`,
  };
}

/** Each (dimension, value) as a number, and back: the views' dimensions by index in KEYS, the
 * events' by key. */
class Values<D> {
  readonly #ids = new Map<D, Map<string, number>>();
  readonly dim: D[] = [];
  readonly value: string[] = [];
  /** The values of dimension `dim` by id. */
  ids(dim: D): Map<string, number> {
    let ids = this.#ids.get(dim);
    if (!ids) this.#ids.set(dim, ids = new Map());
    return ids;
  }
  id(dim: D, value: string, ids = this.ids(dim)): number {
    let id = ids.get(value);
    if (id === undefined) {
      ids.set(value, id = this.value.length);
      this.dim.push(dim);
      this.value.push(value);
    }
    return id;
  }
}

/** The six counts of day_aggregates per (day, side, late) group, dense per value id: `size`
 * values (ids are known before counting). */
class Counts {
  readonly #groups = new Map<string, number>();
  readonly at: [string, number, number][] = [];
  /** Per group, the six counts of value id `id` at 6·id. */
  readonly rows: Float64Array[] = [];
  constructor(readonly size: number) {}
  group(day: string, bot: number, late: number): Float64Array {
    const key = `${day}\u0000${bot}\u0000${late}`;
    let g = this.#groups.get(key);
    if (g === undefined) {
      this.#groups.set(key, g = this.at.length);
      this.at.push([day, bot, late]);
      this.rows.push(new Float64Array(this.size * 6));
    }
    return this.rows[g];
  }
}

interface Session {
  /** Indexes of its views in the rows read. */
  views: number[];
  /** The value ids of its entry page, exit page and source (SESSION_AGGREGATE_DIMENSIONS). */
  keys: number[];
}

/** A side's sessions: by session id, and those of the views without one by visitor. */
type Side = [Map<string, Session>, Map<string, Session>];

/** The views read and their sessions. */
class Views {
  readonly rows: ViewRow[] = [];
  readonly sides: Side[] = [[new Map(), new Map()], [new Map(), new Map()]];
  add(rows: readonly ViewRow[]): void {
    for (const v of rows) {
      const [byId, byVisitor] = this.sides[v[BOT]];
      const map = v[SESSION] !== null ? byId : byVisitor;
      const key = v[SESSION] ?? v[VISITOR];
      const s = map.get(key);
      if (s) s.views.push(this.rows.length);
      else map.set(key, { views: [this.rows.length], keys: [] });
      this.rows.push(v);
    }
  }
  /** The session of `v` on side `bot`. */
  session(bot: number, v: ViewRow): Session | undefined {
    return v[SESSION] !== null
      ? this.sides[bot][0].get(v[SESSION])
      : this.sides[bot][1].get(v[VISITOR]);
  }
}

/**
 * The views of a site's days [fromDay, toDay), then the other views of their sessions (both sides
 * of each key): a session id or a visitor with views but those of the days (the indexes count
 * them) is read whole.
 */
function readViews(db: Database, siteId: string, fromDay: string, toDay: string) {
  const sql = viewStatements();
  const zone = storedZone(db, siteId);
  const bounds = dayBounds(zone, fromDay, toDay);
  const views = new Views();
  const oneDay = toDay === nextDay(fromDay);
  const rows = db.allArrays<ViewRow>(sql.day, siteId, ...bounds);
  for (const v of rows) v[DAY] = oneDay ? fromDay : localDayOf(zone, v[AT]);
  views.add(rows);
  const inDays = views.rows.length;
  const [[ids0, bare0], [ids1, bare1]] = views.sides;
  const bySession = new Map<string, number>();
  for (const [id, s] of ids0) bySession.set(id, s.views.length);
  for (const [id, s] of ids1) bySession.set(id, (bySession.get(id) ?? 0) + s.views.length);
  // The visitors of views without a session id, and all their views of the days.
  const byVisitor = new Map<string, number>([...bare0.keys(), ...bare1.keys()].map((v) => [v, 0]));
  if (byVisitor.size > 0) {
    for (const v of views.rows) {
      const n = byVisitor.get(v[VISITOR]);
      if (n !== undefined) byVisitor.set(v[VISITOR], n + 1);
    }
  }
  const sessions: string[] = [];
  const visitors: string[] = [];
  for (
    const [kind, id, n] of db.allArrays<[number, string, number]>(
      sql.counts,
      JSON.stringify([...bySession.keys()]),
      JSON.stringify([...byVisitor.keys()]),
      siteId,
    )
  ) {
    if (kind === 0 && n !== bySession.get(id)) sessions.push(id);
    if (kind === 1 && n !== byVisitor.get(id)) visitors.push(id);
  }
  if (sessions.length > 0 || visitors.length > 0) {
    const spill = db.allArrays<ViewRow>(
      sql.spill,
      siteId,
      ...bounds,
      JSON.stringify(sessions),
      JSON.stringify(visitors),
    );
    for (const v of spill) v[DAY] = localDayOf(zone, v[AT]);
    views.add(spill);
  }
  return { views, inDays };
}

/** Each view's value ids (SOURCE_AT, then 1 + i for AGGREGATE_DIMENSIONS[i], then
 * 1 + ROW_DIMS + j for EXCLUDING_DIMENSIONS[j], -1 where it leaves the view out): a view's values
 * are split once per distinct string; one holding UNIT is read apart. */
function valueIds(db: Database, rows: readonly ViewRow[], values: Values<number>): Int32Array[] {
  const known = new Map<string, Int32Array>();
  const dims = [SOURCE_DIM, ...AGGREGATE_DIMENSIONS.map((_, i) => i + 1)];
  return rows.map((v) => {
    let ids = known.get(v[PACKED]);
    if (!ids) {
      const parts = v[PACKED].split(UNIT);
      const apart = parts.length !== dims.length;
      const own = apart ? db.allArrays<string[]>(viewStatements().values, v[ID])[0] : parts;
      ids = new Int32Array(1 + VIEW_DIMS);
      dims.forEach((dim, i) => ids![i] = values.id(dim, own[i]));
      EXCLUDING.forEach((e, j) => {
        ids![1 + ROW_DIMS + j] = e.values.has(own[e.other])
          ? -1
          : values.id(1 + ROW_DIMS + j, own[e.own]);
      });
      if (!apart) known.set(v[PACKED], ids);
    }
    return ids;
  });
}

const DAY_MS = 86_400_000;
const before = (a: ViewRow, b: ViewRow) => a[AT] < b[AT] || (a[AT] === b[AT] && a[ID] < b[ID]);

/** The views and sessions rows of a site's days [fromDay, toDay) (see ./aggregates.ts). */
function tallyDays(db: Database, siteId: string, fromDay: string, toDay: string) {
  const { views, inDays } = readViews(db, siteId, fromDay, toDay);
  const { rows } = views;
  const values = new Values<number>();
  const ids = valueIds(db, rows, values);
  // Every value id before counting: the totals', the pages' as entry and exit pages (paths are
  // never null: the page dimension's value is the path), no session's.
  const total = values.id(0, "");
  const page = 1 +
    AGGREGATE_DIMENSIONS.findIndex((d) => d.from.kind === "field" && d.from.field === "page");
  const fields = SESSION_AGGREGATE_DIMENSIONS.map((d) =>
    d.from.kind === "field" ? d.from.field : ""
  );
  const asPage = fields.map((field, i) => {
    if (field === "source") return null;
    const out = new Int32Array(values.value.length);
    values.dim.forEach((dim, id) => {
      if (dim === page) out[id] = values.id(SESSION_BASE + i, values.value[id]);
    });
    return { out, exit: field === "exit_page" };
  });
  const noSession = SESSION_AGGREGATE_DIMENSIONS.map((spec, i) =>
    values.id(SESSION_BASE + i, spec.empty)
  );
  const visitDays = values.id(VISIT_DAYS_DIM, "");
  const counts = new Counts(values.value.length);
  // Every session's entry page, exit page and source; the sessions starting on the days count
  // their visits, bounces, views and length per value (the day it first appears: `late`).
  const once = new Int32Array(values.value.length);
  let stamp = 0;
  const countSession = (s: Session) => {
    const list = s.views;
    let entry = list[0], exit = entry;
    for (let k = 1; k < list.length; k++) {
      const i = list[k];
      if (before(rows[i], rows[entry])) entry = i;
      if (before(rows[exit], rows[i])) exit = i;
    }
    s.keys = asPage.map((as) =>
      as ? as.out[ids[as.exit ? exit : entry][page]] : ids[entry][SOURCE_AT]
    );
    const day = rows[entry][DAY];
    if (day < fromDay || day >= toDay) return;
    const n = list.length, bounce = n === 1 ? 1 : 0;
    const duration = Date.parse(rows[exit][AT]) - Date.parse(rows[entry][AT]);
    const bot = rows[entry][BOT];
    const g = counts.group(day, bot, 0);
    const tally = (group: Float64Array, id: number) => {
      const at = id * 6;
      group[at + 2]++;
      group[at + 3] += bounce;
      group[at + 4] += n;
      group[at + 5] += duration;
    };
    tally(g, total);
    for (const id of s.keys) tally(g, id);
    if (rows[exit][DAY] === day) {
      // Within its first day (most sessions): each value once, `late` 0.
      stamp++;
      for (const i of list) {
        const own = ids[i];
        for (let d = 1; d <= ROW_DIMS; d++) {
          const id = own[d];
          if (once[id] === stamp) continue;
          once[id] = stamp;
          tally(g, id);
        }
      }
      return;
    }
    const firstDay = new Map<number, string>();
    const viewDays = new Set<string>();
    for (const i of list) {
      const vday = rows[i][DAY];
      viewDays.add(vday);
      for (let d = 1; d <= ROW_DIMS; d++) {
        const id = ids[i][d];
        const known = firstDay.get(id);
        if (known === undefined || vday < known) firstDay.set(id, vday);
      }
    }
    const start = Date.parse(`${day}T00:00:00Z`);
    const lateBy = (vday: string) =>
      vday === day ? 0 : Math.round((Date.parse(`${vday}T00:00:00Z`) - start) / DAY_MS);
    for (const [id, vday] of firstDay) {
      const late = lateBy(vday);
      tally(late ? counts.group(day, bot, late) : g, id);
    }
    // Its later days with a view (VISIT_DAYS).
    for (const vday of viewDays) {
      if (vday !== day) tally(counts.group(day, bot, lateBy(vday)), visitDays);
    }
  };
  for (const side of views.sides) {
    for (const map of side) for (const s of map.values()) countSession(s);
  }
  // The views of the days (the first `inDays` rows), per visitor-day: page views and distinct
  // visitors per value, of their own fields and their session's; and (side 2 + b) page views under
  // the same key's session on the other side.
  const byDay = new Map<string, Map<string, number[]>[]>();
  for (let i = 0; i < inDays; i++) {
    const v = rows[i];
    let sides = byDay.get(v[DAY]);
    if (!sides) byDay.set(v[DAY], sides = [new Map(), new Map()]);
    const visitors = sides[v[BOT]];
    const list = visitors.get(v[VISITOR]);
    if (list) list.push(i);
    else visitors.set(v[VISITOR], [i]);
  }
  const seen = once;
  const countVisitorDay = (list: number[]) => {
    stamp++;
    const first = rows[list[0]];
    const g = counts.group(first[DAY], first[BOT], 0);
    const cross = counts.group(first[DAY], 2 + first[BOT], 0);
    const count = (id: number) => {
      g[id * 6]++;
      if (seen[id] !== stamp) {
        seen[id] = stamp;
        g[id * 6 + 1]++;
      }
    };
    for (const i of list) {
      const v = rows[i];
      const own = ids[i];
      count(total);
      for (let d = 1; d <= VIEW_DIMS; d++) if (own[d] >= 0) count(own[d]);
      for (const id of views.session(v[BOT], v)!.keys) count(id);
      for (const id of views.session(1 - v[BOT], v)?.keys ?? noSession) cross[id * 6]++;
    }
  };
  for (const sides of byDay.values()) {
    for (const visitors of sides) for (const list of visitors.values()) countVisitorDay(list);
  }
  return { values, counts };
}

const INSERT = `INSERT INTO day_aggregates (site_id, day, bot, late, dim, value, pageviews,
  visitors, visits, bounces, session_views, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/**
 * Recomputes a site's aggregates of the days [fromDay, toDay) (YYYY-MM-DD; local days of the
 * site's zone, ./local_day.ts) from the raw rows: their views and events, and the sessions whose
 * first view is on one of them. Clears those days from aggregate_dirty. Returns the views rows
 * written.
 */
export function rebuildAggregateDays(
  db: Database,
  siteId: string,
  fromDay: string,
  toDay: string,
): number {
  layout();
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
      for (let id = 0; id < counts.size; id++) {
        const row = rows.subarray(id * 6, id * 6 + 6);
        // A rebuilt row counts a view or a visit: none is all zero.
        if (row.every((c) => c === 0)) continue;
        insert.run(siteId, day, bot, late, KEYS[values.dim[id]], values.value[id], ...row);
        written++;
      }
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

/** An event as read: its time (null: one day is read, its day), its side · 2 + whether it is far from its
 * session's start, its session (the sessions table's rowid; null: none), its page and name
 * (EVENT_OWN_DIMENSIONS' order; null: `empty`), its properties (PROPS_SQL's list), and, of a
 * pageview_end, its scroll and engaged time (null: none). */
type EventRow = [
  string | null,
  number,
  number | null,
  string | null,
  string | null,
  string | null,
  number | null,
  number | null,
];

/** A session's fields the events take (EVENT_SESSION_DIMENSIONS), rendered, in one string. */
const sessionFieldsSql = () =>
  EVENT_SESSION_DIMENSIONS.map((spec) => `COALESCE(${sessionValue(spec)}, ${quote(spec.empty)})`);

let eventStatements: { events: string; oneDay: string; sessions: string; fields: string } | null =
  null;
function eventSql() {
  if (eventStatements) return eventStatements;
  const own = EVENT_OWN_DIMENSIONS.map((spec) =>
    spec.from.kind === "field" ? fieldColumn(spec.from.field, "event") : "NULL"
  );
  const fields = sessionFieldsSql();
  // The events (not excluded) of site ?1 in [?2, ?3) with their session (./aggregates_events.ts)
  // and their time (its local day: localDayOf); of one day, without it.
  const events = (at: string) =>
    `SELECT ${at}, ${KEPT_SIDE} * 2 + ${FAR_SQL}, s.rowid, ${own.join(", ")}, ${PROPS_SQL},
        CASE WHEN e.event_type = 'pageview_end' THEN e.scroll_pct END,
        CASE WHEN e.event_type = 'pageview_end' THEN e.engaged_ms END
      FROM semantic_events e ${SESSION_JOIN}
      WHERE e.site_id = ?1 AND e.created_at >= ?2 AND e.created_at < ?3 AND ${NOT_EXCLUDED}`;
  return eventStatements = {
    events: events("e.created_at"),
    oneDay: events("NULL"),
    // The fields of the sessions with rowids ?1, in one string each.
    sessions: `SELECT s.rowid, concat_ws(char(${UNIT.charCodeAt(0)}), ${fields.join(", ")})
      FROM sessions s WHERE s.rowid IN (SELECT value FROM json_each(?1))`,
    // One session's fields apart.
    fields: `SELECT ${fields.join(", ")} FROM sessions s WHERE s.rowid = ?`,
  };
}

/** The five counts of day_event_aggregates per (day, side) group, dimension and value. */
class EventCounts {
  readonly #groups = new Map<string, number>();
  readonly at: [string, number][] = [];
  readonly values = new Values<string>();
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
}

/** Counts an event (its scroll and engaged time, of a pageview_end) in `rows[id]`. */
function count(rows: number[][], id: number, scroll: number | null, engaged: number | null) {
  countIn(rows[id] ??= [0, 0, 0, 0, 0], scroll, engaged);
}

/** Counts an event in `row`. */
function countIn(row: number[], scroll: number | null, engaged: number | null) {
  row[0]++;
  if (scroll !== null) {
    row[1] += scroll;
    row[2]++;
  }
  if (engaged !== null) {
    row[3] += engaged;
    row[4]++;
  }
}

/** Adds the counts `from` (five) to `rows[id]`. */
function addTo(rows: number[][], id: number, from: readonly number[]): void {
  const row = rows[id] ??= [0, 0, 0, 0, 0];
  row[0] += from[0];
  row[1] += from[1];
  row[2] += from[2];
  row[3] += from[3];
  row[4] += from[4];
}

const INSERT_EVENTS = `INSERT INTO day_event_aggregates (site_id, dim, day, bot, value, events,
  scroll_sum, scroll_n, engaged_ms, engaged_n) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/** Recomputes a site's events rows of the days [fromDay, toDay) (local days of its zone; inside
 * the caller's transaction): per event its own dimensions and properties; per (day, side, session) the
 * session's fields (FAR for the events far from its start, each dimension's `empty` without
 * one). */
export function rebuildEventDays(db: Database, siteId: string, fromDay: string, toDay: string) {
  layout();
  db.run(
    "DELETE FROM day_event_aggregates WHERE site_id = ?1 AND day >= ?2 AND day < ?3",
    siteId,
    fromDay,
    toDay,
  );
  const sql = eventSql();
  const oneDay = toDay === nextDay(fromDay);
  const zone = storedZone(db, siteId);
  const events = db.allArrays<EventRow>(
    oneDay ? sql.oneDay : sql.events,
    siteId,
    ...dayBounds(zone, fromDay, toDay),
  );
  const counts = new EventCounts();
  const total = counts.values.id("", "");
  const [page, name] = EVENT_OWN_DIMENSIONS.map((d) => ({
    key: d.key,
    empty: d.empty,
    ids: counts.values.ids(d.key),
  }));
  const far = counts.values.id(FAR, "");
  // Per group, the events' counts per session (its rowid; NONE: none; FAR_AWAY: far from it).
  const NONE = -1, FAR_AWAY = -2;
  const bySession: Map<number, number[]>[] = [];
  for (const e of events) {
    const g = counts.group(e[0] === null ? fromDay : localDayOf(zone, e[0]), e[1] >> 1);
    const rows = counts.rows[g];
    const scroll = e[6], engaged = e[7];
    count(rows, total, scroll, engaged);
    count(rows, counts.values.id(page.key, e[3] ?? page.empty, page.ids), scroll, engaged);
    count(rows, counts.values.id(name.key, e[4] ?? name.empty, name.ids), scroll, engaged);
    if (e[5]) {
      for (const key of props(e[5])) {
        const cut = key.indexOf("\u0000");
        count(rows, counts.values.id(key.slice(0, cut), key.slice(cut + 1)), scroll, engaged);
      }
    }
    const key = e[1] & 1 ? FAR_AWAY : e[2] ?? NONE;
    const sessions = bySession[g] ??= new Map();
    let sum = sessions.get(key);
    if (!sum) sessions.set(key, sum = [0, 0, 0, 0, 0]);
    countIn(sum, scroll, engaged);
  }
  // Each session's fields, once (sessions share most: each string split once).
  const rowids = new Set<number>();
  for (const sessions of bySession) {
    if (sessions) { for (const key of sessions.keys()) if (key >= 0) rowids.add(key); }
  }
  const dims = EVENT_SESSION_DIMENSIONS.map((d) => ({ key: d.key, ids: counts.values.ids(d.key) }));
  const idsOf = (values: readonly string[]) =>
    Int32Array.from(dims, ({ key, ids }, i) => counts.values.id(key, values[i], ids));
  const noSession = idsOf(EVENT_SESSION_DIMENSIONS.map((d) => d.empty));
  const fields = new Map<number, Int32Array>();
  if (rowids.size > 0) {
    const known = new Map<string, Int32Array>();
    for (
      const [rowid, packed] of db.allArrays<[number, string]>(
        sql.sessions,
        JSON.stringify([...rowids]),
      )
    ) {
      let ids = known.get(packed);
      if (!ids) {
        const parts = packed.split(UNIT);
        const apart = parts.length !== dims.length;
        ids = idsOf(apart ? db.allArrays<string[]>(sql.fields, rowid)[0] : parts);
        if (!apart) known.set(packed, ids);
      }
      fields.set(rowid, ids);
    }
  }
  bySession.forEach((sessions, g) => {
    const rows = counts.rows[g];
    for (const [key, add] of sessions) {
      if (key === FAR_AWAY) addTo(rows, far, add);
      else for (const id of fields.get(key) ?? noSession) addTo(rows, id, add);
    }
  });
  const insert = db.statement(INSERT_EVENTS);
  counts.rows.forEach((rows, g) => {
    const [day, bot] = counts.at[g];
    rows.forEach((row, id) =>
      insert.run(siteId, counts.values.dim[id], day, bot, counts.values.value[id], ...row)
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
    // Local days: the first and last rows' days in the site's zone.
    const zone = storedZone(db, s.site_id);
    const [first, last] = [localDayOf(zone, s.first), localDayOf(zone, s.last)];
    for (let day = first; day <= last; day = nextDay(day)) {
      rows += rebuildAggregateDays(db, s.site_id, day, nextDay(day));
    }
  }
  db.run("DELETE FROM aggregate_dirty");
  return rows;
}
