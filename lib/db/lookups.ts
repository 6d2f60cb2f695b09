// Small reads that feed the collectors' in-memory caches (refreshed on timers, never per hit).
import type { Database } from "./database.ts";
import type { SiteCollectSettings } from "../store/sites.ts";

export function listSiteIds(db: Database): string[] {
  return db.all<{ site_id: string }>("SELECT site_id FROM sites ORDER BY site_id").map((r) =>
    r.site_id
  );
}

export function listExcludedVisitorIds(db: Database, limit = 200_000): string[] {
  return db.all<{ visitor_id: string }>(
    "SELECT visitor_id FROM excluded_visitors ORDER BY created_at DESC LIMIT ?",
    limit,
  ).map((r) => r.visitor_id);
}

/** Active registered campaigns as site → utm_campaign values (the reference's whitelist). */
export function listActiveCampaigns(db: Database): Map<string, Set<string>> {
  const map = new Map<string, Set<string>>();
  for (
    const row of db.all<{ site_id: string; utm_campaign: string }>(
      "SELECT site_id, utm_campaign FROM utm_campaigns WHERE status = 'active'",
    )
  ) {
    let set = map.get(row.site_id);
    if (!set) map.set(row.site_id, set = new Set());
    set.add(row.utm_campaign);
  }
  return map;
}

/** Every defined experiment as site → experiment id → variant ids (anonymised sites keep these). */
export function listExperimentVariants(db: Database): Map<string, Map<string, Set<string>>> {
  const map = new Map<string, Map<string, Set<string>>>();
  for (
    const row of db.all<{ site_id: string; experiment_id: string; variant_id: string | null }>(
      `SELECT e.site_id, e.experiment_id, v.variant_id
       FROM experiments e LEFT JOIN experiment_variants v ON v.experiment_id = e.experiment_id`,
    )
  ) {
    let site = map.get(row.site_id);
    if (!site) map.set(row.site_id, site = new Map());
    let variants = site.get(row.experiment_id);
    if (!variants) site.set(row.experiment_id, variants = new Set());
    if (row.variant_id !== null) variants.add(row.variant_id);
  }
  return map;
}

export type { SiteCollectSettings };

export function listSiteSettings(db: Database): Map<string, SiteCollectSettings> {
  const map = new Map<string, SiteCollectSettings>();
  for (
    const row of db.all<
      {
        site_id: string;
        consent_css: string | null;
        send_form_values: number;
        query_allowlist: string | null;
      }
    >("SELECT site_id, consent_css, send_form_values, query_allowlist FROM site_settings")
  ) {
    map.set(row.site_id, {
      sendFormValues: row.send_form_values === 1,
      queryAllowlist: (row.query_allowlist ?? "").split(",").map((s) => s.trim()).filter(Boolean),
      consentCss: row.consent_css ?? "",
    });
  }
  return map;
}
