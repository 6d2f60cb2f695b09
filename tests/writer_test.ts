// Tests for lib/ingest/writer.ts: every queued record is written exactly once, in order and in
// batches; a full buffer refuses; failed writes keep their records; the timer and stop() drain.
import assert from "node:assert/strict";
import { BufferedWriter, MAX_RETRY_MS, type WriterOptions } from "../lib/ingest/writer.ts";

/** A write target that records every batch and fails on the calls listed in `failOn` (1-based). */
function target(failOn: number[] = []) {
  const batches: number[][] = [];
  let calls = 0;
  return {
    batches,
    get calls() {
      return calls;
    },
    written: () => batches.flat(),
    write(batch: number[]) {
      calls++;
      if (failOn.includes(calls)) throw new Error(`disk full (call ${calls})`);
      batches.push([...batch]);
    },
  };
}

function writer(options: Partial<WriterOptions<number>> & Pick<WriterOptions<number>, "write">) {
  return new BufferedWriter<number>({ name: "test", flushMs: 60_000, ...options });
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** Polls until `done()` holds; fails after `timeoutMs` (the event loop keeps timers running). */
async function waitFor(done: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

Deno.test("writer: flush writes every record once, in order, in batches of batchSize", async () => {
  const t = target();
  const w = writer({ write: (b) => t.write(b), batchSize: 4 });
  for (const n of range(10)) assert.equal(w.push(n), true);
  assert.equal(w.size, 10);
  assert.equal(t.calls, 0, "push alone never writes");

  assert.equal(await w.flush(), 10);
  assert.deepEqual(t.batches, [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
  assert.equal(w.size, 0);
  assert.equal(await w.flush(), 0, "an empty buffer writes nothing");
  assert.equal(t.calls, 3);
});

Deno.test("writer: a full buffer refuses records and counts them as rejected", async () => {
  const t = target();
  const w = writer({ write: (b) => t.write(b), maxBuffer: 3 });
  assert.deepEqual(range(5).map((n) => w.push(n)), [true, true, true, false, false]);
  assert.equal(w.stats().rejected, 2);
  assert.equal(w.stats().buffered, 3);

  await w.flush();
  assert.equal(w.push(99), true, "room again after a flush");
  await w.flush();
  assert.deepEqual(t.written(), [0, 1, 2, 99], "refused records are not written later");
  assert.equal(w.stats().rejected, 2);
});

Deno.test("writer: a failing write keeps its records and a later flush writes them", async () => {
  const t = target([1, 2]);
  const w = writer({ write: (b) => t.write(b), batchSize: 100 });
  for (const n of range(5)) w.push(n);

  await assert.rejects(() => w.flush(), /disk full \(call 1\)/);
  assert.equal(w.size, 5);
  let stats = w.stats();
  assert.equal(stats.failedFlushes, 1);
  assert.equal(stats.consecutiveFailures, 1);
  assert.equal(stats.lastError, "disk full (call 1)");
  assert.equal(stats.written, 0);

  w.push(5); // arrives between the failures: queued behind the kept records
  await assert.rejects(() => w.flush(), /disk full/);
  stats = w.stats();
  assert.equal(stats.failedFlushes, 2);
  assert.equal(stats.consecutiveFailures, 2);

  assert.equal(await w.flush(), 6);
  assert.deepEqual(t.written(), range(6), "written once each, in order");
  stats = w.stats();
  assert.equal(stats.failedFlushes, 2, "failures are a running count");
  assert.equal(stats.consecutiveFailures, 0, "a success resets the streak");
  assert.equal(stats.lastError, null);
  assert.equal(stats.written, 6);
  assert.equal(stats.buffered, 0);
});

Deno.test("writer: a failure in a later batch keeps only the unwritten batches", async () => {
  const t = target([2]);
  const w = writer({ write: (b) => t.write(b), batchSize: 3 });
  for (const n of range(8)) w.push(n);
  await assert.rejects(() => w.flush(), /call 2/);
  assert.equal(w.size, 5, "the first batch committed and left the buffer");
  assert.equal(w.stats().written, 3);
  assert.equal(await w.flush(), 5);
  assert.deepEqual(t.written(), range(8), "no record written twice, none lost");
});

Deno.test("writer: stats report the last flush's duration, rows and time", async () => {
  const w = writer({ write: () => {}, batchSize: 4, now: () => 1_700_000_000_000 });
  let stats = w.stats();
  assert.equal(stats.name, "test");
  assert.equal(stats.lastFlushMs, null, "no flush yet");
  assert.equal(stats.lastSuccessAt, null);
  assert.equal(stats.written, 0);

  for (const n of range(6)) w.push(n);
  await w.flush();
  stats = w.stats();
  assert.equal(typeof stats.lastFlushMs, "number");
  assert.ok(stats.lastFlushMs! >= 0);
  assert.ok(stats.maxFlushMs >= stats.lastFlushMs!);
  assert.equal(stats.lastFlushRows, 2, "rows of the last batch");
  assert.equal(stats.written, 6);
  assert.equal(stats.lastSuccessAt, 1_700_000_000_000, "from the injected clock");
});

Deno.test("writer: stats() is a snapshot, not a live view", async () => {
  const w = writer({ write: () => {} });
  const before = w.stats();
  w.push(1);
  await w.flush();
  assert.equal(before.written, 0);
  assert.equal(w.stats().written, 1);
});

Deno.test("writer: the timer flushes after flushMs, not before", async () => {
  const t = target();
  const flushMs = 40;
  const w = writer({ write: (b) => t.write(b), flushMs });
  const started = performance.now();
  w.start();
  for (const n of range(3)) w.push(n);
  assert.equal(t.calls, 0);
  await waitFor(() => t.written().length === 3);
  // Timers never fire early; 1 ms of slack covers clock rounding.
  assert.ok(performance.now() - started >= flushMs - 1, "waited for the interval");
  assert.deepEqual(t.batches, [[0, 1, 2]], "one batch per tick");

  w.push(3); // the timer re-arms after each tick
  await waitFor(() => t.written().length === 4);
  assert.deepEqual(t.written(), range(4));
  assert.equal(await w.stop(), 0, "nothing left to drain");
});

Deno.test("writer: a full batch is flushed at once, without waiting for the interval", async () => {
  const t = target();
  const w = writer({ write: (b) => t.write(b), flushMs: 60_000, batchSize: 5 });
  w.start();
  for (const n of range(4)) w.push(n);
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(t.calls, 0, "a partial batch waits for the interval");
  w.push(4);
  await waitFor(() => t.calls === 1, 1000);
  assert.deepEqual(t.batches, [range(5)]);
  await w.stop();
});

Deno.test("writer: a failed timed flush is reported, kept, and retried with backoff", async () => {
  const t = target([1]);
  const errors: string[] = [];
  const w = writer({
    write: (b) => t.write(b),
    flushMs: 10,
    onError: (message) => errors.push(message),
  });
  w.start();
  for (const n of range(3)) w.push(n);
  await waitFor(() => t.written().length === 3);
  assert.deepEqual(t.written(), range(3));
  assert.deepEqual(errors, ["test: flush failed (1 in a row), 3 records kept"]);
  assert.equal(w.stats().failedFlushes, 1);
  assert.equal(w.stats().consecutiveFailures, 0);
  await w.stop();
});

Deno.test("writer: retries after a long run of failures stay within MAX_RETRY_MS", async () => {
  // A full disk freed after minutes must not leave the buffer waiting for a backoff that grew
  // to tens of seconds (issue 13, item 1): the gap between attempts stops growing at 2 s.
  const calls: number[] = [];
  const errors: string[] = [];
  const t = target([1, 2, 3, 4]);
  const w = writer({
    write: (b) => {
      calls.push(performance.now());
      t.write(b);
    },
    flushMs: 500,
    onError: (message) => errors.push(message),
  });
  w.start();
  for (const n of range(3)) w.push(n);
  await waitFor(() => t.written().length === 3, 8000);
  const gaps = calls.slice(1).map((at, i) => Math.round(at - calls[i]));
  assert.equal(calls.length, 5, `attempts at gaps ${gaps}`);
  assert.ok(gaps.every((gap) => gap < MAX_RETRY_MS + 400), `gaps ${gaps}`);
  assert.ok(gaps.at(-1)! >= MAX_RETRY_MS - 50, `the gap grew to the cap: ${gaps}`);
  // Logged on the 1st, 2nd and 4th failure in a row, not on every retry.
  assert.deepEqual(errors.map((e) => e.match(/\((\d+) in a row\)/)?.[1]), ["1", "2", "4"]);
  await w.stop();
});

Deno.test("writer: stop() drains every record, beyond one batch", async () => {
  const t = target();
  const w = writer({ write: (b) => t.write(b), batchSize: 7 });
  w.start();
  for (const n of range(20)) w.push(n);
  assert.equal(await w.stop(), 20);
  assert.deepEqual(t.written(), range(20));
  assert.deepEqual(t.batches.map((b) => b.length), [7, 7, 6]);
});

Deno.test("writer: stop() retries a transiently failing write until it succeeds", async () => {
  const t = target([1, 2, 3]);
  const errors: string[] = [];
  const w = writer({ write: (b) => t.write(b), onError: (m) => errors.push(m) });
  w.start();
  for (const n of range(4)) w.push(n);
  assert.equal(await w.stop(Date.now() + 10_000), 4);
  assert.equal(t.calls, 4, "three failures, then the write that succeeded");
  assert.deepEqual(t.written(), range(4));
  assert.equal(w.size, 0);
  assert.equal(w.stats().failedFlushes, 3);
  assert.deepEqual(errors, [], "a retry that succeeds is not an error");
});

Deno.test("writer: stop() gives up at the deadline, reports it and keeps the records", async () => {
  const errors: string[] = [];
  const w = writer({
    write: () => {
      throw new Error("read-only database");
    },
    onError: (message) => errors.push(message),
  });
  for (const n of range(3)) w.push(n);
  assert.equal(await w.stop(Date.now() + 20), 0);
  assert.equal(w.size, 3);
  assert.deepEqual(errors, ["test: 3 records could not be written at shutdown"]);
});

Deno.test("writer: after stop() records are refused (counted) and the timer no longer flushes", async () => {
  // Its last flush may be done: a record taken now would be lost at exit, so the caller must
  // count a drop instead (a connection that outlived the shutdown grace still sending hits).
  const t = target();
  const w = writer({ write: (b) => t.write(b), flushMs: 5, batchSize: 2 });
  w.start();
  await w.stop();
  assert.equal(w.push(1), false);
  assert.equal(w.push(2), false);
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(t.calls, 0);
  assert.equal(w.size, 0);
  assert.equal(w.stats().rejected, 2);
  w.start(); // a restarted writer takes records again
  assert.equal(w.push(3), true);
  await w.stop();
  assert.deepEqual(t.written(), [3]);
});

// ---- Asynchronous writes (the write thread): records stay buffered until their write settles.

/** An asynchronous write target whose batches settle when the test says so. */
function asyncTarget() {
  const batches: number[][] = [];
  const pending: { batch: number[]; resolve: () => void; reject: (e: Error) => void }[] = [];
  return {
    batches,
    pending,
    write(batch: number[]): Promise<void> {
      return new Promise<void>((resolve, reject) => {
        pending.push({
          batch: [...batch],
          resolve: () => {
            batches.push([...batch]);
            resolve();
          },
          reject,
        });
      });
    },
    settle(error?: Error) {
      const next = pending.shift();
      if (!next) throw new Error("no write in flight");
      if (error) next.reject(error);
      else next.resolve();
    },
  };
}

Deno.test("writer: an asynchronous write keeps its records buffered until it settles", async () => {
  const t = asyncTarget();
  const w = writer({ write: (b) => t.write(b), flushMs: 5, batchSize: 3, maxBuffer: 5 });
  w.start();
  for (const n of range(4)) w.push(n);
  await waitFor(() => t.pending.length === 1);
  assert.deepEqual(t.pending[0].batch, [0, 1, 2]);
  assert.equal(w.size, 4, "handed over, not yet written");
  assert.equal(w.push(4), true);
  assert.equal(w.push(5), false, "records in flight count against maxBuffer");
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(t.pending.length, 1, "one batch in flight at a time");
  t.settle();
  await waitFor(() => t.pending.length === 1);
  assert.deepEqual(t.batches, [[0, 1, 2]]);
  assert.deepEqual(t.pending[0].batch, [3, 4], "the next batch once the first committed");
  assert.equal(w.stats().written, 3);
  t.settle();
  await waitFor(() => w.size === 0);
  assert.deepEqual(t.batches.flat(), range(5));
  await w.stop();
});

Deno.test("writer: a rejected asynchronous write keeps its records for the retry", async () => {
  const t = asyncTarget();
  const errors: string[] = [];
  const w = writer({
    write: (b) => t.write(b),
    flushMs: 5,
    onError: (message) => errors.push(message),
  });
  w.start();
  for (const n of range(3)) w.push(n);
  await waitFor(() => t.pending.length === 1);
  t.settle(new Error("database is locked"));
  await waitFor(() => t.pending.length === 1);
  assert.deepEqual(errors, ["test: flush failed (1 in a row), 3 records kept"]);
  assert.equal(w.stats().lastError, "database is locked");
  assert.deepEqual(t.pending[0].batch, range(3), "the same records, retried");
  t.settle();
  await waitFor(() => w.size === 0);
  assert.deepEqual(t.batches, [range(3)]);
  assert.equal(w.stats().consecutiveFailures, 0);
  await w.stop();
});

Deno.test("writer: stop() waits for the batch in flight, then drains the rest", async () => {
  const t = asyncTarget();
  const w = writer({ write: (b) => t.write(b), flushMs: 5, batchSize: 2 });
  w.start();
  for (const n of range(5)) w.push(n);
  await waitFor(() => t.pending.length === 1);
  const stopped = w.stop();
  // Settle every write as it arrives: the one in flight, then the drain's own batches.
  while (w.size > 0) {
    await waitFor(() => t.pending.length === 1);
    t.settle();
    await new Promise((r) => setTimeout(r, 0));
  }
  await stopped;
  assert.deepEqual(t.batches, [[0, 1], [2, 3], [4]], "in order, each record once");
});

Deno.test("writer: a flush cycle writes what was buffered, one batch per event-loop turn", async () => {
  const t = target();
  const turns: number[] = [];
  let turn = 0;
  const ticker = setInterval(() => turn++, 0);
  const w = writer({
    write: (b) => {
      turns.push(turn);
      t.write(b);
    },
    flushMs: 5,
    batchSize: 2,
  });
  for (const n of range(6)) w.push(n);
  w.start();
  await waitFor(() => t.written().length === 6);
  clearInterval(ticker);
  assert.deepEqual(t.batches, [[0, 1], [2, 3], [4, 5]]);
  assert.ok(turns[1] > turns[0] && turns[2] > turns[1], `other work ran between batches: ${turns}`);
  await w.stop();
});

Deno.test("writer: a flush by hand and a flush cycle never hand over the same records twice", async () => {
  const t = asyncTarget();
  const w = writer({ write: (b) => t.write(b), flushMs: 5, batchSize: 2 });
  for (const n of range(4)) w.push(n);
  const flushed = w.flush(); // hands over [0, 1] and waits for it
  w.start(); // a flush cycle runs while that batch is in flight
  await new Promise((r) => setTimeout(r, 30));
  assert.deepEqual(t.pending.map((p) => p.batch), [[0, 1]], "one batch in flight at a time");
  while (w.size > 0) {
    await waitFor(() => t.pending.length > 0);
    t.settle();
    await new Promise((r) => setTimeout(r, 2));
  }
  assert.equal(await flushed, 4, "the flush wrote what was buffered when it began");
  assert.deepEqual(t.batches, [[0, 1], [2, 3]], "each record once, in order");
  await w.stop();
});
