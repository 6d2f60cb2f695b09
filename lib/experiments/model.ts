// What an experiment is: its statuses and the transitions between them (the only state machine
// the API, the admin buttons and the tests share), its variants, and how its metric matches
// events (docs/architecture.md, decision 8: a custom event's *name*, or a built-in event type).
import { EVENT_TYPES } from "../ingest/event_pipeline.ts";

export const STATUSES = ["draft", "active", "paused", "completed", "archived"] as const;
export type ExperimentStatus = typeof STATUSES[number];

/**
 * Allowed transitions. Paused experiments may be resumed or completed; a completed one can only
 * be archived; nothing leaves archived. (The reference offered paused → archived in its UI but
 * refused it in its API, W6; here the buttons come from this table.)
 */
export const TRANSITIONS: Readonly<Record<ExperimentStatus, readonly ExperimentStatus[]>> = {
  draft: ["active"],
  active: ["paused", "completed"],
  paused: ["active", "completed"],
  completed: ["archived"],
  archived: [],
};

export function isStatus(value: unknown): value is ExperimentStatus {
  return typeof value === "string" && (STATUSES as readonly string[]).includes(value);
}

export function canTransition(from: ExperimentStatus, to: ExperimentStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Button labels for each target status. */
export const TRANSITION_LABELS: Record<ExperimentStatus, string> = {
  draft: "Draft",
  active: "Start",
  paused: "Pause",
  completed: "Complete",
  archived: "Archive",
};

/**
 * How a metric matches events: `custom` = events sent with `echelon.track(name)` (stored as
 * event_type "custom" with event_name = name); `event_type` = a built-in event type; `goal` = one
 * of the site's goals (lib/query/goals.ts: a page, event or scroll goal), stored as `goal:<id>`.
 */
export type MetricKind = "custom" | "event_type" | "goal";

/** A stored metric naming a goal: `goal:` and the goal's id. */
const GOAL_METRIC = /^goal:([1-9][0-9]{0,15})$/;

/** The goal id a stored metric names, or null when it names an event. */
export function metricGoalId(metric: string): number | null {
  const match = GOAL_METRIC.exec(metric);
  return match ? Number(match[1]) : null;
}

/** The stored metric of a goal. */
export const goalMetric = (goalId: number): string => `goal:${goalId}`;

/**
 * Built-in event types a metric may name. `custom` is excluded (it would count every tracked
 * event, reference W5) and so is `exposure` (every exposed session would convert).
 */
export const METRIC_EVENT_TYPES: ReadonlySet<string> = new Set(
  [...EVENT_TYPES].filter((type) => type !== "custom" && type !== "exposure"),
);

/**
 * The rule that decides a stored metric's kind (the schema keeps one metric column): `goal:<id>`
 * names a goal; a built-in event type is matched as that type; any other name is a custom event
 * name.
 */
export function metricKindOf(metric: string): MetricKind {
  if (metricGoalId(metric) !== null) return "goal";
  return METRIC_EVENT_TYPES.has(metric) ? "event_type" : "custom";
}

export interface Variant {
  variant_id: string;
  name: string;
  weight: number;
  is_control: boolean;
  /** Free JSON for the site's own use (colours, copy, …); null when none. */
  config: unknown;
}

export interface Experiment {
  experiment_id: string;
  site_id: string;
  name: string;
  description: string | null;
  status: ExperimentStatus;
  /** The metric as stored (the contract's field name). */
  metric_event_type: string;
  metric: string;
  metric_kind: MetricKind;
  /** The goal the metric names (metric_kind "goal"), else null. */
  metric_goal_id: number | null;
  allocation_percent: number;
  created_at: string;
  started_at: string | null;
  ended_at: string | null;
  variants: Variant[];
}

/** The definition an admin writes (create, or edit while in draft). */
export interface ExperimentDefinition {
  experiment_id: string;
  site_id: string;
  name: string;
  description: string | null;
  metric: string;
  allocation_percent: number;
  variants: Variant[];
}
