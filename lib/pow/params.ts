// Per-deployment, per-epoch parameters of the proof-of-work hash: four initial constants and six
// rotation amounts. They come from HMAC(wasm key, "epoch:N"), so every secret and every 6-hour
// epoch gets different bytecode, while a restart or a second instance rebuilds identical bytes.
import { hmac } from "../keys.ts";

/** Length of one epoch: the lifetime of one set of hash parameters (and of one WASM module). */
export const EPOCH_MS = 6 * 60 * 60 * 1000;

/** Rotations per round; the ARX round in reference_hash.ts and wasm_builder.ts uses six. */
export const ROTATION_COUNT = 6;
/** Rotations stay away from 0 and 64 (identity) and from tiny shifts that barely mix a lane. */
export const MIN_ROTATION = 7;
export const MAX_ROTATION = 57;

export type Rotations = readonly [number, number, number, number, number, number];

export interface PowParams {
  /** Initial values of the four u64 lanes v0..v3, as unsigned 64-bit bigints. */
  readonly constants: readonly [bigint, bigint, bigint, bigint];
  /** Rotation amounts of one round, in round order; distinct, each in MIN..MAX_ROTATION. */
  readonly rotations: Rotations;
}

export function epochOf(nowMs: number): number {
  return Math.floor(nowMs / EPOCH_MS);
}

export function powParams(wasmKey: Uint8Array, epoch: number): PowParams {
  if (wasmKey.length < 16) throw new RangeError(`wasmKey must hold at least 16 bytes`);
  if (!Number.isSafeInteger(epoch) || epoch < 0) {
    throw new RangeError(`epoch must be a non-negative integer, got ${epoch}`);
  }
  const seed = hmac(wasmKey, `epoch:${epoch}`);
  const view = new DataView(seed.buffer, seed.byteOffset, seed.byteLength);
  const constants = [
    view.getBigUint64(0, true),
    view.getBigUint64(8, true),
    view.getBigUint64(16, true),
    view.getBigUint64(24, true),
  ] as const;
  return { constants, rotations: pickRotations(seed) };
}

/**
 * Expands the seed (HKDF-expand style: HMAC(seed, "rotations:i")) into distinct rotation amounts.
 * Rejection sampling keeps every amount equally likely instead of favouring `byte % span` residues.
 */
function pickRotations(seed: Uint8Array): Rotations {
  const span = MAX_ROTATION - MIN_ROTATION + 1;
  const limit = span * Math.floor(256 / span);
  const picked: number[] = [];
  for (let block = 0; picked.length < ROTATION_COUNT; block++) {
    for (const byte of hmac(seed, `rotations:${block}`)) {
      if (byte >= limit) continue;
      const amount = MIN_ROTATION + (byte % span);
      if (picked.includes(amount)) continue;
      picked.push(amount);
      if (picked.length === ROTATION_COUNT) break;
    }
  }
  return picked as unknown as Rotations;
}
