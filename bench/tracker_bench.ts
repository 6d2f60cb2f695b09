// Tracker benchmark: the proof-of-work solve time the real tracker reports (`ps`, kept in the
// tab's `_etok`) in headless Chromium at difficulties 12..18, and the script's sizes (TypeScript
// source, minified, gzip, and as served with the WASM). Recommends the highest difficulty whose
// median solve stays within the 100 ms budget of docs/architecture.md.
import { loadConfig } from "../lib/config.ts";
import { buildTrackers } from "../scripts/build_tracker.ts";
import { openTracker, page } from "../tests/e2e/_tracker.ts";
import { createTestApp } from "../tests/_helpers.ts";

export interface SolveStats {
  /** Hashes per millisecond over all samples (attempts = nonce + 1): the speed, luck aside. */
  hashesPerMs?: number;
  samples: number;
  medianMs: number;
  p90Ms: number;
  maxMs: number;
}

export interface TrackerBenchResult {
  sizes: {
    sourceBytes: number;
    minifiedBytes: number;
    gzipBytes: number;
    /** The normal embed as served (WASM and origin injected), plain and as sent with gzip. */
    servedBytes: number;
    servedGzipBytes: number;
    /** The per-site embed (`?s=`, with a challenge), as sent with gzip. */
    servedSiteGzipBytes: number;
    /** The deferred chunk (web vitals, hover), minified and gzip -9. */
    deferredBytes: number;
    deferredGzipBytes: number;
    /** The JavaScript proof of work (loaded only without usable WebAssembly), gzip -9. */
    powGzipBytes: number;
  };
  solveMs: Record<number, SolveStats>;
  /** The evidence measurement (canvas text widths, environment) before each solve. */
  probeMs: Record<number, SolveStats>;
  /** Evidence + solve: what the browser pays per token. */
  totalMs: Record<number, SolveStats>;
  /** The JavaScript fallback (/ea.pow.js) at `fallbackDifficulty` (the default). */
  fallbackDifficulty: number;
  fallbackSolveMs: Record<Exclude<SolveMode, "wasm">, SolveStats>;
  /** Highest difficulty whose median evidence + solve is ≤ 100 ms in this environment. */
  recommendedDifficulty: number | null;
}

const SOLVE_BUDGET_MS = 100;

export async function benchTrackerSolve(
  options: { difficulties?: number[]; samples?: number; fallbackDifficulty?: number } = {},
): Promise<TrackerBenchResult> {
  const { difficulties = [12, 13, 14, 15, 16, 17, 18], samples = 25 } = options;
  const builds = await buildTrackers();
  const main = builds.find((b) => b.variant && !b.variant.consent && !b.variant.debug)!;
  const deferred = builds.find((b) => b.file === "ea.deferred.js")!;
  const fallback = builds.find((b) => b.file === "ea.pow.js")!;
  const app = await createTestApp();
  const served = new Uint8Array(await (await app.request("/ea.js")).arrayBuffer());
  // The bytes sent to a client accepting gzip (the server's level-9 streams, lib/gzip_template.ts).
  const sentGzipBytes = async (path: string) =>
    (await (await app.request(path, { headers: { "accept-encoding": "gzip" } })).arrayBuffer())
      .byteLength;

  const solveMs: Record<number, SolveStats> = {};
  const probeMs: Record<number, SolveStats> = {};
  const totalMs: Record<number, SolveStats> = {};
  for (const difficulty of difficulties) {
    const times = await solveTimes(difficulty, samples, "wasm");
    solveMs[difficulty] = times.solve;
    probeMs[difficulty] = times.probe;
    totalMs[difficulty] = times.total;
  }
  const fallbackDifficulty = options.fallbackDifficulty ?? loadConfig({}).powDifficulty;
  const fallbackSolveMs = {
    csp: (await solveTimes(fallbackDifficulty, samples, "csp")).solve,
    jitless: (await solveTimes(fallbackDifficulty, samples, "jitless")).solve,
  };
  const within = difficulties.filter((d) => totalMs[d].medianMs <= SOLVE_BUDGET_MS);
  return {
    sizes: {
      sourceBytes: main.sourceBytes,
      minifiedBytes: main.minBytes,
      gzipBytes: main.gzipBytes,
      servedBytes: served.length,
      servedGzipBytes: await sentGzipBytes("/ea.js"),
      servedSiteGzipBytes: await sentGzipBytes("/ea.js?s=www.example-customer.com"),
      deferredBytes: deferred.minBytes,
      deferredGzipBytes: deferred.gzipBytes,
      powGzipBytes: fallback.gzipBytes,
    },
    solveMs,
    probeMs,
    totalMs,
    fallbackDifficulty,
    fallbackSolveMs,
    recommendedDifficulty: within.length ? Math.max(...within) : null,
  };
}

/**
 * How the tab solves: with WebAssembly; with the JavaScript fallback because the page's CSP
 * refuses WebAssembly (JIT on); or with the fallback in V8 without a JIT (`--jitless`, which also
 * removes WebAssembly: the shape of Safari's Lockdown Mode).
 */
export type SolveMode = "wasm" | "csp" | "jitless";

/**
 * The solve and evidence times (`p` and `q` of the tab's `_etok`) of `samples` fresh tabs, after
 * two warm-ups.
 */
async function solveTimes(difficulty: number, samples: number, mode: SolveMode) {
  // `?s=` embeds a challenge for the tag's site: no /c round trip, only the solve is timed.
  const csp = mode === "csp"
    ? `<meta http-equiv="Content-Security-Policy" content="script-src {{app}}">`
    : "";
  const html = `<!doctype html>${csp}<script src="{{app}}/ea.js?s=bench" data-site="bench" ` +
    `data-allow-local></script><p>bench</p>`;
  const h = await openTracker({
    env: { ECHELON_POW_DIFFICULTY: String(difficulty), ECHELON_RATE_LIMIT_MAX: "0" },
    pages: { "/": html, "/warm": page() },
    browserArgs: mode === "jitless" ? ["--js-flags=--jitless"] : [],
  });
  try {
    const times: number[] = [];
    const probes: number[] = [];
    let attempts = 0;
    for (let i = -2; i < samples; i++) { // two warm-up loads (JIT, module compile, chunk cache)
      const tab = await h.browser.context.newPage(); // a new tab: a new sessionStorage
      await tab.goto(h.site + "/");
      const stored = await tab.waitForFunction(() => sessionStorage.getItem("_etok"), null, {
        timeout: 60_000,
      });
      const token = JSON.parse(String(await stored.jsonValue())) as {
        t: string;
        p: number;
        q: number;
      };
      if (Number(token.t.split(":")[4]) !== difficulty) {
        throw new Error(`expected difficulty ${difficulty}, got ${token.t}`);
      }
      if (i >= 0) {
        times.push(token.p);
        probes.push(token.q);
        attempts += Number(token.t.split(":").at(-1)) + 1;
      }
      await tab.close();
    }
    const fallbackLoads = h.chunks.filter((url) => url.pathname === "/ea.pow.js").length;
    if ((mode === "wasm") !== (fallbackLoads === 0)) {
      throw new Error(`${mode}: /ea.pow.js requested ${fallbackLoads} times`);
    }
    const hashesPerMs = Math.round(attempts / times.reduce((sum, ms) => sum + ms, 0));
    return {
      solve: { ...stats(times), hashesPerMs },
      probe: stats(probes),
      total: stats(times.map((ms, i) => ms + probes[i])),
    };
  } finally {
    await h.close();
  }
}

function stats(values: number[]): SolveStats {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  const mid = sorted.length >> 1;
  return {
    samples: sorted.length,
    medianMs: sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2,
    p90Ms: at(0.9),
    maxMs: sorted[sorted.length - 1],
  };
}

if (import.meta.main) {
  const result = await benchTrackerSolve();
  console.log(JSON.stringify(result, null, 2));
  await Deno.mkdir(new URL("./results/", import.meta.url), { recursive: true });
  await Deno.writeTextFile(
    new URL("./results/tracker.json", import.meta.url),
    JSON.stringify({ date: new Date().toISOString(), ...result }, null, 2) + "\n",
  );
}
