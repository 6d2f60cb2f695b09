// GET /api/bots/excluded: the 500 most recent exclusions with each visitor's views and top score.
import type { Ctx } from "../../../lib/state.ts";

export const MAX_EXCLUDED_LISTED = 500;

export const handler = {
  async GET(ctx: Ctx) {
    return Response.json(await ctx.state.services.store.bots.excluded(MAX_EXCLUDED_LISTED));
  },
};
