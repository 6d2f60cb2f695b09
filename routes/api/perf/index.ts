// GET /api/perf[?category&metric&branch&from|since&to&limit]: stored benchmark metrics, newest
// first (limit 1..1000, default 100), metadata as the object that was posted.
// POST /api/perf: one metric {category, metric, value, unit, commit?, branch?, metadata?,
// recorded_at?} or an array of up to 500, from CI. All or nothing: 201 {inserted}, or 400 naming
// the item and field (nothing stored); bodies over 1 MiB are 413.
import { listPerf, postPerf } from "../../../lib/api/operations/perf.ts";
import { readBody, readQuery } from "../../../lib/api/validate.ts";
import { readJsonCapped } from "../../../lib/http_body.ts";
import { MAX_PERF_BODY_BYTES, perfFilter, perfMetrics } from "../../../lib/perf/mod.ts";
import type { Ctx } from "../../../lib/state.ts";

export const handler = {
  async GET(ctx: Ctx) {
    const query = readQuery(listPerf, ctx.url);
    return Response.json(await ctx.state.services.store.perf.list(perfFilter(query), query.limit));
  },

  async POST(ctx: Ctx) {
    const { store, now } = ctx.state.services;
    const body = await readJsonCapped(ctx.req, MAX_PERF_BODY_BYTES);
    const metrics = perfMetrics(readBody(postPerf, body), now());
    const inserted = await store.perf.add(metrics);
    return Response.json({ inserted }, { status: 201 });
  },
};
