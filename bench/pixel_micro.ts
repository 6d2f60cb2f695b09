// In-process /b.gif microbenchmark: µs per request through the app's fetch (no sockets), with and
// without a valid PoW token, against a bare handler answering the same pixel, interleaved and
// repeated so the medians survive a noisy machine. CPU time (process.cpuUsage) is reported next
// to wall time: other processes on a shared machine inflate the latter, much less the former.
// `--profile` prints a V8 CPU profile summary instead (self and inclusive time by function).
// The hits are pixel_load.ts's, from --visitors client addresses (default BENCH_VISITORS).
// Usage: deno run -A bench/pixel_micro.ts [--rounds=15] [--requests=4000] [--visitors=16384]
//        [--profile[=seconds] [--token-only | --mix=none|visit|fresh]]
// (--token-only is --mix=fresh; without either the profile interleaves all three)
import process from "node:process";
import { createTestApp } from "../tests/_helpers.ts";
import { PIXEL } from "../lib/pixel.ts";
import {
  BARE_PIXEL_HEADERS,
  BENCH_VISITORS,
  benchTokens,
  PIXEL_SERVER_ENV,
  PIXEL_SITE,
  pixelRequestAt,
  TOKEN_MIXES,
  type TokenMix,
} from "./pixel_load.ts";
import { profileWhile } from "./pixel_profile.ts";

type Handler = (req: Request) => Response | Promise<Response>;

function arg(name: string, fallback: number): number {
  const raw = Deno.args.find((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (raw === undefined) return NaN;
  const value = raw.includes("=") ? Number(raw.split("=")[1]) : fallback;
  return Number.isFinite(value) ? value : fallback;
}

/** Request `n` of pixel_load.ts's wrk script (one thread), from its visitor's address. */
type Hit = { url: string; headers: [string, string][] };

/** Wall and CPU µs per request of `count` requests (answered one after another). */
async function measure(handler: Handler, urls: Hit[], count: number, n0: number) {
  const started = performance.now();
  const cpu = process.cpuUsage();
  for (let i = 0; i < count; i++) {
    const { url, headers } = urls[(n0 + i) % urls.length];
    const res = await handler(new Request(url, { headers }));
    if (res.status !== 200) throw new Error(`status ${res.status}`);
  }
  const used = process.cpuUsage(cpu);
  return {
    wall: ((performance.now() - started) * 1000) / count,
    cpu: (used.user + used.system) / count,
  };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const rounds = arg("rounds", 15) || 15;
const VISITORS = arg("visitors", BENCH_VISITORS) || BENCH_VISITORS;
const requests = arg("requests", 4000) || 4000;
const WARMUP = 3000;
const t = await createTestApp({ ECHELON_RATE_LIMIT_MAX: "0", ...PIXEL_SERVER_ENV });
// Every URL is used once (no mix wraps around): as many as all rounds and the warm-up send.
const urlCount = WARMUP + rounds * requests;
const tokenUrls = (mix: TokenMix) => {
  const { hitsPerToken, spacing } = TOKEN_MIXES[mix];
  const count = (Math.ceil(urlCount / (hitsPerToken * spacing)) + 1) * spacing;
  const tokens = benchTokens(t.services.pow, PIXEL_SITE, count);
  return Array.from(
    { length: urlCount },
    (_, n) => pixelRequestAt(n, tokens, mix, { visitors: VISITORS }),
  );
};
const appHandler: Handler = (req) => t.fetch(req, { remoteAddr: { hostname: "127.0.0.1" } });
const bareHandler: Handler = () =>
  new Response(PIXEL, { headers: BARE_PIXEL_HEADERS as [string, string][] });
const plainUrls = Array.from(
  { length: urlCount },
  (_, n) => pixelRequestAt(n, [], "visit", { visitors: VISITORS }),
);
const modes: [string, Handler, Hit[]][] = [
  ["bare handler", bareHandler, plainUrls],
  ["app, no token", appHandler, plainUrls],
  [
    `app, a token per visit of ${TOKEN_MIXES.visit.hitsPerToken} hits`,
    appHandler,
    tokenUrls("visit"),
  ],
  ["app, a new token every hit", appHandler, tokenUrls("fresh")],
];
const views = t.services.collect.views;
let flushUs = 0;
let flushedRows = 0;
const flush = async () => {
  const rows = views.size;
  const started = performance.now();
  await views.flush();
  flushUs += (performance.now() - started) * 1000;
  flushedRows += rows;
};

for (const [, handler, urls] of modes) await measure(handler, urls, WARMUP, 0); // JIT warm-up
await flush();
flushUs = flushedRows = 0;

const profileSeconds = arg("profile", 6);
if (Number.isFinite(profileSeconds)) {
  await profile(profileSeconds);
  Deno.exit(0);
}

const results = new Map(
  modes.map(([name]) => [name, { wall: [] as number[], cpu: [] as number[] }]),
);
let n = WARMUP;
for (let round = 0; round < rounds; round++) {
  for (const [name, handler, urls] of modes) {
    const { wall, cpu } = await measure(handler, urls, requests, n);
    results.get(name)!.wall.push(wall);
    results.get(name)!.cpu.push(cpu);
    n += requests;
    await flush();
  }
}
console.log(
  `| mode | wall µs/req (median of ${rounds}) | CPU µs/req | CPU ratio bare/mode (per round) |`,
);
console.log("|---|---|---|---|");
const bare = results.get("bare handler")!;
for (const [name, { wall, cpu }] of results) {
  const ratios = cpu.map((c, i) => bare.cpu[i] / c);
  console.log(
    `| ${name} | ${median(wall).toFixed(2)} | ${median(cpu).toFixed(2)} | ${
      median(ratios).toFixed(3)
    } |`,
  );
}
console.log(`writer flush: ${(flushUs / Math.max(1, flushedRows)).toFixed(2)} µs/row (wall)`);
const stored = t.services.db.get<{ n: number }>("SELECT count(*) AS n FROM visitor_views");
console.log(`rows stored: ${stored?.n}`);

/** Samples the app (the mixes interleaved, or one) and prints self and inclusive time. */
async function profile(seconds: number): Promise<void> {
  const mixArg = Deno.args.find((a) => a.startsWith("--mix="))?.slice(6) ??
    (Deno.args.includes("--token-only") ? "fresh" : null);
  const only = mixArg === null ? null : ({ none: 1, visit: 2, fresh: 3 } as const)[mixArg];
  if (only === undefined) throw new Error(`--mix must be none, visit or fresh, got ${mixArg}`);
  let i = 0;
  const summary = await profileWhile(async () => {
    const end = performance.now() + seconds * 1000;
    while (performance.now() < end) {
      const [, handler, urls] = modes[only ?? 1 + (i % 3)];
      await measure(handler, urls, 2000, i * 2000);
      i++;
      // No rows are written while profiling (the writer holds 200k, more than a few seconds'
      // hits): the profile shows the hit path alone, as the server's main thread runs it (its
      // batches go to the write thread).
    }
  });
  console.log(`${i * 2000} requests\n${summary}`);
}
