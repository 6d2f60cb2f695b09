// Per-day aggregates (migrations 16 to 18): per (site, day, bot side, dimension, value) the
// page views, exact distinct visitors, and the visits, bounces, session views and session length
// of the sessions starting that day — kept exact by each written batch, in its transaction,
// like the sessions table (lib/db/session_table.ts). The query compiler reads them when a
// question allows (lib/db/query/aggregated.ts says which).
//
// A day is the site's local day (its time zone, migration 18; UTC when it has none:
// lib/db/local_day.ts): a row's day, a session's first day and a rebuilt day's instants are all
// in that zone, so a site outside UTC reads whole local days from here. Changing the zone re-keys
// the site (rekeySiteAggregates).
//
// What a row counts, for one bot side (score at or above BOT_SCORE_THRESHOLD or not) and the views
// of visitors not excluded:
// - dimension "" (value ""): every view; otherwise a row-level dimension of AGGREGATE_DIMENSIONS,
//   the value as the compiler renders it (null → the dimension's `empty`), or a session dimension
//   of SESSION_AGGREGATE_DIMENSIONS (migration 17: entry page, exit page, source), the value of
//   the view's session (one side: its entry view's, or its exit view's page).
// - pageviews: views of that day with the value; visitors: distinct visitor ids among them
//   (days add up: the query engine counts a visitor once per day of the zone too). A view
//   counts its visitor when no view with a smaller id has the same (site, visitor, day, side,
//   value): writing more views never moves that view.
// - visits, bounces, session_views, duration_ms: the sessions (one tab's session_id, else the
//   visitor id, one side) whose first view is that day and with a view of the value; `late` is
//   how many days after the first one the value first appears (a range ending before it does not
//   see the value), 0 for views.
//
// - bot side 2 + b, session dimensions only: page views of side b under the same key's session on
//   the other side (none: the dimension's `empty`): a report of one side (the bots family) joins
//   every view to that side's session.
//
// A batch adds its views' rows and, for each session it touches, takes away what the session
// counted before the batch (its views with smaller ids) and adds what it counts now: exact for
// batches in any order and sessions spanning batches. The session dimensions of page views change
// with their session (a later view moves its exit page, an earlier one its entry): per visitor and
// day touched (a view of the batch, or of a session whose values the batch changed) the batch
// takes away what its views counted before and adds what they count now. Events: see
// ./aggregates_events.ts (a batch moving a session's entry view moves its events).
//
// Anything else that changes raw rows (a purge, a rescoring, an exclusion or its removal) marks
// the (site, day)s it touches in aggregate_dirty by trigger — the row's day and the days either
// side (where its sessions start, before and after); for a site outside UTC one more each side,
// as the trigger knows the UTC date only (migration 18) — and so does the sessions table's rebuild
// for the days of the sessions it rebuilds and of their events; readers skip dirty days until
// rebuildDirtyAggregates recomputes them from the raw rows (./aggregates_rebuild.ts; called where
// the sessions table is rebuilt, and by the writer thread).
import type { Database } from "./database.ts";
import { BOT_SCORE_THRESHOLD } from "./columns.ts";
import { notExcludedPredicate } from "./bots.ts";
import { fieldColumn, sourceSql } from "./query/fields.ts";
import { DIMENSIONS, type DimensionSpec } from "../query/dimensions.ts";
import { type MovedSession, moveSessionEvents } from "./aggregates_events.ts";
import { localDayOf, storedZone, zonedDays } from "./local_day.ts";
import { addLocalDays } from "../query/time_zone.ts";

export { upsertEventAggregates } from "./aggregates_events.ts";

/** The dimensions kept per day: a view's own fields, whose value never changes once written. */
export const AGGREGATE_DIMENSIONS: readonly DimensionSpec[] = DIMENSIONS.filter((d) =>
  d.level === "row" && d.from.kind === "field" && !d.key.startsWith("bot:") &&
  d.key !== "event:name"
);

/** A list counting only the views whose `other` field is none of `values` (the overview's
 * referrer list leaves internal referrers out: lib/query/dimensions.ts `exclude`), kept per day as
 * a dimension of its own, `key` (migration 18): page views and visitors only. */
export interface ExcludingDimension {
  key: string;
  spec: DimensionSpec;
  other: DimensionSpec;
  values: readonly string[];
}

export const EXCLUDING_DIMENSIONS: readonly ExcludingDimension[] = AGGREGATE_DIMENSIONS.flatMap(
  (spec) => {
    const exclude = spec.overview?.exclude;
    const other = exclude && AGGREGATE_DIMENSIONS.find((d) => d.key === exclude.dimension);
    if (!exclude || !other) return [];
    const key = `${spec.key}~not:${exclude.dimension}=${exclude.values.join(",")}`;
    return [{ key, spec, other, values: exclude.values }];
  },
);

/** The dimensions of a view's session kept per day (migration 17): entry page, exit page and
 * source. */
export const SESSION_AGGREGATE_DIMENSIONS: readonly DimensionSpec[] = DIMENSIONS.filter((d) =>
  d.level === "session"
);

const quote = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** The value of dimension `key` ("" for the totals) of a view aliased `alias`, rendered. */
function valueSql(spec: DimensionSpec | null, alias: string): string {
  if (!spec || spec.from.kind !== "field") return "''";
  return `COALESCE(${fieldColumn(spec.from.field, "view", alias)}, ${quote(spec.empty)})`;
}

/** A view as the aggregates read it: its keys and, per dimension ("" first), `index␀value`; its
 * page and its source (what its session takes from it). */
interface ViewFacts {
  id: number;
  site_id: string;
  visitor_id: string;
  session_id: string | null;
  sk: string;
  at: string;
  day: string;
  bot: number;
  keys: string[];
  path: string;
  src: string;
  /** `keys` but the excluding dimensions' (what its session counts). */
  visitKeys: string[];
  /** Its session (site, key, side), the same key's session on the other side, and its
   * visitor-day (site, visitor, day, side). */
  session: string;
  other: string;
  visitorDay: string;
}

const SEP = "\u0000";
/** The dimension of a session's later days (migration 18): per session, each day after its
 * first with a view, `late` days after it (value ""), its visits, bounces, views and length —
 * what the query engine counts for visits by day (a session on each day it has a view). */
export const VISIT_DAYS = "~days";
/** The dimensions of the views rows, by index: "" (every view), the row-level ones, the
 * excluding ones, then the session ones (SESSION_BASE on), then VISIT_DAYS. */
export const KEYS = [
  "",
  ...AGGREGATE_DIMENSIONS.map((d) => d.key),
  ...EXCLUDING_DIMENSIONS.map((d) => d.key),
  ...SESSION_AGGREGATE_DIMENSIONS.map((d) => d.key),
  VISIT_DAYS,
];
const VISIT_DAYS_KEY = `${KEYS.length - 1}${SEP}`;
/** The index in KEYS of the first session dimension. */
export const SESSION_BASE = AGGREGATE_DIMENSIONS.length + EXCLUDING_DIMENSIONS.length + 1;

/** An excluding dimension's value of the view `v`: none when its other field is excluded. */
const excludingSql = (d: ExcludingDimension) =>
  `CASE WHEN ${valueSql(d.other, "v")} IN (${d.values.map(quote).join(", ")}) THEN NULL ELSE ${
    valueSql(d.spec, "v")
  } END`;

/** The columns of a view's facts: its keys, then each dimension's rendered value (the excluding
 * dimensions' after: none for a view they leave out) in one JSON array (one column to convert
 * per row). */
const SOURCE = SESSION_AGGREGATE_DIMENSIONS.find((d) => d.key === "visit:source")!;
/** The source a view gives its session (when it is the entry view); null: SOURCE's `empty`. */
export const VIEW_SOURCE_SQL = sourceSql("v");
const FACTS = `v.id, v.site_id, v.visitor_id, v.session_id, v.created_at AS at, v.path,
  COALESCE(${VIEW_SOURCE_SQL}, ${quote(SOURCE.empty)}) AS src,
  CASE WHEN v.session_id IS NOT NULL THEN 's' || v.session_id ELSE 'v' || v.visitor_id END AS sk,
  v.bot_score >= ${BOT_SCORE_THRESHOLD} AS bot,
  json_array(${
  [
    ...AGGREGATE_DIMENSIONS.map((spec) => valueSql(spec, "v")),
    ...EXCLUDING_DIMENSIONS.map(excludingSql),
  ]
    .join(", ")
}) AS vals`;

interface FactRow {
  id: number;
  site_id: string;
  visitor_id: string;
  session_id?: string | null;
  at: string;
  sk: string;
  bot: number;
  vals: string;
  path: string;
  src: string;
}

/** `zone`: the site's stored zone (null: UTC), whose local days the rows are kept in. */
function facts(rows: FactRow[], zone: string | null): ViewFacts[] {
  // Views often share every value: their keys are built once (read only, shared).
  const known = new Map<string, { keys: string[]; visitKeys: string[] }>();
  return rows.map((r) => {
    let cached = known.get(r.vals);
    if (!cached) {
      const values = JSON.parse(r.vals) as (string | null)[];
      const all = values.flatMap((value, i) => value === null ? [] : [`${i + 1}${SEP}${value}`]);
      cached = {
        keys: [`0${SEP}`, ...all],
        visitKeys: [`0${SEP}`, ...all.filter((_, i) => i < AGGREGATE_DIMENSIONS.length)],
      };
      known.set(r.vals, cached);
    }
    const { keys, visitKeys } = cached;
    const day = localDayOf(zone, r.at);
    return {
      id: r.id,
      site_id: r.site_id,
      visitor_id: r.visitor_id,
      session_id: r.session_id ?? null,
      path: r.path,
      src: r.src,
      sk: r.sk,
      at: r.at,
      day,
      bot: r.bot,
      keys,
      visitKeys,
      session: `${r.site_id}${SEP}${r.sk}${SEP}${r.bot}`,
      other: `${r.site_id}${SEP}${r.sk}${SEP}${1 - r.bot}`,
      visitorDay: `${r.site_id}${SEP}${r.visitor_id}${SEP}${day}${SEP}${r.bot}`,
    };
  });
}

/** Every view (not excluded) of a site's visitors (?2) and sessions (?3), JSON lists: those of
 * the sessions once, when their visitor is not listed. */
export const RELATED_SQL = `SELECT ${FACTS} FROM visitor_views v
  WHERE v.visitor_id IN (SELECT value FROM json_each(?2)) AND v.site_id = ?1
    AND ${notExcludedPredicate("v.visitor_id")}
  UNION ALL
  SELECT ${FACTS} FROM visitor_views v
  WHERE v.session_id IN (SELECT value FROM json_each(?3)) AND v.session_id IS NOT NULL
    AND +v.site_id = ?1 AND v.visitor_id NOT IN (SELECT value FROM json_each(?2))
    AND ${notExcludedPredicate("v.visitor_id")}`;

const COUNTS = [
  "pageviews",
  "visitors",
  "visits",
  "bounces",
  "session_views",
  "duration_ms",
] as const;
const UPSERT = `INSERT INTO day_aggregates (site_id, day, bot, late, dim, value, ${
  COUNTS.join(", ")
}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (site_id, dim, day, bot, value, late) DO UPDATE SET ${
  COUNTS.map((c) => `${c} = ${c} + excluded.${c}`).join(", ")
}`;

/** Signed changes per (site, day, side, late) and `index␀value`, written at the end. */
class Deltas {
  readonly groups = new Map<string, { at: (string | number)[]; rows: Map<string, number[]> }>();
  group(site: string, day: string, bot: number, late: number): Map<string, number[]> {
    const k = `${site}${SEP}${day}${SEP}${bot}${SEP}${late}`;
    let g = this.groups.get(k);
    if (!g) this.groups.set(k, g = { at: [site, day, bot, late], rows: new Map() });
    return g.rows;
  }
  static row(rows: Map<string, number[]>, key: string): number[] {
    let row = rows.get(key);
    if (!row) rows.set(key, row = [0, 0, 0, 0, 0, 0]);
    return row;
  }
  write(db: Database): number {
    const stmt = db.statement(UPSERT);
    let n = 0;
    for (const { at, rows } of this.groups.values()) {
      for (const [key, counts] of rows) {
        if (counts.every((c) => c === 0)) continue;
        const cut = key.indexOf(SEP);
        stmt.run(...at, KEYS[Number(key.slice(0, cut))], key.slice(cut + 1), ...counts);
        n++;
      }
    }
    return n;
  }
}

const groupBy = <T>(list: T[], key: (t: T) => string) => {
  const out = new Map<string, T[]>();
  for (const item of list) {
    const k = key(item);
    const group = out.get(k);
    if (group) group.push(item);
    else out.set(k, [item]);
  }
  return out;
};

/** The views rows of the views `counted` (among `days`: visitor-days): page views, and a visitor
 * per (day, side, value) at its view with the smallest id. */
function addViews(
  deltas: Deltas,
  days: Map<string, ViewFacts[]>,
  counted: (v: ViewFacts) => boolean,
) {
  for (const views of days.values()) {
    if (!views.some(counted)) continue;
    views.sort((a, b) => a.id - b.id);
    const seen = new Set<string>();
    let rows: Map<string, number[]> | null = null;
    for (const v of views) {
      const mine = counted(v);
      if (mine) rows ??= deltas.group(v.site_id, v.day, v.bot, 0);
      for (const key of v.keys) {
        const first = !seen.has(key);
        if (first) seen.add(key);
        if (mine) {
          const row = Deltas.row(rows!, key);
          row[0]++;
          if (first) row[1]++;
        }
      }
    }
  }
}

const DAY_MS = 86_400_000;

/** What a session of `views` (one side) counts, signed, when it starts where `starts` allows;
 * `keys`: its session dimensions' keys. */
function addSession(
  deltas: Deltas,
  views: ViewFacts[],
  keys: readonly string[],
  sign: number,
  starts: (day: string) => boolean,
) {
  if (views.length === 0) return;
  let first = views[0], last = views[0];
  for (const v of views) {
    if (v.at < first.at) first = v;
    if (v.at > last.at) last = v;
  }
  const day = first.day;
  if (!starts(day)) return;
  const n = views.length;
  const bounce = n === 1 ? sign : 0;
  const duration = sign * (Date.parse(last.at) - Date.parse(first.at));
  // Per `index␀value`: the first day it appears (the session's values: its first).
  const firstDay = new Map<string, string>(keys.map((key) => [key, day]));
  for (const v of views) {
    for (const key of v.visitKeys) {
      const known = firstDay.get(key);
      if (known === undefined || v.day < known) firstDay.set(key, v.day);
    }
  }
  const start = Date.parse(`${day}T00:00:00Z`);
  const sameDay = deltas.group(first.site_id, day, first.bot, 0);
  const lateBy = (vday: string) =>
    vday === day ? 0 : Math.round((Date.parse(`${vday}T00:00:00Z`) - start) / DAY_MS);
  const add = (late: number, key: string) => {
    const row = Deltas.row(late ? deltas.group(first.site_id, day, first.bot, late) : sameDay, key);
    row[2] += sign;
    row[3] += bounce;
    row[4] += sign * n;
    row[5] += duration;
  };
  for (const [key, vday] of firstDay) add(lateBy(vday), key);
  // Its later days with a view (VISIT_DAYS).
  for (const vday of new Set(views.map((v) => v.day))) {
    if (vday !== day) add(lateBy(vday), VISIT_DAYS_KEY);
  }
}

const before = (a: ViewFacts, b: ViewFacts) => a.at < b.at || (a.at === b.at && a.id < b.id);

/** A session's entry view (the earliest by time, then id), as the sessions table's. */
function entryOf(views: readonly ViewFacts[]): ViewFacts | null {
  let entry: ViewFacts | null = null;
  for (const v of views) if (!entry || before(v, entry)) entry = v;
  return entry;
}

/** The `index␀value` keys of a session of `views` (not empty), per session dimension. */
function sessionKeys(views: readonly ViewFacts[]): string[] {
  const entry = entryOf(views)!;
  let exit = entry;
  for (const v of views) if (before(exit, v)) exit = v;
  return SESSION_AGGREGATE_DIMENSIONS.map((spec, i) => {
    const field = spec.from.kind === "field" ? spec.from.field : "";
    const value = field === "exit_page"
      ? exit.path
      : field === "entry_page"
      ? entry.path
      : entry.src;
    return `${SESSION_BASE + i}${SEP}${value}`;
  });
}

/** The session dimensions' keys of a view without a session (their `empty`). */
const NO_SESSION = SESSION_AGGREGATE_DIMENSIONS.map((spec, i) =>
  `${SESSION_BASE + i}${SEP}${spec.empty}`
);

/** Page views and visitors of `views` (one visitor, day and side) under their session's keys
 * (`keysOf`); with `cross`, page views alone under the same key's session on the other side. */
function tally(
  rows: Map<string, number[]>,
  views: readonly ViewFacts[],
  keysOf: (session: string) => readonly string[] | undefined,
  sign: number,
  cross = false,
) {
  const seen = new Set<string>();
  for (const v of views) {
    for (const key of keysOf(cross ? v.other : v.session) ?? NO_SESSION) {
      const row = Deltas.row(rows, key);
      row[0] += sign;
      if (!cross && !seen.has(key)) {
        seen.add(key);
        row[1] += sign;
      }
    }
  }
}

/** The views of a batch (or of days being rebuilt) grouped by session and by visitor-day. */
interface Grouped {
  sessions: Map<string, ViewFacts[]>;
  days: Map<string, ViewFacts[]>;
}

const grouped = (all: ViewFacts[]): Grouped => ({
  sessions: groupBy(all, (v) => v.session),
  days: groupBy(all, (v) => v.visitorDay),
});

/**
 * The sessions rows of the sessions with a view `touched`, and the session dimensions of page
 * views: per visitor-day with a view `touched`, or with a view of a session whose values changed,
 * what its views count now. With `old` (the views before the batch), less what the sessions and
 * the views counted before, with the sessions as they were. Returns the sessions whose entry view
 * changed (their events move with them).
 */
function addSessions(
  deltas: Deltas,
  { sessions, days }: Grouped,
  touched: (v: ViewFacts) => boolean,
  old: ((v: ViewFacts) => boolean) | null,
  starts: (day: string) => boolean,
): MovedSession[] {
  const now = new Map<string, string[]>();
  const then = new Map<string, string[]>();
  const changed = new Set<string>();
  const moved: MovedSession[] = [];
  for (const [key, views] of sessions) {
    const keys = sessionKeys(views);
    now.set(key, keys);
    if (!views.some(touched)) {
      then.set(key, keys);
      continue;
    }
    addSession(deltas, views, keys, 1, starts);
    if (!old) continue;
    const earlier = views.filter(old);
    const was = earlier.length ? sessionKeys(earlier) : null;
    if (was) {
      then.set(key, was);
      addSession(deltas, earlier, was, -1, starts);
    }
    if (!was || was.some((k, i) => k !== keys[i])) changed.add(key);
    const entry = entryOf(views)!, oldEntry = entryOf(earlier);
    if (oldEntry?.id !== entry.id) {
      moved.push({
        site_id: entry.site_id,
        sk: entry.sk,
        bot: entry.bot,
        old_id: oldEntry?.id ?? null,
      });
    }
  }
  // Bot side 2 + b: the views of side b under the other side's session of their key (the bots
  // family: a report of one side joins every view to that side's session).
  const changes = (v: ViewFacts) => touched(v) || changed.has(v.session) || changed.has(v.other);
  for (const views of days.values()) {
    if (!views.some(changes)) continue;
    const { site_id, day, bot } = views[0];
    const rows = deltas.group(site_id, day, bot, 0);
    const cross = deltas.group(site_id, day, 2 + bot, 0);
    tally(rows, views, (s) => now.get(s), 1);
    tally(cross, views, (s) => now.get(s), 1, true);
    if (!old) continue;
    const earlier = views.filter(old);
    tally(rows, earlier, (s) => then.get(s), -1);
    tally(cross, earlier, (s) => then.get(s), -1, true);
  }
  return moved;
}

/** A site's views of `visitors` and of `sessions` (ids), those of the sessions once, in the
 * local days of `zone` (the site's). */
function load(
  db: Database,
  site: string,
  zone: string | null,
  visitors: string[],
  sessions: string[],
): ViewFacts[] {
  return facts(
    db.all<FactRow>(RELATED_SQL, site, JSON.stringify(visitors), JSON.stringify(sessions)),
    zone,
  );
}

/**
 * The views related to `seeds` (site, visitor, session): their visitors' and sessions'. With
 * `touched` (a batch's views), also every view of the visitors of the sessions touched (whose
 * values the batch may change), and of the sessions of the views read, until none is missing:
 * each visitor-day a batch changes is then read whole, with its sessions whole.
 */
function related(
  db: Database,
  seeds: FactRow[],
  touched: ((v: ViewFacts) => boolean) | null = null,
): ViewFacts[] {
  const out: ViewFacts[] = [];
  for (const [site, rows] of groupBy(seeds, (r) => r.site_id)) {
    const visitors = new Set(rows.map((r) => r.visitor_id));
    const sessions = new Set(
      rows.filter((r) => r.session_id != null).map((r) => r.session_id as string),
    );
    const ids = new Set<number>();
    const zone = storedZone(db, site);
    let views = load(db, site, zone, [...visitors], [...sessions]);
    // The views of the touched sessions (both sides of their keys) all come in the first round;
    // their visitors' other views, then the other views of those views' sessions, after.
    const keys = new Set<string>();
    if (touched) { for (const v of views) if (touched(v)) keys.add(v.session).add(v.other); }
    for (let round = 0; views.length > 0; round++) {
      const moreVisitors = new Set<string>();
      const moreSessions = new Set<string>();
      for (const v of views) {
        if (ids.has(v.id)) continue;
        ids.add(v.id);
        out.push(v);
        if (!touched) continue;
        if (keys.has(v.session) && !visitors.has(v.visitor_id)) moreVisitors.add(v.visitor_id);
        if (v.session_id !== null && !sessions.has(v.session_id)) moreSessions.add(v.session_id);
      }
      if (round === 8 || (moreVisitors.size === 0 && moreSessions.size === 0)) break;
      moreVisitors.forEach((x) => visitors.add(x));
      moreSessions.forEach((x) => sessions.add(x));
      views = load(db, site, zone, [...moreVisitors], [...moreSessions]);
    }
  }
  return out;
}

/**
 * A batch is kept current incrementally only while what it must read stays small: each batch reads
 * the whole visitor-day and session of every view it has. One client replaying hits under one
 * address and user agent (one cookieless visitor id all day) or one session id made every batch
 * dearer as the day went on (and past ~120k views such a batch was refused with the other
 * visitors' views); so did a load of returning visitors with hundreds of views each. A batch with
 * a visitor or session above MAX_INCREMENTAL_VIEWS stored views, or whose visitors' and sessions'
 * views add up to more than MAX_RELATED_PER_VIEW per view of the batch (and MAX_INCREMENTAL_VIEWS),
 * marks its days dirty instead; the writer rebuilds them whole, no more often than its rebuilds'
 * own cost allows (lib/db/write_worker.ts), and readers answer them from the raw rows meanwhile.
 */
export const MAX_INCREMENTAL_VIEWS = 2_000;
export const MAX_RELATED_PER_VIEW = 50;

/** Whether the batch of `views` views with these `seeds` is too dear to follow incrementally (at
 * most MAX_INCREMENTAL_VIEWS + 1 index entries read per visitor and session). */
function heavySeeds(db: Database, seeds: readonly FactRow[], views: number): boolean {
  const limit = MAX_INCREMENTAL_VIEWS + 1;
  const visitors = [...new Set(seeds.map((r) => JSON.stringify([r.site_id, r.visitor_id])))];
  const sessions = [
    ...new Set(seeds.filter((r) => r.session_id != null).map((r) => r.session_id as string)),
  ];
  const { most, total } = db.get<{ most: number; total: number }>(
    `SELECT COALESCE(MAX(n), 0) AS most, COALESCE(SUM(n), 0) AS total FROM (
       SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM visitor_views v
         WHERE v.visitor_id = json_extract(j.value, '$[1]')
           AND v.site_id = json_extract(j.value, '$[0]') LIMIT ?3)) AS n
       FROM json_each(?1) j
       UNION ALL
       SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM visitor_views v WHERE v.session_id = j.value
         LIMIT ?3)) FROM json_each(?2) j)`,
    `[${visitors.join(",")}]`,
    JSON.stringify(sessions),
    limit,
  )!;
  return most >= limit || total > Math.max(MAX_INCREMENTAL_VIEWS, MAX_RELATED_PER_VIEW * views);
}

/** Adds the views with ids in [firstId, lastId] to the aggregates (inside the batch's
 * transaction, after they are inserted and merged into the sessions table: ids are consecutive);
 * a batch too dear to follow so (heavySeeds) marks the days of its views (and the days either
 * side, where their sessions may start) dirty instead. */
export function upsertAggregates(db: Database, firstId: number, lastId: number): void {
  if (lastId < firstId) return;
  const seeds = db.all<FactRow>(
    `SELECT DISTINCT site_id, visitor_id, session_id FROM visitor_views
     WHERE id BETWEEN ?1 AND ?2 AND ${notExcludedPredicate()}`,
    firstId,
    lastId,
  );
  if (seeds.length === 0) return;
  if (heavySeeds(db, seeds, lastId - firstId + 1)) {
    const { dayOf, join } = zonedDays(db, "v.site_id");
    db.run(
      `INSERT OR IGNORE INTO aggregate_dirty (site_id, day)
       SELECT site_id, date(day, d.shift) FROM (
         SELECT DISTINCT v.site_id, ${dayOf("v.created_at")} AS day FROM visitor_views v ${join}
         WHERE v.id BETWEEN ?1 AND ?2
       ) CROSS JOIN (SELECT '-1 day' AS shift UNION ALL SELECT '+0 days' UNION ALL SELECT '+1 day') d`,
      firstId,
      lastId,
    );
    return;
  }
  const inBatch = (v: ViewFacts) => v.id >= firstId && v.id <= lastId;
  const all = related(db, seeds, inBatch);
  const deltas = new Deltas();
  const groups = grouped(all);
  addViews(deltas, groups.days, inBatch);
  const moved = addSessions(deltas, groups, inBatch, (v) => v.id < firstId, () => true);
  deltas.write(db);
  moveSessionEvents(db, moved);
}

/** Deletes a site's aggregates and dirty marks (its data is being deleted). */
export function deleteSiteAggregates(db: Database, siteId: string): void {
  for (const table of ["day_aggregates", "day_event_aggregates", "aggregate_dirty"]) {
    db.run(`DELETE FROM ${table} WHERE site_id = ?`, siteId);
  }
}

/**
 * Re-keys a site's aggregates after its time zone changed (in the change's transaction): deletes
 * them and marks dirty every day that may hold its rows in the new zone (the UTC dates of its
 * views and events and the days either side). The writer rebuilds them, the latest first; readers
 * answer those days from the raw rows meanwhile.
 */
export function rekeySiteAggregates(db: Database, siteId: string): void {
  deleteSiteAggregates(db, siteId);
  db.run(
    `INSERT OR IGNORE INTO aggregate_dirty (site_id, day)
     WITH days(day) AS (
       SELECT DISTINCT substr(created_at, 1, 10) FROM visitor_views WHERE site_id = ?1
       UNION SELECT DISTINCT substr(created_at, 1, 10) FROM semantic_events WHERE site_id = ?1
     )
     SELECT ?1, date(day, d.shift) FROM days
       CROSS JOIN (SELECT '-1 day' AS shift UNION ALL SELECT '+0 days' UNION ALL SELECT '+1 day') d`,
    siteId,
  );
}

/** Marks dirty the days of the sessions listed in `table` (site_id, sk), from the day before
 * the first to the last (at least the day after the first: the events within a day of it), and
 * the days of their events: a session a change cuts or rescores may start and end elsewhere
 * after it, which moves its views' session values and its events'. Call before and after. */
export function markSessionDaysDirty(db: Database, table: string): void {
  // Local days of each site's zone (lib/db/local_day.ts).
  const sessions = zonedDays(db, "s.site_id");
  const events = zonedDays(db, "e.site_id");
  const first = sessions.dayOf("s.first_at");
  const event = events.dayOf("e.created_at");
  db.run(`INSERT OR IGNORE INTO aggregate_dirty (site_id, day)
    WITH RECURSIVE span(site_id, day, last) AS (
      SELECT s.site_id, date(${first}, '-1 day'),
        max(${sessions.dayOf("s.last_at")}, date(${first}, '+1 day'))
      FROM ${table} t JOIN sessions s ON s.site_id = t.site_id AND s.sk = t.sk ${sessions.join}
      UNION ALL SELECT site_id, date(day, '+1 day'), last FROM span WHERE day < last
    )
    SELECT site_id, day FROM span
    UNION SELECT e.site_id, ${event} FROM ${table} t
      CROSS JOIN semantic_events e ON e.session_id = substr(t.sk, 2) AND e.site_id = t.site_id
      ${events.join}
      WHERE t.sk LIKE 's%'
    UNION SELECT e.site_id, ${event} FROM ${table} t
      CROSS JOIN semantic_events e ON e.visitor_id = substr(t.sk, 2) AND e.site_id = t.site_id
      ${events.join}
      WHERE t.sk LIKE 'v%' AND e.session_id IS NULL`);
}

/** The sites that may have views or events on their local day `day` (YYYY-MM-DD): those with
 * rows on the UTC days from the day before to the day after (a local day lies within them). */
export function sitesWithRowsOn(db: Database, day: string): string[] {
  return db.all<{ site_id: string }>(
    `SELECT site_id FROM visitor_views WHERE created_at >= ?1 AND created_at < ?2
     UNION SELECT site_id FROM semantic_events WHERE created_at >= ?1 AND created_at < ?2
     ORDER BY site_id`,
    `${addLocalDays(day, -1)}T`,
    `${addLocalDays(day, 2)}T`,
  ).map((r) => r.site_id);
}

export function nextDay(day: string): string {
  return addLocalDays(day, 1);
}
