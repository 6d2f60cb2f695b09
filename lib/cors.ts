// CORS for the tracking endpoints: a customer's pages on other origins call /ea.js (and its
// chunks), /b.gif, /e and /c. Open mode reflects the Origin; with ECHELON_ALLOWED_ORIGINS only
// listed hosts are reflected. Every other path allows no cross-origin use. `Vary: Origin` keeps caches honest.

export const TRACKING_PATHS = new Set([
  "/ea.js",
  "/ea.deferred.js",
  "/ea.banner.js",
  "/b.gif",
  "/e",
  "/c",
  "/nanolytica.js",
  "/api/analytics/collect",
]);

export function corsHeaders(
  origin: string | null,
  path: string,
  allowedHosts: readonly string[],
): Headers {
  const headers = new Headers({
    "access-control-allow-methods": "GET, POST, OPTIONS",
    "access-control-allow-headers": "Content-Type",
    "access-control-max-age": "86400",
    vary: "Origin",
  });
  if (!TRACKING_PATHS.has(path) || !origin) {
    if (TRACKING_PATHS.has(path)) headers.set("access-control-allow-origin", "*");
    return headers;
  }
  let allowed = allowedHosts.length === 0;
  if (!allowed) {
    try {
      allowed = allowedHosts.includes(new URL(origin).hostname.toLowerCase());
    } catch {
      allowed = false;
    }
  }
  if (allowed) {
    headers.set("access-control-allow-origin", origin);
    headers.set("access-control-allow-credentials", "true");
  }
  return headers;
}
