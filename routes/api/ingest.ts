// POST /api/ingest: authenticated batch ingestion (v1 protocol, 1 MB, 100 events), answered with
// `{accepted, duplicate}` once the rows are committed.
import { batchIngest } from "../../lib/api/operations/collection.ts";
import { readBody } from "../../lib/api/validate.ts";
import { readJsonCapped } from "../../lib/http_body.ts";
import { batchEvents, MAX_INGEST_BODY } from "../../lib/ingest/batch.ts";
import type { Ctx } from "../../lib/state.ts";

export const handler = {
  async POST(ctx: Ctx) {
    const { config, store, now, collect } = ctx.state.services;
    const body = await readJsonCapped(ctx.req, MAX_INGEST_BODY);
    const batch = batchEvents(readBody(batchIngest, body), now(), config.ignoredSites);
    if (batch.ignored) {
      return Response.json({ accepted: 0, duplicate: 0, ignored: batch.events.length });
    }
    // Anonymised sites' rows are rewritten before storage, as the collectors' are.
    return Response.json(
      await store.writes.ingestEvents(collect.anonymizer.ingestEvents(batch.events)),
    );
  },
};
