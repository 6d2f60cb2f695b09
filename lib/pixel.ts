// The /b.gif answer: the 43-byte transparent GIF, whatever happened to the hit, with headers that
// depend only on the outcome (a visitor cookie in cookie mode, the drop reason in debug mode).
// Shared by routes/b.gif.ts and the fast path in lib/tracking_fast_path.ts.
import type { HeaderList } from "./cors.ts";
import type { QueryParams } from "./ingest/query.ts";
import type { Services } from "./services.ts";

/** GIF89a, 1×1, transparent: 43 bytes. */
export const PIXEL: Uint8Array<ArrayBuffer> = Uint8Array.from(
  atob("R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw=="),
  (c) => c.charCodeAt(0),
);

/** The pixel's own headers when nothing else is to be said (the common case, shared). */
export const PIXEL_HEADERS: HeaderList = [
  ["content-type", "image/gif"],
  ["cache-control", "no-store"],
  ["content-length", String(PIXEL.length)],
];

/**
 * Runs the page-view pipeline for one hit and answers the pixel's headers. Never throws: the
 * pixel is the contract, so a bug in a step must never turn into an error for the page.
 */
export function collectPixel(
  services: Services,
  req: Request,
  params: QueryParams,
  remoteAddr: string,
): HeaderList {
  const { collect } = services;
  try {
    const outcome = collect.collectView(req, params, remoteAddr);
    // The effective switch: ECHELON_DEBUG or the admin's Settings toggle (lib/ingest/caches.ts).
    const debugDrop = collect.caches.debug ? outcome.drop : null;
    if (!outcome.setCookie && !debugDrop) return PIXEL_HEADERS;
    const headers = [...PIXEL_HEADERS];
    if (outcome.setCookie) headers.push(["set-cookie", outcome.setCookie]);
    if (debugDrop) headers.push(["x-echelon-drop", debugDrop]);
    return headers;
  } catch (error) {
    services.log.error("b.gif pipeline failed", error);
    collect.countDrop("b.gif", "", "invalid_payload");
    return PIXEL_HEADERS;
  }
}
