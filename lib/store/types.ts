// The store: the one async interface that owns persistence (issue 16, item 1). Callers ask it
// questions and give it changes in domain terms (plain objects, ISO strings, numbers); no SQL,
// driver, statement or transaction crosses it, and an operation that must be atomic is one method.
// The engine is chosen once, at start (lib/store/open.ts); SQLite is the first (lib/store/sqlite/).
// The analytics reads (`reads`, run by name) make their answers from the analytics area's rows
// (lib/store/analytics.ts), which the engine runs where the reads run (SQLite: the read
// processes), so it is not a member here. The collectors' batches and counters go through the
// writes area (lib/store/writes.ts; SQLite writes them on its write thread once started). The
// app's store, with its reads and workers, is started from the opened store (`OpenedStore.start`,
// lib/services.ts); whole copies of the store (the CLI's backup and restore) are made without
// opening it (lib/store/maintenance.ts StoreCopies, lib/store/open.ts). Nothing outside the engine
// reaches the database itself (tests/store_boundary_test.ts).
import type { Config } from "../config.ts";
import type { EphemeralStore } from "../ephemeral.ts";
import type { ReadContext, Reader, ReaderConfig } from "../reads/mod.ts";
import type { SettledRangeCache } from "../stats/settled_cache.ts";
import type { AdminAccountStore } from "./admin_account.ts";
import type { AnnotationStore } from "./annotations.ts";
import type { AdminSessionStore } from "./admin_sessions.ts";
import type { ApiKeyStore } from "./api_keys.ts";
import type { BotStore } from "./bots.ts";
import type { CampaignStore } from "./campaigns.ts";
import type { CrawlerStore } from "./crawlers.ts";
import type { ExperimentStore } from "./experiments.ts";
import type { ExportStore } from "./exports.ts";
import type { GoalStore } from "./goals.ts";
import type { FunnelStore } from "./funnels.ts";
import type { ExchangeRateStore } from "./exchange_rates.ts";
import type { InstanceStore } from "./instance.ts";
import type { MaintenanceStore } from "./maintenance.ts";
import type { PerfStore } from "./perf.ts";
import type { RetentionStore } from "./retention.ts";
import type { RollupStore } from "./rollups.ts";
import type { SegmentStore } from "./segments.ts";
import type { SettingsStore } from "./settings.ts";
import type { SiteStore } from "./sites.ts";
import type { TelemetryStore } from "./telemetry.ts";
import type { VisitorStore } from "./visitors.ts";
import type { WritesStore } from "./writes.ts";

export interface Store {
  apiKeys: ApiKeyStore;
  adminSessions: AdminSessionStore;
  adminAccount: AdminAccountStore;
  settings: SettingsStore;
  experiments: ExperimentStore;
  segments: SegmentStore;
  goals: GoalStore;
  funnels: FunnelStore;
  exchangeRates: ExchangeRateStore;
  annotations: AnnotationStore;
  telemetry: TelemetryStore;
  sites: SiteStore;
  campaigns: CampaignStore;
  bots: BotStore;
  crawlers: CrawlerStore;
  perf: PerfStore;
  retention: RetentionStore;
  exports: ExportStore;
  visitors: VisitorStore;
  instance: InstanceStore;
  rollups: RollupStore;
  /** The engine's own upkeep (the CLI's rebuild of the query engine's aggregates). */
  maintenance: MaintenanceStore;
  /** Batches of rows stored atomically (the authenticated ingest, the collectors' batches and
   * counters). */
  writes: WritesStore;
  /** The analytics reads, run by name (lib/reads/). */
  reads: Reader;
  /** Stops the store's workers (read processes); the app's connection is closed by its owner. */
  close(): Promise<void>;
}

/** The app-data areas alone: what a command-line tool needs (no read processes to run). */
export type AppDataStore = Omit<Store, "reads" | "close">;

/**
 * The engine behind an opened store (SQLite: the app's connection), opaque to the app: only that
 * engine's code and the tests, which seed and check the stored rows from below the interface, look
 * inside (lib/store/sqlite/open.ts `sqliteConnection`).
 */
export interface EngineHandle {
  readonly engine: "sqlite";
}

/** What the app's store is started with (lib/services.ts). */
export interface AppStoreOptions {
  config: ReaderConfig & Pick<Config, "retentionDays" | "testMaxPagesFile">;
  /** Where the reads count anonymous callers' heavy reads. */
  ephemeral: EphemeralStore;
  now: () => number;
  /** The overview's settled-range cache of the reads run in this process. */
  statsCache: SettledRangeCache;
}

/** An opened store (lib/store/open.ts `openStore`): its app-data areas now, the app's whole
 * store started on it, its analytics reads run inline, and its end. */
export interface OpenedStore {
  appData: AppDataStore;
  handle: EngineHandle;
  /**
   * The app's store: the app-data areas, and the analytics reads run where the engine runs them
   * (SQLite: in read processes on a database file, inline on `:memory:`). Once per opening.
   */
  start(options: AppStoreOptions): Store;
  /** What the analytics reads run with, inline in this process (the CLI's export, no workers). */
  inlineReads(options: Omit<ReadContext, "analytics">): ReadContext;
  /** Closes the engine's connection; its workers are stopped first (`Store.close`). */
  close(): void;
}
