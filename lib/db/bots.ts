// Bot questions answered from SQLite: fingerprint clusters and retroactive penalties for the
// correlator, exclusions, per-visitor histories and score details, and the bot report.
// The answers' types are the interface's (lib/store/bots.ts).
import type { Database, SqlParam } from "./database.ts";
import { SIGNALS } from "../bots/signals.ts";
import { BOT_SCORE_THRESHOLD, SUSPICIOUS_SCORE, UNVERIFIED_REASON } from "../bots/thresholds.ts";
import type {
  ClusterRange,
  CorrelationPenalty,
  EventlessRange,
  ExcludedVisitor,
  Exclusion,
  FingerprintCluster,
  GroupCount,
  KnownBotTraffic,
  ReasonCount,
  ReportRange,
  ScoreDetail,
  ScoredRow,
  ScoredViews,
  StoredScore,
  SuspiciousQuery,
  SuspiciousVisitor,
  VisitorEvent,
  VisitorView,
} from "../store/bots.ts";
import { markTouched, rebuildTouched } from "./session_table.ts";

export { SUSPICIOUS_SCORE };

/**
 * The one predicate that keeps excluded visitors out of a query (stats, rollups, exports):
 * `WHERE ${notExcludedPredicate("v.visitor_id")}`. Inside the subquery `visitor_id` names
 * excluded_visitors' column, so `column` must be the outer table's (qualify it when joining).
 */
export function notExcludedPredicate(column = "visitor_id"): string {
  return `${column} NOT IN (SELECT visitor_id FROM excluded_visitors)`;
}

export const NOT_EXCLUDED_VISITOR = notExcludedPredicate();

// bot_score_detail is our own JSON, but a hand-edited or legacy row must not make json_set or
// json_extract throw and abort a whole sweep, so every JSON function reads it through these.
const DETAIL = `CASE WHEN json_valid(bot_score_detail) THEN
    CASE WHEN json_type(bot_score_detail) = 'object' THEN bot_score_detail ELSE '{}' END
  ELSE '{}' END`;
const detailField = (path: string) => `json_extract(${DETAIL}, '${path}')`;

/** Parses a stored bot_score_detail; null when absent or not a JSON object. */
export function parseScoreDetail(text: unknown): ScoreDetail | null {
  if (typeof text !== "string" || text === "") return null;
  try {
    const value = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? value : null;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// Correlation (lib/bots/correlator.ts)

/** os|browser|version|WxH|country, with "unknown" and 0 for missing parts (reference §4.4). */
const FINGERPRINT = `COALESCE(os_name, 'unknown') || '|' || COALESCE(browser_name, 'unknown')
  || '|' || COALESCE(browser_version, 'unknown') || '|' || COALESCE(screen_width, 0) || 'x'
  || COALESCE(screen_height, 0) || '|' || COALESCE(country_code, 'unknown')`;

/**
 * Page views created in [since, until) grouped by (site, fingerprint), keeping groups with at
 * least `minVisitors` distinct visitor ids. Taint ignores earlier correlation points, so a
 * cluster never escalates itself from one sweep to the next.
 */
export function fingerprintClusters(
  db: Database,
  range: ClusterRange,
): FingerprintCluster[] {
  const rows = db.all<{ site_id: string; fingerprint: string; ids: string; tainted: number }>(
    `SELECT site_id, fingerprint, json_group_array(DISTINCT visitor_id) AS ids,
            MAX(base_score >= ${BOT_SCORE_THRESHOLD}) AS tainted
     FROM (
       SELECT site_id, visitor_id, ${FINGERPRINT} AS fingerprint,
              bot_score - COALESCE(${detailField("$.correlated.penalty")}, 0) AS base_score
       FROM visitor_views
       WHERE created_at >= ? AND created_at < ? AND bot_score >= 0
         -- A browser that solved the proof of work is not a cluster candidate: many real
         -- visitors share browser, OS, screen and country, and only unproven hits may be one
         -- machine behind many identities. (A headless farm that solves PoW is not caught here.)
         AND pow_verdict IS NOT 'valid'
     )
     GROUP BY site_id, fingerprint
     HAVING COUNT(DISTINCT visitor_id) >= ?
     ORDER BY site_id, fingerprint`,
    range.since,
    range.until,
    range.minVisitors,
  );
  return rows.map((row) => ({
    siteId: row.site_id,
    fingerprint: row.fingerprint,
    visitorIds: JSON.parse(row.ids) as string[],
    tainted: row.tainted === 1,
  }));
}

const IDS_PER_STATEMENT = 500;

/**
 * The stored main reason after a sweep adds `points` (an SQL expression) for `signal`: the sweep
 * becomes the reason when it tips a counted row over the threshold, or an unverified view (kept
 * out only for lack of input) over it on the rest of its points; otherwise the reason stays.
 */
function raisedReason(points: string, signal: string): string {
  const t = BOT_SCORE_THRESHOLD;
  return `CASE
    WHEN bot_score + ${points} < ${t} THEN bot_reason
    WHEN bot_reason IS NULL OR bot_score < ${t} THEN '${signal}'
    WHEN bot_reason = '${UNVERIFIED_REASON}' AND bot_score - ${t} + ${points} >= ${t}
      THEN '${signal}'
    ELSE bot_reason END`;
}

/**
 * Adds the cluster penalty to the views and beacon events of the cluster's visitors on that site,
 * capped at 100, and records `detail.correlated`. Rows already carrying `correlated` are left
 * alone, so a sweep can run any number of times. Returns the rows changed per table.
 */
export function applyCorrelationPenalty(
  db: Database,
  p: CorrelationPenalty,
): { views: number; events: number } {
  const set = `bot_reason = ${raisedReason("?1", "correlated")},
    bot_score = MIN(100, bot_score + ?1),
    bot_score_detail = json_set(${DETAIL}, '$.correlated',
      json_object('penalty', ?1, 'cluster_size', ?2, 'fingerprint', ?3))`;
  const where = `site_id = ?4 AND created_at >= ?5 AND bot_score >= 0
    AND ${detailField("$.correlated")} IS NULL
    AND visitor_id IN (SELECT value FROM json_each(?6))`;
  const views = db.statement(`UPDATE visitor_views SET ${set} WHERE ${where}`);
  const events = db.statement(
    `UPDATE semantic_events SET ${set} WHERE source = 'beacon' AND ${where}`,
  );
  const changed = { views: 0, events: 0 };
  db.transaction(() => {
    for (let i = 0; i < p.visitorIds.length; i += IDS_PER_STATEMENT) {
      const ids = JSON.stringify(p.visitorIds.slice(i, i + IDS_PER_STATEMENT));
      const args = [p.penalty, p.clusterSize, p.fingerprint, p.siteId, p.since, ids];
      // A raised score may move views to their session's bot side: rebuilt after.
      markTouched(
        db,
        "site_id = ?1 AND created_at >= ?2 AND visitor_id IN (SELECT value FROM json_each(?3))",
        p.siteId,
        p.since,
        ids,
      );
      changed.views += Number(views.run(...args).changes);
      changed.events += Number(events.run(...args).changes);
    }
    rebuildTouched(db);
  });
  return changed;
}

/**
 * The no-event penalty: page views created in [from, to) whose visitor never sent a behaviour
 * event on that site get `points` and `detail.no_events`, once. Returns the views changed.
 */
export function applyNoEventPenalty(db: Database, range: EventlessRange): number {
  // Unqualified columns are the view's; `views` names its table in the subquery.
  const penalised = (views: string) =>
    `created_at >= ?2 AND created_at < ?3 AND bot_score >= 0
       AND ${detailField("$.no_events")} IS NULL
       AND NOT EXISTS (
         SELECT 1 FROM semantic_events e
         WHERE e.visitor_id = ${views}.visitor_id AND e.site_id = ${views}.site_id
       )`;
  return db.transaction(() => {
    // A raised score may move views to their session's bot side: rebuilt after.
    markTouched(db, `?1 IS NOT NULL AND ${penalised("v")}`, range.points, range.from, range.to);
    const changed = db.run(
      `UPDATE visitor_views
       SET bot_reason = ${raisedReason("?1", "no_events")},
           bot_score = MIN(100, bot_score + ?1),
           bot_score_detail = json_set(${DETAIL}, '$.no_events', ?1)
       WHERE ${penalised("visitor_views")}`,
      range.points,
      range.from,
      range.to,
    ).changes;
    rebuildTouched(db);
    return changed;
  });
}

// ---------------------------------------------------------------------------------------------
// Exclusions and visitor histories (/api/bots/*)

/**
 * Visitors with a view scored ≥ minScore since `since`, with all their views in that range
 * (optionally on one site), by highest score, then views.
 */
export function suspiciousVisitors(
  db: Database,
  q: SuspiciousQuery,
): SuspiciousVisitor[] {
  const site = q.siteId === null ? "" : "AND site_id = ?";
  const siteArgs: SqlParam[] = q.siteId === null ? [] : [q.siteId];
  // The literal lets SQLite use the partial index idx_vv_bot_score (WHERE bot_score >= 25),
  // which a bound parameter alone cannot prove applicable.
  const partial = q.minScore >= SUSPICIOUS_SCORE ? `AND bot_score >= ${SUSPICIOUS_SCORE}` : "";
  const rows = db.all<Omit<SuspiciousVisitor, "is_excluded"> & { is_excluded: number }>(
    `SELECT visitor_id, MAX(bot_score) AS max_bot_score, COUNT(*) AS pageviews,
            MIN(created_at) AS first_seen, MAX(created_at) AS last_seen,
            GROUP_CONCAT(DISTINCT site_id ORDER BY site_id) AS sites,
            GROUP_CONCAT(DISTINCT device_type ORDER BY device_type) AS devices,
            GROUP_CONCAT(DISTINCT country_code ORDER BY country_code) AS countries,
            GROUP_CONCAT(DISTINCT os_name ORDER BY os_name) AS os_names,
            GROUP_CONCAT(DISTINCT browser_name ORDER BY browser_name) AS browsers,
            EXISTS (SELECT 1 FROM excluded_visitors x WHERE x.visitor_id = v.visitor_id)
              AS is_excluded
     FROM visitor_views v
     WHERE created_at >= ? ${site} AND visitor_id IN (
       SELECT visitor_id FROM visitor_views
       WHERE bot_score >= ? ${partial} AND created_at >= ? ${site}
     )
     GROUP BY visitor_id
     ORDER BY max_bot_score DESC, pageviews DESC, visitor_id
     LIMIT ?`,
    q.since,
    ...siteArgs,
    q.minScore,
    q.since,
    ...siteArgs,
    q.limit,
  );
  return rows.map((row) => ({ ...row, is_excluded: row.is_excluded === 1 }));
}

/** The most recent exclusions with each visitor's stored views and highest score. */
export function excludedVisitors(db: Database, limit = 500): ExcludedVisitor[] {
  return db.all<ExcludedVisitor>(
    `SELECT x.visitor_id, x.label, x.created_at, COUNT(v.id) AS pageviews,
            MAX(v.bot_score) AS max_bot_score
     FROM (SELECT * FROM excluded_visitors ORDER BY created_at DESC, visitor_id LIMIT ?) x
     LEFT JOIN visitor_views v ON v.visitor_id = x.visitor_id
     GROUP BY x.visitor_id
     ORDER BY x.created_at DESC, x.visitor_id`,
    limit,
  );
}

/** Adds an exclusion; an existing one (and its label) is kept. True when it was new. */
export function excludeVisitor(
  db: Database,
  visitorId: string,
  label: string | null,
  createdAt: string,
): boolean {
  return db.run(
    "INSERT OR IGNORE INTO excluded_visitors (visitor_id, label, created_at) VALUES (?, ?, ?)",
    visitorId,
    label,
    createdAt,
  ).changes > 0;
}

/** Removes an exclusion; true when there was one. */
export function includeVisitor(db: Database, visitorId: string): boolean {
  return db.run("DELETE FROM excluded_visitors WHERE visitor_id = ?", visitorId).changes > 0;
}

export function visitorExclusion(db: Database, visitorId: string): Exclusion | null {
  return db.get<Exclusion>(
    "SELECT visitor_id, label, created_at FROM excluded_visitors WHERE visitor_id = ?",
    visitorId,
  ) ?? null;
}

/** A stored row as read: its breakdown still the stored text. */
type Stored<T extends { bot_score_detail: unknown }> = Omit<T, "bot_score_detail"> & {
  bot_score_detail: string | null;
};

function withParsedDetail<T extends { bot_score_detail: ScoreDetail | null }>(row: Stored<T>): T {
  return { ...row, bot_score_detail: parseScoreDetail(row.bot_score_detail) } as T;
}

/** A visitor's latest views, newest first, with parsed score details. */
export function visitorViews(
  db: Database,
  visitorId: string,
  limit = 100,
): VisitorView[] {
  return db.all<Stored<VisitorView>>(
    `SELECT id, site_id, path, session_id, interaction_ms, is_spa, screen_width, screen_height,
            device_type, os_name, browser_name, browser_version, country_code, referrer,
            referrer_type, is_pwa, pow_verdict, pow_solve_ms, bot_score, bot_score_detail,
            created_at
     FROM visitor_views WHERE visitor_id = ?
     ORDER BY created_at DESC, id DESC LIMIT ?`,
    visitorId,
    limit,
  ).map(withParsedDetail<VisitorView>);
}

/** A visitor's latest events, newest first, with parsed score details. */
export function visitorEvents(
  db: Database,
  visitorId: string,
  limit = 100,
): VisitorEvent[] {
  return db.all<Stored<VisitorEvent>>(
    `SELECT id, event_type, event_name, site_id, session_id, path, data, device_type, source,
            bot_score, bot_score_detail, created_at
     FROM semantic_events WHERE visitor_id = ?
     ORDER BY created_at DESC, id DESC LIMIT ?`,
    visitorId,
    limit,
  ).map(withParsedDetail<VisitorEvent>);
}

/** The stored score and parsed breakdown of one view or event; null when there is no such row. */
export function storedScore(db: Database, table: ScoredRow, id: number): StoredScore | null {
  const name = table === "view" ? "visitor_views" : "semantic_events";
  const row = db.get<{ bot_score: number; bot_score_detail: string | null }>(
    `SELECT bot_score, bot_score_detail FROM ${name} WHERE id = ?`,
    id,
  );
  return row ? { score: row.bot_score, detail: parseScoreDetail(row.bot_score_detail) } : null;
}

// ---------------------------------------------------------------------------------------------
// The bot report (/api/bots/report)

function siteFilter(range: ReportRange, column = "site_id"): { sql: string; args: SqlParam[] } {
  return range.siteId === null
    ? { sql: "", args: [] }
    : { sql: `AND ${column} = ?`, args: [range.siteId] };
}

/** Known-bot hits per bot (most first), each with its most-hit paths. */
export function knownBotTraffic(
  db: Database,
  range: ReportRange,
  limits = { bots: 100, paths: 5 },
): KnownBotTraffic[] {
  const site = siteFilter(range);
  const bots = db.all<{ bot_name: string; hits: number }>(
    `SELECT bot_name, SUM(hits) AS hits FROM bot_traffic WHERE date >= ? ${site.sql}
     GROUP BY bot_name ORDER BY hits DESC, bot_name LIMIT ?`,
    range.sinceDate,
    ...site.args,
    limits.bots,
  );
  const paths = db.all<{ bot_name: string; path: string; hits: number }>(
    `SELECT bot_name, path, hits FROM (
       SELECT bot_name, path, SUM(hits) AS hits,
              ROW_NUMBER() OVER (PARTITION BY bot_name ORDER BY SUM(hits) DESC, path) AS position
       FROM bot_traffic WHERE date >= ? ${site.sql}
       GROUP BY bot_name, path
     ) WHERE position <= ?
     ORDER BY bot_name, hits DESC, path`,
    range.sinceDate,
    ...site.args,
    limits.paths,
  );
  const byBot = new Map(
    bots.map((bot) => [bot.bot_name, { ...bot, top_paths: [] as KnownBotTraffic["top_paths"] }]),
  );
  for (const row of paths) {
    byBot.get(row.bot_name)?.top_paths.push({ path: row.path, hits: row.hits });
  }
  return [...byBot.values()];
}

/** Known-bot hits per UTC day, oldest first. */
export function knownBotHitsByDay(
  db: Database,
  range: ReportRange,
): { date: string; hits: number }[] {
  const site = siteFilter(range);
  return db.all(
    `SELECT date, SUM(hits) AS hits FROM bot_traffic WHERE date >= ? ${site.sql}
     GROUP BY date ORDER BY date`,
    range.sinceDate,
    ...site.args,
  );
}

/** Dropped hits per reason and endpoint, most first. */
export function droppedHits(
  db: Database,
  range: ReportRange,
): { reason: string; endpoint: string; hits: number }[] {
  const site = siteFilter(range);
  return db.all(
    `SELECT reason, endpoint, SUM(hits) AS hits FROM drop_counts WHERE date >= ? ${site.sql}
     GROUP BY reason, endpoint ORDER BY hits DESC, reason, endpoint`,
    range.sinceDate,
    ...site.args,
  );
}

/**
 * What the stored page views were scored for: per signal of bot_score_detail (numbers, and the
 * `correlated` object by its penalty), per proof-of-work verdict, and per score bucket.
 */
export function scoredViews(db: Database, range: ReportRange): ScoredViews {
  const since = `${range.sinceDate}T00:00:00.000Z`;
  const site = siteFilter(range, "v.site_id");
  const bySignal = db.all<{ signal: string; n: number; points: number }>(
    `SELECT j.key AS signal, COUNT(*) AS n,
            SUM(CASE WHEN j.type = 'object' THEN json_extract(j.value, '$.penalty')
                ELSE j.value END) AS points
     FROM visitor_views v, json_each(CASE WHEN json_valid(v.bot_score_detail)
       THEN v.bot_score_detail ELSE '{}' END) j
     WHERE v.created_at >= ? ${site.sql}
       AND (j.type IN ('integer', 'real')
         OR (j.type = 'object' AND json_extract(j.value, '$.penalty') IS NOT NULL))
     GROUP BY j.key ORDER BY points DESC, signal`,
    since,
    ...site.args,
  );
  const plainSite = siteFilter(range);
  const verdicts = db.all<{ verdict: string; n: number }>(
    `SELECT COALESCE(pow_verdict, 'none') AS verdict, COUNT(*) AS n FROM visitor_views
     WHERE created_at >= ? ${plainSite.sql}
     GROUP BY verdict ORDER BY n DESC, verdict`,
    since,
    ...plainSite.args,
  );
  const buckets = db.get<{ clean: number; medium: number; bot: number }>(
    `SELECT COALESCE(SUM(bot_score < ${SUSPICIOUS_SCORE}), 0) AS clean,
            COALESCE(SUM(bot_score >= ${SUSPICIOUS_SCORE}
              AND bot_score < ${BOT_SCORE_THRESHOLD}), 0) AS medium,
            COALESCE(SUM(bot_score >= ${BOT_SCORE_THRESHOLD}), 0) AS bot
     FROM visitor_views WHERE created_at >= ? ${plainSite.sql}`,
    since,
    ...plainSite.args,
  ) ?? { clean: 0, medium: 0, bot: 0 };
  return {
    by_signal: bySignal.map((r) => ({ signal: r.signal, rows: r.n, points: r.points })),
    pow_verdicts: verdicts.map((r) => ({ verdict: r.verdict, rows: r.n })),
    buckets,
  };
}

// ---------------------------------------------------------------------------------------------
// Why excluded (/admin/bots, GET /api/bots/report): hits not counted, by stored main reason

/** The registry's group of a stored reason, as SQL (reasons it does not know: 'other'). */
const REASON_GROUP = `CASE COALESCE(bot_reason, 'unknown') ${
  Object.entries(SIGNALS).map(([name, info]) => `WHEN '${name}' THEN '${info.group}'`).join(" ")
} ELSE 'other' END`;

/**
 * Views, distinct visitors and events at or above the bot threshold since the range's first day,
 * per stored main reason and per signal group of that reason (unverified views included, under
 * `no_interaction`). Reads bot_reason, never the JSON breakdown; idx_vv_reason covers the views.
 */
export function excludedByReason(
  db: Database,
  range: ReportRange,
): { reasons: ReasonCount[]; groups: GroupCount[] } {
  const since = `${range.sinceDate}T00:00:00.000Z`;
  const site = siteFilter(range);
  const bot = `bot_score >= ${BOT_SCORE_THRESHOLD}`;
  const count = (key: string) =>
    db.all<{ key: string; views: number; visitors: number; events: number }>(
      `SELECT key, SUM(views) AS views, SUM(visitors) AS visitors, SUM(events) AS events FROM (
         SELECT ${key} AS key, COUNT(*) AS views, COUNT(DISTINCT visitor_id) AS visitors,
                0 AS events
         FROM visitor_views WHERE ${bot} ${site.sql} AND created_at >= ? GROUP BY 1
         UNION ALL
         SELECT ${key}, 0, 0, COUNT(*) FROM semantic_events
         WHERE ${bot} ${site.sql} AND created_at >= ? GROUP BY 1
       ) GROUP BY key ORDER BY views DESC, events DESC, key`,
      ...site.args,
      since,
      ...site.args,
      since,
    );
  return {
    reasons: count("COALESCE(bot_reason, 'unknown')").map(({ key, ...n }) => ({
      reason: key,
      ...n,
    })),
    groups: count(REASON_GROUP).map(({ key, ...n }) => ({ group: key, ...n })),
  };
}
