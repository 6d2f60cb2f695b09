// IP location for hit enrichment: a local MMDB read with maxmind's Reader (the bundled
// ip-location-db file, or the operator's ECHELON_GEOIP_DB: DB-IP Lite, GeoLite2, …), plus
// trusted CDN geo headers. Country, and region and city when the database has them; the IP
// itself is never returned or stored from here, nor are coordinates.

import { Buffer } from "node:buffer";
import { isIP } from "node:net";
import { Reader, type Response as MmdbResponse } from "maxmind";
import { ConfigError } from "../config.ts";
import {
  detectFields,
  type GeoFields,
  type GeoPlace,
  placeFromRecord,
  sampleAddresses,
} from "./geo_record.ts";
import { GEO_COUNTRY_DB_URL } from "../bundled_data.ts";
import { LruCache } from "../lru.ts";
import { attributionFor, BUNDLED_GEO_ATTRIBUTION, type GeoAttribution } from "./geo_sources.ts";

export type { GeoPlace } from "./geo_record.ts";

/** What the open database is: for the boot log, the admin footer and /api/health. */
export interface GeoDatabaseInfo {
  path: string;
  /** The MMDB metadata's database_type, e.g. "DBIP-City-Lite", "GeoLite2-Country", "country". */
  databaseType: string;
  /** When the file was built (metadata build_epoch). */
  builtAt: Date;
  fields: GeoFields;
  attribution: GeoAttribution;
}

export interface GeoLookup {
  /** False when the database could not be opened; lookups then always answer null. */
  readonly available: boolean;
  /** Why the database is unavailable (for the boot log), else null. */
  readonly error: string | null;
  /** The open database, else null. */
  readonly info: GeoDatabaseInfo | null;
  /** Country, region and city; null for private, reserved, unknown or invalid input. */
  locate(ip: string): GeoPlace | null;
  /** ISO 3166-1 alpha-2, upper case; null for private, reserved, unknown or invalid input. */
  country(ip: string): string | null;
}

/** The combined IPv4+IPv6 database shipped by the npm package (one file, one reader). */
export const DEFAULT_GEO_DB_URL: URL = GEO_COUNTRY_DB_URL;

// The longest textual IPv6 form with an embedded IPv4 is 45 chars; anything longer is junk.
const MAX_IP_LENGTH = 45;
/**
 * Addresses whose place an open database remembers. A visitor's further hits come minutes apart,
 * and each lookup parses the address, walks the tree and decodes the record (~0.8 µs of a /b.gif
 * hit from a site's many visitors: bench/pixel_costs.md); a reloaded database is a new lookup
 * with a cache of its own.
 */
export const GEO_PLACES_KEPT = 20_000;

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
  readonly info: GeoDatabaseInfo;
  readonly #reader: Reader<MmdbResponse>;
  readonly #places = new LruCache<string, GeoPlace | null>(GEO_PLACES_KEPT);

  constructor(reader: Reader<MmdbResponse>, path: string, attribution: GeoAttribution | null) {
    this.#reader = reader;
    const meta = reader.metadata;
    const databaseType = String(meta.databaseType ?? "");
    const description = descriptionOf(meta.description);
    const sample = [...sampleAddresses()].map((ip) => this.#read(ip));
    this.info = {
      path,
      databaseType,
      builtAt: meta.buildEpoch,
      fields: detectFields(databaseType, sample),
      attribution: attribution ?? attributionFor(databaseType, description),
    };
  }

  #read(ip: string): GeoPlace | null {
    try {
      // MMDB records are whatever their writer chose (ip-location-db's are flat), so the record
      // is read as unknown and shaped by placeFromRecord. Frozen: callers share remembered ones.
      const place = placeFromRecord(this.#reader.get(ip) as unknown);
      return place && Object.freeze(place);
    } catch {
      return null;
    }
  }

  /** Places remembered (at most GEO_PLACES_KEPT), for tests. */
  get placesKept(): number {
    return this.#places.size;
  }

  locate(rawIp: string): GeoPlace | null {
    if (typeof rawIp !== "string" || rawIp.length === 0 || rawIp.length > MAX_IP_LENGTH) {
      return null;
    }
    let place = this.#places.get(rawIp);
    if (place === undefined) this.#places.set(rawIp, place = this.#locate(rawIp));
    return place;
  }

  #locate(rawIp: string): GeoPlace | null {
    const ip = normaliseIp(rawIp);
    const version = isIP(ip);
    if (version === 4 ? isNonPublicIpv4(ip) : version === 6 ? isNonPublicIpv6(ip) : true) {
      return null;
    }
    return this.#read(ip);
  }

  country(ip: string): string | null {
    return this.locate(ip)?.country ?? null;
  }
}

/** MMDB descriptions are a map of language to text; mmdb-lib's types call it a string. */
function descriptionOf(value: unknown): string {
  if (typeof value === "string") return value;
  if (value !== null && typeof value === "object") {
    const map = value as Record<string, unknown>;
    const text = map.en ?? Object.values(map)[0];
    return typeof text === "string" ? text : "";
  }
  return "";
}

class UnavailableGeoLookup implements GeoLookup {
  readonly available = false;
  readonly info = null;
  readonly error: string;

  constructor(error: string) {
    this.error = error;
  }

  locate(_ip: string): GeoPlace | null {
    return null;
  }

  country(_ip: string): string | null {
    return null;
  }
}

function readDatabase(path: string | URL, attribution: GeoAttribution | null): GeoLookup {
  const bytes = Deno.readFileSync(path);
  // Wrap without copying: mmdb-lib wants a Node Buffer, Deno gives a Uint8Array.
  const reader = new Reader<MmdbResponse>(
    Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
  );
  const label = path instanceof URL ? decodeURIComponent(path.pathname) : path;
  return new MmdbGeoLookup(reader, label, attribution);
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Opens an MMDB synchronously (call once at boot; ~8 MB read + index for the bundled one).
 * Never throws: on any failure it returns a lookup with `available: false` that answers null.
 */
export function openGeoDatabase(path: string | URL = DEFAULT_GEO_DB_URL): GeoLookup {
  try {
    return readDatabase(path, path === DEFAULT_GEO_DB_URL ? BUNDLED_GEO_ATTRIBUTION : null);
  } catch (error) {
    return new UnavailableGeoLookup(`cannot open geo database ${String(path)}: ${reason(error)}`);
  }
}

/**
 * The database the configuration names: the operator's ECHELON_GEOIP_DB, which must open (a
 * missing or foreign file stops boot with the variable's name), else the bundled one, whose
 * absence only turns the country lookup off.
 */
export function loadGeoDatabase(configuredPath: string | null): GeoLookup {
  if (configuredPath === null) return openGeoDatabase();
  let stat: Deno.FileInfo;
  try {
    stat = Deno.statSync(configuredPath);
  } catch (error) {
    throw new ConfigError("ECHELON_GEOIP_DB", `cannot read ${configuredPath}: ${reason(error)}`);
  }
  if (!stat.isFile) throw new ConfigError("ECHELON_GEOIP_DB", `${configuredPath} is not a file`);
  try {
    return readDatabase(configuredPath, null);
  } catch (error) {
    throw new ConfigError(
      "ECHELON_GEOIP_DB",
      `${configuredPath} is not a MaxMind DB (.mmdb) file: ${reason(error)}`,
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

const COUNTRY_CODE = /^[A-Z]{2}$/;
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
