// Public API of the proof-of-work core: signed challenges, the per-epoch WASM hash module, the
// O(1) token verifier and its verdict points, and a solver for tests and benchmarks.
export {
  type Challenge,
  type ChallengeKey,
  formatToken,
  isAuthentic,
  issueChallenge,
  type IssueOptions,
  MAX_CHALLENGE_LENGTH,
  MAX_DIFFICULTY,
  MAX_EVIDENCE_LENGTH,
  MAX_TOKEN_LENGTH,
  MIN_DIFFICULTY,
  parseChallenge,
  parseToken,
  solvedInput,
  type Token,
  verifyChallenge,
} from "./challenge.ts";
export { PowInstance } from "./instance.ts";
export { EPOCH_MS, epochOf, type PowParams, powParams } from "./params.ts";
export { leadingZeroBits, powMessage, referenceHash } from "./reference_hash.ts";
export { solveChallenge, type SolvedChallenge, type SolveOptions } from "./solver.ts";
export { POW_POINTS, powPoints, type PowVerdict } from "./verdict.ts";
export {
  DEFAULT_SKEW_MS,
  type PowModule,
  type PowResult,
  PowVerifier,
  type PowVerifierOptions,
} from "./verifier.ts";
export { buildPowModule } from "./wasm_builder.ts";
