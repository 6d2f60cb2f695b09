// Admin sessions in SQLite (table admin_sessions, migration 3): one row per signed-in device,
// keyed by the SHA-256 of the cookie token. lib/auth/sessions.ts owns the rules (TTL, idle).
import type { Database } from "./database.ts";

export interface SessionRow {
  token_hash: string;
  username: string;
  credential_tag: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  user_agent: string | null;
  ip: string | null;
}

export function insertSession(db: Database, row: SessionRow): void {
  db.run(
    `INSERT INTO admin_sessions
       (token_hash, username, credential_tag, created_at, last_seen_at, expires_at, user_agent, ip)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    row.token_hash,
    row.username,
    row.credential_tag,
    row.created_at,
    row.last_seen_at,
    row.expires_at,
    row.user_agent,
    row.ip,
  );
}

export function sessionByTokenHash(db: Database, tokenHash: string): SessionRow | undefined {
  return db.get<SessionRow>(
    `SELECT token_hash, username, credential_tag, created_at, last_seen_at, expires_at,
            user_agent, ip
       FROM admin_sessions WHERE token_hash = ?`,
    tokenHash,
  );
}

export function touchSession(db: Database, tokenHash: string, lastSeenAt: number): void {
  db.run("UPDATE admin_sessions SET last_seen_at = ? WHERE token_hash = ?", lastSeenAt, tokenHash);
}

export function deleteSession(db: Database, tokenHash: string): boolean {
  return db.run("DELETE FROM admin_sessions WHERE token_hash = ?", tokenHash).changes > 0;
}

/** Deletes sessions past their absolute expiry or idle since `idleBefore`; returns how many. */
export function deleteExpiredSessions(db: Database, now: number, idleBefore: number): number {
  return db.run(
    "DELETE FROM admin_sessions WHERE expires_at <= ? OR last_seen_at <= ?",
    now,
    idleBefore,
  ).changes;
}

/** Keeps the `keep` most recently used sessions of `username`; returns how many were removed. */
export function trimSessions(db: Database, username: string, keep: number): number {
  return db.run(
    `DELETE FROM admin_sessions WHERE token_hash IN (
       SELECT token_hash FROM admin_sessions WHERE username = ?
        ORDER BY last_seen_at DESC, created_at DESC LIMIT -1 OFFSET ?)`,
    username,
    keep,
  ).changes;
}

/**
 * After a password change: deletes every session except `keepTokenHash` (null: all of them) and
 * gives the kept one the new credential tag, so it stays signed in. Returns how many ended.
 */
export function endSessionsExcept(
  db: Database,
  keepTokenHash: string | null,
  keptCredentialTag: string,
): number {
  const ended = db.run(
    "DELETE FROM admin_sessions WHERE token_hash IS NOT ?",
    keepTokenHash,
  ).changes;
  if (keepTokenHash !== null) {
    db.run(
      "UPDATE admin_sessions SET credential_tag = ? WHERE token_hash = ?",
      keptCredentialTag,
      keepTokenHash,
    );
  }
  return ended;
}
