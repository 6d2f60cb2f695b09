// Reading a place out of an MMDB record, whatever family wrote it: MaxMind-shaped records
// (GeoLite2, GeoIP2, DB-IP Lite: `country.iso_code`, `subdivisions[0].names.en`, `city.names.en`)
// and ip-location-db's flat ones (`country_code`, `state1`, `city`). Only country, region and
// city are read; coordinates, postcodes and time zones are never looked at (city granularity).

/** Where an IP is: a country code, and the region and city when the database has them. */
export interface GeoPlace {
  /** ISO 3166-1 alpha-2, upper case. */
  country: string;
  /** First-level subdivision name (state, province, region), in English; null when unknown. */
  region: string | null;
  /** City name in English; null when unknown. */
  city: string | null;
}

const COUNTRY_CODE = /^[A-Z]{2}$/;
// Names are stored and shown as they are; control characters are dropped (they also separate
// the parts of the region and city dimension values) and length is bounded.
// deno-lint-ignore no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/g;
const MAX_NAME_LENGTH = 100;

type Named = { names?: Record<string, unknown> } | undefined;
interface MaxMindRecord {
  country?: { iso_code?: unknown };
  registered_country?: { iso_code?: unknown };
  subdivisions?: Named[];
  city?: Named | string;
}
interface FlatRecord {
  country_code?: unknown;
  state1?: unknown;
  city?: unknown;
}

function countryCode(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const upper = value.toUpperCase();
  return COUNTRY_CODE.test(upper) ? upper : null;
}

function cleanName(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const name = value.replace(CONTROL, "").trim().slice(0, MAX_NAME_LENGTH);
  return name === "" ? null : name;
}

function englishName(value: Named): string | null {
  return cleanName(value?.names?.en);
}

/** The place an MMDB record describes, or null when it names no country. */
export function placeFromRecord(record: unknown): GeoPlace | null {
  if (record === null || typeof record !== "object") return null;
  const flat = record as FlatRecord;
  if (flat.country_code !== undefined) {
    const country = countryCode(flat.country_code);
    if (country === null) return null;
    return { country, region: cleanName(flat.state1), city: cleanName(flat.city) };
  }
  const mm = record as MaxMindRecord;
  const country = countryCode(mm.country?.iso_code) ?? countryCode(mm.registered_country?.iso_code);
  if (country === null) return null;
  const city = typeof mm.city === "string" ? cleanName(mm.city) : englishName(mm.city);
  return { country, region: englishName(mm.subdivisions?.[0]), city };
}

/** Which parts beyond the country a database holds. */
export interface GeoFields {
  region: boolean;
  city: boolean;
}

/**
 * What a database holds, from its metadata type ("GeoLite2-City", "DBIP-City-Lite", "city") and
 * from records: `sample` looks up a spread of public addresses, so a file whose type says nothing
 * is still recognised by what it answers.
 */
export function detectFields(databaseType: string, sample: Iterable<GeoPlace | null>): GeoFields {
  const isCity = /city/i.test(databaseType);
  const fields = { region: isCity, city: isCity };
  for (const place of sample) {
    if (place?.region) fields.region = true;
    if (place?.city) fields.city = true;
    if (fields.region && fields.city) break;
  }
  return fields;
}

/** One address in each /8 of the public IPv4 space (four per /8), for `detectFields`. */
export function* sampleAddresses(): Generator<string> {
  for (let a = 1; a < 224; a++) {
    if (a === 10 || a === 127) continue;
    for (const b of [0, 64, 128, 192]) yield `${a}.${b}.${(a * 7 + b) & 255}.1`;
  }
}
