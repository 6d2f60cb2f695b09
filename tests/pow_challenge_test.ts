// Signed challenges and tokens: round trip, every single-field tamper and MAC splice rejected,
// and strict parsing that turns any non-canonical or oversized string into null.
import assert from "node:assert/strict";
import {
  formatToken,
  issueChallenge,
  MAX_CHALLENGE_LENGTH,
  parseChallenge,
  parseToken,
  verifyChallenge,
} from "../lib/pow/challenge.ts";
import { EPOCH_MS } from "../lib/pow/params.ts";

const key = new Uint8Array(32).fill(9);
const otherKey = new Uint8Array(32).fill(10);
const NOW = Date.UTC(2025, 0, 15, 12, 0, 0, 250);
const salt = new TextEncoder().encode("hello world!"); // 12 bytes
const issue = (site = "example.com", difficulty = 16) =>
  issueChallenge({ key, site, difficulty, now: NOW, salt });

/** Replaces field `index` of a challenge string, keeping the rest (and the old MAC). */
const withField = (challenge: string, index: number, value: string) => {
  const fields = challenge.split(":");
  fields[index] = value;
  return fields.join(":");
};

Deno.test("issue then parse round-trips every field", () => {
  const challenge = issue("blog.example-1_x", 18);
  const parsed = verifyChallenge(key, challenge);
  assert.ok(parsed);
  assert.equal(parsed.version, 1);
  assert.equal(parsed.site, "blog.example-1_x");
  assert.equal(parsed.issuedAt, Math.floor(NOW / 1000));
  assert.equal(parsed.epoch, Math.floor(NOW / EPOCH_MS));
  assert.equal(parsed.difficulty, 18);
  assert.equal(parsed.salt, "aGVsbG8gd29ybGQh");
  assert.equal(parsed.text, challenge);
  assert.equal(`${parsed.signed}:${parsed.mac}`, challenge);
  assert.match(challenge, /^1:blog\.example-1_x:\d+:\d+:18:[\w-]{16}:[\w-]{22}$/);
  assert.equal(verifyChallenge(otherKey, challenge), null, "another key's MAC");
});

Deno.test("random salts make every challenge distinct and keep it under the length bound", () => {
  const site = "s".repeat(64);
  const a = issueChallenge({ key, site, difficulty: 40, now: NOW });
  const b = issueChallenge({ key, site, difficulty: 40, now: NOW });
  assert.notEqual(a, b);
  const longest = issueChallenge({ key, site, difficulty: 40, now: NOW, salt: new Uint8Array(32) });
  assert.ok(longest.length <= MAX_CHALLENGE_LENGTH, `${longest.length} chars`);
  assert.ok(verifyChallenge(key, a) && verifyChallenge(key, longest));
});

Deno.test("every single-field tamper is rejected by the MAC", () => {
  const challenge = issue();
  const parsed = parseChallenge(challenge)!;
  const flip = (s: string) => (s[0] === "A" ? "B" : "A") + s.slice(1);
  const tampers: [string, number, string][] = [
    ["site", 1, "example.org"],
    ["epoch", 2, String(parsed.epoch + 1)],
    ["issuedAt", 3, String(parsed.issuedAt - 1)],
    ["difficulty", 4, "1"],
    ["salt", 5, flip(parsed.salt)],
    ["mac", 6, flip(parsed.mac)],
  ];
  for (const [field, index, value] of tampers) {
    const tampered = withField(challenge, index, value);
    // Still well-formed, so it is the MAC, not the parser, that rejects it.
    assert.ok(parseChallenge(tampered), `${field}: tamper should parse`);
    assert.equal(verifyChallenge(key, tampered), null, `${field} tamper accepted`);
  }
});

Deno.test("splicing one challenge's MAC onto another's fields is rejected", () => {
  const easy = parseChallenge(issue("example.com", 1))!;
  const hard = parseChallenge(issue("example.com", 30))!;
  const otherSite = parseChallenge(issue("victim.example", 30))!;
  assert.equal(verifyChallenge(key, `${easy.signed}:${hard.mac}`), null);
  assert.equal(verifyChallenge(key, `${otherSite.signed}:${hard.mac}`), null);
  // Moving a field across the separator (ALTCHA-style) changes the field count or the MAC.
  assert.equal(verifyChallenge(key, `${hard.signed}:${hard.mac}:${easy.mac}`), null);
});

Deno.test("garbage and non-canonical strings parse to null", () => {
  const good = issue();
  const garbage = [
    "",
    ":",
    "::::::",
    "x".repeat(10_000),
    good + ":",
    ":" + good,
    good + ":extra",
    good.replace("example.com", "exämple.com"),
    good.replace("example.com", "exa mple.com"),
    good.replace("example.com", "s".repeat(65)),
    withField(good, 0, "2"),
    withField(good, 0, "01"),
    withField(good, 2, "0" + good.split(":")[2]),
    withField(good, 2, "-1"),
    withField(good, 2, "+5"),
    withField(good, 3, "1e9"),
    withField(good, 3, " 1700000000"),
    withField(good, 3, "99999999999999999999"),
    withField(good, 4, "0"),
    withField(good, 4, "41"),
    withField(good, 4, "016"),
    withField(good, 4, "-16"),
    withField(good, 4, "16.0"),
    withField(good, 5, "short"),
    withField(good, 5, "abc+def/ghi="),
    withField(good, 6, "tooShortMac"),
    withField(good, 6, good.split(":")[6] + "A"),
    withField(good, 6, good.split(":")[6].slice(0, 21) + "B"), // non-canonical last character
    good.replace(/:/g, ";"),
  ];
  for (const text of garbage) assert.equal(parseChallenge(text), null, JSON.stringify(text));
  assert.equal(parseChallenge(undefined as unknown as string), null);
});

Deno.test("tokens carry a canonical decimal nonce after the last separator", () => {
  const challenge = issue();
  const token = formatToken(challenge, 12345);
  assert.equal(token, `${challenge}:12345`);
  const parsed = parseToken(token);
  assert.equal(parsed?.nonce, 12345);
  assert.equal(parsed?.challenge.text, challenge);
  assert.equal(parseToken(`${challenge}:0`)?.nonce, 0);
  assert.equal(parseToken(`${challenge}:${2 ** 53 - 1}`)?.nonce, 2 ** 53 - 1);
  for (const bad of ["012", "-1", "+1", "1e3", "", " 1", "0x10", "9007199254740993", "1.5"]) {
    assert.equal(parseToken(`${challenge}:${bad}`), null, bad);
  }
  assert.equal(parseToken(challenge), null, "challenge without nonce");
  assert.equal(parseToken(""), null);
  assert.equal(parseToken(`${challenge}:1${"0".repeat(300)}`), null);
  assert.throws(() => formatToken(challenge, -1), RangeError);
});

Deno.test("issueChallenge refuses bad input, naming the field", () => {
  const base = { key, site: "example.com", difficulty: 10, now: NOW };
  assert.throws(() => issueChallenge({ ...base, site: "a:b" }), /site/);
  assert.throws(() => issueChallenge({ ...base, site: "" }), /site/);
  assert.throws(() => issueChallenge({ ...base, difficulty: 0 }), /difficulty/);
  assert.throws(() => issueChallenge({ ...base, difficulty: 41 }), /difficulty/);
  assert.throws(() => issueChallenge({ ...base, difficulty: 1.5 }), /difficulty/);
  assert.throws(() => issueChallenge({ ...base, salt: new Uint8Array(8) }), /salt/);
});
