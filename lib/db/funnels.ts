// Funnels (migration "funnels"): per site, a name, 2-8 steps (JSON) and how they are counted
// (lib/query/funnels.ts); their results are computed when asked (lib/db/query/funnels.ts).
import type { FunnelRecord, NewFunnel } from "../store/funnels.ts";
import type { Database } from "./database.ts";
import { MAX_FUNNELS_PER_SITE } from "../query/funnels.ts";

type Stored = Omit<FunnelRecord, "steps" | "order"> & { steps: string; step_order: string };

const COLUMNS = "id, site_id, name, steps, step_order, per, created_at";

const parsed = ({ step_order, ...row }: Stored): FunnelRecord => ({
  ...row,
  steps: JSON.parse(row.steps),
  order: step_order as FunnelRecord["order"],
});

/** Every funnel (of one site), by site and name. */
export function listFunnels(db: Database, siteId: string | null): FunnelRecord[] {
  const rows = siteId === null
    ? db.all<Stored>(`SELECT ${COLUMNS} FROM funnels ORDER BY site_id, name`)
    : db.all<Stored>(`SELECT ${COLUMNS} FROM funnels WHERE site_id = ? ORDER BY name`, siteId);
  return rows.map(parsed);
}

export function getFunnel(db: Database, id: number): FunnelRecord | null {
  const row = db.get<Stored>(`SELECT ${COLUMNS} FROM funnels WHERE id = ?`, id);
  return row ? parsed(row) : null;
}

/** Stores a funnel: its record, "conflict" when the site already has one of that name, or "full"
 * when it has MAX_FUNNELS_PER_SITE. */
export function insertFunnel(db: Database, f: NewFunnel): FunnelRecord | "conflict" | "full" {
  const row = db.get<Stored>(
    `INSERT INTO funnels (site_id, name, steps, step_order, per)
     SELECT ?1, ?2, ?3, ?4, ?5 WHERE (SELECT COUNT(*) FROM funnels WHERE site_id = ?1) < ?6
     ON CONFLICT (site_id, name) DO NOTHING RETURNING ${COLUMNS}`,
    f.siteId,
    f.name,
    JSON.stringify(f.steps),
    f.order,
    f.per,
    MAX_FUNNELS_PER_SITE,
  );
  if (row) return parsed(row);
  const taken = db.get(
    "SELECT 1 AS x FROM funnels WHERE site_id = ? AND name = ?",
    f.siteId,
    f.name,
  );
  return taken ? "conflict" : "full";
}

/** Replaces a funnel's definition (its site stays): the record, "missing" or "conflict". */
export function updateFunnel(
  db: Database,
  id: number,
  f: Omit<NewFunnel, "siteId">,
): FunnelRecord | "missing" | "conflict" {
  return db.transaction(() => {
    const current = getFunnel(db, id);
    if (!current) return "missing";
    const clash = db.get<{ id: number }>(
      "SELECT id FROM funnels WHERE site_id = ? AND name = ? AND id <> ?",
      current.site_id,
      f.name,
      id,
    );
    if (clash) return "conflict";
    return parsed(
      db.get<Stored>(
        `UPDATE funnels SET name = ?, steps = ?, step_order = ?, per = ? WHERE id = ?
         RETURNING ${COLUMNS}`,
        f.name,
        JSON.stringify(f.steps),
        f.order,
        f.per,
        id,
      )!,
    );
  });
}

export function deleteFunnel(db: Database, id: number): boolean {
  return db.run("DELETE FROM funnels WHERE id = ?", id).changes > 0;
}
