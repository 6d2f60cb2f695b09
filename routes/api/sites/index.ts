// GET /api/sites: every site with its human views today and over 30 days (UTC days).
// POST /api/sites {site_id, name?}: adds a site (201 {created}); a site known only from its hits
// becomes an admin site (200 {registered}); an admin site already there is 409 conflict.
import { DAY_MS, isoDay } from "../../../lib/admin/period.ts";
import { addSite, parseSiteId, parseSiteName } from "../../../lib/admin/sites.ts";
import { getSite, listSites } from "../../../lib/db/sites.ts";
import { readJsonCapped } from "../../../lib/http_body.ts";
import { HttpError } from "../../../lib/http_error.ts";
import type { Ctx } from "../../../lib/state.ts";

const MAX_BODY_BYTES = 4096;

export const handler = {
  GET(ctx: Ctx) {
    const { db, now } = ctx.state.services;
    const today = `${isoDay(now())}T00:00:00.000Z`;
    const monthStart = new Date(Date.parse(today) - 29 * DAY_MS).toISOString();
    return Response.json(listSites(db, { today, monthStart }));
  },

  async POST(ctx: Ctx) {
    const services = ctx.state.services;
    const body = await readJsonCapped(ctx.req, MAX_BODY_BYTES);
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      throw new HttpError(400, "invalid_payload", "Expected a JSON object {site_id, name?}");
    }
    const fields = body as { site_id?: unknown; name?: unknown };
    const id = parseSiteId(fields.site_id);
    if (!id.ok) throw new HttpError(400, "invalid_site_id", id.errors.join(" "));
    const name = parseSiteName(fields.name);
    if (!name.ok) throw new HttpError(400, "invalid_payload", name.errors.join(" "));
    const outcome = addSite(services, id.value, name.value);
    if (outcome === "exists") {
      throw new HttpError(409, "conflict", `Site "${id.value}" already exists`);
    }
    const site = getSite(services.db, id.value);
    return Response.json(
      outcome === "created" ? { created: id.value, site } : { registered: id.value, site },
      { status: outcome === "created" ? 201 : 200 },
    );
  },
};
