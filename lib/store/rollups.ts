// The rollups area of the store (lib/store/types.ts): the stored per-day figures of every site
// (and their week and month blocks) that the overview reads without a filter, and what the
// rollup job (lib/stats/rollup.ts) needs to keep them current: which days are built, when and how
// fast, which must be rebuilt, and the builds themselves. A build replaces its day or block as a
// whole (idempotent); builds of one store never overlap. Days are UTC (YYYY-MM-DD).

/** One day's build: its rollup rows and how long it took. */
export interface RollupDayResult {
  date: string;
  rows: number;
  /** The last view and event ids the build included (later rows are the live part). */
  throughViewId: number;
  throughEventId: number;
  /** Wall time of the whole build, pauses included. */
  ms: number;
  /** The longest single synchronous step (how long ingestion could wait on this build). */
  longestStepMs: number;
}

/** When a day's rollup was last built (ISO) and how long that build took (ms). */
export interface RollupDayState {
  built_at: string;
  build_ms: number;
}

/** A week (Monday to Sunday) or calendar month of days, summed once all of them are final. */
export interface RollupBlock {
  key: string;
  first: string;
  last: string;
}

export interface DayBuildOptions {
  /** Time stamped on the build (ms; the clock of the services, tests freeze it). */
  builtAt: number;
  /** Awaited after each step with its duration: hand the event loop back (and maybe rest). */
  pause?: (stepMs: number) => Promise<void>;
  /** Values kept per site, dimension and day (ECHELON_MAX_DAILY_VALUES); unbounded when absent. */
  maxValues?: number;
}

export interface RollupStore {
  /**
   * Marks for rebuild the days in [first, last] that hold views or events of a visitor excluded
   * or re-included since the last call, and takes note of those changes, all or nothing (a
   * failed write leaves them to the next call). The days marked, oldest first.
   */
  markExclusionChanges(first: string, last: string): Promise<string[]>;
  /** The build state of each built day in [from, to]. */
  dayStates(from: string, to: string): Promise<Map<string, RollupDayState>>;
  /** Days marked for rebuild, oldest first (a build of the day clears its mark). */
  dirtyDays(): Promise<string[]>;
  /** The first day holding raw views or events, or null when none are stored. */
  oldestRawDay(): Promise<string | null>;
  /** The first and last day holding raw views or events of `siteId`, or null when it has none. */
  siteRawDays(siteId: string): Promise<{ first: string; last: string } | null>;
  /** Builds (or rebuilds) one day's rollup of every site; the day is replaced at once. */
  buildDay(date: string, options: DayBuildOptions): Promise<RollupDayResult>;
  /** Weeks and months within [since, lastFinalDay] whose days all have a final rollup and whose
   * block is missing or older than one of its days, oldest first. */
  staleBlocks(since: string, lastFinalDay: string): Promise<RollupBlock[]>;
  /**
   * Builds one block from its days' rollups, stamped `builtAt` (ISO); readers use its days until
   * it is done. `pause` is awaited between steps (hand the event loop back; it may throw to stop).
   */
  buildBlock(
    block: RollupBlock,
    options: { builtAt: string; pause: () => Promise<void> },
  ): Promise<void>;
}
