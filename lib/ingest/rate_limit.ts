// The tracking rate limit: at most ECHELON_RATE_LIMIT_MAX hits per client per
// ECHELON_RATE_LIMIT_WINDOW_MS, counted in the ephemeral store, shared by /b.gif, /e and the
// Nanolytica endpoint. A client is its IPv4 address or its IPv6 /64 (clientKey).
import type { Config } from "../config.ts";
import type { EphemeralStore } from "../ephemeral.ts";
import { clientKey } from "./client_ip.ts";

export type RateLimitConfig = Pick<Config, "rateLimitMax" | "rateLimitWindowMs">;

/** Counts one hit from `ip` and answers whether it is over the limit (never, with a max of 0). */
export function isOverRateLimit(
  store: EphemeralStore,
  config: RateLimitConfig,
  ip: string,
  now: number,
): boolean {
  const { rateLimitMax: max, rateLimitWindowMs: windowMs } = config;
  return max > 0 && store.increment(`rl:${clientKey(ip)}`, windowMs, now) > max;
}
