// One instantiated proof-of-work module: copies an input into its memory and calls the exported
// `hash` or `solve`. Shared by the verifier (one hash per token) and the solver used by tests.
import { EXPORTS, MEMORY_BYTES, SCRATCH_BYTES } from "./wasm_builder.ts";

/** Longest input the module can take: the page minus the nonce-and-padding scratch. */
export const MAX_INPUT_BYTES = MEMORY_BYTES - SCRATCH_BYTES;

type HashExport = (ptr: number, len: number, nonce: bigint) => bigint;
type SolveExport = (
  ptr: number,
  len: number,
  difficulty: number,
  start: bigint,
  count: number,
) => bigint;

export class PowInstance {
  readonly #hash: HashExport;
  readonly #solve: SolveExport;
  // The memory never grows (the module has no memory.grow), so this view stays attached.
  readonly #memory: Uint8Array;
  readonly #inputWindow: Uint8Array;
  readonly #encoder = new TextEncoder();

  /** Compiles synchronously: the module is well under a kilobyte. */
  constructor(bytes: Uint8Array<ArrayBuffer>) {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
    this.#hash = instance.exports[EXPORTS.hash] as HashExport;
    this.#solve = instance.exports[EXPORTS.solve] as SolveExport;
    this.#memory = new Uint8Array((instance.exports[EXPORTS.memory] as WebAssembly.Memory).buffer);
    this.#inputWindow = this.#memory.subarray(0, MAX_INPUT_BYTES);
  }

  /** The u64 hash of `input || nonce (8 bytes LE)`, as an unsigned bigint. */
  hash(input: Uint8Array | string, nonce: bigint): bigint {
    return BigInt.asUintN(64, this.#hash(0, this.#write(input), nonce));
  }

  /** First nonce in start..start+count-1 meeting `difficulty`, or -1n. */
  solve(input: Uint8Array | string, difficulty: number, start: bigint, count: number): bigint {
    return this.#solve(0, this.#write(input), difficulty, start, count);
  }

  #write(input: Uint8Array | string): number {
    if (typeof input === "string") {
      const { read, written } = this.#encoder.encodeInto(input, this.#inputWindow);
      if (read !== input.length) throw new RangeError(`input exceeds ${MAX_INPUT_BYTES} bytes`);
      return written;
    }
    if (input.length > MAX_INPUT_BYTES) {
      throw new RangeError(`input exceeds ${MAX_INPUT_BYTES} bytes, got ${input.length}`);
    }
    this.#memory.set(input, 0);
    return input.length;
  }
}
