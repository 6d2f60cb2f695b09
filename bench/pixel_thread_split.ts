// Where the main thread's CPU per /b.gif hit goes when served, measured with the thread's own CPU
// clock (pixel_thread_cpu.ts) under the pixel section's wrk load (pixel_load.ts: 16,384 client
// addresses): the whole main thread per hit, and the part spent inside the handler (the app's
// fetch: our pipeline plus Deno's request and response objects); the rest is Deno's HTTP
// serving, the event loop, the writers' hand-off to the write thread and GC outside the handler.
// Modes: "bare" answers the pixel with its headers (as bench/bare_server.ts gif), "clone" with a
// clone of one prebuilt response (as the app's fast path answers), "app" is the
// app writing through its write thread to a file, "app-nowrite" the app with its writers not
// started (rows only buffered: no hand-off, no write thread competing for the cores). The app
// is served by Deno.serve here, without lib/http/serve.ts's connection layer (~2 µs a hit:
// bench/pixel_costs.md).
// Usage: deno run -A bench/pixel_thread_split.ts [--sec=5] [--rounds=2] [--mix=none|visit|fresh]
import { createTestApp } from "../tests/_helpers.ts";
import { PIXEL } from "../lib/pixel.ts";
import {
  BARE_PIXEL_HEADERS,
  BENCH_SECRET,
  benchFlag,
  benchIssuer,
  PIXEL_SERVER_ENV,
  PIXEL_SITE,
  pixelScript,
  type TokenMix,
  tokensFor,
  writeTokenScript,
} from "./pixel_load.ts";
import { threadCpuClock } from "./pixel_thread_cpu.ts";
import { runWrkScript } from "./wrk.ts";

const flag = benchFlag;
const sec = Number(flag("sec") ?? 5);
const rounds = Number(flag("rounds") ?? 2);
const mix = (flag("mix") ?? "none") as TokenMix | "none";
const cpuNs = threadCpuClock();
if (!cpuNs) throw new Error("no thread CPU clock (Linux libc and --allow-ffi needed)");
const BARE_HEADERS = BARE_PIXEL_HEADERS as [string, string][];

const MODES = ["bare", "clone", "app", "app-nowrite"] as const;
type Mode = typeof MODES[number];
/** What the app's fast path answers nearly every hit with: a clone of one prebuilt Response. */
const COMMON = new Response(PIXEL, { headers: BARE_HEADERS });

async function measure(mode: Mode, dir: string, round: number) {
  const t = await createTestApp({
    ECHELON_RATE_LIMIT_MAX: "0",
    ECHELON_DB_PATH: `${dir}/${mode}-${round}.db`,
    ECHELON_SECRET: BENCH_SECRET, // the bench issuer's keys: the token scripts' tokens verify
    ...PIXEL_SERVER_ENV,
  });
  if (mode === "app") await t.services.collect.start();
  t.clock.now = Date.now();
  const tick = setInterval(() => t.clock.now = Date.now(), 100);
  let inHandler = 0;
  let handled = 0;
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, (req, info) => {
    const started = cpuNs!();
    const res = mode === "bare"
      ? new Response(PIXEL, { headers: BARE_HEADERS })
      : mode === "clone"
      ? COMMON.clone()
      : t.fetch(req, { remoteAddr: info.remoteAddr as Deno.NetAddr });
    inHandler += cpuNs!() - started;
    handled++;
    return res;
  });
  const url = `http://127.0.0.1:${(server.addr as Deno.NetAddr).port}/b.gif`;
  try {
    const plain = `${dir}/plain.lua`;
    await Deno.writeTextFile(plain, pixelScript());
    await runWrkScript(url, plain, ["warmup"], 2);
    let script = plain;
    if (mix !== "none") {
      const stem = `${dir}/${mode}-${round}`;
      script = await writeTokenScript(
        stem,
        benchIssuer(),
        PIXEL_SITE,
        mix,
        tokensFor(mix, 60_000 * sec / 5),
      );
    }
    inHandler = handled = 0;
    const started = cpuNs!();
    const load = await runWrkScript(url, script, [PIXEL_SITE], sec);
    const main = (cpuNs!() - started) / 1000 / load.requests;
    return { requests: load.requests, main, handler: inHandler / 1000 / Math.max(1, handled) };
  } finally {
    clearInterval(tick);
    await server.shutdown();
    await t.services.collect.stop(Date.now() + 60_000);
  }
}

const dir = await Deno.makeTempDir();
try {
  for (let round = 0; round < rounds; round++) {
    for (const mode of MODES) {
      const { requests, main, handler } = await measure(mode, dir, round);
      console.log(
        `${mode.padEnd(12)} mix ${mix}: ${requests} requests in ${sec} s; main thread ` +
          `${main.toFixed(1)} µs/hit, in the handler ${handler.toFixed(1)}, outside ${
            (main - handler).toFixed(1)
          }`,
      );
    }
  }
} finally {
  await Deno.remove(dir, { recursive: true });
}
Deno.exit(0);
