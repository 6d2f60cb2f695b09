// What the crawler report's JSON and CSV routes share: `site_id` (optional) and `days` (1-365,
// default 30), read from the request once. Not a route: `_` files are skipped.
import type { CrawlRange } from "../../../lib/db/crawlers.ts";
import { utcDate } from "../../../lib/ingest/types.ts";
import { readerFor } from "../../../lib/reads/caller.ts";
import type { Ctx } from "../../../lib/state.ts";
import { clampedInt, optionalSiteId } from "./_params.ts";
import { MAX_REPORT_DAYS } from "./report.ts";

const DAY_MS = 86_400_000;

export async function readCrawlerReport(ctx: Ctx) {
  const { now, crawlers } = ctx.state.services;
  const siteId = optionalSiteId(ctx.url);
  const days = clampedInt(ctx.url, "days", { fallback: 30, min: 1, max: MAX_REPORT_DAYS });
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
