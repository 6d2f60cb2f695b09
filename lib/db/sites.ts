// Sites as the admin manages them: the registry (registered by hits within limits, or added by an
// admin), each site's collection settings and time zone (site_settings), pages of sites with their
// recent view counts, bounded selector choices, and deletion.
import { BOT_SCORE_THRESHOLD } from "./columns.ts";
import { deleteSiteAnnotations } from "./annotations.ts";
import type { Database } from "./database.ts";
import { deleteSiteAggregates, rekeySiteAggregates } from "./aggregates.ts";
import { notExcludedPredicate } from "./bots.ts";
import { isUtcZone, storedZone } from "./local_day.ts";
import { type KeysetPage, keysetPage, type PageRequest } from "./keyset.ts";
import {
  type CreateSiteOutcome,
  type PendingSite,
  REGISTRATION_WINDOW_MS,
  type RegistrationLimits,
  type RegistrationState,
  SITE_LIST_KEYS,
  type SiteChoices,
  type SiteDeletion,
  type SiteListQuery,
  type SiteListRow,
  type SiteOption,
  type SiteRecord,
} from "../store/sites.ts";

// ---------------------------------------------------------------------------------------------
// Automatic registration, bounded (lib/ingest/site_registrar.ts decides per hit from memory; these
// are the counts it starts from and the insert that re-checks them, so restarts and several
// instances sharing one database stay within the limits).

export function registrationState(db: Database, now: number, perHour: number): RegistrationState {
  const sites = db.get<{ n: number }>("SELECT COUNT(*) AS n FROM sites")!.n;
  const recent = db.all<{ created_at: string }>(
    `SELECT created_at FROM sites WHERE source = 'auto' AND created_at > ?
     ORDER BY created_at DESC LIMIT ?`,
    new Date(now - REGISTRATION_WINDOW_MS).toISOString(),
    perHour,
  ).map((row) => Date.parse(row.created_at)).reverse();
  return { sites, recent };
}

/**
 * Registers sites first seen on hits, in order, each while the registry holds fewer than
 * `maxSites` sites and fewer than `perHour` automatic registrations happened in the hour before
 * `now` (exempt sites always). Counting and inserting are one transaction. Returns the ids
 * refused: the room was taken meanwhile (by another instance, or an admin's new sites).
 */
export function registerSites(
  db: Database,
  sites: readonly PendingSite[],
  limits: RegistrationLimits,
  now: number,
): string[] {
  return db.transaction(() => {
    const state = registrationState(db, now, limits.perHour);
    let count = state.sites;
    let recent = state.recent.length;
    const refused: string[] = [];
    for (const site of sites) {
      if (db.get("SELECT 1 FROM sites WHERE site_id = ?", site.siteId)) continue;
      if (!site.exempt && (count >= limits.maxSites || recent >= limits.perHour)) {
        refused.push(site.siteId);
        continue;
      }
      db.run(
        "INSERT INTO sites (site_id, source, created_at) VALUES (?, 'auto', ?)",
        site.siteId,
        new Date(site.at).toISOString(),
      );
      count++;
      recent++;
    }
    return refused;
  });
}

// ---------------------------------------------------------------------------------------------
// Lists and selectors: always a bounded number of rows, however many sites are registered.

/** Sites for a selector (index range scans of the registry, never a scan of the views). */
export function siteChoices(db: Database, limit: number): SiteChoices {
  const select = (source: string, n: number) =>
    db.all<SiteOption>(
      "SELECT site_id, name FROM sites WHERE source = ? ORDER BY site_id LIMIT ?",
      source,
      n,
    );
  const options = select("admin", limit);
  if (options.length < limit) options.push(...select("auto", limit - options.length));
  const total = db.get<{ n: number }>("SELECT COUNT(*) AS n FROM sites")!.n;
  return { options, total };
}

/** One page of the sites by id, with their human page views since `today` and `monthStart`. */
export function listSites(
  db: Database,
  query: SiteListQuery,
  request: PageRequest,
): KeysetPage<SiteListRow> {
  const human = `v.bot_score < ${BOT_SCORE_THRESHOLD} AND ${notExcludedPredicate("v.visitor_id")}`;
  const search = query.search?.toLowerCase() ?? "";
  return keysetPage<SiteListRow>(db, {
    sql: `SELECT s.site_id, s.name, s.source, s.created_at,
            (SELECT COUNT(*) FROM visitor_views v
             WHERE v.site_id = s.site_id AND v.created_at >= ? AND ${human}) AS views_today,
            (SELECT COUNT(*) FROM visitor_views v
             WHERE v.site_id = s.site_id AND v.created_at >= ? AND ${human}) AS views_30d
          FROM sites s
          ${search ? "WHERE instr(s.site_id, ?) > 0 OR instr(lower(s.name), ?) > 0" : ""}`,
    args: [query.since.today, query.since.monthStart, ...(search ? [search, search] : [])],
    keys: SITE_LIST_KEYS,
    descending: false,
  }, request);
}

export function getSite(db: Database, siteId: string): SiteRecord | null {
  const row = db.get<
    Omit<SiteRecord, "consent_css" | "send_form_values" | "query_allowlist" | "time_zone"> & {
      consent_css: string | null;
      send_form_values: number | null;
      query_allowlist: string | null;
      time_zone: string | null;
    }
  >(
    `SELECT s.site_id, s.name, s.source, s.created_at, t.consent_css, t.send_form_values,
            t.query_allowlist, t.time_zone
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
    time_zone: row.time_zone ?? "UTC",
  };
}

/**
 * The time zone of each of `siteIds` that has one other than UTC (a site without settings, or
 * unknown, is UTC): one indexed lookup per call, for the query API and the admin selection.
 */
export function siteTimeZones(db: Database, siteIds: readonly string[]): Map<string, string> {
  const zones = new Map<string, string>();
  if (siteIds.length === 0) return zones;
  const rows = db.all<{ site_id: string; time_zone: string }>(
    `SELECT site_id, time_zone FROM site_settings
     WHERE time_zone IS NOT NULL AND time_zone <> 'UTC'
       AND site_id IN (${siteIds.map(() => "?").join(", ")})`,
    ...siteIds,
  );
  for (const row of rows) zones.set(row.site_id, row.time_zone);
  return zones;
}

export function splitAllowlist(text: string | null): string[] {
  return (text ?? "").split(",").map((s) => s.trim()).filter(Boolean);
}

/** When the first stored view of a site (null: of any site) happened (ISO), or null. */
export function firstStoredView(db: Database, siteId: string | null): string | null {
  const row = siteId === null
    ? db.get<{ at: string | null }>("SELECT MIN(created_at) AS at FROM visitor_views")
    : db.get<{ at: string | null }>(
      "SELECT MIN(created_at) AS at FROM visitor_views WHERE site_id = ?",
      siteId,
    );
  return row?.at ?? null;
}

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
  /** An IANA zone already checked (lib/query/time_zone.ts isTimeZone); "UTC" is stored as null. */
  time_zone: string;
}

/** Stores a site's collection settings and time zone (already validated and sanitised). */
export function saveSiteSettings(db: Database, siteId: string, settings: SiteSettingsInput): void {
  const zone = isUtcZone(settings.time_zone) ? null : settings.time_zone;
  db.transaction(() => {
    const before = storedZone(db, siteId);
    writeSiteSettings(db, siteId, settings);
    // The per-day aggregates are kept in the site's local days (lib/db/aggregates.ts).
    if (before !== zone) rekeySiteAggregates(db, siteId);
  });
}

function writeSiteSettings(db: Database, siteId: string, settings: SiteSettingsInput): void {
  db.run(
    `INSERT INTO site_settings (site_id, consent_css, send_form_values, query_allowlist,
       time_zone)
     VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (site_id) DO UPDATE SET consent_css = excluded.consent_css,
       send_form_values = excluded.send_form_values,
       query_allowlist = excluded.query_allowlist,
       time_zone = excluded.time_zone,
       updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')`,
    siteId,
    settings.consent_css === "" ? null : settings.consent_css,
    settings.send_form_values ? 1 : 0,
    settings.query_allowlist.length === 0 ? null : settings.query_allowlist.join(","),
    isUtcZone(settings.time_zone) ? null : settings.time_zone,
  );
}

/** The per-site rollup tables (migrations 4 and 6), emptied with the site's raw data. */
const SITE_ROLLUP_TABLES = [
  "rollup_daily",
  "rollup_daily_totals",
  "rollup_hourly",
  "rollup_blocks",
] as const;

/**
 * Removes a site, its settings and its annotations; with `purgeData` also everything stored for it (views,
 * events, known-bot (server-side crawlers included) and drop counters, rollups), in one transaction. Without purging, the next hit
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
    // Its goals, funnels and segments are its configuration, as its settings: a site registered
    // again under the id starts without them.
    db.run("DELETE FROM goals WHERE site_id = ?", siteId);
    db.run("DELETE FROM funnels WHERE site_id = ?", siteId);
    db.run("DELETE FROM segments WHERE site_id = ?", siteId);
    // An admin's notes about the site, not collected data: they go with the site itself.
    deleteSiteAnnotations(db, siteId);
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
      db.run("DELETE FROM sessions WHERE site_id = ?", siteId);
      counts.events = db.run("DELETE FROM semantic_events WHERE site_id = ?", siteId).changes;
      deleteSiteAggregates(db, siteId);
      counts.bot_traffic = db.run("DELETE FROM bot_traffic WHERE site_id = ?", siteId).changes;
      // Server-side crawler hits (lib/db/crawlers.ts) are known-bot traffic too.
      counts.bot_traffic += db.run("DELETE FROM crawler_traffic WHERE site_id = ?", siteId).changes;
      db.run("DELETE FROM crawler_imports WHERE site_id = ?", siteId);
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
