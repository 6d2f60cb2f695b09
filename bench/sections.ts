// The sections of `deno task bench`, in the order they run and appear in the report. Each
// measures its figures and returns them; HTTP sections live in their own files, the rest wrap
// the standalone benches (bench/pow_bench.ts, tracker_bench.ts, stats_bench.ts).
import { loadConfig } from "../lib/config.ts";
import { benchColdStart } from "./coldstart_section.ts";
import { benchEvents } from "./events_section.ts";
import { benchHealth } from "./health_section.ts";
import { benchPixel } from "./pixel_section.ts";
import { benchPow } from "./pow_bench.ts";
import { benchQuery } from "./query_bench.ts";
import type { BenchFigure } from "./report.ts";
import { benchRss } from "./rss_section.ts";
import { benchStats, statsBenchRows } from "./stats_bench.ts";
import { benchTrackerSolve } from "./tracker_bench.ts";

export type Section = () => Promise<BenchFigure[]>;

/** Proof of work: server-side verify cost and the WASM hash rate. */
async function benchProofOfWork(): Promise<BenchFigure[]> {
  const pow = await benchPow();
  const command = "deno run -A bench/pow_bench.ts (in-process)";
  return [
    {
      name: "PoW verify, distinct valid tokens",
      value: pow.verifyMicros,
      unit: "µs/token",
      budget: "≤ 20 µs",
      command,
    },
    { name: "PoW WASM hash rate", value: pow.hashRatePerSec, unit: "hashes/s", command },
  ];
}

/** Tracker: bytes as served and the PoW solve time in headless Chromium. */
async function benchTracker(): Promise<BenchFigure[]> {
  const difficulty = loadConfig({}).powDifficulty;
  const result = await benchTrackerSolve({
    difficulties: [difficulty - 2, difficulty, difficulty + 2],
  });
  const command = "deno run -A bench/tracker_bench.ts (Chromium, 25 fresh tabs per difficulty)";
  const s = result.sizes;
  const figures: BenchFigure[] = [
    {
      name: "Tracker source / minified",
      value: s.minifiedBytes,
      unit: `B minified (source ${s.sourceBytes} B)`,
      command,
    },
    {
      name: "/ea.js as served, gzip -9, WASM included",
      value: s.servedGzipBytes,
      unit: "B",
      budget: "≤ 5120 B",
      command,
    },
    {
      name: "/ea.js?s=<site> (with a challenge), gzip -9",
      value: s.servedSiteGzipBytes,
      unit: "B",
      budget: "≤ 5120 B",
      command,
    },
    {
      name: "/ea.deferred.js (vitals, hover; loaded after start), gzip -9",
      value: s.deferredGzipBytes,
      unit: `B (minified ${s.deferredBytes} B)`,
      command,
    },
    {
      name: "/ea.pow.js (JS proof of work; only without WebAssembly), gzip -9",
      value: s.powGzipBytes,
      unit: "B",
      command,
    },
  ];
  for (const [level, stats] of Object.entries(result.solveMs)) {
    const isDefault = Number(level) === difficulty;
    const probe = result.probeMs[Number(level)];
    const total = result.totalMs[Number(level)];
    figures.push({
      name: `PoW solve in Chromium at difficulty ${level}${isDefault ? " (default)" : ""}`,
      value: stats.medianMs,
      unit: `ms median (p90 ${stats.p90Ms} ms, max ${stats.maxMs} ms)`,
      command,
    }, {
      name: `Browser evidence + PoW solve in Chromium at difficulty ${level}` +
        (isDefault ? " (default)" : ""),
      value: total.medianMs,
      unit: `ms median (p90 ${total.p90Ms} ms; evidence alone ${probe.medianMs} ms median, ` +
        `p90 ${probe.p90Ms} ms)`,
      budget: isDefault ? "median ≤ 100 ms" : undefined,
      command,
    });
  }
  const wasmRate = result.solveMs[difficulty].hashesPerMs;
  const fallbacks = [
    ["csp", "page CSP refuses WebAssembly"],
    ["jitless", "--jitless: no WebAssembly, no JIT"],
  ] as const;
  for (const [mode, why] of fallbacks) {
    const stats = result.fallbackSolveMs[mode];
    figures.push({
      name: `PoW solve in JavaScript (${why}) at difficulty ${result.fallbackDifficulty}`,
      value: stats.medianMs,
      unit: `ms median (p90 ${stats.p90Ms} ms, max ${stats.maxMs} ms; ` +
        `${stats.hashesPerMs} hashes/ms vs ${wasmRate} with WebAssembly)`,
      command,
    });
  }
  return figures;
}

/**
 * Stats: rollup build, overview (30 days) and live dashboard at 1M and 10M stored page views
 * through the in-process app. ECHELON_BENCH_SKIP_10M=1 leaves out 10M.
 */
function benchStatsSection(): Promise<BenchFigure[]> {
  return benchStats({ rows: statsBenchRows([]) });
}

export const SECTIONS: Readonly<Record<string, Section>> = {
  health: benchHealth,
  pixel: benchPixel,
  events: benchEvents,
  coldstart: benchColdStart,
  rss: benchRss,
  pow: benchProofOfWork,
  tracker: benchTracker,
  stats: benchStatsSection,
  query: () => benchQuery(),
};
