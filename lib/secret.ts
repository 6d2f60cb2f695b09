// The instance's master secret (docs/architecture.md, decision 2): every derived key (lib/keys.ts)
// comes from it. Without ECHELON_SECRET, 32 random bytes generated once and kept in the DB. With
// it, the secret stretched by Argon2id, because derived keys are exposed to offline guessing:
// anyone can fetch a challenge (`GET /c`) and test guesses of the secret against its MAC (issue 13
// item 7). Argon2id makes each guess cost ~20 MiB and a quarter of a second; lib/secret_strength.ts
// refuses weak secrets at start. Both roots are deterministic, so restarts and instances sharing
// the secret (or the DB) derive the same keys.
import { argon2id } from "@noble/hashes/argon2.js";
import type { SettingsStore } from "./store/settings.ts";

const SETTING_KEY = "master_secret";

/**
 * Argon2id with OWASP's minimum (m = 19 MiB, t = 2, p = 1; RFC 9106 §4 argon2id). The salt is
 * fixed, not per instance: it keeps the master a function of ECHELON_SECRET alone (any DB, any
 * instance), and precomputation across installs buys nothing against secrets of 90+ bits.
 */
export const SECRET_KDF = {
  salt: "echelon-analytics:master-secret:v1",
  params: { m: 19_456, t: 2, p: 1, dkLen: 32 },
} as const;

/** Stretched secrets of this process: the KDF runs once per secret, not per app or test. */
const stretched = new Map<string, Uint8Array>();

/** The master key: of ECHELON_SECRET, else the one generated once and kept in the settings. */
export async function resolveMasterSecret(
  settings: Pick<SettingsStore, "getOrInsert">,
  configured: string,
): Promise<Uint8Array> {
  if (configured !== "") return masterFromSecret(configured);
  const fresh = Array.from(crypto.getRandomValues(new Uint8Array(32)), hexByte).join("");
  const stored = await settings.getOrInsert(SETTING_KEY, fresh);
  return Uint8Array.from(stored.match(/../g) ?? [], (byte) => parseInt(byte, 16));
}

/** The master key of an explicit ECHELON_SECRET: Argon2id(secret), memoised per process. */
export function masterFromSecret(secret: string): Uint8Array {
  let master = stretched.get(secret);
  if (!master) {
    master = argon2id(secret, SECRET_KDF.salt, { ...SECRET_KDF.params });
    stretched.set(secret, master);
  }
  return master.slice();
}

function hexByte(byte: number): string {
  return byte.toString(16).padStart(2, "0");
}
