// `deno task bench`: runs every benchmark section, prints a table and writes
// bench/results/latest.json and latest.md. Each figure names the command that produced it.
import { DatabaseSync } from "node:sqlite";
import { spawnServer } from "../tests/_process.ts";
import { EXPORTS } from "../lib/pow/wasm_builder.ts";
import { benchPow } from "./pow_bench.ts";
import { benchStats, statsBenchRows } from "./stats_bench.ts";
import { benchTrackerSolve } from "./tracker_bench.ts";
import { loadConfig } from "../lib/config.ts";
import { hasWrk, type LoadResult, runWrk } from "./wrk.ts";
import { benchPostTarget, postBenchResult } from "./post.ts";

interface Figure {
  name: string;
  value: number;
  unit: string;
  baseline?: number;
  ratio?: number;
  /** The DESIGN.md budget this figure is checked against, when there is one. */
  budget?: string;
  command: string;
}

const figures: Figure[] = [];
const BARE = new URL("./bare_server.ts", import.meta.url).pathname;

async function startBare(
  mode: "health" | "gif" = "health",
): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", BARE, mode],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!/listening on (\S+)/.test(text)) {
    const { value, done } = await reader.read();
    if (done) throw new Error("bare server exited");
    text += value;
  }
  reader.releaseLock();
  return {
    url: text.match(/listening on (\S+)/)![1],
    async stop() {
      child.kill("SIGTERM");
      await child.status;
      await child.stdout.cancel().catch(() => {});
    },
  };
}

async function benchHealth(): Promise<void> {
  const dir = await Deno.makeTempDir();
  const app = await spawnServer({ ECHELON_DB_PATH: `${dir}/bench.db` });
  const bare = await startBare();
  try {
    const load = (url: string): Promise<LoadResult> => runWrk(url, { durationSec: 8 });
    await runWrk(`${app.baseUrl}/api/health`, { durationSec: 2 }); // warm-up (JIT)
    await runWrk(`${bare.url}/`, { durationSec: 2 });
    const base = await load(`${bare.url}/`);
    const ours = await load(`${app.baseUrl}/api/health`);
    figures.push({
      name: "GET /api/health (full app) vs bare Deno.serve",
      value: Math.round(ours.requestsPerSec),
      unit: "req/s",
      baseline: Math.round(base.requestsPerSec),
      ratio: round(ours.requestsPerSec / base.requestsPerSec),
      command: "deno task bench (wrk -t2 -c64 -d8s, 127.0.0.1)",
    });
  } finally {
    await app.stop();
    await bare.stop();
    await Deno.remove(dir, { recursive: true });
  }
}

// ---- GET /b.gif: the full page-view pipeline against bare Deno.serve answering the same pixel.

const GIF_SITE = "bench";
const GIF_PATHS = 16_384;
const GIF_WRK = { threads: 2, connections: 64, durationSec: 8 };
const DESKTOP_UA =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";

/**
 * A wrk script sending tracker-shaped hits: each request has its own path (`p`, base64 of
 * /bench/<i>, precomputed so the load generator spends no CPU on it), session id and interaction
 * time, with a desktop browser's headers. `wrk … -- <site>` picks the site id. `done()` prints
 * wrk's own summary as JSON, so nothing depends on its human-readable output.
 */
function pixelScript(tokens: string[] = []): string {
  const paths = Array.from(
    { length: GIF_PATHS },
    (_, i) => `"${encodeURIComponent(btoa(`/bench/${i}`))}"`,
  );
  return `
local paths = {${paths.join(",")}}
local tokens = {${tokens.map((t) => `"&tok=${encodeURIComponent(t)}"`).join(",")}}
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
function init(args)
  site = args[1] or "${GIF_SITE}"
  n = 0
  wrk.headers["User-Agent"] = "${DESKTOP_UA}"
  wrk.headers["Accept-Language"] = "en-US,en;q=0.9"
  wrk.headers["Sec-Fetch-Site"] = "cross-site"
end
function request()
  n = n + 1
  local sid = string.format("%08x-%04x-4000-8000-%012d", n, tid, n)
  return wrk.format("GET", "/b.gif?p=" .. paths[(n * 2 + tid) % ${GIF_PATHS} + 1] ..
    "&s=" .. site .. "&sid=" .. sid .. "&_v=" .. (1200 + n % 5000) .. "&sw=1920&sh=1080" ..
    (tokens[n % #tokens + 1] or ""))
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"durationUs":%d,"errors":%d,"meanUs":%f,"p50Us":%d,"p99Us":%d}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.status + e.timeout,
    latency.mean, latency:percentile(50), latency:percentile(99)))
end
`;
}

interface ScriptedLoad extends LoadResult {
  latencyP50Ms: number;
}

async function runWrkScript(
  url: string,
  script: string,
  scriptArgs: string[],
  durationSec = GIF_WRK.durationSec,
): Promise<ScriptedLoad> {
  if (!url.startsWith("http://127.0.0.1:")) throw new Error("benchmarks only target 127.0.0.1");
  const { threads, connections } = GIF_WRK;
  const out = await new Deno.Command("wrk", {
    args: [
      `-t${threads}`,
      `-c${connections}`,
      `-d${durationSec}s`,
      "-s",
      script,
      url,
      "--",
      ...scriptArgs,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  const json = text.match(/^WRK_JSON (.+)$/m)?.[1];
  if (out.code !== 0 || !json) {
    throw new Error(`wrk failed: ${text}${new TextDecoder().decode(out.stderr)}`);
  }
  const r = JSON.parse(json);
  return {
    requestsPerSec: r.requests / (r.durationUs / 1e6),
    requests: r.requests,
    errors: r.errors,
    latencyAvgMs: r.meanUs / 1000,
    latencyP50Ms: r.p50Us / 1000,
    latencyP99Ms: r.p99Us / 1000,
  };
}

/**
 * Solves `count` challenges from the running app's `GET /c` with the module it serves, as the
 * tracker does: wrk then presents them, so /b.gif verifies a real token on every request (all
 * from one visitor, so reuse is "valid", not "replayed").
 */
async function solvedTokens(baseUrl: string, site: string, count: number): Promise<string[]> {
  const tokens: string[] = [];
  let exports: WebAssembly.Exports | undefined;
  for (let i = 0; i < count; i++) {
    const answer = await (await fetch(`${baseUrl}/c?s=${site}`)).json() as {
      challenge: string;
      difficulty: number;
      wasm?: string;
    };
    if (!exports) {
      const bytes = Uint8Array.from(answer.wasm!.match(/../g)!, (h) => parseInt(h, 16));
      exports = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports;
    }
    const memory = new Uint8Array((exports[EXPORTS.memory] as WebAssembly.Memory).buffer);
    const input = new TextEncoder().encode(answer.challenge);
    memory.set(input);
    const solve = exports[EXPORTS.solve] as (...args: unknown[]) => bigint;
    const nonce = solve(0, input.length, answer.difficulty, 0n, 2 ** 30);
    if (nonce < 0n) throw new Error(`no solution for ${answer.challenge}`);
    tokens.push(`${answer.challenge}:${nonce}`);
  }
  return tokens;
}

/** Rows stored for `site` and hits counted as dropped, read from the file after the exit. */
function storedHits(
  dbPath: string,
  site: string,
): { rows: number; valid: number; dropped: number } {
  const db = new DatabaseSync(dbPath, { readOnly: true });
  try {
    const count = (sql: string) => Number(db.prepare(sql).get(site)?.n ?? 0);
    return {
      rows: count("SELECT count(*) AS n FROM visitor_views WHERE site_id = ?"),
      valid: count(
        "SELECT count(*) AS n FROM visitor_views WHERE site_id = ? AND pow_verdict = 'valid'",
      ),
      dropped: count("SELECT coalesce(sum(hits), 0) AS n FROM drop_counts WHERE site_id = ?"),
    };
  } finally {
    db.close();
  }
}

async function benchPixel(): Promise<void> {
  const dir = await Deno.makeTempDir();
  const dbPath = `${dir}/bench.db`;
  const script = `${dir}/pixel.lua`;
  const tokenScript = `${dir}/pixel_pow.lua`;
  await Deno.writeTextFile(script, pixelScript());
  const app = await spawnServer({ ECHELON_DB_PATH: dbPath, ECHELON_RATE_LIMIT_MAX: "0" });
  const powSite = `${GIF_SITE}-pow`;
  await Deno.writeTextFile(tokenScript, pixelScript(await solvedTokens(app.baseUrl, powSite, 64)));
  const bare = await startBare("gif");
  let appStopped = false;
  try {
    const warmSite = `${GIF_SITE}-warmup`; // stored apart from the measured run
    await runWrkScript(`${app.baseUrl}/b.gif`, script, [warmSite], 2); // warm-up (JIT)
    await runWrkScript(`${bare.url}/b.gif`, script, [warmSite], 2);
    const base = await runWrkScript(`${bare.url}/b.gif`, script, [GIF_SITE]);
    const ours = await runWrkScript(`${app.baseUrl}/b.gif`, script, [GIF_SITE]);
    const withPow = await runWrkScript(`${app.baseUrl}/b.gif`, tokenScript, [powSite]);
    // SIGTERM drains the writer: every accepted hit must be in the file afterwards.
    const status = await app.stop();
    appStopped = true;
    if (status.code !== 0) throw new Error(`server exited with ${status.code}:\n${app.log()}`);
    const { rows, dropped } = storedHits(dbPath, GIF_SITE);
    const pow = storedHits(dbPath, powSite);
    // Every answered hit was either stored or counted as dropped; fewer means hits were lost.
    const lost = Math.max(0, ours.requests - dropped - rows);
    if (lost > 0) console.error(`/b.gif: ${lost} answered hits neither stored nor counted`);
    const command = `deno task bench (wrk -t${GIF_WRK.threads} -c${GIF_WRK.connections} ` +
      `-d${GIF_WRK.durationSec}s -s pixel.lua, 127.0.0.1, ECHELON_RATE_LIMIT_MAX=0)`;
    figures.push(
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
        command: command + " (pixel_pow.lua: 64 tokens solved from GET /c)",
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
        name: `GET /b.gif rows stored after SIGTERM vs wrk requests (${dropped} dropped, ` +
          `${lost} lost, ${ours.errors} wrk errors)`,
        value: rows,
        unit: "rows",
        baseline: ours.requests,
        ratio: round(rows / ours.requests, 4),
        budget: "every accepted hit stored",
        command,
      },
    );
  } finally {
    if (!appStopped) await app.stop();
    await bare.stop();
    await Deno.remove(dir, { recursive: true });
  }
}

// ---- Proof of work: server-side verify cost and the WASM hash rate (bench/pow_bench.ts).

async function benchProofOfWork(): Promise<void> {
  const pow = await benchPow();
  const command = "deno run -A bench/pow_bench.ts (in-process)";
  figures.push(
    {
      name: "PoW verify, distinct valid tokens",
      value: pow.verifyMicros,
      unit: "µs/token",
      budget: "≤ 20 µs",
      command,
    },
    { name: "PoW WASM hash rate", value: pow.hashRatePerSec, unit: "hashes/s", command },
  );
}

// ---- Tracker: bytes as served and the PoW solve time in headless Chromium (bench/tracker_bench.ts).

async function benchTracker(): Promise<void> {
  const difficulty = loadConfig({}).powDifficulty;
  const result = await benchTrackerSolve({
    difficulties: [difficulty - 2, difficulty, difficulty + 2],
  });
  const command = "deno run -A bench/tracker_bench.ts (Chromium, 25 fresh tabs per difficulty)";
  const s = result.sizes;
  figures.push(
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
  );
  for (const [level, stats] of Object.entries(result.solveMs)) {
    figures.push({
      name: `PoW solve in Chromium at difficulty ${level}${
        Number(level) === difficulty ? " (default)" : ""
      }`,
      value: stats.medianMs,
      unit: `ms median (p90 ${stats.p90Ms} ms, max ${stats.maxMs} ms)`,
      budget: Number(level) === difficulty ? "median ≤ 100 ms" : undefined,
      command,
    });
  }
}

// ---- Stats: rollup build, overview (30 days) and live dashboard at 1M and 10M stored page views,
// through the in-process app (bench/stats_bench.ts). ECHELON_BENCH_SKIP_10M=1 leaves out 10M.

async function benchStatsSection(): Promise<void> {
  figures.push(...await benchStats({ rows: statsBenchRows([]) }));
}

function round(n: number, digits = 3): number {
  return Math.round(n * 10 ** digits) / 10 ** digits;
}

function markdown(rows: Figure[]): string {
  const lines = [
    "| Benchmark | Result | Baseline | Ratio | Budget | Command |",
    "|---|---|---|---|---|---|",
    ...rows.map((f) =>
      `| ${f.name} | ${f.value.toLocaleString("en-US")} ${f.unit} | ${
        f.baseline?.toLocaleString("en-US") ?? "—"
      } | ${f.ratio ?? "—"} | ${f.budget ?? "—"} | \`${f.command}\` |`
    ),
  ];
  return lines.join("\n") + "\n";
}

if (import.meta.main) {
  if (!hasWrk()) {
    console.error("wrk is required: apt-get install -y wrk");
    Deno.exit(1);
  }
  // `deno task bench -- pixel tracker` runs only the named sections and prints them without
  // replacing bench/results/latest.*, which always hold a complete run. `--post <url>` (or
  // ECHELON_BENCH_POST_URL) also posts the figures to an instance (bench/post.ts).
  const { sections: args, target } = benchPostTarget(Deno.args, Deno.env.toObject());
  const sections: Record<string, () => Promise<void>> = {
    health: benchHealth,
    pixel: benchPixel,
    pow: benchProofOfWork,
    tracker: benchTracker,
    stats: benchStatsSection,
  };
  const unknown = args.filter((name) => !(name in sections));
  if (unknown.length) {
    console.error(`unknown section(s) ${unknown.join(", ")}; known: ${Object.keys(sections)}`);
    Deno.exit(2);
  }
  for (const [name, run] of Object.entries(sections)) {
    if (args.length === 0 || args.includes(name)) await run();
  }
  const result = {
    date: new Date().toISOString(),
    machine: { cpus: navigator.hardwareConcurrency, deno: Deno.version.deno },
    figures,
  };
  if (args.length) {
    console.log(markdown(figures));
    Deno.exit(!target || await postBenchResult(target, result) ? 0 : 1);
  }
  const dir = new URL("./results/", import.meta.url);
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(new URL("latest.json", dir), JSON.stringify(result, null, 2) + "\n");
  await Deno.writeTextFile(new URL("latest.md", dir), markdown(figures));
  console.log(markdown(figures));
  if (target && !await postBenchResult(target, result)) Deno.exit(1);
}
