// Emits the proof-of-work WebAssembly module for one parameter set: exports the memory, `hash` and
// `solve` (named in EXPORTS), with the epoch's constants and rotations baked in as immediates. The bytecode mirrors
// reference_hash.ts exactly; tests/pow_wasm_test.ts holds the two to the same outputs.
import type { PowParams } from "./params.ts";
import {
  BLOCK,
  br,
  brIf,
  type Bytes,
  call,
  ExportKind,
  funcBody,
  funcType,
  globalGet,
  globalSet,
  I32,
  i32Const,
  I64,
  i64Const,
  i64Load,
  i64Store,
  IF,
  localGet,
  localSet,
  localTee,
  LOOP,
  name,
  Op,
  Section,
  section,
  seq,
  vector,
} from "./wasm_encoding.ts";

/**
 * Memory contract for callers: the input sits at [ptr, ptr+len); the module writes the nonce at
 * ptr+len and 8 zero bytes after it (the last block is read as a whole i64 and must see zeros
 * past the message), so [ptr+len, ptr+len+16) is scratch and must lie inside the one page.
 */
export const SCRATCH_BYTES = 16;
export const MEMORY_BYTES = 65536;

/** Export names: `m` the memory, `s` solve(ptr, len, difficulty, start, count), `h` hash. */
export const EXPORTS = { memory: "m", solve: "s", hash: "h" } as const;

// Function indices, in function-section order; `hash` comes last so leaving it out of the
// browser's module renumbers nothing.
const F_INIT = 0;
const F_ABSORB = 1;
const F_SOLVE = 2;
const F_HASH = 3;

export interface PowModuleOptions {
  /**
   * Include the `hash(ptr, len, nonce)` export the server verifies with. Browsers only call
   * `solve`, so the module the tracker embeds leaves it out (about 50 bytes less to download).
   */
  hash?: boolean;
}

export function buildPowModule(
  params: PowParams,
  options: PowModuleOptions = {},
): Uint8Array<ArrayBuffer> {
  const withHash = options.hash ?? true;
  const types = [
    funcType([], []), // init
    funcType([I32, I32, I32], [I64]), // absorb(p, end, total)
    funcType([I32, I32, I32, I64, I32], [I64]), // solve(ptr, len, difficulty, start, count)
    ...(withHash ? [funcType([I32, I32, I64], [I64])] : []), // hash(ptr, len, nonce)
  ];
  // The state lives in four mutable globals between calls so `solve` can keep the midstate of
  // the input's full blocks and re-hash only the nonce-bearing tail per attempt; an attacker with
  // native code would do the same, so the browser must not pay more than it.
  const globals = [0, 1, 2, 3].map(() => [I64, 1, ...i64Const(0n), Op.end]);
  const exports = [
    // One-letter names: every visitor downloads them (in EXPORTS order).
    [...name(EXPORTS.memory), ExportKind.memory, 0],
    [...name(EXPORTS.solve), ExportKind.func, F_SOLVE],
    ...(withHash ? [[...name(EXPORTS.hash), ExportKind.func, F_HASH]] : []),
  ];
  const functions = withHash ? [[0], [1], [2], [3]] : [[0], [1], [2]];
  const code = [initBody(params), absorbBody(params), solveBody()];
  if (withHash) code.push(hashBody());
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // "\0asm", version 1
    ...section(Section.type, vector(types)),
    ...section(Section.function, vector(functions)),
    ...section(Section.memory, vector([[0x00, 1]])), // one page, no maximum
    ...section(Section.global, vector(globals)),
    ...section(Section.export, vector(exports)),
    ...section(Section.code, vector(code)),
  ]);
}

/** init(): loads the epoch's constants into the state globals. */
function initBody(params: PowParams): Bytes {
  return funcBody([], seq(...params.constants.map((c, i) => seq(i64Const(c), globalSet(i)))));
}

/** One ARX round on locals v0..v3, in the statement order of reference_hash.ts. */
function round([v0, v1, v2, v3]: readonly number[], r: readonly number[]): Bytes {
  // a += b; b = rotl(b, k) ^ a   (the new a stays on the stack through local.tee)
  const addRotXor = (a: number, b: number, k: number) =>
    seq(localGet(a), localGet(b), Op.i64Add, localTee(a), rotl(b, k), Op.i64Xor, localSet(b));
  const rotl = (a: number, k: number) => seq(localGet(a), i64Const(BigInt(k)), Op.i64Rotl);
  return seq(
    addRotXor(v0, v1, r[0]),
    rotl(v0, r[1]),
    localSet(v0),
    addRotXor(v2, v3, r[2]),
    addRotXor(v0, v3, r[3]),
    addRotXor(v2, v1, r[4]),
    rotl(v2, r[5]),
    localSet(v2),
  );
}

/**
 * absorb(p, end, total) -> i64. Absorbs full 8-byte blocks from p while p+8 <= end. With total = 0
 * it stops there and leaves the state in the globals (a midstate; returns 0). Otherwise it absorbs
 * the last block (bytes p..end, zeros, total mod 256 in the top byte), finalises and returns the
 * hash. One round body serves both phases: `n` says how many rounds, `total` tracks the phase
 * (> 0 last block pending, -1 finalisation pending, -2 done), keeping the module small.
 */
function absorbBody(params: PowParams): Bytes {
  const [p, end, total, v0, v1, v2, v3, b, n] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const lanes = [v0, v1, v2, v3];
  const xorBlockInto = (lane: number) =>
    seq(localGet(lane), localGet(b), Op.i64Xor, localSet(lane));
  return funcBody(
    [[5, I64], [1, I32]],
    seq(
      ...lanes.map((lane, i) => seq(globalGet(i), localSet(lane))),
      BLOCK, // $mid: leaving it stores the midstate
      LOOP, // $blocks
      BLOCK, // $mix: leaving it with b and n set absorbs b
      seq(i32Const(2), localSet(n)),
      seq(localGet(p), i32Const(8), Op.i32Add, localGet(end), Op.i32LeU, IF), // a full block
      seq(localGet(p), i64Load(), localSet(b)),
      seq(localGet(p), i32Const(8), Op.i32Add, localSet(p)),
      seq(br(1), Op.end),
      seq(localGet(total), Op.i32Eqz, brIf(2)), // midstate only: done
      seq(localGet(total), i32Const(0), Op.i32GtS, IF), // the last block
      seq(localGet(p), i64Load(), localGet(total), Op.i64ExtendI32U, i64Const(56n), Op.i64Shl),
      seq(Op.i64Or, localSet(b)),
      seq(i32Const(-1), localSet(total)),
      seq(br(1), Op.end),
      // finalisation: v2 ^= 0xff, then four rounds with b = 0 (the xors around them do nothing)
      seq(localGet(v2), i64Const(0xffn), Op.i64Xor, localSet(v2)),
      seq(i64Const(0n), localSet(b), i32Const(4), localSet(n), i32Const(-2), localSet(total)),
      Op.end, // $mix
      xorBlockInto(v3),
      LOOP,
      round(lanes, params.rotations),
      seq(localGet(n), i32Const(1), Op.i32Sub, localTee(n), brIf(0), Op.end),
      xorBlockInto(v0),
      seq(localGet(total), i32Const(-2), Op.i32Ne, brIf(0)), // next block
      Op.end, // $blocks
      seq(localGet(v0), localGet(v1), Op.i64Xor, localGet(v2), Op.i64Xor, localGet(v3)),
      seq(Op.i64Xor, Op.return),
      Op.end, // $mid
      ...lanes.map((lane, i) => seq(localGet(lane), globalSet(i))),
      i64Const(0n),
    ),
  );
}

/** hash(ptr, len, nonce) -> i64: the hash of memory[ptr..ptr+len] || nonce (8 bytes LE). */
function hashBody(): Bytes {
  const [ptr, len, nonce, tail] = [0, 1, 2, 3];
  return funcBody(
    [[1, I32]],
    seq(
      seq(localGet(ptr), localGet(len), Op.i32Add, localTee(tail), localGet(nonce), i64Store(0)),
      seq(localGet(tail), i64Const(0n), i64Store(8)),
      call(F_INIT),
      seq(localGet(ptr), localGet(tail), i32Const(8), Op.i32Add),
      seq(localGet(len), i32Const(8), Op.i32Add, call(F_ABSORB)),
    ),
  );
}

/**
 * solve(ptr, len, difficulty, start, count) -> i64: the first nonce in start..start+count-1 whose
 * hash has at least `difficulty` leading zero bits, or -1. The whole search runs inside WASM so a
 * browser can call it in slices of a few milliseconds without crossing into JS per attempt.
 */
function solveBody(): Bytes {
  const [ptr, len, difficulty, start, count] = [0, 1, 2, 3, 4];
  const [m0, tail, split] = [5, 9, 10]; // m0..m3 hold the midstate
  const mid = [m0, m0 + 1, m0 + 2, m0 + 3];
  return funcBody(
    [[4, I64], [2, I32]],
    seq(
      // midstate over the input's full blocks: split = ptr + (len & ~7)
      call(F_INIT),
      seq(localGet(ptr), localGet(ptr), localGet(len), i32Const(-8), Op.i32And, Op.i32Add),
      seq(localTee(split), i32Const(0), call(F_ABSORB), Op.drop),
      ...mid.map((m, i) => seq(globalGet(i), localSet(m))),
      seq(localGet(ptr), localGet(len), Op.i32Add, localTee(tail), i64Const(0n), i64Store(8)),
      LOOP,
      seq(localGet(count), i32Const(0), Op.i32GtS, IF),
      seq(localGet(tail), localGet(start), i64Store(0)),
      ...mid.map((m, i) => seq(localGet(m), globalSet(i))),
      seq(localGet(split), localGet(tail), i32Const(8), Op.i32Add),
      seq(localGet(len), i32Const(8), Op.i32Add, call(F_ABSORB)),
      seq(Op.i64Clz, Op.i32WrapI64, localGet(difficulty), Op.i32GeS, IF),
      seq(localGet(start), Op.return, Op.end),
      seq(localGet(start), i64Const(1n), Op.i64Add, localSet(start)),
      seq(localGet(count), i32Const(1), Op.i32Sub, localSet(count)),
      seq(br(1), Op.end),
      Op.end,
      i64Const(-1n),
    ),
  );
}
