// DELETE /api/bots/exclude/:visitor_id: unblocks a visitor (200 even when it was not blocked);
// the collectors' cache is updated at once, so the next hit is stored again.
import { includeVisitor } from "../../../../lib/db/bots.ts";
import type { Ctx } from "../../../../lib/state.ts";
import { visitorId } from "../_params.ts";

export const handler = {
  DELETE(ctx: Ctx) {
    const { collect, db } = ctx.state.services;
    const id = visitorId(ctx.params.visitor_id);
    includeVisitor(db, id);
    collect.caches.include(id);
    return Response.json({ included: id });
  },
};
