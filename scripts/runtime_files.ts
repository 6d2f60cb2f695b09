// `deno run -A scripts/runtime_files.ts OUT`: the files under node_modules/ that the runtime
// reads, one path a line relative to node_modules/, for scripts/prune_modules.ts to keep in the
// image. They are the modules esbuild reaches from the runtime entry points (the entry files of
// the server, the admin and crawler CLIs, the password hasher, the MCP stdio server, every route
// and island, which the server imports at start, and the workers) under Deno's resolution
// conditions, plus the bundled data files (lib/bundled_data.ts). Run it with every npm package
// installed: it needs esbuild, a build tool.
import * as esbuild from "esbuild";
import { BUNDLED_DATA_FILES } from "../lib/bundled_data.ts";

const ROOT = new URL("../", import.meta.url);
const NODE_MODULES = new URL("node_modules/", ROOT);

/** The entry files of what the image runs (deno.json's serve, admin, crawlers, hash-password and
 * mcp tasks). */
export const RUNTIME_ENTRIES = [
  "main.ts",
  "scripts/admin.ts",
  "scripts/crawlers.ts",
  "scripts/hash_password.ts",
  "mcp/stdio.ts",
] as const;

/** The folders whose every module the server imports at start (lib/fresh/fs_routes.ts and
 * lib/fresh/islands.ts load them by walking the folder). */
export const LOADED_FOLDERS = ["routes", "islands"] as const;

/** Worker modules (`new Worker(new URL("./x_worker.ts", import.meta.url))`, which esbuild does
 * not follow) are named so: every `*_worker.ts` under lib/ is an entry point. */
export const WORKER_FILE = /_worker\.ts$/;

function walk(dir: URL, out: string[], wanted: (name: string) => boolean): void {
  for (const entry of Deno.readDirSync(dir)) {
    const url = new URL(entry.isDirectory ? `${entry.name}/` : entry.name, dir);
    if (entry.isDirectory) walk(url, out, wanted);
    else if (wanted(entry.name) && !/_test\.tsx?$/.test(entry.name)) out.push(url.pathname);
  }
}

/** Absolute paths of the entry points. */
export function entryPoints(): string[] {
  const files = RUNTIME_ENTRIES.map((file) => new URL(file, ROOT).pathname);
  const modules = (name: string) => /\.(tsx?|jsx?)$/.test(name);
  for (const folder of LOADED_FOLDERS) walk(new URL(`${folder}/`, ROOT), files, modules);
  walk(new URL("lib/", ROOT), files, (name) => WORKER_FILE.test(name));
  return files;
}

/** node_modules-relative paths of the modules the entry points load and of the data files. */
export async function runtimeFiles(): Promise<string[]> {
  const nodeModules = NODE_MODULES.pathname;
  const result = await esbuild.build({
    absWorkingDir: ROOT.pathname,
    // One bundle importing every entry point: each module is read once.
    stdin: {
      contents: entryPoints().map((file) => `import ${JSON.stringify(file)};`).join("\n"),
      resolveDir: ROOT.pathname,
      loader: "ts",
    },
    bundle: true,
    write: false,
    metafile: true,
    outfile: "/nonexistent-out.js",
    format: "esm",
    // Deno's conditions: "deno", "node", then "import" or "require" by how a module is loaded.
    platform: "node",
    conditions: ["deno"],
    mainFields: ["main"],
    jsx: "automatic",
    jsxImportSource: "preact",
    logLevel: "silent",
  }).finally(() => esbuild.stop());
  const modules = Object.keys(result.metafile.inputs)
    .map((input) => new URL(input, ROOT).pathname)
    .filter((path) => path.startsWith(nodeModules))
    .map((path) => path.slice(nodeModules.length));
  const data = BUNDLED_DATA_FILES.map((url) => url.pathname.slice(nodeModules.length));
  return [...new Set([...modules, ...data])].sort();
}

if (import.meta.main) {
  const [out] = Deno.args;
  if (!out) {
    console.error("usage: deno run -A scripts/runtime_files.ts OUT");
    Deno.exit(2);
  }
  const files = await runtimeFiles();
  await Deno.writeTextFile(out, files.join("\n") + "\n");
  console.log(`${files.length} runtime files under node_modules/ listed in ${out}`);
}
