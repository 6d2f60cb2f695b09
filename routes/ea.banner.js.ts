// GET /ea.banner.js: the cookie-consent banner /ea.js loads when ECHELON_COOKIE_CONSENT=true and a
// `data-cookie` visitor has not chosen yet (tracker/banner.ts, loaded by tracker/consent.ts).
import type { Ctx } from "../lib/state.ts";
import { chunkResponse } from "../lib/tracker_chunk.ts";

export const handler = {
  GET: (ctx: Ctx) => chunkResponse("banner", ctx.url, ctx.req.headers, ctx.state.services.log),
};
