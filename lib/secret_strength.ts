// The start-up check on ECHELON_SECRET: it is the admin's bearer token and the root of every
// derived key, so a short or patterned value is refused before anything runs (issue 13 item 7).
// A floor, not a proof: the KDF in lib/secret.ts makes every guess cost ~0.25 s of CPU besides.
// The admin password set by `deno task admin reset-password` or Settings gets a lower floor.

export const MIN_SECRET_LENGTH = 32;
/** Estimated bits (length × per-character Shannon entropy): `openssl rand -hex 16` gives 90+. */
export const MIN_SECRET_BITS = 80;

export const SECRET_ADVICE = "generate one with `openssl rand -hex 32` (or " +
  `\`deno eval 'import{randomBytes}from"node:crypto";console.log(randomBytes(32).toString("hex"))'\`), ` +
  "or leave ECHELON_SECRET unset to use a generated instance secret";

/** Why `secret` is too weak to use, or null when it passes. */
export function secretWeakness(secret: string): string | null {
  if (secret.length < MIN_SECRET_LENGTH) {
    return `${secret.length} characters, at least ${MIN_SECRET_LENGTH} needed`;
  }
  const bits = Math.floor(estimatedBits(secret));
  if (bits < MIN_SECRET_BITS) {
    return `too few distinct characters (about ${bits} bits, at least ${MIN_SECRET_BITS} needed)`;
  }
  if (predictablePairs(secret) * 2 > secret.length - 1) {
    return "more than half of it repeats or counts up or down (aaaa, abcd, 1234)";
  }
  if (hasRepeatedChunk(secret)) return "a part of it repeats (4 characters, over a quarter of it)";
  return null;
}

export const MIN_PASSWORD_LENGTH = 12;
/** Estimated bits a sign-in password needs (the login rate limit bounds guessing besides). */
export const MIN_PASSWORD_BITS = 40;

/** Why `password` is too weak for the admin account, or null when it passes. */
export function passwordWeakness(password: string): string | null {
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) {
    return `${length} characters, at least ${MIN_PASSWORD_LENGTH} needed`;
  }
  const bits = Math.floor(estimatedBits(password));
  if (bits < MIN_PASSWORD_BITS) {
    return `too few distinct characters (about ${bits} bits, at least ${MIN_PASSWORD_BITS} needed)`;
  }
  if (predictablePairs(password) * 2 > password.length - 1) {
    return "more than half of it repeats or counts up or down (aaaa, abcd, 1234)";
  }
  if (hasRepeatedChunk(password)) {
    return "a part of it repeats (4 characters, over a quarter of it)";
  }
  return null;
}

function estimatedBits(text: string): number {
  const counts = new Map<string, number>();
  for (const char of text) counts.set(char, (counts.get(char) ?? 0) + 1);
  let perChar = 0;
  for (const count of counts.values()) {
    const p = count / text.length;
    perChar -= p * Math.log2(p);
  }
  return perChar * text.length;
}

/**
 * Whether some 4 characters occur, without overlapping, 3 times or more and over a quarter of the
 * text ("Summer24!Summer24!Summer24!"); random 64-hex or two UUIDs never do in 10^6 tries.
 */
function hasRepeatedChunk(text: string): boolean {
  const needed = Math.max(3, Math.ceil(text.length / 16));
  const seen = new Map<string, { count: number; end: number }>();
  for (let i = 0; i + 4 <= text.length; i++) {
    const chunk = text.slice(i, i + 4);
    const entry = seen.get(chunk);
    if (!entry) {
      seen.set(chunk, { count: 1, end: i + 4 });
    } else if (i >= entry.end) {
      // Counted only clear of the last occurrence, so a run like "aaaaaa" is one, not three.
      entry.count++;
      entry.end = i + 4;
      if (entry.count >= needed) return true;
    }
  }
  return false;
}

/** Adjacent pairs whose second character repeats the first or steps one code point from it. */
function predictablePairs(text: string): number {
  let pairs = 0;
  for (let i = 1; i < text.length; i++) {
    if (Math.abs(text.charCodeAt(i) - text.charCodeAt(i - 1)) <= 1) pairs++;
  }
  return pairs;
}
