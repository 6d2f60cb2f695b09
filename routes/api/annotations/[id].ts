// DELETE /api/annotations/:id: removes an annotation from its site's charts → {deleted}. 400
// invalid_id, 404 not_found.
import { deleteAnnotation } from "../../../lib/api/operations/annotations.ts";
import { readParams } from "../../../lib/api/validate.ts";
import { HttpError } from "../../../lib/http_error.ts";
import type { Ctx } from "../../../lib/state.ts";

export const handler = {
  async DELETE(ctx: Ctx) {
    const { id } = readParams(deleteAnnotation, ctx.params);
    if (!await ctx.state.services.store.annotations.delete(id)) {
      throw new HttpError(404, "not_found", `No annotation ${id}`);
    }
    return Response.json({ deleted: id });
  },
};
