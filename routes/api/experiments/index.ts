// GET /api/experiments[?site_id&status=active,paused&limit=200]: experiments with their variants,
// newest first. POST /api/experiments {experiment_id, name, site_id, metric (or
// metric_event_type), metric_kind?, description?, allocation_percent?, variants[2..20]}: creates a
// draft → 201 {created, experiment, notes}; 400 names each bad field; 409 for a taken id.
import { MAX_BODY_BYTES } from "../../../lib/experiments/definition.ts";
import { createExperiment, findExperiments } from "../../../lib/experiments/mod.ts";
import { listExperiments } from "../../../lib/api/operations/experiments.ts";
import { readQuery } from "../../../lib/api/validate.ts";
import { readJsonCapped } from "../../../lib/http_body.ts";
import { HttpError } from "../../../lib/http_error.ts";
import type { Ctx } from "../../../lib/state.ts";

export const handler = {
  GET(ctx: Ctx) {
    const { db } = ctx.state.services;
    const query = readQuery(listExperiments, ctx.url);
    return Response.json(findExperiments(db, {
      siteId: query.site_id ?? null,
      statuses: query.status ?? null,
      limit: query.limit,
    }));
  },

  async POST(ctx: Ctx) {
    const { db, now } = ctx.state.services;
    const body = await readJsonCapped(ctx.req, MAX_BODY_BYTES);
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      throw new HttpError(
        400,
        "invalid_payload",
        "Expected a JSON object {experiment_id, name, site_id, metric, variants, …}",
      );
    }
    const { experiment, notes } = createExperiment(db, body as Record<string, unknown>, now());
    ctx.state.services.collect.refreshExperiments();
    return Response.json(
      { created: experiment.experiment_id, experiment, notes },
      { status: 201 },
    );
  },
};
