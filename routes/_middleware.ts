// Root middleware: CORS for the tracking endpoints (and their preflights), security headers on
// every routed response, compression of text responses (lib/compress.ts) elsewhere.
import { compressResponse } from "../lib/compress.ts";
import { corsHeaders, TRACKING_PATHS } from "../lib/cors.ts";
import { applySecurityHeaders, contentSecurityPolicy } from "../lib/security_headers.ts";
import type { Ctx } from "../lib/state.ts";

let csp: string | null = null;

export async function handler(ctx: Ctx): Promise<Response> {
  const config = ctx.state.services.config;
  csp ??= contentSecurityPolicy(config.viteDevUrl);
  const path = ctx.url.pathname;
  if (ctx.req.method === "OPTIONS") {
    const headers = corsHeaders(ctx.req.headers.get("origin"), path, config.allowedOrigins);
    return applySecurityHeaders(new Response(null, { status: 204, headers }), csp);
  }
  let response = await ctx.next();
  if (TRACKING_PATHS.has(path)) {
    response = mutable(response);
    const cors = corsHeaders(ctx.req.headers.get("origin"), path, config.allowedOrigins);
    for (const [name, value] of cors) {
      if (name === "vary") response.headers.append("vary", value);
      else response.headers.set(name, value);
    }
  } else {
    response = await compressResponse(ctx.req, mutable(response));
  }
  return applySecurityHeaders(mutable(response), csp);
}

/** Responses from fetch() or Response.redirect() have immutable headers; copy those once. */
function mutable(response: Response): Response {
  try {
    response.headers.set("x-content-type-options", "nosniff");
    return response;
  } catch {
    return new Response(response.body, response);
  }
}
