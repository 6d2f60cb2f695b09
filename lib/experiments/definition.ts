// Validation of an experiment's definition from a JSON body (or a form turned into one), as the
// zod schemas the OpenAPI document prints (lib/api/operations/experiments.ts): every refusal
// names the field and the bad value. Used for creation and for edits of a draft (then the given
// fields are merged over the stored definition and the whole is validated again).
import { z } from "zod";
import { checkBody } from "../api/validate.ts";
import { withCode } from "../api/fields.ts";
import { SITE_ID_PATTERN } from "../config.ts";
import { stripControl } from "../ingest/encoding.ts";
import type { Parsed } from "../admin/forms.ts";
import { DEFAULT_SITE, MAX_VARIANTS, MIN_VARIANTS } from "./limits.ts";
import {
  type ExperimentDefinition,
  goalMetric,
  METRIC_EVENT_TYPES,
  metricKindOf,
  STATUSES,
  type Variant,
} from "./model.ts";

export const EXPERIMENT_ID_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;
export const MAX_NAME = 256;
export const MAX_DESCRIPTION = 1024;
export const MAX_METRIC = 128;
export const MAX_WEIGHT = 1_000_000;
/** A variant's config, as JSON text in UTF-8 bytes. */
export const MAX_CONFIG_BYTES = 4096;
export { DEFAULT_SITE, MAX_VARIANTS, MIN_VARIANTS };

/** A create or edit body: 20 variants with 4 KB of config each, and the rest. */
export const MAX_BODY_BYTES = 128 * 1024;
/** The weight of a variant that does not say (the reference's default). */
export const DEFAULT_WEIGHT = 50;

/** The fields of a definition a body may carry (anything else is ignored). */
export const DEFINITION_FIELDS = [
  "experiment_id",
  "site_id",
  "name",
  "description",
  "metric",
  "metric_event_type",
  "metric_kind",
  "metric_goal_id",
  "allocation_percent",
  "variants",
] as const;

function show(value: unknown): string {
  if (typeof value === "string") {
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  }
  try {
    const text = JSON.stringify(value) ?? String(value);
    return text.length > 40 ? `${text.slice(0, 40)}…` : text;
  } catch {
    return String(value);
  }
}

const ID_RULE = "must be 1-128 characters of letters, digits, dot, dash or underscore.";

/** An id (experiment or variant): the message leaves the field's name to the caller's path. */
function identifier() {
  const message = (i: { input: unknown }) => `${show(i.input)} ${ID_RULE}`;
  return z.string({ error: message }).regex(EXPERIMENT_ID_PATTERN, { error: message });
}

/** A text field: trimmed (a description keeps its line breaks, as \n), no control characters. */
function text(options: { max: number; multiline?: boolean }) {
  return z.string({
    error: (i) => i.input == null ? "is required." : `${show(i.input)} must be text.`,
  })
    .overwrite((raw) => options.multiline ? raw.replace(/\r\n?/g, "\n").trim() : raw.trim())
    .refine((value) => value.split("\n").every((line) => stripControl(line) === line), {
      error: "must not contain control characters.",
    })
    .max(options.max, {
      error: (i) => `${(i.input as string).length} characters, at most ${options.max} are allowed.`,
    });
}

/** Text that must be given: absent, null or blank is "is required.". */
function requiredText(options: { max: number }) {
  return text(options).min(1, { error: "is required." });
}

/** Text that may be left out: absent, null or blank is null. */
function optionalText(options: { max: number; multiline?: boolean }) {
  return text(options).nullish().transform((value) => value || null);
}

const SITE_RULE = "must be 1-64 characters of letters, digits, dot, dash or underscore.";

/** A site id, lower-cased; absent, null or empty: null (the default site, with a note). */
function siteField() {
  const message = (i: { input: unknown }) => `${show(i.input)} ${SITE_RULE}`;
  return z.string({ error: message })
    .overwrite((raw) => raw.trim())
    .regex(new RegExp(`^$|${SITE_ID_PATTERN.source}`), { error: message })
    .nullish()
    .transform((value) => value ? value.toLowerCase() : null);
}

/** 1-100 as a number or as digits (a form); absent, null or empty: 100. */
function allocationField() {
  const message = (i: { input: unknown }) =>
    `${show(i.input)} must be a whole number from 1 to 100.`;
  return z.union([
    z.number({ error: message }).int({ error: message }).min(1, { error: message })
      .max(100, { error: message }),
    z.string({ error: message })
      .regex(/^\s*\d*\s*$/, { error: message })
      .refine((raw) => raw.trim() === "" || (Number(raw) >= 1 && Number(raw) <= 100), {
        error: message,
      }),
  ], { error: message })
    .nullish()
    .transform((raw) => raw === null || raw === undefined || raw === "" ? 100 : Number(raw))
    .describe("1-100 (default 100): the share of visitors in the experiment");
}

/** A variant's config: any JSON, at most MAX_CONFIG_BYTES as text. */
const configField = z.unknown().optional().transform((raw, ctx) => {
  if (raw === undefined || raw === null) return null;
  let json: string;
  try {
    json = JSON.stringify(raw);
  } catch {
    ctx.issues.push({ code: "custom", input: raw, message: "is not JSON-serialisable." });
    return z.NEVER;
  }
  const bytes = new TextEncoder().encode(json).length;
  if (bytes > MAX_CONFIG_BYTES) {
    ctx.issues.push({
      code: "custom",
      input: raw,
      message: `${bytes} bytes of JSON, at most ${MAX_CONFIG_BYTES} are allowed.`,
    });
    return z.NEVER;
  }
  return raw;
}).describe(`What the tracker applies (at most ${MAX_CONFIG_BYTES} bytes of JSON)`);

const weightMessage = (i: { input: unknown }) =>
  `${show(i.input)} must be a number above 0 (≤ ${MAX_WEIGHT}).`;

const VariantBody = z.object({
  variant_id: identifier(),
  name: optionalText({ max: MAX_NAME }).describe("Default: the variant id"),
  weight: z.number({ error: weightMessage })
    .gt(0, { error: weightMessage })
    .max(MAX_WEIGHT, { error: weightMessage })
    .nullish()
    .transform((weight) => weight ?? DEFAULT_WEIGHT)
    .describe(`Default ${DEFAULT_WEIGHT}`),
  is_control: z.boolean({ error: (i) => `${show(i.input)} must be true or false.` })
    .nullish()
    .transform((control) => control === true),
  config: configField,
}, { error: "must be an object {variant_id, name?, weight?, is_control?, config?}." })
  .transform((v): Variant => ({ ...v, name: v.name ?? v.variant_id }));

const variantCount = (i: { input: unknown }) =>
  Array.isArray(i.input)
    ? `${i.input.length} given, ${MIN_VARIANTS} to ${MAX_VARIANTS} are allowed.`
    : `must be a list of ${MIN_VARIANTS} to ${MAX_VARIANTS} variants.`;

const variantsField = z.array(VariantBody, { error: variantCount })
  .min(MIN_VARIANTS, { error: variantCount })
  .max(MAX_VARIANTS, { error: variantCount })
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    for (const v of list) {
      if (seen.has(v.variant_id)) {
        ctx.addIssue({
          code: "custom",
          message: `the id ${show(v.variant_id)} is used more than once.`,
        });
        return;
      }
      seen.add(v.variant_id);
    }
    const controls = list.filter((v) => v.is_control).length;
    if (controls !== 1) {
      ctx.addIssue({
        code: "custom",
        message: `exactly one must have is_control: true (found ${controls}).`,
      });
    }
  });

/** The fields of a definition, each checked on its own (read by the create and edit bodies). */
export const DEFINITION_FIELDS_SCHEMA = {
  experiment_id: identifier(),
  name: requiredText({ max: MAX_NAME }),
  description: optionalText({ max: MAX_DESCRIPTION, multiline: true }),
  site_id: siteField().describe(`Default ${DEFAULT_SITE}`),
  metric: optionalText({ max: MAX_METRIC })
    .describe("The custom event name, or a built-in event type, that converts"),
  metric_event_type: optionalText({ max: MAX_METRIC }).describe("Alias of metric"),
  metric_kind: z.enum(["custom", "event_type", "goal", ""], {
    error: (i) => `${show(i.input)} must be "custom", "event_type" or "goal".`,
  }).nullish().describe("Whether metric names a custom event, a built-in event type or a goal"),
  metric_goal_id: z.number({ error: (i) => `${show(i.input)} must be a goal's id.` })
    .int({ error: (i) => `${show(i.input)} must be a goal's id.` })
    .min(1, { error: (i) => `${show(i.input)} must be a goal's id.` })
    .max(Number.MAX_SAFE_INTEGER, { error: (i) => `${show(i.input)} must be a goal's id.` })
    .nullish()
    .describe("Instead of metric: one of the site's goals (GET /api/goals) converts"),
  allocation_percent: allocationField(),
  variants: variantsField,
};

type Issues = { addIssue(issue: { code: "custom"; message: string; path?: string[] }): void };

/** The metric and its kind, across metric, metric_event_type and metric_kind. */
function checkMetric(
  input: {
    metric: string | null;
    metric_event_type: string | null;
    metric_kind?: string | null;
    metric_goal_id?: number | null;
  },
  ctx: Issues,
): void {
  const { metric_goal_id: goalId } = input;
  if (goalId !== null && goalId !== undefined) {
    const other = input.metric ?? input.metric_event_type;
    if (other !== null && other !== goalMetric(goalId)) {
      ctx.addIssue({
        code: "custom",
        message: `metric: ${show(other)} and metric_goal_id: ${goalId} disagree; send one of them.`,
      });
    } else if (input.metric_kind && input.metric_kind !== "goal") {
      ctx.addIssue({
        code: "custom",
        message: `metric_kind: "${input.metric_kind}" but metric_goal_id names a goal.`,
      });
    }
    return;
  }
  const { metric, metric_event_type: legacy } = input;
  if (metric !== null && legacy !== null && metric !== legacy) {
    ctx.addIssue({
      code: "custom",
      message: `metric: ${show(metric)} and metric_event_type: ${
        show(legacy)
      } disagree; send one of them.`,
    });
    return;
  }
  const field = metric !== null || legacy === null ? "metric" : "metric_event_type";
  const value = metric ?? legacy;
  const fail = (message: string) =>
    ctx.addIssue({ code: "custom", message: `${field}: ${message}` });
  if (value === null) return fail("is required.");
  if (value === "custom") {
    return fail(
      `"custom" would count every tracked event; use the event's name, e.g. "purchase" for ` +
        `echelon.track("purchase").`,
    );
  }
  if (value === "exposure") {
    return fail(`"exposure" cannot be a metric (every exposed session would convert).`);
  }
  const kind = input.metric_kind;
  const derived = metricKindOf(value);
  if (kind === "goal" && derived !== "goal") {
    ctx.addIssue({
      code: "custom",
      message: `metric_goal_id: is required with metric_kind "goal" (a goal's id).`,
    });
  } else if (kind === "event_type" && derived !== "event_type") {
    ctx.addIssue({
      code: "custom",
      message: `metric: ${show(value)} is not a built-in event type (${
        [...METRIC_EVENT_TYPES].join(", ")
      }).`,
    });
  } else if (kind === "custom" && derived !== "custom") {
    ctx.addIssue({
      code: "custom",
      message: `metric: ${show(value)} is a built-in event type, so it cannot also name a ` +
        `custom event; track the conversion under another name (e.g. "${value}_cta").`,
    });
  }
}

/** A whole definition (a create body, or an edit merged over the stored definition). */
export const DEFINITION_BODY = z.object(DEFINITION_FIELDS_SCHEMA, {
  error: "Expected a JSON object {experiment_id, name, site_id, metric, variants, …}",
})
  .superRefine(checkMetric)
  .transform((input): { definition: ExperimentDefinition; notes: string[] } => ({
    definition: {
      experiment_id: input.experiment_id,
      site_id: input.site_id ?? DEFAULT_SITE,
      name: input.name,
      description: input.description,
      metric: input.metric_goal_id != null
        ? goalMetric(input.metric_goal_id)
        : (input.metric ?? input.metric_event_type)!,
      allocation_percent: input.allocation_percent,
      variants: input.variants,
    },
    notes: input.site_id === null
      ? [`site_id not given: the experiment counts events of the site "${DEFAULT_SITE}" only.`]
      : [],
  }));

function statusField(field: string) {
  return withCode(
    z.enum(STATUSES, {
      error: (i) =>
        `${field}: ${JSON.stringify(i.input ?? null)?.slice(0, 40)} is not one of ${
          STATUSES.join(", ")
        }.`,
    }),
    "invalid_status",
  );
}

/**
 * A PATCH body: a move (`status`, and `from`, the status the caller saw) and/or definition
 * fields of a draft, each checked on its own here and then, merged over the stored definition,
 * as a whole (`parseDefinition`).
 */
export const EXPERIMENT_CHANGE_BODY = z.object({
  status: statusField("status").optional(),
  from: statusField("from").nullish(),
  ...Object.fromEntries(
    Object.entries(DEFINITION_FIELDS_SCHEMA).map(([name, field]) => [name, field.optional()]),
  ),
}, { error: "Expected a JSON object {status, from?}" })
  .superRefine((change, ctx) => {
    if (change.status === undefined && !touchesDefinition(change)) {
      ctx.addIssue({
        code: "custom",
        message: "Nothing to change: send {status} or definition fields (a draft only)",
      });
    }
  });

/** True when a body carries any definition field (an edit, as opposed to a status change). */
export function touchesDefinition(input: Record<string, unknown>): boolean {
  return DEFINITION_FIELDS.some((field) => field !== "experiment_id" && field in input);
}

/**
 * Validates a definition. With `base` (an edit), fields absent from `input` keep their stored
 * value and `experiment_id`, if given, must not change.
 */
export function parseDefinition(
  input: Record<string, unknown>,
  base?: ExperimentDefinition,
): Parsed<ExperimentDefinition> {
  const errors: string[] = [];
  const merged: Record<string, unknown> = base
    ? {
      experiment_id: base.experiment_id,
      site_id: base.site_id,
      name: base.name,
      description: base.description,
      metric: "metric" in input || "metric_event_type" in input || "metric_goal_id" in input
        ? undefined
        : base.metric,
      allocation_percent: base.allocation_percent,
      variants: base.variants,
      ...input,
    }
    : input;
  if (base && "experiment_id" in input && input.experiment_id !== base.experiment_id) {
    errors.push(
      `experiment_id: ${show(input.experiment_id)} differs from ${
        show(base.experiment_id)
      }; an id cannot change.`,
    );
  }
  const result = checkBody({ body: DEFINITION_BODY }, merged);
  if (!result.ok) errors.push(...result.errors);
  if (errors.length > 0 || !result.ok) return { ok: false, errors };
  return { ok: true, value: result.value.definition, notes: result.value.notes };
}
