// GET /api/stats/vitals: this process's request statistics (reference §5.7) — totals, latency
// percentiles, requests per second, error rate and the slowest paths over the last 5 minutes.
// Internal figures: refused in public mode.
import { jsonError } from "../../../lib/http_error.ts";
import type { Ctx } from "../../../lib/state.ts";

export const handler = {
  GET(ctx: Ctx) {
    const { config, requestStats } = ctx.state.services;
    if (config.publicMode) return jsonError(403, "redacted", "Not available in public mode");
    return Response.json(requestStats.snapshot());
  },
};
