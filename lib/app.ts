// Builds the web app from routes/, islands/, static/ and the built client assets. Calling it
// starts nothing: tests build an app around an in-memory database and call `app.fetch`.
import {
  type ConnInfo,
  createFreshApp,
  IMMUTABLE,
  loadIslands,
  loadRouteFiles,
  readClientAssets,
  SHORT_CACHE,
  StaticFiles,
} from "./fresh/mod.ts";
import { discardUnreadBody } from "./http_body.ts";
import { PIXEL_CLASS, routeClassOf } from "./metrics/route_class.ts";
import type { Services } from "./services.ts";
import { initialState, type State, type Subrequest } from "./state.ts";
import { createTrackingFastPath, FAST_PIXEL_PATH } from "./tracking_fast_path.ts";

const ROOT = new URL("../", import.meta.url);

export interface App {
  fetch(req: Request, info?: ConnInfo): Response | Promise<Response>;
}

export async function createApp(services: Services): Promise<App> {
  await loadIslands(new URL("islands/", ROOT));
  const files = await loadRouteFiles<State>(new URL("routes/", ROOT));
  const staticFiles = new StaticFiles();
  staticFiles.addDirectory(new URL("static/", ROOT), "/", SHORT_CACHE);
  staticFiles.addDirectory(new URL("dist/client/assets/", ROOT), "/assets/", IMMUTABLE);
  // In-process requests (routes/mcp.ts) go through app.fetch, so they are timed and authorised
  // like any other request.
  const subrequest: Subrequest = async (req, remoteAddr) =>
    await app.fetch(req, { remoteAddr: { hostname: remoteAddr } });
  const fresh = createFreshApp<State>({
    files,
    assets: readClientAssets(new URL("dist/client/", ROOT), services.config.viteDevUrl),
    staticFiles,
    createState: () => initialState(services, subrequest),
    onError: (error, req) =>
      services.log.error(`unhandled error on ${req.method} ${new URL(req.url).pathname}`, error),
  });
  // A static file of that name would win in the general app, so it disables the fast path.
  const fastPath = staticFiles.has(FAST_PIXEL_PATH) ? null : createTrackingFastPath(services);
  const stats = services.requestStats;
  const metrics = services.httpMetrics;
  // Every response's handler time feeds /api/stats/vitals (lib/request_stats.ts) and /metrics
  // (per route class); the fast path's answer is synchronous, so it is timed without a promise.
  // A request body no handler read is cancelled once the response is ready (lib/http_body.ts).
  const timed = async (req: Request, started: number, pending: Promise<Response>) => {
    let status = 500;
    try {
      const response = await pending;
      status = response.status;
      return response;
    } finally {
      const path = pathOf(req.url);
      const ms = performance.now() - started;
      stats.record(path, status, ms);
      metrics.observe(routeClassOf(path), status, ms);
      discardUnreadBody(req);
    }
  };
  const app: App = {
    fetch(req, info) {
      const started = performance.now();
      const fast = fastPath?.(req, info?.remoteAddr?.hostname ?? "");
      if (fast) {
        const ms = performance.now() - started;
        stats.record(FAST_PIXEL_PATH, fast.status, ms);
        metrics.observe(PIXEL_CLASS, fast.status, ms);
        return fast;
      }
      return timed(req, started, fresh.fetch(req, info));
    },
  };
  return app;
}

/** The path of an absolute URL without parsing all of it (this runs on every request). */
function pathOf(url: string): string {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  if (start < 0) return "/";
  const end = url.search(/[?#]/);
  return url.slice(start, end < 0 ? undefined : end);
}
