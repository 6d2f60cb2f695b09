// Loads the routes/ tree: every .ts/.tsx file, imported once at start, as RouteFile entries.
import type { RouteFile, RouteModule } from "./types.ts";

export async function loadRouteFiles<State>(dir: URL): Promise<RouteFile<State>[]> {
  const files: string[] = [];
  collect(dir, "", files);
  files.sort();
  return await Promise.all(
    files.map(async (file) => ({
      file,
      module: (await import(new URL(file, dir).href)) as RouteModule<State>,
    })),
  );
}

function collect(dir: URL, prefix: string, out: string[]): void {
  for (const entry of Deno.readDirSync(dir)) {
    if (entry.isDirectory) {
      collect(new URL(`${entry.name}/`, dir), `${prefix}${entry.name}/`, out);
    } else if (
      entry.isFile && /\.(tsx|ts|jsx|js)$/.test(entry.name) && !/_test\.tsx?$/.test(entry.name)
    ) {
      out.push(`${prefix}${entry.name}`);
    }
  }
}
