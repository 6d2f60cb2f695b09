// GET /sitemap.xml: the public dashboards in public mode, an empty urlset otherwise.
import { publicOrigin } from "../lib/public_origin.ts";
import { sitemapXml } from "../lib/seo.ts";
import type { Ctx } from "../lib/state.ts";

export const handler = {
  GET(ctx: Ctx) {
    const { config } = ctx.state.services;
    const body = sitemapXml(config.publicMode, publicOrigin(ctx, config));
    return new Response(body, {
      headers: {
        "content-type": "application/xml; charset=utf-8",
        "cache-control": "public, max-age=3600",
      },
    });
  },
};
