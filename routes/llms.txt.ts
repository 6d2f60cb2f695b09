// GET /llms.txt: a Markdown description of a public instance for AI assistants; 404 otherwise.
import { jsonError } from "../lib/http_error.ts";
import { publicOrigin } from "../lib/public_origin.ts";
import { llmsTxt } from "../lib/seo.ts";
import type { Ctx } from "../lib/state.ts";

export const handler = {
  GET(ctx: Ctx) {
    const { config } = ctx.state.services;
    if (!config.publicMode) return jsonError(404, "not_found", "Not found");
    return new Response(llmsTxt(publicOrigin(ctx, config)), {
      headers: {
        "content-type": "text/markdown; charset=utf-8",
        "cache-control": "public, max-age=3600",
      },
    });
  },
};
