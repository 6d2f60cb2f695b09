// The image build's pruning of node_modules (scripts/prune_modules.ts) on a planted tree: what
// stays on disk is the listed files, and package.json and licence files of the packages that hold
// one; unused packages, declarations, maps and docs are gone. A listed file that is not installed
// stops it with the file's name, and nothing is deleted. And the real list
// (scripts/runtime_files.ts): every file the runtime reads is installed and belongs to a runtime
// dependency, the bundled data files included.
import assert from "node:assert/strict";
import { pruneModules } from "../scripts/prune_modules.ts";
import { entryPoints, runtimeFiles } from "../scripts/runtime_files.ts";
import { BUNDLED_DATA_FILES } from "../lib/bundled_data.ts";

/** Files planted under node_modules/, relative to it. */
const PLANTED = [
  "used/package.json",
  "used/LICENSE",
  "used/README",
  "used/dist/index.js",
  "used/dist/index.js.map",
  "used/dist/index.d.ts",
  "used/dist/other-build.cjs",
  "used/hooks/package.json",
  "used/node_modules/nested/package.json",
  "used/node_modules/nested/LICENSE.txt",
  "used/node_modules/nested/lib/a.js",
  "used/node_modules/nested/lib/unread.js",
  "unused/package.json",
  "unused/LICENSE",
  "unused/index.js",
  "@scope/data/package.json",
  "@scope/data/NRO_LICENSE",
  "@scope/data/MODIFICATIONS",
  "@scope/data/read.csv",
  "@scope/data/unread.csv",
  "@scope/other/package.json",
  ".package-lock.json",
];

const LISTED = ["used/dist/index.js", "used/node_modules/nested/lib/a.js", "@scope/data/read.csv"];

async function plant(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "echelon-prune-" });
  for (const file of PLANTED) {
    await Deno.mkdir(`${dir}/${file.slice(0, file.lastIndexOf("/") + 1)}`, { recursive: true });
    await Deno.writeTextFile(`${dir}/${file}`, `contents of ${file}\n`);
  }
  await Deno.mkdir(`${dir}/.bin`);
  await Deno.symlink("../unused/index.js", `${dir}/.bin/unused`);
  return dir;
}

async function tree(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of Deno.readDir(`${dir}/${prefix}`)) {
    const path = `${prefix}${entry.name}`;
    if (entry.isDirectory) out.push(`${path}/`, ...await tree(dir, `${path}/`));
    else out.push(path);
  }
  return out.sort();
}

Deno.test("prune: only listed files, and package.json and licences of used packages, stay", async () => {
  const dir = await plant();
  try {
    const result = pruneModules(dir, LISTED);
    assert.deepEqual(await tree(dir), [
      "@scope/",
      "@scope/data/",
      "@scope/data/MODIFICATIONS",
      "@scope/data/NRO_LICENSE",
      "@scope/data/package.json",
      "@scope/data/read.csv",
      "used/",
      "used/LICENSE",
      "used/dist/",
      "used/dist/index.js",
      "used/hooks/",
      "used/hooks/package.json",
      "used/node_modules/",
      "used/node_modules/nested/",
      "used/node_modules/nested/LICENSE.txt",
      "used/node_modules/nested/lib/",
      "used/node_modules/nested/lib/a.js",
      "used/node_modules/nested/package.json",
      "used/package.json",
    ]);
    assert.equal(result.keptFiles, 11);
    assert.equal(result.removedFiles, PLANTED.length + 1 - 11, "the .bin link too");
    assert.equal(
      await Deno.readTextFile(`${dir}/used/dist/index.js`),
      "contents of used/dist/index.js\n",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("prune: a listed file that is not installed stops it, nothing deleted", async () => {
  const dir = await plant();
  try {
    const before = await tree(dir);
    assert.throws(
      () => pruneModules(dir, [...LISTED, "vite/dist/node/index.js", "@scope/data/gone.csv"]),
      (error: Error) =>
        error.message.includes("node_modules/vite/dist/node/index.js") &&
        error.message.includes("node_modules/@scope/data/gone.csv") &&
        !error.message.includes("read.csv"),
    );
    assert.deepEqual(await tree(dir), before);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runtime files: installed, runtime dependencies only, the data files among them", async () => {
  const root = new URL("../", import.meta.url).pathname;
  const lock = JSON.parse(await Deno.readTextFile(`${root}package-lock.json`));
  const packages: Record<string, { dev?: boolean }> = lock.packages;
  const files = await runtimeFiles();
  for (const file of files) {
    assert.ok((await Deno.stat(`${root}node_modules/${file}`)).isFile, file);
    const owner = Object.keys(packages)
      .filter((key) => key && `${file}`.startsWith(`${key.slice("node_modules/".length)}/`))
      .sort((a, b) => b.length - a.length)[0];
    assert.ok(owner, `${file} belongs to a locked package`);
    assert.ok(!packages[owner].dev, `${file} is in ${owner}, a dev dependency`);
  }
  for (const data of BUNDLED_DATA_FILES) {
    assert.ok(files.includes(data.pathname.slice(`${root}node_modules/`.length)), data.href);
  }
  // The modules the server renders with and the MCP SDK, as a check that esbuild's graph
  // reaches into packages.
  for (const module of ["preact/dist/preact.mjs", "@modelcontextprotocol/sdk/dist/esm/types.js"]) {
    assert.ok(files.includes(module), module);
  }
});

/** The .ts/.tsx files of what the image runs, relative to the repository. */
async function runtimeSources(dir: string, prefix: string, out: string[]): Promise<void> {
  for await (const entry of Deno.readDir(`${dir}/${prefix}`)) {
    const path = `${prefix}${entry.name}`;
    if (entry.isDirectory) await runtimeSources(dir, `${path}/`, out);
    else if (/\.tsx?$/.test(entry.name) && !/_test\.tsx?$/.test(entry.name)) out.push(path);
  }
}

Deno.test("runtime files: code opens files of node_modules only through lib/bundled_data.ts", async () => {
  const root = new URL("../", import.meta.url).pathname;
  const files = ["main.ts"];
  for (const folder of ["lib/", "routes/", "islands/", "components/", "mcp/"]) {
    await runtimeSources(root, folder, files);
  }
  const offenders: string[] = [];
  for (const file of files) {
    if (file === "lib/bundled_data.ts") continue;
    const lines = (await Deno.readTextFile(`${root}${file}`)).split("\n");
    lines.forEach((line, i) => {
      // A string naming a path in node_modules, outside comments (@ts-types ones included).
      if (!/^\s*(\/\/|\*|\/\*)/.test(line) && /["'`][^"'`]*node_modules\/[^"'`]*["'`]/.test(line)) {
        offenders.push(`${file}:${i + 1}: ${line.trim()}`);
      }
    });
  }
  assert.deepEqual(
    offenders,
    [],
    "declare the file in lib/bundled_data.ts (the image keeps those)",
  );
});

Deno.test("runtime files: every worker the code starts is an entry point", async () => {
  const root = new URL("../", import.meta.url).pathname;
  const sources: string[] = [];
  await runtimeSources(root, "lib/", sources);
  const started: string[] = [];
  for (const file of sources) {
    const text = await Deno.readTextFile(`${root}${file}`);
    for (const match of text.matchAll(/new Worker\(\s*new URL\(\s*"([^"]+)"/g)) {
      started.push(new URL(match[1], `file://${root}${file}`).pathname);
    }
  }
  assert.ok(started.length >= 2, "the writer's and the backup's workers");
  const entries = new Set(entryPoints());
  for (const worker of started) assert.ok(entries.has(worker), `${worker} is not an entry point`);
});
