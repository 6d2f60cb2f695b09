// The proof-of-work hash of lib/pow/reference_hash.ts in plain JavaScript for browsers without
// usable WebAssembly, each u64 lane as two int32 halves (BigInt allocates at every step).
// `powSolver` mimics the module's exports: the caller writes its input into `m.buffer` and calls
// `s(ptr, len, difficulty, start, count)`, which answers exactly like the WASM export.
import type { PowSolver } from "./chunk_api.ts";
import type { HalfParams } from "./pow_params.ts";

const MEMORY_BYTES = 65536;
/**
 * Attempts per slice: 4096 take ~16 ms in V8 without a JIT (0.25 Mhash/s) and under 1 ms with
 * one, so a page is never blocked for a long task (50 ms) between the tracker's yields.
 */
const SLICE = 4096;

export function powSolver({ lanes, rotations }: HalfParams): PowSolver {
  const buffer = new ArrayBuffer(MEMORY_BYTES);
  const memory = new DataView(buffer);
  // Per rotation k: swap the halves when k ≥ 32, then shift each half left by k mod 32 and bring
  // in the other's top bits with `>>> 1 >>> (31 - k mod 32)` (0 at a shift of 0, where `>>> 32`
  // would be `>>> 0`).
  const [w0, w1, w2, w3, w4, w5] = rotations.map((k) => k >= 32);
  const [s0, s1, s2, s3, s4, s5] = rotations.map((k) => k & 31);
  const [z0, z1, z2, z3, z4, z5] = rotations.map((k) => 31 - (k & 31));
  // The state between rounds: lane i is (h_i, l_i).
  let h0: number, l0: number, h1: number, l1: number;
  let h2: number, l2: number, h3: number, l3: number;

  /**
   * One ARX round, statement for statement as reference_hash.ts, with additions and rotations
   * written out: in engines without a JIT (Lockdown Mode) every call costs, so there are none.
   */
  function round(): void {
    let a = h0, b = l0, c = h1, d = l1, e = h2, f = l2, g = h3, h = l3, t: number;
    // v0 += v1
    t = b, b = (b + d) | 0, a = (a + c + ((b >>> 0) < (t >>> 0) ? 1 : 0)) | 0;
    // v1 = rotl(v1, r0) ^ v0
    if (w0) t = c, c = d, d = t;
    t = c, c = ((c << s0) | (d >>> 1 >>> z0)) ^ a, d = ((d << s0) | (t >>> 1 >>> z0)) ^ b;
    // v0 = rotl(v0, r1)
    if (w1) t = a, a = b, b = t;
    t = a, a = (a << s1) | (b >>> 1 >>> z1), b = (b << s1) | (t >>> 1 >>> z1);
    // v2 += v3
    t = f, f = (f + h) | 0, e = (e + g + ((f >>> 0) < (t >>> 0) ? 1 : 0)) | 0;
    // v3 = rotl(v3, r2) ^ v2
    if (w2) t = g, g = h, h = t;
    t = g, g = ((g << s2) | (h >>> 1 >>> z2)) ^ e, h = ((h << s2) | (t >>> 1 >>> z2)) ^ f;
    // v0 += v3
    t = b, b = (b + h) | 0, a = (a + g + ((b >>> 0) < (t >>> 0) ? 1 : 0)) | 0;
    // v3 = rotl(v3, r3) ^ v0
    if (w3) t = g, g = h, h = t;
    t = g, g = ((g << s3) | (h >>> 1 >>> z3)) ^ a, h = ((h << s3) | (t >>> 1 >>> z3)) ^ b;
    // v2 += v1
    t = f, f = (f + d) | 0, e = (e + c + ((f >>> 0) < (t >>> 0) ? 1 : 0)) | 0;
    // v1 = rotl(v1, r4) ^ v2
    if (w4) t = c, c = d, d = t;
    t = c, c = ((c << s4) | (d >>> 1 >>> z4)) ^ e, d = ((d << s4) | (t >>> 1 >>> z4)) ^ f;
    // v2 = rotl(v2, r5)
    if (w5) t = e, e = f, f = t;
    t = e, e = (e << s5) | (f >>> 1 >>> z5), f = (f << s5) | (t >>> 1 >>> z5);
    h0 = a, l0 = b, h1 = c, l1 = d, h2 = e, l2 = f, h3 = g, l3 = h;
  }
  /** Absorbs the little-endian block (bh, bl): v3 ^= b, two rounds, v0 ^= b. */
  function absorb(bh: number, bl: number): void {
    h3 ^= bh, l3 ^= bl;
    round();
    round();
    h0 ^= bh, l0 ^= bl;
  }

  /** The first nonce in start..start+count-1 whose hash has ≥ difficulty leading zeros, or -1. */
  function solve(ptr: number, len: number, difficulty: number, start: bigint, count: number) {
    const split = ptr + (len & ~7);
    [h0, l0, h1, l1, h2, l2, h3, l3] = lanes;
    for (let at = ptr; at < split; at += 8) {
      absorb(memory.getInt32(at + 4, true), memory.getInt32(at, true));
    }
    const mid = [h0, l0, h1, l1, h2, l2, h3, l3];
    // The nonce-bearing tail: the input's last len mod 8 bytes, the nonce (8 bytes LE), zeros,
    // and the message length mod 256 in the top byte of the last block (SipHash's padding).
    const tail = new DataView(new ArrayBuffer(16));
    for (let i = split; i < ptr + len; i++) tail.setUint8(i - split, memory.getUint8(i));
    tail.setUint8(15, (len + 8) & 0xff);
    let nonceLow = Number(BigInt.asUintN(32, start)) | 0;
    let nonceHigh = Number(BigInt.asUintN(32, start >> 32n)) | 0;
    for (; count > 0; count--) {
      tail.setInt32(len & 7, nonceLow, true);
      tail.setInt32((len & 7) + 4, nonceHigh, true);
      h0 = mid[0], l0 = mid[1], h1 = mid[2], l1 = mid[3];
      h2 = mid[4], l2 = mid[5], h3 = mid[6], l3 = mid[7];
      absorb(tail.getInt32(4, true), tail.getInt32(0, true));
      absorb(tail.getInt32(12, true), tail.getInt32(8, true));
      l2 ^= 0xff; // finalisation: v2 ^= 0xff
      round();
      round();
      round();
      round();
      const high = h0 ^ h1 ^ h2 ^ h3;
      const zeros = high ? Math.clz32(high) : 32 + Math.clz32(l0 ^ l1 ^ l2 ^ l3);
      if (zeros >= difficulty) {
        return BigInt.asIntN(64, (BigInt(nonceHigh >>> 0) << 32n) | BigInt(nonceLow >>> 0));
      }
      nonceLow = (nonceLow + 1) | 0;
      if (!nonceLow) nonceHigh = (nonceHigh + 1) | 0;
    }
    return -1n;
  }

  return { m: { buffer }, s: solve, n: SLICE };
}
