// Site management shared by the admin pages (/admin/sites) and the JSON API (/api/sites): the
// list's search, the writes, and refreshing the collectors' cache so a change applies to the next
// hit (input schemas: lib/admin/site_input.ts). The embed snippet lives here too.
import {
  createSite,
  type CreateSiteOutcome,
  deleteSite,
  getSite,
  renameSite,
  saveSiteSettings,
  type SiteDeletion,
  type SiteListQuery,
  type SiteRecord,
} from "../db/sites.ts";
import type { Services } from "../services.ts";
import { DAY_MS, isoDay } from "./period.ts";
import type { SiteSettingsUpdate } from "./site_input.ts";

export {
  MAX_ALLOWLIST_ENTRIES,
  MAX_SITE_NAME,
  parseSiteId,
  parseSiteName,
  parseSiteSettings,
  type SiteSettingsUpdate,
} from "./site_input.ts";

/** Sites per page of /admin/sites, and the default page of GET /api/sites. */
export const SITES_PER_PAGE = 50;
const MAX_SEARCH = 100;

/** The settings form's fields as a settings update (a checkbox is absent when off). */
export function siteSettingsFromForm(form: URLSearchParams): Record<string, unknown> {
  return {
    name: form.get("name") ?? "",
    consent_css: form.get("consent_css") ?? "",
    send_form_values: form.get("send_form_values") === "on",
    query_allowlist: form.get("query_allowlist") ?? "",
    // Absent (an older form): unchanged; emptied: back to UTC.
    time_zone: form.has("time_zone") ? form.get("time_zone")!.trim() || "UTC" : undefined,
  };
}

/**
 * The site list's query: its search text (`?q=`, trimmed, at most 100 characters) and the instants
 * the view counts start from (today and the last 30 days, UTC).
 */
export function siteListQuery(url: URL, now: number): SiteListQuery {
  const today = `${isoDay(now)}T00:00:00.000Z`;
  return {
    since: { today, monthStart: new Date(Date.parse(today) - 29 * DAY_MS).toISOString() },
    search: (url.searchParams.get("q") ?? "").trim().slice(0, MAX_SEARCH),
  };
}

type SiteServices = Pick<Services, "db" | "collect" | "now">;

/** The collectors' view of the sites (and the room left for new ones) after an admin change. */
function refreshCaches(services: SiteServices): void {
  services.collect.caches.resetSites(services.db);
  services.collect.caches.refresh(services.db, services.now());
}

export function addSite(
  services: SiteServices,
  siteId: string,
  name: string | null,
): CreateSiteOutcome {
  const outcome = createSite(services.db, siteId, name);
  if (outcome !== "exists") refreshCaches(services);
  return outcome;
}

/** Applies a validated update to an existing site; returns the stored record. */
export function updateSite(
  services: SiteServices,
  site: SiteRecord,
  update: SiteSettingsUpdate,
): SiteRecord {
  const db = services.db;
  db.transaction(() => {
    if (update.name !== undefined) renameSite(db, site.site_id, update.name);
    const touchesSettings = update.consent_css !== undefined ||
      update.send_form_values !== undefined || update.query_allowlist !== undefined ||
      update.time_zone !== undefined;
    if (touchesSettings) {
      saveSiteSettings(db, site.site_id, {
        consent_css: update.consent_css ?? site.consent_css,
        send_form_values: update.send_form_values ?? site.send_form_values,
        query_allowlist: update.query_allowlist ?? site.query_allowlist,
        time_zone: update.time_zone ?? site.time_zone,
      });
    }
  });
  refreshCaches(services);
  return getSite(db, site.site_id) ?? site;
}

export function removeSite(
  services: SiteServices,
  siteId: string,
  purgeData: boolean,
): SiteDeletion {
  const deletion = deleteSite(services.db, siteId, { purgeData });
  refreshCaches(services);
  return deletion;
}

/** The tag a site pastes into its pages. */
export function embedSnippet(origin: string, siteId: string): string {
  return `<script src="${origin}/ea.js" data-site="${siteId}" defer></script>`;
}
