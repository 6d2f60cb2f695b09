// `deno task bench -- health`: GET /api/health through the whole app (router, middleware) in the
// server process against bare Deno.serve answering the same JSON, same run, same wrk load.
import { spawnServer } from "../tests/_process.ts";
import { type BareServer, startBare } from "./bare_process.ts";
import { round } from "./numbers.ts";
import { type BenchFigure, sectionCommand } from "./report.ts";
import { runWrk, WRK_LOAD } from "./wrk.ts";

export async function benchHealth(): Promise<BenchFigure[]> {
  const dir = await Deno.makeTempDir();
  const app = await spawnServer({ ECHELON_DB_PATH: `${dir}/bench.db` });
  let bare: BareServer | undefined;
  try {
    bare = await startBare("health");
    const { durationSec, warmupSec } = WRK_LOAD;
    await runWrk(`${app.baseUrl}/api/health`, { durationSec: warmupSec }); // warm-up (JIT)
    await runWrk(`${bare.url}/`, { durationSec: warmupSec });
    const base = await runWrk(`${bare.url}/`, { durationSec });
    const ours = await runWrk(`${app.baseUrl}/api/health`, { durationSec });
    return [{
      name: "GET /api/health (full app) vs bare Deno.serve",
      value: Math.round(ours.requestsPerSec),
      unit: "req/s",
      baseline: Math.round(base.requestsPerSec),
      ratio: round(ours.requestsPerSec / base.requestsPerSec),
      command: sectionCommand("health", `wrk -t2 -c64 -d${durationSec}s, 127.0.0.1`),
    }];
  } finally {
    await app.stop();
    await bare?.stop();
    await Deno.remove(dir, { recursive: true });
  }
}
