// The generated proof-of-work module: valid, deterministic per (key, epoch), small, and equal to
// the BigInt reference hash, which is itself pinned to SipHash-2-4's published test vectors.
import assert from "node:assert/strict";
import { PowInstance } from "../lib/pow/instance.ts";
import { EPOCH_MS, epochOf, type PowParams, powParams } from "../lib/pow/params.ts";
import { leadingZeroBits, powMessage, referenceHash } from "../lib/pow/reference_hash.ts";
import { buildPowModule, EXPORTS } from "../lib/pow/wasm_builder.ts";

const MAX_MODULE_BYTES = 700;
const keyA = new Uint8Array(32).fill(1);
const keyB = new Uint8Array(32).fill(2);
const encode = (text: string) => new TextEncoder().encode(text);
const bytesOf = (length: number) => Uint8Array.from({ length }, (_, i) => (i * 37 + 11) & 0xff);

// SipHash-2-4 with key 00..0f is this function with SipHash's rotations and its keyed initial
// state, so the reference (and the WASM) can be checked against the paper's vectors (Appendix A).
const K0 = 0x0706050403020100n;
const K1 = 0x0f0e0d0c0b0a0908n;
const SIPHASH: PowParams = {
  constants: [
    K0 ^ 0x736f6d6570736575n,
    K1 ^ 0x646f72616e646f6dn,
    K0 ^ 0x6c7967656e657261n,
    K1 ^
    0x7465646279746573n,
  ],
  rotations: [13, 32, 16, 21, 17, 32],
};
const SIPHASH_VECTORS: [number, bigint][] = [
  [0, 0x726fdb47dd0e0e31n],
  [1, 0x74f839c593dc67fdn],
  [7, 0xab0200f58b01d137n],
  [8, 0x93f5f5799a932462n],
  [15, 0xa129ca6149be45e5n],
];
const sequential = (length: number) => Uint8Array.from({ length }, (_, i) => i);

Deno.test("reference hash is SipHash-2-4 under SipHash's parameters", () => {
  for (const [length, expected] of SIPHASH_VECTORS) {
    assert.equal(referenceHash(SIPHASH, sequential(length)), expected, `length ${length}`);
  }
});

Deno.test("WASM under SipHash's parameters reproduces the SipHash-2-4 vectors", () => {
  const instance = new PowInstance(buildPowModule(SIPHASH));
  // hash() appends the nonce, so feed the vector's first length-8 bytes and the rest as nonce.
  for (const [length, expected] of SIPHASH_VECTORS.filter(([length]) => length >= 8)) {
    const message = sequential(length);
    const tail = new DataView(message.buffer).getBigUint64(length - 8, true);
    assert.equal(instance.hash(message.subarray(0, length - 8), tail), expected);
  }
});

Deno.test("epochs are 6 hours and parameters stay in range", () => {
  assert.equal(EPOCH_MS, 21_600_000);
  assert.equal(epochOf(0), 0);
  assert.equal(epochOf(EPOCH_MS - 1), 0);
  assert.equal(epochOf(EPOCH_MS), 1);
  for (let epoch = 0; epoch < 50; epoch++) {
    const { rotations, constants } = powParams(keyA, epoch);
    assert.equal(new Set(rotations).size, rotations.length, "distinct rotations");
    for (const r of rotations) assert.ok(r >= 7 && r <= 57, `rotation ${r}`);
    for (const c of constants) assert.ok(c >= 0n && c < 2n ** 64n);
  }
  assert.throws(() => powParams(keyA, -1), RangeError);
  assert.throws(() => powParams(new Uint8Array(8), 1), RangeError);
});

Deno.test("module is valid, small, deterministic, and differs across epochs and keys", () => {
  const bytes = buildPowModule(powParams(keyA, 80_000));
  console.log(`pow module: ${bytes.length} bytes`);
  assert.ok(WebAssembly.validate(bytes));
  assert.ok(bytes.length < MAX_MODULE_BYTES, `${bytes.length} bytes`);
  assert.deepEqual(buildPowModule(powParams(keyA, 80_000)), bytes);
  assert.notDeepEqual(buildPowModule(powParams(keyA, 80_001)), bytes);
  assert.notDeepEqual(buildPowModule(powParams(keyB, 80_000)), bytes);
  const exports = WebAssembly.Module.exports(new WebAssembly.Module(bytes));
  assert.deepEqual(
    exports.map((e) => `${e.kind}:${e.name}`).sort(),
    [
      `function:${EXPORTS.hash}`,
      `function:${EXPORTS.solve}`,
      `memory:${EXPORTS.memory}`,
    ].sort(),
  );
});

Deno.test("WASM hash equals the reference on a table of inputs and nonces", () => {
  const inputs = [
    new Uint8Array(0),
    ...Array.from({ length: 17 }, (_, i) => bytesOf(i + 1)),
    encode("x".repeat(131) + "1:example.com:81234:1700000000:16:abcdefghijkl:" + "m".repeat(22)),
    encode("héllo wörld ✓ 日本語 🚀"),
  ];
  assert.equal(inputs[18].length, 200);
  const nonces = [
    0n,
    1n,
    255n,
    256n,
    2n ** 32n - 1n,
    2n ** 40n + 5n,
    2n ** 53n - 1n,
    2n ** 64n - 1n,
  ];
  for (const params of [powParams(keyA, 7), powParams(keyB, 123_456)]) {
    const instance = new PowInstance(buildPowModule(params));
    for (const input of inputs) {
      for (const nonce of nonces) {
        const expected = referenceHash(params, powMessage(input, nonce));
        assert.equal(instance.hash(input, nonce), expected, `len ${input.length} nonce ${nonce}`);
      }
    }
    // A string input is hashed as its UTF-8 bytes.
    const text = "añb€c😀";
    assert.equal(instance.hash(text, 9n), referenceHash(params, powMessage(encode(text), 9n)));
  }
});

Deno.test("raw exports honour ptr: input anywhere in memory hashes the same", () => {
  const params = powParams(keyA, 42);
  const instance = new WebAssembly.Instance(new WebAssembly.Module(buildPowModule(params)), {});
  const memory = new Uint8Array((instance.exports[EXPORTS.memory] as WebAssembly.Memory).buffer);
  const hash = instance.exports[EXPORTS.hash] as (
    ptr: number,
    len: number,
    nonce: bigint,
  ) => bigint;
  const input = bytesOf(29);
  memory.fill(0xaa); // garbage around the input must not leak into the hash
  memory.set(input, 1001);
  const expected = referenceHash(params, powMessage(input, 77n));
  assert.equal(BigInt.asUintN(64, hash(1001, input.length, 77n)), expected);
});

Deno.test("solve finds the first qualifying nonce, respects start, and returns -1 if short", () => {
  const params = powParams(keyB, 99);
  const instance = new PowInstance(buildPowModule(params));
  const input = encode("1:example.com:99:1700000000:8:abcdefghijkl:mmmmmmmmmmmmmmmmmmmmmm");
  const meets = (nonce: bigint, difficulty: number) =>
    leadingZeroBits(referenceHash(params, powMessage(input, nonce))) >= difficulty;

  const first = instance.solve(input, 8, 0n, 1 << 20);
  assert.ok(first >= 0n && meets(first, 8));
  for (let n = 0n; n < first; n++) assert.ok(!meets(n, 8), `nonce ${n} also qualifies`);
  assert.equal(instance.solve(input, 8, 0n, Number(first)), -1n, "slice ends just before it");
  assert.equal(instance.solve(input, 8, 0n, 0), -1n);
  assert.equal(instance.solve(input, 8, first, 1), first);

  const next = instance.solve(input, 8, first + 1n, 1 << 20);
  assert.ok(next > first && meets(next, 8));
  for (let n = first + 1n; n < next; n++) assert.ok(!meets(n, 8), `nonce ${n} skipped`);

  const far = instance.solve(input, 8, 2n ** 40n, 1 << 20);
  assert.ok(far >= 2n ** 40n && meets(far, 8));

  const hard = instance.solve(input, 16, 0n, 1 << 22);
  assert.ok(hard >= 0n && meets(hard, 16));
  assert.equal(instance.solve(input, 65, 0n, 1000), -1n, "65 bits can never be met");
});

Deno.test("solve's midstate path agrees with the reference for every input length mod 8", () => {
  const params = powParams(keyA, 5);
  const instance = new PowInstance(buildPowModule(params));
  for (let length = 0; length <= 17; length++) {
    const input = bytesOf(length);
    const found = instance.solve(input, 6, 0n, 1 << 16);
    let expected = 0n;
    while (leadingZeroBits(referenceHash(params, powMessage(input, expected))) < 6) expected++;
    assert.equal(found, expected, `length ${length}`);
  }
});
