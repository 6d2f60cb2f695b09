// Live questions: what happened since a day's rollup was built (the delta above its watermark),
// the last minutes for the live dashboard, and who is on the site right now. Each reads a few
// hundred rows through the id or (site_id, created_at) indexes, never a whole day.
import type {
  ActiveDimension,
  ActiveRow,
  MinuteRow,
  NowCounts,
  RecentEvent,
  RecentVisitor,
  SiteWindow,
} from "../store/analytics.ts";
import type { Database } from "./database.ts";
import type { DayTotals, DimensionRow } from "./stats.ts";

export type {
  ActiveRow,
  MinuteRow,
  NowCounts,
  RecentEvent,
  RecentVisitor,
} from "../store/analytics.ts";
import { addDays } from "./rollups.ts";
import {
  cleanEvent,
  cleanView,
  type Dimension,
  EVENT_DIMENSIONS,
  materializeEvents,
  materializeUncounted,
  materializeViews,
  REQUEST_SCRATCH,
  resetScratch,
  VIEW_DIMENSIONS,
} from "./stats_source.ts";

/** The last view and event ids a day's rollup included (0 when the day has no rollup yet). */
export interface Watermark {
  viewId: number;
  eventId: number;
}

const dayStart = (date: string) => `${date}T00:00:00.000Z`;

const S = REQUEST_SCRATCH;

/**
 * Copies one site's clean rows of `day` above the watermark into the request scratch tables,
 * and the earlier rows of the same visitors that day into the `prior` tables, which decide
 * whether a visitor in the delta is new to a figure. The unary `+` keeps SQLite on the id range
 * (a few rows) and on the visitor index, never on (site_id, created_at) (the whole day).
 */
export function materializeDelta(
  db: Database,
  q: { siteId: string; day: string; through: Watermark },
): { views: number; events: number } {
  resetScratch(db, S);
  const from = dayStart(q.day);
  const to = dayStart(addDays(q.day, 1));
  const recent = "id > ? AND +site_id = ? AND +created_at >= ? AND +created_at < ?";
  const views = materializeViews(db, S.views, {
    sql: recent,
    params: [q.through.viewId, q.siteId, from, to],
  });
  if (views > 0) {
    materializeViews(db, S.priorViews, {
      sql: `visitor_id IN (SELECT visitor_id FROM ${S.views}) AND site_id = ?
        AND +created_at >= ? AND +created_at < ? AND +id <= ?`,
      params: [q.siteId, from, to, q.through.viewId],
    });
  }
  const uncounted = materializeUncounted(db, S.uncounted, {
    sql: recent,
    params: [q.through.viewId, q.siteId, from, to],
  });
  if (uncounted > 0) {
    materializeUncounted(db, S.priorUncounted, {
      sql: `visitor_id IN (SELECT visitor_id FROM ${S.uncounted}) AND site_id = ?
        AND +created_at >= ? AND +created_at < ? AND +id <= ?`,
      params: [q.siteId, from, to, q.through.viewId],
    });
  }
  const events = materializeEvents(db, S.events, {
    sql: recent,
    params: [q.through.eventId, q.siteId, from, to],
  });
  if (events > 0) {
    const earlier = "AND site_id = ? AND +created_at >= ? AND +created_at < ? AND +id <= ?";
    const params = [q.siteId, from, to, q.through.eventId];
    materializeEvents(db, S.priorEvents, {
      sql: `visitor_id IN (SELECT visitor_id FROM ${S.events}) ${earlier}`,
      params,
    });
    materializeEvents(db, S.priorEvents, {
      sql: `session_id IN (SELECT session_id FROM ${S.events} WHERE visitor_id IS NULL)
        AND visitor_id IS NULL ${earlier}`,
      params,
    });
  }
  return { views, events };
}

/** Totals of the materialized delta; visitor figures count only visitors new to them that day. */
export function deltaTotals(db: Database): Omit<DayTotals, "date"> {
  const views = db.get<
    Pick<DayTotals, "views" | "visitors" | "interaction_ms" | "interaction_n" | "verified_visitors">
  >(
    `SELECT COUNT(*) AS views,
            COUNT(DISTINCT CASE WHEN NOT EXISTS (
              SELECT 1 FROM ${S.priorViews} p WHERE p.visitor_id = d.visitor_id
            ) THEN d.visitor_id END) AS visitors,
            COUNT(DISTINCT CASE WHEN d.verified AND NOT EXISTS (
              SELECT 1 FROM ${S.priorViews} p WHERE p.visitor_id = d.visitor_id AND p.verified
            ) THEN d.visitor_id END) AS verified_visitors,
            COALESCE(SUM(CASE WHEN interaction_ms > 0 THEN interaction_ms END), 0)
              AS interaction_ms,
            COUNT(CASE WHEN interaction_ms > 0 THEN 1 END) AS interaction_n
     FROM ${S.views} d`,
  )!;
  const events = db.get<
    Pick<DayTotals, "events" | "engaged_ms" | "engaged_n" | "scroll_pct" | "scroll_n">
  >(
    `SELECT COUNT(*) AS events,
            COALESCE(SUM(CASE WHEN event_type = 'pageview_end' THEN engaged_ms END), 0)
              AS engaged_ms,
            COUNT(CASE WHEN event_type = 'pageview_end' THEN engaged_ms END) AS engaged_n,
            COALESCE(SUM(CASE WHEN event_type = 'pageview_end' THEN scroll_pct END), 0)
              AS scroll_pct,
            COUNT(CASE WHEN event_type = 'pageview_end' THEN scroll_pct END) AS scroll_n
     FROM ${S.events}`,
  )!;
  const newTo = (unverified: 0 | 1) =>
    `COUNT(DISTINCT CASE WHEN d.unverified = ${unverified} AND NOT EXISTS (
       SELECT 1 FROM ${S.priorUncounted} p
       WHERE p.visitor_id = d.visitor_id AND p.unverified = ${unverified}
     ) THEN d.visitor_id END)`;
  const uncounted = db.get<
    Pick<
      DayTotals,
      "unverified_views" | "unverified_visitors" | "excluded_views" | "excluded_visitors"
    >
  >(
    `SELECT COALESCE(SUM(unverified), 0) AS unverified_views,
            ${newTo(1)} AS unverified_visitors,
            COALESCE(SUM(NOT unverified), 0) AS excluded_views,
            ${newTo(0)} AS excluded_visitors
     FROM ${S.uncounted} d`,
  )!;
  return {
    ...views,
    ...events,
    ...uncounted,
    sessions: 0,
    bounces: 0,
    session_views: 0,
    session_ms: 0,
  };
}

function deltaDimension(db: Database, d: Dimension): DimensionRow[] {
  const [table, prior, visitor] = d.source === "views"
    ? [S.views, S.priorViews, "visitor_id"]
    : [S.events, S.priorEvents, "vk"];
  const where = d.where ? `WHERE ${d.where("")}` : "";
  const priorWhere = d.where ? `AND ${d.where("p.")}` : "";
  // Stored rollup values are TEXT (a numeric bucket such as scroll 75 is "75" there): the delta
  // answers in the same type, so merging by value adds the two instead of listing both.
  return db.all<DimensionRow>(
    `SELECT CAST(value AS TEXT) AS value, COUNT(*) AS views,
            COUNT(DISTINCT CASE WHEN NOT EXISTS (
              SELECT 1 FROM ${prior} p
              WHERE p.${visitor} = d.${visitor} AND ${d.value("p.")} IS d.value ${priorWhere}
            ) THEN d.${visitor} END) AS visitors,
            0 AS sessions, 0 AS bounces, 0 AS exits
     FROM (SELECT ${visitor}, ${d.value("")} AS value FROM ${table} ${where}) d
     WHERE value IS NOT NULL GROUP BY value`,
  );
}

/** Per-dimension figures of the materialized delta (views add up; visitors are new ones). */
export function deltaDimensions(
  db: Database,
  sizes: { views: number; events: number },
): Map<string, DimensionRow[]> {
  const result = new Map<string, DimensionRow[]>();
  for (const d of [...VIEW_DIMENSIONS, ...EVENT_DIMENSIONS]) {
    if ((d.source === "views" ? sizes.views : sizes.events) === 0) continue;
    const rows = deltaDimension(db, d);
    if (rows.length) result.set(d.name, rows);
  }
  return result;
}

export interface HourDelta {
  hour: string;
  views: number;
  visitors: number;
  events: number;
}

/** Per-hour figures of the materialized delta; visitors are those new in that hour. */
export function deltaHours(db: Database): HourDelta[] {
  return db.all<HourDelta>(
    `SELECT hour, SUM(views) AS views, SUM(visitors) AS visitors, SUM(events) AS events FROM (
       SELECT hour, COUNT(*) AS views,
              COUNT(DISTINCT CASE WHEN NOT EXISTS (
                SELECT 1 FROM ${S.priorViews} p
                WHERE p.visitor_id = d.visitor_id AND p.hour = d.hour
              ) THEN d.visitor_id END) AS visitors, 0 AS events
       FROM ${S.views} d GROUP BY hour
       UNION ALL
       SELECT hour, 0, 0, COUNT(*) FROM ${S.events} GROUP BY hour
     ) GROUP BY hour ORDER BY hour`,
  );
}

export interface SessionDelta {
  sk: string;
  n: number;
  first_at: string;
  last_at: string;
  entry: string;
  exit: string;
  prior_n: number | null;
  prior_first: string | null;
  prior_last: string | null;
  prior_entry: string | null;
  prior_exit: string | null;
}

/**
 * The sessions touched by the delta, each with what the rollup already knew of it (its views
 * up to the watermark, looking one day back): enough to add new sessions, remove bounces that
 * got a second view and move exit pages, without recomputing the day.
 */
export function deltaSessions(
  db: Database,
  q: { siteId: string; day: string; through: Watermark },
): SessionDelta[] {
  // CROSS JOIN (SQLite keeps that order) and `+`: the few delta sessions drive lookups in the
  // session or visitor index; never a scan of the table or of the site's time range.
  const window = `+v.site_id = ? AND +v.created_at >= ? AND (+v.id <= ? OR +v.created_at < ?)
    AND ${cleanView("v.")}`;
  const args = [q.siteId, dayStart(addDays(q.day, -1)), q.through.viewId, dayStart(q.day)];
  const aggregate = `COUNT(*) AS n, MIN(created_at) AS first_at, MAX(created_at) AS last_at,
    substr(MIN(created_at || path), 25) AS entry, substr(MAX(created_at || path), 25) AS exit`;
  return db.all<SessionDelta>(
    `WITH d AS (SELECT sk, ${aggregate} FROM ${S.views} GROUP BY sk),
     p AS (
       SELECT sk, ${aggregate} FROM (
         SELECT d.sk, v.created_at, v.path FROM d CROSS JOIN visitor_views v ON v.session_id = d.sk
         WHERE ${window}
         UNION ALL
         SELECT d.sk, v.created_at, v.path FROM d
         CROSS JOIN visitor_views v ON v.visitor_id = d.sk AND v.session_id IS NULL
         WHERE ${window}
       ) GROUP BY sk
     )
     SELECT d.sk, d.n, d.first_at, d.last_at, d.entry, d.exit, p.n AS prior_n,
            p.first_at AS prior_first, p.last_at AS prior_last, p.entry AS prior_entry,
            p.exit AS prior_exit
     FROM d LEFT JOIN p ON p.sk = d.sk ORDER BY d.sk`,
    ...args,
    ...args,
  );
}

// ---------------------------------------------------------------------------------------------
// Live dashboard and realtime (raw rows of the last minutes)

/** Clean views, visitors and events per minute (`YYYY-MM-DDTHH:MM`) in [since, until]. */
export function minuteActivity(
  db: Database,
  q: SiteWindow,
): MinuteRow[] {
  return db.all<MinuteRow>(
    `SELECT minute, SUM(views) AS views, SUM(visitors) AS visitors, SUM(events) AS events FROM (
       SELECT substr(created_at, 1, 16) AS minute, COUNT(*) AS views,
              COUNT(DISTINCT visitor_id) AS visitors, 0 AS events
       FROM visitor_views
       WHERE site_id = ? AND created_at >= ? AND created_at <= ? AND ${cleanView()}
       GROUP BY minute
       UNION ALL
       SELECT substr(created_at, 1, 16), 0, 0, COUNT(*)
       FROM semantic_events
       WHERE site_id = ? AND created_at >= ? AND created_at <= ? AND ${cleanEvent()}
       GROUP BY 1
     ) GROUP BY minute ORDER BY minute`,
    q.siteId,
    q.since,
    q.until,
    q.siteId,
    q.since,
    q.until,
  );
}

/** Distinct clean visitors, distinct bot-scored visitors and clean views in [since, until]. */
export function nowCounts(
  db: Database,
  q: SiteWindow,
): NowCounts {
  const clean = cleanView();
  return db.get<NowCounts>(
    `SELECT COUNT(DISTINCT CASE WHEN ${clean} THEN visitor_id END) AS active_visitors,
            COUNT(DISTINCT CASE WHEN NOT (${clean}) THEN visitor_id END) AS estimated_bots,
            COUNT(CASE WHEN ${clean} THEN 1 END) AS pageviews
     FROM visitor_views WHERE site_id = ? AND created_at >= ? AND created_at <= ?`,
    q.siteId,
    q.since,
    q.until,
  )!;
}

/** The most recently active clean visitors in [since, until], with their last page. */
export function recentVisitors(
  db: Database,
  q: SiteWindow & { limit: number },
): RecentVisitor[] {
  return db.all<RecentVisitor>(
    `SELECT visitor_id, MAX(created_at) AS last_seen, MIN(created_at) AS first_seen,
            COUNT(*) AS views, substr(MAX(created_at || path), 25) AS path,
            MAX(country_code) AS country_code, MAX(device_type) AS device_type,
            MAX(os_name) AS os_name, MAX(browser_name) AS browser_name,
            MAX(referrer_domain) AS referrer_domain
     FROM visitor_views
     WHERE site_id = ? AND created_at >= ? AND created_at <= ? AND ${cleanView()}
     GROUP BY visitor_id ORDER BY last_seen DESC, visitor_id LIMIT ?`,
    q.siteId,
    q.since,
    q.until,
    q.limit,
  );
}

/** The latest clean events in [since, until], newest first. */
export function recentEvents(
  db: Database,
  q: SiteWindow & { limit: number },
): RecentEvent[] {
  return db.all<RecentEvent>(
    `SELECT id, event_type, event_name, path, visitor_id, session_id, device_type, data,
            created_at
     FROM semantic_events
     WHERE site_id = ? AND created_at >= ? AND created_at <= ? AND ${cleanEvent()}
     ORDER BY created_at DESC, id DESC LIMIT ?`,
    q.siteId,
    q.since,
    q.until,
    q.limit,
  );
}

const ACTIVE_COLUMNS: Record<ActiveDimension, string> = {
  path: "path",
  referrer: "referrer_domain",
  country: "COALESCE(country_code, 'unknown')",
};

/** Clean views and visitors in [since, until] by page, referrer domain or country. */
export function activeBreakdown(
  db: Database,
  q: SiteWindow & { by: ActiveDimension; limit: number },
): ActiveRow[] {
  const column = ACTIVE_COLUMNS[q.by];
  return db.all<ActiveRow>(
    `SELECT ${column} AS value, COUNT(*) AS views, COUNT(DISTINCT visitor_id) AS visitors
     FROM visitor_views
     WHERE site_id = ? AND created_at >= ? AND created_at <= ? AND ${cleanView()}
       AND ${column} IS NOT NULL
     GROUP BY value ORDER BY visitors DESC, views DESC, value LIMIT ?`,
    q.siteId,
    q.since,
    q.until,
    q.limit,
  );
}
