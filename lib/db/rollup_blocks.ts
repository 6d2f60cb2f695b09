// Week (Monday to Sunday) and calendar-month sums of the daily rollup, built once all their days
// are final. Every rollup column adds up across days (visitors too: a range's visitors are the sum
// of each day's distinct count, docs/architecture.md, "Scale-out"), so a block answers exactly what
// its days would, from a fraction of the rows. A range is read as blocks plus the days around them.
import type { RollupBlock as Block } from "../store/rollups.ts";
import type { Database } from "./database.ts";
import { addDays } from "./rollups.ts";

export type { RollupBlock as Block } from "../store/rollups.ts";

const DAY_MS = 86_400_000;

export function weekOf(date: string): Block {
  const ms = Date.parse(`${date}T00:00:00.000Z`);
  const monday = addDays(date, -((new Date(ms).getUTCDay() + 6) % 7));
  return { key: `W${monday}`, first: monday, last: addDays(monday, 6) };
}

export function monthOf(date: string): Block {
  const first = `${date.slice(0, 7)}-01`;
  const next = new Date(Date.parse(`${first}T00:00:00.000Z`) + 32 * DAY_MS).toISOString();
  return { key: `M${date.slice(0, 7)}`, first, last: addDays(`${next.slice(0, 7)}-01`, -1) };
}

/** Which days and blocks a range is read from. */
export interface RangePlan {
  days: string[];
  blocks: string[];
  /** Build version of each day and block read (0: never built); a rebuild changes it. */
  versions?: Record<string, number>;
}

/** All days of [from, to]: for tables without blocks (a filtered query's scratch tables). */
export function daysOnly(from: string, to: string): RangePlan {
  const days: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) days.push(d);
  return { days, blocks: [] };
}

/**
 * Months, then weeks, that lie inside [from, to] and whose block is current (built after the
 * last build of each of its days); every other day is read on its own.
 */
export function planRange(db: Database, from: string, to: string): RangePlan {
  type State = { key: string; built_at: string; version: number };
  const blockStates = new Map(
    db.all<State>(
      `SELECT block AS key, built_at, version FROM rollup_block_state
       WHERE first_day >= ? AND last_day <= ?`,
      from,
      to,
    ).map((r) => [r.key, r]),
  );
  const dayStates = new Map(
    db.all<State>(
      "SELECT date AS key, built_at, version FROM rollup_state WHERE date >= ? AND date <= ?",
      from,
      to,
    ).map((r) => [r.key, r]),
  );
  const versions: Record<string, number> = {};
  const current = (b: Block) => {
    const built = blockStates.get(b.key)?.built_at;
    if (!built || b.first < from || b.last > to) return false;
    for (let d = b.first; d <= b.last; d = addDays(d, 1)) {
      const day = dayStates.get(d)?.built_at;
      if (day === undefined || day > built) return false;
    }
    return true;
  };
  const plan: RangePlan = { days: [], blocks: [], versions };
  for (let d = from; d <= to;) {
    const block = blockStates.size
      ? [monthOf(d), weekOf(d)].find((b) => b.first === d && current(b))
      : undefined;
    if (block) {
      plan.blocks.push(block.key);
      versions[block.key] = blockStates.get(block.key)!.version;
      d = addDays(block.last, 1);
    } else {
      plan.days.push(d);
      versions[d] = dayStates.get(d)?.version ?? 0;
      d = addDays(d, 1);
    }
  }
  return plan;
}

/**
 * Weeks and months ending on or before `lastFinalDay` (and starting on or after `since`) whose
 * days all have a final rollup and whose block is missing or older than one of its days.
 */
export function staleBlocks(db: Database, since: string, lastFinalDay: string): Block[] {
  const days = new Map(
    db.all<{ date: string; built_at: string }>(
      "SELECT date, built_at FROM rollup_state WHERE date >= ? AND date <= ?",
      since,
      lastFinalDay,
    ).map((r) => [r.date, r.built_at]),
  );
  const built = new Map(
    db.all<{ block: string; built_at: string }>(
      "SELECT block, built_at FROM rollup_block_state WHERE first_day >= ?",
      since,
    ).map((r) => [r.block, r.built_at]),
  );
  const candidates = new Map<string, Block>();
  for (const date of days.keys()) {
    for (const block of [weekOf(date), monthOf(date)]) {
      if (block.first >= since && block.last <= lastFinalDay) candidates.set(block.key, block);
    }
  }
  const stale: Block[] = [];
  for (const block of candidates.values()) {
    let newest = "";
    let complete = true;
    for (let d = block.first; d <= block.last && complete; d = addDays(d, 1)) {
      const at = days.get(d);
      // Final: built after the next day ended (see lib/stats/rollup.ts).
      if (at === undefined || at < `${addDays(d, 2)}T00:00:00.000Z`) complete = false;
      else if (at > newest) newest = at;
    }
    const blockBuilt = built.get(block.key);
    if (complete && (blockBuilt === undefined || blockBuilt < newest)) stale.push(block);
  }
  return stale.sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
}

/** (site, dimension) pairs that may have rows in the block: the steps of a block build. */
export function blockParts(
  db: Database,
  block: Block,
  dimensions: readonly string[],
): { site_id: string; dimension: string }[] {
  const sites = db.all<{ site_id: string }>(
    `SELECT DISTINCT site_id FROM rollup_daily_totals WHERE date >= ? AND date <= ?
     ORDER BY site_id`,
    block.first,
    block.last,
  );
  return sites.flatMap(({ site_id }) => dimensions.map((dimension) => ({ site_id, dimension })));
}

/** Marks a block unusable (readers use its days meanwhile) and empties it before a rebuild. */
export function dropBlock(db: Database, block: Block): void {
  db.transaction(() => {
    db.run("UPDATE rollup_block_state SET built_at = '' WHERE block = ?", block.key);
    db.run("DELETE FROM rollup_blocks WHERE block = ?", block.key);
  });
}

export function sumBlockPart(
  db: Database,
  block: Block,
  part: { site_id: string; dimension: string },
): number {
  return db.run(
    `INSERT INTO rollup_blocks
       (site_id, dimension, block, value, views, visitors, sessions, bounces, exits)
     SELECT site_id, dimension, ?, value, SUM(views), SUM(visitors), SUM(sessions), SUM(bounces),
            SUM(exits)
     FROM rollup_daily WHERE site_id = ? AND dimension = ? AND date >= ? AND date <= ?
     GROUP BY value`,
    block.key,
    part.site_id,
    part.dimension,
    block.first,
    block.last,
  ).changes;
}

/** Marks a block current; readers use it from now on. */
export function recordBlock(db: Database, block: Block, builtAt: string): void {
  db.run(
    `INSERT INTO rollup_block_state (block, first_day, last_day, built_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (block) DO UPDATE SET built_at = excluded.built_at,
       version = rollup_block_state.version + 1`,
    block.key,
    block.first,
    block.last,
    builtAt,
  );
}
