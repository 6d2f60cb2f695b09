// The goals area of the store (lib/store/types.ts): per site, what counts as a conversion
// (lib/query/goals.ts), checked before it is stored.
import type { GoalRecord, NewGoal } from "../query/goals.ts";

export type { GoalRecord, NewGoal } from "../query/goals.ts";

export interface GoalStore {
  /** Every goal (of one site when `siteId` is given), by site and name. */
  list(siteId: string | null): Promise<GoalRecord[]>;
  get(id: number): Promise<GoalRecord | null>;
  /** Stores a goal: its record, "conflict" when the site already has one of that name, or
   * "full" when it has as many as a site may (MAX_GOALS_PER_SITE). */
  create(goal: NewGoal): Promise<GoalRecord | "conflict" | "full">;
  /** Replaces a goal's definition: its record, "missing" or "conflict" (the name is taken). */
  update(id: number, goal: Omit<NewGoal, "siteId">): Promise<GoalRecord | "missing" | "conflict">;
  /** False when it did not exist. */
  delete(id: number): Promise<boolean>;
}
