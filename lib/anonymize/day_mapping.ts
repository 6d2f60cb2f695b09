// One UTC day's mappings for anonymised sites: every output is HMAC-SHA256(day key, kind ‖ site ‖
// value), so it is deterministic within the day, unrelated across days and not reversible without
// the key. Where distinct inputs must stay distinct (visitors, sessions, pages, referrers, UTM
// values, query values) the output carries 38 to 122 bits of the MAC; where merging is harmless
// (countries, screens, OS and browser names) it is a themed word chosen by the MAC.
import { hmac } from "../keys.ts";
import { LruCache } from "../lru.ts";
import { hex, u32, uuidOf } from "./bytes.ts";
import { PSEUDO_COUNTRY_CODES } from "./pseudo_countries.ts";
import {
  BODY_PARTS,
  CODENAMES,
  MAMMALS,
  REFERRER_ZONE,
  TERMINAL_RESOLUTIONS,
  TROPICAL_BIRDS,
  UNKNOWN_VESSEL,
  VESSELS,
} from "./themes.ts";

/** Stored paths are bounded like the collectors' (lib/ingest/page_path.ts MAX_PATH). */
const MAX_PATH = 2048;
/** Low-cardinality labels memoised per day (segments, countries, UA names, referrers, UTM). */
const LABEL_CACHE_ENTRIES = 20_000;
/**
 * Visitor and session ids memoised per day: a session's views and events repeat its ids within
 * seconds, and an HMAC through node:crypto costs ~10–20 µs here (lib/ingest/identity.ts does the
 * same for the visitor id).
 */
const ID_CACHE_ENTRIES = 20_000;

export interface MappedReferrer {
  origin: string;
  domain: string;
}

export class DayMapping {
  readonly #key: Uint8Array;
  readonly #labels = new LruCache<string, string>(LABEL_CACHE_ENTRIES);
  readonly #ids = new LruCache<string, string>(ID_CACHE_ENTRIES);

  constructor(dayKey: Uint8Array) {
    this.#key = dayKey;
  }

  /** 16 hex characters (64 bits): a day's distinct visitors stay distinct. */
  visitorId(site: string, visitorId: string): string {
    return this.#memo(this.#ids, "visitor", site, visitorId, (mac) => hex(mac).slice(0, 16));
  }

  /**
   * A UUID-shaped MAC of the real session id (122 bits, version 4 and variant bits set), so
   * distinct sessions stay distinct and one session keeps one id all day (reference defect:
   * 50 names for every session of a day).
   */
  sessionId(site: string, sessionId: string): string {
    return this.#memo(this.#ids, "session", site, sessionId, uuidOf);
  }

  /**
   * Each "/"-separated segment becomes `<codename>-<8 hex>` keyed by the segment alone, so /a/b
   * and /a/c share their first segment; query values become 8 hex, keys stay only when listed in
   * `keptKeys` (the site's allow-list: names an admin chose) and are mapped otherwise; a fragment
   * is mapped like a path. Empty segments and a trailing slash are kept.
   */
  path(site: string, raw: string, keptKeys: readonly string[] = []): string {
    const hashAt = raw.indexOf("#");
    const beforeHash = hashAt >= 0 ? raw.slice(0, hashAt) : raw;
    const q = beforeHash.indexOf("?");
    const pathname = q >= 0 ? beforeHash.slice(0, q) : beforeHash;
    let out = this.#segments(site, pathname);
    if (q >= 0) out += `?${this.#query(site, beforeHash.slice(q + 1), keptKeys)}`;
    if (hashAt >= 0) out += `#${this.#segments(site, raw.slice(hashAt + 1))}`;
    return out.slice(0, MAX_PATH);
  }

  /** One of the pseudo-country codes (QM–QZ, XC–XZ); null stays null. */
  country(site: string, code: string | null): string | null {
    if (code === null) return null;
    return this.#label(
      "country",
      site,
      code,
      (mac) => PSEUDO_COUNTRY_CODES[u32(mac) % PSEUDO_COUNTRY_CODES.length],
    );
  }

  /** A terminal resolution for a real screen size; no size stays none. */
  screen(
    site: string,
    width: number | null,
    height: number | null,
  ): [number | null, number | null] {
    if (width === null && height === null) return [null, null];
    const index = this.#label(
      "screen",
      site,
      `${width}x${height}`,
      (mac) => String(u32(mac) % TERMINAL_RESOLUTIONS.length),
    );
    const [w, h] = TERMINAL_RESOLUTIONS[Number(index)];
    return [w, h];
  }

  os(site: string, name: string | null): string | null {
    if (name === null) return null;
    return this.#label("os", site, name, (mac) => TROPICAL_BIRDS[u32(mac) % TROPICAL_BIRDS.length]);
  }

  browser(site: string, name: string | null): string | null {
    if (name === null) return null;
    return this.#label(
      "browser",
      site,
      name,
      (mac) =>
        `${MAMMALS[u32(mac) % MAMMALS.length]}${BODY_PARTS[u32(mac, 4) % BODY_PARTS.length]}`,
    );
  }

  /** `<1–150>.<0–9>`, as the reference maps versions; `kind` separates OS and browser versions. */
  version(site: string, kind: "os" | "browser", version: string | null): string | null {
    if (version === null) return null;
    return this.#label(
      `${kind}-version`,
      site,
      version,
      (mac) => `${(u32(mac) % 150) + 1}.${u32(mac, 4) % 10}`,
    );
  }

  /** desktop → mothership, tablet → shuttle, mobile → probe, anything else → unknown-vessel. */
  device(type: string | null): string | null {
    if (type === null) return null;
    return VESSELS[type] ?? UNKNOWN_VESSEL;
  }

  /**
   * A referrer by its bare host (lower case, no "www."), so every referral from one site maps
   * to one fictional host of the reserved `intranet.example` zone; the origin and domain agree.
   */
  referrer(site: string, bareHost: string): MappedReferrer {
    const host = this.#label(
      "referrer",
      site,
      bareHost,
      (mac) => `${codename(mac)}-${hex(mac.subarray(1, 5))}.${REFERRER_ZONE}`,
    );
    return { origin: `https://${host}`, domain: host };
  }

  /** UTM values as `<codename>-<8 hex>`, keyed by their field, so grouping per value survives. */
  utm(site: string, field: string, value: string | null): string | null {
    if (value === null) return null;
    return this.#label(field, site, value, (mac) => `${codename(mac)}-${hex(mac.subarray(1, 5))}`);
  }

  /** `<prefix>-<8 hex>` for identifiers that must group (experiments and variants not registered). */
  token(site: string, prefix: string, value: string): string {
    return `${prefix}-${this.#hex8(prefix, site, value)}`;
  }

  /**
   * A form value scrambled deterministically: the same length in code points, upper-case letters
   * stay upper-case letters (A–Z), other letters become a–z, digits stay digits, white space and
   * ASCII punctuation stay as they are, and any other character becomes "*".
   */
  formValue(site: string, value: string): string {
    const chars = Array.from(value);
    let stream = this.#mac("form", site, value);
    let out = "";
    for (let i = 0; i < chars.length; i++) {
      const at = i % stream.length;
      if (i > 0 && at === 0) stream = this.#mac("form", site, `${i}\u0000${value}`);
      const byte = stream[at];
      const ch = chars[i];
      if (/\p{Lu}/u.test(ch)) out += String.fromCharCode(65 + (byte % 26));
      else if (/\p{L}/u.test(ch)) out += String.fromCharCode(97 + (byte % 26));
      else if (/\p{N}/u.test(ch)) out += String.fromCharCode(48 + (byte % 10));
      else if (/^[\s!-/:-@[-`{-~]$/.test(ch)) out += ch;
      else out += "*";
    }
    return out;
  }

  #segments(site: string, text: string): string {
    return text.split("/").map((segment) =>
      segment === ""
        ? ""
        : this.#label("segment", site, segment, (mac) =>
          `${codename(mac)}-${hex(mac.subarray(1, 5))}`)
    ).join("/");
  }

  #query(site: string, query: string, keptKeys: readonly string[]): string {
    return query.split("&").map((pair) => {
      if (pair === "") return "";
      const eq = pair.indexOf("=");
      const key = eq >= 0 ? pair.slice(0, eq) : pair;
      const mappedKey = keptKeys.includes(key) ? key : this.token(site, "key", key);
      if (eq < 0) return mappedKey;
      const value = pair.slice(eq + 1);
      // Keyed by the parameter too: page=2 and size=2 map apart.
      return `${mappedKey}=${value === "" ? "" : this.#hex8("query", site, `${key}=${value}`)}`;
    }).join("&");
  }

  #hex8(kind: string, site: string, value: string): string {
    return this.#label(kind, site, value, (mac) => hex(mac.subarray(0, 4)));
  }

  #label(kind: string, site: string, value: string, make: (mac: Uint8Array) => string): string {
    return this.#memo(this.#labels, kind, site, value, make);
  }

  #memo(
    cache: LruCache<string, string>,
    kind: string,
    site: string,
    value: string,
    make: (mac: Uint8Array) => string,
  ): string {
    const cacheKey = `${kind}\u0000${site}\u0000${value}`;
    let out = cache.get(cacheKey);
    if (out === undefined) {
      out = make(this.#mac(kind, site, value));
      cache.set(cacheKey, out);
    }
    return out;
  }

  #mac(kind: string, site: string, value: string): Uint8Array {
    return hmac(this.#key, `${kind}\u0000${site}\u0000${value}`);
  }
}

/** A codename from the MAC's first byte (the list has 64 entries: no modulo bias). */
function codename(mac: Uint8Array): string {
  return CODENAMES[mac[0] % CODENAMES.length];
}
