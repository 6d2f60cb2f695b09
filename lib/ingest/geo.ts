// Country lookup for hit enrichment: a local MMDB (ip-location-db geo-whois-asn-country,
// CC BY 4.0, NRO data) read with maxmind's Reader, plus trusted CDN geo headers.
// Only the country is derived; the IP itself is never returned or stored from here.

import { Buffer } from "node:buffer";
import { isIP } from "node:net";
import { Reader, type Response as MmdbResponse } from "maxmind";

export interface GeoLookup {
  /** False when the database could not be opened; country() then always answers null. */
  readonly available: boolean;
  /** Why the database is unavailable (for the boot log), else null. */
  readonly error: string | null;
  /** ISO 3166-1 alpha-2, upper case; null for private, reserved, unknown or invalid input. */
  country(ip: string): string | null;
}

/** The combined IPv4+IPv6 database shipped by the npm package (one file, one reader). */
export const DEFAULT_GEO_DB_URL = new URL(
  "../../node_modules/@ip-location-db/geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb",
  import.meta.url,
);

const COUNTRY_CODE = /^[A-Z]{2}$/;
// ip-location-db records are `{ country_code: "US" }`, which mmdb-lib's MaxMind-shaped
// Response union does not describe, so the record is read through this shape.
type CountryRecord = { country_code?: unknown } | null;
// The longest textual IPv6 form with an embedded IPv4 is 45 chars; anything longer is junk.
const MAX_IP_LENGTH = 45;

/** Unwraps IPv4-mapped IPv6 ("::ffff:1.2.3.4" or "::ffff:0102:0304") to plain IPv4. */
export function normaliseIp(ip: string): string {
  const lower = ip.trim().toLowerCase();
  if (!lower.startsWith("::ffff:")) return lower;
  const rest = lower.slice(7);
  if (isIP(rest) === 4) return rest;
  const hex = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(rest);
  if (hex === null) return lower;
  const high = parseInt(hex[1], 16);
  const low = parseInt(hex[2], 16);
  return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
}

/** Loopback, private (RFC 1918), CGNAT, link-local, multicast and reserved IPv4 ranges. */
function isNonPublicIpv4(ip: string): boolean {
  const [a, b] = ip.split(".", 2).map(Number);
  return a === 0 || a === 10 || a === 127 || a >= 224 ||
    (a === 100 && b >= 64 && b <= 127) ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168);
}

/** ::, ::1, unique-local fc00::/7, link-local fe80::/10, multicast ff00::/8. */
function isNonPublicIpv6(ip: string): boolean {
  if (ip === "::" || ip === "::1") return true;
  const first = ip.startsWith("::") ? 0 : parseInt(ip.slice(0, ip.indexOf(":")), 16);
  return (first & 0xfe00) === 0xfc00 || (first & 0xffc0) === 0xfe80 || (first & 0xff00) === 0xff00;
}

class MmdbGeoLookup implements GeoLookup {
  readonly available = true;
  readonly error = null;
  readonly #reader: Reader<MmdbResponse>;

  constructor(reader: Reader<MmdbResponse>) {
    this.#reader = reader;
  }

  country(rawIp: string): string | null {
    if (typeof rawIp !== "string" || rawIp.length === 0 || rawIp.length > MAX_IP_LENGTH) {
      return null;
    }
    const ip = normaliseIp(rawIp);
    const version = isIP(ip);
    if (version === 4 ? isNonPublicIpv4(ip) : version === 6 ? isNonPublicIpv6(ip) : true) {
      return null;
    }
    try {
      const code = (this.#reader.get(ip) as CountryRecord)?.country_code;
      if (typeof code !== "string") return null;
      const upper = code.toUpperCase();
      return COUNTRY_CODE.test(upper) ? upper : null;
    } catch {
      return null;
    }
  }
}

class UnavailableGeoLookup implements GeoLookup {
  readonly available = false;
  readonly error: string;

  constructor(error: string) {
    this.error = error;
  }

  country(_ip: string): string | null {
    return null;
  }
}

/**
 * Opens the MMDB synchronously (call once at boot; ~8 MB read + index). Never throws: on any
 * failure it returns a lookup with `available: false` that answers null.
 */
export function openGeoDatabase(path: string | URL = DEFAULT_GEO_DB_URL): GeoLookup {
  try {
    const bytes = Deno.readFileSync(path);
    // Wrap without copying: mmdb-lib wants a Node Buffer, Deno gives a Uint8Array.
    const reader = new Reader<MmdbResponse>(
      Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    );
    return new MmdbGeoLookup(reader);
  } catch (error) {
    return new UnavailableGeoLookup(
      `cannot open geo database ${String(path)}: ${error instanceof Error ? error.message : error}`,
    );
  }
}

/** Header values used when the proxy or CDN vouches for the country. */
export interface GeoHeaderOptions {
  /** Trust cf-ipcountry (set only when Cloudflare is the only way in). */
  behindCloudflare: boolean;
  /** Trust cloudfront-viewer-country, then x-country-code (set only behind such a proxy). */
  trustGeoHeaders: boolean;
}

// Cloudflare uses XX for "unknown" and T1 for Tor exit nodes; neither is a country.
const NOT_A_COUNTRY: ReadonlySet<string> = new Set(["XX", "T1"]);

function countryHeader(headers: Headers, name: string): string | null {
  const value = headers.get(name)?.trim().toUpperCase();
  if (value === undefined || !COUNTRY_CODE.test(value) || NOT_A_COUNTRY.has(value)) return null;
  return value;
}

/**
 * The country a trusted edge put in the request headers, or null. Headers are only read when
 * the matching option says a proxy sets them; otherwise any client could forge its country.
 */
export function countryFromHeaders(headers: Headers, opts: GeoHeaderOptions): string | null {
  if (opts.behindCloudflare) {
    const cf = countryHeader(headers, "cf-ipcountry");
    if (cf !== null) return cf;
  }
  if (opts.trustGeoHeaders) {
    return countryHeader(headers, "cloudfront-viewer-country") ??
      countryHeader(headers, "x-country-code");
  }
  return null;
}
