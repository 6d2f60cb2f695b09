// `deno task bench -- events`: POST /e through the full event pipeline in the server process
// against bare Deno.serve reading the body and answering /e's 204, same run, same wrk load; after
// SIGTERM every accepted event must be in the file.
import { spawnServer } from "../tests/_process.ts";
import { type BareServer, startBare } from "./bare_process.ts";
import { round } from "./numbers.ts";
import { DESKTOP_UA } from "./pixel_load.ts";
import { type BenchFigure, sectionCommand } from "./report.ts";
import { checkNoneLost, lostHits, storedEvents } from "./stored_rows.ts";
import { runWrkScript, WRK_LOAD, wrkLoadLabel, wrkScript } from "./wrk.ts";

const SITES = ["bench-e0", "bench-e1", "bench-e2", "bench-e3"];
const WARMUP_SITES = SITES.map((s) => `${s}-warmup`); // stored apart from the measured run
const PATHS = 16_384;
/** Each request carries one interaction event and the page's `pageview_end`, as on hide. */
export const EVENTS_PER_REQUEST = 2;

/**
 * A wrk script POSTing tracker-shaped batches (text/plain, as sendBeacon sends them): the site
 * (`wrk … -- <site>…`), path, session id, event type and its data vary per request — custom
 * events over 64 names, clicks, scroll depths, outbound links and downloads.
 */
export function eventsScript(): string {
  const paths = Array.from({ length: PATHS }, (_, i) => `"/bench/${i}"`);
  return wrkScript(`
local paths = {${paths.join(",")}}
function init(args)
  sites = args
  n = 0
  wrk.headers["User-Agent"] = "${DESKTOP_UA}"
  wrk.headers["Accept-Language"] = "en-US,en;q=0.9"
  wrk.headers["Sec-Fetch-Site"] = "cross-site"
  wrk.headers["Origin"] = "https://bench.example"
  wrk.headers["Content-Type"] = "text/plain;charset=UTF-8"
end
local function interaction(n, path)
  local kind = n % 5
  if kind == 0 then
    return '{"type":"custom","data":{"name":"signup-' .. (n % 64) .. '","plan":"pro","path":"' ..
      path .. '"}'
  elseif kind == 1 then
    return '{"type":"click","data":{"name":"cta-' .. (n % 16) .. '","path":"' .. path .. '"}'
  elseif kind == 2 then
    return '{"type":"scroll_depth","data":{"depth":' .. (25 * (n % 4 + 1)) .. ',"path":"' ..
      path .. '"}'
  elseif kind == 3 then
    return '{"type":"outbound","data":{"url":"https://partner-' .. (n % 100) ..
      '.example/","host":"partner-' .. (n % 100) .. '.example","text":"Partner","path":"' ..
      path .. '"}'
  end
  return '{"type":"download","data":{"url":"https://bench.example/files/doc-' .. (n % 30) ..
    '.pdf","file":"doc-' .. (n % 30) .. '.pdf","ext":"pdf","path":"' .. path .. '"}'
end
function request()
  n = n + 1
  local sid = string.format("%08x-%04x-4000-8000-%012d", n, tid, n)
  local path = paths[(n * 2 + tid) % ${PATHS} + 1]
  local body = '{"siteId":"' .. sites[n % #sites + 1] .. '","events":[' ..
    interaction(n, path) .. ',"sessionId":"' .. sid .. '"},' ..
    '{"type":"pageview_end","data":{"engaged_ms":' .. (1200 + n % 60000) .. ',"scroll_pct":' ..
    (n % 101) .. ',"path":"' .. path .. '"},"sessionId":"' .. sid .. '"}]}'
  return wrk.format("POST", "/e", nil, body)
end
`);
}

export async function benchEvents(): Promise<BenchFigure[]> {
  const dir = await Deno.makeTempDir();
  const dbPath = `${dir}/bench.db`;
  const script = `${dir}/events.lua`;
  await Deno.writeTextFile(script, eventsScript());
  const app = await spawnServer({ ECHELON_DB_PATH: dbPath, ECHELON_RATE_LIMIT_MAX: "0" });
  let appStopped = false;
  let bare: BareServer | undefined;
  try {
    bare = await startBare("event");
    await runWrkScript(`${app.baseUrl}/e`, script, WARMUP_SITES, WRK_LOAD.warmupSec); // JIT
    await runWrkScript(`${bare.url}/e`, script, WARMUP_SITES, WRK_LOAD.warmupSec);
    const base = await runWrkScript(`${bare.url}/e`, script, SITES);
    const ours = await runWrkScript(`${app.baseUrl}/e`, script, SITES);
    const status = await app.stop(); // SIGTERM drains the writer
    appStopped = true;
    if (status.code !== 0) throw new Error(`server exited with ${status.code}:\n${app.log()}`);
    const stored = storedEvents(dbPath, SITES);
    // Every answered request was stored or counted as dropped (a full write buffer's 503 too).
    const accepted = ours.requests - stored.dropped;
    const expected = accepted * EVENTS_PER_REQUEST;
    const lost = lostHits(ours.requests, stored, EVENTS_PER_REQUEST);
    checkNoneLost("POST /e", lost);
    if (base.errors > 0 || ours.errors > 0) {
      console.error(`POST /e: failed requests (wrk), ours ${ours.errors}, bare ${base.errors}`);
      Deno.exitCode = 1;
    }
    const command = sectionCommand(
      "events",
      `${wrkLoadLabel("events.lua")}, 127.0.0.1, ECHELON_RATE_LIMIT_MAX=0`,
    );
    return [
      {
        name: `POST /e, ${EVENTS_PER_REQUEST} events per request (full pipeline, server ` +
          "process) vs bare Deno.serve reading the body and answering 204",
        value: Math.round(ours.requestsPerSec),
        unit: "req/s",
        baseline: Math.round(base.requestsPerSec),
        ratio: round(ours.requestsPerSec / base.requestsPerSec),
        command,
      },
      {
        name: "POST /e latency p50 (full pipeline) vs bare",
        value: round(ours.latencyP50Ms, 2),
        unit: "ms",
        baseline: round(base.latencyP50Ms, 2),
        ratio: round(ours.latencyP50Ms / base.latencyP50Ms, 2),
        command,
      },
      {
        name: "POST /e latency p99 (full pipeline) vs bare",
        value: round(ours.latencyP99Ms, 2),
        unit: "ms",
        baseline: round(base.latencyP99Ms, 2),
        ratio: round(ours.latencyP99Ms / base.latencyP99Ms, 2),
        command,
      },
      {
        // Requests in flight at wrk's deadline may be stored uncounted: rows may exceed the
        // expected count by up to EVENTS_PER_REQUEST × connections.
        name: `POST /e events stored after SIGTERM vs ${EVENTS_PER_REQUEST} × accepted requests ` +
          `(${ours.requests} answered, ${stored.dropped} dropped, ${lost} lost, ` +
          `${ours.statusErrors} non-2xx, ${ours.errors - ours.statusErrors} socket errors)`,
        value: stored.rows,
        unit: "rows",
        baseline: expected,
        ratio: round(stored.rows / expected, 4),
        budget: "every accepted event stored",
        command,
      },
    ];
  } finally {
    if (!appStopped) await app.stop();
    await bare?.stop();
    await Deno.remove(dir, { recursive: true });
  }
}
