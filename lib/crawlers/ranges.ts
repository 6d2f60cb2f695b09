// Crawler verification by IP: the published ranges of well-known crawlers (a dated snapshot in
// lib/crawlers/ranges.json), compiled once into one set per prefix length, so a lookup costs one
// masked-key probe per distinct length (at most 33 for IPv4, 129 for IPv6), not one per prefix.
import ipaddr from "ipaddr.js";
import { isIpAddress } from "../ingest/client_ip.ts";
import { LruCache } from "../lru.ts";

/** The bundled snapshot, resolved from this file. */
export const CRAWLER_RANGES_URL = new URL("./ranges.json", import.meta.url);

/**
 * verified: the IP is inside the crawler's published ranges. unverified: the crawler publishes
 * ranges and the IP is outside them (a spoofed User-Agent, or ranges newer than the snapshot).
 * unlisted: the crawler publishes no ranges, so its claim cannot be checked.
 */
export type Verification = "verified" | "unverified" | "unlisted";
export const VERIFICATIONS: readonly Verification[] = ["verified", "unverified", "unlisted"];

export interface RangeSource {
  urls: string[];
  /** Bot display names of lib/bots/bot_names.ts this source verifies. */
  crawlers: string[];
  /** When the prefixes were fetched from the publisher, YYYY-MM-DD. */
  fetched: string;
  prefixes: string[];
}

export interface RangeSnapshot {
  snapshot_date: string;
  copied_from: string;
  sources: Record<string, RangeSource>;
}

/** Whether an address is inside a crawler's published ranges. */
export interface CrawlerRanges {
  /** The snapshot's date (YYYY-MM-DD), shown next to every verified figure. */
  readonly date: string;
  /** Names of the crawlers that publish ranges. */
  readonly crawlers: ReadonlySet<string>;
  verify(crawler: string, ip: string): Verification;
}

/** Prefix length → masked network keys, for one address family. */
type PrefixSets = Map<number, Set<string>>;

function maskedKey(bytes: readonly number[], bits: number): string {
  let key = "";
  for (let i = 0; i * 8 < bits; i++) {
    const keep = Math.min(8, bits - i * 8);
    key += String.fromCharCode(bytes[i] & (0xff << (8 - keep)) & 0xff);
  }
  return key;
}

/** A parsed address; IPv4-mapped IPv6 counts as its IPv4 address. Null when not an address. */
function parseAddress(ip: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  if (!isIpAddress(ip)) return null;
  const address = ipaddr.parse(ip);
  if (address.kind() === "ipv6" && (address as ipaddr.IPv6).isIPv4MappedAddress()) {
    return (address as ipaddr.IPv6).toIPv4Address();
  }
  return address;
}

function contains(sets: PrefixSets, bytes: readonly number[]): boolean {
  for (const [bits, keys] of sets) if (keys.has(maskedKey(bytes, bits))) return true;
  return false;
}

/** Compiles a snapshot; a prefix that does not parse is an error naming the source and prefix. */
export function compileCrawlerRanges(snapshot: RangeSnapshot): CrawlerRanges {
  const byCrawler = new Map<string, { v4: PrefixSets; v6: PrefixSets }>();
  for (const [name, source] of Object.entries(snapshot.sources)) {
    for (const crawler of source.crawlers) {
      const sets = byCrawler.get(crawler) ?? { v4: new Map(), v6: new Map() };
      byCrawler.set(crawler, sets);
      for (const prefix of source.prefixes) {
        let network: [ipaddr.IPv4 | ipaddr.IPv6, number];
        try {
          network = ipaddr.parseCIDR(prefix);
        } catch (error) {
          throw new Error(`crawler ranges: source ${name}: "${prefix}" is not a CIDR prefix`, {
            cause: error,
          });
        }
        const [address, bits] = network;
        const family = address.kind() === "ipv4" ? sets.v4 : sets.v6;
        const keys = family.get(bits) ?? new Set<string>();
        family.set(bits, keys);
        keys.add(maskedKey(address.toByteArray(), bits));
      }
    }
  }
  // A crawler comes back from the same few addresses: a log's lines repeat (crawler, IP) pairs.
  const cache = new LruCache<string, Verification>(10_000);
  return {
    date: snapshot.snapshot_date,
    crawlers: new Set(byCrawler.keys()),
    verify(crawler, ip) {
      const sets = byCrawler.get(crawler);
      if (!sets) return "unlisted";
      const key = `${crawler}\u0000${ip}`;
      const cached = cache.get(key);
      if (cached !== undefined) return cached;
      const address = parseAddress(ip);
      const verdict = address !== null &&
          contains(address.kind() === "ipv4" ? sets.v4 : sets.v6, address.toByteArray())
        ? "verified"
        : "unverified";
      cache.set(key, verdict);
      return verdict;
    },
  };
}

/** Reads and compiles the snapshot (call once; a missing or broken file is an error). */
export function loadCrawlerRanges(path: string | URL = CRAWLER_RANGES_URL): CrawlerRanges {
  let snapshot: RangeSnapshot;
  try {
    snapshot = JSON.parse(Deno.readTextFileSync(path));
  } catch (error) {
    throw new Error(`crawler ranges: cannot read ${String(path)}`, { cause: error });
  }
  return compileCrawlerRanges(snapshot);
}
