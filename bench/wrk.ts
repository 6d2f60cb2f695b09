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
