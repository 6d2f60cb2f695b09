// A steady-rate /b.gif load for the fault tests: hit n is due at start + n / rate, sent by one of
// a few loops, and every answer is recorded client-side (path, when it was answered, latency,
// drop reason), so a test can compare what was accepted with what was stored.
import assert from "node:assert/strict";

export const BROWSER_HEADERS = {
  "user-agent":
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
  "accept-language": "en-US,en;q=0.9",
  "sec-fetch-site": "cross-site",
};

export interface Answer {
  path: string;
  /** performance.now() when the answer arrived. */
  answeredAt: number;
  latencyMs: number;
  drop: string | null;
}

export interface LoadReport {
  answers: Answer[];
  sent: number;
  /** Requests refused or reset (the server stopped or was killed). */
  failed: number;
}

export interface SteadyLoad {
  baseUrl: string;
  site: string;
  /** Paths are /<prefix>/<n>. */
  prefix: string;
  ratePerSec: number;
  durationMs: number;
  loops?: number;
  /** Called as each hit is due; returning true stops the load. */
  shouldStop?: () => boolean;
}

/** Sends hits on a fixed schedule; every answer must be the 43-byte pixel. */
export async function steadyLoad(options: SteadyLoad): Promise<LoadReport> {
  const { baseUrl, site, prefix, ratePerSec, durationMs, loops = 8 } = options;
  const answers: Answer[] = [];
  const started = performance.now();
  const total = Math.floor((ratePerSec * durationMs) / 1000);
  let next = 0;
  let failed = 0;
  let stopped = false;
  // Its own connection pool, closed at the end: under CPU load the pool may open a connection it
  // then keeps spare without sending a request on it, which the server rightly counts as waiting
  // for a request; a test counting the server's connections after the load must not see it.
  const client = Deno.createHttpClient({});
  const loop = async () => {
    while (!stopped && next < total) {
      const n = next++;
      const due = started + (n * 1000) / ratePerSec;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      if (stopped || options.shouldStop?.()) {
        stopped = true;
        return;
      }
      const path = `/${prefix}/${n}`;
      const params = new URLSearchParams({
        p: btoa(path),
        s: site,
        sid: crypto.randomUUID(),
        _v: String(1200 + (n % 1000)),
        sw: "1920",
        sh: "1080",
      });
      const sentAt = performance.now();
      let res: Response;
      try {
        res = await fetch(`${baseUrl}/b.gif?${params}`, { headers: BROWSER_HEADERS, client });
      } catch {
        failed++;
        stopped = true;
        return;
      }
      const body = new Uint8Array(await res.arrayBuffer());
      const answeredAt = performance.now();
      assert.equal(res.status, 200, `hit ${n}`);
      assert.equal(res.headers.get("content-type"), "image/gif");
      assert.equal(body.length, 43);
      answers.push({
        path,
        answeredAt,
        latencyMs: answeredAt - sentAt,
        drop: res.headers.get("x-echelon-drop"),
      });
    }
  };
  try {
    await Promise.all(Array.from({ length: loops }, loop));
  } finally {
    client.close();
  }
  return { answers, sent: next, failed };
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export async function healthOf(baseUrl: string): Promise<{ status: number; body: HealthBody }> {
  const res = await fetch(`${baseUrl}/api/health`);
  return { status: res.status, body: await res.json() };
}

export interface HealthBody {
  status: string;
  database: string;
  writers: Record<
    string,
    { backlog: number; rejected: number; consecutive_failures: number; last_error: string | null }
  >;
}

/** Polls /api/health until `done` holds, or fails after `timeoutMs`. */
export async function waitForHealth(
  baseUrl: string,
  done: (status: number, body: HealthBody) => boolean,
  timeoutMs: number,
): Promise<{ status: number; body: HealthBody }> {
  const deadline = Date.now() + timeoutMs;
  while (true) {
    const health = await healthOf(baseUrl);
    if (done(health.status, health.body)) return health;
    if (Date.now() > deadline) {
      throw new Error(`health never reached the expected state: ${JSON.stringify(health)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
