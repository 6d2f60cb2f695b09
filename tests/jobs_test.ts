import assert from "node:assert/strict";
import { createJobRunner } from "../lib/jobs.ts";
import { MemoryEphemeralStore } from "../lib/ephemeral.ts";

Deno.test("jobs: run periodically, never overlap, survive errors, stop waits for a run", async () => {
  let runs = 0;
  let concurrent = 0;
  let maxConcurrent = 0;
  const errors: string[] = [];
  const runner = createJobRunner([
    {
      name: "slow",
      everyMs: 5,
      firstRunMs: 0,
      run: async () => {
        concurrent++;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        runs++;
        await new Promise((r) => setTimeout(r, 15));
        concurrent--;
        if (runs === 2) throw new Error("transient");
      },
    },
  ], (message) => errors.push(message));
  runner.start();
  await new Promise((r) => setTimeout(r, 120));
  await runner.stop();
  const after = runs;
  assert.ok(runs >= 3, `ran ${runs} times`);
  assert.equal(maxConcurrent, 1);
  assert.deepEqual(errors, ["job slow failed"]);
  assert.equal(concurrent, 0, "stop waited for the running job");
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(runs, after, "nothing runs after stop");
});

Deno.test("ephemeral store: fixed windows, claims, expiry and a hard size bound", () => {
  const store = new MemoryEphemeralStore({ maxEntries: 8 });
  assert.equal(store.increment("ip", 1000, 0), 1);
  assert.equal(store.increment("ip", 1000, 500), 2);
  assert.equal(store.count("ip", 999), 2);
  assert.equal(store.increment("ip", 1000, 1000), 1, "a new window starts at expiry");
  assert.equal(store.claim("tok", "visitor-a", 100, 0), undefined);
  assert.equal(store.claim("tok", "visitor-b", 100, 50), "visitor-a");
  assert.equal(store.claim("tok", "visitor-b", 100, 100), undefined, "claims expire");
  for (let i = 0; i < 100; i++) store.increment(`k${i}`, 10_000, 2000);
  assert.ok(store.size <= 8, `size ${store.size}`);
});
