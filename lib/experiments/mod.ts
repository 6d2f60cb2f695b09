// Experiments as the API and the admin pages use them: read (with variants), create, edit a
// draft, change status through the state machine, delete a draft. Refusals are HttpErrors with
// a status and a message naming what was wrong, shared by JSON answers and admin notices.
import { HttpError } from "../http_error.ts";
import type {
  ExperimentDefinitionRecord,
  ExperimentFilter,
  StoredExperiment,
  StoredVariant,
} from "../store/experiments.ts";
import type { Store } from "../store/types.ts";
import { parseDefinition } from "./definition.ts";
import {
  canTransition,
  type Experiment,
  type ExperimentDefinition,
  type ExperimentStatus,
  isStatus,
  metricGoalId,
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

/** Where experiments are kept (lib/store/experiments.ts), and the goals a metric may name. */
export type ExperimentDeps = Pick<Store, "experiments" | "goals">;

/** 400 when the definition's metric names a goal that is not one of its site's. */
async function checkGoal(deps: ExperimentDeps, definition: ExperimentDefinition): Promise<void> {
  const goalId = metricGoalId(definition.metric);
  if (goalId === null) return;
  const goal = await deps.goals.get(goalId);
  if (goal === null || goal.site_id !== definition.site_id) {
    throw new HttpError(
      400,
      "invalid_payload",
      `metric_goal_id: ${goalId} is not a goal of the site "${definition.site_id}" ` +
        `(GET /api/goals?site_id=${definition.site_id} lists them).`,
    );
  }
}

function toVariant(row: StoredVariant): Variant {
  return {
    variant_id: row.variant_id,
    name: row.name,
    weight: row.weight,
    is_control: row.is_control,
    config: parseConfig(row.config),
  };
}

function toExperiment(row: StoredExperiment): Experiment {
  return {
    experiment_id: row.experiment_id,
    site_id: row.site_id,
    name: row.name,
    description: row.description,
    status: isStatus(row.status) ? row.status : "draft",
    metric_event_type: row.metric_event_type,
    metric: row.metric_event_type,
    metric_kind: metricKindOf(row.metric_event_type),
    metric_goal_id: metricGoalId(row.metric_event_type),
    allocation_percent: row.allocation_percent,
    created_at: row.created_at,
    started_at: row.started_at,
    ended_at: row.ended_at,
    variants: row.variants.map(toVariant),
  };
}

function toRecord(def: ExperimentDefinition): ExperimentDefinitionRecord {
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
      is_control: v.is_control,
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
export async function findExperiments(
  deps: ExperimentDeps,
  filter: ExperimentFilter,
): Promise<Experiment[]> {
  return (await deps.experiments.list(filter)).map(toExperiment);
}

export async function findExperiment(deps: ExperimentDeps, id: string): Promise<Experiment | null> {
  const row = await deps.experiments.get(id);
  return row ? toExperiment(row) : null;
}

/** The experiment or 404. */
export async function requireExperiment(deps: ExperimentDeps, id: string): Promise<Experiment> {
  const experiment = await findExperiment(deps, id);
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
  deps: ExperimentDeps,
  input: Record<string, unknown>,
  now: number,
): Promise<Written> {
  const parsed = parseDefinition(input);
  if (!parsed.ok) throw new HttpError(400, "invalid_payload", parsed.errors.join(" "));
  return storeExperiment(deps, { definition: parsed.value, notes: parsed.notes }, now);
}

/** Stores a new draft already validated (DEFINITION_BODY); 409 when the id is taken. */
export async function storeExperiment(
  deps: ExperimentDeps,
  parsed: { definition: ExperimentDefinition; notes: string[] },
  now: number,
): Promise<Written> {
  const { definition, notes } = parsed;
  await checkGoal(deps, definition);
  const created = await deps.experiments.create(
    toRecord(definition),
    new Date(now).toISOString(),
  );
  if (!created) {
    throw new HttpError(
      409,
      "conflict",
      `An experiment with the id "${definition.experiment_id}" already exists.`,
    );
  }
  return { experiment: await requireExperiment(deps, definition.experiment_id), notes };
}

function notDraft(experiment: Experiment, what: string): HttpError {
  return new HttpError(
    409,
    "conflict",
    `Only a draft can be ${what}; "${experiment.experiment_id}" is ${experiment.status}.`,
  );
}

/** Applies the given definition fields to a draft; 409 once it has left draft. */
export function editDraft(
  deps: ExperimentDeps,
  id: string,
  input: Record<string, unknown>,
): Promise<Written> {
  return editAndMove(deps, id, input, null);
}

/**
 * Applies the given definition fields to a draft and then, with `move`, moves it from draft, all
 * or nothing (PATCH /api/experiments/:id with both). 400 for a bad field, 409 once it has left
 * draft, for a refused move or a lost race.
 */
export async function editAndMove(
  deps: ExperimentDeps,
  id: string,
  input: Record<string, unknown>,
  move: { to: ExperimentStatus; expected?: ExperimentStatus; now: number } | null,
): Promise<Written> {
  const current = await requireExperiment(deps, id);
  if (current.status !== "draft") throw notDraft(current, "edited");
  const parsed = parseDefinition(input, definitionOf(current));
  if (!parsed.ok) throw new HttpError(400, "invalid_payload", parsed.errors.join(" "));
  await checkGoal(deps, parsed.value);
  if (move !== null) checkMove({ ...current, status: "draft" }, move);
  const outcome = await deps.experiments.replaceDraft(
    toRecord(parsed.value),
    move === null ? undefined : { to: move.to, at: new Date(move.now).toISOString() },
  );
  if (outcome === "not_draft") throw notDraft(await requireExperiment(deps, id), "edited");
  return { experiment: await requireExperiment(deps, id), notes: parsed.notes };
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
export async function changeStatus(
  deps: ExperimentDeps,
  change: { id: string; to: ExperimentStatus; expected?: ExperimentStatus; now: number },
): Promise<Experiment> {
  const current = await requireExperiment(deps, change.id);
  const from = checkMove(current, change);
  const at = new Date(change.now).toISOString();
  if (!await deps.experiments.changeStatus({ id: change.id, from, to: change.to, at })) {
    // Another writer moved it first: refused as if this request had come second (a stale
    // `from`, or a move the new status does not allow), else a plain conflict.
    const now = await requireExperiment(deps, change.id);
    checkMove(now, change);
    throw new HttpError(
      409,
      "conflict",
      `"${change.id}" changed from ${from} to ${now.status} meanwhile; nothing was done.`,
    );
  }
  return await requireExperiment(deps, change.id);
}

/**
 * The status a move of `current` to `change.to` starts from; 409 when the caller expected
 * another status than it has, or when the state machine refuses the move.
 */
function checkMove(
  current: Experiment,
  change: { to: ExperimentStatus; expected?: ExperimentStatus },
): ExperimentStatus {
  const id = current.experiment_id;
  const from = change.expected ?? current.status;
  if (change.expected !== undefined && current.status !== change.expected) {
    throw new HttpError(
      409,
      "conflict",
      `"${id}" is ${current.status}, not ${change.expected}: it was changed meanwhile. ` +
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
  return from;
}

/** Deletes a draft; 404 when missing, 409 once it has left draft (complete or archive it). */
export async function deleteExperiment(deps: ExperimentDeps, id: string): Promise<void> {
  const current = await requireExperiment(deps, id);
  if (current.status !== "draft" || !await deps.experiments.deleteDraft(id)) {
    const now = await requireExperiment(deps, id);
    throw new HttpError(
      409,
      "conflict",
      `Only a draft can be deleted; "${id}" is ${now.status}. Complete and archive it instead.`,
    );
  }
}
