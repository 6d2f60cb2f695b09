// Changing the admin password without editing the environment (`deno task admin reset-password`
// and the form in /admin/settings): the new hash replaces the stored one (the setting the first
// start generates), so it applies to the next sign-in on every instance sharing the database, and
// the other sessions end. ECHELON_USERNAME + ECHELON_PASSWORD_HASH, when set, win: the stored
// password is then not used, so a change is refused with the reason.
import type { Config } from "../config.ts";
import { passwordWeakness } from "../secret_strength.ts";
import type { Store } from "../store/types.ts";
import { credentialTag, GENERATED_USERNAME } from "./credentials.ts";
import { hashPassword, PBKDF2_ITERATIONS } from "./password.ts";

/** A change the rules refuse (weak password, env-pinned credentials); the message says why. */
export class PasswordChangeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PasswordChangeError";
  }
}

/** The sign-in form accepts passwords up to this length (routes/admin/login.tsx). */
export const MAX_PASSWORD_LENGTH = 1024;

/** True when the environment sets the account, so the stored password is not used. */
export function isPasswordPinnedByEnv(config: Pick<Config, "username" | "passwordHash">): boolean {
  return config.username !== "" && config.passwordHash !== "";
}

export const ENV_PINNED_MESSAGE = "ECHELON_USERNAME and ECHELON_PASSWORD_HASH are set in the " +
  "environment, and they win over a stored password: replace ECHELON_PASSWORD_HASH (deno task " +
  "hash-password) and restart, or unset both to use a password set here.";

export interface PasswordChange {
  /** The session to keep signed in (the one changing it in Settings); null ends every session. */
  keepTokenHash: string | null;
  /** PBKDF2 rounds; lowered only by tests. */
  iterations?: number;
}

/**
 * Stores `password` as the admin password (user "admin") and ends the other sessions, in one
 * transaction. Throws PasswordChangeError for a weak password or env-pinned credentials.
 * Returns how many sessions ended.
 */
export async function setAdminPassword(
  deps: { config: Pick<Config, "username" | "passwordHash">; store: Pick<Store, "adminAccount"> },
  password: string,
  change: PasswordChange,
): Promise<{ username: string; sessionsEnded: number }> {
  if (isPasswordPinnedByEnv(deps.config)) throw new PasswordChangeError(ENV_PINNED_MESSAGE);
  const weakness = passwordWeakness(password);
  if (weakness !== null) {
    throw new PasswordChangeError(`The new password is too weak: ${weakness}.`);
  }
  const hash = await hashPassword(password, { iterations: change.iterations ?? PBKDF2_ITERATIONS });
  const sessionsEnded = await deps.store.adminAccount.replacePassword({
    passwordHash: hash,
    keepTokenHash: change.keepTokenHash,
    keptCredentialTag: credentialTag(hash),
  });
  return { username: GENERATED_USERNAME, sessionsEnded };
}
