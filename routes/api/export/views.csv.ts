// GET /api/export/views.csv?site_id&days | from&to [&bots=all|humans|bots]: the period's page
// views, one record per view, streamed. Not public (lib/public/policy.ts: 403 not_public).
import { botsParam, csvResponse, exportFilename, exportParams } from "../../../lib/export/mod.ts";
import { rawCsvStream } from "../../../lib/export/raw.ts";
import type { Ctx } from "../../../lib/state.ts";

export const handler = {
  async GET(ctx: Ctx) {
    const { store, log, now } = ctx.state.services;
    const params = exportParams(ctx.url, now(), { siteRequired: false });
    const rows = await store.exports.raw("views", { ...params, bots: botsParam(ctx.url) });
    const body = rawCsvStream(rows, (error) => log.error("views.csv export failed", error));
    return csvResponse(body, exportFilename("views", params));
  },
};
