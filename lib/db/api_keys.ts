// Scoped API keys (table api_keys, migration 5): one row per key, found by the SHA-256 of the
// key's text. lib/auth/api_keys.ts owns the rules (format, scopes, touch interval, revocation).
import type { Database } from "./database.ts";

export type ApiKeyScope = "read" | "write";

export interface ApiKeyRow {
  id: number;
  name: string;
  prefix: string;
  secret_hash: string;
  scope: ApiKeyScope;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

const COLUMNS = "id, name, prefix, secret_hash, scope, created_at, last_used_at, revoked_at";

export function insertApiKey(
  db: Database,
  row: Pick<ApiKeyRow, "name" | "prefix" | "secret_hash" | "scope" | "created_at">,
): number {
  return db.run(
    `INSERT INTO api_keys (name, prefix, secret_hash, scope, created_at) VALUES (?, ?, ?, ?, ?)`,
    row.name,
    row.prefix,
    row.secret_hash,
    row.scope,
    row.created_at,
  ).lastInsertRowid;
}

export function apiKeyByHash(db: Database, secretHash: string): ApiKeyRow | undefined {
  return db.get<ApiKeyRow>(`SELECT ${COLUMNS} FROM api_keys WHERE secret_hash = ?`, secretHash);
}

export function apiKeyById(db: Database, id: number): ApiKeyRow | undefined {
  return db.get<ApiKeyRow>(`SELECT ${COLUMNS} FROM api_keys WHERE id = ?`, id);
}

/** Every key, live ones first, newest first. */
export function listApiKeys(db: Database): ApiKeyRow[] {
  return db.all<ApiKeyRow>(
    `SELECT ${COLUMNS} FROM api_keys ORDER BY revoked_at IS NOT NULL, created_at DESC, id DESC`,
  );
}

export function countLiveApiKeys(db: Database): number {
  return db.get<{ n: number }>("SELECT COUNT(*) AS n FROM api_keys WHERE revoked_at IS NULL")
    ?.n ?? 0;
}

/** Marks a live key revoked; false when it does not exist or was already revoked. */
export function revokeApiKeyRow(db: Database, id: number, revokedAt: number): boolean {
  return db.run(
    "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
    revokedAt,
    id,
  ).changes > 0;
}

export function touchApiKey(db: Database, id: number, lastUsedAt: number): void {
  db.run("UPDATE api_keys SET last_used_at = ? WHERE id = ?", lastUsedAt, id);
}

/** Deletes keys revoked before `revokedBefore` (epoch ms); returns how many. */
export function deleteRevokedApiKeys(db: Database, revokedBefore: number): number {
  return db.run(
    "DELETE FROM api_keys WHERE revoked_at IS NOT NULL AND revoked_at < ?",
    revokedBefore,
  ).changes;
}
