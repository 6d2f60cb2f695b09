// Proof-of-work benchmark: server verify cost per token, raw WASM hash rate, and how long a
// solve takes at difficulties 12..18 (Deno's V8 standing in for a browser tab).
import { MemoryEphemeralStore } from "../lib/ephemeral.ts";
import { deriveKey } from "../lib/keys.ts";
import { PowInstance } from "../lib/pow/instance.ts";
import { solveChallenge } from "../lib/pow/solver.ts";
import { PowVerifier } from "../lib/pow/verifier.ts";

export interface PowBenchResult {
  /** Mean microseconds per verification of a distinct valid token by a distinct visitor. */
  verifyMicros: number;
  /** Hashes per second through the WASM `solve` loop. */
  hashRatePerSec: number;
  /** Median milliseconds to solve one challenge, by difficulty. */
  solveMsAtDifficulty: Record<number, number>;
}

const VERIFY_TOKENS = 20_000;
const WARMUP_TOKENS = 2_000;
const HASH_ATTEMPTS = 4_000_000;
const SOLVES_PER_DIFFICULTY = 31;
const SITE = "bench.example.com";

export async function benchPow(): Promise<PowBenchResult> {
  const master = crypto.getRandomValues(new Uint8Array(32));
  const verifier = new PowVerifier({
    challengeKey: deriveKey(master, "pow-challenge"),
    wasmKey: deriveKey(master, "pow-wasm"),
    windowMs: 30 * 60_000,
    store: new MemoryEphemeralStore(),
  });

  // Distinct tokens at a low difficulty: verify cost does not depend on difficulty (one hash).
  const solved = (length: number) =>
    Array.from({ length }, () => solveChallenge(verifier, verifier.issue(SITE, 4), 4).token);
  for (const token of solved(WARMUP_TOKENS)) verifier.verify(token, SITE, "warm-up"); // JIT
  const tokens = solved(VERIFY_TOKENS);
  let started = performance.now();
  for (let i = 0; i < tokens.length; i++) {
    if (verifier.verify(tokens[i], SITE, `visitor-${i}`).verdict !== "valid") {
      throw new Error(`token ${i} did not verify`);
    }
  }
  const verifyMicros = ((performance.now() - started) * 1000) / tokens.length;

  // 65 leading zero bits is impossible, so `solve` runs exactly HASH_ATTEMPTS hashes.
  const instance = new PowInstance(verifier.currentModule().bytes);
  const challenge = verifier.issue(SITE, 20);
  instance.solve(challenge, 65, 0n, 100_000);
  started = performance.now();
  instance.solve(challenge, 65, 0n, HASH_ATTEMPTS);
  const hashRatePerSec = Math.round(HASH_ATTEMPTS / ((performance.now() - started) / 1000));

  const solveMsAtDifficulty: Record<number, number> = {};
  for (let difficulty = 12; difficulty <= 18; difficulty++) {
    const times: number[] = [];
    for (let i = 0; i < SOLVES_PER_DIFFICULTY; i++) {
      const next = verifier.issue(SITE, difficulty);
      started = performance.now();
      solveChallenge(verifier, next, difficulty);
      times.push(performance.now() - started);
      await Promise.resolve(); // keep the benchmark well-behaved inside a larger runner
    }
    solveMsAtDifficulty[difficulty] = round(median(times), 2);
  }
  return { verifyMicros: round(verifyMicros, 2), hashRatePerSec, solveMsAtDifficulty };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function round(value: number, digits: number): number {
  return Math.round(value * 10 ** digits) / 10 ** digits;
}

if (import.meta.main) console.log(JSON.stringify(await benchPow(), null, 2));
