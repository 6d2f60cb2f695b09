// Password hashing: the stored format, agreement with an independent PBKDF2 (node:crypto),
// constant-shape verification, malformed hashes refused at boot with the variable's name, and the
// `hash-password` script's output accepted by the verifier.
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { pbkdf2Sync } from "node:crypto";
import {
  hashPassword,
  parsePasswordHash,
  PasswordHashError,
  PBKDF2_ITERATIONS,
  verifyPassword,
} from "../lib/auth/password.ts";
import { ConfigError } from "../lib/config.ts";
import { createTestApp } from "./_helpers.ts";
import { TEST_PASSWORD, TEST_PASSWORD_HASH } from "./_auth.ts";

const SCRIPT = new URL("../scripts/hash_password.ts", import.meta.url).pathname;

Deno.test("password: new hashes are pbkdf2$600000$<16-byte salt>$<32-byte key> and match node:crypto", async () => {
  const encoded = await hashPassword("correct horse battery staple");
  const [scheme, iterations, salt, hash] = encoded.split("$");
  assert.equal(scheme, "pbkdf2");
  assert.equal(Number(iterations), PBKDF2_ITERATIONS);
  assert.equal(PBKDF2_ITERATIONS, 600_000);
  assert.equal(Buffer.from(salt, "base64").length, 16);
  assert.equal(Buffer.from(hash, "base64").length, 32);
  const expected = pbkdf2Sync(
    "correct horse battery staple",
    Buffer.from(salt, "base64"),
    600_000,
    32,
    "sha256",
  );
  assert.equal(hash, expected.toString("base64"), "an independent PBKDF2 derives the same key");
  assert.equal(await verifyPassword("correct horse battery staple", encoded), true);
  assert.equal(await verifyPassword("correct horse battery stapl", encoded), false);
});

Deno.test("password: salts are random, and any iteration count in the string is honoured", async () => {
  const a = await hashPassword("pw", { iterations: 1000 });
  const b = await hashPassword("pw", { iterations: 1000 });
  assert.notEqual(a, b);
  assert.equal(parsePasswordHash(a).iterations, 1000);
  assert.equal(await verifyPassword(TEST_PASSWORD, TEST_PASSWORD_HASH), true);
  assert.equal(await verifyPassword("Test-password", TEST_PASSWORD_HASH), false);
  assert.equal(await verifyPassword("", TEST_PASSWORD_HASH), false);
  // A hash made elsewhere with another key length (here 64 bytes) verifies too.
  const salt = Buffer.from("0123456789abcdef");
  const key64 = pbkdf2Sync("pw", salt, 2000, 64, "sha256").toString("base64");
  assert.equal(await verifyPassword("pw", `pbkdf2$2000$${salt.toString("base64")}$${key64}`), true);
});

Deno.test("password: malformed hashes are refused with a message naming the problem", () => {
  const cases: [string, RegExp][] = [
    ["", /expected pbkdf2\$<iterations>/],
    ["plaintext-password", /expected pbkdf2\$<iterations>/],
    ["bcrypt$10$abc$def", /expected pbkdf2\$<iterations>/],
    ["pbkdf2$abc$AAAAAAAAAAAAAAAAAAAAAA==$" + "A".repeat(44), /iterations must be an integer/],
    ["pbkdf2$0$AAAAAAAAAAAAAAAAAAAAAA==$" + "A".repeat(43) + "=", /iterations must be 1\.\./],
    ["pbkdf2$20000000$AAAAAAAAAAAAAAAAAAAAAA==$" + "A".repeat(43) + "=", /iterations must be/],
    ["pbkdf2$1000$not base64!$" + "A".repeat(43) + "=", /salt is not valid base64/],
    ["pbkdf2$1000$AAAAAAAAAAAAAAAAAAAAAA==$", /hash is not valid base64/],
    ["pbkdf2$1000$AAAA$" + "A".repeat(43) + "=", /salt must be at least 8 bytes/],
    ["pbkdf2$1000$AAAAAAAAAAAAAAAAAAAAAA==$AAAA", /hash must be 16\.\.64 bytes/],
  ];
  for (const [encoded, message] of cases) {
    assert.throws(() => parsePasswordHash(encoded), (error: unknown) => {
      assert.ok(error instanceof PasswordHashError, encoded);
      assert.match(error.message, message, encoded);
      return true;
    });
  }
});

Deno.test("password: a malformed or incomplete credential config stops boot naming the variable", async () => {
  const cases: [Record<string, string>, string, RegExp][] = [
    [
      { ECHELON_USERNAME: "admin", ECHELON_PASSWORD_HASH: "hunter2" },
      "ECHELON_PASSWORD_HASH",
      /expected pbkdf2/,
    ],
    [{ ECHELON_USERNAME: "admin" }, "ECHELON_PASSWORD_HASH", /required when ECHELON_USERNAME/],
    [{ ECHELON_PASSWORD_HASH: TEST_PASSWORD_HASH }, "ECHELON_USERNAME", /required/],
  ];
  for (const [env, variable, message] of cases) {
    await assert.rejects(createTestApp(env), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.variable, variable);
      assert.match(error.message, message);
      return true;
    });
  }
});

async function runScript(
  args: string[],
  stdin: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", SCRIPT, ...args],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(stdin));
  await writer.close();
  const out = await child.output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}

Deno.test("password: hash-password prints one hash line that verifies (stdin and argument)", async () => {
  const piped = await runScript([], "a long enough passphrase\n");
  assert.equal(piped.code, 0, piped.stderr);
  const line = piped.stdout.trim();
  assert.equal(piped.stdout, `${line}\n`, "only the hash on stdout");
  assert.match(line, /^pbkdf2\$600000\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
  assert.equal(await verifyPassword("a long enough passphrase", line), true);
  assert.equal(await verifyPassword("a long enough passphrase\n", line), false);

  const argument = await runScript(["short"], "");
  assert.equal(argument.code, 0);
  assert.match(argument.stderr, /at least 12 characters/);
  assert.equal(await verifyPassword("short", argument.stdout.trim()), true);

  const empty = await runScript([], "");
  assert.equal(empty.code, 1);
  assert.equal(empty.stdout, "");
  assert.match(empty.stderr, /empty/);
});
