// GET /b.gif: the page-view beacon. It always answers the 43-byte transparent GIF, whatever
// happens; why a hit was dropped goes to a counter (and, in debug mode, a response header).
import type { Ctx } from "../lib/state.ts";

/** GIF89a, 1×1, transparent: 43 bytes. */
export const PIXEL = Uint8Array.from(
  atob("R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw=="),
  (c) => c.charCodeAt(0),
);

export const handler = {
  GET(ctx: Ctx) {
    const { collect, config } = ctx.state.services;
    const headers = new Headers({
      "content-type": "image/gif",
      "cache-control": "no-store",
      "content-length": String(PIXEL.length),
    });
    try {
      const outcome = collect.collectView(ctx.req, ctx.url.searchParams, ctx.remoteAddr);
      if (outcome.setCookie) headers.set("set-cookie", outcome.setCookie);
      if ((config.debug || collect.caches.runtimeDebug) && outcome.drop) {
        headers.set("x-echelon-drop", outcome.drop);
      }
    } catch (error) {
      // The pixel is the contract: a bug in a step must never turn into an error for the page.
      ctx.state.services.log.error("b.gif pipeline failed", error);
      collect.countDrop("b.gif", "", "invalid_payload");
    }
    return new Response(PIXEL, { headers });
  },
};
