// GET /api/annotations?site_id[&days|from&to]: the site's annotations whose local day lies in the
// period (default the last 30 days), in date order. POST /api/annotations {site_id, date, text}:
// adds one → 201 {created, annotation}; 400 invalid_annotation naming the field, 404 for an
// unknown site.
import {
  createAnnotation,
  listAnnotations as listOperation,
} from "../../../lib/api/operations/annotations.ts";
import { readBody, readQuery } from "../../../lib/api/validate.ts";
import { addAnnotation, annotationsInRange, requireSite } from "../../../lib/annotations/mod.ts";
import { readJsonCapped } from "../../../lib/http_body.ts";
import type { Ctx } from "../../../lib/state.ts";
import { parseRange } from "../../../lib/stats/params.ts";

const MAX_BODY_BYTES = 4096;

export const handler = {
  async GET(ctx: Ctx) {
    const { store, now } = ctx.state.services;
    const { site_id } = readQuery(listOperation, ctx.url);
    const range = parseRange(ctx.url, now());
    const site = await requireSite(store.sites, site_id);
    return Response.json(
      await annotationsInRange(store.annotations, [site.site_id], range, site.time_zone),
    );
  },

  async POST(ctx: Ctx) {
    const { store } = ctx.state.services;
    const body = readBody(createAnnotation, await readJsonCapped(ctx.req, MAX_BODY_BYTES));
    const annotation = await addAnnotation(store, {
      siteId: body.site_id,
      date: body.date,
      text: body.text,
      source: "api",
    });
    return Response.json({ created: annotation.id, annotation }, { status: 201 });
  },
};
