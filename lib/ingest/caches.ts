// In-memory views of small tables the collectors consult on every hit (registered sites,
// excluded visitors, active campaigns, per-site settings, the admin's run-time debug switch and
// default consent CSS). Refreshed by a job and right after an admin change, never while a hit
// waits.
import type { Database } from "../db/mod.ts";
import { ADMIN_SETTING_KEYS, instanceSetting } from "../db/settings.ts";
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
  #defaults: SiteCollectSettings = NO_SETTINGS;
  #debug = false;
  refreshedAt = 0;

  refresh(db: Database, now: number): void {
    // Sites registered by hits still waiting in the writer stay known.
    for (const site of listSiteIds(db)) this.#sites.add(site);
    this.#excluded = new Set(listExcludedVisitorIds(db));
    this.#campaigns = listActiveCampaigns(db);
    this.#debug = instanceSetting(db, ADMIN_SETTING_KEYS.debug) === "true";
    const consentCss = instanceSetting(db, ADMIN_SETTING_KEYS.defaultConsentCss) ?? "";
    this.#defaults = { ...NO_SETTINGS, consentCss };
    // Sites without their own consent CSS get the instance default.
    const settings = listSiteSettings(db);
    for (const [site, value] of settings) {
      if (value.consentCss === "" && consentCss !== "") {
        settings.set(site, { ...value, consentCss });
      }
    }
    this.#settings = settings;
    this.refreshedAt = now;
  }

  /** Debug switched on in the admin (ECHELON_DEBUG=true applies regardless). */
  get runtimeDebug(): boolean {
    return this.#debug;
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

  /** Re-reads the active campaigns only (right after an admin creates or changes one). */
  refreshCampaigns(db: Database): void {
    this.#campaigns = listActiveCampaigns(db);
  }

  isActiveCampaign(siteId: string, utmCampaign: string): boolean {
    return this.#campaigns.get(siteId)?.has(utmCampaign) ?? false;
  }

  settings(siteId: string): SiteCollectSettings {
    return this.#settings.get(siteId) ?? this.#defaults;
  }
}
