// GET /api/experiments[?site_id&status=active,paused&limit=200]: experiments with their variants,
// newest first. POST /api/experiments {experiment_id, name, site_id, metric (or
// metric_event_type), metric_kind?, description?, allocation_percent?, variants[2..20]}: creates a
// draft → 201 {created, experiment, notes}; 400 names each bad field; 409 for a taken id.
import { MAX_BODY_BYTES } from "../../../lib/experiments/definition.ts";
import { findExperiments, storeExperiment } from "../../../lib/experiments/mod.ts";
import {
  createExperiment as createOperation,
  listExperiments,
} from "../../../lib/api/operations/experiments.ts";
import { readBody, readQuery } from "../../../lib/api/validate.ts";
import { readJsonCapped } from "../../../lib/http_body.ts";
import type { Ctx } from "../../../lib/state.ts";

export const handler = {
  async GET(ctx: Ctx) {
    const { store } = ctx.state.services;
    const query = readQuery(listExperiments, ctx.url);
    return Response.json(
      await findExperiments(store, {
        siteId: query.site_id ?? null,
        statuses: query.status ?? null,
        limit: query.limit,
      }),
    );
  },

  async POST(ctx: Ctx) {
    const { store, now } = ctx.state.services;
    const body = await readJsonCapped(ctx.req, MAX_BODY_BYTES);
    const { experiment, notes } = await storeExperiment(
      store,
      readBody(createOperation, body),
      now(),
    );
    await ctx.state.services.collect.refreshExperiments();
    return Response.json(
      { created: experiment.experiment_id, experiment, notes },
      { status: 201 },
    );
  },
};
