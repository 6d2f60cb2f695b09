// The route table as the router sees it: every file under routes/ (except `_`-prefixed
// middleware, layouts, error pages and helpers), its URL pattern, its parameters and the methods
// it implements — enumerated from lib/fresh, never hand-picked, so a new route is covered at once.
import { loadRouteFiles } from "../../lib/fresh/fs_routes.ts";
import { parseRouteFile } from "../../lib/fresh/route_path.ts";
import { type Method, METHODS } from "../../lib/fresh/types.ts";
import type { State } from "../../lib/state.ts";

export interface RouteInfo {
  /** File relative to routes/, e.g. `api/sites/[id].ts`. */
  file: string;
  /** Display pattern, e.g. `/api/sites/:id`. */
  pattern: string;
  paramNames: string[];
  /** Methods with a handler (a page without handlers implements GET; HEAD follows GET). */
  methods: Method[];
}

export const UNSAFE_METHODS: readonly Method[] = ["POST", "PUT", "PATCH", "DELETE"];

let cached: Promise<RouteInfo[]> | null = null;

export function listRoutes(): Promise<RouteInfo[]> {
  cached ??= load();
  return cached;
}

async function load(): Promise<RouteInfo[]> {
  const files = await loadRouteFiles<State>(new URL("../../routes/", import.meta.url));
  const routes: RouteInfo[] = [];
  for (const { file, module } of files) {
    if (file.split("/").some((part) => part.startsWith("_"))) continue;
    const { pattern, paramNames } = parseRouteFile(file);
    routes.push({ file, pattern, paramNames, methods: methodsOf(module) });
  }
  return routes;
}

function methodsOf(module: { handler?: unknown; default?: unknown }): Method[] {
  const handler = module.handler;
  if (typeof handler === "function") return [...METHODS];
  if (handler && typeof handler === "object") {
    const own = Object.keys(handler) as Method[];
    const methods = new Set(own);
    if (methods.has("GET")) methods.add("HEAD");
    return METHODS.filter((m) => methods.has(m));
  }
  return module.default ? ["GET", "HEAD"] : [];
}

/** The concrete path of a route with each `:param` replaced by `fill(name)` (URL-encoded). */
export function pathOf(route: RouteInfo, fill: (name: string) => string): string {
  const path = route.pattern.replace(
    /:([A-Za-z_][A-Za-z0-9_]*)/g,
    (_, name: string) => encodeURIComponent(fill(name).toWellFormed()),
  );
  return path.replace(/\/\*[A-Za-z_]\w*$/, "/" + encodeURIComponent(fill("rest").toWellFormed()));
}
