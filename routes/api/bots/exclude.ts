// POST /api/bots/exclude {visitor_id, label?}: blocks a visitor. Idempotent (an existing exclusion
// and its label are kept); the collectors' cache is updated at once, so the next hit is dropped.
import { excludeVisitor } from "../../../lib/db/bots.ts";
import { readJsonCapped } from "../../../lib/http_body.ts";
import { HttpError } from "../../../lib/http_error.ts";
import type { Ctx } from "../../../lib/state.ts";
import { MAX_LABEL_LENGTH, visitorId } from "./_params.ts";

const MAX_BODY_BYTES = 4096;

export const handler = {
  async POST(ctx: Ctx) {
    const { collect, db, now } = ctx.state.services;
    const body = await readJsonCapped(ctx.req, MAX_BODY_BYTES);
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      throw new HttpError(400, "invalid_payload", "Expected a JSON object {visitor_id, label?}");
    }
    const fields = body as { visitor_id?: unknown; label?: unknown };
    const id = visitorId(fields.visitor_id, "invalid_payload");
    const label = fields.label ?? null;
    if (label !== null && (typeof label !== "string" || label.length > MAX_LABEL_LENGTH)) {
      throw new HttpError(
        400,
        "invalid_payload",
        `label: must be a string of at most ${MAX_LABEL_LENGTH} characters`,
      );
    }
    excludeVisitor(db, id, label, new Date(now()).toISOString());
    collect.caches.exclude(id);
    return Response.json({ excluded: id }, { status: 201 });
  },
};
