// The values of the experiment form (strings, as typed) and its row operations, shared by the
// server (which renders and re-renders the form, also for browsers without JavaScript) and the
// form island in the browser: no imports but the limits, so the client bundle stays small.
import { DEFAULT_SITE, MAX_VARIANTS, MIN_VARIANTS } from "./limits.ts";

export interface VariantFields {
  variant_id: string;
  name: string;
  weight: string;
  /** JSON text; empty for none. */
  config: string;
}

export interface ExperimentFormValues {
  experiment_id: string;
  name: string;
  site_id: string;
  metric: string;
  /** A goal's id (the metric is then that goal); "" = the metric above. */
  metric_goal_id: string;
  /** "" = decided by the rule (built-in type names match their type). */
  metric_kind: "" | "custom" | "event_type";
  description: string;
  allocation_percent: string;
  variants: VariantFields[];
  /** Index of the control row. */
  control: number;
}

/** A new experiment: control and "variant", the ids `echelon.experiment(id)` uses by default. */
export function blankForm(siteId: string | null): ExperimentFormValues {
  return {
    experiment_id: "",
    name: "",
    site_id: siteId ?? DEFAULT_SITE,
    metric: "",
    metric_goal_id: "",
    metric_kind: "",
    description: "",
    allocation_percent: "100",
    variants: [
      { variant_id: "control", name: "Control", weight: "50", config: "" },
      { variant_id: "variant", name: "Variant", weight: "50", config: "" },
    ],
    control: 0,
  };
}

/**
 * "add_variant" / "remove_variant:N": the values with a row added or removed (the island calls
 * this on click; a browser without JavaScript posts the intent and the server renders the
 * result), or null for any other intent (a real submit).
 */
export function applyRowIntent(
  values: ExperimentFormValues,
  intent: string | null,
): ExperimentFormValues | null {
  if (intent === "add_variant") {
    if (values.variants.length >= MAX_VARIANTS) return values;
    const taken = new Set(values.variants.map((v) => v.variant_id));
    let n = values.variants.length;
    while (taken.has(`variant-${n}`)) n++;
    return {
      ...values,
      variants: [...values.variants, {
        variant_id: `variant-${n}`,
        name: "",
        weight: "50",
        config: "",
      }],
    };
  }
  const remove = intent?.match(/^remove_variant:(\d+)$/);
  if (remove) {
    const index = Number(remove[1]);
    if (values.variants.length <= MIN_VARIANTS || index >= values.variants.length) return values;
    const control = values.control === index
      ? 0
      : values.control > index
      ? values.control - 1
      : values.control;
    return { ...values, variants: values.variants.filter((_, i) => i !== index), control };
  }
  return null;
}
