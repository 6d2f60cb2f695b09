// Validation of POST /api/perf: one metric object or an array of up to MAX_PERF_BATCH, as the zod
// schema the OpenAPI document prints. A batch is all or nothing: each refusal names the item, the
// field and the value it got, and nothing is stored. Metadata must be a JSON object; it is serialised here, once, and refused when that
// text is over MAX_METADATA_BYTES (never cut, which in the reference left invalid JSON, W28).
import { z } from "zod";
import { namedRoot } from "../api/fields.ts";
import type { PerfMetricInsert } from "../store/perf.ts";
import { HttpError } from "../http_error.ts";

export const MAX_PERF_BATCH = 500;
/** The whole body; 500 metrics with small metadata fit comfortably. */
export const MAX_PERF_BODY_BYTES = 1024 * 1024;
export const MAX_METADATA_BYTES = 4096;
export const MAX_CATEGORY_LENGTH = 64;
export const MAX_METRIC_LENGTH = 128;
export const MAX_UNIT_LENGTH = 32;
export const MAX_COMMIT_LENGTH = 64;
export const MAX_BRANCH_LENGTH = 128;

/** Posted timestamps may be this far ahead of the server's clock (CI clocks drift). */
const FUTURE_SLACK_MS = 5 * 60_000;
const EARLIEST = Date.parse("2000-01-01T00:00:00Z");
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
// Printable text without control characters (C0, DEL, C1) or line/paragraph separators.
// deno-lint-ignore no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const COMMIT = /^[A-Za-z0-9._-]+$/;
// Git ref names: no spaces, no control characters, none of ~^:?*[\ (git-check-ref-format).
const BRANCH = /^[^\s~^:?*[\\]+$/;

const encoder = new TextEncoder();

function preview(value: unknown): string {
  let text: string;
  try {
    text = typeof value === "string" ? value : JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}

const mustBeText = (i: { input: unknown }) =>
  i.input == null ? "required." : `must be text, got ${preview(i.input)}.`;
const atMost = (max: number) => (i: { input: unknown }) =>
  `at most ${max} characters, got ${(i.input as string).length}.`;

/** Required text: trimmed, not empty, at most `max`, no control characters. */
function requiredText(max: number) {
  return z.string({ error: mustBeText })
    .overwrite((value) => value.trim())
    .min(1, { error: "must not be empty." })
    .max(max, { error: atMost(max) })
    .refine((value) => !CONTROL.test(value), {
      error: (i) => `control characters are not allowed in ${preview(i.input)}.`,
    });
}

/** Optional text of `pattern`: trimmed, at most `max`; absent, null or empty is null. */
function optionalText(max: number, pattern: RegExp) {
  return z.string({ error: mustBeText })
    .overwrite((value) => value.trim())
    .max(max, { error: atMost(max) })
    .refine((value) => value === "" || (pattern.test(value) && !CONTROL.test(value)), {
      error: (i) => `${preview(i.input)} has characters that are not allowed.`,
    })
    .nullish()
    .transform((value) => value || null);
}

const finite = (i: { input: unknown }) =>
  i.input == null ? "required." : `must be a finite number, got ${preview(i.input)}.`;

/** One metric as posted; `recorded_at`'s bounds need the clock (`perfMetrics`). */
const PerfMetricBody = z.object({
  category: requiredText(MAX_CATEGORY_LENGTH),
  metric: requiredText(MAX_METRIC_LENGTH),
  value: z.number({ error: finite }).refine(Number.isFinite, { error: finite }),
  unit: requiredText(MAX_UNIT_LENGTH),
  commit: optionalText(MAX_COMMIT_LENGTH, COMMIT).describe("The commit (alias commit_hash)"),
  commit_hash: optionalText(MAX_COMMIT_LENGTH, COMMIT).describe("Alias of commit"),
  branch: optionalText(MAX_BRANCH_LENGTH, BRANCH),
  metadata: z.record(z.string(), z.unknown(), {
    error: (i) => `must be a JSON object, got ${preview(i.input)}.`,
  })
    .nullish()
    .transform((raw, ctx) => {
      if (raw === null || raw === undefined) return null;
      const text = JSON.stringify(raw);
      const bytes = encoder.encode(text).length;
      if (bytes <= MAX_METADATA_BYTES) return text;
      ctx.issues.push({
        code: "custom",
        input: raw,
        message: `${bytes} bytes as JSON, at most ${MAX_METADATA_BYTES} are allowed.`,
      });
      return z.NEVER;
    })
    .describe(`A JSON object, at most ${MAX_METADATA_BYTES} bytes as JSON`),
  recorded_at: z.string({ error: (i) => recordedAtMessage(i.input) })
    .regex(new RegExp(`^$|${ISO_INSTANT.source}`), { error: (i) => recordedAtMessage(i.input) })
    .nullish()
    .transform((value) => value || null)
    .describe("An ISO 8601 instant, not in the future, not before 2000 (default now)"),
}, { error: "must be an object {category, metric, value, unit, …}." })
  .superRefine((item, ctx) => {
    // `commit` is the short name CI scripts reach for; `commit_hash` is the column (and the
    // reference's field). Both are accepted; giving both with different values is an error.
    if (item.commit !== null && item.commit_hash !== null && item.commit !== item.commit_hash) {
      ctx.addIssue({ code: "custom", message: "commit and commit_hash differ; send one of them." });
    }
  });

function recordedAtMessage(input: unknown): string {
  return `${preview(input)} is not an ISO 8601 instant (for example 2026-11-20T12:00:00Z).`;
}

const batchSize = (i: { input: unknown }) =>
  Array.isArray(i.input) && i.input.length > 0
    ? `At most ${MAX_PERF_BATCH} metrics per request, got ${i.input.length}.`
    : "Expected at least one metric.";

/** The body of POST /api/perf: one metric, or a list of 1 to 500 stored all or nothing. */
export const PERF_BODY = z.union([
  namedRoot(PerfMetricBody, "metric"),
  namedRoot(
    z.array(PerfMetricBody).min(1, { error: batchSize }).max(MAX_PERF_BATCH, { error: batchSize }),
    "metrics",
  ),
], { error: "metric: must be an object {category, metric, value, unit, …}." });

/**
 * The rows of a body the schema accepted, each `recorded_at` (default now) checked against the
 * clock: 400 naming the item when one is in the future or before 2000.
 */
export function perfMetrics(body: z.output<typeof PERF_BODY>, now: number): PerfMetricInsert[] {
  const many = Array.isArray(body);
  return (many ? body : [body]).map((item, index): PerfMetricInsert => {
    let at = new Date(now).toISOString();
    if (item.recorded_at !== null) {
      const ms = Date.parse(item.recorded_at);
      if (Number.isNaN(ms) || ms > now + FUTURE_SLACK_MS || ms < EARLIEST) {
        const where = many ? `metrics[${index}]` : "metric";
        throw new HttpError(
          400,
          "invalid_payload",
          `${where}.recorded_at: ${preview(item.recorded_at)} is in the future or before 2000.`,
        );
      }
      at = new Date(ms).toISOString();
    }
    return {
      category: item.category,
      metric: item.metric,
      value: item.value,
      unit: item.unit,
      commit_hash: item.commit_hash ?? item.commit,
      branch: item.branch,
      metadata: item.metadata,
      recorded_at: at,
    };
  });
}
