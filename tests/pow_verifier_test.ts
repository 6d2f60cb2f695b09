// PowVerifier verdicts with a frozen clock: valid, missing, invalid, expired, replayed, the epoch
// boundary, and restarts (same keys verify old tokens, another secret does not).
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { MemoryEphemeralStore } from "../lib/ephemeral.ts";
import { deriveKey, hmac } from "../lib/keys.ts";
import { parseToken } from "../lib/pow/challenge.ts";
import { PowInstance } from "../lib/pow/instance.ts";
import { EPOCH_MS, epochOf } from "../lib/pow/params.ts";
import { leadingZeroBits } from "../lib/pow/reference_hash.ts";
import { solveChallenge } from "../lib/pow/solver.ts";
import { POW_POINTS, powPoints } from "../lib/pow/verdict.ts";
import { PowVerifier } from "../lib/pow/verifier.ts";
import { EXPORTS } from "../lib/pow/wasm_builder.ts";

const MINUTE = 60_000;
const WINDOW_MS = 30 * MINUTE;
const SITE = "example.com";
// Mid-epoch, so tests that do not cross a boundary never do by accident.
const T0 = (epochOf(Date.UTC(2025, 0, 15)) + 0.5) * EPOCH_MS;

function setup(master = new Uint8Array(32).fill(3), windowMs = WINDOW_MS, start = T0) {
  const clock = { now: start };
  const verifier = new PowVerifier({
    challengeKey: deriveKey(master, "pow-challenge"),
    wasmKey: deriveKey(master, "pow-wasm"),
    windowMs,
    store: new MemoryEphemeralStore(),
    now: () => clock.now,
  });
  const solved = (difficulty = 8, site = SITE) =>
    solveChallenge(verifier, verifier.issue(site, difficulty), difficulty).token;
  return { clock, verifier, solved, master };
}

Deno.test("a solved token is valid and reports its difficulty and issue time", () => {
  const { verifier, solved } = setup();
  const result = verifier.verify(solved(10), SITE, "visitor-a");
  assert.deepEqual(result, { verdict: "valid", difficulty: 10, issuedAt: T0 / 1000 });
});

Deno.test("no token is missing", () => {
  const { verifier } = setup();
  for (const token of [null, undefined, ""]) {
    assert.deepEqual(verifier.verify(token, SITE, "v"), { verdict: "missing" });
  }
});

Deno.test("wrong nonce, tampering, wrong site and bad format are invalid", () => {
  const { verifier, solved } = setup();
  const token = solved(8);
  const { challenge, nonce } = parseToken(token)!;
  const instance = new PowInstance(verifier.moduleFor(challenge.epoch).bytes);
  let wrong = nonce + 1;
  while (leadingZeroBits(instance.hash(challenge.text, BigInt(wrong))) >= 8) wrong++;
  const invalid = [
    `${challenge.text}:${wrong}`,
    token.replace(`:${SITE}:`, ":example.org:"),
    token.replace(/:8:/, ":1:"),
    `${token}0`,
    token.slice(0, token.lastIndexOf(":")),
    "garbage",
    "1:a:b:c:d:e:f:g",
    token + ":1",
    "x".repeat(5000),
  ];
  for (const bad of invalid) {
    assert.equal(verifier.verify(bad, SITE, "v").verdict, "invalid", bad.slice(0, 80));
  }
  assert.equal(verifier.verify(token, "example.org", "v").verdict, "invalid", "other site");
  assert.equal(verifier.verify(token, SITE, "v").verdict, "valid", "the original still works");
});

Deno.test("a nonce that meets a lower difficulty than the challenge's is invalid", () => {
  const { verifier } = setup();
  const challenge = verifier.issue(SITE, 20);
  const instance = new PowInstance(verifier.currentModule().bytes);
  // Walk the difficulty-4 solutions until one falls short of 20 bits (almost always the first).
  let start = 0;
  let nonce: number;
  do {
    nonce = Number(instance.solve(challenge, 4, BigInt(start), 1 << 20));
    start = nonce + 1;
  } while (leadingZeroBits(instance.hash(challenge, BigInt(nonce))) >= 20);
  assert.equal(verifier.verify(`${challenge}:${nonce}`, SITE, "v").verdict, "invalid");
});

Deno.test("an authentic challenge whose epoch disagrees with its issue time is invalid", () => {
  const { verifier, master } = setup();
  const issuedAt = T0 / 1000;
  const salt = Buffer.from("0123456789ab").toString("base64url");
  // Signed with the real key, as a bug or a leaked older format might: the check must not rely
  // on the MAC alone.
  const signed = `1:${SITE}:${epochOf(T0) - 1}:${issuedAt}:1:${salt}`;
  const mac = Buffer.from(hmac(deriveKey(master, "pow-challenge"), signed).subarray(0, 16))
    .toString("base64url");
  const token = solveChallenge(verifier.moduleFor(epochOf(T0) - 1).bytes, `${signed}:${mac}`, 1);
  assert.equal(verifier.verify(token.token, SITE, "v").verdict, "invalid");
});

Deno.test("issue times beyond the clock skew are invalid, within it valid", () => {
  const { verifier, solved, clock } = setup();
  const aheadToken = solved(4);
  clock.now = T0 - 30_000; // the issuing instance was 30 s ahead of this one
  assert.equal(verifier.verify(aheadToken, SITE, "v").verdict, "valid");
  clock.now = T0 - 2 * MINUTE;
  assert.equal(verifier.verify(aheadToken, SITE, "w").verdict, "invalid");
});

Deno.test("tokens older than the window are expired", () => {
  const { verifier, solved, clock } = setup();
  const token = solved(4);
  clock.now = T0 + WINDOW_MS;
  assert.equal(verifier.verify(token, SITE, "v").verdict, "valid", "exactly at the edge");
  clock.now = T0 + WINDOW_MS + 1000;
  assert.deepEqual(verifier.verify(token, SITE, "v"), {
    verdict: "expired",
    difficulty: 4,
    issuedAt: T0 / 1000,
  });
});

Deno.test("the previous epoch's tokens survive a boundary; two epochs back are rejected", () => {
  const boundary = (epochOf(T0) + 1) * EPOCH_MS;
  const { verifier, solved, clock } = setup(undefined, 24 * 60 * MINUTE, boundary - 1000);
  const token = solved(6);
  const epoch = parseToken(token)!.challenge.epoch;
  assert.equal(epoch, epochOf(boundary) - 1);
  clock.now = boundary + 1000;
  assert.equal(verifier.verify(token, SITE, "v").verdict, "valid");
  assert.notEqual(verifier.currentModule().epoch, epoch, "new challenges use the new module");
  clock.now = boundary + EPOCH_MS + 1000; // still inside the 24 h window, but two epochs on
  assert.equal(verifier.verify(token, SITE, "v").verdict, "expired");
});

Deno.test("a second visitor presenting a spent token is replayed; the first may reuse it", () => {
  const { verifier, solved, clock } = setup();
  const token = solved(6);
  assert.equal(verifier.verify(token, SITE, "visitor-a").verdict, "valid");
  clock.now += 5000;
  assert.deepEqual(verifier.verify(token, SITE, "visitor-b"), {
    verdict: "replayed",
    difficulty: 6,
    issuedAt: T0 / 1000,
  });
  assert.equal(verifier.verify(token, SITE, "visitor-a").verdict, "valid", "same page, more hits");
  const fresh = solved(6);
  assert.equal(verifier.verify(fresh, SITE, "visitor-b").verdict, "valid", "own token");
});

Deno.test("a restart with the same keys verifies earlier tokens; another secret does not", () => {
  const first = setup();
  const token = first.solved(8);
  const bytes = first.verifier.currentModule().bytes;

  const restarted = setup(first.master);
  restarted.clock.now = T0 + MINUTE;
  assert.deepEqual(restarted.verifier.currentModule().bytes, bytes, "identical bytecode");
  assert.equal(restarted.verifier.verify(token, SITE, "v").verdict, "valid");

  const stranger = setup(new Uint8Array(32).fill(4));
  assert.notDeepEqual(stranger.verifier.currentModule().bytes, bytes);
  assert.equal(stranger.verifier.verify(token, SITE, "v").verdict, "invalid");
});

Deno.test("modules: full bytes for the server, a solve-only hex module for browsers", () => {
  const { verifier, clock } = setup();
  const module = verifier.currentModule();
  assert.equal(module.epoch, epochOf(T0));
  assert.ok(WebAssembly.validate(module.bytes));
  const browserBytes = new Uint8Array(Buffer.from(module.hex, "hex"));
  assert.match(module.hex, /^(?:[0-9a-f]{2})+$/);
  assert.ok(WebAssembly.validate(browserBytes));
  assert.ok(browserBytes.length < module.bytes.length, "the browser's module is smaller");
  const browser = new WebAssembly.Instance(new WebAssembly.Module(browserBytes)).exports;
  assert.deepEqual(Object.keys(browser).sort(), [EXPORTS.memory, EXPORTS.solve], "no hash export");
  // The browser's solve finds the same first nonce as the server's full module.
  const input = new TextEncoder().encode(verifier.issue(SITE, 8));
  new Uint8Array((browser[EXPORTS.memory] as WebAssembly.Memory).buffer).set(input);
  const solve = browser[EXPORTS.solve] as (...args: unknown[]) => bigint;
  const server = new PowInstance(module.bytes);
  const nonce = solve(0, input.length, 8, 0n, 1 << 20);
  assert.equal(nonce, server.solve(input, 8, 0n, 1 << 20));
  assert.ok(leadingZeroBits(server.hash(new TextDecoder().decode(input), nonce)) >= 8);
  assert.equal(verifier.moduleFor(module.epoch), module, "cached");
  clock.now += EPOCH_MS;
  assert.equal(verifier.currentModule().epoch, module.epoch + 1);
});

Deno.test("verdict points", () => {
  assert.deepEqual(POW_POINTS, { valid: 0, missing: 15, invalid: 25, expired: 25, replayed: 40 });
  assert.equal(powPoints("replayed"), 40);
});
