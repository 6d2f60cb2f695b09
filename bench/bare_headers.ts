// The headers the full app sends on its tracking paths, for the bare baselines that answer the same
// bytes (bench/bare_server.ts, and the in-process benches through bench/pixel_load.ts).

/** The headers of /b.gif and /e: CORS for tracking paths, security. */
export const TRACKING_HEADERS: readonly [string, string][] = [
  ["x-content-type-options", "nosniff"],
  ["access-control-allow-methods", "GET, POST, OPTIONS"],
  ["access-control-allow-headers", "Content-Type"],
  ["access-control-allow-origin", "*"],
  ["access-control-max-age", "86400"],
  ["vary", "Origin"],
  ["x-frame-options", "DENY"],
  ["referrer-policy", "strict-origin-when-cross-origin"],
];

/** What a bare handler answers the pixel with: routes/b.gif.ts's 43-byte GIF and its headers. */
export const BARE_PIXEL_HEADERS: readonly [string, string][] = [
  ["content-type", "image/gif"],
  ["cache-control", "no-store"],
  ["content-length", "43"],
  ...TRACKING_HEADERS,
];
