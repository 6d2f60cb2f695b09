// The route classes /metrics reports requests and latencies by: a handful of fixed labels, so the
// series stay few whatever paths clients invent. One list, read by the counters and the output.

export const ROUTE_CLASSES = [
  "pixel",
  "events",
  "ingest",
  "api",
  "admin",
  "static",
  "other",
] as const;
export type RouteClass = typeof ROUTE_CLASSES[number];

/** Index of `pixel` in ROUTE_CLASSES: the fast path of GET /b.gif counts under it directly. */
export const PIXEL_CLASS = 0;

const EVENTS = 1;
const INGEST = 2;
const API = 3;
const ADMIN = 4;
const STATIC = 5;
const OTHER = 6;

/** Files served as they are: the tracker scripts, built assets, icons, robots.txt and the like. */
const STATIC_FILE = /\.(?:js|css|map|png|svg|ico|webp|jpe?g|gif|txt|xml|webmanifest|woff2?)$/;

/** The class of a request path (no query string), as an index into ROUTE_CLASSES. */
export function routeClassOf(path: string): number {
  if (path === "/b.gif") return PIXEL_CLASS;
  if (path === "/e") return EVENTS;
  if (path.startsWith("/api/")) {
    // Batch ingest and Nanolytica's collect endpoint bring hits in; the rest of /api/ reads.
    return path === "/api/ingest" || path === "/api/analytics/collect" ? INGEST : API;
  }
  if (path === "/admin" || path.startsWith("/admin/")) return ADMIN;
  if (path.startsWith("/assets/") || STATIC_FILE.test(path)) return STATIC;
  return OTHER;
}
