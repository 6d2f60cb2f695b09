// Read processes: the heavy stats reads run in child processes with their own connections, so a
// query of seconds (a filtered overview over raw rows, a deep visitors list) never stalls the
// event loop that answers /b.gif, cannot grow the server's memory, and can be stopped. Slot i
// holds at most one process, started on its first read; the scheduler (scheduler.ts) decides
// which read runs in which slot. Stopping a read kills its process; the slot's next read starts
// a fresh one (~0.1-0.2 s). A process that dies fails only its own read. A process holding more
// than RECYCLE_RSS_MB after a read is replaced: the allocator keeps what a large read took (a
// 730-day filtered overview left ~290 MB resident), and the next read needs none of it.
import { ReadChild } from "./child.ts";
import type { ReadRequest } from "./protocol.ts";

export interface ReadPoolOptions {
  path: string;
  size: number;
  retentionDays: number;
  /** V8 and SQLite heap limit of each read process, MiB. */
  memoryMb: number;
}

export type ReadTask = Omit<ReadRequest, "id">;

const RECYCLE_RSS_MB = 128;
const RECYCLE_GRACE_MS = 2000;

export class ReadPool {
  readonly #options: ReadPoolOptions;
  readonly #slots: (ReadChild | null)[];
  /** Processes out of their slot that have not exited yet. */
  readonly #ending = new Set<ReadChild>();
  #nextId = 1;
  #closed = false;

  constructor(options: ReadPoolOptions) {
    if (options.size < 1) throw new RangeError("a read pool needs at least one process");
    this.#options = options;
    this.#slots = Array.from({ length: options.size }, () => null);
  }

  get size(): number {
    return this.#options.size;
  }

  /** Read processes alive now (they start on first use). */
  get processes(): number {
    return this.#slots.filter((child) => child !== null).length;
  }

  /** Runs `task` in slot `slot`'s process; `stop` kills the process mid-read. */
  run(slot: number, task: ReadTask, stop: AbortSignal): Promise<unknown> {
    if (stop.aborted) return Promise.reject(stop.reason);
    const child = this.#slots[slot] ?? this.#spawn(slot);
    const onStop = () => {
      this.#retire(slot, child);
      child.kill();
      // The replacement starts now rather than when the slot's next read arrives.
      if (!this.#closed) this.#spawn(slot);
    };
    stop.addEventListener("abort", onStop, { once: true });
    return child.request({ id: this.#nextId++, ...task }).finally(() => {
      stop.removeEventListener("abort", onStop);
      if (child.rssMb > RECYCLE_RSS_MB && this.#slots[slot] === child) {
        this.#retire(slot, child);
        child.close(RECYCLE_GRACE_MS);
      }
    });
  }

  /** Whether slot `slot` has a process already started. */
  isWarm(slot: number): boolean {
    return this.#slots[slot] !== null;
  }

  /** Closes every process (its connection first); one still running after `graceMs` is killed. */
  async close(graceMs: number): Promise<void> {
    this.#closed = true;
    const closing = this.#slots.map((child, slot) => {
      if (!child) return Promise.resolve();
      this.#retire(slot, child);
      return child.close(graceMs);
    });
    await Promise.all([...closing, ...[...this.#ending].map((child) => child.exited)]);
  }

  #spawn(slot: number): ReadChild {
    const { path, retentionDays, memoryMb } = this.#options;
    const child = new ReadChild({ path, retentionDays, memoryMb });
    this.#slots[slot] = child;
    // A process that exits on its own (crash, out of memory) frees its slot for a new one.
    child.exited.then(() => this.#retire(slot, child));
    return child;
  }

  /** Takes `child` out of its slot; `close` still waits for it to be gone. */
  #retire(slot: number, child: ReadChild): void {
    if (this.#slots[slot] === child) this.#slots[slot] = null;
    if (this.#ending.has(child)) return;
    this.#ending.add(child);
    child.exited.then(() => this.#ending.delete(child));
  }
}
