// GET /ea.deferred.js: the chunk /ea.js loads after start for web vitals and hover
// (tracker/deferred.ts, loaded by tracker/deferred_loader.ts).
// The URL /ea.js builds carries the chunk's content hash (`?h=`), so a matching request may be
// cached for a year; any other (an old hash after an upgrade, or none) for five minutes.
import { acceptsGzip } from "../lib/http_accept.ts";
import type { Ctx } from "../lib/state.ts";
import { deferredChunk } from "../lib/tracker_chunk.ts";

export const handler = {
  GET(ctx: Ctx) {
    let chunk;
    try {
      chunk = deferredChunk();
    } catch (error) {
      ctx.state.services.log.error("tracker not built (run `deno task build:tracker`)", error);
      return new Response("// tracker unavailable\n", {
        status: 503,
        headers: {
          "content-type": "application/javascript; charset=utf-8",
          "cache-control": "no-store",
        },
      });
    }
    const current = ctx.url.searchParams.get("h") === chunk.hash;
    const headers = new Headers({
      "content-type": "application/javascript; charset=utf-8",
      "cache-control": current ? "public, max-age=31536000, immutable" : "public, max-age=300",
      vary: "Accept-Encoding",
    });
    if (!acceptsGzip(ctx.req.headers)) return new Response(chunk.code, { headers });
    headers.set("content-encoding", "gzip");
    return new Response(chunk.gzip, { headers });
  },
};
