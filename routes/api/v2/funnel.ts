// POST /api/v2/funnel: a funnel's results (lib/query/funnels.ts) — a stored funnel (`funnel_id`)
// or steps inline — over the query API's site, range, filters (segments too), zone and bot
// setting, with an optional breakdown; run as the heavy read `funnel` (lib/reads/registry.ts).
// 400 invalid_query naming the field.
import { funnelResults } from "../../../lib/api/operations/funnels.ts";
import { readBody } from "../../../lib/api/validate.ts";
import { readJsonCapped } from "../../../lib/http_body.ts";
import { funnelQueryBody, funnelSpecOf } from "../../../lib/query/funnels.ts";
import { resolveBody } from "../../../lib/query/resolve_body.ts";
import { readerFor } from "../../../lib/reads/caller.ts";
import type { Ctx } from "../../../lib/state.ts";

const MAX_BODY_BYTES = 64 * 1024;

export const handler = {
  async POST(ctx: Ctx) {
    const { store, now } = ctx.state.services;
    const body = readBody(funnelResults, await readJsonCapped(ctx.req, MAX_BODY_BYTES));
    const query = await resolveBody(store, funnelQueryBody(body), now());
    const stored = body.funnel_id === undefined ? null : await store.funnels.get(body.funnel_id);
    const spec = funnelSpecOf(body, stored, query.siteIds);
    return Response.json(await readerFor(ctx).run("funnel", query, spec));
  },
};
