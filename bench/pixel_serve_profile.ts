// V8 CPU profile of the real server's main thread under wrk's /b.gif load: the server is started
// in this process as main.ts starts it (lib/server.ts, a file database, so batches are written on
// the write thread), wrk runs as a child process with the pixel section's script, and the profile
// covers the whole load. Shows what bench/pixel_micro.ts cannot: Deno.serve's own cost per hit.
// Usage: deno run -A bench/pixel_serve_profile.ts [--sec=6] [--mix=visit|fresh|none]
import { loadConfig } from "../lib/config.ts";
import { createLogger } from "../lib/log.ts";
import { start } from "../lib/server.ts";
import * as load from "./pixel_load.ts";
import { profileWhile } from "./pixel_profile.ts";
import { threadCpuMs } from "./proc_cpu.ts";
import { runWrkScript } from "./wrk.ts";

const flag = load.benchFlag;
const sec = Number(flag("sec") ?? 6);
const mix = (flag("mix") ?? "visit") as load.TokenMix | "none";
const dir = await Deno.makeTempDir();
const config = loadConfig({
  ECHELON_DB_PATH: `${dir}/bench.db`,
  ECHELON_PORT: "0",
  ECHELON_HOSTNAME: "127.0.0.1",
  ECHELON_RATE_LIMIT_MAX: "0",
  ...load.PIXEL_SERVER_ENV,
  ECHELON_SECRET: load.BENCH_SECRET,
}, "bench");
const server = await start(config, { log: createLogger({ quiet: true }), handleSignals: false });
const url = `http://127.0.0.1:${server.port}/b.gif`;
try {
  const plain = `${dir}/plain.lua`;
  await Deno.writeTextFile(plain, load.pixelScript());
  await runWrkScript(url, plain, ["warmup"], 2);
  let script = plain;
  if (mix !== "none") {
    const tokens = load.tokensFor(mix, 40_000 * sec);
    script = await load.writeTokenScript(`${dir}/pixel`, load.benchIssuer(), "bench", mix, tokens);
  }
  let requests = 0;
  const noProfile = Deno.args.includes("--no-profile");
  const before = threadCpuMs(Deno.pid);
  const run = async () => {
    requests = (await runWrkScript(url, script, ["bench"], sec)).requests;
  };
  const summary = noProfile ? "" : await profileWhile(run);
  if (noProfile) await run();
  // The write thread's whole cost of these hits: its backlog is written before threads are read.
  const backlog = server.services.collect.views.size;
  const drainStart = performance.now();
  while (server.services.collect.views.size > 0) await new Promise((r) => setTimeout(r, 20));
  const drainMs = performance.now() - drainStart;
  const after = threadCpuMs(Deno.pid);
  const perThread = [...after].map(([name, ms]) => [name, ms - (before.get(name) ?? 0)] as const)
    .filter(([, ms]) => ms > 0).sort((a, b) => b[1] - a[1])
    .map(([name, ms]) => `${((ms * 1000) / requests).toFixed(1).padStart(7)} µs/hit  ${name}`);
  console.log(`mix ${mix}: ${requests} requests in ${sec} s; write backlog at the end ${backlog} \
rows, written in ${drainMs.toFixed(0)} ms\n-- CPU per hit by thread (backlog included) --`);
  console.log(`${perThread.join("\n")}\n${summary}`);
} finally {
  await server.shutdown();
  await Deno.remove(dir, { recursive: true });
}
Deno.exit(0);
