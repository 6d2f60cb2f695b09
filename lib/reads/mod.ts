// The reader: how routes and pages run the reads of lib/reads/registry.ts. On a file database
// with read processes configured (ECHELON_READ_THREADS, default 2) they run in child processes
// (pool.ts) in the order scheduler.ts decides; otherwise (`:memory:`, or 0) inline on the
// caller's connection, where a running read cannot be stopped (tests and tiny setups only).
// Either way the caller awaits the same result, and a request's reads (`forRequest`) share one
// time budget, run one after another, stop when the client goes away, and, for an anonymous
// caller, each heavy read counts against that client's per-minute limit.
import type { Config } from "../config.ts";
import type { EphemeralStore } from "../ephemeral.ts";
import { ReadPool, type ReadTask } from "./pool.ts";
import { clientClosed, readRateLimited, readTimeout } from "./refusals.ts";
import {
  type ReadArgs,
  type ReadContext,
  readCost,
  type ReadName,
  type ReadResult,
  runRead,
} from "./registry.ts";
import { ReadScheduler, type ReadTicket } from "./scheduler.ts";

export type { ReadContext, ReadName } from "./registry.ts";

/** Who is reading: an identity for authenticated callers, the client IP for anonymous ones. */
export interface ReadCaller {
  key: string;
  anonymous: boolean;
}

export interface ReadRequestOptions {
  caller: ReadCaller;
  /** Aborts when the client goes away (`Request.signal`). */
  signal?: AbortSignal;
}

export interface Reader {
  run<N extends ReadName>(name: N, ...args: ReadArgs<N>): Promise<ReadResult<N>>;
  /** A reader for one request's reads (see the file header). */
  forRequest(options: ReadRequestOptions): Reader;
  stats(): ReadStats;
  close(): Promise<void>;
}

export interface ReadStats {
  /** Read processes alive now (0 when reads run inline). */
  processes: number;
  /** Reads waiting for a process, and running. */
  queued: number;
  running: number;
}

export type ReaderConfig = Pick<
  Config,
  | "readThreads"
  | "readQueue"
  | "readTimeoutMs"
  | "publicReadTimeoutMs"
  | "publicReadRate"
  | "readMemoryMb"
>;

/** How reads are carried out: in read processes or inline. */
interface Engine {
  submit(name: ReadName, args: unknown[], ticket: ReadTicket): Promise<unknown>;
  stats(): ReadStats;
  close(): Promise<void>;
}

/** Reads the server runs for itself (no client): the authenticated budget, nobody to leave. */
const SERVER: ReadCaller = { key: "server", anonymous: false };
const RATE_WINDOW_MS = 60_000;
const CLOSE_GRACE_MS = 2000;

/**
 * The reader of `ctx`. `processPath`: the database file read processes open (lib/services.ts
 * gives it when the engine runs reads in processes), or null to run every read inline.
 */
export function createReader(
  ctx: ReadContext,
  config: ReaderConfig,
  ephemeral: EphemeralStore,
  processPath: string | null,
): Reader {
  const engine = config.readThreads < 1 || processPath === null
    ? inlineEngine(ctx)
    : pooledEngine(ctx, config, processPath);

  const reader = (options: ReadRequestOptions | null): Reader => {
    // A request's reads share its deadline and run one at a time: one request holds at most one
    // place in the queue, so the per-caller limits count requests, not the reads inside them.
    let deadline = 0;
    let budgetMs = 0;
    let tail: Promise<unknown> = Promise.resolve();
    const caller = options?.caller ?? SERVER;
    return {
      run(name, ...args) {
        const heavy = readCost(name, args) === "heavy";
        if (heavy && caller.anonymous) {
          const count = ephemeral.increment(`reads:${caller.key}`, RATE_WINDOW_MS, ctx.now());
          if (count > config.publicReadRate) {
            return Promise.reject(readRateLimited(config.publicReadRate, RATE_WINDOW_MS));
          }
        }
        if (options === null || deadline === 0) {
          budgetMs = caller.anonymous ? config.publicReadTimeoutMs : config.readTimeoutMs;
          deadline = performance.now() + budgetMs;
        }
        const ticket = {
          caller: caller.key,
          anonymous: caller.anonymous,
          heavy,
          deadline,
          budgetMs,
          signal: options?.signal,
        };
        const next = options === null
          ? engine.submit(name, args, ticket)
          : tail.catch(() => {}).then(() => engine.submit(name, args, ticket));
        if (options !== null) tail = next;
        return next as Promise<never>;
      },
      forRequest: (options) => reader(options),
      stats: () => engine.stats(),
      // Only the server's own reader ends the engine.
      close: () => (options === null ? engine.close() : Promise.resolve()),
    };
  };
  return reader(null);
}

function pooledEngine(ctx: ReadContext, config: ReaderConfig, path: string): Engine {
  const pool = new ReadPool({
    path,
    size: config.readThreads,
    retentionDays: ctx.config.retentionDays,
    memoryMb: config.readMemoryMb,
  });
  const scheduler = new ReadScheduler<ReadTask>(
    (slot, task, stop) => pool.run(slot, task, stop),
    { slots: pool.size, queueLimit: config.readQueue, isWarm: (slot) => pool.isWarm(slot) },
  );
  return {
    // The caller's clock goes with the read, so a test's frozen clock holds in the process too.
    submit: (name, args, ticket) => scheduler.submit({ name, args, now: ctx.now() }, ticket),
    stats: () => ({
      processes: pool.processes,
      queued: scheduler.queued,
      running: scheduler.running,
    }),
    async close() {
      await scheduler.close(CLOSE_GRACE_MS);
      await pool.close(CLOSE_GRACE_MS);
    },
  };
}

/** Inline, a read blocks the loop until done: only the checks before it starts apply. */
function inlineEngine(ctx: ReadContext): Engine {
  return {
    async submit(name, args, ticket) {
      if (ticket.signal?.aborted) throw clientClosed();
      if (performance.now() >= ticket.deadline) throw readTimeout(ticket.budgetMs);
      return await runRead(ctx, name, args as never);
    },
    stats: () => ({ processes: 0, queued: 0, running: 0 }),
    close: () => Promise.resolve(),
  };
}
