// GET /api/stats/vitals: this process's request statistics (reference §5.7) — totals, latency
// percentiles, requests per second, error rate and the slowest paths over the last 5 minutes.
// Internal figures: not public (lib/public/policy.ts).
import type { Ctx } from "../../../lib/state.ts";

export const handler = {
  GET(ctx: Ctx) {
    const { requestStats } = ctx.state.services;
    return Response.json(requestStats.snapshot());
  },
};
