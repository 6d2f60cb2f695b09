// /api/sites/:id — GET the site and its collection settings; PATCH any of {name, consent_css
// (≤ 4096, sanitised), send_form_values, query_allowlist}; DELETE it (?purge_data=true also
// deletes its stored views, events and counters). 400 invalid_site_id, 404 not_found.
import { deleteSite } from "../../../lib/api/operations/sites.ts";
import { readQuery } from "../../../lib/api/validate.ts";
import { parseSite } from "../../../lib/admin/period.ts";
import { parseSiteSettings, removeSite, updateSite } from "../../../lib/admin/sites.ts";
import { getSite, type SiteRecord } from "../../../lib/db/sites.ts";
import { readJsonCapped } from "../../../lib/http_body.ts";
import { HttpError } from "../../../lib/http_error.ts";
import type { Ctx } from "../../../lib/state.ts";

const MAX_BODY_BYTES = 16_384;

function siteOf(ctx: Ctx): SiteRecord {
  const raw = ctx.params.id;
  const id = parseSite(raw);
  if (id === null) {
    throw new HttpError(
      400,
      "invalid_site_id",
      `${JSON.stringify(raw.slice(0, 64))} is not a site id (1-64 of A-Z a-z 0-9 . _ -)`,
    );
  }
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
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      throw new HttpError(
        400,
        "invalid_payload",
        "Expected a JSON object {name?, consent_css?, send_form_values?, query_allowlist?}",
      );
    }
    const parsed = parseSiteSettings(body as Record<string, unknown>);
    if (!parsed.ok) throw new HttpError(400, "invalid_payload", parsed.errors.join(" "));
    const saved = updateSite(ctx.state.services, site, parsed.value);
    return Response.json({ updated: saved.site_id, site: saved, notes: parsed.notes });
  },

  DELETE(ctx: Ctx) {
    const site = siteOf(ctx);
    const { purge_data: purge = false } = readQuery(deleteSite, ctx.url);
    const removed = removeSite(ctx.state.services, site.site_id, purge);
    return Response.json({ deleted: site.site_id, removed });
  },
};
