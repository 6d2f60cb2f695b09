// GET /api/bots/score-detail?view_id=N | event_id=N: one stored score and its parsed breakdown.
// Parameters: lib/api/operations/bots.ts.
import { scoreDetail } from "../../../lib/api/operations/bots.ts";
import { readQuery } from "../../../lib/api/validate.ts";
import { HttpError } from "../../../lib/http_error.ts";
import type { Ctx } from "../../../lib/state.ts";

export const handler = {
  async GET(ctx: Ctx) {
    const { bots } = ctx.state.services.store;
    const { view_id: viewId, event_id: eventId } = readQuery(scoreDetail, ctx.url);
    if (viewId === undefined && eventId === undefined) {
      throw new HttpError(400, "missing_param", "view_id or event_id is required");
    }
    const found = viewId !== undefined
      ? await bots.score("view", viewId)
      : await bots.score("event", eventId!);
    if (!found) {
      const what = viewId !== undefined ? `view ${viewId}` : `event ${eventId}`;
      throw new HttpError(404, "not_found", `No ${what}`);
    }
    return Response.json(found);
  },
};
