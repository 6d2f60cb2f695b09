// POST /api/crawl: crawler requests seen by a web server (crawlers run no JavaScript, so the
// tracker never sees them). Write access (bearer, write API key or admin session); a JSON array,
// `{ "hits": [...] }` or JSON lines of `{ site, path, user_agent, ip, ts, status? }`, 1 MB and
// 1000 hits at most. Answers `{ accepted, ignored, by_crawler }` once the hits are stored.
import { oldestCrawlAt, recordCrawls, requireSites } from "../../lib/crawlers/mod.ts";
import { crawlEntries, crawlInputs, MAX_CRAWL_BODY } from "../../lib/crawlers/input.ts";
import { crawlIngest } from "../../lib/api/operations/collection.ts";
import { readBody } from "../../lib/api/validate.ts";
import { readBodyCapped } from "../../lib/http_body.ts";
import type { Ctx } from "../../lib/state.ts";

export const handler = {
  async POST(ctx: Ctx) {
    const { config, store, now, crawlers } = ctx.state.services;
    const bytes = await readBodyCapped(ctx.req, MAX_CRAWL_BODY);
    const at = now();
    const body = readBody(crawlIngest, { hits: crawlEntries(new TextDecoder().decode(bytes)) });
    const hits = crawlInputs(body, { now: at, oldestAt: oldestCrawlAt(config, at) });
    await requireSites(store.sites, hits.map((hit) => hit.siteId));
    return Response.json(
      await recordCrawls(store.crawlers, crawlers(), hits, config.maxDailyValues),
    );
  },
};
