// Reads the epoch's hash parameters out of the proof-of-work module the tracker already holds
// (lib/pow/wasm_builder.ts bakes them in as immediates), so the JavaScript fallback needs no
// other delivery: the four initial lanes are `i64.const c; global.set i` in the first function
// body (init), the six rotations the first six `i64.const k; i64.rotl` of the second (absorb).
// Binary format: WebAssembly Core Specification 2.0, chapter 5.

/** The hash parameters as 32-bit halves: lanes [v0 high, v0 low, v1 high, …], rotations. */
export interface HalfParams {
  lanes: number[];
  rotations: number[];
}

const CODE_SECTION = 10;
const I64_CONST = 0x42;
const GLOBAL_SET = 0x24;
const I64_ROTL = 0x89;

export function paramsFromModule(bytes: Uint8Array): HalfParams {
  let at = 8; // "\0asm" and the version
  const uleb = () => Number(leb(false));
  function leb(signed: boolean): bigint {
    let value = 0n;
    let shift = 0n;
    let byte;
    do {
      byte = bytes[at++];
      value |= BigInt(byte & 0x7f) << shift;
      shift += 7n;
    } while (byte & 0x80);
    return signed && byte & 0x40 ? value - (1n << shift) : value;
  }
  const fail = () => {
    throw new Error("unexpected proof-of-work module layout");
  };
  while (bytes[at] != CODE_SECTION) {
    if (at >= bytes.length) fail();
    at++;
    const size = uleb();
    at += size;
  }
  at++;
  uleb(); // section size
  uleb(); // function count
  // init: no locals, then `i64.const c; global.set i` per lane.
  const initEnd = uleb() + at;
  if (uleb()) fail();
  const lanes: number[] = [];
  for (let lane = 0; lane < 4; lane++) {
    if (bytes[at++] != I64_CONST) fail();
    const value = BigInt.asUintN(64, leb(true));
    if (bytes[at++] != GLOBAL_SET || uleb() != lane) fail();
    lanes.push(Number(value >> 32n) | 0, Number(value & 0xffffffffn) | 0);
  }
  at = initEnd;
  // absorb: its first round names the rotations in order (each below 64: a one-byte immediate).
  const absorbEnd = uleb() + at;
  const rotations: number[] = [];
  for (; at < absorbEnd && rotations.length < 6; at++) {
    if (bytes[at] == I64_CONST && bytes[at + 2] == I64_ROTL) rotations.push(bytes[at + 1]);
  }
  if (rotations.length < 6) fail();
  return { lanes, rotations };
}
