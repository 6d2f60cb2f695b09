// Configuration: every ECHELON_* variable parsed once, strictly, into one typed object. Nothing
// else reads the environment; `loadConfig` is handed the variables by main.ts or a test. A bad
// value stops boot with the variable's name (CONTRIBUTING.md, code rule 2: "0" means 0, garbage is
// an error).
import { parseProxyTrust, type ProxyTrust } from "./proxy_trust.ts";
import { SECRET_ADVICE, secretWeakness } from "./secret_strength.ts";

export class ConfigError extends Error {
  constructor(readonly variable: string, message: string) {
    super(`${variable}: ${message}`);
    this.name = "ConfigError";
  }
}

export type TelemetryOverride = "on" | "off" | null;

/** How lib/log.ts writes a line: `text` (time, level, message, JSON fields) or one JSON object. */
export const LOG_FORMATS = ["text", "json"] as const;
export type LogFormat = typeof LOG_FORMATS[number];

export interface Config {
  port: number;
  hostname: string;
  dbPath: string;
  /**
   * Explicit secret from ECHELON_SECRET (at least 32 characters, not patterned); empty means
   * "generate once and keep in the DB".
   */
  secret: string;
  username: string;
  passwordHash: string;
  cookieSecure: boolean | null;
  retentionDays: number;
  botRetentionDays: number;
  /** Days CI benchmark metrics (perf_metrics, /api/perf) are kept. */
  perfRetentionDays: number;
  suspectCountries: string[];
  suspectPoints: number;
  siteSuspectCountries: Map<string, string[]>;
  botDiscardThreshold: number;
  botUaPatterns: string[];
  allowedOrigins: string[];
  allowedSites: string[];
  registeredSitesOnly: boolean;
  ignoredSites: string[];
  /** Hits register a new site only while the registry holds fewer sites (admins may add more). */
  maxSites: number;
  /** New sites registered by hits per rolling hour, at most. */
  newSitesPerHour: number;
  /** Distinct values per dimension, site and UTC day kept in aggregates; the rest is "(other)". */
  maxDailyValues: number;
  /** Record every utm_* value, not only those of active registered campaigns (the whitelist). */
  utmRecordAll: boolean;
  rateLimitMax: number;
  rateLimitWindowMs: number;
  viewFlushMs: number;
  eventFlushMs: number;
  /**
   * The proxies whose forwarding headers (X-Forwarded-For/-Proto/-Host, CF-Connecting-IP) count;
   * null: none, the TCP peer is the client (ECHELON_TRUST_PROXY, lib/proxy_trust.ts).
   */
  trustProxy: ProxyTrust | null;
  /** Cloudflare's headers count (client IP only when it came through a trusted proxy). */
  behindCloudflare: boolean;
  trustGeoHeaders: boolean;
  /** The operator's MMDB (ECHELON_GEOIP_DB); null: the bundled country database. */
  geoipDb: string | null;
  cookieConsent: boolean;
  challengeWindowMinutes: number;
  powDifficulty: number;
  /** ECHELON_HOSTING_ASNS: networks added to (and removed from) the bundled hosting list. */
  hostingAsns: { add: number[]; remove: number[] };
  /** Extra leading zero bits in challenges issued to clients on hosting networks. */
  hostingPowBits: number;
  /**
   * Request header (lower case) in which a trusted proxy passes the client's JA4 TLS fingerprint;
   * null: not used.
   */
  tlsFingerprintHeader: string | null;
  liveStatsMinutes: number;
  displayTimezone: string;
  publicMode: boolean;
  anonymizeSites: string[];
  telemetry: TelemetryOverride;
  telemetryUrl: string;
  debug: boolean;
  /** ECHELON_LOG_FORMAT: every log line as text (default) or as one JSON object. */
  logFormat: LogFormat;
  /** Bearer token that may read GET /metrics (empty: none; API keys and the secret still may). */
  metricsToken: string;
  /** GET /metrics answers without credentials (ECHELON_METRICS_PUBLIC, never implied). */
  metricsPublic: boolean;
  shutdownTimeoutMs: number;
  /** From accept until the first request's headers are complete (lib/http/). */
  headerTimeoutMs: number;
  /** A keep-alive connection with no request in flight is closed after this long. */
  idleTimeoutMs: number;
  /** From the end of a request's headers until its body must be complete (else 408). */
  bodyTimeoutMs: number;
  /** Connections open at once; null derives it from the open-file limit at start. */
  maxConnections: number | null;
  /** Connections open at once from one address (an IPv6 /64); trusted proxies are exempt. */
  maxConnectionsPerClient: number;
  /** Processes for the stats reads (lib/reads/); 0 runs them on the main thread. */
  readThreads: number;
  /** Reads that may wait for a read process; beyond it a read is refused (503 busy). */
  readQueue: number;
  /** Time budget of an authenticated request's reads (queue wait included), ms. */
  readTimeoutMs: number;
  /** The same for anonymous callers (public mode without credentials), ms. */
  publicReadTimeoutMs: number;
  /** Heavy reads per minute per client IP for anonymous callers (0: none). */
  publicReadRate: number;
  /** Heap limit of each read process, for V8 and for SQLite each, MiB. */
  readMemoryMb: number;
  /**
   * TEST ONLY (ECHELON_TEST_MAX_PAGES_FILE, never set in production): a file holding a page limit
   * that the writer connections apply (`PRAGMA max_page_count`) before each batch, so fault tests
   * get a real SQLITE_FULL and can clear it. See lib/db/test_faults.ts.
   */
  testMaxPagesFile: string | null;
  /** Vite dev server origin during `deno task dev`; assets then come from it instead of dist/. */
  viteDevUrl: string;
  version: string;
}

type Env = Record<string, string | undefined>;

/**
 * Site ids: at most 64 characters of [A-Za-z0-9._-] (the reference's rule, kept for the contract).
 */
export const SITE_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

const DEFAULTS = {
  port: 1947,
  dbPath: "./echelon.db",
  retentionDays: 90,
  perfRetentionDays: 365,
  suspectCountries: "CN",
  suspectPoints: 30,
  botDiscardThreshold: 0,
  rateLimitMax: 100,
  rateLimitWindowMs: 60_000,
  flushMs: 1000,
  challengeWindowMinutes: 10,
  powDifficulty: 16,
  hostingPowBits: 4,
  liveStatsMinutes: 10,
  shutdownTimeoutMs: 60_000,
  headerTimeoutMs: 10_000,
  // Longer than a proxy keeps an idle upstream connection (nginx 60 s, Caddy 2 min), so the proxy,
  // not this server, closes it first and never sends a request into a closing connection. Idle
  // connections cost little: at the connection cap they are the first to go.
  idleTimeoutMs: 130_000,
  bodyTimeoutMs: 30_000,
  maxConnectionsPerClient: 256,
  readThreads: 2,
  maxSites: 1000,
  newSitesPerHour: 100,
  maxDailyValues: 5000,
  readQueue: 32,
  readTimeoutMs: 60_000,
  publicReadTimeoutMs: 10_000,
  publicReadRate: 20,
  readMemoryMb: 512,
} as const;

export function loadConfig(env: Env, version = "dev"): Config {
  const read = (name: string) => {
    const value = env[name];
    return value === undefined || value.trim() === "" ? undefined : value.trim();
  };
  const int = (name: string, fallback: number, min: number, max: number) =>
    parseInteger(name, read(name), fallback, min, max);
  const bool = (name: string, fallback: boolean) => parseBoolean(name, read(name), fallback);
  const list = (name: string, fallback = "") => parseList(read(name) ?? fallback);

  const retentionDays = int("ECHELON_RETENTION_DAYS", DEFAULTS.retentionDays, 1, 36_500);
  const telemetryRaw = read("ECHELON_TELEMETRY");
  const cookieSecureRaw = read("ECHELON_COOKIE_SECURE");

  const config: Config = {
    port: int("ECHELON_PORT", DEFAULTS.port, 0, 65_535),
    hostname: read("ECHELON_HOSTNAME") ?? "0.0.0.0",
    dbPath: read("ECHELON_DB_PATH") ?? DEFAULTS.dbPath,
    secret: strongSecret(env.ECHELON_SECRET ?? ""),
    username: read("ECHELON_USERNAME") ?? "",
    passwordHash: read("ECHELON_PASSWORD_HASH") ?? "",
    cookieSecure: cookieSecureRaw === undefined
      ? null
      : parseBoolean("ECHELON_COOKIE_SECURE", cookieSecureRaw, false),
    retentionDays,
    botRetentionDays: int("ECHELON_BOT_RETENTION_DAYS", retentionDays, 1, 36_500),
    perfRetentionDays: int(
      "ECHELON_PERF_RETENTION_DAYS",
      DEFAULTS.perfRetentionDays,
      1,
      36_500,
    ),
    suspectCountries: list("ECHELON_SUSPECT_COUNTRIES", DEFAULTS.suspectCountries).map((c) =>
      countryCode("ECHELON_SUSPECT_COUNTRIES", c)
    ),
    suspectPoints: int("ECHELON_SUSPECT_POINTS", DEFAULTS.suspectPoints, 0, 100),
    siteSuspectCountries: parseSiteCountries(read("ECHELON_SITE_SUSPECT_COUNTRIES")),
    botDiscardThreshold: int(
      "ECHELON_BOT_DISCARD_THRESHOLD",
      DEFAULTS.botDiscardThreshold,
      0,
      100,
    ),
    botUaPatterns: list("ECHELON_BOT_UA_PATTERNS").map((p) => p.toLowerCase()),
    allowedOrigins: list("ECHELON_ALLOWED_ORIGINS").map(hostOf),
    allowedSites: list("ECHELON_ALLOWED_SITES").map((s) => siteId("ECHELON_ALLOWED_SITES", s)),
    registeredSitesOnly: bool("ECHELON_REGISTERED_SITES_ONLY", false),
    ignoredSites: [
      ...new Set([
        "smoke-test",
        ...list("ECHELON_IGNORED_SITES").map((s) => siteId("ECHELON_IGNORED_SITES", s)),
      ]),
    ],
    maxSites: int("ECHELON_MAX_SITES", DEFAULTS.maxSites, 0, 10_000_000),
    newSitesPerHour: int(
      "ECHELON_NEW_SITES_PER_HOUR",
      DEFAULTS.newSitesPerHour,
      0,
      10_000_000,
    ),
    maxDailyValues: int("ECHELON_MAX_DAILY_VALUES", DEFAULTS.maxDailyValues, 1, 10_000_000),
    utmRecordAll: bool("ECHELON_UTM_RECORD_ALL", false),
    rateLimitMax: int("ECHELON_RATE_LIMIT_MAX", DEFAULTS.rateLimitMax, 0, 100_000_000),
    rateLimitWindowMs: int(
      "ECHELON_RATE_LIMIT_WINDOW_MS",
      DEFAULTS.rateLimitWindowMs,
      1,
      86_400_000,
    ),
    viewFlushMs: int("ECHELON_VIEW_FLUSH_MS", DEFAULTS.flushMs, 10, 600_000),
    eventFlushMs: int("ECHELON_EVENT_FLUSH_MS", DEFAULTS.flushMs, 10, 600_000),
    trustProxy: proxyTrust(read("ECHELON_TRUST_PROXY")),
    behindCloudflare: bool("ECHELON_BEHIND_CLOUDFLARE", false),
    trustGeoHeaders: bool("ECHELON_TRUST_GEO_HEADERS", false),
    geoipDb: read("ECHELON_GEOIP_DB")?.trim() || null,
    cookieConsent: bool("ECHELON_COOKIE_CONSENT", false),
    challengeWindowMinutes: int(
      "ECHELON_CHALLENGE_WINDOW_MINUTES",
      DEFAULTS.challengeWindowMinutes,
      1,
      1440,
    ),
    powDifficulty: int("ECHELON_POW_DIFFICULTY", DEFAULTS.powDifficulty, 1, 32),
    hostingAsns: parseAsnList(read("ECHELON_HOSTING_ASNS")),
    hostingPowBits: int("ECHELON_HOSTING_POW_BITS", DEFAULTS.hostingPowBits, 0, 8),
    tlsFingerprintHeader: headerName(
      "ECHELON_TLS_FINGERPRINT_HEADER",
      read("ECHELON_TLS_FINGERPRINT_HEADER"),
    ),
    liveStatsMinutes: int("ECHELON_LIVE_STATS_MINUTES", DEFAULTS.liveStatsMinutes, 1, 1440),
    displayTimezone: timezone(read("ECHELON_DISPLAY_TIMEZONE") ?? "UTC"),
    publicMode: bool("ECHELON_PUBLIC_MODE", false),
    anonymizeSites: list("ECHELON_ANONYMIZE_SITES").map((s) =>
      siteId("ECHELON_ANONYMIZE_SITES", s)
    ),
    telemetry: telemetryRaw === undefined
      ? null
      : parseBoolean("ECHELON_TELEMETRY", telemetryRaw, false)
      ? "on"
      : "off",
    telemetryUrl: url("ECHELON_TELEMETRY_URL", read("ECHELON_TELEMETRY_URL")),
    debug: bool("ECHELON_DEBUG", false),
    logFormat: logFormatOf(env),
    metricsToken: strongToken("ECHELON_METRICS_TOKEN", read("ECHELON_METRICS_TOKEN") ?? ""),
    metricsPublic: bool("ECHELON_METRICS_PUBLIC", false),
    shutdownTimeoutMs: int(
      "ECHELON_SHUTDOWN_TIMEOUT_MS",
      DEFAULTS.shutdownTimeoutMs,
      100,
      3_600_000,
    ),
    headerTimeoutMs: int("ECHELON_HEADER_TIMEOUT_MS", DEFAULTS.headerTimeoutMs, 100, 3_600_000),
    idleTimeoutMs: int("ECHELON_IDLE_TIMEOUT_MS", DEFAULTS.idleTimeoutMs, 100, 3_600_000),
    bodyTimeoutMs: int("ECHELON_BODY_TIMEOUT_MS", DEFAULTS.bodyTimeoutMs, 100, 3_600_000),
    maxConnections: read("ECHELON_MAX_CONNECTIONS") === undefined
      ? null
      : int("ECHELON_MAX_CONNECTIONS", 0, 1, 10_000_000),
    maxConnectionsPerClient: int(
      "ECHELON_MAX_CONNECTIONS_PER_CLIENT",
      DEFAULTS.maxConnectionsPerClient,
      1,
      10_000_000,
    ),
    readThreads: int("ECHELON_READ_THREADS", DEFAULTS.readThreads, 0, 16),
    readQueue: int("ECHELON_READ_QUEUE", DEFAULTS.readQueue, 0, 10_000),
    readTimeoutMs: int("ECHELON_READ_TIMEOUT_MS", DEFAULTS.readTimeoutMs, 100, 3_600_000),
    publicReadTimeoutMs: int(
      "ECHELON_PUBLIC_READ_TIMEOUT_MS",
      DEFAULTS.publicReadTimeoutMs,
      100,
      3_600_000,
    ),
    publicReadRate: int("ECHELON_PUBLIC_READ_RATE", DEFAULTS.publicReadRate, 0, 1_000_000),
    readMemoryMb: int("ECHELON_READ_MEMORY_MB", DEFAULTS.readMemoryMb, 32, 65_536),
    testMaxPagesFile: read("ECHELON_TEST_MAX_PAGES_FILE") || null,
    viteDevUrl: url("VITE_DEV", read("VITE_DEV")),
    version: read("ECHELON_VERSION") ?? version,
  };
  if (config.behindCloudflare && config.trustProxy === null) {
    // Without a trusted peer CF-Connecting-IP is ignored, and every visitor would be counted as a
    // handful of Cloudflare edge addresses (one rate limit, one visitor each).
    throw new ConfigError(
      "ECHELON_BEHIND_CLOUDFLARE",
      "needs ECHELON_TRUST_PROXY naming the addresses that connect to Echelon: true for a proxy " +
        "on this machine or a private network, or Cloudflare's ranges (https://www.cloudflare.com/ips/)",
    );
  }
  if (config.trustGeoHeaders && config.trustProxy === null) {
    // Country headers are the edge's only when the edge is the peer; a client reaching the app
    // directly would otherwise choose its own country (and its suspect-country points).
    throw new ConfigError(
      "ECHELON_TRUST_GEO_HEADERS",
      "needs ECHELON_TRUST_PROXY naming the proxy or CDN that sets the country headers",
    );
  }
  if (config.tlsFingerprintHeader !== null && config.trustProxy === null) {
    // The fingerprint is the proxy's word about the client's TLS handshake; from a client that
    // reaches the app directly the header would be its own claim.
    throw new ConfigError(
      "ECHELON_TLS_FINGERPRINT_HEADER",
      "needs ECHELON_TRUST_PROXY naming the proxy that terminates TLS and sets the header",
    );
  }
  return config;
}

/**
 * ECHELON_LOG_FORMAT on its own, so main.ts can write the line that says why the rest of the
 * configuration was refused in the format the operator asked for.
 */
export function logFormatOf(env: Env): LogFormat {
  const raw = env.ECHELON_LOG_FORMAT?.trim() || undefined;
  return oneOf("ECHELON_LOG_FORMAT", raw, LOG_FORMATS, "text");
}

function parseInteger(
  name: string,
  raw: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (raw === undefined) return fallback;
  if (!/^-?\d+$/.test(raw)) throw new ConfigError(name, `expected an integer, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) {
    throw new ConfigError(name, `expected ${min}..${max}, got ${value}`);
  }
  return value;
}

function parseBoolean(name: string, raw: string | undefined, fallback: boolean): boolean {
  if (raw === undefined) return fallback;
  const value = raw.toLowerCase();
  if (["true", "1", "yes", "on"].includes(value)) return true;
  if (["false", "0", "no", "off"].includes(value)) return false;
  throw new ConfigError(name, `expected true or false, got "${raw}"`);
}

/** ECHELON_SECRET as given (empty = generate one), refused when weak (lib/secret_strength.ts). */
function strongSecret(secret: string): string {
  const weakness = secret === "" ? null : secretWeakness(secret);
  if (weakness) {
    throw new ConfigError("ECHELON_SECRET", `too weak: ${weakness}; ${SECRET_ADVICE}`);
  }
  return secret;
}

/** A bearer token other than the secret (ECHELON_METRICS_TOKEN): the same strength floor. */
function strongToken(name: string, token: string): string {
  const weakness = token === "" ? null : secretWeakness(token);
  if (weakness) {
    throw new ConfigError(
      name,
      `too weak: ${weakness}; generate one with \`openssl rand -hex 32\``,
    );
  }
  return token;
}

function oneOf<T extends string>(
  name: string,
  raw: string | undefined,
  allowed: readonly T[],
  fallback: T,
): T {
  if (raw === undefined) return fallback;
  const value = raw.toLowerCase();
  const found = allowed.find((option) => option === value);
  if (found === undefined) {
    throw new ConfigError(name, `expected one of ${allowed.join(", ")}, got "${raw}"`);
  }
  return found;
}

function proxyTrust(raw: string | undefined): ProxyTrust | null {
  try {
    return parseProxyTrust(raw);
  } catch (error) {
    throw new ConfigError("ECHELON_TRUST_PROXY", (error as Error).message);
  }
}

function parseList(raw: string): string[] {
  return raw.split(",").map((item) => item.trim()).filter((item) => item !== "");
}

/** `AS16509, 14061, -AS8075` → ASNs to add and (with a leading "-") to remove. */
function parseAsnList(raw: string | undefined): { add: number[]; remove: number[] } {
  const name = "ECHELON_HOSTING_ASNS";
  const result = { add: [] as number[], remove: [] as number[] };
  for (const item of parseList(raw ?? "")) {
    const match = /^(-?)(?:AS)?(\d{1,10})$/i.exec(item);
    const asn = match ? Number(match[2]) : NaN;
    if (!match || asn < 1 || asn > 4_294_967_295) {
      throw new ConfigError(
        name,
        `"${item}" is not an AS number (e.g. AS16509, or -AS16509 to remove)`,
      );
    }
    (match[1] === "-" ? result.remove : result.add).push(asn);
  }
  return result;
}

/** An HTTP header name (RFC 9110 §5.1 token), lower case; undefined → null. */
function headerName(name: string, raw: string | undefined): string | null {
  if (raw === undefined) return null;
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$/.test(raw)) {
    throw new ConfigError(name, `"${raw}" is not a header name (e.g. x-ja4)`);
  }
  return raw.toLowerCase();
}

function siteId(name: string, value: string): string {
  if (!SITE_ID_PATTERN.test(value)) {
    throw new ConfigError(name, `"${value}" is not a site id (1-64 of A-Z a-z 0-9 . _ -)`);
  }
  return value.toLowerCase();
}

function countryCode(name: string, value: string): string {
  const code = value.toUpperCase();
  if (!/^[A-Z]{2}$/.test(code)) throw new ConfigError(name, `"${value}" is not a country code`);
  return code;
}

/** `site:CC,CC;site:CC` → Map(site → codes). */
function parseSiteCountries(raw: string | undefined): Map<string, string[]> {
  const name = "ECHELON_SITE_SUSPECT_COUNTRIES";
  const result = new Map<string, string[]>();
  if (raw === undefined) return result;
  for (const part of raw.split(";").map((p) => p.trim()).filter(Boolean)) {
    const colon = part.indexOf(":");
    if (colon < 1) throw new ConfigError(name, `expected site:CC,CC, got "${part}"`);
    const site = siteId(name, part.slice(0, colon).trim());
    const codes = parseList(part.slice(colon + 1)).map((c) => countryCode(name, c));
    result.set(site, codes);
  }
  return result;
}

/** Allowed origins may be given as hostnames or full origins; we compare hostnames. */
function hostOf(value: string): string {
  const name = "ECHELON_ALLOWED_ORIGINS";
  const candidate = value.includes("://") ? value : `https://${value}`;
  try {
    return new URL(candidate).hostname.toLowerCase();
  } catch {
    throw new ConfigError(name, `"${value}" is not a hostname or origin`);
  }
}

function url(name: string, raw: string | undefined): string {
  if (raw === undefined) return "";
  try {
    const parsed = new URL(raw);
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new Error();
    return raw.replace(/\/+$/, "");
  } catch {
    throw new ConfigError(name, `"${raw}" is not an http(s) URL`);
  }
}

function timezone(raw: string): string {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: raw });
    return raw;
  } catch {
    throw new ConfigError("ECHELON_DISPLAY_TIMEZONE", `"${raw}" is not an IANA time zone`);
  }
}
