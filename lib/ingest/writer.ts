// One generic buffered writer: records are queued in memory and written in one transaction per
// flush (every `flushMs`, or sooner when a batch fills). The buffer is bounded; a full buffer
// refuses new records and counts them (back-pressure, never silent). Failed flushes keep their
// records and retry with backoff; `stop()` drains everything for a graceful shutdown.

export interface WriterOptions<T> {
  name: string;
  /** Writes a batch in one transaction; throws to keep the batch for a retry. */
  write: (batch: T[]) => void;
  flushMs: number;
  batchSize?: number;
  maxBuffer?: number;
  now?: () => number;
  onError?: (message: string, error: unknown) => void;
}

export interface WriterStats {
  name: string;
  buffered: number;
  written: number;
  rejected: number;
  failedFlushes: number;
  consecutiveFailures: number;
  lastFlushMs: number | null;
  lastFlushRows: number;
  maxFlushMs: number;
  lastError: string | null;
  lastSuccessAt: number | null;
}

const MAX_BACKOFF_MS = 30_000;

export class BufferedWriter<T> {
  readonly #options:
    & Required<Omit<WriterOptions<T>, "onError">>
    & Pick<WriterOptions<T>, "onError">;
  #buffer: T[] = [];
  #timer: ReturnType<typeof setTimeout> | null = null;
  #running = false;
  #stats: WriterStats;

  constructor(options: WriterOptions<T>) {
    this.#options = { batchSize: 5000, maxBuffer: 200_000, now: Date.now, ...options };
    this.#stats = {
      name: options.name,
      buffered: 0,
      written: 0,
      rejected: 0,
      failedFlushes: 0,
      consecutiveFailures: 0,
      lastFlushMs: null,
      lastFlushRows: 0,
      maxFlushMs: 0,
      lastError: null,
      lastSuccessAt: null,
    };
  }

  get size(): number {
    return this.#buffer.length;
  }

  stats(): WriterStats {
    return { ...this.#stats, buffered: this.#buffer.length };
  }

  /** Queues a record; false when the buffer is full (the caller counts the drop). */
  push(record: T): boolean {
    if (this.#buffer.length >= this.#options.maxBuffer) {
      this.#stats.rejected++;
      return false;
    }
    this.#buffer.push(record);
    if (this.#running && this.#buffer.length === this.#options.batchSize) this.#schedule(0);
    return true;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#schedule(this.#options.flushMs);
  }

  /**
   * Writes up to one batch per call until the buffer is empty. Returns rows written; a failure
   * keeps the rows and rethrows.
   */
  flush(): number {
    let total = 0;
    while (this.#buffer.length > 0) {
      const batch = this.#buffer.slice(0, this.#options.batchSize);
      const started = performance.now();
      try {
        this.#options.write(batch);
      } catch (error) {
        this.#stats.failedFlushes++;
        this.#stats.consecutiveFailures++;
        this.#stats.lastError = error instanceof Error ? error.message : String(error);
        throw error;
      }
      const elapsed = performance.now() - started;
      // Splice only after the commit: records are never lost between snapshot and write.
      this.#buffer.splice(0, batch.length);
      this.#stats.written += batch.length;
      this.#stats.lastFlushRows = batch.length;
      this.#stats.lastFlushMs = Math.round(elapsed * 100) / 100;
      this.#stats.maxFlushMs = Math.max(this.#stats.maxFlushMs, this.#stats.lastFlushMs);
      this.#stats.consecutiveFailures = 0;
      this.#stats.lastError = null;
      this.#stats.lastSuccessAt = this.#options.now();
      total += batch.length;
    }
    return total;
  }

  /** Stops the timer and drains the buffer, retrying failed flushes until `deadline`. */
  async stop(deadline = Date.now() + 30_000): Promise<number> {
    this.#running = false;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    let written = 0;
    let delay = 50;
    while (this.#buffer.length > 0) {
      try {
        written += this.flush();
      } catch (error) {
        if (Date.now() + delay > deadline) {
          this.#options.onError?.(
            `${this.#options.name}: ${this.#buffer.length} records could not be written at shutdown`,
            error,
          );
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay = Math.min(delay * 2, 2000);
      }
    }
    return written;
  }

  #schedule(delay: number): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#tick(), delay);
  }

  #tick(): void {
    this.#timer = null;
    if (!this.#running) return;
    try {
      this.flush();
      this.#schedule(this.#options.flushMs);
    } catch (error) {
      const failures = this.#stats.consecutiveFailures;
      this.#options.onError?.(
        `${this.#options.name}: flush failed (${failures} in a row), ${this.#buffer.length} records kept`,
        error,
      );
      this.#schedule(Math.min(this.#options.flushMs * 2 ** Math.min(failures, 10), MAX_BACKOFF_MS));
    }
  }
}
