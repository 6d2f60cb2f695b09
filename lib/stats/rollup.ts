// The rollup job: every minute rebuild today and yesterday (late rows, score changes from the
// correlator and sessions crossing midnight all land there), then the days marked dirty (an
// exclusion changed) and any retained day whose rollup is not final yet (the process was down,
// or the database predates rollups), a few per run; then the week and month blocks whose days
// all became final. Builds hand the event loop back between steps, so ingestion keeps flowing.
// A day's rollup is final once it was built after the following day ended.
//
// Pacing: readers add the rows above a day's watermark live (lib/stats/delta.ts), so figures
// stay fresh between builds. A day whose build takes more than 2 s (around 100k page views a
// day on two cores) is therefore rebuilt every 30× its build time (at most every 15 minutes)
// rather than every minute. Within a build, each synchronous step is followed by a rest as long
// as the step, so ingestion keeps at least half of the event loop while a big day is rebuilt;
// a shutdown aborts the build between two steps.
import type { Config } from "../config.ts";
import { addDays } from "../days.ts";
import type { Job } from "../jobs.ts";
import type { RollupDayResult } from "../store/rollups.ts";
import type { AppDataStore } from "../store/types.ts";
import { utcDay } from "./params.ts";

export const ROLLUP_EVERY_MS = 60_000;
/** Older days rebuilt per run at most, beyond today and yesterday. */
export const BACKFILL_DAYS_PER_RUN = 6;
/** Blocks built per run at most. */
export const BLOCKS_PER_RUN = 4;
/** Rollups (days and blocks) are kept two years. */
export const ROLLUP_RETENTION_DAYS = 730;
/** A day is rebuilt again after max(1 minute, this × its last build time), at most 15 minutes. */
export const BUILD_PACE_FACTOR = 30;
export const MAX_BUILD_INTERVAL_MS = 15 * 60_000;

export interface RollupContext {
  /** The store's rollups area (lib/store/rollups.ts); `Services` satisfies this context. */
  store: Pick<AppDataStore, "rollups">;
  now: () => number;
  /** `maxDailyValues` (ECHELON_MAX_DAILY_VALUES) bounds each stored day; unbounded without it. */
  config: Pick<Config, "retentionDays"> & Partial<Pick<Config, "maxDailyValues">>;
  /** Aborted at shutdown: a build in progress stops between two steps. */
  signal?: AbortSignal;
}

/** Hands the event loop back for `ms` (each build step is one synchronous statement). */
export function rest(ms = 0, signal?: AbortSignal): Promise<void> {
  signal?.throwIfAborted();
  return new Promise<void>((resolve) => setTimeout(resolve, ms));
}

/** Hands the event loop back once. */
export const yieldToEventLoop = (signal?: AbortSignal) => rest(0, signal);

/** True when the day's rollup was built after the next day ended (nothing can change it now). */
function isFinal(date: string, builtAt: string | undefined): boolean {
  return builtAt !== undefined && builtAt >= `${addDays(date, 2)}T00:00:00.000Z`;
}

/** The first day whose raw rows are retained (older days can no longer be rebuilt). */
export function firstRebuildableDay(ctx: RollupContext): string {
  return addDays(utcDay(ctx.now()), -ctx.config.retentionDays);
}

/**
 * Days in [from, to] from the oldest raw row on that have no final rollup, oldest first (an
 * empty database has none).
 */
export async function unfinishedDays(
  ctx: RollupContext,
  from: string,
  to: string,
): Promise<string[]> {
  const oldest = await ctx.store.rollups.oldestRawDay();
  if (oldest === null) return [];
  const start = oldest > from ? oldest : from;
  if (start > to) return [];
  const states = await ctx.store.rollups.dayStates(start, to);
  const days: string[] = [];
  for (let day = start; day <= to; day = addDays(day, 1)) {
    if (!isFinal(day, states.get(day)?.built_at)) days.push(day);
  }
  return days;
}

/** Builds one day's rollup, resting after each step as long as it took. */
export function buildDay(ctx: RollupContext, date: string): Promise<RollupDayResult> {
  return ctx.store.rollups.buildDay(date, {
    builtAt: ctx.now(),
    pause: (stepMs) => rest(stepMs, ctx.signal),
    maxValues: ctx.config.maxDailyValues,
  });
}

/** What the retention job (lib/stats/retention.ts) asks of the rollups. */
export interface FinalRollups {
  /**
   * Gives every day up to `through` (inclusive) that has raw rows but no final rollup its final
   * rollup, oldest first: the days built and the rollup rows written.
   */
  finalize(through: string, signal?: AbortSignal): Promise<{ days: string[]; rows: number }>;
}

export function finalRollups(ctx: RollupContext): FinalRollups {
  return {
    async finalize(through, signal) {
      const build = { ...ctx, signal };
      const built = { days: [] as string[], rows: 0 };
      for (const day of await unfinishedDays(build, "0000-01-01", through)) {
        built.rows += (await buildDay(build, day)).rows;
        built.days.push(day);
      }
      return built;
    },
  };
}

/** Rebuilds one retained day (idempotent); a day past retention keeps its rollup. */
export async function rebuildDay(ctx: RollupContext, date: string): Promise<RollupDayResult> {
  if (date < firstRebuildableDay(ctx)) {
    throw new RangeError(`${date} is past retention: its raw rows are gone, the rollup is kept`);
  }
  return await buildDay(ctx, date);
}

/** Rebuilds every day of [from, to] (inclusive), oldest first. */
export async function rebuildDays(
  ctx: RollupContext,
  from: string,
  to: string,
): Promise<RollupDayResult[]> {
  const results: RollupDayResult[] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) results.push(await rebuildDay(ctx, day));
  return results;
}

/** Builds up to `max` week and month blocks whose days are all final; returns their keys. */
export async function refreshBlocks(ctx: RollupContext, max = BLOCKS_PER_RUN): Promise<string[]> {
  const { rollups } = ctx.store;
  const today = utcDay(ctx.now());
  const since = addDays(today, -ROLLUP_RETENTION_DAYS);
  const built: string[] = [];
  for (const block of (await rollups.staleBlocks(since, addDays(today, -2))).slice(0, max)) {
    await rollups.buildBlock(block, {
      // Builds of a store never overlap: no day of the block changes while it is summed.
      builtAt: new Date(ctx.now()).toISOString(),
      pause: () => yieldToEventLoop(ctx.signal),
    });
    built.push(block.key);
  }
  return built;
}

export interface RollupRun {
  days: RollupDayResult[];
  blocks: string[];
}

/** One run of the rollup job. */
export async function refreshRollups(
  ctx: RollupContext,
  options: { backfillDays?: number; blocks?: number; force?: boolean } = {},
): Promise<RollupRun> {
  const today = utcDay(ctx.now());
  const yesterday = addDays(today, -1);
  const first = firstRebuildableDay(ctx);
  // All or nothing: a failed write (a full disk) must not mark the change seen and lose its days.
  const { rollups } = ctx.store;
  await rollups.markExclusionChanges(first, today);

  const states = await rollups.dayStates(yesterday, today);
  const dirty = new Set(await rollups.dirtyDays());
  const now = ctx.now();
  const due = (day: string) => {
    const state = states.get(day);
    if (!state || dirty.has(day) || options.force) return true;
    const interval = Math.min(MAX_BUILD_INTERVAL_MS, state.build_ms * BUILD_PACE_FACTOR);
    // Cheap builds run on every run; the job's timer already spaces runs by a minute.
    return interval <= ROLLUP_EVERY_MS || now - Date.parse(state.built_at) >= interval;
  };
  const days = [today, yesterday].filter(due);
  const older = [
    ...dirty,
    ...await unfinishedDays(ctx, first, addDays(today, -2)),
  ].filter((day) => day >= first && day < yesterday);
  const backfill = options.backfillDays ?? BACKFILL_DAYS_PER_RUN;
  for (const day of [...new Set(older)].sort().reverse().slice(0, backfill)) days.push(day);

  const results: RollupDayResult[] = [];
  for (const day of days) results.push(await buildDay(ctx, day));
  return { days: results, blocks: await refreshBlocks(ctx, options.blocks) };
}

/** True for the error a build throws when the job was aborted (not a failure). */
export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === "AbortError";
}

export function rollupJob(ctx: RollupContext): Job {
  const controller = new AbortController();
  return {
    name: "rollups",
    everyMs: ROLLUP_EVERY_MS,
    abort: () => controller.abort(),
    run: async () => {
      try {
        await refreshRollups({ ...ctx, signal: controller.signal });
      } catch (error) {
        if (!isAbort(error)) throw error;
      }
    },
  };
}
