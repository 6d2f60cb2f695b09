// `.env` loading as Deno does it (`deno run --env-file=.env` in the tasks) and `.env.example`:
// a project copy with a .env is started through `deno task serve` and listens where the file
// says; a real environment variable wins over the file; without a .env it starts with no warning.
// .env.example lists every variable the server and the MCP task read, and its defaults, loaded by
// Deno's own parser, give exactly the configuration of an empty environment.
import assert from "node:assert/strict";
import { loadConfig } from "../lib/config.ts";
import { collectOutput } from "./_process.ts";

const ROOT = new URL("../", import.meta.url).pathname;
/** Read by lib/config.ts for the fault tests only (lib/db/test_faults.ts), never documented. */
const TEST_ONLY = new Set(["ECHELON_TEST_MAX_PAGES_FILE"]);
const NAME = /\bECHELON_[A-Z][A-Z0-9_]*\b/g;

const namesIn = (text: string) => new Set(text.match(NAME) ?? []);
const sorted = (names: Iterable<string>) => [...names].sort();

async function exampleLines(): Promise<Map<string, string>> {
  const text = await Deno.readTextFile(`${ROOT}.env.example`);
  const lines = new Map<string, string>();
  for (const match of text.matchAll(/^# (ECHELON_[A-Z0-9_]+)=(.*)$/gm)) {
    assert.ok(!lines.has(match[1]), `${match[1]} is listed once`);
    lines.set(match[1], match[2]);
  }
  return lines;
}

/** The variables the server reads (lib/config.ts), test-only ones aside. */
async function serverVariables(): Promise<Set<string>> {
  const names = namesIn(await Deno.readTextFile(`${ROOT}lib/config.ts`));
  return new Set([...names].filter((name) => !TEST_ONLY.has(name)));
}

Deno.test(".env.example lists every variable the server and `deno task mcp` read", async () => {
  const listed = await exampleLines();
  const mcp = namesIn(await Deno.readTextFile(`${ROOT}mcp/stdio.ts`));
  const read = new Set([...await serverVariables(), ...mcp]);
  assert.deepEqual(sorted(listed.keys()), sorted(read));
});

Deno.test("the README's configuration table has a row for every server variable", async () => {
  const readme = await Deno.readTextFile(`${ROOT}README.md`);
  const rows = new Set([...readme.matchAll(/^\| `(ECHELON_[A-Z0-9_]+)` /gm)].map((m) => m[1]));
  const missing = [...await serverVariables()].filter((name) => !rows.has(name));
  assert.deepEqual(missing, []);
});

Deno.test(".env.example's values, read by Deno's --env-file, are the defaults", async () => {
  const dir = await Deno.makeTempDir({ prefix: "echelon-envexample-" });
  try {
    const example = await Deno.readTextFile(`${ROOT}.env.example`);
    // Uncommented, as an operator would after copying it.
    await Deno.writeTextFile(`${dir}/.env`, example.replace(/^# (ECHELON_[A-Z0-9_]+=)/gm, "$1"));
    const script = `${dir}/print_config.ts`;
    await Deno.writeTextFile(
      script,
      `import { loadConfig } from ${JSON.stringify(`${ROOT}lib/config.ts`)};\n` +
        "const env = Deno.env.toObject();\n" +
        "const listed = Object.keys(env).filter((k) => k.startsWith('ECHELON_')).length;\n" +
        "console.log(JSON.stringify({ listed, config: loadConfig(env) }, " +
        "(_k, v) => v instanceof Map ? [...v] : v));\n",
    );
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-q",
        "--allow-env",
        "--allow-read",
        `--config=${ROOT}deno.json`,
        "--env-file=.env",
        script,
      ],
      cwd: dir,
      clearEnv: true,
      env: { NO_COLOR: "1" },
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, stderr);
    const { listed, config } = JSON.parse(new TextDecoder().decode(out.stdout));
    assert.equal(listed, (await exampleLines()).size, "Deno read every line of the file");
    const defaults = JSON.parse(
      JSON.stringify(loadConfig({}), (_k, v) => v instanceof Map ? [...v] : v),
    );
    assert.deepEqual(config, defaults);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** A copy of the project whose deno.json is its own and everything else links to this checkout. */
async function projectCopy(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "echelon-envproject-" });
  for await (const entry of Deno.readDir(ROOT)) {
    if (entry.name === ".git" || entry.name.startsWith(".env")) continue;
    if (entry.name === "deno.json") await Deno.copyFile(`${ROOT}deno.json`, `${dir}/deno.json`);
    else await Deno.symlink(`${ROOT}${entry.name}`, `${dir}/${entry.name}`);
  }
  return dir;
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** `deno task serve` in `dir`; resolves with the port it listens on, its log, and a stop. */
async function serveTask(dir: string, env: Record<string, string> = {}) {
  const bin = Deno.execPath();
  const child = new Deno.Command(bin, {
    args: ["task", "serve"],
    cwd: dir,
    clearEnv: true,
    // The nested `deno` of the task resolves through PATH to this same binary.
    env: { PATH: `${bin.slice(0, bin.lastIndexOf("/"))}:/usr/bin:/bin`, NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const { log, drained } = collectOutput(child);
  const stop = async () => {
    child.kill("SIGTERM"); // deno task passes it on to the server
    const status = await child.status;
    await drained;
    return status;
  };
  const deadline = Date.now() + 30_000;
  let match: RegExpMatchArray | null = null;
  while (!(match = log().match(/listening on http:\/\/([\d.]+):(\d+)/))) {
    if (Date.now() > deadline || log().includes("Invalid configuration")) {
      await stop();
      throw new Error(`the task did not start:\n${log()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { hostname: match[1], port: Number(match[2]), log, stop };
}

Deno.test("deno task serve: .env in the project sets the configuration; the real env wins", async () => {
  const dir = await projectCopy();
  try {
    const filePort = freePort();
    await Deno.writeTextFile(
      `${dir}/.env`,
      [
        "# as an operator writes it",
        `ECHELON_PORT=${filePort}`,
        "ECHELON_HOSTNAME=127.0.0.1",
        "ECHELON_DB_PATH=./from-env-file.db",
        'ECHELON_LOG_FORMAT="json"',
      ].join("\n") + "\n",
    );
    const fromFile = await serveTask(dir);
    try {
      assert.equal(fromFile.port, filePort);
      const res = await fetch(`http://127.0.0.1:${filePort}/api/health`);
      assert.equal((await res.json()).status, "ok");
      const lines = fromFile.log().split("\n").filter((l) => l.startsWith("{"));
      assert.ok(lines.length >= 2 && lines.every((l) => JSON.parse(l).level), "JSON log lines");
    } finally {
      assert.equal((await fromFile.stop()).code, 0, fromFile.log());
    }
    assert.ok((await Deno.stat(`${dir}/from-env-file.db`)).isFile, "the database the file named");

    const envPort = freePort();
    const fromEnv = await serveTask(dir, { ECHELON_PORT: String(envPort) });
    try {
      assert.equal(fromEnv.port, envPort, "a real environment variable wins over the file");
      assert.equal((await fetch(`http://127.0.0.1:${envPort}/api/health`)).status, 200);
      assert.match(fromEnv.log(), /^\{"time"/m, "the rest of the file still applies");
    } finally {
      assert.equal((await fromEnv.stop()).code, 0, fromEnv.log());
    }

    await Deno.remove(`${dir}/.env`);
    const port = freePort();
    const withoutFile = await serveTask(dir, {
      ECHELON_PORT: String(port),
      ECHELON_HOSTNAME: "127.0.0.1",
      ECHELON_DB_PATH: ":memory:",
    });
    try {
      assert.equal(withoutFile.port, port, "no .env is fine");
      // Deno 2.9.6 warns of a missing --env-file; the tasks' -q keeps that out of the log.
      assert.doesNotMatch(withoutFile.log(), /warning|not found/i);
    } finally {
      assert.equal((await withoutFile.stop()).code, 0, withoutFile.log());
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("deno task mcp: ECHELON_URL comes from the project's .env", async () => {
  const dir = await projectCopy();
  try {
    await Deno.writeTextFile(`${dir}/.env`, "ECHELON_URL=http://127.0.0.1:9/from-env-file\n");
    const bin = Deno.execPath();
    const out = await new Deno.Command(bin, {
      args: ["task", "mcp"],
      cwd: dir,
      clearEnv: true,
      env: { PATH: `${bin.slice(0, bin.lastIndexOf("/"))}:/usr/bin:/bin`, NO_COLOR: "1" },
      stdin: "null", // end of input: the stdio server stops after its first line
      signal: AbortSignal.timeout(30_000),
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, stderr);
    assert.match(stderr, /MCP over stdio for http:\/\/127\.0\.0\.1:9\/from-env-file/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
