// Root middleware: CORS for the tracking endpoints (and their preflights), security headers on
// every routed response, compression of text responses (lib/compress.ts) elsewhere. (GET /b.gif
// is answered ahead of this chain by lib/tracking_fast_path.ts with the same headers.)
import { compressResponse } from "../lib/compress.ts";
import type { Config } from "../lib/config.ts";
import { type CorsHeaders, createCorsHeaders, TRACKING_PATHS } from "../lib/cors.ts";
import {
  applySecurityHeaders,
  contentSecurityPolicy,
  SECURITY_HEADERS,
} from "../lib/security_headers.ts";
import type { Ctx } from "../lib/state.ts";

interface Resolved {
  csp: string;
  cors: CorsHeaders;
}

// Resolved once per configuration (tests build many apps, each with its own config).
const resolved = new WeakMap<Config, Resolved>();

function resolve(config: Config): Resolved {
  let entry = resolved.get(config);
  if (!entry) {
    entry = {
      csp: contentSecurityPolicy(config.viteDevUrl),
      cors: createCorsHeaders(config.allowedOrigins),
    };
    resolved.set(config, entry);
  }
  return entry;
}

export async function handler(ctx: Ctx): Promise<Response> {
  const { csp, cors } = resolve(ctx.state.services.config);
  const path = ctx.url.pathname;
  if (ctx.req.method === "OPTIONS") {
    const headers = [...cors(ctx.req.headers.get("origin"), path), ...SECURITY_HEADERS];
    return new Response(null, { status: 204, headers: headers as [string, string][] });
  }
  let response = await ctx.next();
  if (TRACKING_PATHS.has(path)) {
    response = mutable(response);
    for (const [name, value] of cors(ctx.req.headers.get("origin"), path)) {
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
