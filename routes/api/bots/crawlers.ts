// GET /api/bots/crawlers?site_id&days=30: crawlers seen on the server (POST /api/crawl, the
// access-log import) per crawler, page and day, verified against their published IP ranges, and
// next to each page the AI-assistant referrals it received. Not served by a public instance.
import type { Ctx } from "../../../lib/state.ts";
import { readCrawlerReport } from "./_crawlers.ts";

export const handler = {
  async GET(ctx: Ctx) {
    return Response.json(await readCrawlerReport(ctx));
  },
};
