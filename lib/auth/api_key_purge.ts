// Deleting revoked API keys after REVOKED_KEY_RETENTION_DAYS, for the retention job
// (lib/stats/retention.ts), which still runs synchronously on the connection: it moves behind the
// store (lib/store/api_keys.ts, `purgeRevoked`) with the retention job in the next wave.
import { deleteRevokedApiKeys } from "../db/api_keys.ts";
import type { Database } from "../db/database.ts";

/** Days a revoked key stays listed (to see what was revoked, and when) before it is deleted. */
export const REVOKED_KEY_RETENTION_DAYS = 30;

/**
 * Deletes the keys revoked more than REVOKED_KEY_RETENTION_DAYS ago; returns how many. Their text
 * then matches no row, which verifyApiKey (lib/auth/api_keys.ts) refuses like any unknown key.
 */
export function purgeRevokedApiKeys(deps: { db: Database; now: () => number }): number {
  return deleteRevokedApiKeys(deps.db, deps.now() - REVOKED_KEY_RETENTION_DAYS * 86_400_000);
}
