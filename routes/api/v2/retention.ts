// POST /api/v2/retention: weekly retention cohorts (lib/query/cohorts.ts) over the query API's site,
// range, filters (segments too), zone and bot setting; run as the heavy read `cohorts`
// (lib/reads/registry.ts). 400 invalid_query naming the field.
import { retentionCohorts } from "../../../lib/api/operations/retention_cohorts.ts";
import { readBody } from "../../../lib/api/validate.ts";
import { readJsonCapped } from "../../../lib/http_body.ts";
import { cohortsQueryBody } from "../../../lib/query/cohorts.ts";
import { resolveBody } from "../../../lib/query/resolve_body.ts";
import { readerFor } from "../../../lib/reads/caller.ts";
import type { Ctx } from "../../../lib/state.ts";

const MAX_BODY_BYTES = 64 * 1024;

export const handler = {
  async POST(ctx: Ctx) {
    const { store, now } = ctx.state.services;
    const body = readBody(retentionCohorts, await readJsonCapped(ctx.req, MAX_BODY_BYTES));
    const query = await resolveBody(store, cohortsQueryBody(body), now());
    return Response.json(await readerFor(ctx).run("cohorts", query));
  },
};
