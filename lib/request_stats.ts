// Request statistics for GET /api/stats/vitals (reference §5.7): every request's path, status and
// handler time in a fixed-size ring, so memory is bounded whatever the load (the reference's
// array grew past 50 000 entries and was sorted on every admin render, W38). Figures cover the
// last five minutes, or the last `capacity` requests when more arrived in that window.

export interface RequestStatsSnapshot {
  totalRequests: number;
  /** 5xx responses since start. */
  totalErrors: number;
  /** Requests in the window (at most `capacity`). */
  recentRequests: number;
  windowSeconds: number;
  avgResponseMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Requests per second over min(uptime, window). */
  rps: number;
  /** 5xx share of the window's requests, percent. */
  errorRate: number;
  slowPaths: { path: string; count: number; avgMs: number; maxMs: number }[];
  uptimeSeconds: number;
}

export interface RequestStatsOptions {
  now: () => number;
  capacity?: number;
  windowMs?: number;
}

const round = (n: number) => Math.round(n * 100) / 100;

export class RequestStats {
  readonly #now: () => number;
  readonly #windowMs: number;
  readonly #startedAt: number;
  readonly #at: Float64Array;
  readonly #ms: Float64Array;
  readonly #status: Uint16Array;
  readonly #path: string[];
  #next = 0;
  #size = 0;
  #total = 0;
  #errors = 0;

  constructor(options: RequestStatsOptions) {
    const capacity = options.capacity ?? 10_000;
    this.#now = options.now;
    this.#windowMs = options.windowMs ?? 300_000;
    this.#startedAt = options.now();
    this.#at = new Float64Array(capacity);
    this.#ms = new Float64Array(capacity);
    this.#status = new Uint16Array(capacity);
    this.#path = new Array(capacity);
  }

  record(path: string, status: number, durationMs: number): void {
    const i = this.#next;
    this.#at[i] = this.#now();
    this.#ms[i] = durationMs;
    this.#status[i] = status;
    this.#path[i] = path.length > 200 ? path.slice(0, 200) : path;
    this.#next = (i + 1) % this.#at.length;
    if (this.#size < this.#at.length) this.#size++;
    this.#total++;
    if (status >= 500) this.#errors++;
  }

  snapshot(): RequestStatsSnapshot {
    const now = this.#now();
    const since = now - this.#windowMs;
    const durations: number[] = [];
    const byPath = new Map<string, { count: number; sum: number; max: number }>();
    let errors = 0;
    for (let k = 0; k < this.#size; k++) {
      const i = (this.#next - 1 - k + this.#at.length) % this.#at.length;
      if (this.#at[i] < since) break; // older entries follow
      const ms = this.#ms[i];
      durations.push(ms);
      if (this.#status[i] >= 500) errors++;
      const entry = byPath.get(this.#path[i]) ?? { count: 0, sum: 0, max: 0 };
      entry.count++;
      entry.sum += ms;
      entry.max = Math.max(entry.max, ms);
      byPath.set(this.#path[i], entry);
    }
    durations.sort((a, b) => a - b);
    const pick = (p: number) =>
      durations.length
        ? round(durations[Math.min(durations.length - 1, Math.ceil(p * durations.length) - 1)])
        : 0;
    const uptimeMs = Math.max(0, now - this.#startedAt);
    const span = Math.max(1, Math.min(uptimeMs, this.#windowMs) / 1000);
    const sum = durations.reduce((a, b) => a + b, 0);
    return {
      totalRequests: this.#total,
      totalErrors: this.#errors,
      recentRequests: durations.length,
      windowSeconds: this.#windowMs / 1000,
      avgResponseMs: durations.length ? round(sum / durations.length) : 0,
      p50Ms: pick(0.5),
      p95Ms: pick(0.95),
      p99Ms: pick(0.99),
      maxMs: durations.length ? round(durations[durations.length - 1]) : 0,
      rps: round(durations.length / span),
      errorRate: durations.length ? round((errors / durations.length) * 100) : 0,
      slowPaths: [...byPath.entries()]
        .map(([path, e]) => ({
          path,
          count: e.count,
          avgMs: round(e.sum / e.count),
          maxMs: round(e.max),
        }))
        .sort((a, b) => b.avgMs - a.avgMs || a.path.localeCompare(b.path))
        .slice(0, 5),
      uptimeSeconds: Math.round(uptimeMs / 1000),
    };
  }
}
