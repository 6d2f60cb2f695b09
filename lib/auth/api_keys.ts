// Scoped API keys: long-lived bearer tokens for scripts and AI assistants, weaker than
// ECHELON_SECRET. A key is `ek_<r|w>_<32 random bytes, base64url>`; only its SHA-256 is stored
// (a database leak yields no usable key) and the text is shown once, at creation. `read` keys may
// only read (GET/HEAD on /api/*, and the read-only tools of /mcp); `write` keys may also change
// data. No key can list, create or revoke keys: that takes an admin session or ECHELON_SECRET,
// so a leaked key cannot mint a stronger one. A revoked key stays listed for 30 days, then the
// retention job deletes its row; it is refused all the same (401 as an unknown key).
import { createHash, randomBytes } from "node:crypto";
import type { Config } from "../config.ts";
import type { ApiKeyRecord, ApiKeyRevocation, ApiKeyScope } from "../store/api_keys.ts";
import type { Store } from "../store/types.ts";
import { HttpError, jsonError } from "../http_error.ts";
import { timingSafeEqualBytes } from "../keys.ts";
import { READ_ONLY_POSTS } from "../api/operations/query.ts";
import { isUnsafeMethod } from "./csrf.ts";

export type { ApiKeyScope } from "../store/api_keys.ts";

export const API_KEY_SCOPES: readonly ApiKeyScope[] = ["read", "write"];
/** `ek_r_` or `ek_w_`, then 32 random bytes as unpadded base64url (43 characters). */
const KEY_PATTERN = /^ek_([rw])_[A-Za-z0-9_-]{43}$/;
const SCOPE_LETTER: Record<ApiKeyScope, string> = { read: "r", write: "w" };
/** Characters of the random part kept for display ("ek_r_AbC123…"); 222 random bits remain. */
const PREFIX_RANDOM_CHARS = 6;
/** last_used_at is written at most this often, not on every request. */
export const KEY_TOUCH_INTERVAL_MS = 60_000;
export const MAX_KEY_NAME_LENGTH = 64;
/** Live (unrevoked) keys at once: a bound on the table, far above any real use. */
export const MAX_LIVE_KEYS = 100;
/**
 * Days a revoked key stays listed (to see what was revoked, and when) before the retention job
 * deletes it (lib/stats/retention.ts); its text then matches no row, refused like any unknown key.
 */
export const REVOKED_KEY_RETENTION_DAYS = 30;
/** Paths a key may never use, whatever its scope: key management itself. */
const KEY_MANAGEMENT_PATH = /^\/api\/keys(\/|$)/;

export interface ApiKeyDeps {
  store: Pick<Store, "apiKeys">;
  now: () => number;
}

/** What the admin sees of a key (never its text or hash). Times are ISO strings. */
export interface ApiKeyInfo {
  id: number;
  name: string;
  /** The key's first characters, to recognise it in a config file. */
  prefix: string;
  scope: ApiKeyScope;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

function hashKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function info(key: ApiKeyRecord): ApiKeyInfo {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    scope: key.scope,
    created_at: new Date(key.createdAt).toISOString(),
    last_used_at: iso(key.lastUsedAt),
    revoked_at: iso(key.revokedAt),
  };
}

/** Key names and usage are internal: a public instance neither shows nor manages keys. */
export function assertKeyManagement(config: Pick<Config, "publicMode">): void {
  if (config.publicMode) throw new HttpError(403, "redacted", "Not available in public mode");
}

export type CreateOutcome =
  | { kind: "created"; key: string; info: ApiKeyInfo }
  | { kind: "too_many" };

/** Creates a key and returns its text: the only time it exists outside the caller's hands. */
export async function createApiKey(
  deps: ApiKeyDeps,
  init: { name: string; scope: ApiKeyScope },
): Promise<CreateOutcome> {
  const random = randomBytes(32).toString("base64url");
  const key = `ek_${SCOPE_LETTER[init.scope]}_${random}`;
  const stored = await deps.store.apiKeys.create({
    name: init.name,
    prefix: key.slice(0, 5 + PREFIX_RANDOM_CHARS),
    secretHash: hashKey(key),
    scope: init.scope,
    createdAt: deps.now(),
  }, { maxLive: MAX_LIVE_KEYS });
  return stored === null ? { kind: "too_many" } : { kind: "created", key, info: info(stored) };
}

export async function listApiKeys(deps: ApiKeyDeps): Promise<ApiKeyInfo[]> {
  return (await deps.store.apiKeys.list()).map(info);
}

export type RevokeOutcome = ApiKeyRevocation;

export function revokeApiKey(deps: ApiKeyDeps, id: number): Promise<RevokeOutcome> {
  return deps.store.apiKeys.revoke(id, deps.now());
}

/** The token of an `Authorization: Bearer <token>` header, or null. */
export function bearerToken(authorization: string | null): string | null {
  const match = authorization ? /^Bearer\s+(\S+)\s*$/i.exec(authorization.trim()) : null;
  return match ? match[1] : null;
}

/** True when a bearer token is meant as an API key (so a bad one is refused, not ignored). */
export function isApiKeyToken(token: string): boolean {
  return token.startsWith("ek_");
}

export interface VerifiedKey {
  id: number;
  name: string;
  scope: ApiKeyScope;
}

export type KeyVerdict =
  | { ok: true; key: VerifiedKey }
  | { ok: false; reason: "invalid" | "revoked" };

/**
 * The key behind `token`. The lookup is by hash (an index probe on a digest the caller cannot
 * steer), then the stored digest is compared in constant time; so neither the timing of the probe
 * nor of the compare tells how much of a guessed key was right. Records use at most once a minute.
 */
export async function verifyApiKey(deps: ApiKeyDeps, token: string): Promise<KeyVerdict> {
  if (!KEY_PATTERN.test(token)) return { ok: false, reason: "invalid" };
  const digest = hashKey(token);
  const row = await deps.store.apiKeys.findByHash(digest);
  if (!row || !timingSafeEqualBytes(hexBytes(row.secretHash), hexBytes(digest))) {
    return { ok: false, reason: "invalid" };
  }
  if (row.revokedAt !== null) return { ok: false, reason: "revoked" };
  const now = deps.now();
  if (row.lastUsedAt === null || now - row.lastUsedAt >= KEY_TOUCH_INTERVAL_MS) {
    await deps.store.apiKeys.touch(row.id, now);
  }
  return { ok: true, key: { id: row.id, name: row.name, scope: row.scope } };
}

function hexBytes(hex: string): Uint8Array {
  return new Uint8Array(hex.match(/../g)?.map((byte) => parseInt(byte, 16)) ?? []);
}

const CHALLENGE = 'Bearer realm="echelon"';

/** 401 for a key that is malformed, unknown or revoked (RFC 6750 §3.1 `invalid_token`). */
export function invalidKeyResponse(reason: "invalid" | "revoked"): Response {
  return jsonError(
    401,
    "invalid_api_key",
    reason === "revoked" ? "This API key was revoked" : "Unknown or malformed API key",
    { "www-authenticate": `${CHALLENGE}, error="invalid_token"` },
  );
}

/**
 * Why `key` may not make this request, as a 403 `insufficient_scope` (RFC 6750 §3.1), or null
 * when it may: key management is closed to every key, and a read key may only read (GET, or a
 * POST that only reads, such as the query API's).
 */
export function keyScopeRefusal(key: VerifiedKey, method: string, path: string): Response | null {
  const refuse = (message: string) =>
    jsonError(403, "insufficient_scope", message, {
      "www-authenticate": `${CHALLENGE}, error="insufficient_scope"`,
    });
  if (KEY_MANAGEMENT_PATH.test(path)) {
    return refuse("API keys cannot manage API keys: use an admin session or ECHELON_SECRET");
  }
  if (key.scope === "read" && isUnsafeMethod(method) && !READ_ONLY_POSTS.has(path)) {
    return refuse(`This API key is read-only: ${method.toUpperCase()} needs a write key`);
  }
  return null;
}
