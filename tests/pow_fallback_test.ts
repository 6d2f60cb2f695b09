// The tracker's JavaScript proof of work (the /ea.pow.js chunk, for browsers without usable
// WebAssembly): it reads each epoch's parameters out of the module the browser is sent, and its
// `solve` answers exactly like the WASM export, checked against the module and the reference hash.
import assert from "node:assert/strict";
import { PowInstance } from "../lib/pow/instance.ts";
import { type PowParams, powParams } from "../lib/pow/params.ts";
import { leadingZeroBits, powMessage, referenceHash } from "../lib/pow/reference_hash.ts";
import { buildPowModule } from "../lib/pow/wasm_builder.ts";
import { paramsFromModule } from "../tracker/pow_params.ts";
import { powSolver } from "../tracker/pow_js.ts";
import { createTestApp } from "./_helpers.ts";

const keys = [new Uint8Array(32).fill(1), new Uint8Array(32).fill(2)];
const encode = (text: string) => new TextEncoder().encode(text);
/** The lanes as the fallback holds them: [v0 high, v0 low, v1 high, …] as int32. */
const halves = (params: PowParams) =>
  params.constants.flatMap((c) => [Number(c >> 32n) | 0, Number(c & 0xffff_ffffn) | 0]);

/** The fallback's solver for `params`, built from the browser's module as the tracker does. */
function fallbackFor(params: PowParams) {
  return powSolver(paramsFromModule(buildPowModule(params, { hash: false })));
}

Deno.test("pow fallback: reads the constants and rotations of 400 epochs from the browser's module", () => {
  let rotationsOf32 = 0;
  for (const key of keys) {
    for (let epoch = 81_000; epoch < 81_200; epoch++) {
      const params = powParams(key, epoch);
      const read = paramsFromModule(buildPowModule(params, { hash: false }));
      assert.deepEqual(
        read,
        { lanes: halves(params), rotations: [...params.rotations] },
        `${epoch}`,
      );
      if (params.rotations.includes(32)) rotationsOf32++;
    }
  }
  assert.ok(rotationsOf32 > 0, "a rotation by exactly one half is among them");
});

Deno.test("pow fallback: the module the server embeds in /ea.js yields the server's parameters", async () => {
  const t = await createTestApp();
  const module = t.services.pow.currentModule();
  const fromHex = Uint8Array.from(module.hex.match(/../g)!, (h) => parseInt(h, 16));
  const read = paramsFromModule(fromHex);
  // The server's verifier hashes with the same parameters: a nonce the fallback finds verifies.
  const challenge = t.services.pow.issue("fixture", 10);
  const solver = powSolver(read);
  const input = encode(challenge);
  new Uint8Array(solver.m.buffer).set(input);
  const nonce = solver.s(0, input.length, 10, 0n, 1 << 20);
  assert.ok(nonce >= 0n);
  const verdict = t.services.pow.verify(`${challenge}:${nonce}`, "fixture", "visitor").verdict;
  assert.equal(verdict, "valid");
});

Deno.test("pow fallback: finds the same nonces as the WASM module for many epochs and inputs", () => {
  const inputs = [
    new Uint8Array(0),
    ...[1, 5, 7, 8, 9, 15, 16, 17, 23, 24, 31].map((n) =>
      Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 0xff)
    ),
    encode("1:fixture:82000:1763640000:16:0a1b2c3d4e5f6071:c0ffee0123456789abcdef0123456789"),
    encode("1:www.example-customer.com:82000:1763640000:16:0a1b2c3d4e5f6071:c0ffee:evidence…"),
  ];
  let compared = 0;
  for (const key of keys) {
    for (const epoch of [82_000, 82_001, 82_002, 90_123]) {
      const params = powParams(key, epoch);
      const wasm = new PowInstance(buildPowModule(params));
      const js = fallbackFor(params);
      const memory = new Uint8Array(js.m.buffer);
      for (const input of inputs) {
        memory.set(input);
        for (const difficulty of [0, 6, 11]) {
          const expected = wasm.solve(input, difficulty, 0n, 1 << 16);
          assert.equal(js.s(0, input.length, difficulty, 0n, 1 << 16), expected);
          assert.ok(expected >= 0n);
          const hash = referenceHash(params, powMessage(input, expected));
          assert.ok(leadingZeroBits(hash) >= difficulty, "the reference agrees");
          compared++;
        }
      }
    }
  }
  assert.equal(compared, 2 * 4 * 14 * 3);
});

Deno.test("pow fallback: start, count and pointer mean what they mean for the WASM export", () => {
  const params = powParams(keys[0], 82_000);
  const wasm = new PowInstance(buildPowModule(params));
  const js = fallbackFor(params);
  const input = encode("1:fixture:82000:1763640000:12:0a1b2c3d4e5f6071:c0ffee");
  new Uint8Array(js.m.buffer).set(input, 100);
  const solve = (difficulty: number, start: bigint, count: number) => {
    const expected = wasm.solve(input, difficulty, start, count);
    assert.equal(js.s(100, input.length, difficulty, start, count), expected, `${start}+${count}`);
    return expected;
  };
  const first = solve(12, 0n, 1 << 20);
  assert.ok(first > 0n);
  // Resumed slices find the same nonce; a slice that stops short of it finds none.
  assert.equal(solve(12, first, 1), first);
  assert.equal(solve(12, first - 1n, 2), first);
  assert.equal(solve(12, 0n, Number(first)), -1n);
  assert.equal(solve(12, first + 1n, 0), -1n);
  // Nonces past 2^32 (the high half of the nonce's 8 bytes) and near 2^63.
  const high = solve(8, 0xffff_ff00n, 1 << 16);
  assert.ok(high > 0xffff_ff00n);
  assert.ok(solve(8, 0x7fff_ffff_ffff_f000n, 1 << 16) > 0x7fff_ffff_ffff_f000n);
});

Deno.test("pow fallback: a module of another layout is refused with a clear error", () => {
  const module = buildPowModule(powParams(keys[0], 82_000), { hash: false });
  for (
    const bad of [
      new Uint8Array(10),
      module.slice(0, 40),
      module.map((b) => b === 0x89 ? 0 : b),
    ]
  ) {
    assert.throws(() => paramsFromModule(bad), /unexpected proof-of-work module layout/);
  }
});
