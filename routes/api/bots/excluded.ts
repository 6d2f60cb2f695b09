// GET /api/bots/excluded: the 500 most recent exclusions with each visitor's views and top score.
import { excludedVisitors } from "../../../lib/db/bots.ts";
import type { Ctx } from "../../../lib/state.ts";

export const MAX_EXCLUDED_LISTED = 500;

export const handler = {
  GET(ctx: Ctx) {
    return Response.json(excludedVisitors(ctx.state.services.db, MAX_EXCLUDED_LISTED));
  },
};
