// Entry point of a read thread (lib/reads/pool.ts): its own SQLite connection to the same file
// (WAL lets it read while the writers commit), answering the reads it is sent one at a time, in
// order. A long query here delays other reads on this thread, never a hit on the main thread.
// Loaded only as a Worker; importing it elsewhere does nothing.
import { Database } from "../db/database.ts";
import { HttpError } from "../http_error.ts";
import { SettledRangeCache } from "../stats/settled_cache.ts";
import type { ReadFailure, ReadReply, ReadRequest } from "./protocol.ts";
import { isReadName, type ReadContext, runRead } from "./registry.ts";

interface WorkerScope {
  onmessage: ((event: MessageEvent<ReadRequest>) => void) | null;
  postMessage(message: ReadReply): void;
}

export function failureOf(error: unknown): ReadFailure {
  if (error instanceof HttpError) {
    return { message: error.message, status: error.status, code: error.code };
  }
  return { message: error instanceof Error ? error.message : String(error) };
}

export function serveReads(scope: WorkerScope): void {
  let ctx: ReadContext | null = null;
  let now = 0;
  scope.onmessage = ({ data }) => {
    if (data.kind === "open") {
      ctx = {
        db: new Database(data.path),
        now: () => now,
        config: { retentionDays: data.retentionDays },
        statsCache: new SettledRangeCache(),
      };
      return;
    }
    if (data.kind === "close") {
      ctx?.db.close();
      ctx = null;
      scope.postMessage({ id: data.id, result: null });
      return;
    }
    try {
      if (ctx === null) throw new Error("read thread has no open database");
      if (!isReadName(data.name)) throw new Error(`unknown read ${String(data.name)}`);
      now = data.now;
      scope.postMessage({ id: data.id, result: runRead(ctx, data.name, data.args as never) });
    } catch (error) {
      scope.postMessage({ id: data.id, error: failureOf(error) });
    }
  };
}

// deno-lint-ignore no-explicit-any
const scope = globalThis as any;
if (typeof scope.WorkerGlobalScope === "function" && scope instanceof scope.WorkerGlobalScope) {
  serveReads(scope as WorkerScope);
}
