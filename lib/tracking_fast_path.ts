// GET /b.gif ahead of the router and the middleware: the hottest request of the server is
// answered with a header list resolved at start — the pixel's own headers, then exactly what
// routes/_middleware.ts adds on a tracking path (CORS, then the security headers) — so its
// Response is built in one step and never edited.
// Anything else, including HEAD, `/b.gif/` and other spellings, goes the general way;
// tests/tracking_fast_path_test.ts checks that both ways answer the same headers.
import { createCorsHeaders, type HeaderList } from "./cors.ts";
import { parseQuery } from "./ingest/query.ts";
import { collectPixel, PIXEL, PIXEL_HEADERS } from "./pixel.ts";
import { SECURITY_HEADERS } from "./security_headers.ts";
import type { Services } from "./services.ts";

export const FAST_PIXEL_PATH = "/b.gif";

/** Answers a request it owns, or null to let the general app handle it. */
export type FastPath = (req: Request, remoteAddr: string) => Response | null;

export function createTrackingFastPath(services: Services): FastPath {
  const cors = createCorsHeaders(services.config.allowedOrigins);
  const anyOrigin = cors(null, FAST_PIXEL_PATH);
  // The response of nearly every hit (no Origin header: an <img> request; no cookie, no debug),
  // built once: a clone copies its header list without validating every name and value again,
  // and Deno serves it ~5 µs cheaper than a Response built from a header list (same bytes).
  const common = new Response(PIXEL, {
    headers: [...PIXEL_HEADERS, ...anyOrigin, ...SECURITY_HEADERS] as [string, string][],
  });
  return function trackingFastPath(req, remoteAddr) {
    if (req.method !== "GET") return null;
    const query = pixelQuery(req.url);
    if (query === null) return null;
    const own = collectPixel(services, req, parseQuery(query), remoteAddr);
    const origin = req.headers.get("origin");
    if (own === PIXEL_HEADERS && !origin) return common.clone();
    const headers: HeaderList = [...own, ...cors(origin, FAST_PIXEL_PATH), ...SECURITY_HEADERS];
    return new Response(PIXEL, { headers: headers as [string, string][] });
  };
}

/**
 * The query string of an absolute request URL whose path is exactly /b.gif ("" when it has
 * none), else null. Request URLs from Deno.serve are `scheme://authority/target`; a target that
 * `new URL` would rewrite (dot segments, escapes) never equals "/b.gif" verbatim, so it falls
 * through to the router, which normalises it. Parsing the query as it is decodes it exactly as
 * `url.searchParams` does (the URL parser only escapes what the query parser unescapes).
 */
export function pixelQuery(url: string): string | null {
  const scheme = url.indexOf("://");
  if (scheme < 0) return null;
  const start = url.indexOf("/", scheme + 3);
  if (start < 0 || !url.startsWith(FAST_PIXEL_PATH, start)) return null;
  const end = start + FAST_PIXEL_PATH.length;
  if (end === url.length) return "";
  const next = url.charCodeAt(end);
  if (next === 0x23 /* # */) return "";
  if (next !== 0x3f /* ? */) return null;
  const hash = url.indexOf("#", end);
  return hash < 0 ? url.slice(end + 1) : url.slice(end + 1, hash);
}
