// Daily retention: raw views and events older than ECHELON_RETENTION_DAYS (bot-scored ones after
// ECHELON_BOT_RETENTION_DAYS), the known-bot report past the bot retention and CI benchmark
// metrics older than ECHELON_PERF_RETENTION_DAYS are deleted in batches, yielding between batches
// so ingestion is never stalled; rollups are kept two years, revoked API keys 30 days.
// Every day is given a final rollup before its raw rows go. A run is recorded in
// maintenance_log; the job checks hourly and runs once per UTC day (so a process that was down
// at the usual hour catches up — reference W22).
import { REVOKED_KEY_RETENTION_DAYS } from "../auth/api_keys.ts";
import type { Config } from "../config.ts";
import type { Job } from "../jobs.ts";
import type { RetentionCounts } from "../store/retention.ts";
import type { AppDataStore } from "../store/types.ts";
import { addDays } from "../days.ts";
import { utcDay } from "./params.ts";
import { type FinalRollups, isAbort, ROLLUP_RETENTION_DAYS, yieldToEventLoop } from "./rollup.ts";

export const PURGE_BATCH_SIZE = 5_000;
export const RETENTION_CHECK_EVERY_MS = 3_600_000;
const DAY_MS = 86_400_000;

export interface RetentionContext {
  store: Pick<AppDataStore, "retention" | "crawlers" | "perf" | "apiKeys">;
  /** Final rollups for the days about to lose their raw rows (lib/stats/rollup.ts). */
  rollups: FinalRollups;
  now: () => number;
  config: Pick<Config, "retentionDays" | "botRetentionDays" | "perfRetentionDays">;
  /** Aborted at shutdown: the run stops between two batches. */
  signal?: AbortSignal;
}

export interface RetentionResult extends RetentionCounts {
  date: string;
  /** Days given their final rollup before their raw rows were purged. */
  rolledUp: string[];
  /** Transactions used by the purge (each at most `batchSize` rows). */
  batches: number;
}

async function drain(
  purge: () => Promise<number>,
  batchSize: number,
  counter: { batches: number },
  signal?: AbortSignal,
): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await purge();
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
  const { config } = ctx;
  const { retention, crawlers, perf, apiKeys } = ctx.store;
  const batchSize = options.batchSize ?? PURGE_BATCH_SIZE;
  const today = utcDay(ctx.now());
  if (!options.force && (await retention.run(today))?.status === "complete") return null;
  const stamp = () => new Date(ctx.now()).toISOString();
  await retention.start(today, stamp());
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
    const built = await ctx.rollups.finalize(addDays(cleanCutoff, -1), ctx.signal);
    result.rolledUp = built.days;
    result.rollupRows = built.rows;

    const cut = {
      cleanBefore: `${cleanCutoff}T00:00:00.000Z`,
      botBefore: `${botCutoff}T00:00:00.000Z`,
    };
    const signal = ctx.signal;
    result.views = await drain(
      () => retention.purgeViews(cut, batchSize),
      batchSize,
      result,
      signal,
    );
    result.events = await drain(
      () => retention.purgeEvents(cut, batchSize),
      batchSize,
      result,
      signal,
    );
    result.botTraffic = await drain(
      () => retention.purgeKnownBots(botCutoff, batchSize),
      batchSize,
      result,
      signal,
    );
    // Server-side crawler hits are bot counters too, kept as long (ECHELON_BOT_RETENTION_DAYS).
    result.botTraffic += await drain(
      () => crawlers.purge(botCutoff, batchSize),
      batchSize,
      result,
      signal,
    );
    const perfBefore = `${addDays(today, -config.perfRetentionDays)}T00:00:00.000Z`;
    result.perfMetrics = await drain(
      () => perf.purge(perfBefore, batchSize),
      batchSize,
      result,
      signal,
    );
    result.rollups = await retention.purgeRollups(addDays(today, -ROLLUP_RETENTION_DAYS));
    result.apiKeys = await apiKeys.purgeRevoked(ctx.now() - REVOKED_KEY_RETENTION_DAYS * DAY_MS);
    const purged = result.views + result.events + result.botTraffic + result.rollups +
      result.perfMetrics + result.apiKeys;
    if (purged > 0) await retention.optimize();
    await retention.finish(today, stamp(), result);
    return result;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await retention.fail(today, stamp(), message);
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
