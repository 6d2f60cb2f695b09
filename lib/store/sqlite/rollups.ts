// Rollups on SQLite (lib/store/rollups.ts), over lib/db/rollups.ts and rollup_blocks.ts, on the
// app's connection: a day's build works in scratch tables step by step and swaps the day in one
// transaction; a block is emptied, summed per (site, dimension) with a pause after each part,
// then recorded. Builds of one connection run one at a time (`serialized`).
import type { Database } from "../../db/database.ts";
import {
  blockParts,
  dropBlock,
  recordBlock,
  staleBlocks,
  sumBlockPart,
} from "../../db/rollup_blocks.ts";
import {
  buildRollupDay,
  dirtyRollupDays,
  markRollupDirty,
  oldestRawDay,
  rollupStates,
  serialized,
  siteRawDays,
  takeExclusionChanges,
} from "../../db/rollups.ts";
import { ALL_DIMENSIONS } from "../../db/stats_source.ts";
import type { RollupStore } from "../rollups.ts";

export function sqliteRollups(db: Database): RollupStore {
  return {
    markExclusionChanges: (first, last) =>
      Promise.try(() =>
        db.transaction(() => {
          const days = takeExclusionChanges(db).filter((d) => d >= first && d <= last).sort();
          markRollupDirty(db, days);
          return days;
        })
      ),
    dayStates: (from, to) =>
      Promise.try(() =>
        new Map(
          [...rollupStates(db, from, to)].map((
            [date, state],
          ) => [date, { built_at: state.built_at, build_ms: state.build_ms }]),
        )
      ),
    dirtyDays: () => Promise.try(() => dirtyRollupDays(db)),
    oldestRawDay: () => Promise.try(() => oldestRawDay(db)),
    siteRawDays: (siteId) => Promise.try(() => siteRawDays(db, siteId)),
    buildDay: (date, options) => buildRollupDay(db, date, options),
    staleBlocks: (since, lastFinalDay) =>
      Promise.try(() => staleBlocks(db, since, lastFinalDay).map((block) => ({ ...block }))),
    buildBlock: (block, options) =>
      serialized(db, async () => {
        dropBlock(db, block);
        for (const part of blockParts(db, block, ALL_DIMENSIONS)) {
          sumBlockPart(db, block, part);
          await options.pause();
        }
        recordBlock(db, block, options.builtAt);
      }),
  };
}
