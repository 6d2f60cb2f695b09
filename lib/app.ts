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
import type { State } from "./state.ts";

const ROOT = new URL("../", import.meta.url);

export async function createApp(services: Services) {
  await loadIslands(new URL("islands/", ROOT));
  const files = await loadRouteFiles<State>(new URL("routes/", ROOT));
  const staticFiles = new StaticFiles();
  staticFiles.addDirectory(new URL("static/", ROOT), "/", SHORT_CACHE);
  staticFiles.addDirectory(new URL("dist/client/assets/", ROOT), "/assets/", IMMUTABLE);
  return createFreshApp<State>({
    files,
    assets: readClientAssets(new URL("dist/client/", ROOT), services.config.viteDevUrl),
    staticFiles,
    createState: () => ({ services }),
    onError: (error, req) =>
      services.log.error(`unhandled error on ${req.method} ${new URL(req.url).pathname}`, error),
  });
}

export type App = Awaited<ReturnType<typeof createApp>>;
