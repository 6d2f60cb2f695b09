// `deno task fuzz`: the long fuzz run (FUZZ_COUNT requests, default 200,000, or FUZZ_MS, default
// 10 minutes), printing a summary with the seed; exits 1 when any invariant failed.
import { DEFAULT_SEED, runFuzz } from "./_fuzz.ts";

const env = (name: string, fallback: number) => {
  const raw = Deno.env.get(name);
  return raw === undefined ? fallback : Number(raw);
};
const seed = env("FUZZ_SEED", DEFAULT_SEED);
const summary = await runFuzz({
  seed,
  count: env("FUZZ_COUNT", 200_000),
  ms: env("FUZZ_MS", 600_000),
  onProgress: (done) => {
    if (done % 10_000 === 0) console.error(`fuzz: ${done} requests`);
  },
});
console.log(JSON.stringify({ ...summary, failures: summary.failures.length }, null, 2));
for (const failure of summary.failures) console.log(`FAIL ${failure}`);
console.log(
  summary.failures.length
    ? `fuzz FAILED (reproduce: FUZZ_SEED=${seed} deno task fuzz)`
    : `fuzz ok, seed ${seed}`,
);
Deno.exit(summary.failures.length ? 1 : 0);
