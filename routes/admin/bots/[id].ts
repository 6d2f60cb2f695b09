// /admin/bots/:id (the reference's bot visitor page): visitor histories, breakdowns and the
// exclude button live on /admin/visitors/:id.
import type { Ctx } from "../../../lib/state.ts";

export const handler = {
  GET: (ctx: Ctx) =>
    new Response(null, {
      status: 301,
      headers: { location: `/admin/visitors/${encodeURIComponent(ctx.params.id)}` },
    }),
};
