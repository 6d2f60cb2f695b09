// GET /api/export/crawlers.csv?site_id&days=30: the crawler report (GET /api/bots/crawlers) as
// CSV sections: per crawler, the unverified (spoofed?) claims, per page with its AI referrals,
// and per day. Not served by a public instance.
import { csvResponse } from "../../../lib/export/mod.ts";
import { crawlerSections } from "../../../lib/crawlers/csv.ts";
import { csvSection } from "../../../lib/export/csv.ts";
import type { Ctx } from "../../../lib/state.ts";
import { readCrawlerReport } from "../bots/_crawlers.ts";

export const handler = {
  async GET(ctx: Ctx) {
    const report = await readCrawlerReport(ctx);
    const { now } = ctx.state.services;
    const sections = crawlerSections(report, new Date(now()).toISOString());
    const name = `echelon-${report.site_id ?? "all-sites"}-crawlers-${report.since}_${
      new Date(now()).toISOString().slice(0, 10)
    }.csv`;
    return csvResponse(sections.map(csvSection).join(""), name);
  },
};
