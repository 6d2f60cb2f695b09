// GET /api/stats/campaign-events?site_id[&days | from&to][&event_type]: campaign → event
// correlation for one site. Per utm_campaign value (null = organic traffic), at most 50 ordered
// by visitors: the registered campaign (if any), visitors of its views, visitors with an event
// tagged with it, events, event_rate (%), events per visitor, and its top 10 event types and
// custom event names.
import { reportRange } from "../../../lib/campaigns/mod.ts";
import { HttpError } from "../../../lib/http_error.ts";
import { EVENT_TYPES } from "../../../lib/ingest/event_pipeline.ts";
import { readerFor } from "../../../lib/reads/caller.ts";
import type { Ctx } from "../../../lib/state.ts";
import { parseRange, requiredSiteId } from "../../../lib/stats/params.ts";

export const handler = {
  async GET(ctx: Ctx) {
    const { now } = ctx.state.services;
    const reads = readerFor(ctx);
    const siteId = requiredSiteId(ctx.url);
    const range = reportRange(parseRange(ctx.url, now()));
    const eventType = ctx.url.searchParams.get("event_type")?.trim() || null;
    if (eventType !== null && !EVENT_TYPES.has(eventType)) {
      throw new HttpError(
        400,
        "invalid_param",
        `event_type: ${JSON.stringify(eventType.slice(0, 40))} is not an event type ` +
          `(${[...EVENT_TYPES].join(", ")})`,
      );
    }
    return Response.json(await reads.run("campaignEventsReport", siteId, range, { eventType }));
  },
};
