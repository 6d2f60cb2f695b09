// GET /api/bots/visitor/:visitor_id: a visitor's exclusion and latest 100 views and events, each
// with its parsed score breakdown. Not public (lib/public/policy.ts: a visitor's history).
import { visitorHistory } from "../../../../lib/api/operations/bots.ts";
import { readParams } from "../../../../lib/api/validate.ts";
import type { Ctx } from "../../../../lib/state.ts";

const MAX_ROWS = 100;

export const handler = {
  async GET(ctx: Ctx) {
    const { visitor_id: id } = readParams(visitorHistory, ctx.params);
    const { exclusion, views, events } = await ctx.state.services.store.bots.history(id, MAX_ROWS);
    return Response.json({
      visitor_id: id,
      is_excluded: exclusion !== null,
      exclusion,
      views,
      events,
    });
  },
};
