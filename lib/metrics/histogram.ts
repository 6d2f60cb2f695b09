// A fixed-bucket histogram for /metrics: counts in a typed array, one loop over the bucket bounds
// per observation and no allocation, so it can sit on the hit path. Buckets are cumulative only
// when exported (Prometheus' `le` buckets), which keeps observe() to a single increment.

/** Bucket bounds 1, 2.5 and 5 × 10^k from `from` up to `to` (both included when on the scale). */
export function scaleBuckets(from: number, to: number): number[] {
  const bounds: number[] = [];
  for (let k = Math.floor(Math.log10(from)); 10 ** k <= to; k++) {
    for (const m of [1, 2.5, 5]) {
      const bound = Number((m * 10 ** k).toPrecision(2));
      if (bound >= from && bound <= to) bounds.push(bound);
    }
  }
  return bounds;
}

/** Upper bounds in seconds for request handling: 0.1 ms (the pixel) up to 10 s (heavy reads). */
export const REQUEST_SECONDS: readonly number[] = scaleBuckets(0.0001, 10);

/** Upper bounds in seconds for one writer batch (a transaction of up to 1000 rows). */
export const FLUSH_SECONDS: readonly number[] = scaleBuckets(0.001, 5);

export interface HistogramSnapshot {
  /** Upper bounds, ascending; `+Inf` is implied. */
  bounds: readonly number[];
  /** Cumulative counts per bound (observations ≤ bound). */
  cumulative: number[];
  count: number;
  sum: number;
}

export class Histogram {
  readonly #bounds: readonly number[];
  /** Observations per bucket (not cumulative); the last slot is +Inf. */
  readonly #counts: Float64Array;
  #sum = 0;
  #count = 0;

  constructor(bounds: readonly number[]) {
    this.#bounds = bounds;
    this.#counts = new Float64Array(bounds.length + 1);
  }

  observe(value: number): void {
    const bounds = this.#bounds;
    let i = 0;
    while (i < bounds.length && value > bounds[i]) i++;
    this.#counts[i]++;
    this.#sum += value;
    this.#count++;
  }

  snapshot(): HistogramSnapshot {
    const cumulative: number[] = [];
    let running = 0;
    for (let i = 0; i < this.#bounds.length; i++) {
      running += this.#counts[i];
      cumulative.push(running);
    }
    return { bounds: this.#bounds, cumulative, count: this.#count, sum: this.#sum };
  }
}
