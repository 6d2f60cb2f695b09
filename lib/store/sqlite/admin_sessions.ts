// Admin sessions on SQLite (lib/store/admin_sessions.ts), over lib/db/sessions.ts.
import type { Database } from "../../db/database.ts";
import {
  deleteExpiredSessions,
  deleteSession,
  insertSession,
  sessionByTokenHash,
  type SessionRow,
  touchSession,
  trimSessions,
} from "../../db/sessions.ts";
import type { AdminSessionRecord, AdminSessionStore } from "../admin_sessions.ts";

const record = (row: SessionRow): AdminSessionRecord => ({
  tokenHash: row.token_hash,
  username: row.username,
  credentialTag: row.credential_tag,
  createdAt: row.created_at,
  lastSeenAt: row.last_seen_at,
  expiresAt: row.expires_at,
  userAgent: row.user_agent,
  ip: row.ip,
});

export function sqliteAdminSessions(db: Database): AdminSessionStore {
  return {
    open: (session, limits) =>
      Promise.try(() =>
        db.transaction(() => {
          insertSession(db, {
            token_hash: session.tokenHash,
            username: session.username,
            credential_tag: session.credentialTag,
            created_at: session.createdAt,
            last_seen_at: session.lastSeenAt,
            expires_at: session.expiresAt,
            user_agent: session.userAgent,
            ip: session.ip,
          });
          trimSessions(db, session.username, limits.keepPerUser);
        })
      ),
    find: (tokenHash) =>
      Promise.try(() => {
        const row = sessionByTokenHash(db, tokenHash);
        return row ? record(row) : null;
      }),
    touch: (tokenHash, at) => Promise.try(() => touchSession(db, tokenHash, at)),
    end: (tokenHash) => Promise.try(() => deleteSession(db, tokenHash)),
    purgeExpired: (now, idleBefore) =>
      Promise.try(() => deleteExpiredSessions(db, now, idleBefore)),
  };
}
