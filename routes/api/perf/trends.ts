// GET /api/perf/trends[?category&metric&branch&from|since&to&limit&threshold]: the last `limit`
// values (default 20, at most 500) of each series — a metric on one branch in one unit — with
// min, max, mean, the change of the latest value against the mean of the ones before it, and a
// regression/improvement flag judged by the unit's direction and threshold (lib/perf/units.ts;
// `threshold` overrides it, in percent).
import { perfTrends as trendsOperation } from "../../../lib/api/operations/perf.ts";
import { readQuery } from "../../../lib/api/validate.ts";
import { perfFilter, perfTrends } from "../../../lib/perf/mod.ts";
import type { Ctx } from "../../../lib/state.ts";

export const handler = {
  async GET(ctx: Ctx) {
    const query = readQuery(trendsOperation, ctx.url);
    const { perf } = ctx.state.services.store;
    return Response.json(
      await perfTrends(perf, perfFilter(query), query.limit, query.threshold ?? null),
    );
  },
};
