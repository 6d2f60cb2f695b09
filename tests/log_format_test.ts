// ECHELON_LOG_FORMAT=json: the real server, started with it, writes every line of its output as
// one JSON object with time, level and msg — an info line (start), a warn line (a connection cap
// above what the open-file limit allows) and an error line with the error's message and stack (a
// writer flush refused by a full database) — and a refused configuration says why in JSON too.
import assert from "node:assert/strict";
import { ConfigError, loadConfig } from "../lib/config.ts";
import { createLogger } from "../lib/log.ts";
import { runToExit, spawnServer } from "./_process.ts";
import { beaconUrl, BROWSER_HEADERS } from "./_collect.ts";

interface JsonLine {
  time: string;
  level: string;
  msg: string;
  error?: string;
  stack?: string;
  [field: string]: unknown;
}

/** Every non-empty line of `output` parsed as JSON (a line that is not fails the test). */
function jsonLines(output: string): JsonLine[] {
  return output.split("\n").filter((line) => line.trim() !== "").map((line) => {
    let parsed: JsonLine;
    try {
      parsed = JSON.parse(line);
    } catch {
      throw new assert.AssertionError({ message: `not a JSON line: ${line}\n${output}` });
    }
    assert.equal(typeof parsed.msg, "string", line);
    assert.ok(["info", "warn", "error", "debug"].includes(parsed.level), line);
    assert.equal(new Date(parsed.time).toISOString(), parsed.time, line);
    return parsed;
  });
}

async function waitFor(check: () => boolean, timeoutMs: number, what: string, log: () => string) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${log()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

Deno.test("log format json: the server's info, warn and error lines are JSON objects", async () => {
  const dir = await Deno.makeTempDir({ prefix: "echelon-jsonlog-" });
  const limitFile = `${dir}/max_pages`;
  await Deno.writeTextFile(limitFile, "1"); // the writers' first batch gets SQLITE_FULL
  const server = await spawnServer(
    {
      ECHELON_LOG_FORMAT: "json",
      ECHELON_DB_PATH: `${dir}/echelon.db`,
      ECHELON_TEST_MAX_PAGES_FILE: limitFile,
      ECHELON_VIEW_FLUSH_MS: "50",
      ECHELON_RATE_LIMIT_MAX: "0",
      ECHELON_MAX_CONNECTIONS: "100000",
    },
    20_000,
    { openFileLimit: 512 },
  );
  try {
    // Enough views that the batch needs new pages (the limit is the file's size at the time).
    for (let i = 0; i < 20; i++) {
      await Promise.all(Array.from({ length: 20 }, async (_, j) => {
        const url = beaconUrl({ s: "logs", p: `/page-${i}-${j}-${"x".repeat(200)}` });
        const res = await fetch(`${server.baseUrl}${url}`, { headers: BROWSER_HEADERS });
        await res.body?.cancel();
        assert.equal(res.status, 200);
      }));
    }
    await waitFor(() => server.log().includes("flush failed"), 10_000, "a flush error", server.log);
    await Deno.remove(limitFile); // room again: the shutdown flush succeeds
  } finally {
    const status = await server.stop("SIGTERM");
    assert.equal(status.code, 0, server.log());
    await Deno.remove(dir, { recursive: true });
  }

  const lines = jsonLines(server.log());
  const listening = lines.find((l) => l.level === "info" && /listening on http/.test(l.msg));
  assert.ok(listening, "the start line is an info line");
  const warn = lines.find((l) => l.level === "warn" && /ECHELON_MAX_CONNECTIONS/.test(l.msg));
  assert.ok(warn, "the connection-cap warning is a warn line");
  const error = lines.find((l) => l.level === "error" && /views: flush failed/.test(l.msg));
  assert.ok(error, "the flush failure is an error line");
  assert.match(String(error.error), /database or disk is full/);
  assert.match(String(error.stack), /disk is full[\s\S]*\n\s+at /, "the stack is kept");
  const fields = lines.find((l) => l.msg === "connections");
  assert.equal(fields?.mode, "managed", "fields are keys of the object, not text");
  assert.ok(lines.some((l) => l.level === "info" && l.msg === "stopped"), "the shutdown line");
});

Deno.test("log format json: a refused configuration is one JSON error line", async () => {
  const { code, output } = await runToExit({
    ECHELON_LOG_FORMAT: "json",
    ECHELON_DB_PATH: ":memory:",
    ECHELON_PORT: "seventy",
  });
  assert.equal(code, 2);
  const [line, ...rest] = jsonLines(output);
  assert.deepEqual(rest, []);
  assert.equal(line.level, "error");
  assert.match(line.msg, /^Invalid configuration: ECHELON_PORT: expected an integer/);
});

Deno.test("log format: text stays the default; a bad value stops boot with its name", () => {
  assert.equal(loadConfig({ ECHELON_DB_PATH: ":memory:" }).logFormat, "text");
  assert.equal(
    loadConfig({ ECHELON_DB_PATH: ":memory:", ECHELON_LOG_FORMAT: "JSON" }).logFormat,
    "json",
  );
  assert.throws(
    () => loadConfig({ ECHELON_DB_PATH: ":memory:", ECHELON_LOG_FORMAT: "xml" }),
    (e) =>
      e instanceof ConfigError && /ECHELON_LOG_FORMAT: expected one of text, json/.test(e.message),
  );
  const lines: string[] = [];
  const log = createLogger({ write: (line) => lines.push(line) });
  log.error("flush failed", new Error("disk full"), { rows: 3 });
  assert.match(
    lines[0],
    /^\d{4}-\d\d-\d\dT[\d:.]+Z error flush failed \{"rows":3,"error":"Error: disk full\\n\s+at /,
  );
});

Deno.test("log format json: fields cannot replace time, level or msg; odd values still log", () => {
  const lines: string[] = [];
  const log = createLogger({ format: "json", write: (line) => lines.push(line) });
  const cyclic: Record<string, unknown> = { name: "loop" };
  cyclic.self = cyclic;
  log.warn("odd fields", { level: "fake", msg: "fake", big: 10n, cyclic });
  const line = JSON.parse(lines[0]);
  assert.equal(line.level, "warn");
  assert.equal(line.msg, "odd fields");
  assert.equal(line.big, "10");
  assert.equal(line.cyclic.self, "[circular]");
  assert.deepEqual(Object.keys(line).slice(0, 3), ["time", "level", "msg"]);
});
