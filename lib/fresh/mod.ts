// The Fresh-conventions layer on Hono + Preact SSR: file routes, middleware, layouts, islands,
// static files. `createFreshApp` turns a loaded routes tree into a Hono app.
import { Hono } from "hono";
import type { ClientAssets } from "./assets.ts";
import { createRouter } from "./router.ts";
import { normalizePath } from "./route_path.ts";
import type { StaticFiles } from "./static_files.ts";
import type { RouteFile } from "./types.ts";

export { AssetTags, readClientAssets } from "./assets.ts";
export type { ClientAssets } from "./assets.ts";
export { loadRouteFiles } from "./fs_routes.ts";
export { loadIslands, registerIsland } from "./islands.ts";
export { IMMUTABLE, SHORT_CACHE, StaticFiles } from "./static_files.ts";
export { page } from "./types.ts";
export type {
  Context,
  ErrorPageProps,
  HandlerFn,
  Handlers,
  LayoutProps,
  Middleware,
  PageProps,
  RouteFile,
} from "./types.ts";

export interface FreshAppOptions<State> {
  files: RouteFile<State>[];
  assets: ClientAssets;
  staticFiles?: StaticFiles;
  createState: (req: Request) => State;
  onError?: (error: unknown, req: Request) => void;
}

/** Connection info as Deno.serve passes it; tests pass `{ remoteAddr: { hostname } }`. */
export interface ConnInfo {
  remoteAddr?: { hostname?: string };
}

export function createFreshApp<State>(
  options: FreshAppOptions<State>,
): Hono<{ Bindings: ConnInfo }> {
  const dispatch = createRouter(options);
  const app = new Hono<{ Bindings: ConnInfo }>();
  const staticFiles = options.staticFiles;
  app.all("*", (c) => {
    const req = c.req.raw;
    if (staticFiles && (req.method === "GET" || req.method === "HEAD")) {
      const response = staticFiles.serve(req, normalizePath(c.req.path));
      if (response) return response;
    }
    return dispatch(req, c.env?.remoteAddr?.hostname ?? "");
  });
  return app;
}
