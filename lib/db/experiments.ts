// A/B experiments in SQLite: definitions and variants, status changes as compare-and-set
// updates (`… WHERE status = ?`, so two writers racing from the same status cannot both win)
// with the pause intervals they open and close, and the per-variant exposure and conversion
// counts the results are computed from.
import { notExcludedPredicate } from "./bots.ts";
import { getGoal } from "./goals.ts";
import { keptPredicate } from "./query/compile.ts";
import { goalHits, SESSION_KEY } from "./query/goals.ts";
import { ensureRegexp, SQLITE } from "./query/sqlite.ts";
import type {
  CountsQuery,
  ExperimentDefinitionRecord,
  ExperimentFilter,
  ExperimentResultRows,
  PauseRecord,
  StoredExperiment,
  VariantCounts,
} from "../store/experiments.ts";
import type { Database, SqlParam } from "./database.ts";

/** A row of experiments (the store's record without its variants). */
export type ExperimentRecord = Omit<StoredExperiment, "variants">;

export interface VariantRecord {
  experiment_id: string;
  variant_id: string;
  name: string;
  weight: number;
  is_control: number;
  /** JSON text or null. */
  config: string | null;
}

/** A definition as the rows store it (is_control as 0/1). */
export type DefinitionRecord = Omit<ExperimentDefinitionRecord, "variants"> & {
  variants: Omit<VariantRecord, "experiment_id">[];
};

const EXPERIMENT_COLUMNS = `experiment_id, site_id, name, description, status, metric_event_type,
  allocation_percent, created_at, started_at, ended_at`;

export type { ExperimentFilter } from "../store/experiments.ts";

/** Experiments, newest first, optionally of one site and some statuses. */
export function listExperiments(db: Database, filter: ExperimentFilter): ExperimentRecord[] {
  const where: string[] = [];
  const args: SqlParam[] = [];
  if (filter.siteId) {
    where.push("site_id = ?");
    args.push(filter.siteId);
  }
  if (filter.statuses && filter.statuses.length > 0) {
    where.push("status IN (SELECT value FROM json_each(?))");
    args.push(JSON.stringify(filter.statuses));
  }
  return db.all<ExperimentRecord>(
    `SELECT ${EXPERIMENT_COLUMNS} FROM experiments
     ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""}
     ORDER BY created_at DESC, experiment_id LIMIT ?`,
    ...args,
    filter.limit,
  );
}

export function getExperimentRecord(db: Database, id: string): ExperimentRecord | null {
  return db.get<ExperimentRecord>(
    `SELECT ${EXPERIMENT_COLUMNS} FROM experiments WHERE experiment_id = ?`,
    id,
  ) ?? null;
}

/** The variants of some experiments, in the order they were defined. */
export function variantsOf(db: Database, ids: readonly string[]): VariantRecord[] {
  if (ids.length === 0) return [];
  return db.all<VariantRecord>(
    `SELECT experiment_id, variant_id, name, weight, is_control, config
     FROM experiment_variants
     WHERE experiment_id IN (SELECT value FROM json_each(?))
     ORDER BY experiment_id, rowid`,
    JSON.stringify(ids),
  );
}

function insertVariants(db: Database, def: DefinitionRecord): void {
  const stmt = db.statement(
    `INSERT INTO experiment_variants (experiment_id, variant_id, name, weight, is_control, config)
     VALUES (?, ?, ?, ?, ?, ?)`,
  );
  for (const v of def.variants) {
    stmt.run(def.experiment_id, v.variant_id, v.name, v.weight, v.is_control, v.config);
  }
}

/** Stores a new draft with its variants in one transaction; false when the id exists. */
export function insertExperiment(db: Database, def: DefinitionRecord, createdAt: string): boolean {
  return db.transaction(() => {
    const inserted = db.run(
      `INSERT INTO experiments (experiment_id, site_id, name, description, status,
         metric_event_type, allocation_percent, created_at)
       VALUES (?, ?, ?, ?, 'draft', ?, ?, ?)
       ON CONFLICT (experiment_id) DO NOTHING`,
      def.experiment_id,
      def.site_id,
      def.name,
      def.description,
      def.metric_event_type,
      def.allocation_percent,
      createdAt,
    ).changes;
    if (inserted === 0) return false;
    insertVariants(db, def);
    return true;
  });
}

/**
 * Replaces the definition and the variants of an experiment that is still a draft, in one
 * transaction; false (nothing changed) when it is missing or no longer a draft.
 */
export function replaceDraftDefinition(db: Database, def: DefinitionRecord): boolean {
  return db.transaction(() => {
    const updated = db.run(
      `UPDATE experiments SET site_id = ?, name = ?, description = ?, metric_event_type = ?,
         allocation_percent = ?
       WHERE experiment_id = ? AND status = 'draft'`,
      def.site_id,
      def.name,
      def.description,
      def.metric_event_type,
      def.allocation_percent,
      def.experiment_id,
    ).changes;
    if (updated === 0) return false;
    db.run("DELETE FROM experiment_variants WHERE experiment_id = ?", def.experiment_id);
    insertVariants(db, def);
    return true;
  });
}

/**
 * Moves an experiment from `from` to `to` only if it is still in `from`: started_at is set on
 * the first activation, ended_at when it completes. Pausing opens a pause interval and resuming
 * (paused → active) closes it, in the same transaction as the status change, so the intervals
 * always match the status history. Completing from paused leaves the last pause open: nothing
 * after it counts. False (nothing written) when another writer got there first.
 */
export function compareAndSetStatus(
  db: Database,
  change: { id: string; from: string; to: string; at: string },
): boolean {
  return db.transaction(() => {
    const moved = db.run(
      `UPDATE experiments SET status = ?1,
         started_at = CASE WHEN ?1 = 'active' THEN COALESCE(started_at, ?2) ELSE started_at END,
         ended_at = CASE WHEN ?1 = 'completed' THEN COALESCE(ended_at, ?2) ELSE ended_at END
       WHERE experiment_id = ?3 AND status = ?4`,
      change.to,
      change.at,
      change.id,
      change.from,
    ).changes > 0;
    if (!moved) return false;
    // The MAXes keep pauses in order and apart even if the clock went back: each starts no
    // earlier than the previous one ended and ends no earlier than it started (variantCounts
    // relies on pauses not overlapping).
    if (change.to === "paused") {
      db.run(
        `INSERT INTO experiment_pauses (experiment_id, paused_at)
         SELECT ?1, MAX(?2, COALESCE(MAX(resumed_at), ?2)) FROM experiment_pauses
         WHERE experiment_id = ?1`,
        change.id,
        change.at,
      );
    } else if (change.from === "paused" && change.to === "active") {
      db.run(
        `UPDATE experiment_pauses SET resumed_at = MAX(paused_at, ?)
         WHERE experiment_id = ? AND resumed_at IS NULL`,
        change.at,
        change.id,
      );
    }
    return true;
  });
}

/** An experiment's pause intervals, oldest first. */
export function experimentPauses(db: Database, id: string): PauseRecord[] {
  return db.all<PauseRecord>(
    `SELECT paused_at, resumed_at FROM experiment_pauses WHERE experiment_id = ?
     ORDER BY paused_at, rowid`,
    id,
  );
}

/** Deletes a draft (its variants cascade); false when it is missing or not a draft. */
export function deleteDraftExperiment(db: Database, id: string): boolean {
  return db.run("DELETE FROM experiments WHERE experiment_id = ? AND status = 'draft'", id)
    .changes > 0;
}

/** The unit of an exposure: the tab session, or the visitor for events without a session id
 * (the goals' visit key, so a goal's conversions meet the exposures on the same unit). */
const UNIT = SESSION_KEY("semantic_events");
/**
 * The row `row` is not in one of the experiment's (?1) pauses, [paused_at, resumed_at) or
 * open-ended. Pauses do not overlap, so only the latest one started at or before the row can hold
 * it: one seek of idx_experiment_pauses per row, however often the experiment was paused.
 */
const notPaused = (row: string) =>
  `COALESCE((
  SELECT p.resumed_at IS NOT NULL AND p.resumed_at <= ${row}.created_at
  FROM experiment_pauses p
  WHERE p.experiment_id = ?1 AND p.paused_at <= ${row}.created_at
  ORDER BY p.paused_at DESC, p.rowid DESC LIMIT 1), 1)`;

/**
 * The `converted` CTE's rows (unit, created_at): the metric's events, or the rows converting the
 * goal (lib/db/query/goals.ts, the query engine's matcher), in the window (?3, ?4) of the site
 * (?2) outside the pauses, among the rows `kept` keeps (admin-excluded visitors left out).
 */
function conversions(q: CountsQuery, kept: (row: string) => string, args: SqlParam[]): string {
  const inWindow = (row: string) =>
    `${row}.created_at >= ?3 AND ${row}.created_at <= ?4 AND ${kept(row)} AND ${notPaused(row)}`;
  if ("goalId" in q.metric) {
    args.push(q.metric.goalId);
    return goalHits(SQLITE, {
      goals: `g.id = ?5 AND g.site_id = ?2`,
      mine: inWindow,
      columns: (row) => `${SESSION_KEY(row)} AS unit, ${row}.created_at AS created_at`,
      union: "UNION ALL",
    });
  }
  args.push(q.metric.eventType);
  const nameFilter = q.metric.eventName === null ? "" : "AND event_name = ?6";
  if (q.metric.eventName !== null) args.push(q.metric.eventName);
  return `SELECT ${UNIT} AS unit, created_at FROM semantic_events
       WHERE site_id = ?2 AND event_type = ?5 ${nameFilter}
         AND ${inWindow("semantic_events")}
         AND ${notExcludedPredicate("visitor_id")}`;
}

/**
 * Per variant: exposed units (sessions with an event tagged with the experiment and a variant —
 * the tracker's `exposure`, or any event carrying experiment_id/variant_id), each counted once in
 * the variant of its first tagged event; and how many of them converted (a metric event, or a
 * conversion of the metric's goal) at or after that first exposure. Only the experiment's site,
 * only [since, until] outside the experiment's pauses, only the rows the bot setting keeps (hide:
 * score below the threshold; show: all; only: the rest) and no excluded visitor, on both sides
 * (so a conversion during a pause does not count, one after the resume does).
 *
 * Exposures and conversions meet in one GROUP BY over their union, not a join (a join of two
 * large CTEs without an index would compare every pair). The unary `+` keeps the planner on
 * idx_se_experiment for the tagged events instead of scanning the whole site's window.
 */
export function variantCounts(db: Database, q: CountsQuery): VariantCounts[] {
  const kept = (row: string) => keptPredicate(q.bots, `${row}.bot_score`);
  const args: SqlParam[] = [q.experimentId, q.siteId, q.since, q.until];
  const converted = conversions(q, kept, args);
  if ("goalId" in q.metric) ensureRegexp(db);
  return db.all<VariantCounts>(
    `WITH exposed AS (
       -- SQLite takes the bare variant_id from the row holding MIN(created_at): each unit's
       -- first tagged event (https://sqlite.org/lang_select.html#bareagg).
       SELECT ${UNIT} AS unit, variant_id, MIN(created_at) AS first_at
       FROM semantic_events
       WHERE experiment_id = ?1 AND variant_id IS NOT NULL AND +site_id = ?2
         AND +created_at >= ?3 AND +created_at <= ?4 AND ${kept("semantic_events")}
         AND ${notExcludedPredicate("visitor_id")} AND ${notPaused("semantic_events")}
       GROUP BY unit
     ),
     converted AS (
       SELECT unit, MAX(created_at) AS last_at FROM (${converted}) GROUP BY unit
     ),
     units AS (
       SELECT MAX(variant_id) AS variant_id,
              COALESCE(MAX(last_at) >= MAX(first_at), 0) AS converted
       FROM (
         SELECT unit, variant_id, first_at, NULL AS last_at FROM exposed
         UNION ALL
         SELECT unit, NULL, NULL, last_at FROM converted
       )
       GROUP BY unit
       HAVING MAX(first_at) IS NOT NULL
     )
     SELECT variant_id, COUNT(*) AS exposures, SUM(converted) AS conversions
     FROM units
     GROUP BY variant_id
     ORDER BY variant_id`,
    ...args,
  );
}

/** The rows of one experiment's results: its pauses, and the counts of `counts` (none if null). */
export function experimentResultRows(
  db: Database,
  experimentId: string,
  counts: CountsQuery | null,
): ExperimentResultRows {
  if (counts === null) return { pauses: [], counts: [], goal: null };
  return {
    pauses: experimentPauses(db, experimentId),
    counts: variantCounts(db, counts),
    goal: "goalId" in counts.metric ? getGoal(db, counts.metric.goalId) : null,
  };
}
