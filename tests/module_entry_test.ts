// Every storage module can be the first one a process imports: a cycle of imports (e.g.
// lib/db/aggregates.ts → lib/db/bots.ts → lib/db/session_table.ts → lib/db/aggregates_rebuild.ts →
// lib/db/aggregates.ts) must not leave a module reading another's exports before they are set,
// which shows only for some entry points (a test file importing one module first failed with
// "Cannot access 'AGGREGATE_DIMENSIONS' before initialization" in CI). Each module is imported
// first in its own process.
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const DIRS = ["lib/db", "lib/db/query", "lib/store", "lib/store/sqlite"];

async function modules(): Promise<string[]> {
  const files: string[] = [];
  for (const dir of DIRS) {
    for await (const entry of Deno.readDir(join(ROOT, dir))) {
      if (entry.isFile && /\.ts$/.test(entry.name) && !entry.name.endsWith(".d.ts")) {
        files.push(`${dir}/${entry.name}`);
      }
    }
  }
  return files.sort();
}

Deno.test("every storage module loads as a process's first import (no use before init in a cycle)", async () => {
  const files = await modules();
  assert.ok(files.length > 40, `${files.length} modules`);
  const failures: string[] = [];
  const queue = [...files];
  const worker = async () => {
    for (let file = queue.shift(); file; file = queue.shift()) {
      const url = new URL(`../${file}`, import.meta.url).href;
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["eval", "--no-check", `await import(${JSON.stringify(url)});`],
        cwd: ROOT,
        env: { NO_COLOR: "1" },
        stdout: "null",
        stderr: "piped",
      }).output();
      if (!out.success) {
        failures.push(`${file}: ${new TextDecoder().decode(out.stderr).split("\n").slice(0, 3)}`);
      }
    }
  };
  await Promise.all([worker(), worker(), worker()]);
  assert.deepEqual(failures, []);
});
