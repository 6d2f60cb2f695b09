// `deno task bench -- coldstart`: time from spawning `deno run -A main.ts` to its first 200 from
// GET /api/health, with an empty data directory and with a database of 1M page views, against
// bench/bare_server.ts started the same way.
import { openDatabase } from "../lib/db/mod.ts";
import { BARE_SERVER } from "./bare_process.ts";
import { median, round } from "./numbers.ts";
import { type BenchFigure, sectionCommand } from "./report.ts";
import { generate } from "./stats_bench.ts";
import { collectOutput } from "../tests/_process.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;
const RUNS = 7;
const POLL_MS = 5;
const START_TIMEOUT_MS = 30_000;
const STORED_VIEWS = 1_000_000;

interface Launch {
  args: string[];
  env: Record<string, string>;
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** Milliseconds from spawning to the first 200 from GET /api/health, then SIGTERM. */
export async function timeToFirstOk(launch: Launch): Promise<number> {
  const port = freePort();
  const url = `http://127.0.0.1:${port}/api/health`;
  const started = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: launch.args.map((arg) => arg.replace("$PORT", String(port))),
    env: { NO_COLOR: "1", ...launch.env, ECHELON_PORT: String(port) },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const { log, drained } = collectOutput(child);
  let exited = false;
  child.status.then(() => (exited = true));
  try {
    while (true) {
      const elapsed = performance.now() - started;
      if (exited || elapsed > START_TIMEOUT_MS) {
        throw new Error(`${launch.args.join(" ")} did not answer 200 on ${url}:\n${log()}`);
      }
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(START_TIMEOUT_MS) });
        await res.body?.cancel();
        if (res.status === 200) return performance.now() - started;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  } finally {
    if (!exited) child.kill("SIGTERM");
    await child.status;
    await drained;
  }
}

/** A database of `views` generated page views and their events (bench/stats_bench.ts's data). */
function databaseWithViews(path: string, views: number): { views: number; events: number } {
  const db = openDatabase(path);
  try {
    db.exec("PRAGMA synchronous = OFF; PRAGMA cache_size = -1000000");
    return generate(db, views, Date.now(), () => {});
  } finally {
    db.close();
  }
}

interface Timings {
  median: number;
  max: number;
}

const summary = (times: number[]): Timings => ({
  median: round(median(times), 1),
  max: round(Math.max(...times), 1),
});

export async function benchColdStart(): Promise<BenchFigure[]> {
  const dir = await Deno.makeTempDir();
  try {
    const generateStarted = performance.now();
    const storedDb = `${await Deno.makeTempDir({ dir })}/echelon.db`;
    const generated = databaseWithViews(storedDb, STORED_VIEWS);
    const generateS = round((performance.now() - generateStarted) / 1000, 1);
    const bare: Launch = { args: ["run", "-A", BARE_SERVER, "health", "$PORT"], env: {} };
    const app = async (dbPath?: string): Promise<Launch> => ({
      args: ["run", "-A", MAIN],
      env: {
        ECHELON_HOSTNAME: "127.0.0.1",
        ECHELON_DB_PATH: dbPath ?? `${await Deno.makeTempDir({ dir })}/echelon.db`,
      },
    });
    // One start of each first: Deno's module cache is then as warm as on any restart.
    await timeToFirstOk(bare);
    await timeToFirstOk(await app());
    await timeToFirstOk(await app(storedDb));
    const times = { bare: [] as number[], empty: [] as number[], stored: [] as number[] };
    for (let i = 0; i < RUNS; i++) {
      times.bare.push(await timeToFirstOk(bare));
      times.empty.push(await timeToFirstOk(await app()));
      times.stored.push(await timeToFirstOk(await app(storedDb)));
    }
    const base = summary(times.bare);
    const empty = summary(times.empty);
    const stored = summary(times.stored);
    const command = sectionCommand(
      "coldstart",
      `spawn → first 200 from GET /api/health, polled every ${POLL_MS} ms, ${RUNS} runs ` +
        "after one warm-up, bare: bench/bare_server.ts",
    );
    const contents = `${generated.views.toLocaleString("en-US")} page views + ` +
      `${generated.events.toLocaleString("en-US")} events`;
    return [
      {
        name: `Cold start, deno run -A main.ts with an empty data directory, median of ${RUNS}`,
        value: empty.median,
        unit: `ms (max ${empty.max} ms; bare max ${base.max} ms)`,
        baseline: base.median,
        ratio: round(empty.median / base.median, 2),
        command,
      },
      {
        name: `Cold start with a database of ${contents} (generated in ${generateS} s, ` +
          `rollups not built beforehand), median of ${RUNS}`,
        value: stored.median,
        unit: `ms (max ${stored.max} ms; bare max ${base.max} ms)`,
        baseline: base.median,
        ratio: round(stored.median / base.median, 2),
        command,
      },
    ];
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
