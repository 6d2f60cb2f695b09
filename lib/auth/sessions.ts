// Admin sessions: a random 32-byte token in an HttpOnly cookie, only its SHA-256 kept in the store
// (lib/store/admin_sessions.ts; so sessions survive restarts and a database leak yields no usable cookie). 24 h absolute
// lifetime, 30 min idle; several devices at once; a password change ends them all.
import { createHash } from "node:crypto";
import { parseCookie, stringifySetCookie } from "cookie";
import type { Config } from "../config.ts";
import type { Job } from "../jobs.ts";
import { publicOrigin, type RequestSource } from "../public_origin.ts";
import { StorageError } from "../store/errors.ts";
import type { Store } from "../store/types.ts";
import { adminCredentials, credentialTag } from "./credentials.ts";

export const SESSION_COOKIE = "echelon_session";
export const SESSION_TTL_MS = 24 * 60 * 60_000;
export const SESSION_IDLE_MS = 30 * 60_000;
/** last_seen_at is written at most this often, not on every request. */
export const SESSION_TOUCH_INTERVAL_MS = 60_000;
/** Signed-in devices kept per user; the least recently used beyond this are signed out. */
export const MAX_SESSIONS_PER_USER = 20;
const PURGE_EVERY_MS = 10 * 60_000;
/** 32 bytes in unpadded base64url. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;
const MAX_USER_AGENT = 256;

/** What session code needs from the services (a subset, so tests and jobs can pass their own). */
export interface SessionDeps {
  config: Config;
  store: Pick<Store, "adminSessions" | "adminAccount">;
  now: () => number;
}

export interface AdminSession {
  username: string;
  tokenHash: string;
  createdAt: number;
  expiresAt: number;
}

/** Starts a session for an authenticated user; returns the token for the cookie. */
export async function openSession(
  deps: SessionDeps,
  init: { username: string; passwordHash: string; userAgent: string | null; ip: string | null },
): Promise<{ token: string; expiresAt: number }> {
  const now = deps.now();
  const token = base64url(crypto.getRandomValues(new Uint8Array(32)));
  const expiresAt = now + SESSION_TTL_MS;
  await deps.store.adminSessions.open({
    tokenHash: hashToken(token),
    username: init.username,
    credentialTag: credentialTag(init.passwordHash),
    createdAt: now,
    lastSeenAt: now,
    expiresAt,
    userAgent: init.userAgent?.slice(0, MAX_USER_AGENT) ?? null,
    ip: init.ip,
  }, { keepPerUser: MAX_SESSIONS_PER_USER });
  return { token, expiresAt };
}

/**
 * The live session behind `token`, or null. A session ends at its absolute expiry, after
 * SESSION_IDLE_MS without use, or when the admin account's username or password changed; an
 * ended session's row is deleted on sight.
 */
export async function sessionForToken(
  deps: SessionDeps,
  token: string,
  options: { background?: boolean } = {},
): Promise<AdminSession | null> {
  if (!TOKEN_PATTERN.test(token)) return null;
  const tokenHash = hashToken(token);
  const row = await deps.store.adminSessions.find(tokenHash);
  if (!row) return null;
  const now = deps.now();
  const credentials = await adminCredentials(deps);
  const valid = now < row.expiresAt &&
    now - row.lastSeenAt < SESSION_IDLE_MS &&
    credentials !== null &&
    row.username === credentials.username &&
    row.credentialTag === credentialTag(credentials.passwordHash);
  if (!valid) {
    await unlessDiskRefuses(deps.store.adminSessions.end(tokenHash));
    return null;
  }
  // Background polls (live panels) use the session without keeping it alive: a dashboard left
  // open on an unattended screen still signs out after SESSION_IDLE_MS.
  if (!options.background && now - row.lastSeenAt >= SESSION_TOUCH_INTERVAL_MS) {
    await unlessDiskRefuses(deps.store.adminSessions.touch(tokenHash, now));
  }
  return {
    username: row.username,
    tokenHash,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
  };
}

/** Header the admin's live panels send on their polls (lib/admin/live_poll.ts). */
export const BACKGROUND_HEADER = "x-echelon-background";

/** The session named by the request's cookie, or null. */
export async function sessionForRequest(
  deps: SessionDeps,
  req: Request,
): Promise<AdminSession | null> {
  const token = sessionToken(req);
  const background = req.headers.get(BACKGROUND_HEADER) === "1";
  return token === null ? null : await sessionForToken(deps, token, { background });
}

/** The raw session token from the Cookie header, or null. */
export function sessionToken(req: Request): string | null {
  const header = req.headers.get("cookie");
  if (!header) return null;
  return parseCookie(header)[SESSION_COOKIE] ?? null;
}

/** Ends the request's session (logout); true when one existed. */
export async function closeSession(deps: SessionDeps, req: Request): Promise<boolean> {
  const token = sessionToken(req);
  if (token === null || !TOKEN_PATTERN.test(token)) return false;
  return await deps.store.adminSessions.end(hashToken(token));
}

export function purgeExpiredSessions(deps: SessionDeps): Promise<number> {
  const now = deps.now();
  return deps.store.adminSessions.purgeExpired(now, now - SESSION_IDLE_MS);
}

export function sessionPurgeJob(deps: SessionDeps): Job {
  return {
    name: "admin-session-purge",
    everyMs: PURGE_EVERY_MS,
    run: async () => {
      await purgeExpiredSessions(deps);
    },
  };
}

/**
 * `Secure` when ECHELON_COOKIE_SECURE says so, otherwise when the browser reached us over HTTPS
 * (x-forwarded-proto counts behind a trusted proxy). So plain-HTTP localhost logins work, and an
 * HTTPS deployment never sends the cookie in clear.
 */
export function isSecureCookieRequest(
  config: Pick<Config, "cookieSecure" | "trustProxy">,
  request: RequestSource,
): boolean {
  if (config.cookieSecure !== null) return config.cookieSecure;
  return publicOrigin(request, config).startsWith("https:");
}

/** Set-Cookie value for a new session. SameSite=Lax: links into /admin keep the session. */
export function sessionCookie(token: string, secure: boolean): string {
  return stringifySetCookie({
    name: SESSION_COOKIE,
    value: token,
    path: "/",
    httpOnly: true,
    sameSite: "lax",
    secure,
    maxAge: SESSION_TTL_MS / 1000,
  });
}

/** Set-Cookie value that removes the session cookie. */
export function clearedSessionCookie(secure: boolean): string {
  return stringifySetCookie({
    name: SESSION_COOKIE,
    value: "",
    path: "/",
    httpOnly: true,
    sameSite: "lax",
    secure,
    maxAge: 0,
  });
}

function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_")
    .replace(/=+$/, "");
}

/**
 * Runs a bookkeeping write a request does not depend on: on a full disk reading still works, so
 * the admin keeps browsing (the session then ends at its idle limit) instead of getting a 503.
 */
async function unlessDiskRefuses(write: Promise<unknown>): Promise<void> {
  try {
    await write;
  } catch (error) {
    if (!(error instanceof StorageError)) throw error;
  }
}
