// GET /api/bots/visitor/:visitor_id: a visitor's exclusion and latest 100 views and events, each
// with its parsed score breakdown. Visitor histories are not exposed in public mode (DESIGN).
import { visitorEvents, visitorExclusion, visitorViews } from "../../../../lib/db/bots.ts";
import { HttpError } from "../../../../lib/http_error.ts";
import type { Ctx } from "../../../../lib/state.ts";
import { visitorId } from "../_params.ts";

const MAX_ROWS = 100;

export const handler = {
  GET(ctx: Ctx) {
    const { config, db } = ctx.state.services;
    if (config.publicMode) {
      throw new HttpError(403, "redacted", "Visitor histories are not available in public mode");
    }
    const id = visitorId(ctx.params.visitor_id);
    const exclusion = visitorExclusion(db, id);
    return Response.json({
      visitor_id: id,
      is_excluded: exclusion !== null,
      exclusion,
      views: visitorViews(db, id, MAX_ROWS),
      events: visitorEvents(db, id, MAX_ROWS),
    });
  },
};
