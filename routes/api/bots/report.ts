// GET /api/bots/report?site_id&days=7: what the bot defence did over the last `days` UTC days —
// known-bot traffic by bot, path and day, dropped hits by reason, and stored page views by score
// signal, proof-of-work verdict and score bucket. Counters still in memory are flushed first.
// Parameters: lib/api/operations/bots.ts.
import { botReport } from "../../../lib/api/operations/bots.ts";
import { readQuery } from "../../../lib/api/validate.ts";
import { botCategory } from "../../../lib/bots/known_bots.ts";
import { explainGroups, explainReasons } from "../../../lib/bots/why_excluded.ts";
import { utcDate } from "../../../lib/ingest/types.ts";
import { readerFor } from "../../../lib/reads/caller.ts";
import type { Ctx } from "../../../lib/state.ts";

const DAY_MS = 86_400_000;

export const handler = {
  async GET(ctx: Ctx) {
    const { collect, now } = ctx.state.services;
    const { site_id: siteId = null, days } = readQuery(botReport, ctx.url);
    await collect.flushCounters();
    const range = { siteId, sinceDate: utcDate(now() - (days - 1) * DAY_MS) };
    const report = await readerFor(ctx).run("botReport", range);
    return Response.json({
      site_id: siteId,
      days,
      since: range.sinceDate,
      known_bots: report.knownBots.map((bot) => ({
        bot_name: bot.bot_name,
        category: botCategory(bot.bot_name),
        hits: bot.hits,
        top_paths: bot.top_paths,
      })),
      by_day: report.byDay,
      dropped: report.dropped,
      scored: report.scored,
      excluded_by_reason: explainReasons(report.excluded.reasons),
      excluded_by_group: explainGroups(report.excluded.groups),
    });
  },
};
