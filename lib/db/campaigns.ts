// UTM campaigns: the registry (utm_campaigns) and every question the campaign reports ask of the
// raw rows. Campaign figures need breakdowns *within* a campaign (its sources, landing pages,
// events), which the per-dimension rollups cannot answer, so they read clean views and events
// in [since, until) through the utm indexes (idx_vv_utm, idx_se_utm); raw rows are kept for the
// retention period, so older days read as zero.
//
// Definitions, shared by every function here: a session is the tab's session_id, else the
// visitor id of the day (as in lib/db/stats_source.ts); a bounce is a session with one tagged
// view; visitors over several days are the sum of each day's distinct visitors (ids rotate
// daily, so that is the exact figure: docs/architecture.md, "Scale-out").
import type { Database, SqlParam } from "./database.ts";
import { cleanEvent, cleanView } from "./stats_source.ts";
import type {
  BreakdownRow,
  CampaignEventFigures,
  CampaignEventRow,
  CampaignEventsRows,
  CampaignFilter,
  CampaignRecord,
  CampaignReportRows,
  CampaignStatus,
  CampaignSummaryRows,
  CampaignTraffic,
  DailyRow,
  LandingPageRow,
  TimeRange,
  TrafficTotals,
} from "../store/campaigns.ts";

const COLUMNS = "id, name, utm_campaign, site_id, status, created_at";
const MAX_CAMPAIGNS = 1000;

function filterSql(filter: CampaignFilter, alias = ""): { sql: string; params: SqlParam[] } {
  const parts: string[] = [];
  const params: SqlParam[] = [];
  if (filter.siteId) {
    parts.push(`${alias}site_id = ?`);
    params.push(filter.siteId);
  }
  if (filter.status) {
    parts.push(`${alias}status = ?`);
    params.push(filter.status);
  }
  return { sql: parts.length ? parts.join(" AND ") : "1", params };
}

export function listCampaigns(db: Database, filter: CampaignFilter = {}): CampaignRecord[] {
  const where = filterSql(filter);
  return db.all<CampaignRecord>(
    `SELECT ${COLUMNS} FROM utm_campaigns WHERE ${where.sql}
     ORDER BY created_at DESC, id LIMIT ${MAX_CAMPAIGNS}`,
    ...where.params,
  );
}

export function getCampaign(db: Database, id: string): CampaignRecord | null {
  return db.get<CampaignRecord>(`SELECT ${COLUMNS} FROM utm_campaigns WHERE id = ?`, id) ?? null;
}

export function campaignIdTaken(db: Database, id: string): boolean {
  return db.get("SELECT 1 AS taken FROM utm_campaigns WHERE id = ?", id) !== undefined;
}

/** The campaign registered for this exact utm_campaign value on the site, if any. */
export function campaignByValue(
  db: Database,
  siteId: string,
  utmCampaign: string,
): CampaignRecord | null {
  return db.get<CampaignRecord>(
    `SELECT ${COLUMNS} FROM utm_campaigns WHERE site_id = ? AND utm_campaign = ?`,
    siteId,
    utmCampaign,
  ) ?? null;
}

/** `created_at` comes from the service clock (not SQLite's), so it orders with everything else. */
export function insertCampaign(db: Database, campaign: CampaignRecord): void {
  db.run(
    `INSERT INTO utm_campaigns (id, name, utm_campaign, site_id, status, created_at)
     VALUES (?, ?, ?, ?, ?, ?)`,
    campaign.id,
    campaign.name,
    campaign.utm_campaign,
    campaign.site_id,
    campaign.status,
    campaign.created_at,
  );
}

/** Changes the name and/or status; false when there is no such campaign. */
export function updateCampaign(
  db: Database,
  id: string,
  change: { name?: string; status?: CampaignStatus },
): boolean {
  return db.run(
    `UPDATE utm_campaigns SET name = COALESCE(?, name), status = COALESCE(?, status)
     WHERE id = ?`,
    change.name ?? null,
    change.status ?? null,
    id,
  ).changes > 0;
}

/** Removes the registration (stored views keep their utm values); false when absent. */
export function deleteCampaign(db: Database, id: string): boolean {
  return db.run("DELETE FROM utm_campaigns WHERE id = ?", id).changes > 0;
}

// ---------------------------------------------------------------------------------------------
// Reports

/** Clean views of registered campaigns in the range, as (campaign, day, visitor, session). */
function taggedViews(filter: CampaignFilter): { sql: string; params: SqlParam[] } {
  const where = filterSql(filter, "c.");
  return {
    sql: `SELECT c.id AS id, substr(v.created_at, 1, 10) AS day, v.visitor_id AS visitor_id,
                 COALESCE(v.session_id, v.visitor_id) AS sk
          FROM utm_campaigns c
          JOIN visitor_views v ON v.utm_campaign = c.utm_campaign AND v.site_id = c.site_id
          WHERE ${where.sql} AND v.utm_campaign IS NOT NULL
            AND v.created_at >= ? AND v.created_at < ? AND ${cleanView("v.")}`,
    params: where.params,
  };
}

/** Views, visitors, sessions and bounces per registered campaign (every listed campaign). */
export function campaignTotals(
  db: Database,
  range: TimeRange,
  filter: CampaignFilter = {},
): Map<string, TrafficTotals> {
  const tagged = taggedViews(filter);
  const rows = db.all<TrafficTotals & { id: string }>(
    `WITH tagged AS (${tagged.sql}),
     daily AS (SELECT id, COUNT(*) AS views, COUNT(DISTINCT visitor_id) AS visitors
               FROM tagged GROUP BY id, day),
     sessions AS (SELECT id, COUNT(*) AS n FROM tagged GROUP BY id, sk)
     SELECT d.id, d.views, d.visitors, COALESCE(s.sessions, 0) AS sessions,
            COALESCE(s.bounces, 0) AS bounces
     FROM (SELECT id, SUM(views) AS views, SUM(visitors) AS visitors FROM daily GROUP BY id) d
     LEFT JOIN (SELECT id, COUNT(*) AS sessions, SUM(n = 1) AS bounces FROM sessions GROUP BY id) s
       ON s.id = d.id`,
    ...tagged.params,
    range.since,
    range.until,
  );
  return new Map(rows.map(({ id, ...totals }) => [id, totals]));
}

const BREAKDOWNS = {
  // The reference's labels for untagged values: no source means direct, no medium "none".
  bySource: "COALESCE(utm_source, 'direct')",
  byMedium: "COALESCE(utm_medium, 'none')",
  byContent: "utm_content",
  byTerm: "utm_term",
  topPaths: "path",
} as const;

/** Everything the campaign detail shows about its traffic in the range; lists hold ≤ `limit`. */
export function campaignTraffic(
  db: Database,
  campaign: CampaignRecord,
  range: TimeRange,
  limit = 20,
): CampaignTraffic {
  // One campaign's rows are few: copy them once, then aggregate the copy for each question.
  // Everything below runs synchronously on the one connection, so no other request sees or
  // changes the temp table in between (and no write lock is taken: it is a read).
  db.exec(`CREATE TEMP TABLE IF NOT EXISTS campaign_views (day TEXT, created_at TEXT,
    visitor_id TEXT, sk TEXT, path TEXT, utm_source TEXT, utm_medium TEXT, utm_content TEXT,
    utm_term TEXT)`);
  db.run("DELETE FROM temp.campaign_views");
  try {
    db.run(
      `INSERT INTO temp.campaign_views
       SELECT substr(created_at, 1, 10), created_at, visitor_id,
              COALESCE(session_id, visitor_id), path, utm_source, utm_medium, utm_content, utm_term
       FROM visitor_views
       WHERE utm_campaign = ? AND site_id = ? AND created_at >= ? AND created_at < ?
         AND ${cleanView()}`,
      campaign.utm_campaign,
      campaign.site_id,
      range.since,
      range.until,
    );
    const breakdown = (expr: string): BreakdownRow[] =>
      db.all<BreakdownRow>(
        `SELECT ${expr} AS value, COUNT(*) AS views,
                COUNT(DISTINCT day || ' ' || visitor_id) AS visitors
         FROM temp.campaign_views WHERE ${expr} IS NOT NULL
         GROUP BY value ORDER BY views DESC, visitors DESC, value LIMIT ?`,
        limit,
      );
    const sessions = `SELECT sk, COUNT(*) AS n, substr(MIN(created_at || path), 25) AS entry
                      FROM temp.campaign_views GROUP BY sk`;
    const totals = db.get<TrafficTotals>(
      `SELECT (SELECT COUNT(*) FROM temp.campaign_views) AS views,
              (SELECT COUNT(DISTINCT day || ' ' || visitor_id) FROM temp.campaign_views)
                AS visitors,
              COUNT(*) AS sessions, COALESCE(SUM(n = 1), 0) AS bounces
       FROM (${sessions})`,
    )!;
    const traffic: CampaignTraffic = {
      totals,
      bySource: breakdown(BREAKDOWNS.bySource),
      byMedium: breakdown(BREAKDOWNS.byMedium),
      byContent: breakdown(BREAKDOWNS.byContent),
      byTerm: breakdown(BREAKDOWNS.byTerm),
      topPaths: breakdown(BREAKDOWNS.topPaths),
      landingPages: db.all<LandingPageRow>(
        `SELECT entry AS path, COUNT(*) AS sessions, SUM(n = 1) AS bounces
         FROM (${sessions}) GROUP BY entry ORDER BY sessions DESC, path LIMIT ?`,
        limit,
      ),
      daily: db.all<DailyRow>(
        `SELECT day AS date, COUNT(*) AS views, COUNT(DISTINCT visitor_id) AS visitors
         FROM temp.campaign_views GROUP BY day ORDER BY day`,
      ),
    };
    return traffic;
  } finally {
    db.run("DELETE FROM temp.campaign_views");
  }
}

function eventWhere(alias: string): string {
  return `${alias}site_id = ? AND ${alias}created_at >= ? AND ${alias}created_at < ?
    AND ${cleanEvent(alias)}`;
}

/** The events tagged with the campaign in the range: totals, by type and by custom name. */
export function campaignEvents(
  db: Database,
  campaign: CampaignRecord,
  range: TimeRange,
  limit = 20,
): CampaignEventFigures {
  const where = `utm_campaign = ? AND ${eventWhere("")}`;
  const params = [campaign.utm_campaign, campaign.site_id, range.since, range.until];
  const visitorKey = "substr(created_at, 1, 10) || ' ' || COALESCE(visitor_id, session_id)";
  const totals = db.get<Omit<CampaignEventFigures, "byType" | "byName">>(
    `SELECT COUNT(*) AS events, COUNT(DISTINCT ${visitorKey}) AS event_visitors,
            COUNT(DISTINCT CASE WHEN event_type = 'custom'
              THEN COALESCE(session_id, visitor_id) END) AS converted_sessions
     FROM semantic_events WHERE ${where}`,
    ...params,
  )!;
  return {
    ...totals,
    byType: db.all(
      `SELECT event_type, COUNT(*) AS count, COUNT(DISTINCT ${visitorKey}) AS unique_visitors
       FROM semantic_events WHERE ${where}
       GROUP BY event_type ORDER BY count DESC, event_type LIMIT ?`,
      ...params,
      limit,
    ),
    byName: db.all(
      `SELECT event_name, COUNT(*) AS count, COUNT(DISTINCT ${visitorKey}) AS unique_visitors
       FROM semantic_events WHERE ${where} AND event_type = 'custom' AND event_name IS NOT NULL
       GROUP BY event_name ORDER BY count DESC, event_name LIMIT ?`,
      ...params,
      limit,
    ),
  };
}

/**
 * Campaign → event correlation for one site: per utm_campaign value (null = organic) the
 * visitors of its views and the events tagged with it (optionally of one type), at most `limit`
 * values ordered by visitors; each with its top event types and custom event names.
 */
export function campaignEventCorrelation(
  db: Database,
  siteId: string,
  range: TimeRange,
  options: { eventType?: string | null; limit?: number; breakdown?: number } = {},
): CampaignEventRow[] {
  const limit = options.limit ?? 50;
  const breakdown = options.breakdown ?? 10;
  const typeFilter = options.eventType ? "AND e.event_type = ?" : "";
  const typeParams: SqlParam[] = options.eventType ? [options.eventType] : [];
  const eventParams = [siteId, range.since, range.until, ...typeParams];
  const visitorKey = "substr(e.created_at, 1, 10) || ' ' || COALESCE(e.visitor_id, e.session_id)";
  const rows = db.all<Omit<CampaignEventRow, "event_types" | "event_names">>(
    `WITH visits AS (
       SELECT v.utm_campaign, COUNT(DISTINCT substr(v.created_at, 1, 10) || ' ' || v.visitor_id)
                AS visitors
       FROM visitor_views v
       WHERE v.site_id = ? AND v.created_at >= ? AND v.created_at < ? AND ${cleanView("v.")}
       GROUP BY v.utm_campaign
     ),
     tagged AS (
       SELECT e.utm_campaign, COUNT(*) AS events, COUNT(DISTINCT ${visitorKey}) AS event_visitors
       FROM semantic_events e WHERE ${eventWhere("e.")} ${typeFilter}
       GROUP BY e.utm_campaign
     ),
     keyed AS (SELECT utm_campaign FROM visits UNION SELECT utm_campaign FROM tagged)
     SELECT k.utm_campaign, COALESCE(v.visitors, 0) AS visitors, COALESCE(t.events, 0) AS events,
            COALESCE(t.event_visitors, 0) AS event_visitors
     FROM keyed k
     LEFT JOIN visits v ON v.utm_campaign IS k.utm_campaign
     LEFT JOIN tagged t ON t.utm_campaign IS k.utm_campaign
     ORDER BY visitors DESC, events DESC, k.utm_campaign IS NULL, k.utm_campaign LIMIT ?`,
    siteId,
    range.since,
    range.until,
    ...eventParams,
    limit,
  );
  return rows.map((row) => {
    const params = [row.utm_campaign, ...eventParams, breakdown];
    const match = "e.utm_campaign IS ?";
    return {
      ...row,
      event_types: db.all(
        `SELECT e.event_type, COUNT(*) AS count, COUNT(DISTINCT ${visitorKey}) AS unique_visitors
         FROM semantic_events e WHERE ${match} AND ${eventWhere("e.")} ${typeFilter}
         GROUP BY e.event_type ORDER BY count DESC, e.event_type LIMIT ?`,
        ...params,
      ),
      event_names: db.all(
        `SELECT e.event_name, COUNT(*) AS count, COUNT(DISTINCT ${visitorKey}) AS unique_visitors
         FROM semantic_events e WHERE ${match} AND ${eventWhere("e.")} ${typeFilter}
           AND e.event_type = 'custom' AND e.event_name IS NOT NULL
         GROUP BY e.event_name ORDER BY count DESC, e.event_name LIMIT ?`,
        ...params,
      ),
    };
  });
}

/** The rows of the campaign list: the registered campaigns and their traffic totals. */
export function campaignSummaryRows(
  db: Database,
  range: TimeRange,
  filter: CampaignFilter,
): CampaignSummaryRows {
  return { campaigns: listCampaigns(db, filter), totals: campaignTotals(db, range, filter) };
}

/** The rows of one campaign's report: its traffic and its events. */
export function campaignReportRows(
  db: Database,
  campaign: CampaignRecord,
  range: TimeRange,
): CampaignReportRows {
  return {
    traffic: campaignTraffic(db, campaign, range),
    events: campaignEvents(db, campaign, range),
  };
}

/** The rows of a site's campaign → event correlation: its campaigns and the correlation. */
export function campaignEventsRows(
  db: Database,
  siteId: string,
  range: TimeRange,
  options: { eventType?: string | null },
): CampaignEventsRows {
  return {
    campaigns: listCampaigns(db, { siteId }),
    correlation: campaignEventCorrelation(db, siteId, range, options),
  };
}
