// Key derivation from the instance's master secret (DESIGN decision 2): one secret, many keys.
// Each purpose gets its own key, HMAC-SHA256(master, label), so rotating or leaking one derived key
// never exposes another, and everything derived is deterministic across restarts and instances.
import { createHmac } from "node:crypto";

/** Labels of the derived keys; a closed list so two purposes can never share a key by accident. */
export type KeyLabel =
  | "pow-challenge"
  | "pow-wasm"
  | "visitor-daily"
  | "anonymize"
  | "ip-hash";

export function deriveKey(master: Uint8Array, label: KeyLabel, context = ""): Uint8Array {
  const mac = createHmac("sha256", master);
  mac.update(`echelon:${label}`);
  if (context) mac.update(`:${context}`);
  return new Uint8Array(mac.digest());
}

/** HMAC-SHA256 of `data` under `key`, as raw bytes. Synchronous: it runs on the hit path. */
export function hmac(key: Uint8Array, data: string | Uint8Array): Uint8Array {
  return new Uint8Array(createHmac("sha256", key).update(data).digest());
}

/** Constant-time comparison of two byte strings (length is not secret here). */
export function timingSafeEqualBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}
