// The experiments area of the store (lib/store/types.ts): definitions with their variants and
// status changes as compare-and-set (a change applies only from the status the caller saw, so two
// writers racing from the same status cannot both win). lib/experiments/ owns the rules (the state
// machine, validation); the results are an analytics read (lib/experiments/results.ts).
import type { BotMode } from "../query/model.ts";
import type { GoalRecord } from "../query/goals.ts";

export interface StoredVariant {
  variant_id: string;
  name: string;
  weight: number;
  is_control: boolean;
  /** The variant's config as JSON text, or null. */
  config: string | null;
}

/** What a definition stores (its status and times are the store's). */
export interface ExperimentDefinitionRecord {
  experiment_id: string;
  site_id: string;
  name: string;
  description: string | null;
  metric_event_type: string;
  allocation_percent: number;
  variants: StoredVariant[];
}

export interface StoredExperiment extends ExperimentDefinitionRecord {
  status: string;
  /** ISO instants. */
  created_at: string;
  started_at: string | null;
  ended_at: string | null;
}

export interface ExperimentFilter {
  siteId?: string | null;
  statuses?: readonly string[] | null;
  limit: number;
}

export interface StatusChange {
  id: string;
  from: string;
  to: string;
  /** ISO instant of the change. */
  at: string;
}

export type DraftReplacement = "replaced" | "not_draft";

export interface ExperimentStore {
  /** Experiments with their variants, newest first. */
  list(filter: ExperimentFilter): Promise<StoredExperiment[]>;
  get(id: string): Promise<StoredExperiment | null>;
  /** Stores a new draft with its variants; false (nothing stored) when the id exists. */
  create(definition: ExperimentDefinitionRecord, createdAt: string): Promise<boolean>;
  /**
   * Replaces a draft's definition and variants, then (with `move`) moves it from draft, all or
   * nothing: "not_draft" (nothing changed) when it is missing or no longer a draft.
   */
  replaceDraft(
    definition: ExperimentDefinitionRecord,
    move?: { to: string; at: string },
  ): Promise<DraftReplacement>;
  /**
   * Moves an experiment from `from` to `to` if it is still in `from` (started_at set on the first
   * activation, ended_at on completion, pause intervals opened and closed with it); false when
   * another writer got there first.
   */
  changeStatus(change: StatusChange): Promise<boolean>;
  /** Deletes a draft; false when it is missing or not a draft. */
  deleteDraft(id: string): Promise<boolean>;
  /** Every experiment as site → experiment id → variant ids (anonymised sites keep these). */
  variantsBySite(): Promise<Map<string, Map<string, Set<string>>>>;
}

// ---------------------------------------------------------------------------------------------
// The rows of an experiment's results (the read `experimentResults`, lib/reads/registry.ts)

export interface PauseRecord {
  paused_at: string;
  /** Null while paused, and for a pause the experiment was completed from. */
  resumed_at: string | null;
}

/** The counts asked for: one experiment's site, window and metric. */
export interface CountsQuery {
  experimentId: string;
  siteId: string;
  /** Inclusive ISO bounds of the experiment's window. */
  since: string;
  until: string;
  /** A custom event's name (or a built-in type), or one of the site's goals. */
  metric: { eventType: string; eventName: string | null } | { goalId: number };
  /** Which rows count: those below the threshold (hide), all (show), the rest (only). */
  bots: { mode: BotMode; threshold: number };
}

export interface VariantCounts {
  variant_id: string;
  exposures: number;
  conversions: number;
}

/** What an experiment's results are made from. */
export interface ExperimentResultRows {
  /** Its pause intervals, oldest first. */
  pauses: PauseRecord[];
  /** Exposed units and conversions per variant tag seen in the window. */
  counts: VariantCounts[];
  /** The metric's goal as stored now (null: the metric is an event, or the goal was deleted). */
  goal: GoalRecord | null;
}
