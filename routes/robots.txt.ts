// GET /robots.txt: private instances are off limits to crawlers; public ones invite them.
import { publicOrigin } from "../lib/public_origin.ts";
import { robotsTxt } from "../lib/seo.ts";
import type { Ctx } from "../lib/state.ts";

export const handler = {
  GET(ctx: Ctx) {
    const { config } = ctx.state.services;
    const body = robotsTxt(config.publicMode, publicOrigin(ctx, config));
    return new Response(body, {
      headers: {
        "content-type": "text/plain; charset=utf-8",
        "cache-control": "public, max-age=3600",
      },
    });
  },
};
