// GET /api/export/events.csv?site_id&days | from&to [&type&name&bots=all|humans|bots]: the
// period's events with their stored data, one record per event, streamed. Not public
// (lib/public/policy.ts: 403 not_public).
import {
  botsParam,
  csvResponse,
  eventFilters,
  exportFilename,
  exportParams,
} from "../../../lib/export/mod.ts";
import { rawCsvStream } from "../../../lib/export/raw.ts";
import type { Ctx } from "../../../lib/state.ts";

export const handler = {
  async GET(ctx: Ctx) {
    const { store, log, now } = ctx.state.services;
    const params = exportParams(ctx.url, now(), { siteRequired: false });
    const rows = await store.exports.raw("events", {
      ...params,
      bots: botsParam(ctx.url),
      ...eventFilters(ctx.url),
    });
    const body = rawCsvStream(rows, (error) => log.error("events.csv export failed", error));
    return csvResponse(body, exportFilename("events", params));
  },
};
