// API keys on SQLite (lib/store/api_keys.ts), over the statements in lib/db/api_keys.ts.
import {
  apiKeyByHash,
  apiKeyById,
  type ApiKeyRow,
  countLiveApiKeys,
  deleteRevokedApiKeys,
  insertApiKey,
  listApiKeys,
  revokeApiKeyRow,
  touchApiKey,
} from "../../db/api_keys.ts";
import type { Database } from "../../db/database.ts";
import type { ApiKeyRecord, ApiKeyStore } from "../api_keys.ts";

const record = (row: ApiKeyRow): ApiKeyRecord => ({
  id: row.id,
  name: row.name,
  prefix: row.prefix,
  secretHash: row.secret_hash,
  scope: row.scope,
  createdAt: row.created_at,
  lastUsedAt: row.last_used_at,
  revokedAt: row.revoked_at,
});

export function sqliteApiKeys(db: Database): ApiKeyStore {
  return {
    create: (key, limits) =>
      Promise.try(() =>
        db.transaction(() => {
          if (countLiveApiKeys(db) >= limits.maxLive) return null;
          const id = insertApiKey(db, {
            name: key.name,
            prefix: key.prefix,
            secret_hash: key.secretHash,
            scope: key.scope,
            created_at: key.createdAt,
          });
          return record(apiKeyById(db, id) as ApiKeyRow);
        })
      ),
    list: () => Promise.try(() => listApiKeys(db).map(record)),
    findByHash: (secretHash) =>
      Promise.try(() => {
        const row = apiKeyByHash(db, secretHash);
        return row ? record(row) : null;
      }),
    revoke: (id, at) =>
      Promise.try(() => {
        if (revokeApiKeyRow(db, id, at)) return "revoked";
        return apiKeyById(db, id) ? "already_revoked" : "not_found";
      }),
    touch: (id, at) => Promise.try(() => touchApiKey(db, id, at)),
    purgeRevoked: (revokedBefore) => Promise.try(() => deleteRevokedApiKeys(db, revokedBefore)),
  };
}
