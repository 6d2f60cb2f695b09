// Key derivation from the instance's master secret (docs/architecture.md, decision 2): one secret,
// many keys. Each purpose gets its own key, HMAC-SHA256(master, label), so rotating or leaking one
// derived key never exposes another, and everything derived is deterministic across restarts and
// instances. One-shot HMAC-SHA256 comes from @noble/hashes (audited, pure JS): on Deno,
// node:crypto's createHmac spends ~8 µs setting up objects per call. The hit path (token MACs,
// visitor ids) uses a keyed MAC (hmac_sha256.ts): the key's pads hashed once, ~1.3 µs a call.
import { hmac as nobleHmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { hmacSha256 } from "./hmac_sha256.ts";

/** Labels of the derived keys; a closed list so two purposes can never share a key by accident. */
export type KeyLabel =
  | "pow-challenge"
  | "pow-wasm"
  | "visitor-daily"
  | "anonymize"
  | "ip-hash";

/** HMAC-SHA256 under one fixed key, as raw bytes (a fresh array per call). */
export type Mac = (data: string | Uint8Array) => Uint8Array;

const encoder = new TextEncoder();
const bytesOf = (data: string | Uint8Array) =>
  typeof data === "string" ? encoder.encode(data) : data;

export function deriveKey(master: Uint8Array, label: KeyLabel, context = ""): Uint8Array {
  return hmac(master, context ? `echelon:${label}:${context}` : `echelon:${label}`);
}

/** HMAC-SHA256 of `data` under `key`, as raw bytes. Synchronous: it runs on the hit path. */
export function hmac(key: Uint8Array, data: string | Uint8Array): Uint8Array {
  return nobleHmac(sha256, key, bytesOf(data));
}

/**
 * HMAC-SHA256 under `key` for repeated use: the key's inner and outer pads are hashed once, and
 * each call continues from that state (RFC 2104 §4's precomputation).
 */
export function keyedHmac(key: Uint8Array): Mac {
  return hmacSha256(key);
}

/** Constant-time comparison of two byte strings (length is not secret here). */
export function timingSafeEqualBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}
