// Builds the web app from routes/, islands/, static/ and the built client assets. Calling it
// starts nothing: tests build an app around an in-memory database and call `app.fetch`.
import {
  createFreshApp,
  IMMUTABLE,
  loadIslands,
  loadRouteFiles,
  readClientAssets,
  SHORT_CACHE,
  StaticFiles,
} from "./fresh/mod.ts";
import type { Services } from "./services.ts";
import { initialState, type State, type Subrequest } from "./state.ts";

const ROOT = new URL("../", import.meta.url);

export async function createApp(services: Services) {
  await loadIslands(new URL("islands/", ROOT));
  const files = await loadRouteFiles<State>(new URL("routes/", ROOT));
  const staticFiles = new StaticFiles();
  staticFiles.addDirectory(new URL("static/", ROOT), "/", SHORT_CACHE);
  staticFiles.addDirectory(new URL("dist/client/assets/", ROOT), "/assets/", IMMUTABLE);
  // In-process requests (routes/mcp.ts) go through app.fetch, so they are timed and authorised
  // like any other request.
  const subrequest: Subrequest = async (req, remoteAddr) =>
    await app.fetch(req, { remoteAddr: { hostname: remoteAddr } });
  const app = createFreshApp<State>({
    files,
    assets: readClientAssets(new URL("dist/client/", ROOT), services.config.viteDevUrl),
    staticFiles,
    createState: () => initialState(services, subrequest),
    onError: (error, req) =>
      services.log.error(`unhandled error on ${req.method} ${new URL(req.url).pathname}`, error),
  });
  // Every response's handler time feeds /api/stats/vitals (lib/request_stats.ts).
  const dispatch = app.fetch;
  app.fetch = async (req, ...rest) => {
    const started = performance.now();
    let status = 500;
    try {
      const response = await dispatch(req, ...rest);
      status = response.status;
      return response;
    } finally {
      services.requestStats.record(pathOf(req.url), status, performance.now() - started);
    }
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

export type App = Awaited<ReturnType<typeof createApp>>;
