// POST /api/v2/query: the query engine (lib/query/), with Plausible's Stats API v2 shapes. The body
// is validated, its saved segments expanded and resolved (lib/query/resolve_body.ts: 400
// invalid_query naming the field; without `timezone`, the sites' own zone), then run as the heavy
// read `query` (lib/reads/registry.ts): budgeted, cancellable and rate-limited like other heavy
// reads.
import { statsQuery } from "../../../lib/api/operations/query.ts";
import { readBody } from "../../../lib/api/validate.ts";
import { readJsonCapped } from "../../../lib/http_body.ts";
import { resolveBody } from "../../../lib/query/resolve_body.ts";
import { readerFor } from "../../../lib/reads/caller.ts";
import type { Ctx } from "../../../lib/state.ts";

const MAX_BODY_BYTES = 64 * 1024;

export const handler = {
  async POST(ctx: Ctx) {
    const { store, now } = ctx.state.services;
    const raw = readBody(statsQuery, await readJsonCapped(ctx.req, MAX_BODY_BYTES));
    const query = await resolveBody(store, raw, now());
    return Response.json(await readerFor(ctx).run("query", query));
  },
};
