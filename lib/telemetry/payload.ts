// The telemetry ping: an aggregate, anonymous description of this instance — product version,
// runtime, how long it has been up and how many sites it has (both as coarse buckets), and which
// features are switched on. No site id or name, no URL or hostname, no visitor or request data,
// no instance identifier. Settings shows `telemetryJson(...)` and the daily job sends that exact
// text, so what the admin reads before opting in is byte for byte what leaves the server.
import type { Config } from "../config.ts";
import type { Store } from "../store/types.ts";

export type UptimeBucket = "<1h" | "1h-1d" | "1d-7d" | "7d-30d" | ">30d";
export type SitesBucket = "0" | "1" | "2-5" | "6-20" | "21-100" | ">100";

export interface TelemetryPayload {
  /** Version of this payload's shape. */
  schema: 1;
  product: "echelon-analytics";
  version: string;
  runtime: { deno: string; os: string };
  uptime: UptimeBucket;
  sites: SitesBucket;
  /** Features in use (true) or not (false); nothing else about how. */
  features: Record<string, boolean>;
}

export interface PayloadDeps {
  config: Config;
  store: Pick<Store, "settings" | "telemetry">;
  startedAt: number;
  now: () => number;
  /** The effective debug switch and whether the country database loaded. */
  collect: { caches: { debug: boolean }; geoAvailable: boolean };
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export function uptimeBucket(ms: number): UptimeBucket {
  if (ms < HOUR) return "<1h";
  if (ms < DAY) return "1h-1d";
  if (ms < 7 * DAY) return "1d-7d";
  if (ms < 30 * DAY) return "7d-30d";
  return ">30d";
}

export function sitesBucket(count: number): SitesBucket {
  if (count <= 1) return count <= 0 ? "0" : "1";
  if (count <= 5) return "2-5";
  if (count <= 20) return "6-20";
  if (count <= 100) return "21-100";
  return ">100";
}

export async function buildTelemetryPayload(deps: PayloadDeps): Promise<TelemetryPayload> {
  const { config } = deps;
  const usage = await deps.store.telemetry.usage();
  return {
    schema: 1,
    product: "echelon-analytics",
    version: config.version,
    runtime: { deno: Deno.version.deno, os: Deno.build.os },
    uptime: uptimeBucket(deps.now() - deps.startedAt),
    sites: sitesBucket(usage.sites),
    features: {
      public_mode: config.publicMode,
      bearer_token: config.secret !== "",
      cookie_consent: config.cookieConsent,
      anonymized_sites: config.anonymizeSites.length > 0,
      allowed_origins: config.allowedOrigins.length > 0,
      allowed_sites: config.allowedSites.length > 0,
      registered_sites_only: config.registeredSitesOnly,
      utm_record_all: config.utmRecordAll,
      trust_proxy: config.trustProxy !== null,
      behind_cloudflare: config.behindCloudflare,
      geo_database: deps.collect.geoAvailable,
      debug: deps.collect.caches.debug,
      experiments: usage.experiments,
      campaigns: usage.campaigns,
      perf_metrics: usage.perfMetrics,
    },
  };
}

/** The exact text shown in Settings and sent as the request body. */
export function telemetryJson(payload: TelemetryPayload): string {
  return JSON.stringify(payload, null, 2);
}
