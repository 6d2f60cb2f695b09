// GET /api/stats/realtime?site_id: active visitors of the last 5 minutes, their pages, referrer
// domains and countries (clean rows only; lags the writers' flush interval, 1 s by default).
import { readerFor } from "../../../lib/reads/caller.ts";
import type { Ctx } from "../../../lib/state.ts";
import { requiredSiteId } from "../../../lib/stats/mod.ts";

export const handler = {
  async GET(ctx: Ctx) {
    return Response.json(await readerFor(ctx).run("realtime", requiredSiteId(ctx.url)));
  },
};
