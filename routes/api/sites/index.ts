// GET /api/sites[?q=&limit=&after=]: a page of the sites by id (`limit` 1-1000, default 50) with
// their human views today and over 30 days (UTC days); `q` keeps the sites whose id or name
// contains it, `after` starts after that site id. A `Link: <…>; rel="next"` header points to the
// next page when there is one. The body stays a plain array.
// POST /api/sites {site_id, name?}: adds a site (201 {created}); a site known only from its hits
// becomes an admin site (200 {registered}); an admin site already there is 409 conflict. Sites
// added here are not bound by ECHELON_MAX_SITES or the hourly rate (those limit what hits register).
import {
  addSite as addOperation,
  listSites as listOperation,
} from "../../../lib/api/operations/sites.ts";
import { readBody, readQuery } from "../../../lib/api/validate.ts";
import { addSite, siteListQuery } from "../../../lib/admin/sites.ts";
import { readJsonCapped } from "../../../lib/http_body.ts";
import { HttpError } from "../../../lib/http_error.ts";
import type { Ctx } from "../../../lib/state.ts";

const MAX_BODY_BYTES = 4096;

export const handler = {
  async GET(ctx: Ctx) {
    const { store, now } = ctx.state.services;
    const { limit, after } = readQuery(listOperation, ctx.url);
    const page = await store.sites.list(siteListQuery(ctx.url, now()), {
      cursor: after ?? null,
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
    const { site_id: id, name = null } = readBody(addOperation, body);
    const outcome = await addSite(services, id, name);
    if (outcome === "exists") {
      throw new HttpError(409, "conflict", `Site "${id}" already exists`);
    }
    const site = await services.store.sites.get(id);
    return Response.json(
      outcome === "created" ? { created: id, site } : { registered: id, site },
      { status: outcome === "created" ? 201 : 200 },
    );
  },
};
