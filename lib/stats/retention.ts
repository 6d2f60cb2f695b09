// Daily retention: raw views and events older than ECHELON_RETENTION_DAYS (bot-scored ones after
// ECHELON_BOT_RETENTION_DAYS), the known-bot report past the bot retention and CI benchmark
// metrics older than ECHELON_PERF_RETENTION_DAYS are deleted in batches, yielding between batches
// so ingestion is never stalled; rollups are kept two years, revoked API keys 30 days.
// Every day is given a final rollup before its raw rows go. A run is recorded in
// maintenance_log; the job checks hourly and runs once per UTC day (so a process that was down
// at the usual hour catches up — reference W22).
import { purgeRevokedApiKeys } from "../auth/api_keys.ts";
import type { Config } from "../config.ts";
import type { Database } from "../db/database.ts";
import type { Job } from "../jobs.ts";
import {
  failMaintenance,
  finishMaintenance,
  maintenanceRun,
  optimizeDatabase,
  purgeBotTrafficBatch,
  purgeEventsBatch,
  purgeViewsBatch,
  startMaintenance,
} from "../db/retention.ts";
import { purgeCrawlerTrafficBatch } from "../db/crawlers.ts";
import { purgePerfMetricsBatch } from "../db/perf.ts";
import { addDays, purgeRollupsBefore } from "../db/rollups.ts";
import { utcDay } from "./params.ts";
import {
  buildDay,
  isAbort,
  ROLLUP_RETENTION_DAYS,
  unfinishedDays,
  yieldToEventLoop,
} from "./rollup.ts";

export const PURGE_BATCH_SIZE = 5_000;
export const RETENTION_CHECK_EVERY_MS = 3_600_000;

export interface RetentionContext {
  db: Database;
  now: () => number;
  config: Pick<Config, "retentionDays" | "botRetentionDays" | "perfRetentionDays">;
  /** Aborted at shutdown: the run stops between two batches. */
  signal?: AbortSignal;
}

export interface RetentionResult {
  date: string;
  /** Days given their final rollup before their raw rows were purged. */
  rolledUp: string[];
  rollupRows: number;
  views: number;
  events: number;
  botTraffic: number;
  rollups: number;
  perfMetrics: number;
  /** Revoked API keys deleted (REVOKED_KEY_RETENTION_DAYS after their revocation). */
  apiKeys: number;
  /** Transactions used by the purge (each at most `batchSize` rows). */
  batches: number;
}

async function drain(
  purge: () => number,
  batchSize: number,
  counter: { batches: number },
  signal?: AbortSignal,
): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = purge();
    counter.batches++;
    total += deleted;
    if (deleted < batchSize) return total;
    await yieldToEventLoop(signal);
  }
}

/**
 * One retention run. Without `force` it does nothing (returns null) when today's run already
 * completed.
 */
export async function runRetention(
  ctx: RetentionContext,
  options: { force?: boolean; batchSize?: number } = {},
): Promise<RetentionResult | null> {
  const { db, config } = ctx;
  const batchSize = options.batchSize ?? PURGE_BATCH_SIZE;
  const today = utcDay(ctx.now());
  if (!options.force && maintenanceRun(db, today)?.status === "complete") return null;
  const stamp = () => new Date(ctx.now()).toISOString();
  startMaintenance(db, today, stamp());
  try {
    const cleanCutoff = addDays(today, -config.retentionDays);
    const botCutoff = addDays(today, -config.botRetentionDays);

    // Final rollups for every day about to lose its clean rows (bot-scored rows never count).
    const result: RetentionResult = {
      date: today,
      rolledUp: [],
      rollupRows: 0,
      views: 0,
      events: 0,
      botTraffic: 0,
      rollups: 0,
      perfMetrics: 0,
      apiKeys: 0,
      batches: 0,
    };
    for (const day of unfinishedDays(ctx, "0000-01-01", addDays(cleanCutoff, -1))) {
      result.rollupRows += (await buildDay(ctx, day)).rows;
      result.rolledUp.push(day);
    }

    const cut = {
      cleanBefore: `${cleanCutoff}T00:00:00.000Z`,
      botBefore: `${botCutoff}T00:00:00.000Z`,
    };
    const signal = ctx.signal;
    result.views = await drain(
      () => purgeViewsBatch(db, cut, batchSize),
      batchSize,
      result,
      signal,
    );
    result.events = await drain(
      () => purgeEventsBatch(db, cut, batchSize),
      batchSize,
      result,
      signal,
    );
    result.botTraffic = await drain(
      () => purgeBotTrafficBatch(db, botCutoff, batchSize),
      batchSize,
      result,
      signal,
    );
    // Server-side crawler hits are bot counters too, kept as long (ECHELON_BOT_RETENTION_DAYS).
    result.botTraffic += await drain(
      () => purgeCrawlerTrafficBatch(db, botCutoff, batchSize),
      batchSize,
      result,
      signal,
    );
    const perfBefore = `${addDays(today, -config.perfRetentionDays)}T00:00:00.000Z`;
    result.perfMetrics = await drain(
      () => purgePerfMetricsBatch(db, perfBefore, batchSize),
      batchSize,
      result,
      signal,
    );
    result.rollups = purgeRollupsBefore(db, addDays(today, -ROLLUP_RETENTION_DAYS));
    result.apiKeys = purgeRevokedApiKeys(ctx);
    const purged = result.views + result.events + result.botTraffic + result.rollups +
      result.perfMetrics + result.apiKeys;
    if (purged > 0) optimizeDatabase(db);
    finishMaintenance(db, today, stamp(), result);
    return result;
  } catch (error) {
    failMaintenance(db, today, stamp(), error instanceof Error ? error.message : String(error));
    throw error;
  }
}

export function retentionJob(ctx: RetentionContext): Job {
  const controller = new AbortController();
  return {
    name: "retention",
    everyMs: RETENTION_CHECK_EVERY_MS,
    firstRunMs: 5 * 60_000,
    abort: () => controller.abort(),
    run: async () => {
      try {
        await runRetention({ ...ctx, signal: controller.signal });
      } catch (error) {
        if (!isAbort(error)) throw error;
      }
    },
  };
}
