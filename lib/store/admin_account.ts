// The admin account area of the store (lib/store/types.ts): the stored password hash of the one
// admin account (generated at first start or set by a reset), and replacing it together with
// the sessions it ends. lib/auth/credentials.ts and lib/auth/admin_password.ts own the rules.

/** The instance setting (lib/store/settings.ts) that holds the stored password hash. */
export const ADMIN_PASSWORD_SETTING = "admin_password_hash";

export interface PasswordReplacement {
  /** PBKDF2 hash of the new password (lib/auth/password.ts). */
  passwordHash: string;
  /** The session that stays signed in (null: every session ends). */
  keepTokenHash: string | null;
  /** The kept session's new credential tag, so it matches the new password. */
  keptCredentialTag: string;
}

export interface AdminAccountStore {
  /** The stored password hash, or null when none was generated or set. */
  passwordHash(): Promise<string | null>;
  /**
   * Stores `hash` only when no password is stored yet, and returns whichever hash is stored (a
   * concurrent instance may have won the race).
   */
  initPasswordHash(hash: string): Promise<string>;
  /**
   * Stores a new password hash and ends every session but the kept one, which gets the new
   * credential tag, all at once. Returns how many sessions ended.
   */
  replacePassword(change: PasswordReplacement): Promise<number>;
}
