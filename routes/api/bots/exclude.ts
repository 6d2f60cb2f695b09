// POST /api/bots/exclude {visitor_id, label?}: blocks a visitor. Idempotent (an existing exclusion
// and its label are kept); the collectors' cache is updated at once, so the next hit is dropped.
// Body: lib/api/operations/bots.ts.
import { excludeVisitor as excludeOperation } from "../../../lib/api/operations/bots.ts";
import { readBody } from "../../../lib/api/validate.ts";
import { readJsonCapped } from "../../../lib/http_body.ts";
import type { Ctx } from "../../../lib/state.ts";

const MAX_BODY_BYTES = 4096;

export const handler = {
  async POST(ctx: Ctx) {
    const { collect, store, now } = ctx.state.services;
    const body = await readJsonCapped(ctx.req, MAX_BODY_BYTES);
    const { visitor_id: id, label } = readBody(excludeOperation, body);
    await store.bots.exclude(id, label, new Date(now()).toISOString());
    collect.caches.exclude(id);
    return Response.json({ excluded: id }, { status: 201 });
  },
};
