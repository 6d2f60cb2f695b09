// GET /b.gif: the page-view beacon. It always answers the 43-byte transparent GIF, whatever
// happens; why a hit was dropped goes to a counter (and, in debug mode, a response header).
// Plain GET /b.gif is served by lib/tracking_fast_path.ts ahead of the router; this route answers
// the other spellings (HEAD, /b.gif/) through the middleware, with identical headers.
import { collectPixel, PIXEL } from "../lib/pixel.ts";
import type { Ctx } from "../lib/state.ts";

export const handler = {
  GET(ctx: Ctx) {
    const headers = collectPixel(ctx.state.services, ctx.req, ctx.url.searchParams, ctx.remoteAddr);
    return new Response(PIXEL, { headers: headers as [string, string][] });
  },
};
