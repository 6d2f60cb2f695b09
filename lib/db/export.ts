// The questions the CSV exports ask (routes/api/export/*): raw page views and events of a period
// in keyset batches (oldest first, so a million-row export is read a batch at a time and never
// held in memory), and the bot report of a period — known-bot hits, dropped hits, stored views
// by score bucket and the suspicious visitors.
import { botFilterSql } from "./admin_views.ts";
import { notExcludedPredicate, SUSPICIOUS_SCORE } from "./bots.ts";
import { BOT_SCORE_THRESHOLD, EVENT_COLUMNS, VIEW_COLUMNS } from "./columns.ts";
import type { Database, Row, SqlParam } from "./database.ts";
import type {
  BotExportRange,
  BotExportRows,
  DroppedDayRow,
  ExportCell,
  KnownBotDayRow,
  RawExport,
  RawExportKind,
  RawExportQuery,
  ScoreBucketRow,
  SuspiciousExportRow,
} from "../store/exports.ts";

/** Exported page-view columns: the stored ones, then whether the visitor is excluded now. */
export const VIEW_EXPORT_COLUMNS = ["id", ...VIEW_COLUMNS, "is_excluded"] as const;
export const EVENT_EXPORT_COLUMNS = ["id", ...EVENT_COLUMNS, "is_excluded"] as const;

/** Where the previous batch ended (the last row's sort key); null before the first batch. */
export interface ExportCursor {
  createdAt: string;
  id: number;
}

interface TableSpec {
  table: "visitor_views" | "semantic_events";
  columns: readonly string[];
  /** The visitor-id expression (events may have none: batch-API rows). */
  visitor: string;
}

const VIEWS: TableSpec = { table: "visitor_views", columns: VIEW_COLUMNS, visitor: "t.visitor_id" };
const EVENTS: TableSpec = {
  table: "semantic_events",
  columns: EVENT_COLUMNS,
  visitor: "COALESCE(t.visitor_id, '')",
};

/** The next batch of rows, or null when the export is complete. */
type Batches = () => Row[] | null;

function batchReader(db: Database, spec: TableSpec, q: RawExportQuery, batchSize: number): Batches {
  // Rows written while the export runs are left out: the file is the table as of its start.
  const last = db.get<{ id: number | null }>(`SELECT MAX(id) AS id FROM ${spec.table}`)?.id ?? 0;
  const where = ["t.created_at < ?", "t.id <= ?"];
  const args: SqlParam[] = [q.until, last];
  if (q.siteId !== null) {
    where.push("t.site_id = ?");
    args.push(q.siteId);
  }
  if (q.eventType) {
    where.push("t.event_type = ?");
    args.push(q.eventType);
  }
  if (q.eventName) {
    where.push("t.event_name = ?");
    args.push(q.eventName);
  }
  // One lower bound on created_at (the period's start, then the cursor's time) makes every
  // batch an index seek on (site_id, created_at); the id tie-break skips the rows already sent
  // that share the cursor's instant.
  const sql = `SELECT t.id, ${spec.columns.map((c) => `t.${c}`).join(", ")},
                      EXISTS (SELECT 1 FROM excluded_visitors x WHERE x.visitor_id = t.visitor_id)
                        AS is_excluded
               FROM ${spec.table} t
               WHERE ${where.join(" AND ")} ${botFilterSql(q.bots, "t", spec.visitor)}
                 AND t.created_at >= ? AND (t.created_at > ? OR t.id > ?)
               ORDER BY t.created_at, t.id LIMIT ?`;
  let cursor: ExportCursor | null = null;
  let done = false;
  return () => {
    if (done) return null;
    const rows = db.all<Row>(
      sql,
      ...args,
      cursor?.createdAt ?? q.since,
      cursor?.createdAt ?? "",
      cursor?.id ?? 0,
      batchSize,
    );
    if (rows.length < batchSize) done = true;
    if (rows.length === 0) return null;
    const tail = rows[rows.length - 1];
    cursor = { createdAt: String(tail.created_at), id: Number(tail.id) };
    return rows;
  };
}

/**
 * A raw export of `kind` in batches of `batchSize`, oldest first, each row's cells in the order
 * of its columns (VIEW_EXPORT_COLUMNS, EVENT_EXPORT_COLUMNS).
 */
export function rawExport(
  db: Database,
  kind: RawExportKind,
  q: RawExportQuery,
  batchSize = 1000,
): Omit<RawExport, "next"> & { next: () => ExportCell[][] | null } {
  const spec = kind === "views" ? VIEWS : EVENTS;
  const columns = kind === "views" ? VIEW_EXPORT_COLUMNS : EVENT_EXPORT_COLUMNS;
  const batches = batchReader(db, spec, q, batchSize);
  return {
    columns,
    next: () => batches()?.map((row) => columns.map((column) => row[column] as ExportCell)) ?? null,
  };
}

// ---------------------------------------------------------------------------------------------
// The bot report of a period (inclusive UTC days)

function siteClause(range: BotExportRange, column = "site_id"): { sql: string; args: SqlParam[] } {
  return range.siteId === null
    ? { sql: "", args: [] }
    : { sql: `AND ${column} = ?`, args: [range.siteId] };
}

const instants = (range: BotExportRange): [string, string] => [
  `${range.from}T00:00:00.000Z`,
  new Date(Date.parse(`${range.to}T00:00:00.000Z`) + 86_400_000).toISOString(),
];

/** Known-bot hits per day, bot and path (summed over sites when none is chosen). */
export function knownBotDays(db: Database, range: BotExportRange): KnownBotDayRow[] {
  const site = siteClause(range);
  return db.all<KnownBotDayRow>(
    `SELECT date, bot_name, path, SUM(hits) AS hits FROM bot_traffic
     WHERE date >= ? AND date <= ? ${site.sql}
     GROUP BY date, bot_name, path ORDER BY date, hits DESC, bot_name, path`,
    range.from,
    range.to,
    ...site.args,
  );
}

/** Hits dropped before storage, per day, endpoint and reason. */
export function droppedDays(db: Database, range: BotExportRange): DroppedDayRow[] {
  const site = siteClause(range);
  return db.all<DroppedDayRow>(
    `SELECT date, endpoint, reason, SUM(hits) AS hits FROM drop_counts
     WHERE date >= ? AND date <= ? ${site.sql}
     GROUP BY date, endpoint, reason ORDER BY date, hits DESC, endpoint, reason`,
    range.from,
    range.to,
    ...site.args,
  );
}

/**
 * Stored page views of the period by score bucket (clean < 25 ≤ suspicious < 50 ≤ bot), with
 * distinct visitors; views of excluded visitors are their own bucket (they count nowhere else).
 */
export function scoreBuckets(db: Database, range: BotExportRange): ScoreBucketRow[] {
  const [since, until] = instants(range);
  const site = siteClause(range, "v.site_id");
  const excluded = `NOT (${notExcludedPredicate("v.visitor_id")})`;
  const rows = db.all<{ bucket: ScoreBucketRow["bucket"]; views: number; visitors: number }>(
    `SELECT CASE WHEN ${excluded} THEN 'excluded'
                 WHEN v.bot_score >= ${BOT_SCORE_THRESHOLD} THEN 'bot'
                 WHEN v.bot_score >= ${SUSPICIOUS_SCORE} THEN 'suspicious'
                 ELSE 'clean' END AS bucket,
            COUNT(*) AS views, COUNT(DISTINCT v.visitor_id) AS visitors
     FROM visitor_views v
     WHERE v.created_at >= ? AND v.created_at < ? ${site.sql}
     GROUP BY bucket`,
    since,
    until,
    ...site.args,
  );
  const found = new Map(rows.map((row) => [row.bucket, row]));
  const buckets: [ScoreBucketRow["bucket"], number, number][] = [
    ["clean", 0, SUSPICIOUS_SCORE - 1],
    ["suspicious", SUSPICIOUS_SCORE, BOT_SCORE_THRESHOLD - 1],
    ["bot", BOT_SCORE_THRESHOLD, 100],
    ["excluded", 0, 100],
  ];
  return buckets.map(([bucket, min_score, max_score]) => ({
    bucket,
    min_score,
    max_score,
    views: found.get(bucket)?.views ?? 0,
    visitors: found.get(bucket)?.visitors ?? 0,
  }));
}

/** The bots CSV's rows over `range`; the `suspiciousLimit` most suspicious visitors, or none. */
export function botExportRows(
  db: Database,
  range: BotExportRange,
  suspiciousLimit: number | null,
): BotExportRows {
  return {
    buckets: scoreBuckets(db, range),
    knownBotDays: knownBotDays(db, range),
    droppedDays: droppedDays(db, range),
    suspicious: suspiciousLimit === null ? null : suspiciousInPeriod(db, range, suspiciousLimit),
  };
}

/** Visitors with a view scored ≥ 25 in the period, highest score first (at most `limit`). */
export function suspiciousInPeriod(
  db: Database,
  range: BotExportRange,
  limit: number,
): SuspiciousExportRow[] {
  const [since, until] = instants(range);
  const site = siteClause(range);
  return db.all<SuspiciousExportRow>(
    `SELECT visitor_id, MAX(bot_score) AS max_bot_score, COUNT(*) AS pageviews,
            MIN(created_at) AS first_seen, MAX(created_at) AS last_seen,
            GROUP_CONCAT(DISTINCT site_id ORDER BY site_id) AS sites,
            GROUP_CONCAT(DISTINCT country_code ORDER BY country_code) AS countries,
            GROUP_CONCAT(DISTINCT device_type ORDER BY device_type) AS devices,
            GROUP_CONCAT(DISTINCT browser_name ORDER BY browser_name) AS browsers,
            EXISTS (SELECT 1 FROM excluded_visitors x WHERE x.visitor_id = v.visitor_id)
              AS is_excluded
     FROM visitor_views v
     WHERE created_at >= ? AND created_at < ? ${site.sql} AND visitor_id IN (
       SELECT visitor_id FROM visitor_views
       WHERE bot_score >= ${SUSPICIOUS_SCORE} AND created_at >= ? AND created_at < ? ${site.sql}
     )
     GROUP BY visitor_id
     ORDER BY max_bot_score DESC, pageviews DESC, visitor_id
     LIMIT ?`,
    since,
    until,
    ...site.args,
    since,
    until,
    ...site.args,
    limit,
  );
}
