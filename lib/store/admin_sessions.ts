// The admin sessions area of the store (lib/store/types.ts): one record per signed-in device,
// keyed by the SHA-256 of the cookie token. lib/auth/sessions.ts owns the rules (TTL, idle).

/** A stored session. Times are epoch milliseconds. */
export interface AdminSessionRecord {
  tokenHash: string;
  username: string;
  /** A digest of the password hash the session signed in with (lib/auth/credentials.ts). */
  credentialTag: string;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
  userAgent: string | null;
  ip: string | null;
}

export interface AdminSessionStore {
  /**
   * Stores a new session and, in the same step, signs out the user's least recently used
   * sessions beyond `keepPerUser`.
   */
  open(session: AdminSessionRecord, limits: { keepPerUser: number }): Promise<void>;
  find(tokenHash: string): Promise<AdminSessionRecord | null>;
  /** Records a use at `at`. */
  touch(tokenHash: string, at: number): Promise<void>;
  /** Ends one session; false when it did not exist. */
  end(tokenHash: string): Promise<boolean>;
  /** Deletes sessions past their expiry at `now` or idle since `idleBefore`; returns how many. */
  purgeExpired(now: number, idleBefore: number): Promise<number>;
}
