// A worker thread that runs the collectors' inserts (the collect endpoints only enqueue:
// CONTRIBUTING.md, code rule 3). node:sqlite is synchronous, so on the main thread every buffered
// row costs the event loop 10-25 µs of inserting and index maintenance; here the main thread only
// serialises them (~1 µs a row) and keeps serving requests. WAL mode lets the main connection read
// and write its own small tables meanwhile. File databases only: `:memory:` is private to one
// connection.
import type { WriteTable } from "./collect.ts";
import { isSharedFile } from "./database.ts";

export type WriteRequest =
  // Rows travel as one JSON string: V8 serialises that faster than it clones the objects.
  | {
    kind: "insert";
    id: number;
    path: string;
    table: WriteTable;
    json: string;
    /** TEST ONLY: see lib/db/test_faults.ts. */
    maxPagesFile?: string;
  }
  | { kind: "close"; id: number };

export interface WriteReply {
  id: number;
  error?: string;
  /** Unasked (id 0): a rebuild of the per-day aggregates after a batch failed. */
  aggregateError?: string;
}

interface Waiting {
  resolve: () => void;
  reject: (error: Error) => void;
}

export class WriteThread {
  readonly #path: string;
  readonly #maxPagesFile: string | undefined;
  readonly #worker: Worker;
  readonly #waiting = new Map<number, Waiting>();
  #nextId = 1;
  #failure: Error | null = null;

  /**
   * `onAggregateError`: a rebuild of per-day aggregates failed on the thread (the caller counts
   * them: /api/health, /metrics). `testMaxPagesFile`: TEST ONLY fault injection
   * (lib/db/test_faults.ts).
   */
  constructor(
    path: string,
    options: {
      onAggregateError?: (message: string) => void;
      testMaxPagesFile?: string | null;
    } = {},
  ) {
    this.#path = path;
    this.#maxPagesFile = options.testMaxPagesFile ?? undefined;
    this.#worker = new Worker(new URL("./write_worker.ts", import.meta.url), { type: "module" });
    this.#worker.onmessage = ({ data }: MessageEvent<WriteReply>) => {
      if (data.aggregateError !== undefined) {
        options.onAggregateError?.(data.aggregateError);
        return;
      }
      const waiting = this.#waiting.get(data.id);
      this.#waiting.delete(data.id);
      if (data.error === undefined) waiting?.resolve();
      else waiting?.reject(new Error(data.error));
    };
    this.#worker.onerror = (event) => {
      // A crashed thread must not take the process down: its batches fail (the writers keep
      // them) and later ones are written on the main thread (see `failed`).
      event.preventDefault();
      this.#fail(new Error(`write thread crashed: ${event.message}`));
    };
  }

  static isSupported(path: string): boolean {
    return isSharedFile(path);
  }

  /** Set once the thread crashed or was closed; callers write on their own connection then. */
  get failed(): boolean {
    return this.#failure !== null;
  }

  /** Resolves once the rows are committed in one transaction; rejects to keep them. */
  insert(
    table: WriteTable,
    rows: readonly Record<string, string | number | null>[],
  ): Promise<void> {
    return this.#send({
      kind: "insert",
      id: 0,
      path: this.#path,
      table,
      json: JSON.stringify(rows),
      maxPagesFile: this.#maxPagesFile,
    });
  }

  /** Closes the thread's connection once every earlier batch is done, then ends the thread. */
  async close(): Promise<void> {
    if (this.#failure === null) {
      try {
        await this.#send({ kind: "close", id: 0 });
      } finally {
        this.#fail(new Error("write thread closed"));
      }
    }
  }

  #send(request: WriteRequest): Promise<void> {
    if (this.#failure) return Promise.reject(this.#failure);
    const id = this.#nextId++;
    return new Promise<void>((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject });
      this.#worker.postMessage({ ...request, id });
    });
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    for (const waiting of this.#waiting.values()) waiting.reject(error);
    this.#waiting.clear();
    this.#worker.terminate();
  }
}
