// A/B load test of GET /b.gif for a noisy, shared machine: bare Deno.serve and one or more server
// checkouts take turns under the same wrk load (a round is one short run each, in rotating
// order), so every round gives same-run ratios; the medians and ranges over rounds are printed.
// CPU per hit is split into the main thread (it answers the requests) and the others (the write
// thread, V8's helpers), from /proc/<pid>/task/*/stat.
// Usage: deno run -A bench/pixel_ab.ts [--rounds=5] [--sec=4] [--mix=visit|fresh|none]
//        [<checkout dir with main.ts> …]   (default: this checkout; e.g. a `git archive` of the
//        baseline commit with node_modules and dist linked in)
import { collectOutput } from "../tests/_process.ts";
import { startBare } from "./bare_process.ts";
import { parseProcStat } from "./proc_cpu.ts";
import {
  BENCH_SECRET,
  benchFlag,
  benchIssuer,
  PIXEL_SERVER_ENV,
  pixelScript,
  type TokenMix,
  tokensFor,
  writeTokenScript,
} from "./pixel_load.ts";
import { runWrkScript } from "./wrk.ts";

const flag = benchFlag;
const rounds = Number(flag("rounds") ?? 5);
const sec = Number(flag("sec") ?? 4);
const mix = (flag("mix") ?? "visit") as TokenMix | "none";
const dirs = Deno.args.filter((a) => !a.startsWith("--"));
if (dirs.length === 0) dirs.push(new URL("..", import.meta.url).pathname);

interface Server {
  label: string;
  url: string;
  pid: number;
  stop(): Promise<void>;
}

async function spawn(dir: string, dataDir: string): Promise<Server> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${dir}/main.ts`],
    cwd: dir,
    env: {
      ECHELON_PORT: "0",
      ECHELON_HOSTNAME: "127.0.0.1",
      NO_COLOR: "1",
      ECHELON_DB_PATH: `${dataDir}/bench.db`,
      ECHELON_RATE_LIMIT_MAX: "0",
      ...PIXEL_SERVER_ENV,
      ECHELON_SECRET: BENCH_SECRET,
    },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const { log, drained } = collectOutput(child);
  const deadline = Date.now() + 30_000;
  let port = "";
  while (!port) {
    port = log().match(/listening on http:\/\/127\.0\.0\.1:(\d+)/)?.[1] ?? "";
    if (!port && Date.now() > deadline) throw new Error(`server did not start:\n${log()}`);
    if (!port) await new Promise((r) => setTimeout(r, 25));
  }
  return {
    label: dir,
    url: `http://127.0.0.1:${port}`,
    pid: child.pid,
    async stop() {
      child.kill("SIGTERM");
      await child.status;
      await drained;
    },
  };
}

/** CPU ms of the main thread and of all other threads of `pid`. */
function threadCpu(pid: number): { main: number; rest: number } {
  let main = 0, rest = 0;
  for (const task of Deno.readDirSync(`/proc/${pid}/task`)) {
    const ms = parseProcStat(Deno.readTextFileSync(`/proc/${pid}/task/${task.name}/stat`));
    if (task.name === String(pid)) main += ms;
    else rest += ms;
  }
  return { main, rest };
}

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const tmp = await Deno.makeTempDir();
const bare = await startBare("gif");
const servers: Server[] = [];
for (const [i, dir] of dirs.entries()) {
  await Deno.mkdir(`${tmp}/s${i}`);
  servers.push(await spawn(dir, `${tmp}/s${i}`));
}
const issuer = benchIssuer();
const plain = `${tmp}/plain.lua`;
await Deno.writeTextFile(plain, pixelScript());
let expected = 30_000 * sec; // requests a run may answer; grown from what runs answer
const results = servers.map(() => ({
  ratio: [] as number[],
  main: [] as number[],
  rest: [] as number[],
}));
try {
  for (const target of [{ url: bare.url }, ...servers]) {
    await runWrkScript(`${target.url}/b.gif`, plain, ["warmup"], 2);
  }
  for (let round = 0; round < rounds; round++) {
    const base = await runWrkScript(`${bare.url}/b.gif`, plain, ["bench"], sec);
    const order = servers.map((_, i) => (i + round) % servers.length);
    for (const i of order) {
      const server = servers[i];
      const site = `bench-r${round}`;
      let script = plain;
      if (mix !== "none") {
        const stem = `${tmp}/pixel_${i}_${round}`;
        script = await writeTokenScript(stem, issuer, site, mix, tokensFor(mix, expected));
      }
      const before = threadCpu(server.pid);
      const load = await runWrkScript(`${server.url}/b.gif`, script, [site], sec);
      const after = threadCpu(server.pid);
      expected = Math.max(expected, load.requests * 1.3);
      const r = results[i];
      r.ratio.push(load.requestsPerSec / base.requestsPerSec);
      r.main.push((after.main - before.main) * 1000 / load.requests);
      r.rest.push((after.rest - before.rest) * 1000 / load.requests);
      console.log(
        `round ${round} ${server.label}: ${Math.round(load.requestsPerSec)} req/s, bare ${
          Math.round(base.requestsPerSec)
        }, ratio ${(load.requestsPerSec / base.requestsPerSec).toFixed(3)}, CPU µs/hit main ${
          r.main.at(-1)!.toFixed(1)
        } other threads ${r.rest.at(-1)!.toFixed(1)}`,
      );
    }
  }
  console.log(`\nmix ${mix}, ${rounds} rounds of ${sec} s (median [min–max])`);
  const fmt = (v: number[], d: number) =>
    `${median(v).toFixed(d)} [${Math.min(...v).toFixed(d)}–${Math.max(...v).toFixed(d)}]`;
  for (const [i, server] of servers.entries()) {
    const r = results[i];
    console.log(
      `${server.label}: ratio ${fmt(r.ratio, 3)}, CPU µs/hit main ${fmt(r.main, 1)}, ` +
        `other threads ${fmt(r.rest, 1)}`,
    );
  }
} finally {
  for (const server of servers) await server.stop();
  await bare.stop();
  await Deno.remove(tmp, { recursive: true });
}
