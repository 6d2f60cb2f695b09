// Failed-login limit (reference §7.6, fixing W18): at most 5 failures per client IP in a fixed
// 15-minute window, kept in the ephemeral store. The key is the real client IP (the TCP peer, or
// the forwarded one behind a trusted proxy), so one attacker cannot lock everyone out.
// An attempt counts *before* its password is checked and a success clears the count: parallel
// guesses cannot slip past the limit while PBKDF2 runs.
import type { EphemeralStore } from "../ephemeral.ts";

export const LOGIN_FAILURE_LIMIT = 5;
export const LOGIN_FAILURE_WINDOW_MS = 15 * 60_000;

const countKey = (ip: string) => `login-attempts:${ip}`;
const sinceKey = (ip: string) => `login-attempts-since:${ip}`;

export type LoginAttempt = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** Counts one attempt from `ip`; refused once LOGIN_FAILURE_LIMIT failures fill the window. */
export function beginLoginAttempt(store: EphemeralStore, ip: string, now: number): LoginAttempt {
  const attempts = store.increment(countKey(ip), LOGIN_FAILURE_WINDOW_MS, now);
  const since = Number(
    store.claim(sinceKey(ip), String(now), LOGIN_FAILURE_WINDOW_MS, now) ?? now,
  );
  if (attempts <= LOGIN_FAILURE_LIMIT) return { allowed: true };
  const remainingMs = Math.max(since + LOGIN_FAILURE_WINDOW_MS - now, 1000);
  return { allowed: false, retryAfterSeconds: Math.ceil(remainingMs / 1000) };
}

/** A successful sign-in forgets the IP's earlier failures. */
export function clearLoginAttempts(store: EphemeralStore, ip: string): void {
  store.delete(countKey(ip));
  store.delete(sinceKey(ip));
}
