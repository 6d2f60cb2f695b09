// POST /api/v2/journeys: the pages visits go on to (or came from) around one page (issue 17). The
// body is validated; its visits' part (sites, range, filters, bots) is the query API's, resolved as
// POST /api/v2/query resolves it (lib/query/resolve_body.ts: segments expanded, the sites' zone;
// 400 invalid_query naming the field), then run as the heavy read `journeys`
// (lib/reads/registry.ts).
import { journeys } from "../../../lib/api/operations/journeys.ts";
import { readBody } from "../../../lib/api/validate.ts";
import { readJsonCapped } from "../../../lib/http_body.ts";
import { journeyOf, visitsBody } from "../../../lib/query/journeys.ts";
import { resolveBody } from "../../../lib/query/resolve_body.ts";
import { readerFor } from "../../../lib/reads/caller.ts";
import type { Ctx } from "../../../lib/state.ts";

const MAX_BODY_BYTES = 64 * 1024;

export const handler = {
  async POST(ctx: Ctx) {
    const { store, now } = ctx.state.services;
    const body = readBody(journeys, await readJsonCapped(ctx.req, MAX_BODY_BYTES));
    const query = await resolveBody(store, visitsBody(body), now());
    return Response.json(await readerFor(ctx).run("journeys", journeyOf(query, body)));
  },
};
