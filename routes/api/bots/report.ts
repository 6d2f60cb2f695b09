// GET /api/bots/report?site_id&days=7: what the bot defence did over the last `days` UTC days —
// known-bot traffic by bot, path and day, dropped hits by reason, and stored page views by score
// signal, proof-of-work verdict and score bucket. Counters still in memory are flushed first.
import { botCategory } from "../../../lib/bots/known_bots.ts";
import {
  droppedHits,
  knownBotHitsByDay,
  knownBotTraffic,
  scoredViews,
} from "../../../lib/db/bots.ts";
import { utcDate } from "../../../lib/ingest/types.ts";
import type { Ctx } from "../../../lib/state.ts";
import { clampedInt, optionalSiteId } from "./_params.ts";

const DAY_MS = 86_400_000;
export const MAX_REPORT_DAYS = 365;

export const handler = {
  GET(ctx: Ctx) {
    const { collect, db, now } = ctx.state.services;
    const siteId = optionalSiteId(ctx.url);
    const days = clampedInt(ctx.url, "days", { fallback: 7, min: 1, max: MAX_REPORT_DAYS });
    collect.flushCounters();
    const range = { siteId, sinceDate: utcDate(now() - (days - 1) * DAY_MS) };
    return Response.json({
      site_id: siteId,
      days,
      since: range.sinceDate,
      known_bots: knownBotTraffic(db, range).map((bot) => ({
        bot_name: bot.bot_name,
        category: botCategory(bot.bot_name),
        hits: bot.hits,
        top_paths: bot.top_paths,
      })),
      by_day: knownBotHitsByDay(db, range),
      dropped: droppedHits(db, range),
      scored: scoredViews(db, range),
    });
  },
};
