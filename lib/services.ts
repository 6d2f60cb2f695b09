// Everything a request may need, built once from the config and the opened store and passed down
// through `ctx.state.services` (no global singletons on the request path).
import { validateCredentialConfig } from "./auth/credentials.ts";
import { LoginLimiter } from "./auth/login_limit.ts";
import { sessionPurgeJob } from "./auth/sessions.ts";
import type { Config } from "./config.ts";
import type { Job } from "./jobs.ts";
import { type EphemeralStore, MemoryEphemeralStore } from "./ephemeral.ts";
import { type CrawlerService, createCrawlerService } from "./crawlers/mod.ts";
import { correlatorJob } from "./bots/correlator.ts";
import { hostingAsns } from "./bots/hosting_networks.ts";
import { Collector } from "./ingest/collector.ts";
import { type HostingLookup, openHostingLookup } from "./ingest/hosting_lookup.ts";
import { deriveKey } from "./keys.ts";
import type { Logger } from "./log.ts";
import { PowVerifier } from "./pow/mod.ts";
import type { ConnectionStats } from "./http/serve.ts";
import type { Reader } from "./reads/mod.ts";
import { HttpMetrics } from "./metrics/http_metrics.ts";
import { RequestStats } from "./request_stats.ts";
import { resolveMasterSecret } from "./secret.ts";
import { retentionJob } from "./stats/retention.ts";
import { finalRollups, rollupJob } from "./stats/rollup.ts";
import { SettledRangeCache } from "./stats/settled_cache.ts";
import type { OpenedStore, Store } from "./store/types.ts";
import { telemetryJob } from "./telemetry/job.ts";

export interface Services {
  config: Config;
  /** Persistence behind one async interface (lib/store/types.ts); migrated callers use only this. */
  store: Store;
  log: Logger;
  masterSecret: Uint8Array;
  ephemeral: EphemeralStore;
  /** Failed sign-ins per client, in a store of their own (lib/auth/login_limit.ts). */
  loginLimit: LoginLimiter;
  /** Issues proof-of-work challenges and verifies tokens (docs/architecture.md, decision 3). */
  pow: PowVerifier;
  /** Hosting networks by client IP: the `hosting` signal and harder challenges (routes/c.ts). */
  hosting: HostingLookup;
  /** The collectors' pipelines, writers and counters. */
  collect: Collector;
  /** Crawler classification for server-side hits (lib/crawlers/), built on first use. */
  crawlers: () => CrawlerService;
  /** Per-request timings for /api/stats/vitals. */
  requestStats: RequestStats;
  /** Requests and latencies per route class since start, for /metrics. */
  httpMetrics: HttpMetrics;
  /** Overview figures of settled days (lib/stats/settled_cache.ts). */
  statsCache: SettledRangeCache;
  /**
   * Runs the heavy stats reads, in read processes when the database is a file (lib/reads/);
   * routes use `readerFor(ctx)` (lib/reads/caller.ts) so the budget and the caller apply.
   */
  reads: Reader;
  /** The HTTP connection layer's figures for /api/health (null until a server runs). */
  connectionStats: () => ConnectionStats | null;
  startedAt: number;
  /** Current time in ms; tests freeze it. */
  now: () => number;
  /** Periodic work, started by the server (not by tests unless they ask). */
  jobs: Job[];
  /** Run in order on SIGTERM/SIGINT after the server stops accepting (e.g. writer flushes). */
  shutdownHooks: ShutdownHook[];
}

export interface ShutdownHook {
  name: string;
  run: () => void | Promise<void>;
}

export interface ServiceOptions {
  log: Logger;
  now?: () => number;
}

/** The services over an opened store (lib/store/open.ts); they do not close it. */
export async function createServices(
  config: Config,
  opened: OpenedStore,
  options: ServiceOptions,
): Promise<Services> {
  validateCredentialConfig(config);
  const now = options.now ?? Date.now;
  const startedAt = now();
  // The settings area alone: the keys derived from the secret are needed before the store's
  // read processes are started.
  const masterSecret = await resolveMasterSecret(opened.appData.settings, config.secret);
  const ephemeral = new MemoryEphemeralStore();
  const pow = new PowVerifier({
    challengeKey: deriveKey(masterSecret, "pow-challenge"),
    wasmKey: deriveKey(masterSecret, "pow-wasm"),
    windowMs: config.challengeWindowMinutes * 60_000,
    store: ephemeral,
    now,
  });
  const hosting = openHostingLookup(hostingAsns(config.hostingAsns));
  if (!hosting.available) {
    options.log.warn("hosting-network signal off: no IP→ASN data", { error: hosting.error });
  }
  const statsCache = new SettledRangeCache();
  const store = opened.start({ config, ephemeral, now, statsCache });
  const reads = store.reads;
  const collect = new Collector({
    config,
    store,
    log: options.log,
    ephemeral,
    pow,
    masterSecret,
    now,
    hosting,
  });
  // The collectors' caches are read before any hit is taken.
  await collect.refresh();
  logGeoDatabase(options.log, collect, now());
  let crawlers: CrawlerService | undefined;
  return {
    config,
    store,
    log: options.log,
    masterSecret,
    ephemeral,
    loginLimit: new LoginLimiter(),
    pow,
    hosting,
    collect,
    crawlers: () => crawlers ??= createCrawlerService(config),
    requestStats: new RequestStats({ now }),
    httpMetrics: new HttpMetrics(),
    statsCache,
    reads,
    connectionStats: () => null,
    startedAt,
    now,
    jobs: [
      ...collect.jobs(),
      correlatorJob({ store, now }),
      sessionPurgeJob({ config, store, now }),
      rollupJob({ store, now, config }),
      retentionJob({ store, rollups: finalRollups({ store, now, config }), now, config }),
      telemetryJob({ config, store, log: options.log, collect, now, startedAt }),
    ],
    shutdownHooks: [
      {
        name: "flush collectors",
        run: () => collect.stop(Date.now() + config.shutdownTimeoutMs - 1000),
      },
      { name: "close read processes", run: () => reads.close() },
    ],
  };
}

// A database older than this is named in a warning at boot (DB-IP and GeoLite2 publish monthly).
const STALE_GEO_DAYS = 90;

/** One boot line on the IP location data in use, and a warning when it is old or missing. */
function logGeoDatabase(log: Logger, collect: Collector, now: number): void {
  const info = collect.geoInfo;
  if (info === null) {
    log.warn("country lookup off: no geo database");
    return;
  }
  const ageDays = Math.floor((now - info.builtAt.getTime()) / 86_400_000);
  const fields = [
    "country",
    ...(info.fields.region ? ["region"] : []),
    ...(info.fields.city ? ["city"] : []),
  ];
  log.info("geo database", {
    path: info.path,
    type: info.databaseType,
    built: info.builtAt.toISOString().slice(0, 10),
    fields: fields.join(","),
    attribution: info.attribution.text,
  });
  if (ageDays > STALE_GEO_DAYS) {
    log.warn("geo database is old: see the README's GeoIP section to update it", {
      path: info.path,
      age_days: ageDays,
    });
  }
}
