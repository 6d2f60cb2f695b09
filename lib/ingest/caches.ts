// In-memory views of small tables the collectors consult on every hit (registered sites and the
// room left for new ones, excluded visitors, active campaigns, per-site settings, the admin's
// run-time debug switch and default consent CSS), read through the store's areas. Refreshed by a
// job (every REFRESH_EVERY_MS) and right after an admin change on this instance, never while a
// hit waits; another instance sharing the database sees a change within one refresh interval.
import { ADMIN_SETTING_KEYS } from "../admin/setting_keys.ts";
import type { RegistrationLimits, SiteCollectSettings, SiteStore } from "../store/sites.ts";
import type { CampaignStore } from "../store/campaigns.ts";
import type { AppDataStore } from "../store/types.ts";
import { SiteRegistrar } from "./site_registrar.ts";

/** The store's areas the caches read. */
export type CacheSources = Pick<AppDataStore, "sites" | "settings" | "campaigns" | "bots">;

const NO_SETTINGS: SiteCollectSettings = {
  sendFormValues: false,
  queryAllowlist: [],
  consentCss: "",
};

/** How many exclusions the cache holds (the most recent). */
const MAX_EXCLUDED = 200_000;

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

  /** Re-reads everything; the cached values change together, once every read is answered. */
  async refresh(store: CacheSources, now: number): Promise<void> {
    const [sites, excluded, campaigns, instance, settings] = await Promise.all([
      store.sites.ids(),
      store.bots.excludedIds(MAX_EXCLUDED),
      store.campaigns.activeBySite(),
      store.settings.getMany([ADMIN_SETTING_KEYS.debug, ADMIN_SETTING_KEYS.defaultConsentCss]),
      store.sites.collectSettings(),
      this.registrar.refresh(store.sites, now),
    ]);
    for (const site of sites) this.#sites.add(site);
    this.#excluded = new Set(excluded);
    this.#campaigns = campaigns;
    this.#debug = instance.get(ADMIN_SETTING_KEYS.debug) === "true";
    const consentCss = instance.get(ADMIN_SETTING_KEYS.defaultConsentCss) ?? "";
    this.#defaults = { ...NO_SETTINGS, consentCss };
    // Sites without their own consent CSS get the instance default.
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
  async learnSites(sites: SiteStore): Promise<void> {
    for (const site of await sites.ids()) this.#sites.add(site);
  }

  /** Replaces the known sites exactly (after an admin deletes one). */
  async resetSites(sites: SiteStore): Promise<void> {
    this.#sites = new Set(await sites.ids());
  }

  /** Forgets sites the store refused to register (their next hit is refused here too). */
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
  async refreshCampaigns(campaigns: CampaignStore): Promise<void> {
    this.#campaigns = await campaigns.activeBySite();
  }

  isActiveCampaign(siteId: string, utmCampaign: string): boolean {
    return this.#campaigns.get(siteId)?.has(utmCampaign) ?? false;
  }

  settings(siteId: string): SiteCollectSettings {
    return this.#settings.get(siteId) ?? this.#defaults;
  }
}
