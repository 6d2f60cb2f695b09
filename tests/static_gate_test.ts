// The type-check gate (`deno task check:types`, part of `deno task check`) reaches every source
// file, including the routes, islands and components that the app loads by dynamic import: a
// type error planted in any of them, in a copy of this checkout, fails the gate and is named.
import assert from "node:assert/strict";

const ROOT = new URL("../", import.meta.url).pathname;
const PLANTED = '\nexport const plantedTypeError: number = "not a number";\n';

async function trackedFiles(): Promise<string[]> {
  const out = await new Deno.Command("git", { args: ["ls-files", "-z"], cwd: ROOT }).output();
  assert.equal(out.code, 0, "git ls-files");
  return new TextDecoder().decode(out.stdout).split("\0").filter(Boolean);
}

/** A copy of the checkout's tracked files (node_modules linked, not copied). */
async function copyCheckout(files: string[]): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "echelon-gate-" });
  for (const file of files) {
    const target = `${dir}/${file}`;
    await Deno.mkdir(target.slice(0, target.lastIndexOf("/")), { recursive: true });
    await Deno.copyFile(`${ROOT}${file}`, target);
  }
  await Deno.symlink(`${ROOT}node_modules`, `${dir}/node_modules`);
  return dir;
}

Deno.test("static gate: a type error in a route, an island or a component fails check:types", async () => {
  const files = await trackedFiles();
  const targets = ["routes/", "islands/", "components/", "lib/", "tests/"].map((folder) => {
    const file = files.find((f) => f.startsWith(folder) && /\.tsx?$/.test(f));
    assert.ok(file, `a source file under ${folder}`);
    return file;
  });
  const dir = await copyCheckout(files);
  try {
    for (const file of targets) {
      await Deno.writeTextFile(`${dir}/${file}`, PLANTED, { append: true });
    }
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["task", "check:types"],
      cwd: dir,
      env: { NO_COLOR: "1" },
    }).output();
    const log = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    assert.notEqual(out.code, 0, `check:types passed with planted errors:\n${log.slice(-2000)}`);
    for (const file of targets) {
      assert.ok(log.includes(`${dir}/${file}`), `the gate names ${file}:\n${log.slice(-3000)}`);
    }
    const errors = [...log.matchAll(/TS2322 \[ERROR\]/g)].length;
    assert.equal(errors, targets.length, `only the planted errors:\n${log.slice(-3000)}`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
