// Sites as the admin manages them: the registry (auto-registered by hits or added by an admin),
// each site's collection settings (site_settings), its recent view counts, and deletion.
import { BOT_SCORE_THRESHOLD } from "./columns.ts";
import type { Database } from "./database.ts";
import { notExcludedPredicate } from "./bots.ts";

export interface SiteOption {
  site_id: string;
  name: string | null;
}

/** Every registered site, for selectors (the registry, never a scan of the views). */
export function siteOptions(db: Database): SiteOption[] {
  return db.all<SiteOption>("SELECT site_id, name FROM sites ORDER BY site_id");
}

export interface SiteListRow {
  site_id: string;
  name: string | null;
  source: "auto" | "admin";
  created_at: string;
  views_today: number;
  views_30d: number;
}

/** Sites with their human page views since `today` and since `monthStart` (ISO instants). */
export function listSites(
  db: Database,
  since: { today: string; monthStart: string },
): SiteListRow[] {
  const human = `v.bot_score < ${BOT_SCORE_THRESHOLD} AND ${notExcludedPredicate("v.visitor_id")}`;
  return db.all<SiteListRow>(
    `SELECT s.site_id, s.name, s.source, s.created_at,
            (SELECT COUNT(*) FROM visitor_views v
             WHERE v.site_id = s.site_id AND v.created_at >= ?1 AND ${human}) AS views_today,
            (SELECT COUNT(*) FROM visitor_views v
             WHERE v.site_id = s.site_id AND v.created_at >= ?2 AND ${human}) AS views_30d
     FROM sites s ORDER BY s.site_id`,
    since.today,
    since.monthStart,
  );
}

export interface SiteRecord {
  site_id: string;
  name: string | null;
  source: "auto" | "admin";
  created_at: string;
  consent_css: string;
  send_form_values: boolean;
  query_allowlist: string[];
}

export function getSite(db: Database, siteId: string): SiteRecord | null {
  const row = db.get<
    Omit<SiteRecord, "consent_css" | "send_form_values" | "query_allowlist"> & {
      consent_css: string | null;
      send_form_values: number | null;
      query_allowlist: string | null;
    }
  >(
    `SELECT s.site_id, s.name, s.source, s.created_at, t.consent_css, t.send_form_values,
            t.query_allowlist
     FROM sites s LEFT JOIN site_settings t ON t.site_id = s.site_id
     WHERE s.site_id = ?`,
    siteId,
  );
  if (!row) return null;
  return {
    ...row,
    consent_css: row.consent_css ?? "",
    send_form_values: row.send_form_values === 1,
    query_allowlist: splitAllowlist(row.query_allowlist),
  };
}

export function splitAllowlist(text: string | null): string[] {
  return (text ?? "").split(",").map((s) => s.trim()).filter(Boolean);
}

export type CreateSiteOutcome = "created" | "registered" | "exists";

/**
 * Adds a site. A site already known from its hits ("auto") becomes an admin site and takes the
 * name, if one is given ("registered"); an admin site is left alone ("exists").
 */
export function createSite(db: Database, siteId: string, name: string | null): CreateSiteOutcome {
  return db.transaction(() => {
    const existing = db.get<{ source: string }>(
      "SELECT source FROM sites WHERE site_id = ?",
      siteId,
    );
    if (!existing) {
      db.run("INSERT INTO sites (site_id, name, source) VALUES (?, ?, 'admin')", siteId, name);
      return "created";
    }
    if (existing.source === "admin") return "exists";
    db.run(
      "UPDATE sites SET source = 'admin', name = COALESCE(?, name) WHERE site_id = ?",
      name,
      siteId,
    );
    return "registered";
  });
}

export function renameSite(db: Database, siteId: string, name: string | null): boolean {
  return db.run("UPDATE sites SET name = ? WHERE site_id = ?", name, siteId).changes > 0;
}

export interface SiteSettingsInput {
  consent_css: string;
  send_form_values: boolean;
  query_allowlist: readonly string[];
}

/** Stores a site's collection settings (already validated and sanitised). */
export function saveSiteSettings(db: Database, siteId: string, settings: SiteSettingsInput): void {
  db.run(
    `INSERT INTO site_settings (site_id, consent_css, send_form_values, query_allowlist)
     VALUES (?, ?, ?, ?)
     ON CONFLICT (site_id) DO UPDATE SET consent_css = excluded.consent_css,
       send_form_values = excluded.send_form_values,
       query_allowlist = excluded.query_allowlist,
       updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')`,
    siteId,
    settings.consent_css === "" ? null : settings.consent_css,
    settings.send_form_values ? 1 : 0,
    settings.query_allowlist.length === 0 ? null : settings.query_allowlist.join(","),
  );
}

export interface SiteDeletion {
  site: number;
  views: number;
  events: number;
  bot_traffic: number;
  drop_counts: number;
  rollups: number;
}

/** The per-site rollup tables (migrations 4 and 6), emptied with the site's raw data. */
const SITE_ROLLUP_TABLES = [
  "rollup_daily",
  "rollup_daily_totals",
  "rollup_hourly",
  "rollup_blocks",
] as const;

/**
 * Removes a site and its settings; with `purgeData` also everything stored for it (views,
 * events, known-bot and drop counters, rollups), in one transaction. Without purging, the next hit
 * registers the site again unless the collectors only accept registered sites.
 */
export function deleteSite(
  db: Database,
  siteId: string,
  options: { purgeData: boolean },
): SiteDeletion {
  return db.transaction(() => {
    const site = db.run("DELETE FROM sites WHERE site_id = ?", siteId).changes;
    db.run("DELETE FROM site_settings WHERE site_id = ?", siteId);
    const counts: SiteDeletion = {
      site,
      views: 0,
      events: 0,
      bot_traffic: 0,
      drop_counts: 0,
      rollups: 0,
    };
    if (options.purgeData) {
      counts.views = db.run("DELETE FROM visitor_views WHERE site_id = ?", siteId).changes;
      counts.events = db.run("DELETE FROM semantic_events WHERE site_id = ?", siteId).changes;
      counts.bot_traffic = db.run("DELETE FROM bot_traffic WHERE site_id = ?", siteId).changes;
      counts.drop_counts = db.run("DELETE FROM drop_counts WHERE site_id = ?", siteId).changes;
      for (const table of SITE_ROLLUP_TABLES) {
        counts.rollups += db.run(`DELETE FROM ${table} WHERE site_id = ?`, siteId).changes;
      }
    }
    return counts;
  });
}

/** How many views and events are stored for a site (what a purge would delete). */
export function siteDataCounts(db: Database, siteId: string): { views: number; events: number } {
  return {
    views: db.get<{ n: number }>(
      "SELECT COUNT(*) AS n FROM visitor_views WHERE site_id = ?",
      siteId,
    )!.n,
    events: db.get<{ n: number }>(
      "SELECT COUNT(*) AS n FROM semantic_events WHERE site_id = ?",
      siteId,
    )!.n,
  };
}
