// Rollups: per-day aggregates per site (docs/architecture.md, decision 7), written with INSERT …
// SELECT … GROUP BY from the clean rows of lib/db/stats_source.ts.
//
// A day is built in steps on temp tables — copy its rows in id chunks, its sessions in key chunks,
// then one aggregate per dimension — handing the event loop back between steps (node:sqlite is
// synchronous: one big statement would stall ingestion for seconds at 10M rows). The result
// replaces the stored day in one short transaction, so a build is idempotent and readers never
// see half a day. The build records its watermark: the last view and event id it included.
import { addDays } from "../days.ts";
import type { RollupDayResult } from "../store/rollups.ts";
import type { Database } from "./database.ts";
import {
  BUILD_SCRATCH,
  clearScratch,
  collectSessionKeys,
  type Dimension,
  EVENT_DIMENSIONS,
  materializeEvents,
  materializeSessions,
  materializeUncounted,
  materializeViews,
  OTHER_VALUE,
  resetScratch,
  type Scratch,
  VIEW_DIMENSIONS,
  type Where,
} from "./stats_source.ts";

export { addDays };

export const dayStart = (date: string) => `${date}T00:00:00.000Z`;

/** Where aggregates go: the stored rollups, or a scratch set's tables. */
export interface RollupTargets {
  daily: string;
  totals: string;
  /** Per-hour figures; only a full-day build keeps them. */
  hourly?: string;
}

export const ROLLUP_TABLES = {
  daily: "rollup_daily",
  totals: "rollup_daily_totals",
  hourly: "rollup_hourly",
} as const satisfies RollupTargets;

const DAILY_COLUMNS = "site_id, dimension, date, value, views, visitors, sessions, bounces, exits";
const TOTALS_COLUMNS = `site_id, date, views, visitors, sessions, bounces, session_views,
  session_ms, interaction_ms, interaction_n, events, engaged_ms, engaged_n, scroll_pct, scroll_n,
  verified_visitors, unverified_views, unverified_visitors, excluded_views, excluded_visitors`;
const HOURLY_COLUMNS = "site_id, hour, views, visitors, events";

function dimensionSelect(d: Dimension, table: string, visitor: string): string {
  const where = d.where ? `WHERE ${d.where("")}` : "";
  return `SELECT site_id, '${d.name}', day, value, COUNT(*), COUNT(DISTINCT ${visitor})
    FROM (SELECT site_id, day, ${visitor}, ${d.value("")} AS value FROM ${table} ${where})
    WHERE value IS NOT NULL
    GROUP BY site_id, day, value`;
}

/**
 * A part of the rollup figures: only the `dimensions` named, and no session figures (entry and
 * exit pages, sessions, bounces, durations) when `sessions` is false. The query engine's overview
 * (lib/stats/engine_overview.ts) asks the raw path for the figures it does not compute itself.
 */
export interface RollupPart {
  dimensions: ReadonlySet<string>;
  sessions: boolean;
}

/**
 * The statements that aggregate a scratch set's views, sessions and events into `targets`, per
 * site and UTC day, one per dimension (so a build can yield between them); all of them, or those
 * of `part`. Each returns the number of rows it wrote.
 */
export function aggregationSteps(
  s: Scratch,
  targets: RollupTargets,
  part?: RollupPart,
): ((db: Database) => number)[] {
  const insertDaily = `INSERT INTO ${targets.daily}
    (site_id, dimension, date, value, views, visitors)`;
  const steps: ((db: Database) => number)[] = [];
  const wanted = (d: Dimension) => !part || part.dimensions.has(d.name);
  for (const d of VIEW_DIMENSIONS.filter(wanted)) {
    steps.push((db) =>
      db.run(`${insertDaily} ${dimensionSelect(d, s.views, "visitor_id")}`).changes
    );
  }
  for (const d of EVENT_DIMENSIONS.filter(wanted)) {
    steps.push((db) => db.run(`${insertDaily} ${dimensionSelect(d, s.events, "vk")}`).changes);
  }
  const sessions = !part || part.sessions;
  // Entry and exit pages onto the path rows (a session's exit may be a page seen only the next
  // day, hence the upsert). The path step above runs first.
  if (sessions) {
    steps.push((db) =>
      db.run(
        `INSERT INTO ${targets.daily} (site_id, dimension, date, value, sessions, bounces)
       SELECT site_id, 'path', day, entry, COUNT(*), SUM(n = 1)
       FROM ${s.sessions} WHERE true GROUP BY site_id, day, entry
       ON CONFLICT (site_id, dimension, date, value) DO UPDATE
         SET sessions = excluded.sessions, bounces = excluded.bounces`,
      ).changes
    );
    steps.push((db) =>
      db.run(
        `INSERT INTO ${targets.daily} (site_id, dimension, date, value, exits)
       SELECT site_id, 'path', day, exit, COUNT(*)
       FROM ${s.sessions} WHERE true GROUP BY site_id, day, exit
       ON CONFLICT (site_id, dimension, date, value) DO UPDATE SET exits = excluded.exits`,
      ).changes
    );
  }
  steps.push((db) =>
    db.run(
      `INSERT INTO ${targets.totals}
         (site_id, date, views, visitors, interaction_ms, interaction_n, verified_visitors)
       SELECT site_id, day, COUNT(*), COUNT(DISTINCT visitor_id),
              COALESCE(SUM(CASE WHEN interaction_ms > 0 THEN interaction_ms END), 0),
              COUNT(CASE WHEN interaction_ms > 0 THEN 1 END),
              COUNT(DISTINCT CASE WHEN verified THEN visitor_id END)
       FROM ${s.views} GROUP BY site_id, day`,
    ).changes
  );
  // The views not counted: unverified (no trusted input) and excluded (everything else).
  steps.push((db) =>
    db.run(
      `INSERT INTO ${targets.totals} (site_id, date, unverified_views, unverified_visitors,
         excluded_views, excluded_visitors)
       SELECT site_id, day, SUM(unverified),
              COUNT(DISTINCT CASE WHEN unverified THEN visitor_id END),
              SUM(NOT unverified), COUNT(DISTINCT CASE WHEN NOT unverified THEN visitor_id END)
       FROM ${s.uncounted} WHERE true GROUP BY site_id, day
       ON CONFLICT (site_id, date) DO UPDATE SET unverified_views = excluded.unverified_views,
         unverified_visitors = excluded.unverified_visitors,
         excluded_views = excluded.excluded_views,
         excluded_visitors = excluded.excluded_visitors`,
    ).changes
  );
  // A session of a filtered query may start on a day without a matching view: upsert.
  if (sessions) {
    steps.push((db) =>
      db.run(
        `INSERT INTO ${targets.totals} (site_id, date, sessions, bounces, session_views, session_ms)
       SELECT site_id, day, COUNT(*), SUM(n = 1), SUM(n), SUM(duration_ms)
       FROM ${s.sessions} WHERE true GROUP BY site_id, day
       ON CONFLICT (site_id, date) DO UPDATE SET sessions = excluded.sessions,
         bounces = excluded.bounces, session_views = excluded.session_views,
         session_ms = excluded.session_ms`,
      ).changes
    );
  }
  steps.push((db) =>
    db.run(
      `INSERT INTO ${targets.totals}
         (site_id, date, events, engaged_ms, engaged_n, scroll_pct, scroll_n)
       SELECT site_id, day, COUNT(*),
              COALESCE(SUM(CASE WHEN event_type = 'pageview_end' THEN engaged_ms END), 0),
              COUNT(CASE WHEN event_type = 'pageview_end' THEN engaged_ms END),
              COALESCE(SUM(CASE WHEN event_type = 'pageview_end' THEN scroll_pct END), 0),
              COUNT(CASE WHEN event_type = 'pageview_end' THEN scroll_pct END)
       FROM ${s.events} WHERE true GROUP BY site_id, day
       ON CONFLICT (site_id, date) DO UPDATE SET events = excluded.events,
         engaged_ms = excluded.engaged_ms, engaged_n = excluded.engaged_n,
         scroll_pct = excluded.scroll_pct, scroll_n = excluded.scroll_n`,
    ).changes
  );
  if (targets.hourly) {
    const hourly = targets.hourly;
    steps.push((db) =>
      db.run(
        `INSERT INTO ${hourly} (site_id, hour, views, visitors)
         SELECT site_id, hour, COUNT(*), COUNT(DISTINCT visitor_id)
         FROM ${s.views} GROUP BY site_id, hour`,
      ).changes
    );
    steps.push((db) =>
      db.run(
        `INSERT INTO ${hourly} (site_id, hour, events)
         SELECT site_id, hour, COUNT(*) FROM ${s.events} WHERE true GROUP BY site_id, hour
         ON CONFLICT (site_id, hour) DO UPDATE SET events = excluded.events`,
      ).changes
    );
  }
  return steps;
}

/**
 * Fills a scratch set with the clean rows of one site in [from, to) (UTC days, `to` exclusive)
 * and their sessions, synchronously (the filtered overview): `views` narrows the page views.
 * Events are those of the visitors with a matching view (and batch-API events, which have no
 * visitor, of the sessions with one), found through the visitor and session indexes. Sessions
 * look one day back and one day past the range, so a visit crossing midnight is counted once.
 * Without `sessions` (a `RollupPart` that needs none) the sessions are not resolved.
 */
export function materializeRange(
  db: Database,
  s: Scratch,
  range: { siteId: string; from: string; to: string; views: Where },
  sessions = true,
): void {
  resetScratch(db, s);
  const from = dayStart(range.from);
  const to = dayStart(range.to);
  const views = {
    sql: `site_id = ? AND created_at >= ? AND created_at < ? AND ${range.views.sql}`,
    params: [range.siteId, from, to, ...range.views.params],
  };
  materializeViews(db, s.views, views);
  materializeUncounted(db, s.uncounted, views);
  if (sessions) {
    const keys = collectSessionKeys(db, s);
    materializeSessions(db, s, {
      from,
      to,
      windowFrom: dayStart(addDays(range.from, -1)),
      windowTo: dayStart(addDays(range.to, 1)),
      fromKey: 1,
      toKey: keys + 1,
    });
  }
  // `+created_at` keeps SQLite on the visitor and session indexes, not the site's whole range.
  const scope = "site_id = ? AND +created_at >= ? AND +created_at < ?";
  materializeEvents(db, s.events, {
    sql: `visitor_id IN (SELECT visitor_id FROM ${s.views}) AND ${scope}`,
    params: [range.siteId, from, to],
  });
  materializeEvents(db, s.events, {
    sql: `visitor_id IS NULL AND session_id IN (SELECT sk FROM ${s.views} WHERE has_sid = 1)
      AND ${scope}`,
    params: [range.siteId, from, to],
  });
}

export type { RollupDayResult } from "../store/rollups.ts";

export interface BuildOptions {
  /** Time stamped on the build (the clock of the services; tests freeze it). */
  builtAt: number;
  /** Awaited after each step with its duration: hand the event loop back (and maybe rest). */
  pause?: (stepMs: number) => Promise<void>;
  /** Raw rows copied per step. */
  chunkRows?: number;
  /** Sessions resolved per step. */
  chunkKeys?: number;
  /** Values kept per site, dimension and day (ECHELON_MAX_DAILY_VALUES); unbounded when absent. */
  maxValues?: number;
}

/**
 * Keeps at most `maxValues` values per site, dimension and day in a build's daily rows: the most
 * viewed (then the most entered, then by value); the others are summed into one "(other)" row,
 * so made-up paths, event names or referrers cannot grow the stored rollups without bound.
 * Views, sessions, bounces and exits add up exactly; the "(other)" row's visitors are the sum of
 * the folded rows' (a visitor of two folded values counts twice). Returns the rows removed.
 */
export function foldRareValues(db: Database, daily: string, maxValues: number): number {
  const over = db.get(
    `SELECT 1 FROM ${daily} GROUP BY site_id, dimension, date HAVING COUNT(*) > ? LIMIT 1`,
    maxValues,
  );
  if (over === undefined) return 0;
  const ranked = `SELECT rowid AS id, site_id, dimension, date, views, visitors, sessions, bounces,
      exits, ROW_NUMBER() OVER (PARTITION BY site_id, dimension, date
        ORDER BY views DESC, sessions DESC, value) AS position
    FROM ${daily} WHERE value <> '${OTHER_VALUE}'`;
  const before = db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${daily}`)!.n;
  db.run(
    `INSERT INTO ${daily} (${DAILY_COLUMNS})
     SELECT site_id, dimension, date, '${OTHER_VALUE}', SUM(views), SUM(visitors),
            SUM(sessions), SUM(bounces), SUM(exits)
     FROM (${ranked}) WHERE position > ? GROUP BY site_id, dimension, date
     ON CONFLICT (site_id, dimension, date, value) DO UPDATE SET
       views = views + excluded.views, visitors = visitors + excluded.visitors,
       sessions = sessions + excluded.sessions, bounces = bounces + excluded.bounces,
       exits = exits + excluded.exits`,
    maxValues,
  );
  // The ranking again: the rows it ranks are unchanged (the "(other)" rows are left out).
  db.run(
    `DELETE FROM ${daily} WHERE rowid IN (SELECT id FROM (${ranked}) WHERE position > ?)`,
    maxValues,
  );
  return before - db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${daily}`)!.n;
}

// Builds share one set of temp tables, so they run one at a time per connection; block builds
// queue behind them too, so a block never sums a day whose replacement is half done.
const buildQueues = new WeakMap<Database, Promise<unknown>>();

/** Runs `work` after every rollup build or block build already queued on this connection. */
export function serialized<T>(db: Database, work: () => Promise<T>): Promise<T> {
  const previous = buildQueues.get(db) ?? Promise.resolve();
  const next = previous.then(work, work);
  buildQueues.set(db, next.catch(() => {}));
  return next;
}

/**
 * Rebuilds the stored rollups of one UTC day for every site (idempotent: running it twice gives
 * the same rows). Only the final swap is a transaction over the stored tables.
 */
export function buildRollupDay(
  db: Database,
  date: string,
  options: BuildOptions,
): Promise<RollupDayResult> {
  return serialized(db, async () => {
    const s = BUILD_SCRATCH;
    const pause = options.pause ?? (() => Promise.resolve());
    const chunkRows = options.chunkRows ?? 20_000;
    const chunkKeys = options.chunkKeys ?? 5_000;
    const started = performance.now();
    let longest = 0;
    const step = async <T>(work: () => T): Promise<T> => {
      const t = performance.now();
      const result = work();
      const ms = performance.now() - t;
      longest = Math.max(longest, ms);
      await pause(ms);
      return result;
    };
    const from = dayStart(date);
    const to = dayStart(addDays(date, 1));
    try {
      const through = await step(() => {
        resetScratch(db, s);
        return db.get<{ v: number | null; e: number | null }>(
          `SELECT (SELECT MAX(id) FROM visitor_views) AS v,
                  (SELECT MAX(id) FROM semantic_events) AS e`,
        )!;
      });
      const hiView = through.v ?? 0;
      const hiEvent = through.e ?? 0;

      // The day's rows by id chunks (ids grow with time; `+created_at` keeps SQLite on the id).
      for (
        const [table, source, hi] of [["visitor_views", s.views, hiView], [
          "semantic_events",
          s.events,
          hiEvent,
        ]] as const
      ) {
        const span = await step(() =>
          db.get<{ lo: number | null; hi: number | null }>(
            `SELECT MIN(id) AS lo, MAX(id) AS hi FROM ${table}
             WHERE created_at >= ? AND created_at < ?`,
            from,
            to,
          )!
        );
        const last = Math.min(span.hi ?? 0, hi);
        for (let lo = span.lo ?? 1; span.lo !== null && lo <= last; lo += chunkRows) {
          const where = {
            sql: "id >= ? AND id < ? AND id <= ? AND +created_at >= ? AND +created_at < ?",
            params: [lo, lo + chunkRows, hi, from, to],
          };
          await step(() =>
            table === "visitor_views"
              ? materializeViews(db, source, where) + materializeUncounted(db, s.uncounted, where)
              : materializeEvents(db, source, where)
          );
        }
      }

      const keys = await step(() => collectSessionKeys(db, s));
      for (let k = 1; k <= keys; k += chunkKeys) {
        await step(() =>
          materializeSessions(db, s, {
            from,
            to,
            windowFrom: dayStart(addDays(date, -1)),
            windowTo: dayStart(addDays(date, 2)),
            fromKey: k,
            toKey: k + chunkKeys,
            // What the watermark covers: later rows of the day are the live delta's.
            extra: { sql: "(+v.id <= ? OR +v.created_at < ?)", params: [hiView, from] },
          })
        );
      }

      let rows = 0;
      for (const aggregate of aggregationSteps(s, s)) rows += await step(() => aggregate(db));
      const maxValues = options.maxValues;
      if (maxValues !== undefined) rows -= await step(() => foldRareValues(db, s.daily, maxValues));

      const ms = () => Math.round(performance.now() - started);
      await step(() =>
        db.transaction(() => {
          db.run("DELETE FROM rollup_daily WHERE date = ?", date);
          db.run("DELETE FROM rollup_daily_totals WHERE date = ?", date);
          db.run("DELETE FROM rollup_hourly WHERE hour >= ? AND hour < ?", date, addDays(date, 1));
          db.run(
            `INSERT INTO rollup_daily (${DAILY_COLUMNS}) SELECT ${DAILY_COLUMNS} FROM ${s.daily}`,
          );
          db.run(
            `INSERT INTO rollup_daily_totals (${TOTALS_COLUMNS})
             SELECT ${TOTALS_COLUMNS} FROM ${s.totals}`,
          );
          db.run(
            `INSERT INTO rollup_hourly (${HOURLY_COLUMNS}) SELECT ${HOURLY_COLUMNS} FROM ${s.hourly}`,
          );
          db.run(
            `INSERT INTO rollup_state
               (date, built_at, through_view_id, through_event_id, rows, build_ms)
             VALUES (?, ?, ?, ?, ?, ?)
             ON CONFLICT (date) DO UPDATE SET built_at = excluded.built_at,
               through_view_id = excluded.through_view_id,
               through_event_id = excluded.through_event_id, rows = excluded.rows,
               build_ms = excluded.build_ms, version = rollup_state.version + 1`,
            date,
            new Date(options.builtAt).toISOString(),
            hiView,
            hiEvent,
            rows,
            ms(),
          );
          db.run("DELETE FROM rollup_dirty WHERE date = ?", date);
        })
      );
      return {
        date,
        rows,
        throughViewId: hiView,
        throughEventId: hiEvent,
        ms: ms(),
        longestStepMs: Math.round(longest),
      };
    } finally {
      clearScratch(db, s);
    }
  });
}

export interface RollupState {
  date: string;
  built_at: string;
  through_view_id: number;
  through_event_id: number;
  rows: number;
  build_ms: number;
  /** Bumped by every build: what a cache of the day's figures is keyed by. */
  version: number;
}

export function rollupState(db: Database, date: string): RollupState | null {
  return db.get<RollupState>("SELECT * FROM rollup_state WHERE date = ?", date) ?? null;
}

/** Build states of the days in [from, to], by date. */
export function rollupStates(db: Database, from: string, to: string): Map<string, RollupState> {
  const rows = db.all<RollupState>(
    "SELECT * FROM rollup_state WHERE date >= ? AND date <= ? ORDER BY date",
    from,
    to,
  );
  return new Map(rows.map((row) => [row.date, row]));
}

/** The first UTC day holding raw views or events, or null for an empty database. */
export function oldestRawDay(db: Database): string | null {
  const row = db.get<{ d: string | null }>(
    `SELECT substr(MIN(d), 1, 10) AS d FROM (
       SELECT MIN(created_at) AS d FROM visitor_views
       UNION ALL SELECT MIN(created_at) FROM semantic_events)`,
  );
  return row?.d ?? null;
}

/** The first and last UTC day holding raw views or events of `siteId`, or null when none. */
export function siteRawDays(db: Database, siteId: string): { first: string; last: string } | null {
  const row = db.get<{ first: string | null; last: string | null }>(
    `SELECT substr(MIN(lo), 1, 10) AS first, substr(MAX(hi), 1, 10) AS last FROM (
       SELECT MIN(created_at) AS lo, MAX(created_at) AS hi FROM visitor_views WHERE site_id = ?
       UNION ALL
       SELECT MIN(created_at), MAX(created_at) FROM semantic_events WHERE site_id = ?)`,
    siteId,
    siteId,
  );
  return row?.first && row.last ? { first: row.first, last: row.last } : null;
}

export function markRollupDirty(db: Database, dates: Iterable<string>): void {
  const stmt = db.statement("INSERT OR IGNORE INTO rollup_dirty (date) VALUES (?)");
  db.transaction(() => {
    for (const date of dates) stmt.run(date);
  });
}

export function dirtyRollupDays(db: Database): string[] {
  return db.all<{ date: string }>("SELECT date FROM rollup_dirty ORDER BY date").map((r) => r.date);
}

/**
 * Visitors excluded or re-included since the last call, turned into the days they have views or
 * events on (those days' rollups must be rebuilt). The applied set is then brought up to date.
 */
export function takeExclusionChanges(db: Database): string[] {
  return db.transaction(() => {
    const changed = db.all<{ visitor_id: string }>(
      `SELECT visitor_id FROM (
         SELECT visitor_id FROM excluded_visitors
         EXCEPT SELECT visitor_id FROM rollup_exclusions_seen)
       UNION
       SELECT visitor_id FROM (
         SELECT visitor_id FROM rollup_exclusions_seen
         EXCEPT SELECT visitor_id FROM excluded_visitors)`,
    );
    if (changed.length === 0) return [];
    const ids = JSON.stringify(changed.map((r) => r.visitor_id));
    const days = db.all<{ d: string }>(
      `SELECT DISTINCT substr(created_at, 1, 10) AS d FROM visitor_views
       WHERE visitor_id IN (SELECT value FROM json_each(?))
       UNION
       SELECT DISTINCT substr(created_at, 1, 10) FROM semantic_events
       WHERE visitor_id IN (SELECT value FROM json_each(?))`,
      ids,
      ids,
    );
    db.run("DELETE FROM rollup_exclusions_seen");
    db.run("INSERT INTO rollup_exclusions_seen SELECT visitor_id FROM excluded_visitors");
    return days.map((r) => r.d);
  });
}

/** Deletes stored rollups of days before `date`; returns the rows removed. */
export function purgeRollupsBefore(db: Database, date: string): number {
  return db.transaction(() =>
    db.run("DELETE FROM rollup_daily WHERE date < ?", date).changes +
    db.run("DELETE FROM rollup_daily_totals WHERE date < ?", date).changes +
    db.run("DELETE FROM rollup_hourly WHERE hour < ?", date).changes +
    db.run("DELETE FROM rollup_state WHERE date < ?", date).changes +
    db.run("DELETE FROM rollup_dirty WHERE date < ?", date).changes +
    db.run(
      `DELETE FROM rollup_blocks WHERE block IN (
         SELECT block FROM rollup_block_state WHERE first_day < ?)`,
      date,
    ).changes +
    db.run("DELETE FROM rollup_block_state WHERE first_day < ?", date).changes
  );
}
