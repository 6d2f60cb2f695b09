// /admin/pageviews (the reference's path for the raw list): the page is /admin/views; the query
// (site, period, filters) is kept.
import type { Ctx } from "../../lib/state.ts";

export const handler = {
  GET: (ctx: Ctx) =>
    new Response(null, {
      status: 301,
      headers: { location: `/admin/views${ctx.url.search}` },
    }),
};
