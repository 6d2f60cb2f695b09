// ECHELON_SECRET (issue 13 item 7): a weak secret stops the start with a message saying how to make
// one; derived keys come from Argon2id(secret), so a challenge from `GET /c` is no longer a cheap
// oracle for guessing the secret (the admin's bearer token).
import assert from "node:assert/strict";
import { argon2id } from "@noble/hashes/argon2.js";
import { createTestApp, TEST_SECRET } from "./_helpers.ts";
import { runToExit, spawnServer } from "./_process.ts";
import { ConfigError, loadConfig } from "../lib/config.ts";
import { deriveKey } from "../lib/keys.ts";
import { isAuthentic, parseChallenge } from "../lib/pow/mod.ts";
import { secretWeakness } from "../lib/secret_strength.ts";

Deno.test("secret: a weak ECHELON_SECRET stops the start, naming the fix", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const weak = await runToExit({
      ECHELON_PORT: "0",
      ECHELON_DB_PATH: `${dir}/weak.db`,
      ECHELON_SECRET: "sunshine1",
    });
    assert.equal(weak.code, 2, weak.output);
    assert.match(weak.output, /Invalid configuration: ECHELON_SECRET: too weak: 9 characters/);
    assert.match(weak.output, /openssl rand -hex 32/);
    assert.doesNotMatch(weak.output, /sunshine1/, "the secret itself is never printed");

    const strong = await spawnServer({
      ECHELON_DB_PATH: `${dir}/strong.db`,
      ECHELON_SECRET: TEST_SECRET,
    });
    try {
      const res = await fetch(`${strong.baseUrl}/api/stats/realtime?site_id=shop`, {
        headers: { authorization: `Bearer ${TEST_SECRET}` },
      });
      assert.equal(res.status, 200, "a strong secret starts, and is the bearer token");
      await res.body?.cancel();
    } finally {
      await strong.stop();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("secret: short, repetitive and counting secrets are refused; random ones pass", () => {
  const weak = [
    "sunshine1",
    "s".repeat(40),
    "ab".repeat(20),
    "password".repeat(4),
    "Summer2024!Summer2024!Summer2024!",
    "abcdefghijklmnopqrstuvwxyz012345",
    "test-secret-0123456789-abcdefghijkl",
    " ".repeat(40),
  ];
  for (const secret of weak) {
    assert.notEqual(secretWeakness(secret), null, secret);
    assert.throws(
      () => loadConfig({ ECHELON_SECRET: secret }),
      (error: unknown) => error instanceof ConfigError && error.variable === "ECHELON_SECRET",
    );
  }
  const strong = [
    TEST_SECRET,
    "4f1c2b9a7d3e8f0a6b5c4d3e2f1a0b9c", // openssl rand -hex 16
    "q7Yx2Lr9ZkP1bV8nW3sD6fH0jM4tC5gA", // 32 characters of base64
  ];
  for (const secret of strong) assert.equal(secretWeakness(secret), null, secret);
  for (let i = 0; i < 200; i++) {
    const hex = Array.from(crypto.getRandomValues(new Uint8Array(32)), (b) => b.toString(16))
      .map((h) => h.padStart(2, "0")).join("");
    assert.equal(secretWeakness(hex), null, hex);
  }
  assert.equal(loadConfig({}).secret, "", "unset: a generated instance secret");
});

Deno.test("secret: the challenge MAC needs Argon2id of the secret, not one HMAC of it", async () => {
  const t = await createTestApp({ ECHELON_SECRET: TEST_SECRET });
  const res = await t.request("/c?s=shop");
  assert.equal(res.status, 200);
  const challenge = parseChallenge((await res.json()).challenge);
  assert.ok(challenge);

  // What an attacker could test a guess with before: HMAC(HMAC(guess, label), challenge).
  const naive = deriveKey(new TextEncoder().encode(TEST_SECRET), "pow-challenge");
  assert.equal(isAuthentic(naive, challenge), false, "the naive derivation no longer matches");
  // The documented derivation (README "ECHELON_SECRET"): Argon2id, m = 19 MiB, t = 2, p = 1.
  const started = performance.now();
  const master = argon2id(TEST_SECRET, "echelon-analytics:master-secret:v1", {
    m: 19_456,
    t: 2,
    p: 1,
    dkLen: 32,
  });
  const guessMs = performance.now() - started;
  assert.equal(isAuthentic(deriveKey(master, "pow-challenge"), challenge), true);
  assert.deepEqual(t.services.masterSecret, master);
  console.log(`one guess of the secret costs ${guessMs.toFixed(0)} ms of Argon2id here`);

  // Deterministic: another instance with the same secret (and another database) agrees.
  const other = await createTestApp({ ECHELON_SECRET: TEST_SECRET });
  assert.deepEqual(other.services.masterSecret, master);
});
