// DELETE /api/bots/exclude/:visitor_id: unblocks a visitor (200 even when it was not blocked);
// the collectors' cache is updated at once, so the next hit is stored again.
import { includeVisitor as includeOperation } from "../../../../lib/api/operations/bots.ts";
import { readParams } from "../../../../lib/api/validate.ts";
import type { Ctx } from "../../../../lib/state.ts";

export const handler = {
  async DELETE(ctx: Ctx) {
    const { collect, store } = ctx.state.services;
    const { visitor_id: id } = readParams(includeOperation, ctx.params);
    await store.bots.include(id);
    collect.caches.include(id);
    return Response.json({ included: id });
  },
};
