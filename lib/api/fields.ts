// Building blocks of the API's input schemas (zod): each names its field in its error message and
// shows the bad value, and carries the error code a refusal answers with (`x-error-code`, also
// printed in the OpenAPI document). Query values arrive trimmed, empty ones as absent
// (lib/api/validate.ts), so a schema here sees only what the caller really sent.
import { z } from "zod";
import { SITE_ID_PATTERN } from "../config.ts";

/** The error code a field's refusal answers with, printed in the document as `x-error-code`. */
export const ERROR_CODE_KEY = "x-error-code";

/** A bad value as it appears in an error message: JSON-quoted, cut at 40 characters. */
export function preview(value: unknown): string {
  if (typeof value !== "string") return `a ${typeof value}`;
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
}

/** `schema` answering its refusals with `code` (instead of the operation's default). */
export function withCode<T extends z.ZodType>(schema: T, code: string): T {
  return schema.meta({ [ERROR_CODE_KEY]: code }) as T;
}

/** The error code declared on `schema` or on what it wraps (optional, default, pipe). */
export function errorCodeOf(schema: z.ZodType | undefined): string | null {
  for (let s: z.ZodType | undefined = schema; s; s = innerOf(s)) {
    const code = z.globalRegistry.get(s)?.[ERROR_CODE_KEY];
    if (typeof code === "string") return code;
  }
  return null;
}

const EMPTY_REFUSED = new WeakSet<z.ZodType>();

/** A query parameter whose empty value is refused rather than read as absent. */
function refusingEmpty<T extends z.ZodType>(schema: T): T {
  EMPTY_REFUSED.add(schema);
  return schema;
}

/** Whether an empty value of this parameter is a value to check (not an absent parameter). */
export function refusesEmpty(schema: z.ZodType | undefined): boolean {
  for (let s: z.ZodType | undefined = schema; s; s = innerOf(s)) {
    // A check or a description clones a schema; the clone names the original as its parent.
    for (let p: z.core.$ZodType | undefined = s; p; p = p._zod.parent) {
      if (EMPTY_REFUSED.has(p as z.ZodType)) return true;
    }
  }
  return false;
}

const ROOT_NAMES = new WeakMap<z.ZodType, string>();

/**
 * `schema` as an option of a union body whose refusals name their field from `name`
 * (`metrics[3].value` for an array of metrics, `metric.value` for one).
 */
export function namedRoot<T extends z.ZodType>(schema: T, name: string): T {
  ROOT_NAMES.set(schema, name);
  return schema;
}

/** The name given by `namedRoot`, if any. */
export function rootNameOf(schema: z.ZodType | undefined): string | undefined {
  return schema ? ROOT_NAMES.get(schema) : undefined;
}

/** The fields of an object schema, or of the object a transform or refinement wraps. */
export function shapeOf(schema: z.ZodType | undefined): Record<string, z.ZodType> | undefined {
  for (let s: z.ZodType | undefined = schema; s; s = innerOf(s)) {
    const shape = (s as Partial<z.ZodObject>).shape;
    if (shape) return shape as Record<string, z.ZodType>;
  }
  return undefined;
}

function innerOf(schema: z.ZodType): z.ZodType | undefined {
  const def = schema._zod.def as { innerType?: z.ZodType; in?: z.ZodType };
  return def.innerType ?? def.in;
}

/** A site id (1-64 of A-Z a-z 0-9 . _ -), lower-cased as the collectors store it. */
export function siteIdParam(name = "site_id") {
  return withCode(
    z.string()
      .regex(SITE_ID_PATTERN, { error: (i) => `${name}: ${preview(i.input)} is not a site id` })
      .transform((value) => value.toLowerCase()),
    "invalid_site_id",
  ).describe("A site id: 1-64 of A-Z a-z 0-9 . _ - (compared lower-cased)");
}

/** An integer, clamped to [min, max] rather than refused; absent → `fallback`. */
export function clampedIntParam(
  name: string,
  range: { fallback: number; min: number; max: number },
) {
  return z.string()
    .regex(/^-?\d{1,15}$/, { error: (i) => `${name}: ${preview(i.input)} is not an integer` })
    .transform((raw) => Math.min(range.max, Math.max(range.min, Number(raw))))
    .optional()
    .transform((value) => value ?? range.fallback)
    .describe(`An integer, clamped to ${range.min}-${range.max}; default ${range.fallback}`);
}

/** A positive row id (a stored view's or event's id); `view_id=` is refused, not absent. */
export function rowIdParam(name: string) {
  return refusingEmpty(z.string())
    .regex(/^\d{1,15}$/, { error: (i) => `${name}: ${preview(i.input)} is not a row id` })
    .transform(Number)
    .refine((n) => n >= 1, { error: (i) => `${name}: ${preview(String(i.input))} is not a row id` })
    .describe("A stored row id (a positive integer)");
}

/** `true` or `false`. */
export function booleanParam(name: string) {
  return refusingEmpty(
    z.enum(["true", "false"], { error: () => `${name}: expected true or false` }),
  )
    .transform((value) => value === "true");
}

export const MAX_VISITOR_ID_LENGTH = 128;

/** A visitor id: a non-empty string of at most 128 characters. */
export function visitorIdField(name = "visitor_id") {
  const message = (input: unknown) =>
    `${name}: ${preview(input)} must be 1-${MAX_VISITOR_ID_LENGTH} characters`;
  return z.string({ error: (i) => message(i.input) })
    .min(1, { error: (i) => message(i.input) })
    .max(MAX_VISITOR_ID_LENGTH, { error: (i) => message(i.input) })
    .describe("A visitor id as stored (1-128 characters)");
}
