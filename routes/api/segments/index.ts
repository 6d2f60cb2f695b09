// GET /api/segments[?site_id]: saved segments, by site and name. POST /api/segments {site_id,
// name, filters}: saves one → 201 {created, segment}; 400 invalid_segment naming the field (a
// filter the query would refuse, or a segment inside a segment), 404 for an unknown site, 409 for
// a name the site already has.
import {
  createSegment,
  listSegments as listOperation,
} from "../../../lib/api/operations/segments.ts";
import { readBody, readQuery } from "../../../lib/api/validate.ts";
import { readJsonCapped } from "../../../lib/http_body.ts";
import { HttpError } from "../../../lib/http_error.ts";
import { checkSegmentFilters } from "../../../lib/query/segments.ts";
import type { Ctx } from "../../../lib/state.ts";

const MAX_BODY_BYTES = 32 * 1024;

export const handler = {
  async GET(ctx: Ctx) {
    const { site_id } = readQuery(listOperation, ctx.url);
    return Response.json(await ctx.state.services.store.segments.list(site_id ?? null));
  },

  async POST(ctx: Ctx) {
    const { store } = ctx.state.services;
    const body = readBody(createSegment, await readJsonCapped(ctx.req, MAX_BODY_BYTES));
    const filters = checkSegmentFilters(body.filters);
    if (!(await store.sites.get(body.site_id))) {
      throw new HttpError(404, "not_found", `No site "${body.site_id}"`);
    }
    const segment = await store.segments.create({
      siteId: body.site_id,
      name: body.name,
      filters,
    });
    if (!segment) {
      throw new HttpError(409, "conflict", `${body.site_id} already has a segment "${body.name}"`);
    }
    return Response.json({ created: segment.id, segment }, { status: 201 });
  },
};
