// Goals (migration "goals"): per site, what counts as a conversion (lib/query/goals.ts). The
// compiler reads them in the same statement as the rows (lib/db/query/goals.ts).
import { type GoalRecord, MAX_GOALS_PER_SITE, type NewGoal } from "../query/goals.ts";
import type { Database } from "./database.ts";

type StoredGoal = Omit<GoalRecord, "props"> & { props: string | null };

const COLUMNS =
  "id, site_id, name, kind, page, event_name, props, scroll_depth, currency, created_at";

const parsed = (row: StoredGoal): GoalRecord => ({
  ...row,
  props: row.props === null ? null : JSON.parse(row.props),
});

/** Every goal (of one site), by site and name. */
export function listGoals(db: Database, siteId: string | null): GoalRecord[] {
  const rows = siteId === null
    ? db.all<StoredGoal>(`SELECT ${COLUMNS} FROM goals ORDER BY site_id, name`)
    : db.all<StoredGoal>(`SELECT ${COLUMNS} FROM goals WHERE site_id = ? ORDER BY name`, siteId);
  return rows.map(parsed);
}

export function getGoal(db: Database, id: number): GoalRecord | null {
  const row = db.get<StoredGoal>(`SELECT ${COLUMNS} FROM goals WHERE id = ?`, id);
  return row ? parsed(row) : null;
}

const values = (g: NewGoal) =>
  [
    g.name,
    g.kind,
    g.page,
    g.pageRegex,
    g.eventName,
    g.props === null ? null : JSON.stringify(g.props),
    g.scrollDepth,
    g.currency,
  ] as const;

/** Stores a goal: its record, "conflict" when the site already has one of that name, or "full"
 * when it has MAX_GOALS_PER_SITE (every conversion question joins them all). */
export function insertGoal(
  db: Database,
  goal: NewGoal,
): GoalRecord | "conflict" | "full" {
  const row = db.get<StoredGoal>(
    `INSERT INTO goals (site_id, name, kind, page, page_regex, event_name, props, scroll_depth,
       currency)
     SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9
     WHERE (SELECT COUNT(*) FROM goals WHERE site_id = ?1) < ?10
     ON CONFLICT (site_id, name) DO NOTHING RETURNING ${COLUMNS}`,
    goal.siteId,
    ...values(goal),
    MAX_GOALS_PER_SITE,
  );
  if (row) return parsed(row);
  const taken = db.get(
    "SELECT 1 AS x FROM goals WHERE site_id = ? AND name = ?",
    goal.siteId,
    goal.name,
  );
  return taken ? "conflict" : "full";
}

/** Replaces a goal's definition (its site stays): the record, "missing" when there is no such
 * goal, or "conflict" when another goal of its site has the new name. */
export function updateGoal(
  db: Database,
  id: number,
  goal: Omit<NewGoal, "siteId">,
): GoalRecord | "missing" | "conflict" {
  return db.transaction(() => {
    const current = getGoal(db, id);
    if (!current) return "missing";
    const clash = db.get<{ id: number }>(
      "SELECT id FROM goals WHERE site_id = ? AND name = ? AND id <> ?",
      current.site_id,
      goal.name,
      id,
    );
    if (clash) return "conflict";
    const row = db.get<StoredGoal>(
      `UPDATE goals SET name = ?, kind = ?, page = ?, page_regex = ?, event_name = ?, props = ?,
         scroll_depth = ?, currency = ? WHERE id = ? RETURNING ${COLUMNS}`,
      ...values({ ...goal, siteId: current.site_id }),
      id,
    );
    return parsed(row!);
  });
}

export function deleteGoal(db: Database, id: number): boolean {
  return db.run("DELETE FROM goals WHERE id = ?", id).changes > 0;
}
