// The instance's master secret (DESIGN decision 2): ECHELON_SECRET when set, otherwise 32 random
// bytes generated once and kept in the DB, so restarts and every derived key stay stable.
import type { Database } from "./db/mod.ts";
import { instanceSettingOrInsert } from "./db/settings.ts";

const SETTING_KEY = "master_secret";

export function resolveMasterSecret(db: Database, configured: string): Uint8Array {
  if (configured !== "") return new TextEncoder().encode(configured);
  const fresh = Array.from(crypto.getRandomValues(new Uint8Array(32)), hexByte).join("");
  const stored = instanceSettingOrInsert(db, SETTING_KEY, fresh);
  return Uint8Array.from(stored.match(/../g) ?? [], (byte) => parseInt(byte, 16));
}

function hexByte(byte: number): string {
  return byte.toString(16).padStart(2, "0");
}
