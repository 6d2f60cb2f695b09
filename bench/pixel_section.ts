// `deno task bench -- pixel`: GET /b.gif through the full page-view pipeline in the server
// process against bare Deno.serve answering the same pixel, same run, same wrk load; after
// SIGTERM every accepted hit must be in the file.
import { spawnServer } from "../tests/_process.ts";
import { type BareServer, startBare } from "./bare_process.ts";
import { round } from "./numbers.ts";
import { processCpuMs } from "./proc_cpu.ts";
import {
  BENCH_SECRET,
  benchIssuer,
  PIXEL_SERVER_ENV,
  PIXEL_SITE,
  TOKEN_MIXES,
  type TokenMix,
  writePixelScripts,
} from "./pixel_load.ts";
import { type BenchFigure, sectionCommand } from "./report.ts";
import { checkNoneLost, lostHits, storedViews } from "./stored_rows.ts";
import { runWrkScript, WRK_LOAD, wrkLoadLabel } from "./wrk.ts";

/** CPU µs per answered request of process `pid` from now until the load it is given ended. */
function cpuPerRequest(pid: number): (load: { requests: number }) => number {
  const startMs = processCpuMs(pid);
  return (load) => ((processCpuMs(pid) - startMs) * 1000) / load.requests;
}

export async function benchPixel(): Promise<BenchFigure[]> {
  const dir = await Deno.makeTempDir();
  const dbPath = `${dir}/bench.db`;
  const app = await spawnServer({
    ECHELON_DB_PATH: dbPath,
    ECHELON_RATE_LIMIT_MAX: "0",
    ECHELON_SECRET: BENCH_SECRET,
    ...PIXEL_SERVER_ENV,
  });
  let appStopped = false;
  let bare: BareServer | undefined;
  try {
    bare = await startBare("gif");
    const scripts = await writePixelScripts(dir, benchIssuer());
    const warmSite = `${PIXEL_SITE}-warmup`; // stored apart from the measured run
    await runWrkScript(`${app.baseUrl}/b.gif`, scripts.plain, [warmSite], WRK_LOAD.warmupSec);
    await runWrkScript(`${bare.url}/b.gif`, scripts.plain, [warmSite], WRK_LOAD.warmupSec);
    const bareCpu = cpuPerRequest(bare.pid);
    const base = await runWrkScript(`${bare.url}/b.gif`, scripts.plain, [PIXEL_SITE]);
    const baseCpu = bareCpu(base);
    let appCpu = cpuPerRequest(app.child.pid);
    const ours = await runWrkScript(`${app.baseUrl}/b.gif`, scripts.plain, [PIXEL_SITE]);
    const oursCpu = appCpu(ours);
    // Enough tokens that neither mix wraps around: the token runs answer fewer than this.
    const tokenRuns = [];
    for (const mix of Object.keys(TOKEN_MIXES) as TokenMix[]) {
      const site = `${PIXEL_SITE}-pow-${mix}`;
      const { script, tokens } = await scripts.withTokens(mix, site, ours.requests * 1.25);
      appCpu = cpuPerRequest(app.child.pid);
      const load = await runWrkScript(`${app.baseUrl}/b.gif`, script, [site]);
      tokenRuns.push({ mix, site, tokens, load, cpu: appCpu(load) });
    }
    // SIGTERM drains the writer: every accepted hit must be in the file afterwards.
    const status = await app.stop();
    appStopped = true;
    if (status.code !== 0) throw new Error(`server exited with ${status.code}:\n${app.log()}`);
    const stored = storedViews(dbPath, [PIXEL_SITE]);
    // Every answered hit was either stored or counted as dropped; fewer means hits were lost.
    const lost = lostHits(ours.requests, stored);
    checkNoneLost("/b.gif", lost);
    const command = sectionCommand(
      "pixel",
      `${wrkLoadLabel("pixel.lua")}, 127.0.0.1, ECHELON_RATE_LIMIT_MAX=0`,
    );
    return [
      {
        name: "GET /b.gif (full pipeline, server process) vs bare Deno.serve pixel",
        value: Math.round(ours.requestsPerSec),
        unit: "req/s",
        baseline: Math.round(base.requestsPerSec),
        ratio: round(ours.requestsPerSec / base.requestsPerSec),
        budget: "ratio ≥ 0.5",
        command,
      },
      ...tokenRuns.map(({ mix, site, tokens, load }) => {
        const pow = storedViews(dbPath, [site]);
        const { hitsPerToken, spacing } = TOKEN_MIXES[mix];
        const spread = hitsPerToken === 1
          ? "a new valid PoW token on every hit"
          : `a valid PoW token on every hit, each token shared by a visit's ${hitsPerToken} ` +
            `hits ${spacing * WRK_LOAD.threads} requests apart`;
        return {
          name: `GET /b.gif with ${spread} (verified: ${pow.valid} of ${pow.rows} rows ` +
            `"valid") vs bare Deno.serve pixel`,
          value: Math.round(load.requestsPerSec),
          unit: "req/s",
          baseline: Math.round(base.requestsPerSec),
          ratio: round(load.requestsPerSec / base.requestsPerSec),
          budget: "ratio ≥ 0.5",
          command: command.replace(
            "pixel.lua",
            `pixel_${mix}.lua: ${tokens} tokens signed with the server's key, solved in-process`,
          ),
        };
      }),
      ...[
        { label: "no token", cpu: oursCpu },
        ...tokenRuns.map(({ mix, cpu }) => ({ label: `token mix "${mix}"`, cpu })),
      ].map(({ label, cpu }) => ({
        name: `CPU time of the server process per GET /b.gif, ${label}, vs bare Deno.serve's ` +
          "(ratio bare/ours; waiting for a core is not counted)",
        value: round(cpu, 1),
        unit: "µs",
        baseline: round(baseCpu, 1),
        ratio: round(baseCpu / cpu),
        command: `${command} (utime + stime from /proc/<pid>/stat)`,
      })),
      {
        name: "GET /b.gif latency p50 (full pipeline) vs bare",
        value: round(ours.latencyP50Ms, 2),
        unit: "ms",
        baseline: round(base.latencyP50Ms, 2),
        ratio: round(ours.latencyP50Ms / base.latencyP50Ms, 2),
        command,
      },
      {
        name: "GET /b.gif latency p99 (full pipeline) vs bare",
        value: round(ours.latencyP99Ms, 2),
        unit: "ms",
        baseline: round(base.latencyP99Ms, 2),
        ratio: round(ours.latencyP99Ms / base.latencyP99Ms, 2),
        command,
      },
      {
        // wrk counts completed responses; hits still in flight when it stops (≤ connections)
        // may be stored without being counted, so rows may exceed requests by that much.
        name: `GET /b.gif rows stored after SIGTERM vs wrk requests (${stored.dropped} dropped, ` +
          `${lost} lost, ${ours.errors} wrk errors)`,
        value: stored.rows,
        unit: "rows",
        baseline: ours.requests,
        ratio: round(stored.rows / ours.requests, 4),
        budget: "every accepted hit stored",
        command,
      },
    ];
  } finally {
    if (!appStopped) await app.stop();
    await bare?.stop();
    await Deno.remove(dir, { recursive: true });
  }
}
