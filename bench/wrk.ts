// Load generation for benchmarks: wrk on 127.0.0.1 with a bounded duration and connection count
// (the load generator shares the machine's 2 cores with the server, so figures are lower bounds).

export interface LoadResult {
  requestsPerSec: number;
  latencyAvgMs: number;
  latencyP99Ms: number;
  requests: number;
  errors: number;
}

export interface LoadOptions {
  durationSec?: number;
  connections?: number;
  threads?: number;
}

export function hasWrk(): boolean {
  try {
    return new Deno.Command("wrk", { args: ["--version"], stdout: "null", stderr: "null" })
      .outputSync().code <= 1;
  } catch {
    return false;
  }
}

export async function runWrk(url: string, options: LoadOptions = {}): Promise<LoadResult> {
  const { durationSec = 8, connections = 64, threads = 2 } = options;
  if (!url.startsWith("http://127.0.0.1:")) throw new Error("benchmarks only target 127.0.0.1");
  const out = await new Deno.Command("wrk", {
    args: [`-t${threads}`, `-c${connections}`, `-d${durationSec}s`, "--latency", url],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  if (out.code !== 0) throw new Error(`wrk failed: ${new TextDecoder().decode(out.stderr)}`);
  const num = (re: RegExp) => Number(text.match(re)?.[1] ?? NaN);
  const ms = (re: RegExp) => {
    const m = text.match(re);
    if (!m) return NaN;
    const value = Number(m[1]);
    return m[2] === "us" ? value / 1000 : m[2] === "s" ? value * 1000 : value;
  };
  const non2xx = num(/Non-2xx or 3xx responses: (\d+)/);
  const socketErrors = text.match(
    /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/,
  );
  return {
    requestsPerSec: num(/Requests\/sec:\s+([\d.]+)/),
    latencyAvgMs: ms(/Latency\s+([\d.]+)(us|ms|s)/),
    latencyP99Ms: ms(/99%\s+([\d.]+)(us|ms|s)/),
    requests: num(/(\d+) requests in/),
    errors: (Number.isNaN(non2xx) ? 0 : non2xx) +
      (socketErrors ? socketErrors.slice(1).reduce((a, b) => a + Number(b), 0) : 0),
  };
}

/** The load of every scripted section: wrk -t2 -c64 for 8 s on 127.0.0.1, after a 2 s warm-up. */
export const WRK_LOAD = { threads: 2, connections: 64, durationSec: 8, warmupSec: 2 } as const;

/** "wrk -t2 -c64 -d8s -s pixel.lua": how a figure's command names the load. */
export function wrkLoadLabel(scriptName: string): string {
  const { threads, connections, durationSec } = WRK_LOAD;
  return `wrk -t${threads} -c${connections} -d${durationSec}s -s ${scriptName}`;
}

export interface ScriptedLoad extends LoadResult {
  latencyP50Ms: number;
  /** Answers with a status ≥ 400 (also counted in `errors`). */
  statusErrors: number;
}

/**
 * A wrk script from the Lua that builds requests (`init`, `request`): it adds `tid` (each
 * thread's number, from 1) and a `done()` printing wrk's own summary as one JSON line, so
 * nothing depends on wrk's human-readable output.
 */
export function wrkScript(requestLua: string): string {
  return `
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
${requestLua}
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"durationUs":%d,"errors":%d,"statusErrors":%d,"meanUs":%f,' ..
    '"p50Us":%d,"p99Us":%d}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.status + e.timeout,
    e.status, latency.mean, latency:percentile(50), latency:percentile(99)))
end
`;
}

/** Runs a `wrkScript` against `url` with WRK_LOAD; `scriptArgs` reach the script's `init`. */
export async function runWrkScript(
  url: string,
  script: string,
  scriptArgs: string[],
  durationSec: number = WRK_LOAD.durationSec,
): Promise<ScriptedLoad> {
  if (!url.startsWith("http://127.0.0.1:")) throw new Error("benchmarks only target 127.0.0.1");
  const { threads, connections } = WRK_LOAD;
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
    statusErrors: r.statusErrors,
    latencyAvgMs: r.meanUs / 1000,
    latencyP50Ms: r.p50Us / 1000,
    latencyP99Ms: r.p99Us / 1000,
  };
}
