// GET /metrics: the process's figures in Prometheus' text format (lib/metrics/), for a scraper
// holding ECHELON_METRICS_TOKEN or an API key, or for anyone with ECHELON_METRICS_PUBLIC=true.
import { metricsRefusal } from "../lib/metrics/access.ts";
import { CONTENT_TYPE, renderExposition } from "../lib/metrics/exposition.ts";
import { metricFamilies } from "../lib/metrics/families.ts";
import type { Ctx } from "../lib/state.ts";

export const handler = {
  async GET(ctx: Ctx) {
    const services = ctx.state.services;
    const refusal = await metricsRefusal(services, ctx.req);
    if (refusal) return refusal;
    return new Response(renderExposition(metricFamilies(services)), {
      headers: { "content-type": CONTENT_TYPE, "cache-control": "no-store" },
    });
  },
};
