// GET /api/funnels[?site_id]: funnels, by site and name. POST /api/funnels {site_id, name, steps,
// order?, per?}: saves one → 201 {created, funnel}; 400 invalid_funnel naming the field, 404 for
// an unknown site, 409 for a name the site already has (conflict) or a site with
// MAX_FUNNELS_PER_SITE funnels (too_many).
import { createFunnel, listFunnels } from "../../../lib/api/operations/funnels.ts";
import { readBody, readQuery } from "../../../lib/api/validate.ts";
import { readJsonCapped } from "../../../lib/http_body.ts";
import { HttpError } from "../../../lib/http_error.ts";
import { MAX_FUNNELS_PER_SITE, newFunnel } from "../../../lib/query/funnels.ts";
import type { Ctx } from "../../../lib/state.ts";

const MAX_BODY_BYTES = 32 * 1024;

export const handler = {
  async GET(ctx: Ctx) {
    const { site_id } = readQuery(listFunnels, ctx.url);
    return Response.json(await ctx.state.services.store.funnels.list(site_id ?? null));
  },

  async POST(ctx: Ctx) {
    const { store } = ctx.state.services;
    const body = readBody(createFunnel, await readJsonCapped(ctx.req, MAX_BODY_BYTES));
    const funnel = newFunnel(body);
    if (!(await store.sites.get(funnel.siteId))) {
      throw new HttpError(404, "not_found", `No site "${funnel.siteId}"`);
    }
    const saved = await store.funnels.create(funnel);
    if (saved === "conflict") {
      throw new HttpError(
        409,
        "conflict",
        `${funnel.siteId} already has a funnel "${funnel.name}"`,
      );
    }
    if (saved === "full") {
      throw new HttpError(
        409,
        "too_many",
        `${funnel.siteId} has ${MAX_FUNNELS_PER_SITE} funnels, the most a site may have`,
      );
    }
    return Response.json({ created: saved.id, funnel: saved }, { status: 201 });
  },
};
