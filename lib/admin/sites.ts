// Site management shared by the admin pages (/admin/sites) and the JSON API (/api/sites): the
// list's search, the writes, and refreshing the collectors' cache so a change applies to the next
// hit (input schemas: lib/admin/site_input.ts). The embed snippet lives here too.
import type { CreateSiteOutcome, SiteDeletion, SiteListQuery, SiteRecord } from "../store/sites.ts";
import type { Services } from "../services.ts";
import { DAY_MS, isoDay, parseSite } from "./period.ts";
import type { SiteSettingsUpdate } from "./site_input.ts";
import type { Ctx } from "../state.ts";

export {
  MAX_ALLOWLIST_ENTRIES,
  MAX_SITE_NAME,
  parseSiteId,
  parseSiteName,
  parseSiteSettings,
  type SiteSettingsUpdate,
} from "./site_input.ts";

/** The site of an admin route's `:id` (/admin/sites/:id and its pages), or null: no such site. */
export async function siteOfRoute(ctx: Ctx): Promise<SiteRecord | null> {
  const id = parseSite(ctx.params.id);
  return id === null ? null : await ctx.state.services.store.sites.get(id);
}

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

type SiteServices = Pick<Services, "store" | "collect" | "now">;

/** The collectors' view of the sites (and the room left for new ones) after an admin change. */
async function refreshCaches(services: SiteServices): Promise<void> {
  await services.collect.caches.resetSites(services.store.sites);
  await services.collect.caches.refresh(services.store, services.now());
}

export async function addSite(
  services: SiteServices,
  siteId: string,
  name: string | null,
): Promise<CreateSiteOutcome> {
  const outcome = await services.store.sites.create(siteId, name);
  if (outcome !== "exists") await refreshCaches(services);
  return outcome;
}

/**
 * Applies a validated update to an existing site (name and settings in one store operation);
 * returns the stored record, or null when the site was deleted meanwhile.
 */
export async function updateSite(
  services: SiteServices,
  siteId: string,
  update: SiteSettingsUpdate,
): Promise<SiteRecord | null> {
  const saved = await services.store.sites.update(siteId, update);
  await refreshCaches(services);
  return saved;
}

export async function removeSite(
  services: SiteServices,
  siteId: string,
  purgeData: boolean,
): Promise<SiteDeletion> {
  const deletion = await services.store.sites.delete(siteId, { purgeData });
  await refreshCaches(services);
  return deletion;
}

/** The tag a site pastes into its pages. */
export function embedSnippet(origin: string, siteId: string): string {
  return `<script src="${origin}/ea.js" data-site="${siteId}" defer></script>`;
}
