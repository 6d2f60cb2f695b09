// Entry point of a read process (started by lib/reads/child.ts with `deno run`): its own SQLite
// connection to the same file (WAL lets it read while the writers commit) with the store's
// analytics area on it (lib/store/sqlite/read_context.ts), answering the reads it is sent on stdin
// one at a time, on stdout. Ending the process is how a read is stopped:
// node:sqlite cannot interrupt a statement, and a Worker's terminate() waits until the statement
// returns (measured: a 45 s query kept its core busy 45 s after terminate()).
import { openSqliteReadContext } from "../store/sqlite/read_context.ts";
import {
  encodeFrame,
  failureOf,
  FrameDecoder,
  type ReadFailure,
  type ReadProcessConfig,
  type ReadRequest,
} from "./protocol.ts";
import { readTooLarge } from "./refusals.ts";
import { isReadName, type ReadContext, runRead } from "./registry.ts";

/** Answers each request of `input` through `write` until `input` ends, then closes the DB. */
export async function serveReads(
  config: ReadProcessConfig,
  input: ReadableStream<Uint8Array>,
  write: (bytes: Uint8Array) => Promise<void>,
): Promise<void> {
  let now = 0;
  const { ctx, close } = openSqliteReadContext(config.path, {
    memoryMb: config.memoryMb,
    now: () => now,
    config: { retentionDays: config.retentionDays },
  });
  const decoder = new FrameDecoder();
  try {
    for await (const chunk of input) {
      for (const request of decoder.push(chunk) as ReadRequest[]) {
        now = request.now;
        const reply = await answer(ctx, request, config.memoryMb);
        await write(encodeFrame({ ...reply, rssMb: Math.round(Deno.memoryUsage().rss / MIB) }));
      }
    }
  } finally {
    // ANALYZE (PRAGMA optimize) is a write: the main connection's job (not done on close).
    close();
  }
}

const MIB = 1024 * 1024;

type Answer = { id: number; result: unknown } | { id: number; error: ReadFailure };

async function answer(ctx: ReadContext, request: ReadRequest, memoryMb: number): Promise<Answer> {
  try {
    if (!isReadName(request.name)) throw new Error(`unknown read ${String(request.name)}`);
    return { id: request.id, result: await runRead(ctx, request.name, request.args as never) };
  } catch (error) {
    const outOfMemory = error instanceof Error && /out of memory/i.test(error.message);
    return { id: request.id, error: failureOf(outOfMemory ? readTooLarge(memoryMb) : error) };
  }
}

if (import.meta.main) {
  // stdout carries the frames: anything a module logs goes to stderr instead.
  console.log = console.info = console.debug = console.error;
  const writer = Deno.stdout.writable.getWriter();
  await serveReads(
    JSON.parse(Deno.args[0]) as ReadProcessConfig,
    Deno.stdin.readable,
    (bytes) => writer.write(bytes),
  );
}
