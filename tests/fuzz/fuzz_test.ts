// The short fuzz run that `deno task test` includes (bounded: FUZZ_COUNT requests, default 2,000,
// or FUZZ_MS, default 20 s). Reproduce a failure with FUZZ_SEED=<seed printed in the message>.
import assert from "node:assert/strict";
import { DEFAULT_SEED, runFuzz } from "./_fuzz.ts";

function envNumber(name: string, fallback: number): number {
  const raw = Deno.env.get(name);
  return raw === undefined ? fallback : Number(raw);
}

Deno.test("fuzz: random requests on every route keep every invariant", async () => {
  const seed = envNumber("FUZZ_SEED", DEFAULT_SEED);
  const summary = await runFuzz({
    seed,
    count: envNumber("FUZZ_COUNT", 2000),
    ms: envNumber("FUZZ_MS", 20_000),
  });
  assert.ok(summary.requests > 0);
  assert.deepEqual(summary.failures, [], `FUZZ_SEED=${seed}: ${summary.failures.join("\n")}`);
});
