// Soak: sustained ingest against the real server process (docs/architecture.md budget: 20k hits/s
// for 60 s, every accepted hit stored, RSS < 400 MB). wrk drives /b.gif with one POST /e in ten,
// paced at --rate (each wrk thread hands out send times on a monotonic clock, so the rate does not
// sag by the response time; the machine's ceiling when it cannot keep up), the server's RSS is
// sampled every second from /proc, and after SIGTERM the stored rows are counted against the
// answers. Writes bench/results/soak.json and soak.md.
//
//   deno run -A bench/soak.ts [--seconds 60] [--rate 20000] [--connections 64]
import { DatabaseSync } from "node:sqlite";
import { spawnServer } from "../tests/_process.ts";
import { processMemory } from "./proc_memory.ts";
import { hasWrk } from "./wrk.ts";

const SITE = "soak";
const THREADS = 2;
const PATHS = 4096;
const UA =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";

/**
 * wrk's delay() for a steady `rate` over `threads` threads: every call takes the thread's next
 * send slot (rate / threads a second) and waits until it is due, read from CLOCK_MONOTONIC
 * through LuaJIT's FFI. A backlog of more than a second (the server fell behind) is dropped
 * rather than sent as a burst.
 */
function pacingLua(rate: number, threads: number): string {
  if (rate <= 0) return "";
  return `
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } soak_timespec;
int clock_gettime(int clk_id, soak_timespec *tp);
]]
local ts = ffi.new("soak_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, ts)
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end
local interval = ${(threads * 1000) / rate}
local next_due = nil
function delay()
  local now = now_ms()
  next_due = math.max((next_due or now) + interval, now - 1000)
  local wait = next_due - now
  if wait <= 0 then return 0 end
  return math.floor(wait + 0.5)
end`;
}

/** One request in ten is POST /e (one custom event); the rest are page views. */
function soakScript(rate: number, threads: number): string {
  const paths = Array.from(
    { length: PATHS },
    (_, i) => `"${encodeURIComponent(btoa(`/soak/${i}`))}"`,
  );
  return `
local paths = {${paths.join(",")}}
local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end
function init(args)
  n = 0; gif = 0; ev = 0; other = 0
  wrk.headers["User-Agent"] = "${UA}"
  wrk.headers["Accept-Language"] = "en-US,en;q=0.9"
  wrk.headers["Sec-Fetch-Site"] = "cross-site"
  -- wrk.format uses the headers it is given instead of wrk.headers, not on top of them
  eheaders = {["Content-Type"] = "text/plain;charset=UTF-8"}
  for k, v in pairs(wrk.headers) do eheaders[k] = v end
end
${pacingLua(rate, threads)}
function request()
  n = n + 1
  local sid = string.format("%08x-%04x-4000-8000-%012d", n, tid, n)
  local path = paths[(n * 7 + tid) % ${PATHS} + 1]
  if n % 10 == 0 then
    return wrk.format("POST", "/e", eheaders,
      '{"siteId":"${SITE}","events":[{"type":"custom","data":{"name":"soak"},"sessionId":"' .. sid .. '"}]}')
  end
  return wrk.format("GET", "/b.gif?p=" .. path .. "&s=${SITE}&sid=" .. sid ..
    "&_v=" .. (1200 + n % 5000) .. "&sw=1920&sh=1080")
end
function response(status, headers, body)
  if status == 200 then gif = gif + 1 elseif status == 204 then ev = ev + 1 else other = other + 1 end
end
function done(summary, latency, requests)
  local g, e, o = 0, 0, 0
  for _, t in ipairs(threads) do g = g + t:get("gif"); e = e + t:get("ev"); o = o + t:get("other") end
  local x = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"durationUs":%d,"errors":%d,"gif":%d,"events":%d,"other":%d,' ..
    '"p50Us":%d,"p99Us":%d,"maxUs":%d}\\n',
    summary.requests, summary.duration, x.connect + x.read + x.write + x.timeout, g, e, o,
    latency:percentile(50), latency:percentile(99), latency.max))
end
`;
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

if (import.meta.main) {
  const flag = (name: string, fallback: number) => {
    const i = Deno.args.indexOf(`--${name}`);
    return i < 0 ? fallback : Number(Deno.args[i + 1]);
  };
  const seconds = flag("seconds", 60);
  const rate = flag("rate", 20_000);
  const connections = flag("connections", 64);
  if (!(seconds > 0 && seconds <= 600 && rate >= 0 && connections > 0 && connections <= 512)) {
    throw new Error("--seconds 1..600, --rate ≥ 0 (0: unpaced), --connections 1..512");
  }
  if (!hasWrk()) throw new Error("soak needs wrk on the PATH");
  const dir = await Deno.makeTempDir({ prefix: "echelon-soak-" });
  const dbPath = `${dir}/soak.db`;
  const script = `${dir}/soak.lua`;
  await Deno.writeTextFile(script, soakScript(rate, THREADS));
  const server = await spawnServer({ ECHELON_DB_PATH: dbPath, ECHELON_RATE_LIMIT_MAX: "0" });
  // Ctrl-C or a timeout must not leave the server running on its own.
  const killServer = () => {
    server.child.kill("SIGKILL");
    Deno.exit(130);
  };
  Deno.addSignalListener("SIGINT", killServer);
  Deno.addSignalListener("SIGTERM", killServer);
  try {
    const pid = server.child.pid;
    const rss: { t: number; mb: number }[] = [{ t: 0, mb: processMemory(pid).rssMb }];
    const started = Date.now();
    const sampler = setInterval(() => {
      try {
        rss.push({ t: Math.round((Date.now() - started) / 1000), mb: processMemory(pid).rssMb });
      } catch {
        // the process is gone
      }
    }, 1000);
    console.log(
      `soak: ${seconds} s, target ${
        rate || "max"
      } hits/s (wrk -t${THREADS} -c${connections}, paced per thread)`,
    );
    const out = await new Deno.Command("wrk", {
      args: [
        `-t${THREADS}`,
        `-c${connections}`,
        `-d${seconds}s`,
        "--latency",
        "-s",
        script,
        server.baseUrl,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    clearInterval(sampler);
    const text = new TextDecoder().decode(out.stdout);
    const json = text.match(/WRK_JSON (\{.*\})/)?.[1];
    if (out.code !== 0 || !json) {
      throw new Error(`wrk failed: ${text}${new TextDecoder().decode(out.stderr)}`);
    }
    const wrk = JSON.parse(json);
    const health = await (await fetch(`${server.baseUrl}/api/health`)).json();
    const status = await server.stop("SIGTERM");
    if (status.code !== 0) throw new Error(`server exited with ${status.code}:\n${server.log()}`);

    const db = new DatabaseSync(dbPath, { readOnly: true });
    const count = (sql: string) => Number(db.prepare(sql).get(SITE)!.n);
    const views = count("SELECT count(*) AS n FROM visitor_views WHERE site_id = ?");
    const events = count("SELECT count(*) AS n FROM semantic_events WHERE site_id = ?");
    const dropped = count("SELECT coalesce(sum(hits), 0) AS n FROM drop_counts WHERE site_id = ?");
    const dropReasons = Object.fromEntries(
      db.prepare(
        "SELECT endpoint || ':' || reason AS k, sum(hits) AS n FROM drop_counts WHERE site_id = ? GROUP BY k",
      ).all(SITE).map((r) => [String(r.k), Number(r.n)]),
    );
    db.close();

    // wrk stops counting at the deadline: requests then in flight (≤ one per connection) may be
    // stored without being counted as answered, never the other way round.
    const answered = wrk.gif + wrk.events;
    const stored = views + events;
    const lost = Math.max(0, answered - dropped - stored);
    const durationS = wrk.durationUs / 1e6;
    const mbs = rss.map((s) => s.mb);
    const result = {
      date: new Date().toISOString(),
      command: `deno task soak --seconds ${seconds} --rate ${rate} --connections ${connections}`,
      machine: { cpus: navigator.hardwareConcurrency, deno: Deno.version.deno },
      seconds: round(durationS),
      targetRate: rate || null,
      hitsPerSec: Math.round(answered / durationS),
      latencyP50Ms: round(wrk.p50Us / 1000, 2),
      latencyP99Ms: round(wrk.p99Us / 1000, 2),
      latencyMaxMs: round(wrk.maxUs / 1000, 1),
      answered: { gif: wrk.gif, events: wrk.events, other: wrk.other, socketErrors: wrk.errors },
      dropped,
      dropReasons,
      stored: { views, events },
      lost,
      rssMb: { min: Math.min(...mbs), max: Math.max(...mbs), samples: rss },
      writersAtEnd: health.writers,
    };
    const line = `| Soak ${round(durationS)} s (\`${result.command}\`) | ` +
      `${result.hitsPerSec} hits/s | p50 ${result.latencyP50Ms} ms, p99 ${result.latencyP99Ms} ms | ` +
      `RSS ${result.rssMb.min}–${result.rssMb.max} MB | answered ${answered}, dropped ${dropped}, ` +
      `stored ${stored}, lost ${lost} |`;
    await Deno.mkdir(new URL("./results/", import.meta.url), { recursive: true });
    await Deno.writeTextFile(
      new URL("./results/soak.json", import.meta.url),
      JSON.stringify(result, null, 2) + "\n",
    );
    await Deno.writeTextFile(new URL("./results/soak.md", import.meta.url), line + "\n");
    console.log(
      JSON.stringify({ ...result, rssMb: { min: result.rssMb.min, max: result.rssMb.max } }),
    );
    console.log(line);
    if (lost > 0 || wrk.other > 0) {
      console.error(`soak FAILED: ${lost} accepted hits missing, ${wrk.other} non-2xx answers`);
      Deno.exitCode = 1;
    }
  } finally {
    try {
      await server.stop("SIGKILL");
    } catch {
      // already stopped
    }
    await Deno.remove(dir, { recursive: true });
  }
}
