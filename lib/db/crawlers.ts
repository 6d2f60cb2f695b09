// SQL of the server-side crawler report (lib/crawlers/): writing crawler hits and import
// progress, the report's reads (per crawler, page and day), the AI-assistant referrals of the
// same pages, and retention. The types are the interface's (lib/store/crawlers.ts).
import { notExcludedPredicate } from "./bots.ts";
import { BOT_SCORE_THRESHOLD } from "./columns.ts";
import type { Database, SqlParam } from "./database.ts";
import { OTHER_VALUE } from "./stats_source.ts";
import type {
  AiReferral,
  CrawlCount,
  CrawlDelta,
  CrawlPageCount,
  CrawlRange,
  CrawlReportRows,
  ImportProgress,
} from "../store/crawlers.ts";

/**
 * Adds crawler hits in one transaction. A site keeps at most `maxRows` rows a day, so made-up
 * paths cannot grow the table without bound: past that, a new row's hits go to its crawler's
 * "(other)" path (as the known-bot counters do, lib/db/collect.ts).
 */
export function addCrawlerTraffic(
  db: Database,
  deltas: readonly CrawlDelta[],
  maxRows = Number.POSITIVE_INFINITY,
): void {
  const bump = db.statement(
    `UPDATE crawler_traffic SET hits = hits + ?, errors = errors + ?
     WHERE date = ? AND site_id = ? AND crawler = ? AND path = ? AND verification = ?`,
  );
  const insert = db.statement(
    `INSERT INTO crawler_traffic (date, site_id, crawler, path, verification, hits, errors)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const count = db.statement(
    "SELECT COUNT(*) AS n FROM crawler_traffic WHERE site_id = ? AND date = ?",
  );
  const add = (d: CrawlDelta, path: string) =>
    Number(bump.run(d.hits, d.errors, d.date, d.siteId, d.crawler, path, d.verification).changes) >
      0;
  const rows = new Map<string, number>();
  db.transaction(() => {
    for (const d of deltas) {
      if (add(d, d.path)) continue;
      const key = `${d.date}\u0000${d.siteId}`;
      const stored = rows.get(key) ??
        Number((count.get(d.siteId, d.date) as { n: number }).n);
      const path = stored < maxRows ? d.path : OTHER_VALUE;
      if (path !== d.path && add(d, path)) continue;
      insert.run(d.date, d.siteId, d.crawler, path, d.verification, d.hits, d.errors);
      rows.set(key, stored + 1);
    }
  });
}

/** The progress recorded for an access log, or null when it was never imported. */
export function importProgress(db: Database, sourceKey: string): ImportProgress | null {
  const row = db.get<{ site_id: string; bytes: number; lines: number }>(
    "SELECT site_id, bytes, lines FROM crawler_imports WHERE source_key = ?",
    sourceKey,
  );
  return row ? { sourceKey, siteId: row.site_id, bytes: row.bytes, lines: row.lines } : null;
}

/** Stores a batch of an import and how far the log has been read, in one transaction. */
export function saveImportBatch(
  db: Database,
  deltas: readonly CrawlDelta[],
  progress: ImportProgress,
  at: string,
  maxRows?: number,
): void {
  db.transaction(() => {
    addCrawlerTraffic(db, deltas, maxRows);
    db.run(
      `INSERT INTO crawler_imports (source_key, site_id, bytes, lines, updated_at)
       VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (source_key) DO UPDATE SET bytes = excluded.bytes, lines = excluded.lines,
         updated_at = excluded.updated_at`,
      progress.sourceKey,
      progress.siteId,
      progress.bytes,
      progress.lines,
      at,
    );
  });
}

function siteFilter(range: CrawlRange, column = "site_id"): { sql: string; args: SqlParam[] } {
  return range.siteId === null
    ? { sql: "", args: [] }
    : { sql: `AND ${column} = ?`, args: [range.siteId] };
}

/** Hits per crawler and verification over the range. */
export function crawlerTotals(db: Database, range: CrawlRange): CrawlCount[] {
  const site = siteFilter(range);
  return db.all(
    `SELECT crawler, verification, SUM(hits) AS hits, SUM(errors) AS errors
     FROM crawler_traffic WHERE date >= ? ${site.sql}
     GROUP BY crawler, verification ORDER BY crawler, verification`,
    range.sinceDate,
    ...site.args,
  );
}

/** Hits per day, crawler and verification, oldest first. */
export function crawlerDays(db: Database, range: CrawlRange): (CrawlCount & { date: string })[] {
  const site = siteFilter(range);
  return db.all(
    `SELECT date, crawler, verification, SUM(hits) AS hits, SUM(errors) AS errors
     FROM crawler_traffic WHERE date >= ? ${site.sql}
     GROUP BY date, crawler, verification ORDER BY date, crawler, verification`,
    range.sinceDate,
    ...site.args,
  );
}

/** Hits per page, crawler and verification for the `limit` most-crawled pages. */
export function crawledPages(db: Database, range: CrawlRange, limit: number): CrawlPageCount[] {
  const site = siteFilter(range);
  return db.all(
    `WITH top AS (
       SELECT site_id, path FROM crawler_traffic WHERE date >= ? ${site.sql}
       GROUP BY site_id, path ORDER BY SUM(hits) DESC, site_id, path LIMIT ?)
     SELECT c.site_id, c.path, c.crawler, c.verification, SUM(c.hits) AS hits,
            SUM(c.errors) AS errors
     FROM crawler_traffic c JOIN top USING (site_id, path)
     WHERE c.date >= ?
     GROUP BY c.site_id, c.path, c.crawler, c.verification
     ORDER BY c.site_id, c.path, c.crawler, c.verification`,
    range.sinceDate,
    ...site.args,
    limit,
    range.sinceDate,
  );
}

/** One day's hits of one crawler on one page (the CSV's detail rows). */
export function crawlerPageDays(
  db: Database,
  range: CrawlRange,
  limit: number,
): (CrawlPageCount & { date: string })[] {
  const site = siteFilter(range);
  return db.all(
    `SELECT date, site_id, path, crawler, verification, hits, errors FROM crawler_traffic
     WHERE date >= ? ${site.sql}
     ORDER BY date, site_id, crawler, path, verification LIMIT ?`,
    range.sinceDate,
    ...site.args,
    limit,
  );
}

/**
 * Human page views (score under the threshold, visitor not excluded) whose referrer is an AI
 * assistant (referrer_type 'ai'), per page and assistant, the pages with most such views first.
 */
export function aiReferrals(db: Database, range: CrawlRange, limit: number): AiReferral[] {
  const site = siteFilter(range);
  return db.all(
    `SELECT site_id, path, referrer_domain AS assistant, COUNT(*) AS views,
            COUNT(DISTINCT visitor_id) AS visitors
     FROM visitor_views
     WHERE created_at >= ? ${site.sql} AND referrer_type = 'ai'
       AND bot_score < ${BOT_SCORE_THRESHOLD} AND ${notExcludedPredicate()}
     GROUP BY site_id, path, referrer_domain
     ORDER BY views DESC, site_id, path, assistant LIMIT ?`,
    `${range.sinceDate}T00:00:00.000Z`,
    ...site.args,
    limit,
  );
}

/** The crawler report's rows over `range`: `limits` bound its pages and its referral rows. */
export function crawlReportRows(
  db: Database,
  range: CrawlRange,
  limits: { pages: number; referrals: number },
): CrawlReportRows {
  return {
    totals: crawlerTotals(db, range),
    days: crawlerDays(db, range),
    pages: crawledPages(db, range, limits.pages),
    referrals: aiReferrals(db, range, limits.referrals),
  };
}

/** Deletes up to `limit` crawler rows of days before `beforeDate`; returns how many. */
export function purgeCrawlerTrafficBatch(db: Database, beforeDate: string, limit: number): number {
  return db.transaction(() =>
    db.run(
      `DELETE FROM crawler_traffic WHERE (date, site_id, crawler, path, verification) IN (
         SELECT date, site_id, crawler, path, verification FROM crawler_traffic
         WHERE date < ? LIMIT ?)`,
      beforeDate,
      limit,
    ).changes
  );
}
