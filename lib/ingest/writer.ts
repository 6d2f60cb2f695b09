// One generic buffered writer: records are queued in memory and written in batches of one
// transaction each. Every `flushMs` (or as soon as a batch fills) a flush cycle writes what is
// buffered at that moment, one batch per event-loop turn, so requests keep being served between
// batches. The buffer is bounded; a full buffer refuses new records and counts them
// (back-pressure, never silent). Failed flushes keep their records and retry with backoff;
// `stop()` drains everything for a graceful shutdown.
//
// `write` may be synchronous or return a promise (the store's writes are asynchronous): records
// stay in the buffer, counted against `maxBuffer`, until their
// write settled, and only one batch is in flight at a time, so the order is kept.
import { FLUSH_SECONDS, Histogram } from "../metrics/histogram.ts";

export interface WriterOptions<T> {
  name: string;
  /** Writes a batch in one transaction; throws (or rejects) to keep the batch for a retry. */
  write: (batch: T[]) => void | Promise<void>;
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

/**
 * Failed flushes are retried after flushMs, then at most every MAX_RETRY_MS (or flushMs if
 * longer). A retry costs one batch, so retrying this often is cheap, and it bounds how long
 * buffered records wait once the cause is gone (a full disk freed) to about this long.
 */
export const MAX_RETRY_MS = 2000;
/**
 * Rows per transaction. A batch holds the event loop for as long as SQLite takes to insert it
 * on this thread (~10-25 µs a row with our indexes), so smaller batches bound the latency a
 * flush adds to requests; per-transaction overhead in WAL mode stays negligible at this size.
 */
export const DEFAULT_BATCH_SIZE = 1000;

export class BufferedWriter<T> {
  readonly #options:
    & Required<Omit<WriterOptions<T>, "onError">>
    & Pick<WriterOptions<T>, "onError">;
  #buffer: T[] = [];
  /** Leading records of the buffer handed to an asynchronous write that has not settled. */
  #inFlight = 0;
  #pending: Promise<number> | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #running = false;
  #stopping = false;
  /** A flush cycle is under way (it reschedules itself; no second cycle may start). */
  #cycling = false;
  #stats: WriterStats;
  /** How long each written batch took, from hand-over to commit (for /metrics). */
  readonly flushSeconds = new Histogram(FLUSH_SECONDS);

  constructor(options: WriterOptions<T>) {
    this.#options = {
      batchSize: DEFAULT_BATCH_SIZE,
      maxBuffer: 200_000,
      now: Date.now,
      ...options,
    };
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

  /** Records not yet written (including a batch whose asynchronous write is under way). */
  get size(): number {
    return this.#buffer.length;
  }

  stats(): WriterStats {
    return { ...this.#stats, buffered: this.#buffer.length };
  }

  /**
   * Queues a record; false when the buffer is full or the writer is stopping (its last flush may
   * already be done, so a record taken now could be lost): the caller counts the drop.
   */
  push(record: T): boolean {
    if (this.#stopping || this.#buffer.length >= this.#options.maxBuffer) {
      this.#stats.rejected++;
      return false;
    }
    this.#buffer.push(record);
    if (
      this.#running && !this.#cycling &&
      this.#buffer.length - this.#inFlight === this.#options.batchSize
    ) {
      this.#schedule(0);
    }
    return true;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#stopping = false;
    this.#schedule(this.#options.flushMs);
  }

  /**
   * Writes the records buffered now, one batch after another (a batch a flush cycle handed over
   * is waited for first). Resolves to the rows written; a failure keeps the rows and rejects.
   */
  async flush(): Promise<number> {
    let total = 0;
    let due = this.#buffer.length;
    while (due > 0 && this.#buffer.length > 0) {
      const pending = this.#pending;
      const written = pending ? await pending : await this.#writeBatch();
      if (!pending) total += written;
      due -= written;
    }
    return total;
  }

  /** Stops the timer and drains the buffer, retrying failed flushes until `deadline`. */
  async stop(deadline = Date.now() + 30_000): Promise<number> {
    this.#running = false;
    this.#stopping = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    let written = 0;
    let delay = 50;
    while (this.#buffer.length > 0) {
      try {
        // A flush cycle's batch may still be in flight: it settles before the next is taken.
        if (this.#pending) await this.#pending;
        else written += await this.#writeBatch();
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

  /** Writes the first batch of the buffer; rows written, or a promise of them (async write). */
  #writeBatch(): number | Promise<number> {
    const batch = this.#buffer.slice(0, this.#options.batchSize);
    const started = performance.now();
    let result: void | Promise<void>;
    try {
      result = this.#options.write(batch);
    } catch (error) {
      this.#failed(error);
      throw error;
    }
    if (!(result instanceof Promise)) return this.#written(batch.length, started);
    this.#inFlight = batch.length;
    const pending = result.then(
      () => this.#written(batch.length, started),
      (error) => {
        this.#failed(error);
        throw error;
      },
    ).finally(() => {
      this.#inFlight = 0;
      this.#pending = null;
    });
    this.#pending = pending;
    return pending;
  }

  #written(rows: number, started: number): number {
    const elapsed = performance.now() - started;
    // Splice only after the commit: records are never lost between snapshot and write.
    this.#buffer.splice(0, rows);
    this.#stats.written += rows;
    this.#stats.lastFlushRows = rows;
    this.#stats.lastFlushMs = Math.round(elapsed * 100) / 100;
    this.#stats.maxFlushMs = Math.max(this.#stats.maxFlushMs, this.#stats.lastFlushMs);
    this.flushSeconds.observe(elapsed / 1000);
    this.#stats.consecutiveFailures = 0;
    this.#stats.lastError = null;
    this.#stats.lastSuccessAt = this.#options.now();
    return rows;
  }

  #failed(error: unknown): void {
    this.#stats.failedFlushes++;
    this.#stats.consecutiveFailures++;
    this.#stats.lastError = error instanceof Error ? error.message : String(error);
  }

  #schedule(delay: number): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#cycle(), delay);
  }

  /**
   * One flush cycle: writes the records buffered when it starts, one batch per turn of the
   * event loop; records arriving meanwhile wait for the next cycle (unless a batch fills).
   */
  async #cycle(): Promise<void> {
    this.#timer = null;
    if (!this.#running || this.#cycling) return;
    this.#cycling = true;
    let due = this.#buffer.length;
    try {
      while (due > 0 && this.#running) {
        // A batch `flush()` handed over settles first: its rows must not be taken twice.
        const pending = this.#pending;
        const written = pending ? await pending : await this.#writeBatch();
        due -= written;
        // Let the requests that queued up during this batch be served before the next one.
        if (due > 0) await new Promise((resolve) => setTimeout(resolve, 0));
      }
      this.#cycling = false;
      const full = this.#buffer.length >= this.#options.batchSize;
      if (this.#running) this.#schedule(full ? 0 : this.#options.flushMs);
    } catch (error) {
      this.#cycling = false;
      const failures = this.#stats.consecutiveFailures;
      // Logged on the 1st, 2nd, 4th, 8th… failure in a row: a long outage stays readable.
      if ((failures & (failures - 1)) === 0) {
        this.#options.onError?.(
          `${this.#options.name}: flush failed (${failures} in a row), ${this.#buffer.length} records kept`,
          error,
        );
      }
      if (this.#running) this.#schedule(retryDelay(this.#options.flushMs, failures));
    }
  }
}

/** The wait before the next flush after `failures` failed ones in a row (at least 1). */
export function retryDelay(flushMs: number, failures: number): number {
  return Math.min(flushMs * 2 ** Math.min(failures - 1, 10), Math.max(flushMs, MAX_RETRY_MS));
}
