// Failed-login limit (reference §7.6, fixing W18): at most 5 failures per client in a fixed
// 15-minute window. The client is the real client IP (the TCP peer, or the forwarded one behind a
// trusted proxy, lib/ingest/client_ip.ts), keyed by IPv4 address or IPv6 /64, so one attacker can
// neither lock everyone out nor get fresh counters by rotating addresses inside its /64.
// An attempt counts *before* its password is checked and a success clears the count: parallel
// guesses cannot slip past the limit while PBKDF2 runs.
//
// The counters live in their own bounded store, apart from tracking rate limits and PoW tokens, so
// a flood of other keys cannot evict them. When that store is full of live counters (more than
// LOGIN_MAX_CLIENTS clients failed within one window), it fails closed: a client it holds no
// counter for is refused (429) until counters expire, rather than given a fresh count. Existing
// sessions and bearer tokens keep working; only new sign-ins wait.
import { clientKey } from "../ingest/client_ip.ts";
import { type EphemeralStore, MemoryEphemeralStore } from "../ephemeral.ts";

export const LOGIN_FAILURE_LIMIT = 5;
export const LOGIN_FAILURE_WINDOW_MS = 15 * 60_000;
/** Clients whose failures are remembered at once (~100 bytes each). */
export const LOGIN_MAX_CLIENTS = 100_000;

export type LoginAttempt = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export class LoginLimiter {
  readonly #store: EphemeralStore;

  constructor(
    store: EphemeralStore = new MemoryEphemeralStore({
      maxEntries: LOGIN_MAX_CLIENTS,
      whenFull: "refuse",
    }),
  ) {
    this.#store = store;
  }

  /** Counts one attempt from `ip`; refused once LOGIN_FAILURE_LIMIT failures fill the window. */
  begin(ip: string, now: number): LoginAttempt {
    const key = clientKey(ip);
    const attempts = this.#store.increment(key, LOGIN_FAILURE_WINDOW_MS, now);
    if (attempts <= LOGIN_FAILURE_LIMIT) return { allowed: true };
    // A full store holds no counter for this client: wait a whole window.
    const remainingMs = this.#store.ttl(key, now) || LOGIN_FAILURE_WINDOW_MS;
    return { allowed: false, retryAfterSeconds: Math.ceil(Math.max(remainingMs, 1000) / 1000) };
  }

  /** A successful sign-in forgets the client's earlier failures. */
  clear(ip: string): void {
    this.#store.delete(clientKey(ip));
  }
}
