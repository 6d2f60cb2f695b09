// GET /api/segments/:id: one saved segment. DELETE: removes it → {deleted}; queries naming it are
// then refused (400 invalid_query). 400 invalid_id, 404 not_found.
import { deleteSegment as deleteOperation } from "../../../lib/api/operations/segments.ts";
import { getSegment as getOperation } from "../../../lib/api/operations/segments.ts";
import { readParams } from "../../../lib/api/validate.ts";
import { HttpError } from "../../../lib/http_error.ts";
import type { Ctx } from "../../../lib/state.ts";

export const handler = {
  async GET(ctx: Ctx) {
    const { id } = readParams(getOperation, ctx.params);
    const segment = await ctx.state.services.store.segments.get(id);
    if (!segment) throw new HttpError(404, "not_found", `No segment ${id}`);
    return Response.json(segment);
  },

  async DELETE(ctx: Ctx) {
    const { id } = readParams(deleteOperation, ctx.params);
    if (!await ctx.state.services.store.segments.delete(id)) {
      throw new HttpError(404, "not_found", `No segment ${id}`);
    }
    return Response.json({ deleted: id });
  },
};
