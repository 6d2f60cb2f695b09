// Which read runs next, on which of the `slots` read processes, and when a read is given up.
//
// - Bounded: at most `queueLimit` reads wait for a process; beyond that a read is refused at once
//   (503 busy) instead of waiting minutes behind others, and one caller may keep only a few reads
//   waiting (429 too_many_reads: 4 anonymous, 16 authenticated), so no client fills the queue.
// - Fair: waiting reads are kept per caller (an API key, a session, the bearer token, or for
//   anonymous callers their IP), and the next read is the oldest one of the caller served least
//   recently, so a client sending many reads delays each other client by at most one read.
// - A lane for light reads: heavy reads (raw-row scans, lib/reads/registry.ts) may occupy at most
//   `slots - 1` processes, so one process is always free for light reads (rollups, live figures),
//   and a cheap read never waits behind expensive ones (with one slot there is no such lane).
//   A static cost class rather than a learned estimate: it is known before the read starts and
//   explains itself; the time budget below bounds a misclassified read anyway.
// - Budgeted and cancellable: each read has a deadline; a read past it, or whose caller's signal
//   aborts (the client went away), leaves the queue without ever starting, or if running is
//   stopped through the runner's `stop` signal (the pool then kills its process).
import { clientClosed, readQueueFull, readTimeout, tooManyWaitingReads } from "./refusals.ts";

export interface ReadTicket {
  /** Who asks; see "Fair" above. */
  caller: string;
  anonymous: boolean;
  heavy: boolean;
  /** performance.now() by which the read must be answered. */
  deadline: number;
  /** The budget the deadline came from, for the error message. */
  budgetMs: number;
  /** Aborts when the client goes away. */
  signal?: AbortSignal;
}

/** Runs `task` on process `slot`; must settle promptly once `stop` aborts. */
export type SlotRunner<T> = (slot: number, task: T, stop: AbortSignal) => Promise<unknown>;

export interface SchedulerOptions {
  slots: number;
  queueLimit: number;
  /** Whether a slot's process is already started; light reads use those first. */
  isWarm?: (slot: number) => boolean;
}

/** Reads one caller may keep waiting (never more than the whole queue). */
export const WAITING_PER_CALLER = { anonymous: 4, authenticated: 16 } as const;

interface Job<T> {
  task: T;
  ticket: ReadTicket;
  state: "queued" | "running" | "done";
  resolve(value: unknown): void;
  reject(error: Error): void;
  stop?: AbortController;
  timer?: ReturnType<typeof setTimeout>;
  onAbort?: () => void;
}

/** A caller with reads waiting or running (no entry otherwise, so the map stays bounded). */
interface Caller<T> {
  waiting: Job<T>[];
  running: number;
  /** When this caller's last read started (a counter); 0 when none has yet. */
  servedAt: number;
}

export class ReadScheduler<T> {
  readonly #run: SlotRunner<T>;
  readonly #queueLimit: number;
  readonly #heavySlots: number;
  readonly #isWarm: (slot: number) => boolean;
  readonly #callers = new Map<string, Caller<T>>();
  readonly #free: number[];
  readonly #running = new Set<Job<T>>();
  #queued = 0;
  #heavyRunning = 0;
  #starts = 0;
  #closed = false;
  #idle: (() => void) | null = null;

  constructor(run: SlotRunner<T>, options: SchedulerOptions) {
    if (options.slots < 1) throw new RangeError("a read scheduler needs at least one slot");
    this.#run = run;
    this.#queueLimit = options.queueLimit;
    this.#heavySlots = Math.max(1, options.slots - 1);
    this.#isWarm = options.isWarm ?? (() => true);
    this.#free = Array.from({ length: options.slots }, (_, i) => i);
  }

  /** Reads waiting for a process. */
  get queued(): number {
    return this.#queued;
  }

  /** Reads running now. */
  get running(): number {
    return this.#running.size;
  }

  submit(task: T, ticket: ReadTicket): Promise<unknown> {
    if (this.#closed) return Promise.reject(new Error("read pool closed"));
    if (ticket.signal?.aborted) return Promise.reject(clientClosed());
    const left = ticket.deadline - performance.now();
    if (left <= 0) return Promise.reject(readTimeout(ticket.budgetMs));
    return new Promise((resolve, reject) => {
      const job: Job<T> = { task, ticket, state: "queued", resolve, reject };
      const caller = this.#caller(ticket.caller);
      caller.waiting.push(job);
      this.#queued++;
      this.#dispatch();
      if (job.state === "queued") {
        const limit = Math.max(
          1,
          Math.min(
            this.#queueLimit,
            ticket.anonymous ? WAITING_PER_CALLER.anonymous : WAITING_PER_CALLER.authenticated,
          ),
        );
        if (caller.waiting.length > limit) return this.#settle(job, tooManyWaitingReads(limit));
        if (this.#queued > this.#queueLimit) return this.#settle(job, readQueueFull());
      }
      job.timer = setTimeout(() => this.#giveUp(job, readTimeout(ticket.budgetMs)), left);
      job.onAbort = () => this.#giveUp(job, clientClosed());
      ticket.signal?.addEventListener("abort", job.onAbort, { once: true });
    });
  }

  /**
   * Refuses new reads and drops the waiting ones; resolves when the running reads are answered,
   * or after `graceMs` with them stopped.
   */
  async close(graceMs: number): Promise<void> {
    this.#closed = true;
    for (const caller of [...this.#callers.values()]) {
      for (const job of [...caller.waiting]) this.#settle(job, new Error("read pool closed"));
    }
    if (this.#running.size === 0) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      new Promise<void>((resolve) => (this.#idle = resolve)),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs))),
    ]);
    clearTimeout(timer);
    for (const job of [...this.#running]) {
      this.#giveUp(job, new Error("read process closed mid-read"));
    }
  }

  #caller(key: string): Caller<T> {
    let caller = this.#callers.get(key);
    if (!caller) this.#callers.set(key, caller = { waiting: [], running: 0, servedAt: 0 });
    return caller;
  }

  /** Forgets a caller with nothing waiting or running. */
  #release(key: string): void {
    const caller = this.#callers.get(key);
    if (caller && caller.waiting.length === 0 && caller.running === 0) this.#callers.delete(key);
  }

  /** Starts waiting reads while a process is free for them. */
  #dispatch(): void {
    while (this.#free.length > 0 && !this.#closed) {
      const job = this.#next();
      if (!job) return;
      this.#start(job);
    }
  }

  /** The oldest read that may start of the caller served least recently. */
  #next(): Job<T> | null {
    const heavyFits = this.#heavyRunning < this.#heavySlots;
    let chosen: { caller: Caller<T>; index: number } | null = null;
    for (const caller of this.#callers.values()) {
      if (chosen && caller.servedAt >= chosen.caller.servedAt) continue;
      const index = caller.waiting.findIndex((job) => heavyFits || !job.ticket.heavy);
      if (index >= 0) chosen = { caller, index };
    }
    if (!chosen) return null;
    const [job] = chosen.caller.waiting.splice(chosen.index, 1);
    this.#queued--;
    return job;
  }

  #start(job: Job<T>): void {
    const heavy = job.ticket.heavy;
    const slot = this.#pickSlot(heavy);
    const caller = this.#caller(job.ticket.caller);
    caller.running++;
    caller.servedAt = ++this.#starts;
    job.state = "running";
    job.stop = new AbortController();
    this.#running.add(job);
    if (heavy) this.#heavyRunning++;
    let running: Promise<unknown>;
    try {
      running = this.#run(slot, job.task, job.stop.signal);
    } catch (error) {
      running = Promise.reject(error);
    }
    running.then(
      (value) => this.#settle(job, null, value),
      (error) => this.#settle(job, error instanceof Error ? error : new Error(String(error))),
    ).finally(() => {
      this.#running.delete(job);
      if (heavy) this.#heavyRunning--;
      caller.running--;
      this.#release(job.ticket.caller);
      this.#free.push(slot);
      this.#dispatch();
      if (this.#running.size === 0) this.#idle?.();
    });
  }

  /**
   * Heavy reads take the highest free slot and light reads the lowest started one, so light
   * reads keep to a process that a stopped heavy read (which kills its process) leaves alone.
   */
  #pickSlot(heavy: boolean): number {
    const free = this.#free.toSorted((a, b) => a - b);
    const slot = heavy
      ? free[free.length - 1]
      : free.find((candidate) => this.#isWarm(candidate)) ?? free[0];
    this.#free.splice(this.#free.indexOf(slot), 1);
    return slot;
  }

  /** Ends a read early: out of the queue, or stopped where it runs. */
  #giveUp(job: Job<T>, error: Error): void {
    if (job.state === "running") job.stop?.abort(error);
    this.#settle(job, error);
  }

  #settle(job: Job<T>, error: Error | null, value?: unknown): void {
    if (job.state === "done") return;
    if (job.state === "queued") {
      const waiting = this.#callers.get(job.ticket.caller)?.waiting;
      const index = waiting?.indexOf(job) ?? -1;
      if (waiting && index >= 0) {
        waiting.splice(index, 1);
        this.#queued--;
        this.#release(job.ticket.caller);
      }
    }
    job.state = "done";
    clearTimeout(job.timer);
    if (job.onAbort) job.ticket.signal?.removeEventListener("abort", job.onAbort);
    if (error) job.reject(error);
    else job.resolve(value);
  }
}
