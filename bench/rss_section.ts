// `deno task bench -- rss`: the server process's memory (from /proc, Linux) idle after start with
// an empty database, and its peak after the same /b.gif load as the pixel section.
import { spawnServer } from "../tests/_process.ts";
import {
  BENCH_SECRET,
  benchIssuer,
  PIXEL_SERVER_ENV,
  PIXEL_SITE,
  TOKEN_MIXES,
  type TokenMix,
  writePixelScripts,
} from "./pixel_load.ts";
import { processMemory } from "./proc_memory.ts";
import { type BenchFigure, sectionCommand } from "./report.ts";
import { runWrkScript, WRK_LOAD, wrkLoadLabel } from "./wrk.ts";

/** Start-up jobs (rollups, caches) run in the first moments; idle is measured after them. */
const IDLE_AFTER_MS = 2000;

export async function benchRss(): Promise<BenchFigure[]> {
  const dir = await Deno.makeTempDir();
  const app = await spawnServer({
    ECHELON_DB_PATH: `${dir}/bench.db`,
    ECHELON_RATE_LIMIT_MAX: "0",
    ECHELON_SECRET: BENCH_SECRET,
    ...PIXEL_SERVER_ENV,
  });
  let appStopped = false;
  try {
    const pid = app.child.pid; // Deno.execPath() itself: the server, not a wrapper
    const health = await fetch(`${app.baseUrl}/api/health`);
    await health.body?.cancel();
    if (health.status !== 200) throw new Error(`GET /api/health answered ${health.status}`);
    await new Promise((resolve) => setTimeout(resolve, IDLE_AFTER_MS));
    const idle = processMemory(pid);
    const scripts = await writePixelScripts(dir, benchIssuer());
    const url = `${app.baseUrl}/b.gif`;
    await runWrkScript(url, scripts.plain, [`${PIXEL_SITE}-warmup`], WRK_LOAD.warmupSec);
    const plain = await runWrkScript(url, scripts.plain, [PIXEL_SITE]);
    const mixes = Object.keys(TOKEN_MIXES) as TokenMix[];
    for (const mix of mixes) {
      const site = `${PIXEL_SITE}-pow-${mix}`;
      const { script } = await scripts.withTokens(mix, site, plain.requests * 1.25);
      await runWrkScript(url, script, [site]);
    }
    const loaded = processMemory(pid);
    const status = await app.stop();
    appStopped = true;
    if (status.code !== 0) throw new Error(`server exited with ${status.code}:\n${app.log()}`);
    const source = (fields: string) => `${fields} of the server process from /proc/<pid>/status`;
    const load = `${WRK_LOAD.warmupSec} s warm-up, ${WRK_LOAD.durationSec} s without and ` +
      `${WRK_LOAD.durationSec} s with each PoW token mix: ${mixes.join(", ")}`;
    return [
      {
        name: `Server RSS idle, ${IDLE_AFTER_MS / 1000} s after start (empty database)`,
        value: idle.rssMb,
        unit: "MB",
        command: sectionCommand("rss", source("VmRSS")),
      },
      {
        name: `Server peak RSS (VmHWM) after the pixel section's /b.gif load (${load})`,
        value: loaded.peakRssMb,
        unit: `MB (RSS after the load ${loaded.rssMb} MB)`,
        budget: "< 400 MB (sustained ingest)",
        command: sectionCommand("rss", `${source("VmHWM")}; ${wrkLoadLabel("pixel.lua")}`),
      },
    ];
  } finally {
    if (!appStopped) await app.stop();
    await Deno.remove(dir, { recursive: true });
  }
}
