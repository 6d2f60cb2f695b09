// Solves a challenge the way the browser tracker does, for tests and benchmarks: the module's
// `solve` export in bounded slices (the tracker yields between slices; here they simply repeat).
import { formatToken, parseChallenge, solvedInput } from "./challenge.ts";
import { PowInstance } from "./instance.ts";
import type { PowVerifier } from "./verifier.ts";

export interface SolveOptions {
  /** Attempts per `solve` call; the tracker sizes slices to a few milliseconds. */
  sliceSize?: number;
  /** Give up (throw) after this many attempts. */
  maxAttempts?: number;
  /** Browser evidence to seal into the token (the tracker's; see lib/bots/evidence.ts). */
  evidence?: string | null;
}

export interface SolvedChallenge {
  readonly token: string;
  readonly nonce: number;
  /** Hashes tried, counting the successful one. */
  readonly attempts: number;
}

// Compiled instances per module bytes, so repeated solves (benchmarks) compile once.
const instances = new WeakMap<Uint8Array, PowInstance>();

export function solveChallenge(
  source: PowVerifier | Uint8Array<ArrayBuffer>,
  challenge: string,
  difficulty: number,
  options: SolveOptions = {},
): SolvedChallenge {
  const { sliceSize = 16_384, maxAttempts = 2 ** 40, evidence = null } = options;
  const input = solvedInput(challenge, evidence);
  const bytes = source instanceof Uint8Array ? source : source.moduleFor(epochIn(challenge)).bytes;
  let instance = instances.get(bytes);
  if (!instance) instances.set(bytes, instance = new PowInstance(bytes));
  for (let start = 0; start < maxAttempts; start += sliceSize) {
    const count = Math.min(sliceSize, maxAttempts - start);
    const found = instance.solve(input, difficulty, BigInt(start), count);
    if (found >= 0n) {
      const nonce = Number(found);
      return { token: formatToken(challenge, nonce, evidence), nonce, attempts: nonce + 1 };
    }
  }
  throw new Error(`no nonce within ${maxAttempts} attempts at difficulty ${difficulty}`);
}

function epochIn(challenge: string): number {
  const parsed = parseChallenge(challenge);
  if (!parsed) throw new TypeError(`not a challenge: ${JSON.stringify(challenge)}`);
  return parsed.epoch;
}
