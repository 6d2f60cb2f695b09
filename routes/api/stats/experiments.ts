// GET /api/stats/experiments[?experiment_id | ?site_id&status]: results as a list — one
// experiment (any status; 404 when unknown), or every active and completed one (or those of
// `status`), each with per-variant exposures, conversions, rate, uplift, z-test p-value, 95 %
// interval and significance, and the sample-ratio check (lib/experiments/results.ts); `bots`
// (hide, the default; show; only) says which rows count.
import { findExperiments, requireExperiment } from "../../../lib/experiments/mod.ts";
import { experimentStats } from "../../../lib/api/operations/stats.ts";
import { readQuery } from "../../../lib/api/validate.ts";
import { EXPERIMENT_ID_QUERY } from "../../../lib/experiments/params.ts";
import { readerFor } from "../../../lib/reads/caller.ts";
import type { Ctx } from "../../../lib/state.ts";

export const handler = {
  async GET(ctx: Ctx) {
    const { store, now } = ctx.state.services;
    const reads = readerFor(ctx);
    const at = now();
    // With an experiment id the list filters are not read (nor refused).
    const { experiment_id: id, bots } = readQuery({ query: EXPERIMENT_ID_QUERY }, ctx.url);
    if (id !== undefined) {
      const experiment = await requireExperiment(store, id);
      return Response.json([await reads.run("experimentResults", experiment, at, bots)]);
    }
    const query = readQuery(experimentStats, ctx.url);
    const experiments = await findExperiments(store, {
      siteId: query.site_id ?? null,
      statuses: query.status ?? ["active", "completed"],
      limit: query.limit,
    });
    return Response.json(
      await Promise.all(experiments.map((e) => reads.run("experimentResults", e, at, bots))),
    );
  },
};
