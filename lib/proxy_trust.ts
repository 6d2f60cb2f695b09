// Which TCP peers are proxies we believe (ECHELON_TRUST_PROXY), parsed once at start into a
// predicate over (address, hop). The rule is proxy-addr's (Express's "trust proxy"): hop 0 is the
// connection's peer, hop 1 the rightmost X-Forwarded-For entry, and so on leftwards.
import proxyaddr from "proxy-addr";
import { LruCache } from "./lru.ts";

export interface ProxyTrust {
  /** What is trusted, normalised (for the start log and tests). */
  readonly description: string;
  /** Whether the address `hop` steps from us (0 = the TCP peer) is a proxy we trust. */
  trusts(address: string, hop: number): boolean;
}

/** Ranges that `true` trusts: a proxy on this machine or on a private network (RFC 1918/4193). */
export const DEFAULT_TRUSTED_RANGES = ["loopback", "linklocal", "uniquelocal"] as const;
const KEYWORDS: ReadonlySet<string> = new Set(DEFAULT_TRUSTED_RANGES);
const MAX_HOPS = 32;

/**
 * `undefined`, `false` (off, no, 0): trust no proxy. `true` (on, yes): DEFAULT_TRUSTED_RANGES.
 * An integer n: trust the first n hops whatever their address (a fixed chain of n proxies).
 * Otherwise a comma-separated list of IP addresses, CIDR ranges and the keywords `loopback`,
 * `linklocal` and `uniquelocal`. Throws a message naming the bad item.
 */
export function parseProxyTrust(raw: string | undefined): ProxyTrust | null {
  if (raw === undefined) return null;
  const value = raw.trim().toLowerCase();
  if (["", "false", "off", "no", "0"].includes(value)) return null;
  if (["true", "on", "yes"].includes(value)) return rangeTrust([...DEFAULT_TRUSTED_RANGES]);
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops > MAX_HOPS) throw new Error(`a hop count must be 1..${MAX_HOPS}, got ${hops}`);
    return { description: `${hops} hop${hops === 1 ? "" : "s"}`, trusts: (_, hop) => hop < hops };
  }
  const items = value.split(",").map((item) => item.trim()).filter((item) => item !== "");
  for (const item of items) {
    if (KEYWORDS.has(item)) continue;
    try {
      proxyaddr.compile(item);
    } catch {
      throw new Error(
        `"${item}" is not true/false, a hop count, an IP address, a CIDR range or one of ` +
          [...KEYWORDS].join(", "),
      );
    }
  }
  return rangeTrust(items);
}

/** Addresses whose verdict is remembered: the proxy itself and returning clients skip a parse. */
const VERDICTS_KEPT = 4096;

function rangeTrust(ranges: string[]): ProxyTrust {
  const matches = proxyaddr.compile(ranges);
  const verdicts = new LruCache<string, boolean>(VERDICTS_KEPT);
  return {
    description: ranges.join(", "),
    trusts(address) {
      let trusted = verdicts.get(address);
      if (trusted === undefined) {
        // proxy-addr's matcher parses the address (~3 µs) and answers false for non-addresses.
        trusted = matches(address, 0);
        if (address.length <= 64) verdicts.set(address, trusted);
      }
      return trusted;
    },
  };
}
