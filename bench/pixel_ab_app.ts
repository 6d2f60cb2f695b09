// In-process A/B of GET /b.gif's fast path (no sockets, no Request construction timed): the same
// pre-built requests go through another checkout's app (e.g. a `git archive` of the baseline
// commit with node_modules linked) and this checkout's, interleaved in rounds; prints the
// min, p25 and median wall µs per hit of each, and the main thread's CPU per hit (its own clock:
// hits, GC, and handing the rows to the write thread), and the per-round ratios. On a shared
// machine the CPU figures are the ones least disturbed by other processes. "hits + hand-off"
// also holds the event loop's own cost while it waits for the write thread (an idle Deno spends
// ~5-12 ms of CPU a second here), so it grows when that thread is slow: judge a change to the
// hit path on "hits".
// Usage: deno run -A bench/pixel_ab_app.ts <base checkout> [visit|fresh|none] [rounds=12]
//        [--visitors=16384] (client addresses the hits come from, as in bench/pixel_load.ts)
//        [--per=10000] (hits a round, held before they are handed to the write thread)
//        [--profile=base|new] (a V8 CPU profile of that app's rounds instead of the A/B)
import { createTestApp as newApp } from "../tests/_helpers.ts";
import {
  BENCH_VISITORS,
  benchFlag,
  benchTokens,
  PIXEL_SERVER_ENV,
  PIXEL_SITE,
  pixelRequestAt,
  TOKEN_MIXES,
  type TokenMix,
} from "./pixel_load.ts";
import { profileWhile } from "./pixel_profile.ts";
import { threadCpuClock } from "./pixel_thread_cpu.ts";

const flags = Deno.args.filter((a) => a.startsWith("--"));
const flag = (name: string) => benchFlag(name, flags);
// A round's hits, then the drain of their rows to the write thread: about a second of the wrk
// bench's hits, as many as a server holds between flushes (ECHELON_VIEW_FLUSH_MS = 1000), so
// they live long enough to be promoted, as there.
const PER = Number(flag("per") ?? 10_000);
const VISITORS = Number(flag("visitors") ?? BENCH_VISITORS);
const args = Deno.args.filter((a) => !a.startsWith("--"));
const baseDir = args[0];
if (!baseDir) throw new Error("usage: bench/pixel_ab_app.ts <base checkout> [mix] [rounds]");
const { createTestApp: baseApp } = await import(`${baseDir}/tests/_helpers.ts`);
const mix = (args[1] ?? "visit") as TokenMix | "none";
const ROUNDS = Number(args[2] ?? 12);
const WARMUP = 4000;
const total = ROUNDS * PER + WARMUP;
const cpuNs = threadCpuClock();
if (!cpuNs) throw new Error("no thread CPU clock (Linux libc and --allow-ffi needed)");

// Each app writes to a file database through its write thread, as a server does: the main
// thread's share of that (serialising batches and handing them over) is timed with the hits.
const dir = await Deno.makeTempDir();
async function build(create: typeof newApp, name: string) {
  const t = await create({
    ECHELON_RATE_LIMIT_MAX: "0",
    ECHELON_DB_PATH: `${dir}/${name}.db`,
    ...PIXEL_SERVER_ENV,
  });
  await t.services.collect.start();
  t.clock.now = Date.now();
  let tokens: string[] = [];
  if (mix !== "none") {
    const { hitsPerToken, spacing } = TOKEN_MIXES[mix];
    tokens = benchTokens(
      t.services.pow as never,
      PIXEL_SITE,
      (Math.ceil(total / (hitsPerToken * spacing)) + 1) * spacing,
    );
  }
  return { t, tokens };
}
type App = Awaited<ReturnType<typeof build>>;

/** Hits `from`… of pixel_load.ts's wrk script (one thread), from VISITORS client addresses in
 * X-Forwarded-For, trusted from 127.0.0.1 as the wrk benches' server trusts it; built untimed. */
function requests(x: App, from: number, count: number): Request[] {
  return Array.from({ length: count }, (_, i) => {
    const { url, headers } = pixelRequestAt(from + i, x.tokens, mix === "none" ? "visit" : mix, {
      visitors: VISITORS,
    });
    const req = new Request(url, { headers });
    req.url;
    req.headers;
    return req;
  });
}

/** Waits until the app's write thread has every buffered row (only the hand-off is CPU here). */
async function drain(x: App): Promise<void> {
  const views = x.t.services.collect.views;
  while (views.size > 0) await new Promise((resolve) => setTimeout(resolve, 50));
}

const info = { remoteAddr: { hostname: "127.0.0.1" } };
/** Per hit: wall µs of the hits, main-thread CPU µs of the hits, and of the hits and drain. */
async function run(x: App, from: number, count: number) {
  const reqs = requests(x, from, count);
  const c = cpuNs!();
  const s = performance.now();
  for (const req of reqs) x.t.fetch(req, info);
  const wall = (performance.now() - s) * 1000 / count;
  const hits = (cpuNs!() - c) / 1000 / count;
  await drain(x);
  return { wall, hits, cpu: (cpuNs!() - c) / 1000 / count };
}

const A = await build(baseApp as never, "base"), B = await build(newApp, "new");
await run(A, 0, WARMUP);
await run(B, 0, WARMUP);
const profileOf = flag("profile"); // "base" or "new": a V8 profile of that app's rounds instead
if (profileOf === "base" || profileOf === "new") {
  const x = profileOf === "base" ? A : B;
  console.log(
    await profileWhile(async () => {
      for (let r = 0; r < ROUNDS; r++) await run(x, WARMUP + r * PER, PER);
    }),
  );
  Deno.exit(0);
}
const res: Record<string, number[]> = { base: [], new: [] };
const hitCpu: Record<string, number[]> = { base: [], new: [] };
const cpu: Record<string, number[]> = { base: [], new: [] };
for (let r = 0, n = WARMUP; r < ROUNDS; r++, n += PER) {
  const order = r % 2 ? [["base", A], ["new", B]] as const : [["new", B], ["base", A]] as const;
  for (const [k, x] of order) {
    const measured = await run(x, n, PER);
    res[k].push(measured.wall);
    hitCpu[k].push(measured.hits);
    cpu[k].push(measured.cpu);
  }
}
const q = (v: number[], p: number) => [...v].sort((a, b) => a - b)[Math.floor(p * (v.length - 1))];
const figures = [
  ["wall, hits", "wall", res],
  ["main thread CPU, hits", "CPU hits", hitCpu],
  ["main thread CPU, hits + hand-off", "CPU + hand-off", cpu],
] as const;
for (const [label, , of] of figures) {
  for (const k of ["base", "new"]) {
    console.log(
      `${mix} ${k}: min ${q(of[k], 0).toFixed(2)} p25 ${q(of[k], 0.25).toFixed(2)} median ${
        q(of[k], 0.5).toFixed(2)
      } µs/hit (${label})`,
    );
  }
}
for (const [, label, of] of figures) {
  const ratios = of.base.map((b, i) => of.new[i] / b);
  console.log(
    `new/base per round (${label}): median ${q(ratios, 0.5).toFixed(3)} [p25 ${
      q(ratios, 0.25).toFixed(3)
    } – p75 ${q(ratios, 0.75).toFixed(3)}]`,
  );
}
for (const x of [A, B]) await x.t.services.collect.stop(Date.now() + 30_000);
await Deno.remove(dir, { recursive: true });
Deno.exit(0);
