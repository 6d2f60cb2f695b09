// Admin passwords: PBKDF2-HMAC-SHA-256 through WebCrypto, stored as
// `pbkdf2$<iterations>$<base64 salt>$<base64 hash>` (the reference's format, so its hashes keep
// working). New hashes use 600 000 iterations (OWASP 2023), a 16-byte salt and a 32-byte key.
import { timingSafeEqualBytes } from "../keys.ts";

export const PBKDF2_ITERATIONS = 600_000;
/** Accepted range when verifying: old or test hashes may use fewer, never absurd counts. */
export const MIN_ITERATIONS = 1;
export const MAX_ITERATIONS = 10_000_000;
const SALT_BYTES = 16;
const KEY_BYTES = 32;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const encoder = new TextEncoder();

/** A hash string that cannot be used; the message says which part is wrong. */
export class PasswordHashError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PasswordHashError";
  }
}

export interface PasswordHash {
  iterations: number;
  salt: Uint8Array<ArrayBuffer>;
  hash: Uint8Array<ArrayBuffer>;
}

/** Parses `pbkdf2$<iterations>$<salt>$<hash>`; throws PasswordHashError naming the bad part. */
export function parsePasswordHash(encoded: string): PasswordHash {
  const parts = encoded.trim().split("$");
  if (parts.length !== 4 || parts[0] !== "pbkdf2") {
    throw new PasswordHashError(
      "expected pbkdf2$<iterations>$<base64 salt>$<base64 hash> (create one with " +
        "`deno task hash-password`)",
    );
  }
  const [, iterationsText, saltText, hashText] = parts;
  if (!/^\d{1,8}$/.test(iterationsText)) {
    throw new PasswordHashError(`iterations must be an integer, got "${iterationsText}"`);
  }
  const iterations = Number(iterationsText);
  if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
    throw new PasswordHashError(
      `iterations must be ${MIN_ITERATIONS}..${MAX_ITERATIONS}, got ${iterations}`,
    );
  }
  const salt = decodeBase64(saltText, "salt");
  const hash = decodeBase64(hashText, "hash");
  if (salt.length < 8) throw new PasswordHashError(`salt must be at least 8 bytes`);
  if (hash.length < 16 || hash.length > 64) {
    throw new PasswordHashError(`hash must be 16..64 bytes, got ${hash.length}`);
  }
  return { iterations, salt, hash };
}

/** A new hash string for `password` with a fresh random salt. */
export async function hashPassword(
  password: string,
  options: { iterations?: number } = {},
): Promise<string> {
  const iterations = options.iterations ?? PBKDF2_ITERATIONS;
  if (!Number.isInteger(iterations) || iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
    throw new RangeError(`iterations must be ${MIN_ITERATIONS}..${MAX_ITERATIONS}`);
  }
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const hash = await pbkdf2(password, salt, iterations, KEY_BYTES);
  return `pbkdf2$${iterations}$${encodeBase64(salt)}$${encodeBase64(hash)}`;
}

/**
 * True when `password` matches. The derived key is compared in constant time; a malformed hash
 * string is an error (config validation rejects it at boot), never a silent false.
 */
export async function verifyPassword(
  password: string,
  encoded: string | PasswordHash,
): Promise<boolean> {
  const stored = typeof encoded === "string" ? parsePasswordHash(encoded) : encoded;
  const derived = await pbkdf2(password, stored.salt, stored.iterations, stored.hash.length);
  return timingSafeEqualBytes(derived, stored.hash);
}

async function pbkdf2(
  password: string,
  salt: Uint8Array<ArrayBuffer>,
  iterations: number,
  bytes: number,
): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(password), "PBKDF2", false, [
    "deriveBits",
  ]);
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt, iterations },
    key,
    bytes * 8,
  );
  return new Uint8Array(bits);
}

function decodeBase64(text: string, part: string): Uint8Array<ArrayBuffer> {
  if (text === "" || !BASE64.test(text)) {
    throw new PasswordHashError(`${part} is not valid base64`);
  }
  return Uint8Array.from(atob(text), (char) => char.charCodeAt(0));
}

function encodeBase64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes));
}
