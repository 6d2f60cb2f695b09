// Goals on SQLite (lib/store/goals.ts), over lib/db/goals.ts.
import type { Database } from "../../db/database.ts";
import { deleteGoal, getGoal, insertGoal, listGoals, updateGoal } from "../../db/goals.ts";
import type { GoalStore } from "../goals.ts";

export function sqliteGoals(db: Database): GoalStore {
  return {
    list: (siteId) => Promise.try(() => listGoals(db, siteId)),
    get: (id) => Promise.try(() => getGoal(db, id)),
    create: (goal) => Promise.try(() => insertGoal(db, goal)),
    update: (id, goal) => Promise.try(() => updateGoal(db, id, goal)),
    delete: (id) => Promise.try(() => deleteGoal(db, id)),
  };
}
