// The Fresh-conventions layer on Deno.serve + Preact SSR: file routes, middleware, layouts,
// islands, static files. `createFreshApp` turns a loaded routes tree into a fetch handler.
// No web framework underneath: one catch-all route was all we used of Hono, and without it a
// request parses its URL once (README "Architecture", "Why no framework").
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

export interface FreshApp {
  fetch(req: Request, info?: ConnInfo): Promise<Response>;
}

export function createFreshApp<State>(options: FreshAppOptions<State>): FreshApp {
  const dispatch = createRouter(options);
  const staticFiles = options.staticFiles;
  return {
    fetch(req, info) {
      const url = new URL(req.url);
      if (staticFiles && (req.method === "GET" || req.method === "HEAD")) {
        const response = staticFiles.serve(req, normalizePath(url.pathname));
        if (response) return Promise.resolve(response);
      }
      return dispatch(req, info?.remoteAddr?.hostname ?? "", url);
    },
  };
}
