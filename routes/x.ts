// GET /x?<experiment id>: a running experiment's variants and weights for the tracker
// (lib/experiments/public.ts; tracker/api.ts `echelon.experiment(id)` without variants). Public
// and cacheable for a minute (no visitor data); an empty list for an id that is not a running
// experiment, so the tracker falls back to control and sends no exposure (a 200: a 404 would put
// an error in the console of every page that asks before the start).
import { findExperiment } from "../lib/experiments/mod.ts";
import { EXPERIMENT_ID_PATTERN } from "../lib/experiments/definition.ts";
import { TRACKER_DEFINITION_MAX_AGE, trackerDefinition } from "../lib/experiments/public.ts";
import type { Ctx } from "../lib/state.ts";

const CACHE = { "cache-control": `public, max-age=${TRACKER_DEFINITION_MAX_AGE}` };

export const handler = {
  async GET(ctx: Ctx) {
    const id = ctx.url.search.slice(1);
    const experiment = EXPERIMENT_ID_PATTERN.test(id)
      ? await findExperiment(ctx.state.services.store, id)
      : null;
    const buckets = experiment && trackerDefinition(experiment);
    return Response.json(buckets ?? [], { headers: CACHE });
  },
};
