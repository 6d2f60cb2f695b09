// Tests for lib/keys.ts: HMAC-SHA256 against RFC 4231's vectors and node:crypto, one-shot and
// keyed (the precomputed pads must give the same MAC on every call), and key derivation.
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { createHmac } from "node:crypto";
import { deriveKey, hmac, keyedHmac } from "../lib/keys.ts";

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
const bytes = (text: string) => new Uint8Array(Buffer.from(text, "hex"));

// RFC 4231 §4.2, §4.3, §4.7 (test cases 1, 2 and 6: a key longer than the block).
const VECTORS: [Uint8Array, string, string][] = [
  [
    bytes("0b".repeat(20)),
    "Hi There",
    "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
  ],
  [
    new TextEncoder().encode("Jefe"),
    "what do ya want for nothing?",
    "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
  ],
  [
    bytes("aa".repeat(131)),
    "Test Using Larger Than Block-Size Key - Hash Key First",
    "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
  ],
];

Deno.test("hmac and keyedHmac match RFC 4231", () => {
  for (const [key, message, expected] of VECTORS) {
    assert.equal(hex(hmac(key, message)), expected);
    const mac = keyedHmac(key);
    assert.equal(hex(mac(message)), expected);
    assert.equal(hex(mac(new TextEncoder().encode(message))), expected, "bytes or text");
    assert.equal(hex(mac(message)), expected, "the keyed state is reusable");
  }
});

Deno.test("keyedHmac agrees with node:crypto over many inputs and calls", () => {
  const key = crypto.getRandomValues(new Uint8Array(32));
  const mac = keyedHmac(key);
  const results: Uint8Array[] = [];
  for (let length = 0; length < 300; length += 7) {
    const message = `203.0.113.7|Mozilla/5.0 é ${"x".repeat(length)}|site`;
    const result = mac(message);
    results.push(result);
    assert.equal(hex(result), createHmac("sha256", key).update(message).digest("hex"), message);
  }
  assert.notEqual(results[0], results[1], "each call answers a fresh array");
  assert.equal(hex(results[0]), hex(mac("203.0.113.7|Mozilla/5.0 é |site")));
});

Deno.test("keyedHmac agrees with @noble/hashes for every key and message length around blocks", () => {
  // Keys shorter, equal to and longer than a block (hashed first); messages that end just before,
  // at and after the padding boundaries (55/56/64 bytes), as text and as bytes; two keys used
  // alternately, since the scratch buffers are shared.
  const keys = [0, 1, 16, 32, 63, 64, 65, 130].map((n) =>
    crypto.getRandomValues(new Uint8Array(n))
  );
  const macs = keys.map((key) => keyedHmac(key));
  for (let length = 0; length <= 200; length++) {
    const message = crypto.getRandomValues(new Uint8Array(length));
    for (const [i, key] of keys.entries()) {
      const expected = hex(hmac(key, message));
      assert.equal(hex(macs[i](message)), expected, `key ${key.length} B, message ${length} B`);
    }
    const text = "ü".repeat(length >> 1) + "a".repeat(length & 1); // 2-byte UTF-8
    assert.equal(hex(macs[3](text)), hex(hmac(keys[3], text)), `text of ${length} units`);
  }
  const long = "x".repeat(100_000);
  assert.equal(hex(macs[2](long)), hex(hmac(keys[2], long)), "a message longer than the buffer");
  assert.equal(hex(macs[2]("short")), hex(hmac(keys[2], "short")), "and short again after it");
});

Deno.test("deriveKey is HMAC(master, 'echelon:<label>[:<context>]')", () => {
  const master = new TextEncoder().encode("master secret of at least 16 bytes");
  const reference = (data: string) => createHmac("sha256", master).update(data).digest("hex");
  assert.equal(hex(deriveKey(master, "pow-wasm")), reference("echelon:pow-wasm"));
  assert.equal(
    hex(deriveKey(master, "visitor-daily", "2026-11-20")),
    reference("echelon:visitor-daily:2026-11-20"),
  );
});
