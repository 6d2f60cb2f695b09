// GET /api/segments/:id: one saved segment. DELETE: removes it → {deleted}; queries naming it are
// then refused (400 invalid_query). 400 invalid_id, 404 not_found.
import { deleteSegment as deleteOperation } from "../../../lib/api/operations/segments.ts";
import { getSegment as getOperation } from "../../../lib/api/operations/segments.ts";
import { readParams } from "../../../lib/api/validate.ts";
import { deleteSegment, getSegment } from "../../../lib/db/segments.ts";
import { HttpError } from "../../../lib/http_error.ts";
import type { Ctx } from "../../../lib/state.ts";

export const handler = {
  GET(ctx: Ctx) {
    const { id } = readParams(getOperation, ctx.params);
    const segment = getSegment(ctx.state.services.db, id);
    if (!segment) throw new HttpError(404, "not_found", `No segment ${id}`);
    return Response.json(segment);
  },

  DELETE(ctx: Ctx) {
    const { id } = readParams(deleteOperation, ctx.params);
    if (!deleteSegment(ctx.state.services.db, id)) {
      throw new HttpError(404, "not_found", `No segment ${id}`);
    }
    return Response.json({ deleted: id });
  },
};
