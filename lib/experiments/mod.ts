// Experiments as the API and the admin pages use them: read (with variants), create, edit a
// draft, change status through the state machine, delete a draft. Refusals are HttpErrors with
// a status and a message naming what was wrong, shared by JSON answers and admin notices.
import {
  compareAndSetStatus,
  type DefinitionRecord,
  deleteDraftExperiment,
  type ExperimentFilter,
  type ExperimentRecord,
  getExperimentRecord,
  insertExperiment,
  listExperiments,
  replaceDraftDefinition,
  type VariantRecord,
  variantsOf,
} from "../db/experiments.ts";
import type { Database } from "../db/mod.ts";
import { HttpError } from "../http_error.ts";
import { parseDefinition } from "./definition.ts";
import {
  canTransition,
  type Experiment,
  type ExperimentDefinition,
  type ExperimentStatus,
  isStatus,
  metricKindOf,
  STATUSES,
  TRANSITIONS,
  type Variant,
} from "./model.ts";

export * from "./model.ts";

function parseConfig(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function toVariant(row: VariantRecord): Variant {
  return {
    variant_id: row.variant_id,
    name: row.name,
    weight: row.weight,
    is_control: row.is_control === 1,
    config: parseConfig(row.config),
  };
}

function toExperiment(row: ExperimentRecord, variants: VariantRecord[]): Experiment {
  return {
    experiment_id: row.experiment_id,
    site_id: row.site_id,
    name: row.name,
    description: row.description,
    status: isStatus(row.status) ? row.status : "draft",
    metric_event_type: row.metric_event_type,
    metric: row.metric_event_type,
    metric_kind: metricKindOf(row.metric_event_type),
    allocation_percent: row.allocation_percent,
    created_at: row.created_at,
    started_at: row.started_at,
    ended_at: row.ended_at,
    variants: variants.map(toVariant),
  };
}

function toRecord(def: ExperimentDefinition): DefinitionRecord {
  return {
    experiment_id: def.experiment_id,
    site_id: def.site_id,
    name: def.name,
    description: def.description,
    metric_event_type: def.metric,
    allocation_percent: def.allocation_percent,
    variants: def.variants.map((v) => ({
      variant_id: v.variant_id,
      name: v.name,
      weight: v.weight,
      is_control: v.is_control ? 1 : 0,
      config: v.config === null ? null : JSON.stringify(v.config),
    })),
  };
}

export function definitionOf(experiment: Experiment): ExperimentDefinition {
  return {
    experiment_id: experiment.experiment_id,
    site_id: experiment.site_id,
    name: experiment.name,
    description: experiment.description,
    metric: experiment.metric,
    allocation_percent: experiment.allocation_percent,
    variants: experiment.variants,
  };
}

export const MAX_LIST = 500;

/** Experiments with their variants, newest first. */
export function findExperiments(db: Database, filter: ExperimentFilter): Experiment[] {
  const rows = listExperiments(db, filter);
  const variants = variantsOf(db, rows.map((row) => row.experiment_id));
  const byExperiment = Map.groupBy(variants, (v) => v.experiment_id);
  return rows.map((row) => toExperiment(row, byExperiment.get(row.experiment_id) ?? []));
}

export function findExperiment(db: Database, id: string): Experiment | null {
  const row = getExperimentRecord(db, id);
  return row ? toExperiment(row, variantsOf(db, [id])) : null;
}

/** The experiment or 404. */
export function requireExperiment(db: Database, id: string): Experiment {
  const experiment = findExperiment(db, id);
  if (!experiment) {
    throw new HttpError(404, "not_found", `No experiment ${JSON.stringify(id.slice(0, 128))}`);
  }
  return experiment;
}

export interface Written {
  experiment: Experiment;
  notes: string[];
}

/** Validates and stores a new draft; 400 on bad input, 409 when the id is taken. */
export function createExperiment(
  db: Database,
  input: Record<string, unknown>,
  now: number,
): Written {
  const parsed = parseDefinition(input);
  if (!parsed.ok) throw new HttpError(400, "invalid_payload", parsed.errors.join(" "));
  return storeExperiment(db, { definition: parsed.value, notes: parsed.notes }, now);
}

/** Stores a new draft already validated (DEFINITION_BODY); 409 when the id is taken. */
export function storeExperiment(
  db: Database,
  parsed: { definition: ExperimentDefinition; notes: string[] },
  now: number,
): Written {
  const { definition, notes } = parsed;
  const created = insertExperiment(db, toRecord(definition), new Date(now).toISOString());
  if (!created) {
    throw new HttpError(
      409,
      "conflict",
      `An experiment with the id "${definition.experiment_id}" already exists.`,
    );
  }
  return { experiment: requireExperiment(db, definition.experiment_id), notes };
}

function notDraft(experiment: Experiment, what: string): HttpError {
  return new HttpError(
    409,
    "conflict",
    `Only a draft can be ${what}; "${experiment.experiment_id}" is ${experiment.status}.`,
  );
}

/** Applies the given definition fields to a draft; 409 once it has left draft. */
export function editDraft(db: Database, id: string, input: Record<string, unknown>): Written {
  const current = requireExperiment(db, id);
  if (current.status !== "draft") throw notDraft(current, "edited");
  const parsed = parseDefinition(input, definitionOf(current));
  if (!parsed.ok) throw new HttpError(400, "invalid_payload", parsed.errors.join(" "));
  if (!replaceDraftDefinition(db, toRecord(parsed.value))) {
    throw notDraft(requireExperiment(db, id), "edited");
  }
  return { experiment: requireExperiment(db, id), notes: parsed.notes };
}

export function parseStatus(raw: unknown, field = "status"): ExperimentStatus {
  if (!isStatus(raw)) {
    throw new HttpError(
      400,
      "invalid_status",
      `${field}: ${JSON.stringify(raw ?? null)?.slice(0, 40)} is not one of ${
        STATUSES.join(", ")
      }.`,
    );
  }
  return raw;
}

function allowedText(from: ExperimentStatus): string {
  const allowed = TRANSITIONS[from];
  return allowed.length === 0 ? "none (it is final)" : allowed.join(", ");
}

/**
 * Moves an experiment to `to`. With `expected` (the status the caller saw), the change applies
 * only from that status. 409 for a refused transition (the message lists the allowed ones) and
 * for a lost race (the status changed between reading and writing).
 */
export function changeStatus(
  db: Database,
  change: { id: string; to: ExperimentStatus; expected?: ExperimentStatus; now: number },
): Experiment {
  const current = requireExperiment(db, change.id);
  const from = change.expected ?? current.status;
  if (change.expected !== undefined && current.status !== change.expected) {
    throw new HttpError(
      409,
      "conflict",
      `"${change.id}" is ${current.status}, not ${change.expected}: it was changed meanwhile. ` +
        `Allowed from ${current.status}: ${allowedText(current.status)}.`,
    );
  }
  if (!canTransition(from, change.to)) {
    throw new HttpError(
      409,
      "invalid_transition",
      `Cannot go from ${from} to ${change.to}. Allowed from ${from}: ${allowedText(from)}.`,
    );
  }
  const at = new Date(change.now).toISOString();
  if (!compareAndSetStatus(db, { id: change.id, from, to: change.to, at })) {
    const now = requireExperiment(db, change.id);
    throw new HttpError(
      409,
      "conflict",
      `"${change.id}" changed from ${from} to ${now.status} meanwhile; nothing was done.`,
    );
  }
  return requireExperiment(db, change.id);
}

/** Deletes a draft; 404 when missing, 409 once it has left draft (complete or archive it). */
export function deleteExperiment(db: Database, id: string): void {
  const current = requireExperiment(db, id);
  if (current.status !== "draft" || !deleteDraftExperiment(db, id)) {
    throw new HttpError(
      409,
      "conflict",
      `Only a draft can be deleted; "${id}" is ${
        requireExperiment(db, id).status
      }. Complete and archive it instead.`,
    );
  }
}
