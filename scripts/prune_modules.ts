// `deno run -A scripts/prune_modules.ts LIST`: after `npm ci --omit=dev`, deletes from
// node_modules/ every file the runtime does not read. LIST is scripts/runtime_files.ts's output
// (paths relative to node_modules/). Kept: the listed files; and in every package that holds one,
// each package.json (module resolution reads them) and the licence files (the licences of what
// the image redistributes). Everything else goes: unused packages whole, and in used ones their
// type declarations, source maps, sources, docs, other builds and unused data files.
// A listed file that is not installed stops the build: the runtime would import a package that
// is not a runtime dependency, or a data file that is missing.

/** A licence, notice or modification record (LICENSE, NRO_LICENSE, NOTICE, COPYING.txt …). */
const LICENCE = /(^|[-_.])(licen[cs]e|notice|copying|modifications)([-_.]|$)/i;

export interface PruneResult {
  keptFiles: number;
  removedFiles: number;
  removedBytes: number;
}

/** The package folder (relative to node_modules/) a path belongs to: the last `name` or
 * `@scope/name` after a node_modules/ segment. */
export function packageOf(path: string): string {
  const parts = path.split("/");
  let start = 0;
  for (let i = 0; i < parts.length; i++) if (parts[i] === "node_modules") start = i + 1;
  const length = parts[start]?.startsWith("@") ? 2 : 1;
  return parts.slice(0, start + length).join("/");
}

function filesUnder(dir: string, prefix = ""): string[] {
  const out: string[] = [];
  for (const entry of Deno.readDirSync(`${dir}/${prefix}`)) {
    const path = `${prefix}${entry.name}`;
    if (entry.isDirectory) out.push(...filesUnder(dir, `${path}/`));
    else out.push(path);
  }
  return out;
}

/** Removes the folders under `dir` that are left empty; true when `dir` itself is empty. */
function removeEmpty(dir: string): boolean {
  let empty = true;
  for (const entry of Deno.readDirSync(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory && removeEmpty(path)) Deno.removeSync(path);
    else empty = false;
  }
  return empty;
}

/** Deletes what `keep` does not name from `nodeModules` (see the header). */
export function pruneModules(nodeModules: string, keep: readonly string[]): PruneResult {
  const missing = keep.filter((path) => {
    try {
      return !Deno.statSync(`${nodeModules}/${path}`).isFile;
    } catch {
      return true;
    }
  });
  if (missing.length > 0) {
    throw new Error(
      `the runtime reads files that are not installed (a dev dependency? a missing data file?):\n` +
        missing.map((path) => `  node_modules/${path}`).join("\n"),
    );
  }
  const listed = new Set(keep);
  const packages = new Set(keep.map(packageOf));
  const result: PruneResult = { keptFiles: 0, removedFiles: 0, removedBytes: 0 };
  for (const path of filesUnder(nodeModules)) {
    const name = path.slice(path.lastIndexOf("/") + 1);
    const kept = listed.has(path) ||
      (packages.has(packageOf(path)) && (name === "package.json" || LICENCE.test(name)));
    if (kept) {
      result.keptFiles++;
      continue;
    }
    const file = `${nodeModules}/${path}`;
    result.removedBytes += Deno.lstatSync(file).size;
    Deno.removeSync(file);
    result.removedFiles++;
  }
  removeEmpty(nodeModules);
  return result;
}

if (import.meta.main) {
  const [list] = Deno.args;
  if (!list) {
    console.error("usage: deno run -A scripts/prune_modules.ts LIST");
    Deno.exit(2);
  }
  const keep = Deno.readTextFileSync(list).split("\n").filter(Boolean);
  const nodeModules = new URL("../node_modules", import.meta.url).pathname;
  try {
    const { keptFiles, removedFiles, removedBytes } = pruneModules(nodeModules, keep);
    console.log(
      `node_modules: kept ${keptFiles} files, removed ${removedFiles} ` +
        `(${(removedBytes / 1e6).toFixed(1)} MB)`,
    );
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    Deno.exit(1);
  }
}
