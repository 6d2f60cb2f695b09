// GET /api/sites[?q=&limit=&after=]: a page of the sites by id (`limit` 1-1000, default 50) with
// their human views today and over 30 days (UTC days); `q` keeps the sites whose id or name
// contains it, `after` starts after that site id. A `Link: <…>; rel="next"` header points to the
// next page when there is one. The body stays a plain array.
// POST /api/sites {site_id, name?}: adds a site (201 {created}); a site known only from its hits
// becomes an admin site (200 {registered}); an admin site already there is 409 conflict. Sites
// added here are not bound by ECHELON_MAX_SITES or the hourly rate (those limit what hits register).
import { listSites as listOperation } from "../../../lib/api/operations/sites.ts";
import { readQuery } from "../../../lib/api/validate.ts";
import { addSite, parseSiteId, parseSiteName, siteListQuery } from "../../../lib/admin/sites.ts";
import { getSite, listSites } from "../../../lib/db/sites.ts";
import { readJsonCapped } from "../../../lib/http_body.ts";
import { HttpError } from "../../../lib/http_error.ts";
import type { Ctx } from "../../../lib/state.ts";

const MAX_BODY_BYTES = 4096;

export const handler = {
  GET(ctx: Ctx) {
    const { db, now } = ctx.state.services;
    const { limit, after } = readQuery(listOperation, ctx.url);
    const page = listSites(db, siteListQuery(ctx.url, now()), {
      cursor: after === undefined ? null : [after],
      direction: "after",
      limit,
    });
    const headers = new Headers();
    const last = page.rows[page.rows.length - 1];
    if (page.hasNext && last) {
      const next = new URL(ctx.url);
      next.searchParams.set("after", last.site_id);
      headers.set("link", `<${next.pathname}${next.search}>; rel="next"`);
    }
    return Response.json(page.rows, { headers });
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
