// POST /e: behaviour events, sendBeacon-friendly (text/plain or application/json bodies).
// 429 when rate limited, 413 over 16 KB (checked while streaming), 400 for malformed JSON,
// 503 when the write buffer is full, 204 otherwise (drops are counted, not reported).
import { readJsonCapped } from "../lib/http_body.ts";
import { HttpError, jsonError } from "../lib/http_error.ts";
import { MAX_EVENT_BODY } from "../lib/ingest/event_pipeline.ts";
import type { Ctx } from "../lib/state.ts";

export const handler = {
  async POST(ctx: Ctx) {
    const { collect, config } = ctx.state.services;
    if (collect.isRateLimited(ctx.req, ctx.remoteAddr)) {
      await ctx.req.body?.cancel().catch(() => {});
      return jsonError(429, "rate_limited", "Too many requests", { "retry-after": "60" });
    }
    let body: unknown;
    try {
      body = await readJsonCapped(ctx.req, MAX_EVENT_BODY);
    } catch (error) {
      if (error instanceof HttpError) collect.countDrop("e", "", "invalid_payload");
      throw error;
    }
    const outcome = collect.collectEvents(ctx.req, body, ctx.remoteAddr);
    if (outcome.drop === "buffer_full") {
      return jsonError(503, "overloaded", "Events cannot be buffered right now", {
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
