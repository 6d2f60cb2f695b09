// In-memory views of small tables the collectors consult on every hit (registered sites,
// excluded visitors, active campaigns, per-site settings). Refreshed by a job and right after an
// admin change, never while a hit waits.
import type { Database } from "../db/mod.ts";
import {
  listActiveCampaigns,
  listExcludedVisitorIds,
  listSiteIds,
  listSiteSettings,
  type SiteCollectSettings,
} from "../db/lookups.ts";

const NO_SETTINGS: SiteCollectSettings = {
  sendFormValues: false,
  queryAllowlist: [],
  consentCss: "",
};

export class CollectCaches {
  #sites = new Set<string>();
  #excluded = new Set<string>();
  #campaigns = new Map<string, Set<string>>();
  #settings = new Map<string, SiteCollectSettings>();
  refreshedAt = 0;

  refresh(db: Database, now: number): void {
    // Sites registered by hits still waiting in the writer stay known.
    for (const site of listSiteIds(db)) this.#sites.add(site);
    this.#excluded = new Set(listExcludedVisitorIds(db));
    this.#campaigns = listActiveCampaigns(db);
    this.#settings = listSiteSettings(db);
    this.refreshedAt = now;
  }

  /** Replaces the known sites exactly (after an admin deletes one). */
  resetSites(db: Database): void {
    this.#sites = new Set(listSiteIds(db));
  }

  isRegistered(siteId: string): boolean {
    return this.#sites.has(siteId);
  }

  /** Remembers a site seen on a valid hit; true when it is new (the caller persists it). */
  noteSite(siteId: string): boolean {
    if (this.#sites.has(siteId)) return false;
    this.#sites.add(siteId);
    return true;
  }

  isExcluded(visitorId: string): boolean {
    return this.#excluded.has(visitorId);
  }

  exclude(visitorId: string): void {
    this.#excluded.add(visitorId);
  }

  include(visitorId: string): void {
    this.#excluded.delete(visitorId);
  }

  isActiveCampaign(siteId: string, utmCampaign: string): boolean {
    return this.#campaigns.get(siteId)?.has(utmCampaign) ?? false;
  }

  settings(siteId: string): SiteCollectSettings {
    return this.#settings.get(siteId) ?? NO_SETTINGS;
  }
}
