// Site management shared by the admin pages (/admin/sites) and the JSON API (/api/sites): input
// validation (site ids, names, consent CSS, the query allowlist, the list's search), the writes,
// and refreshing the collectors' cache so a change applies to the next hit. The embed snippet
// lives here too.
import { SITE_ID_PATTERN } from "../config.ts";
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
import { MAX_CONSENT_CSS_LENGTH, sanitizeCss } from "./css_sanitize.ts";
import type { Parsed } from "./forms.ts";

export const MAX_SITE_NAME = 100;
/** Sites per page of /admin/sites, and the default page of GET /api/sites. */
export const SITES_PER_PAGE = 50;
const MAX_SEARCH = 100;
export const MAX_ALLOWLIST_ENTRIES = 32;
const QUERY_PARAM = /^[A-Za-z0-9_.\-[\]]{1,64}$/;

function preview(value: string): string {
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
}

/** A new site's id: the contract's pattern, stored lower-cased as the collectors compare it. */
export function parseSiteId(raw: unknown): Parsed<string> {
  const value = typeof raw === "string" ? raw.trim() : "";
  if (!SITE_ID_PATTERN.test(value)) {
    return {
      ok: false,
      errors: [
        `Site id: ${preview(value)} must be 1-64 characters of letters, digits, dot, dash or ` +
        `underscore.`,
      ],
    };
  }
  return { ok: true, value: value.toLowerCase(), notes: [] };
}

/** A display name: control characters removed, trimmed; empty means none. */
export function parseSiteName(raw: unknown): Parsed<string | null> {
  if (raw === undefined || raw === null) return { ok: true, value: null, notes: [] };
  if (typeof raw !== "string") return { ok: false, errors: ["Name: must be text."] };
  // deno-lint-ignore no-control-regex
  const value = raw.replace(/[\u0000-\u001F\u007F-\u009F]/g, "").trim();
  if (value.length > MAX_SITE_NAME) {
    return { ok: false, errors: [`Name: at most ${MAX_SITE_NAME} characters.`] };
  }
  return { ok: true, value: value === "" ? null : value, notes: [] };
}

export interface SiteSettingsUpdate {
  name?: string | null;
  consent_css?: string;
  send_form_values?: boolean;
  query_allowlist?: string[];
}

/**
 * Validates a (partial) settings update from a form or JSON body. The allowlist is a list or a
 * comma/newline-separated string of query parameter names; utm_* are always kept regardless.
 */
export function parseSiteSettings(input: Record<string, unknown>): Parsed<SiteSettingsUpdate> {
  const errors: string[] = [];
  const notes: string[] = [];
  const value: SiteSettingsUpdate = {};
  if ("name" in input) {
    const name = parseSiteName(input.name);
    if (name.ok) value.name = name.value;
    else errors.push(...name.errors);
  }
  if ("consent_css" in input && input.consent_css !== null) {
    const css = input.consent_css;
    if (typeof css !== "string") {
      errors.push("Consent CSS: must be text.");
    } else if (css.length > MAX_CONSENT_CSS_LENGTH) {
      errors.push(
        `Consent CSS: ${css.length} characters, at most ${MAX_CONSENT_CSS_LENGTH} are allowed.`,
      );
    } else {
      const clean = sanitizeCss(css.replace(/\r\n/g, "\n"));
      if (clean.removed.length > 0) {
        notes.push(`Removed from the CSS: ${clean.removed.join(", ")}.`);
      }
      value.consent_css = clean.css;
    }
  }
  if ("send_form_values" in input) {
    if (typeof input.send_form_values !== "boolean") {
      errors.push("Send form values: must be true or false.");
    } else {
      value.send_form_values = input.send_form_values;
    }
  }
  if ("query_allowlist" in input && input.query_allowlist !== null) {
    const raw = input.query_allowlist;
    const items = typeof raw === "string"
      ? raw.split(/[,\n]/)
      : Array.isArray(raw) && raw.every((item) => typeof item === "string")
      ? raw as string[]
      : null;
    if (items === null) {
      errors.push("Query allowlist: must be a list of parameter names.");
    } else {
      const names = [...new Set(items.map((s) => s.trim()).filter(Boolean))];
      const bad = names.filter((name) => !QUERY_PARAM.test(name));
      if (bad.length > 0) {
        errors.push(
          `Query allowlist: ${bad.slice(0, 3).map(preview).join(", ")} ` +
            `${bad.length === 1 ? "is not a" : "are not"} query parameter name${
              bad.length === 1 ? "" : "s"
            } (letters, digits, _ . - [ ], at most 64).`,
        );
      } else if (names.length > MAX_ALLOWLIST_ENTRIES) {
        errors.push(`Query allowlist: at most ${MAX_ALLOWLIST_ENTRIES} names.`);
      } else {
        value.query_allowlist = names;
      }
    }
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value, notes };
}

/** The settings form's fields as a settings update (a checkbox is absent when off). */
export function siteSettingsFromForm(form: URLSearchParams): Record<string, unknown> {
  return {
    name: form.get("name") ?? "",
    consent_css: form.get("consent_css") ?? "",
    send_form_values: form.get("send_form_values") === "on",
    query_allowlist: form.get("query_allowlist") ?? "",
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
      update.send_form_values !== undefined || update.query_allowlist !== undefined;
    if (touchesSettings) {
      saveSiteSettings(db, site.site_id, {
        consent_css: update.consent_css ?? site.consent_css,
        send_form_values: update.send_form_values ?? site.send_form_values,
        query_allowlist: update.query_allowlist ?? site.query_allowlist,
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
