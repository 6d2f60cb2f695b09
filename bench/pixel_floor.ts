// The floor under /b.gif's ratio to bare Deno.serve on this machine: a bare pixel handler (no
// pipeline: no parsing, scoring or proof of work) that also stores every hit the way the server
// does — a row object buffered on the main thread and handed to a write thread as one JSON string
// per 1000 rows (lib/db/write_thread.ts's shape) — under the pixel section's wrk load
// (bench/pixel_load.ts: 16,384 client addresses, a path per hit). Depths: the raw rows only,
// + the sessions table, + the per-day aggregates (everything the server's write thread does:
// bench/pixel_floor_worker.ts). The requests per second of each, against bare in the same round,
// say how much of the 0.5 budget (issue 14 item 8) storage alone leaves to the pipeline.
// Usage: deno run -A bench/pixel_floor.ts [--sec=5] [--rounds=2]
import { PIXEL } from "../lib/pixel.ts";
import { openDatabase } from "../lib/db/mod.ts";
import type { ViewRow } from "../lib/db/columns.ts";
import { view } from "../tests/_stats_fixture.ts";
import { BARE_PIXEL_HEADERS } from "./bare_headers.ts";
import { benchFlag, PIXEL_SITE, pixelScript } from "./pixel_load.ts";
import { runWrkScript } from "./wrk.ts";
import { threadCpuClock } from "./pixel_thread_cpu.ts";
import type { FloorDepth } from "./pixel_floor_worker.ts";

const sec = Number(benchFlag("sec") ?? 5);
const rounds = Number(benchFlag("rounds") ?? 2);
const BARE_HEADERS = BARE_PIXEL_HEADERS as [string, string][];
const MODES = ["bare", "raw", "sessions", "full"] as const;
type Mode = typeof MODES[number];
const BATCH = 1000;
const cpuNs = threadCpuClock();

/** A stored view of the hit: the fixture's fields, the hit's path, session and client address. */
function rowOf(url: URL, ip: string, n: number): ViewRow {
  return view({
    site_id: url.searchParams.get("s") ?? PIXEL_SITE,
    path: atob(url.searchParams.get("p") ?? "Lw=="),
    visitor_id: ip,
    session_id: url.searchParams.get("sid") ?? `${ip}-${n}`,
    interaction_ms: Number(url.searchParams.get("_v") ?? 0),
    bot_score_detail: '{"pow":0}',
    created_at: new Date().toISOString(),
  });
}

async function measure(mode: Mode, dir: string, round: number) {
  const path = `${dir}/${mode}-${round}.db`;
  openDatabase(path).close(); // migrations, as the server runs them before its write thread
  const worker = mode === "bare"
    ? null
    : new Worker(new URL("./pixel_floor_worker.ts", import.meta.url), { type: "module" });
  let buffer: ViewRow[] = [];
  let inFlight = 0;
  let written = 0;
  const drained: (() => void)[] = [];
  if (worker) {
    worker.onmessage = ({ data }: MessageEvent<number>) => {
      written += data;
      if (--inFlight === 0) drained.splice(0).forEach((f) => f());
    };
  }
  const hand = () => {
    if (!worker || buffer.length === 0) return;
    inFlight++;
    worker.postMessage({ path, depth: mode as FloorDepth, json: JSON.stringify(buffer) });
    buffer = [];
  };
  const timer = setInterval(hand, 1000);
  let n = 0;
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, (req) => {
    if (worker) {
      const ip = req.headers.get("x-forwarded-for") ?? "127.0.0.1";
      buffer.push(rowOf(new URL(req.url), ip, n++));
      if (buffer.length >= BATCH) hand();
    }
    return new Response(PIXEL, { headers: BARE_HEADERS });
  });
  const url = `http://127.0.0.1:${(server.addr as Deno.NetAddr).port}/b.gif`;
  try {
    const script = `${dir}/plain.lua`;
    await Deno.writeTextFile(script, pixelScript());
    await runWrkScript(url, script, ["warmup"], 1);
    const before = cpuNs?.() ?? 0;
    const load = await runWrkScript(url, script, [PIXEL_SITE], sec);
    const main = ((cpuNs?.() ?? 0) - before) / 1000 / load.requests;
    hand();
    const t0 = performance.now();
    if (inFlight > 0) await new Promise<void>((resolve) => drained.push(resolve));
    return { requests: load.requests, main, backlogMs: performance.now() - t0, written };
  } finally {
    clearInterval(timer);
    await server.shutdown();
    worker?.terminate();
  }
}

const dir = await Deno.makeTempDir();
try {
  for (let round = 0; round < rounds; round++) {
    let bare = 0;
    for (const mode of MODES) {
      const r = await measure(mode, dir, round);
      if (mode === "bare") bare = r.requests;
      console.log(
        `${mode.padEnd(9)} ${r.requests} requests in ${sec} s, ratio to bare ${
          (r.requests / bare).toFixed(3)
        }; main thread ${r.main.toFixed(1)} µs/hit` +
          (mode === "bare"
            ? ""
            : `; ${r.written} rows, backlog written in ${r.backlogMs.toFixed(0)} ms`),
      );
    }
  }
} finally {
  await Deno.remove(dir, { recursive: true });
}
Deno.exit(0);
