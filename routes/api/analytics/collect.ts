// POST /api/analytics/collect: Nanolytica's collect endpoint, so a site switching from Nanolytica
// only changes the host. The payload is validated with Nanolytica's limits (400 naming the field,
// 413 over 10 KB) and then runs through our collectors (lib/ingest/nanolytica.ts): same site
// rules, scoring, rate limit (429) and CORS as /b.gif and /e. 204 otherwise — a dropped hit
// (DNT, known bot, unknown site when only registered sites are accepted) is counted, not reported.
import { nanolyticaCollect } from "../../../lib/api/operations/collection.ts";
import { checkBody } from "../../../lib/api/validate.ts";
import { readJsonCapped } from "../../../lib/http_body.ts";
import { HttpError, jsonError } from "../../../lib/http_error.ts";
import { MAX_COLLECT_BODY } from "../../../lib/ingest/nanolytica.ts";
import type { Ctx } from "../../../lib/state.ts";

export const handler = {
  async POST(ctx: Ctx) {
    const { collect, config } = ctx.state.services;
    let body: unknown;
    try {
      body = await readJsonCapped(ctx.req, MAX_COLLECT_BODY);
    } catch (error) {
      if (error instanceof HttpError) collect.countDrop("collect", "", "invalid_payload");
      throw error;
    }
    // A refusal is answered (the caller is told) and counted as a drop, as the collectors do.
    const parsed = checkBody(nanolyticaCollect, body);
    if (!parsed.ok) {
      collect.countDrop("collect", "", "invalid_payload");
      return jsonError(400, "invalid_payload", parsed.errors.join(" "));
    }
    const outcome = collect.collectNanolytica(ctx.req, parsed.value, ctx.remoteAddr);
    switch (outcome.drop) {
      case "invalid_payload":
        return jsonError(400, "invalid_payload", "The page path or site id is not valid");
      case "rate_limited":
        return jsonError(429, "rate_limited", "Too many requests", { "retry-after": "60" });
      case "buffer_full":
        return jsonError(503, "overloaded", "The hit cannot be buffered right now", {
          "retry-after": "5",
        });
    }
    const headers = new Headers();
    if ((config.debug || collect.caches.runtimeDebug) && outcome.drop) {
      headers.set("x-echelon-drop", outcome.drop);
    }
    return new Response(null, { status: 204, headers });
  },
};
