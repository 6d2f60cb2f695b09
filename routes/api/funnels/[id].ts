// GET /api/funnels/:id: one funnel. PUT: replaces its definition (same body as POST /api/funnels;
// its site cannot change) → the funnel; DELETE: removes it → {deleted}. 400 invalid_id /
// invalid_funnel, 404 not_found, 409 conflict (PUT: another funnel of the site has the name).
import { deleteFunnel, getFunnel, updateFunnel } from "../../../lib/api/operations/funnels.ts";
import { readBody, readParams } from "../../../lib/api/validate.ts";
import { readJsonCapped } from "../../../lib/http_body.ts";
import { HttpError } from "../../../lib/http_error.ts";
import { newFunnel } from "../../../lib/query/funnels.ts";
import type { Ctx } from "../../../lib/state.ts";

const MAX_BODY_BYTES = 32 * 1024;
const missing = (id: number) => new HttpError(404, "not_found", `No funnel ${id}`);

export const handler = {
  async GET(ctx: Ctx) {
    const { id } = readParams(getFunnel, ctx.params);
    const funnel = await ctx.state.services.store.funnels.get(id);
    if (!funnel) throw missing(id);
    return Response.json(funnel);
  },

  async PUT(ctx: Ctx) {
    const { store } = ctx.state.services;
    const { id } = readParams(updateFunnel, ctx.params);
    const funnel = newFunnel(
      readBody(updateFunnel, await readJsonCapped(ctx.req, MAX_BODY_BYTES)),
    );
    const current = await store.funnels.get(id);
    if (!current) throw missing(id);
    if (current.site_id !== funnel.siteId) {
      throw new HttpError(400, "invalid_funnel", `site_id: funnel ${id} is ${current.site_id}'s`);
    }
    const updated = await store.funnels.update(id, funnel);
    if (updated === "missing") throw missing(id);
    if (updated === "conflict") {
      throw new HttpError(
        409,
        "conflict",
        `${funnel.siteId} already has a funnel "${funnel.name}"`,
      );
    }
    return Response.json(updated);
  },

  async DELETE(ctx: Ctx) {
    const { id } = readParams(deleteFunnel, ctx.params);
    if (!await ctx.state.services.store.funnels.delete(id)) throw missing(id);
    return Response.json({ deleted: id });
  },
};
