// Is a client IP on a hosting network? Answered from the bundled IP→ASN data (npm package
// @ip-location-db/asn: RouteViews, NRO and DB-IP, CC BY 4.0), keeping only the ranges of the
// hosting ASNs (lib/bots/hosting_networks.ts). Opened once at start; answers are memoised per IP.
import { LruCache } from "../lru.ts";
import { type AsnRanges, parseAsnRanges } from "./asn_ranges.ts";
import { ASN_DATA_DIR_URL, ASN_FILES } from "../bundled_data.ts";
import { normaliseIp } from "./geo.ts";
import { ipv4Number, ipv6Prefix } from "./ip_number.ts";

export interface HostingLookup {
  /** False when the data could not be read; hostingAsn() then always answers null. */
  readonly available: boolean;
  /** Why it is unavailable (for the boot log), else null. */
  readonly error: string | null;
  /** IPv4 + IPv6 ranges held. */
  readonly ranges: number;
  /** The hosting network's ASN for this client IP, or null (not hosting, private, invalid). */
  hostingAsn(ip: string): number | null;
}

/** The folder of the npm package holding the IP→ASN files (ASN_FILES). */
export const DEFAULT_ASN_DATA_DIR: URL = ASN_DATA_DIR_URL;

const CACHE_ENTRIES = 20_000;
const MAX_IP_LENGTH = 45;
const NOT_HOSTING = 0;

class RangesLookup implements HostingLookup {
  readonly available = true;
  readonly error = null;
  readonly #ranges: AsnRanges;
  readonly #cache = new LruCache<string, number>(CACHE_ENTRIES);

  constructor(ranges: AsnRanges) {
    this.#ranges = ranges;
  }

  get ranges(): number {
    return this.#ranges.size;
  }

  hostingAsn(ip: string): number | null {
    if (typeof ip !== "string" || ip.length === 0 || ip.length > MAX_IP_LENGTH) return null;
    let asn = this.#cache.get(ip);
    if (asn === undefined) this.#cache.set(ip, asn = this.#find(ip));
    return asn === NOT_HOSTING ? null : asn;
  }

  #find(raw: string): number {
    const ip = normaliseIp(raw);
    const v4 = ipv4Number(ip);
    if (v4 !== null) return this.#ranges.findIpv4(v4) ?? NOT_HOSTING;
    const v6 = ipv6Prefix(ip);
    return v6 === null ? NOT_HOSTING : this.#ranges.findIpv6(v6) ?? NOT_HOSTING;
  }
}

class UnavailableLookup implements HostingLookup {
  readonly available = false;
  readonly ranges = 0;
  constructor(readonly error: string) {}

  hostingAsn(_ip: string): null {
    return null;
  }
}

// Reading the CSVs (45 MB) takes tens of milliseconds; apps built with the same data and ASNs
// (tests build many) share one immutable table. A pure memo: nothing a caller can observe.
const opened = new Map<string, HostingLookup>();

/**
 * Opens the hosting ranges of `asns` from `dir` (call once at boot). Never throws: on a missing
 * or unreadable file it returns a lookup with `available: false` that answers null.
 */
export function openHostingLookup(
  asns: ReadonlySet<number>,
  dir: string | URL = DEFAULT_ASN_DATA_DIR,
): HostingLookup {
  const key = `${String(dir)}\n${[...asns].sort((a, b) => a - b).join(",")}`;
  let lookup = opened.get(key);
  if (lookup) return lookup;
  const base = typeof dir === "string"
    ? new URL(`file://${dir.endsWith("/") ? dir : `${dir}/`}`)
    : dir;
  try {
    const v4 = readWhole(new URL(ASN_FILES.ipv4, base));
    const v6 = readWhole(new URL(ASN_FILES.ipv6, base));
    lookup = new RangesLookup(parseAsnRanges(v4, v6, asns));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return new UnavailableLookup(`cannot read the IP→ASN data in ${String(dir)}: ${reason}`);
  }
  if (opened.size >= 8) opened.clear();
  opened.set(key, lookup);
  return lookup;
}

/**
 * The file's bytes, read into one buffer of its size: Deno.readFileSync took 270-430 ms for the
 * 24 MB IPv4 file here (it grows its buffer as it reads), this 9 ms.
 */
function readWhole(path: URL): Uint8Array {
  using file = Deno.openSync(path);
  const bytes = new Uint8Array(file.statSync().size);
  let at = 0;
  while (at < bytes.length) {
    const read = file.readSync(bytes.subarray(at));
    if (read === null || read === 0) break;
    at += read;
  }
  return bytes.subarray(0, at);
}
