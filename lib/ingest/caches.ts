// In-memory views of small tables the collectors consult on every hit (registered sites and the
// room left for new ones, excluded visitors, active campaigns, per-site settings, the admin's
// run-time debug switch and default consent CSS). Refreshed by a job (every REFRESH_EVERY_MS) and right after an admin
// change on this instance, never while a hit waits; another instance sharing the database sees a
// change within one refresh interval.
import type { Database } from "../db/mod.ts";
import { ADMIN_SETTING_KEYS } from "../admin/setting_keys.ts";
import { instanceSetting } from "../db/settings.ts";
import {
  listActiveCampaigns,
  listExcludedVisitorIds,
  listSiteIds,
  listSiteSettings,
  type SiteCollectSettings,
} from "../db/lookups.ts";
import type { RegistrationLimits } from "../db/sites.ts";
import { SiteRegistrar } from "./site_registrar.ts";

const NO_SETTINGS: SiteCollectSettings = {
  sendFormValues: false,
  queryAllowlist: [],
  consentCss: "",
};

/** How often the collect-caches job re-reads the tables (lib/ingest/collector.ts). */
export const REFRESH_EVERY_MS = 30_000;

export class CollectCaches {
  readonly #envDebug: boolean;
  /** Registration of new sites within ECHELON_MAX_SITES and the hourly rate. */
  readonly registrar: SiteRegistrar;
  #sites = new Set<string>();
  #excluded = new Set<string>();
  #campaigns = new Map<string, Set<string>>();
  #settings = new Map<string, SiteCollectSettings>();
  #defaults: SiteCollectSettings = NO_SETTINGS;
  #debug = false;
  refreshedAt = 0;

  /**
   * `envDebug`: ECHELON_DEBUG=true, which keeps debug on whatever the admin chose. `registration`:
   * ECHELON_MAX_SITES and ECHELON_NEW_SITES_PER_HOUR.
   */
  constructor(options: { envDebug?: boolean; registration: RegistrationLimits }) {
    this.#envDebug = options.envDebug ?? false;
    this.registrar = new SiteRegistrar(options.registration);
  }

  refresh(db: Database, now: number): void {
    this.learnSites(db);
    this.registrar.refresh(db, now);
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

  /**
   * The effective debug switch: ECHELON_DEBUG=true, or the admin's setting as of the last
   * refresh. It picks the tracker's debug build (/ea.js) and turns on drop-reason logging.
   */
  get debug(): boolean {
    return this.#envDebug || this.#debug;
  }

  /** Adds the registry's sites to the known ones (those registered by hits and still waiting to
   * be written stay known). */
  learnSites(db: Database): void {
    for (const site of listSiteIds(db)) this.#sites.add(site);
  }

  /** Replaces the known sites exactly (after an admin deletes one). */
  resetSites(db: Database): void {
    this.#sites = new Set(listSiteIds(db));
  }

  /** Forgets sites the database refused to register (their next hit is refused here too). */
  forgetSites(siteIds: readonly string[]): void {
    for (const site of siteIds) this.#sites.delete(site);
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
