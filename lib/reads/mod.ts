// The reader: how routes and pages run the heavy reads of lib/reads/registry.ts. On a file
// database with read threads configured (ECHELON_READ_THREADS, default 2) they run on worker
// threads (pool.ts); otherwise (`:memory:`, or 0 threads) inline on the caller's connection.
// Either way the caller awaits the same result.
import { isSharedFile } from "../db/database.ts";
import { ReadPool } from "./pool.ts";
import {
  type ReadArgs,
  type ReadContext,
  type ReadName,
  type ReadResult,
  runRead,
} from "./registry.ts";

export type { ReadContext, ReadName } from "./registry.ts";

export interface Reader {
  run<N extends ReadName>(name: N, ...args: ReadArgs<N>): Promise<ReadResult<N>>;
  /** Read threads started so far (0 when reads run inline). */
  readonly threads: number;
  close(): Promise<void>;
}

export function createReader(ctx: ReadContext, options: { threads: number }): Reader {
  if (options.threads < 1 || !isSharedFile(ctx.db.path)) return inlineReader(ctx);
  const pool = new ReadPool({
    path: ctx.db.path,
    size: options.threads,
    retentionDays: ctx.config.retentionDays,
  });
  return {
    run: (name, ...args) => pool.run(name, args, ctx.now()) as Promise<never>,
    get threads() {
      return pool.threads;
    },
    close: () => pool.close(),
  };
}

export function inlineReader(ctx: ReadContext): Reader {
  return {
    // deno-lint-ignore require-await
    run: async (name, ...args) => runRead(ctx, name, args),
    threads: 0,
    close: () => Promise.resolve(),
  };
}
