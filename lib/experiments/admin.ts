// What the experiment form pages (new, edit) share: the island's props, and the submit step —
// validate the posted values, then store them, turning every refusal into messages for the form.
import { HttpError } from "../http_error.ts";
import type { AdminFrame } from "../admin/frame.ts";
import { parseDefinition } from "./definition.ts";
import { definitionInput, type ExperimentFormValues } from "./form.ts";
import { METRIC_EVENT_TYPES } from "./model.ts";

export interface FormIslandProps {
  action: string;
  values: ExperimentFormValues;
  sites: string[];
  metricTypes: string[];
  editing: boolean;
  cancelHref: string;
}

export function formIslandProps(
  frame: AdminFrame,
  options: { action: string; values: ExperimentFormValues; editing: boolean; cancelHref: string },
): FormIslandProps {
  return {
    ...options,
    sites: frame.sites.options.map((s) => s.site_id),
    metricTypes: [...METRIC_EVENT_TYPES].sort(),
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
