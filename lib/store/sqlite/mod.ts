// The SQLite store (lib/store/types.ts): app data through the connection the app opened (on the
// event loop, as before), analytics reads through the read processes (lib/reads/), batch writes
// through the write thread (lib/db/write_thread.ts). Built once, in lib/services.ts.
import type { Database } from "../../db/database.ts";
import type { Reader } from "../../reads/mod.ts";
import type { AppDataStore, Store } from "../types.ts";
import { sqliteAdminAccount } from "./admin_account.ts";
import { sqliteAdminSessions } from "./admin_sessions.ts";
import { sqliteAnnotations } from "./annotations.ts";
import { sqliteApiKeys } from "./api_keys.ts";
import { sqliteBots } from "./bots.ts";
import { sqliteCampaigns } from "./campaigns.ts";
import { sqliteCrawlers } from "./crawlers.ts";
import { sqliteExperiments } from "./experiments.ts";
import { sqliteExports } from "./exports.ts";
import { sqliteInstance } from "./instance.ts";
import { sqliteMaintenance } from "./maintenance.ts";
import { sqlitePerf } from "./perf.ts";
import { sqliteRetention } from "./retention.ts";
import { sqliteRollups } from "./rollups.ts";
import { sqliteSegments } from "./segments.ts";
import { sqliteGoals } from "./goals.ts";
import { sqliteFunnels } from "./funnels.ts";
import { sqliteExchangeRates } from "./exchange_rates.ts";
import { sqliteSettings } from "./settings.ts";
import { sqliteSites } from "./sites.ts";
import { sqliteTelemetry } from "./telemetry.ts";
import { sqliteVisitors } from "./visitors.ts";
import { sqliteWrites } from "./writes.ts";

export function createSqliteStore(
  db: Database,
  options: { reads: Reader } & AppDataOptions,
): Store {
  return {
    ...createSqliteAppData(db, options),
    reads: options.reads,
    close: () => options.reads.close(),
  };
}

export interface AppDataOptions {
  /** TEST ONLY fault injection of the collectors' batches (lib/db/test_faults.ts). */
  testMaxPagesFile?: string | null;
}

/** The app-data areas on `db` (the admin CLI's commands). */
export function createSqliteAppData(db: Database, options: AppDataOptions = {}): AppDataStore {
  return {
    apiKeys: sqliteApiKeys(db),
    adminSessions: sqliteAdminSessions(db),
    adminAccount: sqliteAdminAccount(db),
    settings: sqliteSettings(db),
    experiments: sqliteExperiments(db),
    segments: sqliteSegments(db),
    goals: sqliteGoals(db),
    funnels: sqliteFunnels(db),
    exchangeRates: sqliteExchangeRates(db),
    annotations: sqliteAnnotations(db),
    telemetry: sqliteTelemetry(db),
    sites: sqliteSites(db),
    campaigns: sqliteCampaigns(db),
    bots: sqliteBots(db),
    crawlers: sqliteCrawlers(db),
    perf: sqlitePerf(db),
    retention: sqliteRetention(db),
    exports: sqliteExports(db),
    visitors: sqliteVisitors(db),
    instance: sqliteInstance(db),
    rollups: sqliteRollups(db),
    maintenance: sqliteMaintenance(db),
    writes: sqliteWrites(db, options.testMaxPagesFile ?? null),
  };
}
