// Validation of an experiment's definition from a JSON body (or a form turned into one): every
// refusal names the field and the bad value. Used for creation and for edits of a draft (then
// the given fields are merged over the stored definition and the whole is validated again).
import { SITE_ID_PATTERN } from "../config.ts";
import { stripControl } from "../ingest/encoding.ts";
import type { Parsed } from "../admin/forms.ts";
import { DEFAULT_SITE, MAX_VARIANTS, MIN_VARIANTS } from "./limits.ts";
import {
  type ExperimentDefinition,
  METRIC_EVENT_TYPES,
  metricKindOf,
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

/** A required or optional text field: control characters refused, trimmed, bounded. */
function text(
  errors: string[],
  field: string,
  raw: unknown,
  options: { max: number; required: boolean; multiline?: boolean },
): string | null {
  if (raw === undefined || raw === null || (typeof raw === "string" && raw.trim() === "")) {
    if (options.required) errors.push(`${field}: is required.`);
    return null;
  }
  if (typeof raw !== "string") {
    errors.push(`${field}: ${show(raw)} must be text.`);
    return null;
  }
  // Line breaks are kept in a description (as \n); other control characters are refused.
  const value = options.multiline ? raw.replace(/\r\n?/g, "\n").trim() : raw.trim();
  const lines = options.multiline ? value.split("\n") : [value];
  if (lines.some((line) => stripControl(line) !== line)) {
    errors.push(`${field}: must not contain control characters.`);
    return null;
  }
  if (value.length > options.max) {
    errors.push(`${field}: ${value.length} characters, at most ${options.max} are allowed.`);
    return null;
  }
  return value;
}

function identifier(errors: string[], field: string, raw: unknown): string | null {
  if (typeof raw !== "string" || !EXPERIMENT_ID_PATTERN.test(raw)) {
    errors.push(
      `${field}: ${
        show(raw)
      } must be 1-128 characters of letters, digits, dot, dash or underscore.`,
    );
    return null;
  }
  return raw;
}

/** The metric and its kind; `metric_event_type` is the contract's name for the same field. */
function metric(errors: string[], input: Record<string, unknown>): string | null {
  const hasMetric = input.metric !== undefined && input.metric !== null;
  const hasLegacy = input.metric_event_type !== undefined && input.metric_event_type !== null;
  if (hasMetric && hasLegacy && input.metric !== input.metric_event_type) {
    errors.push(
      `metric: ${show(input.metric)} and metric_event_type: ${
        show(input.metric_event_type)
      } disagree; send one of them.`,
    );
    return null;
  }
  const field = hasMetric || !hasLegacy ? "metric" : "metric_event_type";
  const value = text(errors, field, hasMetric ? input.metric : input.metric_event_type, {
    max: MAX_METRIC,
    required: true,
  });
  if (value === null) return null;
  if (value === "custom") {
    errors.push(
      `${field}: "custom" would count every tracked event; use the event's name, e.g. "purchase" ` +
        `for echelon.track("purchase").`,
    );
    return null;
  }
  if (value === "exposure") {
    errors.push(`${field}: "exposure" cannot be a metric (every exposed session would convert).`);
    return null;
  }
  const kind = input.metric_kind;
  if (kind !== undefined && kind !== null && kind !== "") {
    if (kind !== "custom" && kind !== "event_type") {
      errors.push(`metric_kind: ${show(kind)} must be "custom" or "event_type".`);
      return null;
    }
    const derived = metricKindOf(value);
    if (kind === "event_type" && derived !== "event_type") {
      errors.push(
        `metric: ${show(value)} is not a built-in event type (${
          [...METRIC_EVENT_TYPES].join(", ")
        }).`,
      );
      return null;
    }
    if (kind === "custom" && derived !== "custom") {
      errors.push(
        `metric: ${show(value)} is a built-in event type, so it cannot also name a custom ` +
          `event; track the conversion under another name (e.g. "${value}_cta").`,
      );
      return null;
    }
  }
  return value;
}

function allocation(errors: string[], raw: unknown): number | null {
  if (raw === undefined || raw === null || raw === "") return 100;
  const value = typeof raw === "string" && /^\s*\d+\s*$/.test(raw) ? Number(raw) : raw;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > 100) {
    errors.push(`allocation_percent: ${show(raw)} must be a whole number from 1 to 100.`);
    return null;
  }
  return value;
}

function configOf(errors: string[], field: string, raw: unknown): unknown {
  if (raw === undefined || raw === null) return null;
  let json: string;
  try {
    json = JSON.stringify(raw);
  } catch {
    errors.push(`${field}: is not JSON-serialisable.`);
    return undefined;
  }
  const bytes = new TextEncoder().encode(json).length;
  if (bytes > MAX_CONFIG_BYTES) {
    errors.push(`${field}: ${bytes} bytes of JSON, at most ${MAX_CONFIG_BYTES} are allowed.`);
    return undefined;
  }
  return raw;
}

function variants(errors: string[], raw: unknown): Variant[] | null {
  if (!Array.isArray(raw)) {
    errors.push(`variants: must be a list of ${MIN_VARIANTS} to ${MAX_VARIANTS} variants.`);
    return null;
  }
  if (raw.length < MIN_VARIANTS || raw.length > MAX_VARIANTS) {
    errors.push(`variants: ${raw.length} given, ${MIN_VARIANTS} to ${MAX_VARIANTS} are allowed.`);
    return null;
  }
  const before = errors.length;
  const list: Variant[] = [];
  raw.forEach((item, i) => {
    const at = `variants[${i}]`;
    if (typeof item !== "object" || item === null || Array.isArray(item)) {
      errors.push(`${at}: must be an object {variant_id, name?, weight?, is_control?, config?}.`);
      return;
    }
    const v = item as Record<string, unknown>;
    const id = identifier(errors, `${at}.variant_id`, v.variant_id);
    const name = text(errors, `${at}.name`, v.name, { max: MAX_NAME, required: false });
    let weight: number | null = DEFAULT_WEIGHT;
    if (v.weight !== undefined && v.weight !== null) {
      if (
        typeof v.weight !== "number" || !Number.isFinite(v.weight) || v.weight <= 0 ||
        v.weight > MAX_WEIGHT
      ) {
        errors.push(`${at}.weight: ${show(v.weight)} must be a number above 0 (≤ ${MAX_WEIGHT}).`);
        weight = null;
      } else {
        weight = v.weight;
      }
    }
    if (v.is_control !== undefined && v.is_control !== null && typeof v.is_control !== "boolean") {
      errors.push(`${at}.is_control: ${show(v.is_control)} must be true or false.`);
    }
    const config = configOf(errors, `${at}.config`, v.config);
    if (id === null || weight === null || config === undefined) return;
    list.push({
      variant_id: id,
      name: name ?? id,
      weight,
      is_control: v.is_control === true,
      config,
    });
  });
  if (errors.length > before) return null;
  const seen = new Set<string>();
  for (const v of list) {
    if (seen.has(v.variant_id)) {
      errors.push(`variants: the id ${show(v.variant_id)} is used more than once.`);
      return null;
    }
    seen.add(v.variant_id);
  }
  const controls = list.filter((v) => v.is_control).length;
  if (controls !== 1) {
    errors.push(`variants: exactly one must have is_control: true (found ${controls}).`);
    return null;
  }
  return list;
}

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
  const notes: string[] = [];
  const merged: Record<string, unknown> = base
    ? {
      experiment_id: base.experiment_id,
      site_id: base.site_id,
      name: base.name,
      description: base.description,
      metric: "metric" in input || "metric_event_type" in input ? undefined : base.metric,
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
  const id = identifier(errors, "experiment_id", merged.experiment_id);
  const name = text(errors, "name", merged.name, { max: MAX_NAME, required: true });
  const description = text(errors, "description", merged.description, {
    max: MAX_DESCRIPTION,
    required: false,
    multiline: true,
  });
  let site: string | null = DEFAULT_SITE;
  const rawSite = merged.site_id;
  if (rawSite === undefined || rawSite === null || rawSite === "") {
    notes.push(
      `site_id not given: the experiment counts events of the site "${DEFAULT_SITE}" only.`,
    );
  } else if (typeof rawSite !== "string" || !SITE_ID_PATTERN.test(rawSite.trim())) {
    errors.push(
      `site_id: ${show(rawSite)} must be 1-64 characters of letters, digits, dot, dash or ` +
        `underscore.`,
    );
    site = null;
  } else {
    site = rawSite.trim().toLowerCase();
  }
  const metricValue = metric(errors, merged);
  const percent = allocation(errors, merged.allocation_percent);
  const list = variants(errors, merged.variants);
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      experiment_id: id!,
      site_id: site!,
      name: name!,
      description,
      metric: metricValue!,
      allocation_percent: percent!,
      variants: list!,
    },
    notes,
  };
}
