// The few pieces of the WebAssembly binary format that wasm_builder.ts needs: LEB128 integers,
// vectors, names, sections and opcodes (WebAssembly Core Specification 2.0, chapter 5 "Binary
// Format"). Written by hand so the tracker's module is built at runtime with no toolchain.

export type Bytes = number[];

/** Value types (spec 5.3.1). */
export const I32 = 0x7f;
export const I64 = 0x7e;
/** Block type of a block/loop/if that leaves nothing on the stack. */
export const VOID = 0x40;

/** Opcodes used by the proof-of-work module (spec 5.4). */
export const Op = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  return: 0x0f,
  call: 0x10,
  drop: 0x1a,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  globalGet: 0x23,
  globalSet: 0x24,
  i64Load: 0x29,
  i64Store: 0x37,
  i32Const: 0x41,
  i64Const: 0x42,
  i32Eqz: 0x45,
  i32Ne: 0x47,
  i32GtS: 0x4a,
  i32LeU: 0x4d,
  i32GeS: 0x4e,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32And: 0x71,
  i64Clz: 0x79,
  i64Add: 0x7c,
  i64Or: 0x84,
  i64Xor: 0x85,
  i64Shl: 0x86,
  i64Rotl: 0x89,
  i32WrapI64: 0xa7,
  i64ExtendI32U: 0xad,
} as const;

/** Section ids (spec 5.5.2). */
export const Section = {
  type: 1,
  function: 3,
  memory: 5,
  global: 6,
  export: 7,
  code: 10,
} as const;

/** Export kinds (spec 5.5.10). */
export const ExportKind = { func: 0x00, memory: 0x02 } as const;

export function uleb128(value: number): Bytes {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`uleb128: bad ${value}`);
  const out: Bytes = [];
  do {
    let byte = value % 128;
    value = Math.floor(value / 128);
    if (value > 0) byte |= 0x80;
    out.push(byte);
  } while (value > 0);
  return out;
}

/** Signed LEB128 of any bigint; `>>` on bigint is arithmetic, so negatives terminate on -1. */
export function sleb128(value: bigint): Bytes {
  const out: Bytes = [];
  for (;;) {
    const byte = Number(value & 0x7fn);
    value >>= 7n;
    const signBitSet = (byte & 0x40) !== 0;
    if ((value === 0n && !signBitSet) || (value === -1n && signBitSet)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

export function vector(items: Bytes[]): Bytes {
  return [...uleb128(items.length), ...items.flat()];
}

export function name(text: string): Bytes {
  const bytes = new TextEncoder().encode(text);
  return [...uleb128(bytes.length), ...bytes];
}

export function section(id: number, payload: Bytes): Bytes {
  return [id, ...uleb128(payload.length), ...payload];
}

/** A function type `(params) -> (results)` (spec 5.3.5). */
export function funcType(params: number[], results: number[]): Bytes {
  return [0x60, ...vector(params.map((t) => [t])), ...vector(results.map((t) => [t]))];
}

/** One code-section entry: size, local declarations as [count, type] runs, body, `end`. */
export function funcBody(locals: [number, number][], body: Bytes): Bytes {
  const code = [...vector(locals.map(([n, t]) => [...uleb128(n), t])), ...body, Op.end];
  return [...uleb128(code.length), ...code];
}

/** Concatenates instructions, so one line of builder code can read as one WASM statement. */
export function seq(...parts: (number | Bytes)[]): Bytes {
  return parts.flat();
}

// Structured control with no result value, and branches by relative depth (spec 5.4.1).
export const BLOCK: Bytes = [Op.block, VOID];
export const LOOP: Bytes = [Op.loop, VOID];
export const IF: Bytes = [Op.if, VOID];
export const br = (depth: number): Bytes => [Op.br, ...uleb128(depth)];
export const brIf = (depth: number): Bytes => [Op.brIf, ...uleb128(depth)];
export const call = (func: number): Bytes => [Op.call, ...uleb128(func)];

// Instruction helpers with immediates; indices stay below 128 here but are LEB128-encoded anyway.
export const localGet = (i: number): Bytes => [Op.localGet, ...uleb128(i)];
export const localSet = (i: number): Bytes => [Op.localSet, ...uleb128(i)];
export const localTee = (i: number): Bytes => [Op.localTee, ...uleb128(i)];
export const globalGet = (i: number): Bytes => [Op.globalGet, ...uleb128(i)];
export const globalSet = (i: number): Bytes => [Op.globalSet, ...uleb128(i)];
export const i32Const = (v: number): Bytes => [Op.i32Const, ...sleb128(BigInt(v))];
/** i64.const takes a signed immediate; u64 constants are reinterpreted as two's complement. */
export const i64Const = (v: bigint): Bytes => [Op.i64Const, ...sleb128(BigInt.asIntN(64, v))];
/** Memory access with alignment hint 0: inputs sit at arbitrary byte offsets. */
export const i64Load = (offset = 0): Bytes => [Op.i64Load, 0, ...uleb128(offset)];
export const i64Store = (offset = 0): Bytes => [Op.i64Store, 0, ...uleb128(offset)];
