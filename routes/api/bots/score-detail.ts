// GET /api/bots/score-detail?view_id=N | event_id=N: one stored score and its parsed breakdown.
import { storedScore } from "../../../lib/db/bots.ts";
import { HttpError } from "../../../lib/http_error.ts";
import type { Ctx } from "../../../lib/state.ts";
import { optionalRowId } from "./_params.ts";

export const handler = {
  GET(ctx: Ctx) {
    const { db } = ctx.state.services;
    const viewId = optionalRowId(ctx.url, "view_id");
    const eventId = viewId === null ? optionalRowId(ctx.url, "event_id") : null;
    if (viewId === null && eventId === null) {
      throw new HttpError(400, "missing_param", "view_id or event_id is required");
    }
    const found = viewId !== null
      ? storedScore(db, "view", viewId)
      : storedScore(db, "event", eventId!);
    if (!found) {
      const what = viewId !== null ? `view ${viewId}` : `event ${eventId}`;
      throw new HttpError(404, "not_found", `No ${what}`);
    }
    return Response.json(found);
  },
};
