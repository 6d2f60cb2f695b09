// What the crawler report's JSON and CSV routes share: `site_id` (optional) and `days` (1-365,
// default 30), read from the request once (lib/api/operations/bots.ts). Not a route: `_` files
// are skipped.
import { crawlerReportQuery } from "../../../lib/api/operations/bots.ts";
import { readQuery } from "../../../lib/api/validate.ts";
import type { CrawlRange } from "../../../lib/store/crawlers.ts";
import { utcDate } from "../../../lib/ingest/types.ts";
import { readerFor } from "../../../lib/reads/caller.ts";
import type { Ctx } from "../../../lib/state.ts";

const DAY_MS = 86_400_000;

export async function readCrawlerReport(ctx: Ctx) {
  const { now, crawlers } = ctx.state.services;
  const { site_id: siteId = null, days } = readQuery({ query: crawlerReportQuery }, ctx.url);
  const range: CrawlRange = { siteId, sinceDate: utcDate(now() - (days - 1) * DAY_MS) };
  const report = await readerFor(ctx).run("crawlerReport", range);
  return {
    site_id: siteId,
    days,
    since: range.sinceDate,
    ranges_snapshot: crawlers().ranges.date,
    ...report,
  };
}
