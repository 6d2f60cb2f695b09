// Sites on SQLite (lib/store/sites.ts), over lib/db/sites.ts: a change of name and settings, like
// a creation or a deletion with its data, is one transaction. Answers are plain objects (the
// driver's rows have no prototype).
import { liveFigures } from "../../db/admin_live.ts";
import type { Database } from "../../db/database.ts";
import {
  createSite,
  deleteSite,
  firstStoredView,
  getSite,
  listSites,
  registerSites,
  registrationState,
  renameSite,
  saveSiteSettings,
  siteChoices,
  siteDataCounts,
  siteTimeZones,
} from "../../db/sites.ts";
import { listSiteIds, listSiteSettings } from "../../db/lookups.ts";
import type { SiteChange, SiteRecord, SiteStore } from "../sites.ts";

function touchesSettings(change: SiteChange): boolean {
  return change.consent_css !== undefined || change.send_form_values !== undefined ||
    change.query_allowlist !== undefined || change.time_zone !== undefined;
}

function updateSite(db: Database, siteId: string, change: SiteChange): SiteRecord | null {
  return db.transaction(() => {
    const site = getSite(db, siteId);
    if (site === null) return null;
    if (change.name !== undefined) renameSite(db, siteId, change.name);
    if (touchesSettings(change)) {
      saveSiteSettings(db, siteId, {
        consent_css: change.consent_css ?? site.consent_css,
        send_form_values: change.send_form_values ?? site.send_form_values,
        query_allowlist: change.query_allowlist ?? site.query_allowlist,
        time_zone: change.time_zone ?? site.time_zone,
      });
    }
    return getSite(db, siteId);
  });
}

export function sqliteSites(db: Database): SiteStore {
  return {
    list: (query, request) =>
      Promise.try(() => {
        const page = listSites(db, query, {
          cursor: request.cursor === null ? null : [request.cursor],
          direction: request.direction,
          limit: request.limit,
        });
        return { ...page, rows: page.rows.map((row) => ({ ...row })) };
      }),
    get: (siteId) => Promise.try(() => getSite(db, siteId)),
    choices: (limit) =>
      Promise.try(() => {
        const choices = siteChoices(db, limit);
        return { ...choices, options: choices.options.map((option) => ({ ...option })) };
      }),
    timeZones: (siteIds) => Promise.try(() => siteTimeZones(db, siteIds)),
    firstStoredView: (siteId) => Promise.try(() => firstStoredView(db, siteId)),
    liveFigures: (query) => Promise.try(() => liveFigures(db, query)),
    dataCounts: (siteId) => Promise.try(() => siteDataCounts(db, siteId)),
    create: (siteId, name) => Promise.try(() => createSite(db, siteId, name)),
    update: (siteId, change) => Promise.try(() => updateSite(db, siteId, change)),
    delete: (siteId, options) => Promise.try(() => deleteSite(db, siteId, options)),
    ids: () => Promise.try(() => listSiteIds(db)),
    collectSettings: () => Promise.try(() => listSiteSettings(db)),
    registrationState: (now, perHour) => Promise.try(() => registrationState(db, now, perHour)),
    registerFromHits: (sites, limits, now) =>
      Promise.try(() => registerSites(db, sites, limits, now)),
  };
}
