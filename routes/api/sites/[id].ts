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
import type { SiteRecord } from "../../../lib/store/sites.ts";
import { readJsonCapped } from "../../../lib/http_body.ts";
import { HttpError } from "../../../lib/http_error.ts";
import type { Ctx } from "../../../lib/state.ts";

const MAX_BODY_BYTES = 16_384;

async function siteOf(ctx: Ctx): Promise<SiteRecord> {
  const { id } = readParams(getOperation, ctx.params);
  const site = await ctx.state.services.store.sites.get(id);
  if (!site) throw new HttpError(404, "not_found", `No site "${id}"`);
  return site;
}

export const handler = {
  async GET(ctx: Ctx) {
    return Response.json(await siteOf(ctx));
  },

  async PATCH(ctx: Ctx) {
    const site = await siteOf(ctx);
    const body = await readJsonCapped(ctx.req, MAX_BODY_BYTES);
    const { update, notes } = readBody(updateOperation, body);
    const saved = await updateSite(ctx.state.services, site.site_id, update);
    if (!saved) throw new HttpError(404, "not_found", `No site "${site.site_id}"`);
    return Response.json({ updated: saved.site_id, site: saved, notes });
  },

  async DELETE(ctx: Ctx) {
    const site = await siteOf(ctx);
    const { purge_data: purge = false } = readQuery(deleteSite, ctx.url);
    const removed = await removeSite(ctx.state.services, site.site_id, purge);
    return Response.json({ deleted: site.site_id, removed });
  },
};
