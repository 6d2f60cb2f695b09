// Read threads: the heavy stats reads run on worker threads with their own connections, so a
// query of seconds (a filtered overview over raw rows, a deep visitors list) never stalls the
// event loop that answers /b.gif. Threads start on first use, up to `size`; a read goes to an
// idle thread, or else to the one with the fewest reads waiting. A crashed thread fails only
// its own reads and is replaced on the next one.
import { HttpError } from "../http_error.ts";
import type { ReadFailure, ReadReply, ReadRequest } from "./protocol.ts";
import type { ReadName } from "./registry.ts";

interface Waiting {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

interface Thread {
  worker: Worker;
  waiting: Map<number, Waiting>;
}

export interface ReadPoolOptions {
  path: string;
  size: number;
  retentionDays: number;
}

export class ReadPool {
  readonly #options: ReadPoolOptions;
  #threads: Thread[] = [];
  #nextId = 1;
  #closed = false;

  constructor(options: ReadPoolOptions) {
    if (options.size < 1) throw new RangeError("a read pool needs at least one thread");
    this.#options = options;
  }

  /** Threads running now (they start on first use). */
  get threads(): number {
    return this.#threads.length;
  }

  /** Reads waiting or running on every thread. */
  get pending(): number {
    return this.#threads.reduce((n, t) => n + t.waiting.size, 0);
  }

  run(name: ReadName, args: unknown[], now: number): Promise<unknown> {
    if (this.#closed) return Promise.reject(new Error("read pool closed"));
    const thread = this.#pick();
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      thread.waiting.set(id, { resolve, reject });
      this.#post(thread, { kind: "read", id, name, args, now });
    });
  }

  /**
   * Closes every thread's connection once its reads are answered, then ends the threads. A read
   * still running after `graceMs` is abandoned (its caller gets an error): reads write nothing
   * but temporary tables, so ending a thread mid-query loses nothing.
   */
  async close(graceMs = 2000): Promise<void> {
    this.#closed = true;
    const threads = this.#threads;
    this.#threads = [];
    await Promise.all(threads.map(async (thread) => {
      const id = this.#nextId++;
      let timer: ReturnType<typeof setTimeout> | undefined;
      try {
        await new Promise((resolve, reject) => {
          thread.waiting.set(id, { resolve, reject });
          this.#post(thread, { kind: "close", id });
          timer = setTimeout(() => reject(new Error("read thread closed mid-read")), graceMs);
        });
      } catch (error) {
        // A crashed thread has nothing left to close; a thread still reading is ended.
        for (const waiting of thread.waiting.values()) waiting.reject(error as Error);
        thread.waiting.clear();
      } finally {
        clearTimeout(timer);
        thread.worker.terminate();
      }
    }));
  }

  #pick(): Thread {
    const idle = this.#threads.find((t) => t.waiting.size === 0);
    if (idle) return idle;
    if (this.#threads.length < this.#options.size) return this.#spawn();
    return this.#threads.reduce((a, b) => (b.waiting.size < a.waiting.size ? b : a));
  }

  #spawn(): Thread {
    const worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
    const thread: Thread = { worker, waiting: new Map() };
    worker.onmessage = ({ data }: MessageEvent<ReadReply>) => {
      const waiting = thread.waiting.get(data.id);
      thread.waiting.delete(data.id);
      if ("error" in data) waiting?.reject(errorOf(data.error));
      else waiting?.resolve(data.result);
    };
    worker.onerror = (event) => {
      // A crashed thread must not take the process down: its reads fail, the next read
      // starts a new thread.
      event.preventDefault();
      this.#threads = this.#threads.filter((t) => t !== thread);
      const error = new Error(`read thread crashed: ${event.message}`);
      for (const waiting of thread.waiting.values()) waiting.reject(error);
      thread.waiting.clear();
      worker.terminate();
    };
    const { path, retentionDays } = this.#options;
    this.#post(thread, { kind: "open", path, retentionDays });
    this.#threads.push(thread);
    return thread;
  }

  #post(thread: Thread, request: ReadRequest): void {
    thread.worker.postMessage(request);
  }
}

export function errorOf(failure: ReadFailure): Error {
  if (failure.status !== undefined && failure.code !== undefined) {
    return new HttpError(failure.status, failure.code, failure.message);
  }
  return new Error(failure.message);
}
