// Signed, self-contained proof-of-work challenges and the tokens that answer them.
// Format: "1:<site>:<epoch>:<issuedAt>:<difficulty>:<salt>:<mac>"; token = challenge ":" evidence
// ":" nonce, where the nonce solves the hash of challenge ":" evidence, so the browser evidence
// (lib/bots/evidence.ts) is sealed into the work and cannot be swapped after solving. A token
// without evidence (challenge ":" nonce, hashed over the challenge) still parses: the evidence
// step scores it. One HMAC covers every challenge field, so none can be spliced in from elsewhere
// (ALTCHA CVE-2025-68113).
import { Buffer } from "node:buffer";
import { hmac, type Mac, timingSafeEqualBytes } from "../keys.ts";
import { epochOf } from "./params.ts";

export const CHALLENGE_VERSION = 1;
export const MIN_DIFFICULTY = 1;
export const MAX_DIFFICULTY = 40;
/** Bounds every string before any regex or HMAC runs on it. */
export const MAX_CHALLENGE_LENGTH = 200;
/** Bounds the browser evidence sealed into a token (lib/bots/evidence.ts encodes ~150 chars). */
export const MAX_EVIDENCE_LENGTH = 320;
/** A nonce is at most 2^53 - 1: 16 decimal digits. */
export const MAX_TOKEN_LENGTH = MAX_CHALLENGE_LENGTH + 1 + MAX_EVIDENCE_LENGTH + 1 + 16;

const FIELD_COUNT = 7;
/** 128-bit MAC: HMAC-SHA256 truncated per RFC 2104 section 5 (keep at least half the output). */
const MAC_BYTES = 16;
const SALT_BYTES = 12;
// ":" separates fields and none of these alphabets can contain it, so the encoding is unambiguous.
const SITE = /^[A-Za-z0-9._-]{1,64}$/;
const SALT = /^[A-Za-z0-9_-]{12,43}$/; // base64url of 9..32 bytes, treated as an opaque string
// 16 bytes in base64url: the last of 22 characters carries 2 bits, so its low 4 bits must be zero
// ([AQgw]); otherwise four spellings of one MAC would decode alike and make tokens malleable.
const MAC = /^[A-Za-z0-9_-]{21}[AQgw]$/;
// Canonical decimal: no sign, no leading zeros, no exponent, so one value has one spelling.
const DECIMAL = /^(?:0|[1-9][0-9]{0,15})$/;
// Evidence: base-36 numbers and a language tag joined by "." (never ":", the field separator).
const EVIDENCE = new RegExp(`^[0-9a-z.-]{1,${MAX_EVIDENCE_LENGTH}}$`);

export interface Challenge {
  readonly version: typeof CHALLENGE_VERSION;
  readonly site: string;
  readonly epoch: number;
  /** Unix seconds. */
  readonly issuedAt: number;
  readonly difficulty: number;
  readonly salt: string;
  readonly mac: string;
  /** Everything the MAC covers: the challenge string up to its last ":". */
  readonly signed: string;
  /** The whole challenge string; its UTF-8 (ASCII) bytes are the hash input. */
  readonly text: string;
}

export interface Token {
  readonly challenge: Challenge;
  /** The browser evidence sealed into the token, or null for a token without any. */
  readonly evidence: string | null;
  readonly nonce: number;
}

/** The challenge key, or a keyed MAC of it (keyedHmac) for callers that sign and verify often. */
export type ChallengeKey = Uint8Array | Mac;

export interface IssueOptions {
  key: ChallengeKey;
  site: string;
  difficulty: number;
  /** Milliseconds since the Unix epoch. */
  now: number;
  /** Fixed salt for tests; random when omitted. 9..32 bytes. */
  salt?: Uint8Array;
}

export function issueChallenge({ key, site, difficulty, now, salt }: IssueOptions): string {
  if (!SITE.test(site)) throw new TypeError(`site must match ${SITE}, got ${JSON.stringify(site)}`);
  if (!isDifficulty(difficulty)) {
    throw new RangeError(
      `difficulty must be ${MIN_DIFFICULTY}..${MAX_DIFFICULTY}, got ${difficulty}`,
    );
  }
  if (!Number.isFinite(now) || now < 0) throw new RangeError(`now must be a timestamp, got ${now}`);
  const saltBytes = salt ?? crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  if (saltBytes.length < 9 || saltBytes.length > 32) {
    throw new RangeError(`salt must hold 9..32 bytes, got ${saltBytes.length}`);
  }
  const issuedAt = Math.floor(now / 1000);
  const signed = [
    CHALLENGE_VERSION,
    site,
    epochOf(issuedAt * 1000),
    issuedAt,
    difficulty,
    base64url(saltBytes),
  ].join(":");
  return `${signed}:${macOf(key, signed)}`;
}

/** Strict syntax check; says nothing about authenticity (see `isAuthentic`). */
export function parseChallenge(text: string): Challenge | null {
  if (typeof text !== "string" || text.length > MAX_CHALLENGE_LENGTH) return null;
  const fields = text.split(":");
  if (fields.length !== FIELD_COUNT) return null;
  const [version, site, epochText, issuedAtText, difficultyText, salt, mac] = fields;
  if (version !== String(CHALLENGE_VERSION) || !SITE.test(site)) return null;
  if (!SALT.test(salt) || !MAC.test(mac)) return null;
  const epoch = decimal(epochText);
  const issuedAt = decimal(issuedAtText);
  const difficulty = decimal(difficultyText);
  if (epoch === null || issuedAt === null || difficulty === null) return null;
  if (!isDifficulty(difficulty)) return null;
  const signed = text.slice(0, text.length - mac.length - 1);
  return { version: CHALLENGE_VERSION, site, epoch, issuedAt, difficulty, salt, mac, signed, text };
}

/** Constant-time check that the MAC covers exactly this challenge's fields under `key`. */
export function isAuthentic(key: ChallengeKey, challenge: Challenge): boolean {
  // Compare bytes, not strings: decoding the canonical MAC is cheaper than encoding two strings.
  const expected = macBytes(key, challenge.signed).subarray(0, MAC_BYTES);
  return timingSafeEqualBytes(expected, Buffer.from(challenge.mac, "base64url"));
}

/** Parse and authenticate in one step; null unless both hold. */
export function verifyChallenge(key: ChallengeKey, text: string): Challenge | null {
  const challenge = parseChallenge(text);
  return challenge && isAuthentic(key, challenge) ? challenge : null;
}

/** The bytes a token's nonce must solve: the challenge, then ":" and the evidence if any. */
export function solvedInput(challenge: string, evidence: string | null = null): string {
  return evidence === null ? challenge : `${challenge}:${evidence}`;
}

export function formatToken(
  challenge: string,
  nonce: number,
  evidence: string | null = null,
): string {
  if (!Number.isSafeInteger(nonce) || nonce < 0) throw new RangeError(`bad nonce ${nonce}`);
  if (evidence !== null && !EVIDENCE.test(evidence)) {
    throw new TypeError(`evidence must match ${EVIDENCE}, got ${JSON.stringify(evidence)}`);
  }
  return `${solvedInput(challenge, evidence)}:${nonce}`;
}

/**
 * Splits off the nonce at the last ":" and, when the rest has one field more than a challenge,
 * the evidence at the next; parses every part strictly; null on any deviation.
 */
export function parseToken(token: string): Token | null {
  if (typeof token !== "string" || token.length > MAX_TOKEN_LENGTH) return null;
  const cut = token.lastIndexOf(":");
  if (cut < 0) return null;
  const nonce = decimal(token.slice(cut + 1));
  if (nonce === null) return null;
  const head = token.slice(0, cut);
  // The tracker's tokens carry evidence: try that form first (a challenge has 7 fields, so the
  // split below fails at once for a token without evidence).
  const mid = head.lastIndexOf(":");
  const sealed = mid < 0 ? null : parseChallenge(head.slice(0, mid));
  if (sealed) {
    const evidence = head.slice(mid + 1);
    return EVIDENCE.test(evidence) ? { challenge: sealed, evidence, nonce } : null;
  }
  const challenge = parseChallenge(head);
  return challenge && { challenge, evidence: null, nonce };
}

function macOf(key: ChallengeKey, signed: string): string {
  return base64url(macBytes(key, signed).subarray(0, MAC_BYTES));
}

function macBytes(key: ChallengeKey, signed: string): Uint8Array {
  return typeof key === "function" ? key(signed) : hmac(key, signed);
}

function base64url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64url");
}

function decimal(text: string): number | null {
  if (!DECIMAL.test(text)) return null;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : null;
}

function isDifficulty(value: number): boolean {
  return Number.isInteger(value) && value >= MIN_DIFFICULTY && value <= MAX_DIFFICULTY;
}
