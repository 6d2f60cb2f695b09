// GET /ea.deferred.js: the chunk /ea.js loads after start for web vitals and hover
// (tracker/deferred.ts, loaded by tracker/deferred_loader.ts).
import type { Ctx } from "../lib/state.ts";
import { chunkResponse } from "../lib/tracker_chunk.ts";

export const handler = {
  GET: (ctx: Ctx) => chunkResponse("deferred", ctx.url, ctx.req.headers, ctx.state.services.log),
};
