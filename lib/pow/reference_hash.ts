// Pure TypeScript (BigInt) reference of the proof-of-work hash that wasm_builder.ts compiles.
// SipHash-shaped ARX over four u64 lanes with per-epoch constants and rotations; it is the
// specification the WASM is tested against, not a fast path (it is ~1000x slower than the WASM).
import type { PowParams } from "./params.ts";

const MASK64 = 0xffff_ffff_ffff_ffffn;

export function referenceHash(params: PowParams, bytes: Uint8Array): bigint {
  const v = [...params.constants];
  const r = params.rotations.map(BigInt);
  const rotl = (x: bigint, k: bigint) => ((x << k) | (x >> (64n - k))) & MASK64;
  // One round; same statement order as SipRound so the WASM can mirror it line by line.
  const round = () => {
    v[0] = (v[0] + v[1]) & MASK64;
    v[1] = rotl(v[1], r[0]) ^ v[0];
    v[0] = rotl(v[0], r[1]);
    v[2] = (v[2] + v[3]) & MASK64;
    v[3] = rotl(v[3], r[2]) ^ v[2];
    v[0] = (v[0] + v[3]) & MASK64;
    v[3] = rotl(v[3], r[3]) ^ v[0];
    v[2] = (v[2] + v[1]) & MASK64;
    v[1] = rotl(v[1], r[4]) ^ v[2];
    v[2] = rotl(v[2], r[5]);
  };
  const absorb = (block: bigint) => {
    v[3] ^= block;
    round();
    round();
    v[0] ^= block;
  };

  const fullLength = bytes.length - (bytes.length % 8);
  for (let i = 0; i < fullLength; i += 8) absorb(readLittleEndian(bytes, i, 8));
  // As in SipHash, the last block carries the 0..7 trailing bytes and the length mod 256 in its
  // top byte, so messages that differ only by trailing zero bytes hash differently.
  const tail = readLittleEndian(bytes, fullLength, bytes.length - fullLength);
  absorb(tail | (BigInt(bytes.length & 0xff) << 56n));
  v[2] ^= 0xffn;
  for (let i = 0; i < 4; i++) round();
  return v[0] ^ v[1] ^ v[2] ^ v[3];
}

/** The message hashed for one attempt: the input bytes followed by the nonce, 8 bytes LE. */
export function powMessage(input: Uint8Array, nonce: bigint): Uint8Array {
  const message = new Uint8Array(input.length + 8);
  message.set(input);
  new DataView(message.buffer).setBigUint64(input.length, BigInt.asUintN(64, nonce), true);
  return message;
}

/** Leading zero bits of a u64 (64 for zero); negative inputs are read as their two's complement. */
export function leadingZeroBits(u64: bigint): number {
  const value = BigInt.asUintN(64, u64);
  const high = Number(value >> 32n);
  if (high !== 0) return Math.clz32(high);
  return 32 + Math.clz32(Number(value & 0xffff_ffffn));
}

function readLittleEndian(bytes: Uint8Array, offset: number, length: number): bigint {
  let value = 0n;
  for (let i = length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[offset + i]);
  return value;
}
