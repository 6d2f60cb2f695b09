// GET /api/stats/campaign-events?site_id[&days | from&to][&event_type]: campaign → event
// correlation for one site. Per utm_campaign value (null = organic traffic), at most 50 ordered
// by visitors: the registered campaign (if any), visitors of its views, visitors with an event
// tagged with it, events, event_rate (%), events per visitor, and its top 10 event types and
// custom event names.
import { reportRange } from "../../../lib/campaigns/mod.ts";
import { campaignEvents } from "../../../lib/api/operations/stats.ts";
import { readQuery } from "../../../lib/api/validate.ts";
import { readerFor } from "../../../lib/reads/caller.ts";
import type { Ctx } from "../../../lib/state.ts";
import { parseRange, requiredSiteId } from "../../../lib/stats/params.ts";

const EVENT_TYPE = { query: campaignEvents.query.pick({ event_type: true }) };

export const handler = {
  async GET(ctx: Ctx) {
    const { now } = ctx.state.services;
    const reads = readerFor(ctx);
    const siteId = requiredSiteId(ctx.url);
    const range = reportRange(parseRange(ctx.url, now()));
    // The site and the period first (lib/stats/params.ts, shared with the pages), then the rest.
    const { event_type: eventType = null } = readQuery(EVENT_TYPE, ctx.url);
    return Response.json(await reads.run("campaignEventsReport", siteId, range, { eventType }));
  },
};
