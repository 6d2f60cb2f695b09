// GET /ea.pow.js: the proof-of-work solver in JavaScript, which /ea.js loads only in browsers
// without usable WebAssembly (tracker/pow_fallback.ts, loaded by tracker/pow_fallback_loader.ts).
import type { Ctx } from "../lib/state.ts";
import { chunkResponse } from "../lib/tracker_chunk.ts";

export const handler = {
  GET: (ctx: Ctx) => chunkResponse("pow", ctx.url, ctx.req.headers, ctx.state.services.log),
};
