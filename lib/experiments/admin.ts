// What the experiment form pages (new, edit) share: the island's props, and the submit step —
// validate the posted values, then store them, turning every refusal into messages for the form.
import { HttpError } from "../http_error.ts";
import type { AdminFrame } from "../admin/frame.ts";
import { parseDefinition } from "./definition.ts";
import { definitionInput, type ExperimentFormValues } from "./form.ts";
import { METRIC_EVENT_TYPES } from "./model.ts";
import { describeGoal, type GoalRecord } from "../query/goals.ts";

/** A goal the form offers as the metric. */
export interface GoalOption {
  id: number;
  site_id: string;
  label: string;
}

export interface FormIslandProps {
  action: string;
  values: ExperimentFormValues;
  sites: string[];
  metricTypes: string[];
  goals: GoalOption[];
  editing: boolean;
  cancelHref: string;
}

/** The island's props; `goals`: every site's goals (lib/store/goals.ts `list(null)`). */
export function formIslandProps(
  frame: AdminFrame,
  options: { action: string; values: ExperimentFormValues; editing: boolean; cancelHref: string },
  goals: readonly GoalRecord[],
): FormIslandProps {
  return {
    ...options,
    sites: frame.sites.options.map((s) => s.site_id),
    metricTypes: [...METRIC_EVENT_TYPES].sort(),
    goals: goals.map((g) => ({
      id: g.id,
      site_id: g.site_id,
      label: `${g.site_id} · ${g.name} (${describeGoal(g)})`,
    })),
  };
}

/**
 * Validates the form's values and, when valid, runs `store` with the JSON definition; returns
 * the messages to show (an HttpError from `store`, such as a taken id, becomes one).
 */
export async function submitDefinition(
  values: ExperimentFormValues,
  store: (input: Record<string, unknown>) => Promise<unknown>,
): Promise<{ errors: string[]; status: number }> {
  const { input, errors } = definitionInput(values);
  const parsed = parseDefinition(input);
  const all = [...errors, ...(parsed.ok ? [] : parsed.errors)];
  if (all.length > 0) return { errors: all, status: 400 };
  try {
    await store(input);
    return { errors: [], status: 200 };
  } catch (error) {
    if (error instanceof HttpError) return { errors: [error.message], status: error.status };
    throw error;
  }
}
