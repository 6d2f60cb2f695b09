// `deno task bench -- pixel`: GET /b.gif through the full page-view pipeline in the server
// process against bare Deno.serve answering the same pixel, same run, same wrk load; after
// SIGTERM every accepted hit must be in the file.
import { spawnServer } from "../tests/_process.ts";
import { type BareServer, startBare } from "./bare_process.ts";
import { round } from "./numbers.ts";
import { PIXEL_SITE, writePixelScripts } from "./pixel_load.ts";
import { type BenchFigure, sectionCommand } from "./report.ts";
import { checkNoneLost, lostHits, storedViews } from "./stored_rows.ts";
import { runWrkScript, WRK_LOAD, wrkLoadLabel } from "./wrk.ts";

export async function benchPixel(): Promise<BenchFigure[]> {
  const dir = await Deno.makeTempDir();
  const dbPath = `${dir}/bench.db`;
  const app = await spawnServer({ ECHELON_DB_PATH: dbPath, ECHELON_RATE_LIMIT_MAX: "0" });
  let appStopped = false;
  let bare: BareServer | undefined;
  try {
    bare = await startBare("gif");
    const scripts = await writePixelScripts(dir, app.baseUrl);
    const warmSite = `${PIXEL_SITE}-warmup`; // stored apart from the measured run
    await runWrkScript(`${app.baseUrl}/b.gif`, scripts.plain, [warmSite], WRK_LOAD.warmupSec);
    await runWrkScript(`${bare.url}/b.gif`, scripts.plain, [warmSite], WRK_LOAD.warmupSec);
    const base = await runWrkScript(`${bare.url}/b.gif`, scripts.plain, [PIXEL_SITE]);
    const ours = await runWrkScript(`${app.baseUrl}/b.gif`, scripts.plain, [PIXEL_SITE]);
    const withPow = await runWrkScript(`${app.baseUrl}/b.gif`, scripts.pow, [scripts.powSite]);
    // SIGTERM drains the writer: every accepted hit must be in the file afterwards.
    const status = await app.stop();
    appStopped = true;
    if (status.code !== 0) throw new Error(`server exited with ${status.code}:\n${app.log()}`);
    const stored = storedViews(dbPath, [PIXEL_SITE]);
    const pow = storedViews(dbPath, [scripts.powSite]);
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
      {
        name: `GET /b.gif with a valid PoW token on every hit (verified: ${pow.valid} of ` +
          `${pow.rows} rows "valid") vs bare Deno.serve pixel`,
        value: Math.round(withPow.requestsPerSec),
        unit: "req/s",
        baseline: Math.round(base.requestsPerSec),
        ratio: round(withPow.requestsPerSec / base.requestsPerSec),
        budget: "ratio ≥ 0.5",
        command: command.replace("pixel.lua", "pixel_pow.lua: 64 tokens solved from GET /c"),
      },
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
