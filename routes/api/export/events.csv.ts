// GET /api/export/events.csv?site_id&days | from&to [&type&name&bots=all|humans|bots]: the
// period's events with their stored data, one record per event, streamed. Not public
// (lib/public/policy.ts: 403 not_public).
import { EVENT_EXPORT_COLUMNS, eventExportReader } from "../../../lib/db/export.ts";
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
  GET(ctx: Ctx) {
    const { db, log, now } = ctx.state.services;
    const params = exportParams(ctx.url, now(), { siteRequired: false });
    const reader = eventExportReader(db, {
      ...params,
      bots: botsParam(ctx.url),
      ...eventFilters(ctx.url),
    });
    const body = rawCsvStream(
      EVENT_EXPORT_COLUMNS,
      reader,
      (error) => log.error("events.csv export failed", error),
    );
    return csvResponse(body, exportFilename("events", params));
  },
};
