// /api/sites/:id — GET the site and its collection settings; PATCH any of {name, consent_css
// (≤ 4096, sanitised), send_form_values, query_allowlist}; DELETE it (?purge_data=true also
// deletes its stored views, events and counters). 400 invalid_site_id, 404 not_found.
import {
  deleteSite,
  getSite as getOperation,
  updateSite as updateOperation,
} from "../../../lib/api/operations/sites.ts";
import { readBody, readParams, readQuery } from "../../../lib/api/validate.ts";
import { removeSite, updateSite } from "../../../lib/admin/sites.ts";
import { getSite, type SiteRecord } from "../../../lib/db/sites.ts";
import { readJsonCapped } from "../../../lib/http_body.ts";
import { HttpError } from "../../../lib/http_error.ts";
import type { Ctx } from "../../../lib/state.ts";

const MAX_BODY_BYTES = 16_384;

function siteOf(ctx: Ctx): SiteRecord {
  const { id } = readParams(getOperation, ctx.params);
  const site = getSite(ctx.state.services.db, id);
  if (!site) throw new HttpError(404, "not_found", `No site "${id}"`);
  return site;
}

export const handler = {
  GET(ctx: Ctx) {
    return Response.json(siteOf(ctx));
  },

  async PATCH(ctx: Ctx) {
    const site = siteOf(ctx);
    const body = await readJsonCapped(ctx.req, MAX_BODY_BYTES);
    const { update, notes } = readBody(updateOperation, body);
    const saved = updateSite(ctx.state.services, site, update);
    return Response.json({ updated: saved.site_id, site: saved, notes });
  },

  DELETE(ctx: Ctx) {
    const site = siteOf(ctx);
    const { purge_data: purge = false } = readQuery(deleteSite, ctx.url);
    const removed = removeSite(ctx.state.services, site.site_id, purge);
    return Response.json({ deleted: site.site_id, removed });
  },
};
