// CORS for the tracking endpoints: a customer's pages on other origins call /ea.js (and its
// chunks), /b.gif, /e, /c and /x. Open mode reflects the Origin; with ECHELON_ALLOWED_ORIGINS only
// listed hosts are reflected. Every other path allows no cross-origin use. `Vary: Origin` keeps
// caches honest. The header lists are built once (CONTRIBUTING.md, code rule 5): tracking hits are
// the hottest requests.
import { CHUNK_NAMES } from "./tracker_chunk.ts";

export const TRACKING_PATHS = new Set([
  "/ea.js",
  ...CHUNK_NAMES.map((name) => `/ea.${name}.js`),
  "/b.gif",
  "/e",
  "/c",
  "/x",
  "/nanolytica.js",
  "/api/analytics/collect",
]);

/** A response header list, shared between requests: never mutate one. */
export type HeaderList = readonly (readonly [string, string])[];

/** Answers the CORS headers of a request from its Origin header and path. */
export type CorsHeaders = (origin: string | null, path: string) => HeaderList;

const BASE: HeaderList = [
  ["access-control-allow-methods", "GET, POST, OPTIONS"],
  ["access-control-allow-headers", "Content-Type"],
  ["access-control-max-age", "86400"],
  ["vary", "Origin"],
];
const ANY_ORIGIN: HeaderList = [...BASE, ["access-control-allow-origin", "*"]];

export function createCorsHeaders(allowedHosts: readonly string[]): CorsHeaders {
  const open = allowedHosts.length === 0;
  const isAllowed = (origin: string) => {
    if (open) return true;
    try {
      return allowedHosts.includes(new URL(origin).hostname.toLowerCase());
    } catch {
      return false;
    }
  };
  return function corsHeaders(origin, path) {
    if (!TRACKING_PATHS.has(path)) return BASE;
    if (!origin) return ANY_ORIGIN;
    if (!isAllowed(origin)) return BASE;
    return [
      ...BASE,
      ["access-control-allow-origin", origin],
      ["access-control-allow-credentials", "true"],
    ];
  };
}
