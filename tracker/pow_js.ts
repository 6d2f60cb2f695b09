// The proof-of-work hash of lib/pow/reference_hash.ts in plain JavaScript for browsers without
// usable WebAssembly, with each u64 lane as two int32 halves (BigInt arithmetic is ~100x slower).
// `powSolver` mimics the module's exports: the caller writes its input into `m.buffer` and calls
// `s(ptr, len, difficulty, start, count)`, which answers exactly like the WASM export.
import type { PowSolver } from "./chunk_api.ts";
import type { HalfParams } from "./pow_params.ts";

const MEMORY_BYTES = 65536;

export function powSolver({ lanes, rotations }: HalfParams): PowSolver {
  const buffer = new ArrayBuffer(MEMORY_BYTES);
  const memory = new DataView(buffer);
  // Per rotation: does it swap the halves (k ≥ 32), and the shift left within a half (k mod 32).
  const swaps = rotations.map((k) => k >= 32);
  const shifts = rotations.map((k) => k & 31);
  const [w0, w1, w2, w3, w4, w5] = swaps;
  const [s0, s1, s2, s3, s4, s5] = shifts;
  // The state: lane i is (h_i, l_i); `low` carries the low half out of add and rotl.
  let h0: number, l0: number, h1: number, l1: number;
  let h2: number, l2: number, h3: number, l3: number;
  let low = 0;

  /** High half of (ah,al) + (bh,bl); the low half goes to `low`. */
  const add = (ah: number, al: number, bh: number, bl: number) => {
    low = (al + bl) | 0;
    return (ah + bh + ((low >>> 0) < (al >>> 0) ? 1 : 0)) | 0;
  };
  /** High half of rotl((h,l), k); the low half goes to `low`. `>>> 1 >>> (31 - s)` is 0 at s=0. */
  const rotl = (h: number, l: number, swap: boolean, s: number) => {
    if (swap) {
      const t = h;
      h = l;
      l = t;
    }
    low = (l << s) | (h >>> 1 >>> (31 - s));
    return (h << s) | (l >>> 1 >>> (31 - s));
  };

  /** One ARX round, statement for statement as reference_hash.ts. */
  function round(): void {
    h0 = add(h0, l0, h1, l1), l0 = low; // v0 += v1
    h1 = rotl(h1, l1, w0, s0) ^ h0, l1 = low ^ l0; // v1 = rotl(v1, r0) ^ v0
    h0 = rotl(h0, l0, w1, s1), l0 = low; // v0 = rotl(v0, r1)
    h2 = add(h2, l2, h3, l3), l2 = low; // v2 += v3
    h3 = rotl(h3, l3, w2, s2) ^ h2, l3 = low ^ l2; // v3 = rotl(v3, r2) ^ v2
    h0 = add(h0, l0, h3, l3), l0 = low; // v0 += v3
    h3 = rotl(h3, l3, w3, s3) ^ h0, l3 = low ^ l0; // v3 = rotl(v3, r3) ^ v0
    h2 = add(h2, l2, h1, l1), l2 = low; // v2 += v1
    h1 = rotl(h1, l1, w4, s4) ^ h2, l1 = low ^ l2; // v1 = rotl(v1, r4) ^ v2
    h2 = rotl(h2, l2, w5, s5), l2 = low; // v2 = rotl(v2, r5)
  }
  /** Absorbs the little-endian block (bh, bl): v3 ^= b, two rounds, v0 ^= b. */
  function absorb(bh: number, bl: number): void {
    h3 ^= bh, l3 ^= bl;
    round();
    round();
    h0 ^= bh, l0 ^= bl;
  }

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
      h2 ^= 0, l2 ^= 0xff;
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

  return { m: { buffer }, s: solve };
}
