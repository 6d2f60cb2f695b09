// GET /api/stats/experiments[?experiment_id | ?site_id&status]: results as a list — one
// experiment (any status; 404 when unknown), or every active and completed one (or those of
// `status`), each with per-variant exposures, conversions, rate, uplift, z-test p-value, 95 %
// interval and significance, and the sample-ratio check (lib/experiments/results.ts).
import { findExperiments, requireExperiment } from "../../../lib/experiments/mod.ts";
import {
  experimentIdParam,
  limitParam,
  siteParam,
  statusesParam,
} from "../../../lib/experiments/params.ts";
import { readerFor } from "../../../lib/reads/caller.ts";
import type { Ctx } from "../../../lib/state.ts";

export const handler = {
  async GET(ctx: Ctx) {
    const { db, now } = ctx.state.services;
    const reads = readerFor(ctx);
    const at = now();
    const id = experimentIdParam(ctx.url);
    if (id !== null) {
      return Response.json([await reads.run("experimentResults", requireExperiment(db, id), at)]);
    }
    const experiments = findExperiments(db, {
      siteId: siteParam(ctx.url),
      statuses: statusesParam(ctx.url) ?? ["active", "completed"],
      limit: limitParam(ctx.url),
    });
    return Response.json(
      await Promise.all(experiments.map((e) => reads.run("experimentResults", e, at))),
    );
  },
};
