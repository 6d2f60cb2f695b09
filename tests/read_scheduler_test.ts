// The read scheduler (lib/reads/scheduler.ts) with a stand-in runner: a light read starts while
// heavy ones wait, callers are served in turn, the queue and each caller's share are bounded, and
// a read past its deadline or whose client left is dropped from the queue or stopped where it
// runs, freeing its slot.
import assert from "node:assert/strict";
import { HttpError } from "../lib/http_error.ts";
import { ReadScheduler, type ReadTicket, type SchedulerOptions } from "../lib/reads/scheduler.ts";

interface Running {
  slot: number;
  stop: AbortSignal;
  finish(): void;
}

function harness(options: SchedulerOptions) {
  const started: string[] = [];
  const running = new Map<string, Running>();
  const scheduler = new ReadScheduler<string>((slot, task, stop) => {
    started.push(task);
    return new Promise((resolve, reject) => {
      running.set(task, { slot, stop, finish: () => resolve(`answer ${task}`) });
      // Like the pool: a stopped read settles at once (its process is killed).
      stop.addEventListener("abort", () => reject(stop.reason));
    }).finally(() => running.delete(task));
  }, options);
  const results = new Map<string, Promise<unknown>>();
  const submit = (task: string, ticket: Partial<ReadTicket> = {}) => {
    const promise = scheduler.submit(task, {
      caller: task.replace(/\d+$/, ""),
      anonymous: false,
      heavy: true,
      deadline: performance.now() + 10_000,
      budgetMs: 10_000,
      ...ticket,
    });
    promise.catch(() => {}); // each test awaits the ones it checks
    results.set(task, promise);
    return promise;
  };
  const finish = async (task: string) => {
    const read = running.get(task);
    assert.ok(read, `${task} is running`);
    read.finish();
    await results.get(task);
    await tick();
  };
  return { scheduler, started, running, submit, finish };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

async function refusal(promise: Promise<unknown>): Promise<HttpError> {
  const error = await promise.then(() => null, (e) => e);
  assert.ok(error instanceof HttpError, `expected an HttpError, got ${error}`);
  return error;
}

Deno.test("read scheduler: a light read starts at once while heavy reads hold the heavy lane", async () => {
  const h = harness({ slots: 2, queueLimit: 32 });
  h.submit("a1");
  h.submit("a2");
  h.submit("b1");
  const light = h.submit("c1", { heavy: false });
  assert.deepEqual(h.started, ["a1", "c1"], "one heavy read runs; the light one takes the lane");
  assert.equal(h.scheduler.queued, 2);
  assert.notEqual(h.running.get("a1")!.slot, h.running.get("c1")!.slot);
  await h.finish("c1");
  assert.equal(await light, "answer c1");
  assert.deepEqual(h.started, ["a1", "c1"], "a freed light lane does not take a heavy read");
  await h.finish("a1");
  assert.deepEqual(h.started, ["a1", "c1", "b1"]);
});

Deno.test("read scheduler: callers are served in turn, each in its own order", async () => {
  const h = harness({ slots: 1, queueLimit: 32 });
  for (const task of ["a1", "a2", "a3", "b1", "b2", "c1"]) h.submit(task);
  for (const task of ["a1", "b1", "c1", "a2", "b2", "a3"]) await h.finish(task);
  assert.deepEqual(h.started, ["a1", "b1", "c1", "a2", "b2", "a3"]);
  assert.equal(h.scheduler.queued, 0);
  assert.equal(h.scheduler.running, 0);
});

Deno.test("read scheduler: the queue and each caller's waiting reads are bounded", async () => {
  const h = harness({ slots: 1, queueLimit: 2 });
  h.submit("a1");
  h.submit("b1");
  h.submit("c1");
  const full = await refusal(h.submit("d1"));
  assert.deepEqual([full.status, full.code], [503, "busy"]);
  assert.equal(new Headers(full.headers).get("retry-after"), "5");
  assert.deepEqual(h.started, ["a1"], "a refused read never starts");
  assert.equal(h.scheduler.queued, 2);

  const g = harness({ slots: 1, queueLimit: 32 });
  g.submit("x1");
  for (let i = 2; i <= 5; i++) g.submit(`a${i}`, { anonymous: true });
  const mine = await refusal(g.submit("a6", { anonymous: true }));
  assert.deepEqual([mine.status, mine.code], [429, "too_many_reads"]);
  g.submit("b1", { anonymous: true });
  assert.equal(g.scheduler.queued, 5, "another client still gets a place");
  for (let i = 2; i <= 17; i++) g.submit(`k${i}`);
  assert.equal((await refusal(g.submit("k18"))).code, "too_many_reads", "16 for a key");
});

Deno.test("read scheduler: a read past its deadline leaves the queue or is stopped", async () => {
  const h = harness({ slots: 1, queueLimit: 32 });
  const now = performance.now();
  const running = h.submit("a1", { deadline: now + 60, budgetMs: 60 });
  const waiting = h.submit("b1", { deadline: now + 40, budgetMs: 60 });
  const later = h.submit("c1", { heavy: false });
  const stop = h.running.get("a1")!.stop;
  for (const promise of [running, waiting]) {
    const error = await refusal(promise);
    assert.deepEqual([error.status, error.code], [503, "read_timeout"]);
    assert.match(error.message, /budget of 0\.06 s/);
  }
  assert.ok(stop.aborted, "the running read was told to stop");
  await tick();
  assert.deepEqual(h.started, ["a1", "c1"], "the expired waiting read never started");
  await h.finish("c1");
  assert.equal(await later, "answer c1");
  const late = await refusal(h.submit("d1", { deadline: performance.now() - 1 }));
  assert.equal(late.code, "read_timeout", "a read already out of time is refused");
});

Deno.test("read scheduler: a read whose client left never starts, or stops", async () => {
  const h = harness({ slots: 1, queueLimit: 32 });
  const first = new AbortController();
  const second = new AbortController();
  const running = h.submit("a1", { signal: first.signal });
  const waiting = h.submit("b1", { signal: second.signal });
  h.submit("c1");
  second.abort();
  assert.equal((await refusal(waiting)).status, 499);
  first.abort();
  assert.equal((await refusal(running)).code, "client_closed");
  await tick();
  assert.ok(h.running.get("c1"), "the slot went to the next read");
  assert.deepEqual(h.started, ["a1", "c1"]);
  const gone = new AbortController();
  gone.abort();
  assert.equal((await refusal(h.submit("d1", { signal: gone.signal }))).status, 499);
});

Deno.test("read scheduler: closing answers the running reads and drops the waiting ones", async () => {
  const h = harness({ slots: 1, queueLimit: 32 });
  const running = h.submit("a1");
  const waiting = h.submit("b1");
  const closed = h.scheduler.close(5000);
  await assert.rejects(waiting, /read pool closed/);
  await assert.rejects(h.submit("c1"), /read pool closed/);
  await h.finish("a1");
  await closed;
  assert.equal(await running, "answer a1");

  const g = harness({ slots: 1, queueLimit: 32 });
  const stuck = g.submit("a1");
  await g.scheduler.close(10);
  await assert.rejects(stuck, /read process closed mid-read/);
  assert.equal(g.running.size, 0, "the read still running after the grace was stopped");
});
