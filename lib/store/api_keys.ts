// The API keys area of the store (lib/store/types.ts): one record per key, found by the SHA-256 of
// its text. lib/auth/api_keys.ts owns the rules (format, scopes, touch interval, revocation).
export type ApiKeyScope = "read" | "write";

/** A stored key. Times are epoch milliseconds. */
export interface ApiKeyRecord {
  id: number;
  name: string;
  /** The key's first characters, shown to recognise it. */
  prefix: string;
  /** SHA-256 of the key's text, hex. */
  secretHash: string;
  scope: ApiKeyScope;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

export type NewApiKey = Pick<
  ApiKeyRecord,
  "name" | "prefix" | "secretHash" | "scope" | "createdAt"
>;

export type ApiKeyRevocation = "revoked" | "already_revoked" | "not_found";

export interface ApiKeyStore {
  /** Stores a key unless `maxLive` unrevoked keys exist already (then null), atomically. */
  create(key: NewApiKey, limits: { maxLive: number }): Promise<ApiKeyRecord | null>;
  /** Every key, live ones first, newest first. */
  list(): Promise<ApiKeyRecord[]>;
  findByHash(secretHash: string): Promise<ApiKeyRecord | null>;
  /** Marks a live key revoked at `at`. */
  revoke(id: number, at: number): Promise<ApiKeyRevocation>;
  /** Records a use at `at`. */
  touch(id: number, at: number): Promise<void>;
  /** Deletes the keys revoked before `revokedBefore`; returns how many. */
  purgeRevoked(revokedBefore: number): Promise<number>;
}
