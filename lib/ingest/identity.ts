// Visitor identity (docs/architecture.md, decision 5). Cookieless: HMAC(daily key, ip|ua|site), the
// daily key derived from the secret and the UTC date, so ids are stable across restarts, rotate at
// UTC midnight and are never stored raw. Cookie mode (`ck=1`): a random 16-hex `_ev` cookie.
import { deriveKey, keyedHmac, type Mac } from "../keys.ts";
import { LruCache } from "../lru.ts";

export const VISITOR_COOKIE = "_ev";
const COOKIE_MAX_AGE = 30 * 86_400;
const COOKIE_VALUE = /^[0-9a-f]{16}$/;

export interface Identity {
  visitorId: string;
  isReturning: boolean;
  /** Set-Cookie value to send (cookie mode only). */
  setCookie: string | null;
}

export class IdentityResolver {
  readonly #master: Uint8Array;
  #dailyKey: { date: string; mac: Mac } | null = null;
  // Most hits repeat a visitor seen seconds earlier; caching skips the HMAC on the hot path.
  readonly #cache = new LruCache<string, string>(20_000);

  constructor(masterSecret: Uint8Array) {
    this.#master = masterSecret;
  }

  cookieless(ip: string, userAgent: string, siteId: string, date: string): string {
    const input = `${ip}|${userAgent}|${siteId}`;
    const cacheKey = `${date}|${input}`;
    const cached = this.#cache.get(cacheKey);
    if (cached) return cached;
    if (this.#dailyKey?.date !== date) {
      this.#dailyKey = { date, mac: keyedHmac(deriveKey(this.#master, "visitor-daily", date)) };
    }
    const id = hex(this.#dailyKey.mac(input).subarray(0, 8));
    this.#cache.set(cacheKey, id);
    return id;
  }

  /** Cookie mode: reuse a valid `_ev` cookie (a returning visitor) or mint a new one. */
  fromCookie(cookieHeader: string | null, options: { secure: boolean }): Identity {
    const existing = readCookie(cookieHeader, VISITOR_COOKIE);
    const valid = existing !== null && COOKIE_VALUE.test(existing);
    const visitorId = valid ? existing : hex(crypto.getRandomValues(new Uint8Array(8)));
    const attributes = options.secure ? "; SameSite=None; Secure; Partitioned" : "; SameSite=Lax";
    return {
      visitorId,
      isReturning: valid,
      setCookie:
        `${VISITOR_COOKIE}=${visitorId}; Path=/; HttpOnly; Max-Age=${COOKIE_MAX_AGE}${attributes}`,
    };
  }

  /** The existing cookie id, if any (events never set the cookie, only read it). */
  cookieId(cookieHeader: string | null): string | null {
    const value = readCookie(cookieHeader, VISITOR_COOKIE);
    return value !== null && COOKIE_VALUE.test(value) ? value : null;
  }
}

export function readCookie(header: string | null, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

function hex(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out;
}
