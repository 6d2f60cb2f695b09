// The admin's experiment form on the server: values of a stored experiment, values read from a
// posted form (variant rows are repeated fields, in order), turned into the JSON definition the
// API validates; and the notices the experiment pages redirect with. The values and the row
// operations the island shares live in ./form_values.ts.
import type { Experiment } from "./model.ts";
import { MAX_VARIANTS } from "./limits.ts";
import type { ExperimentFormValues } from "./form_values.ts";

export { applyRowIntent, blankForm } from "./form_values.ts";
export type { ExperimentFormValues, VariantFields } from "./form_values.ts";

export function formOf(experiment: Experiment): ExperimentFormValues {
  return {
    experiment_id: experiment.experiment_id,
    name: experiment.name,
    site_id: experiment.site_id,
    metric: experiment.metric_goal_id === null ? experiment.metric : "",
    metric_goal_id: experiment.metric_goal_id === null ? "" : String(experiment.metric_goal_id),
    metric_kind: "",
    description: experiment.description ?? "",
    allocation_percent: String(experiment.allocation_percent),
    variants: experiment.variants.map((v) => ({
      variant_id: v.variant_id,
      name: v.name,
      weight: String(v.weight),
      config: v.config === null ? "" : JSON.stringify(v.config),
    })),
    control: Math.max(0, experiment.variants.findIndex((v) => v.is_control)),
  };
}

const cut = (value: string | null, max: number) => (value ?? "").slice(0, max);

/** The posted fields as form values (bounded, so an echo of a huge post stays small). */
export function readFormValues(form: URLSearchParams): ExperimentFormValues {
  const ids = form.getAll("variant_id").slice(0, MAX_VARIANTS + 1);
  const names = form.getAll("variant_name");
  const weights = form.getAll("variant_weight");
  const configs = form.getAll("variant_config");
  const kind = form.get("metric_kind");
  const control = Number(form.get("control"));
  return {
    experiment_id: cut(form.get("experiment_id"), 200),
    name: cut(form.get("name"), 300),
    site_id: cut(form.get("site_id"), 100),
    metric: cut(form.get("metric"), 200),
    metric_goal_id: cut(form.get("metric_goal_id"), 20),
    metric_kind: kind === "custom" || kind === "event_type" ? kind : "",
    description: cut(form.get("description"), 1100),
    allocation_percent: cut(form.get("allocation_percent"), 10),
    variants: ids.map((id, i) => ({
      variant_id: cut(id, 200),
      name: cut(names[i] ?? "", 300),
      weight: cut(weights[i] ?? "", 20),
      config: cut(configs[i] ?? "", 5000),
    })),
    control: Number.isInteger(control) && control >= 0 ? control : -1,
  };
}

/** The JSON definition of the form's values, with the errors only a form can make (bad JSON). */
export function definitionInput(
  values: ExperimentFormValues,
): { input: Record<string, unknown>; errors: string[] } {
  const errors: string[] = [];
  const variants = values.variants.map((v, i) => {
    let config: unknown = null;
    if (v.config.trim() !== "") {
      try {
        config = JSON.parse(v.config);
      } catch {
        errors.push(`variants[${i}].config: is not valid JSON.`);
      }
    }
    const weight = v.weight.trim();
    return {
      variant_id: v.variant_id.trim(),
      name: v.name.trim() === "" ? null : v.name,
      weight: /^\d+(\.\d+)?$/.test(weight) ? Number(weight) : weight === "" ? null : weight,
      is_control: i === values.control,
      config,
    };
  });
  return {
    input: {
      experiment_id: values.experiment_id.trim(),
      name: values.name,
      site_id: values.site_id.trim(),
      ...metricInput(values),
      description: values.description,
      allocation_percent: values.allocation_percent.trim(),
      variants,
    },
    errors,
  };
}

/** The metric fields: the chosen goal (its id), else the metric and its kind as typed. */
function metricInput(values: ExperimentFormValues): Record<string, unknown> {
  const goal = values.metric_goal_id.trim();
  if (goal !== "") return { metric_goal_id: /^\d{1,15}$/.test(goal) ? Number(goal) : goal };
  return {
    metric: values.metric,
    metric_kind: values.metric_kind === "" ? undefined : values.metric_kind,
  };
}

/** Messages for the `done` code the experiment pages redirect with. */
export const EXPERIMENT_NOTICES = {
  created: "Experiment created as a draft. Paste the snippet into the site, then start it.",
  saved: "Draft saved.",
  draft: "Experiment is a draft.",
  active: "Experiment started: exposures and conversions count from now.",
  paused: "Experiment paused.",
  completed: "Experiment completed: its results are final.",
  archived: "Experiment archived.",
  deleted: "Draft deleted.",
} as const;

export type ExperimentNotice = keyof typeof EXPERIMENT_NOTICES;

export function experimentNotice(url: URL): string | null {
  const code = url.searchParams.get("done");
  return code !== null && Object.hasOwn(EXPERIMENT_NOTICES, code)
    ? EXPERIMENT_NOTICES[code as ExperimentNotice]
    : null;
}

export function redirectDone(path: string, done: ExperimentNotice): Response {
  return new Response(null, {
    status: 303,
    headers: { location: `${path}?done=${done}` },
  });
}
