// The raw rows every stat is computed from, and the dimensions the dashboard breaks them down by.
// Clean page views and events are copied into connection-local temp tables with one fixed column
// set; the rollup, the filtered (raw) overview and the live delta of today all aggregate those
// tables with the same dimension expressions, so the three can never disagree on a definition.
import type { Database, SqlParam } from "./database.ts";
import { notExcludedPredicate } from "./bots.ts";
import { BOT_SCORE_THRESHOLD, UNVERIFIED_REASON } from "./columns.ts";
import {
  FILTER_NAMES,
  OTHER_VALUE,
  type StatsFilters,
  VITAL_METRICS,
  VITAL_THRESHOLDS,
  type VitalMetric,
} from "../stats/terms.ts";

// The stats' terms are declared in lib/stats/terms.ts; the engine's callers read them here too.
export { FILTER_NAMES, OTHER_VALUE, type StatsFilters, VITAL_METRICS, VITAL_THRESHOLDS };
export { PLACE_SEPARATOR } from "../stats/terms.ts";
export type { VitalMetric };

/** A page view counts when its score is below the bot threshold and its visitor is not excluded. */
export function cleanView(alias = ""): string {
  return `${alias}bot_score < ${BOT_SCORE_THRESHOLD} AND ${
    notExcludedPredicate(`${alias}visitor_id`)
  }`;
}

/** Events from the batch API carry no visitor id: `NULL NOT IN (…)` would drop them. */
export function cleanEvent(alias = ""): string {
  return `${alias}bot_score < ${BOT_SCORE_THRESHOLD} AND (${alias}visitor_id IS NULL OR ${
    notExcludedPredicate(`${alias}visitor_id`)
  })`;
}

/** ISO timestamps are 24 characters (`2026-11-20T12:00:00.000Z`), so `created_at || path` sorts by
 * time and `substr(…, 25)` gives the path back: the entry and exit page in one aggregate pass. */
const STAMP_LENGTH = 24;

// ---------------------------------------------------------------------------------------------
// Temp tables (per connection). Two sets: requests (live delta, filtered overview) run start to
// finish synchronously on `stat_*`; a rollup build yields to the event loop between steps and
// keeps its rows in `build_*`, so a request in between never sees or clobbers them.

const VIEW_COLUMNS = `site_id TEXT, day TEXT, hour TEXT, visitor_id TEXT, sk TEXT, has_sid INTEGER,
  created_at TEXT,
  path TEXT, referrer_domain TEXT, referrer_type TEXT, utm_source TEXT, utm_medium TEXT,
  utm_campaign TEXT, country_code TEXT, region TEXT, city TEXT, device_type TEXT, os_name TEXT, browser_name TEXT,
  screen_width INTEGER, screen_height INTEGER, interaction_ms INTEGER, verified INTEGER`;
/** Views not counted (score ≥ the threshold), of visitors not excluded: unverified or excluded. */
const UNCOUNTED_COLUMNS = `site_id TEXT, day TEXT, visitor_id TEXT, unverified INTEGER`;
const EVENT_COLUMNS = `site_id TEXT, day TEXT, hour TEXT, vk TEXT, visitor_id TEXT,
  session_id TEXT, event_type TEXT, event_name TEXT, url TEXT, metric TEXT, num INTEGER,
  engaged_ms INTEGER, scroll_pct INTEGER`;

/** One set of temp tables: source rows, sessions and rollup-shaped outputs. */
export interface Scratch {
  views: string;
  priorViews: string;
  events: string;
  priorEvents: string;
  uncounted: string;
  priorUncounted: string;
  keys: string;
  sessions: string;
  daily: string;
  totals: string;
  hourly: string;
}

function scratch(prefix: string): Scratch {
  return {
    views: `temp.${prefix}_views`,
    priorViews: `temp.${prefix}_prior_views`,
    events: `temp.${prefix}_events`,
    priorEvents: `temp.${prefix}_prior_events`,
    uncounted: `temp.${prefix}_uncounted`,
    priorUncounted: `temp.${prefix}_prior_uncounted`,
    keys: `temp.${prefix}_keys`,
    sessions: `temp.${prefix}_sessions`,
    daily: `temp.${prefix}_daily`,
    totals: `temp.${prefix}_totals`,
    hourly: `temp.${prefix}_hourly`,
  };
}

export const REQUEST_SCRATCH: Scratch = scratch("stat");
export const BUILD_SCRATCH: Scratch = scratch("build");

function schema(s: Scratch): string {
  const bare = (name: string) => name.slice("temp.".length);
  return `
  CREATE TEMP TABLE IF NOT EXISTS ${bare(s.views)} (${VIEW_COLUMNS});
  CREATE TEMP TABLE IF NOT EXISTS ${bare(s.priorViews)} (${VIEW_COLUMNS});
  CREATE INDEX IF NOT EXISTS temp.idx_${bare(s.priorViews)} ON ${bare(s.priorViews)} (visitor_id);
  CREATE TEMP TABLE IF NOT EXISTS ${bare(s.events)} (${EVENT_COLUMNS});
  CREATE TEMP TABLE IF NOT EXISTS ${bare(s.priorEvents)} (${EVENT_COLUMNS});
  CREATE INDEX IF NOT EXISTS temp.idx_${bare(s.priorEvents)} ON ${bare(s.priorEvents)} (vk);
  CREATE TEMP TABLE IF NOT EXISTS ${bare(s.uncounted)} (${UNCOUNTED_COLUMNS});
  CREATE TEMP TABLE IF NOT EXISTS ${bare(s.priorUncounted)} (${UNCOUNTED_COLUMNS});
  CREATE INDEX IF NOT EXISTS temp.idx_${bare(s.priorUncounted)}
    ON ${bare(s.priorUncounted)} (visitor_id);
  CREATE TEMP TABLE IF NOT EXISTS ${bare(s.keys)} (n INTEGER PRIMARY KEY, site_id TEXT, sk TEXT,
    has_sid INTEGER);
  CREATE TEMP TABLE IF NOT EXISTS ${bare(s.sessions)} (site_id TEXT, day TEXT, sk TEXT,
    visitor_id TEXT, first_at TEXT, last_at TEXT, n INTEGER, entry TEXT, exit TEXT,
    duration_ms INTEGER);
  CREATE TEMP TABLE IF NOT EXISTS ${bare(s.daily)} (site_id TEXT NOT NULL,
    dimension TEXT NOT NULL, date TEXT NOT NULL, value TEXT NOT NULL,
    views INTEGER NOT NULL DEFAULT 0, visitors INTEGER NOT NULL DEFAULT 0,
    sessions INTEGER NOT NULL DEFAULT 0, bounces INTEGER NOT NULL DEFAULT 0,
    exits INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (site_id, dimension, date, value));
  CREATE TEMP TABLE IF NOT EXISTS ${bare(s.totals)} (site_id TEXT NOT NULL, date TEXT NOT NULL,
    views INTEGER NOT NULL DEFAULT 0, visitors INTEGER NOT NULL DEFAULT 0,
    sessions INTEGER NOT NULL DEFAULT 0, bounces INTEGER NOT NULL DEFAULT 0,
    session_views INTEGER NOT NULL DEFAULT 0, session_ms INTEGER NOT NULL DEFAULT 0,
    interaction_ms INTEGER NOT NULL DEFAULT 0, interaction_n INTEGER NOT NULL DEFAULT 0,
    events INTEGER NOT NULL DEFAULT 0, engaged_ms INTEGER NOT NULL DEFAULT 0,
    engaged_n INTEGER NOT NULL DEFAULT 0, scroll_pct INTEGER NOT NULL DEFAULT 0,
    scroll_n INTEGER NOT NULL DEFAULT 0, verified_visitors INTEGER NOT NULL DEFAULT 0,
    unverified_views INTEGER NOT NULL DEFAULT 0, unverified_visitors INTEGER NOT NULL DEFAULT 0,
    excluded_views INTEGER NOT NULL DEFAULT 0, excluded_visitors INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (site_id, date));
  CREATE TEMP TABLE IF NOT EXISTS ${bare(s.hourly)} (site_id TEXT NOT NULL, hour TEXT NOT NULL,
    views INTEGER NOT NULL DEFAULT 0, visitors INTEGER NOT NULL DEFAULT 0,
    events INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (site_id, hour));
`;
}

const prepared = new WeakMap<Database, Set<Scratch>>();

/** Creates a scratch set's temp tables once per connection and empties them. */
export function resetScratch(db: Database, s: Scratch): void {
  let done = prepared.get(db);
  if (!done) prepared.set(db, done = new Set());
  if (!done.has(s)) {
    db.exec(schema(s));
    done.add(s);
  }
  clearScratch(db, s);
}

/** Empties a scratch set (DELETE without WHERE truncates), freeing what a large build used. */
export function clearScratch(db: Database, s: Scratch): void {
  if (!prepared.get(db)?.has(s)) return;
  for (const table of Object.values(s)) db.run(`DELETE FROM ${table}`);
}

/** A WHERE fragment over visitor_views / semantic_events and its parameters. */
export interface Where {
  sql: string;
  params: SqlParam[];
}

/**
 * A counted view is *verified* when it came from the tracker with a valid proof of work (the
 * scoring rules then also required trusted interaction), as opposed to rows written otherwise.
 */
export const VERIFIED_VIEW = "pow_verdict IS 'valid'";

/** Copies the clean page views matching `where` into a temp view table. */
export function materializeViews(db: Database, table: string, where: Where): number {
  return db.run(
    `INSERT INTO ${table}
     SELECT site_id, substr(created_at, 1, 10), substr(created_at, 1, 13), visitor_id,
            COALESCE(session_id, visitor_id), session_id IS NOT NULL, created_at, path,
            referrer_domain, referrer_type,
            utm_source, utm_medium, utm_campaign, country_code, region, city, device_type, os_name,
            browser_name, screen_width, screen_height, interaction_ms, ${VERIFIED_VIEW}
     FROM visitor_views
     WHERE ${where.sql} AND ${cleanView()}`,
    ...where.params,
  ).changes;
}

/**
 * Copies the page views matching `where` that are not counted (score ≥ the threshold) into a
 * temp table, marked unverified when their stored reason is the missing interaction alone.
 * Visitors the admin excluded are left out here too: they are neither readers nor bots.
 */
export function materializeUncounted(db: Database, table: string, where: Where): number {
  return db.run(
    `INSERT INTO ${table}
     SELECT site_id, substr(created_at, 1, 10), visitor_id, bot_reason IS '${UNVERIFIED_REASON}'
     FROM visitor_views
     WHERE ${where.sql} AND bot_score >= ${BOT_SCORE_THRESHOLD} AND ${notExcludedPredicate()}`,
    ...where.params,
  ).changes;
}

const JSON_DATA = "json_valid(data) AND json_type(data) = 'object'";

/** Copies the clean events matching `where` into a temp event table, with the link URL and the
 * web-vital metric and value taken out of their JSON once. */
export function materializeEvents(db: Database, table: string, where: Where): number {
  return db.run(
    `INSERT INTO ${table}
     SELECT site_id, substr(created_at, 1, 10), substr(created_at, 1, 13),
            COALESCE(visitor_id, session_id), visitor_id, session_id, event_type, event_name,
            CASE WHEN event_type IN ('outbound', 'download') AND ${JSON_DATA}
              THEN substr(CAST(COALESCE(json_extract(data, '$.url'), json_extract(data, '$.file'))
                AS TEXT), 1, 512) END,
            CASE WHEN event_type = 'web_vital' AND ${JSON_DATA}
              THEN json_extract(data, '$.metric') END,
            CASE WHEN event_type = 'web_vital' AND ${JSON_DATA}
              AND json_type(data, '$.value') IN ('integer', 'real')
              THEN CAST(round(json_extract(data, '$.value')) AS INTEGER) END,
            engaged_ms, scroll_pct
     FROM semantic_events
     WHERE ${where.sql} AND ${cleanEvent()}`,
    ...where.params,
  ).changes;
}

/** Numbers the distinct (site, session key) pairs of the scratch views, for chunked work. */
export function collectSessionKeys(db: Database, s: Scratch): number {
  db.run(`DELETE FROM ${s.keys}`);
  return db.run(
    `INSERT INTO ${s.keys} (site_id, sk, has_sid)
     SELECT DISTINCT site_id, sk, has_sid FROM ${s.views} ORDER BY site_id, sk`,
  ).changes;
}

/**
 * Sessions (one tab's `session_id`, else the visitor id) among the numbered keys [fromKey,
 * toKey) whose first clean view in [windowFrom, windowTo) falls in [from, to): a visit that
 * crosses midnight is one session of the day it started, with every later view (up to windowTo)
 * in its page count and exit page. `extra` narrows the views considered (a build's watermark).
 */
export function materializeSessions(
  db: Database,
  s: Scratch,
  range: {
    from: string;
    to: string;
    windowFrom: string;
    windowTo: string;
    fromKey: number;
    toKey: number;
    extra?: Where;
  },
): number {
  const extra = range.extra ? `AND ${range.extra.sql}` : "";
  const extraParams = range.extra?.params ?? [];
  const keys = (sid: number) =>
    `(SELECT site_id, sk FROM ${s.keys} WHERE n >= ? AND n < ? AND has_sid = ${sid}) k`;
  // `+` keeps SQLite on the session and visitor indexes: without ANALYZE statistics (a fresh
  // database) it preferred (site_id, created_at) and scanned the whole window once per session.
  // CROSS JOIN fixes the order (keys outside): with statistics it could scan the whole table.
  const window = `+v.site_id = k.site_id AND +v.created_at >= ? AND +v.created_at < ?
    AND ${cleanView("v.")} ${extra}`;
  const args = [range.fromKey, range.toKey, range.windowFrom, range.windowTo, ...extraParams];
  return db.run(
    `INSERT INTO ${s.sessions}
     SELECT site_id, substr(first_at, 1, 10), sk, visitor_id, first_at, last_at, n, entry, exit,
            CAST(round((julianday(last_at) - julianday(first_at)) * 86400000) AS INTEGER)
     FROM (
       SELECT site_id, sk, MIN(visitor_id) AS visitor_id, MIN(created_at) AS first_at,
              MAX(created_at) AS last_at, COUNT(*) AS n,
              substr(MIN(created_at || path), ${STAMP_LENGTH + 1}) AS entry,
              substr(MAX(created_at || path), ${STAMP_LENGTH + 1}) AS exit
       FROM (
         SELECT k.site_id, k.sk, v.visitor_id, v.created_at, v.path
         FROM ${keys(1)} CROSS JOIN visitor_views v ON v.session_id = k.sk
         WHERE ${window}
         UNION ALL
         SELECT k.site_id, k.sk, v.visitor_id, v.created_at, v.path
         FROM ${keys(0)} CROSS JOIN visitor_views v
           ON v.visitor_id = k.sk AND v.session_id IS NULL
         WHERE ${window}
       )
       GROUP BY site_id, sk
     )
     WHERE first_at >= ? AND first_at < ?`,
    ...args,
    ...args,
    range.from,
    range.to,
  ).changes;
}

// ---------------------------------------------------------------------------------------------
// Dimensions

export interface Dimension {
  name: string;
  source: "views" | "events";
  /** The value, over the temp table's columns prefixed with `a` (an alias and a dot, or ""). */
  value: (a: string) => string;
  /** Which rows take part, over the same columns. */
  where?: (a: string) => string;
}

/** Web-vital values are kept in buckets of 1/32 of their power of two: exact below 64, within
 * 3.2 % above (HDR-histogram style), so per-day histograms merge exactly over any range. */
export const VITAL_SUB_BUCKET_BITS = 5;
export const MAX_VITAL_VALUE = 600_000;

function vitalBucket(column: string): string {
  const exactBelow = 1 << (VITAL_SUB_BUCKET_BITS + 1);
  const cases = [`WHEN ${column} < ${exactBelow} THEN ${column}`];
  for (let shift = 1, limit = exactBelow * 2; limit / 2 <= MAX_VITAL_VALUE; shift++, limit *= 2) {
    cases.push(`WHEN ${column} < ${limit} THEN (${column} >> ${shift}) << ${shift}`);
  }
  return `CASE ${cases.join(" ")} END`;
}

/** The bucket a web-vital value is stored under (the SQL above, for tests and readers). */
export function vitalBucketOf(value: number): number {
  const exactBelow = 1 << (VITAL_SUB_BUCKET_BITS + 1);
  if (value < exactBelow) return value;
  const shift = Math.floor(Math.log2(value)) - VITAL_SUB_BUCKET_BITS;
  return Math.floor(value / 2 ** shift) * 2 ** shift;
}

const validVital = (a: string) =>
  `${a}event_type = 'web_vital' AND ${a}num BETWEEN 0 AND ${MAX_VITAL_VALUE}`;

function vitalRating(a: string): string {
  const cases = VITAL_METRICS.map((m) => {
    const [good, poor] = VITAL_THRESHOLDS[m];
    return `WHEN '${m}' THEN '${m}:' || CASE WHEN ${a}num <= ${good} THEN 'good'
      WHEN ${a}num <= ${poor} THEN 'needs_improvement' ELSE 'poor' END`;
  });
  return `CASE ${a}metric ${cases.join(" ")} END`;
}

/** Screen width classes (Bootstrap's breakpoints): a coarse, low-cardinality screen breakdown. */
const SCREEN_CLASS = (a: string) =>
  `CASE WHEN ${a}screen_width < 576 THEN 'xs' WHEN ${a}screen_width < 768 THEN 'sm'
    WHEN ${a}screen_width < 992 THEN 'md' WHEN ${a}screen_width < 1200 THEN 'lg'
    WHEN ${a}screen_width < 1920 THEN 'xl' ELSE 'xxl' END`;

export const UNKNOWN = "unknown";
const PLACE_SEPARATOR_SQL = "char(31)";
export const VIEW_DIMENSIONS: readonly Dimension[] = [
  { name: "path", source: "views", value: (a) => `${a}path` },
  {
    name: "referrer_domain",
    source: "views",
    value: (a) => `${a}referrer_domain`,
    where: (a) => `${a}referrer_type IS NOT 'internal'`,
  },
  {
    name: "referrer_type",
    source: "views",
    value: (a) => `COALESCE(${a}referrer_type, 'direct_or_unknown')`,
  },
  { name: "utm_source", source: "views", value: (a) => `${a}utm_source` },
  { name: "utm_medium", source: "views", value: (a) => `${a}utm_medium` },
  { name: "utm_campaign", source: "views", value: (a) => `${a}utm_campaign` },
  { name: "country", source: "views", value: (a) => `COALESCE(${a}country_code, '${UNKNOWN}')` },
  {
    // Region and city values carry their country (and the city its region), since names repeat
    // across countries; PLACE_SEPARATOR joins the parts and the overview splits them again.
    name: "region",
    source: "views",
    value: (a) => `${a}country_code || ${PLACE_SEPARATOR_SQL} || ${a}region`,
    where: (a) => `${a}region IS NOT NULL AND ${a}country_code IS NOT NULL`,
  },
  {
    name: "city",
    source: "views",
    value: (a) =>
      `${a}country_code || ${PLACE_SEPARATOR_SQL} || COALESCE(${a}region, '') || ${PLACE_SEPARATOR_SQL} || ${a}city`,
    where: (a) => `${a}city IS NOT NULL AND ${a}country_code IS NOT NULL`,
  },
  { name: "device", source: "views", value: (a) => `COALESCE(${a}device_type, '${UNKNOWN}')` },
  { name: "os", source: "views", value: (a) => `COALESCE(${a}os_name, '${UNKNOWN}')` },
  { name: "browser", source: "views", value: (a) => `COALESCE(${a}browser_name, '${UNKNOWN}')` },
  {
    name: "resolution",
    source: "views",
    value: (a) => `${a}screen_width || 'x' || ${a}screen_height`,
    where: (a) => `${a}screen_width > 0 AND ${a}screen_height > 0`,
  },
  {
    name: "screen_class",
    source: "views",
    value: SCREEN_CLASS,
    where: (a) => `${a}screen_width > 0`,
  },
];

export const EVENT_DIMENSIONS: readonly Dimension[] = [
  { name: "event_type", source: "events", value: (a) => `${a}event_type` },
  {
    name: "event_name",
    source: "events",
    value: (a) => `${a}event_name`,
    where: (a) => `${a}event_type = 'custom'`,
  },
  {
    name: "outbound",
    source: "events",
    value: (a) => `${a}url`,
    where: (a) => `${a}event_type = 'outbound'`,
  },
  {
    name: "download",
    source: "events",
    value: (a) => `${a}url`,
    where: (a) => `${a}event_type = 'download'`,
  },
  {
    // Scroll depth of finished page views in quarters: 0, 25, 50, 75, 100.
    name: "scroll",
    source: "events",
    value: (a) => `(${a}scroll_pct / 25) * 25`,
    where: (a) => `${a}event_type = 'pageview_end'`,
  },
  ...VITAL_METRICS.map((metric): Dimension => ({
    name: `vital_${metric.toLowerCase()}`,
    source: "events",
    value: (a) => vitalBucket(`${a}num`),
    where: (a) => `${validVital(a)} AND ${a}metric = '${metric}'`,
  })),
  {
    name: "vital_rating",
    source: "events",
    value: vitalRating,
    where: (a) => `${validVital(a)} AND ${a}metric IN (${VITAL_METRICS.map((m) => `'${m}'`)})`,
  },
];

/** Every stored dimension. Entry and exit pages live on the `path` rows: `sessions` entering
 * there, their `bounces`, and `exits` (one scan answers all three page lists). */
export const ALL_DIMENSIONS: readonly string[] = [
  ...VIEW_DIMENSIONS.map((d) => d.name),
  ...EVENT_DIMENSIONS.map((d) => d.name),
];

// ---------------------------------------------------------------------------------------------
// Filters (overview `path`, `referrer`, …, lib/stats/terms.ts): which views match. Event figures
// of a filtered query count the events of visitors that have a matching view.

/** `referrer=direct`, `country=unknown` and `device=unknown` select the rows without a value. */
const NULL_VALUES: Partial<Record<keyof StatsFilters, string>> = {
  referrer: "direct",
  country: UNKNOWN,
  device: UNKNOWN,
};

const FILTER_COLUMNS: Record<keyof StatsFilters, string> = {
  path: "path",
  path_contains: "path",
  referrer: "referrer_domain",
  country: "country_code",
  device: "device_type",
  utm_source: "utm_source",
  utm_medium: "utm_medium",
  utm_campaign: "utm_campaign",
};

export function viewFilter(filters: StatsFilters): Where {
  const parts: string[] = [];
  const params: SqlParam[] = [];
  for (const name of FILTER_NAMES) {
    const value = filters[name];
    if (value === undefined) continue;
    const column = FILTER_COLUMNS[name];
    if (NULL_VALUES[name] === value) parts.push(`${column} IS NULL`);
    else if (name === "path_contains") {
      // instr(), not LIKE: the text is matched literally (no % or _ wildcards to escape).
      parts.push(`instr(${column}, ?) > 0`);
      params.push(value);
    } else {
      parts.push(`${column} = ?`);
      params.push(value);
    }
  }
  return { sql: parts.length ? parts.join(" AND ") : "1", params };
}
