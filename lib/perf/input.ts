// Validation of POST /api/perf: one metric object or an array of up to MAX_PERF_BATCH. A batch is
// all or nothing: the first refusal names the item, the field and the value it got, and nothing
// is stored. Metadata must be a JSON object; it is serialised here, once, and refused when that
// text is over MAX_METADATA_BYTES (never cut, which in the reference left invalid JSON, W28).
import type { Parsed } from "../admin/forms.ts";
import type { PerfMetricInsert } from "../db/perf.ts";

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

function requiredText(
  item: Record<string, unknown>,
  field: string,
  max: number,
  where: string,
  errors: string[],
): string {
  const raw = item[field];
  if (raw === undefined || raw === null) {
    errors.push(`${where}.${field}: required.`);
    return "";
  }
  if (typeof raw !== "string") {
    errors.push(`${where}.${field}: must be text, got ${preview(raw)}.`);
    return "";
  }
  const value = raw.trim();
  if (value === "") errors.push(`${where}.${field}: must not be empty.`);
  else if (value.length > max) {
    errors.push(`${where}.${field}: at most ${max} characters, got ${value.length}.`);
  } else if (CONTROL.test(value)) {
    errors.push(`${where}.${field}: control characters are not allowed in ${preview(value)}.`);
  }
  return value;
}

function optionalText(
  raw: unknown,
  field: string,
  max: number,
  pattern: RegExp,
  where: string,
  errors: string[],
): string | null {
  if (raw === undefined || raw === null || raw === "") return null;
  if (typeof raw !== "string") {
    errors.push(`${where}.${field}: must be text, got ${preview(raw)}.`);
    return null;
  }
  const value = raw.trim();
  if (value.length > max) {
    errors.push(`${where}.${field}: at most ${max} characters, got ${value.length}.`);
    return null;
  }
  if (value !== "" && (!pattern.test(value) || CONTROL.test(value))) {
    errors.push(`${where}.${field}: ${preview(value)} has characters that are not allowed.`);
    return null;
  }
  return value === "" ? null : value;
}

function metadataText(raw: unknown, where: string, errors: string[]): string | null {
  if (raw === undefined || raw === null) return null;
  if (typeof raw !== "object" || Array.isArray(raw)) {
    errors.push(`${where}.metadata: must be a JSON object, got ${preview(raw)}.`);
    return null;
  }
  const text = JSON.stringify(raw);
  const bytes = encoder.encode(text).length;
  if (bytes > MAX_METADATA_BYTES) {
    errors.push(
      `${where}.metadata: ${bytes} bytes as JSON, at most ${MAX_METADATA_BYTES} are allowed.`,
    );
    return null;
  }
  return text;
}

function recordedAt(raw: unknown, now: number, where: string, errors: string[]): string {
  if (raw === undefined || raw === null || raw === "") return new Date(now).toISOString();
  const ms = typeof raw === "string" && ISO_INSTANT.test(raw) ? Date.parse(raw) : NaN;
  if (Number.isNaN(ms)) {
    errors.push(
      `${where}.recorded_at: ${preview(raw)} is not an ISO 8601 instant ` +
        `(for example 2026-11-20T12:00:00Z).`,
    );
  } else if (ms > now + FUTURE_SLACK_MS || ms < EARLIEST) {
    errors.push(`${where}.recorded_at: ${preview(raw)} is in the future or before 2000.`);
  } else {
    return new Date(ms).toISOString();
  }
  return "";
}

/** One metric; `where` names it in messages ("metric" or "metrics[3]"). */
function parseMetric(
  raw: unknown,
  where: string,
  now: number,
  errors: string[],
): PerfMetricInsert | null {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    errors.push(`${where}: must be an object {category, metric, value, unit, …}.`);
    return null;
  }
  const item = raw as Record<string, unknown>;
  const before = errors.length;
  const category = requiredText(item, "category", MAX_CATEGORY_LENGTH, where, errors);
  const metric = requiredText(item, "metric", MAX_METRIC_LENGTH, where, errors);
  const unit = requiredText(item, "unit", MAX_UNIT_LENGTH, where, errors);
  const value = item.value;
  if (value === undefined || value === null) errors.push(`${where}.value: required.`);
  else if (typeof value !== "number" || !Number.isFinite(value)) {
    errors.push(`${where}.value: must be a finite number, got ${preview(value)}.`);
  }
  // `commit` is the short name CI scripts reach for; `commit_hash` is the column (and the
  // reference's field). Both are accepted; giving both with different values is an error.
  if (
    item.commit !== undefined && item.commit_hash !== undefined && item.commit !== item.commit_hash
  ) {
    errors.push(`${where}: commit and commit_hash differ; send one of them.`);
  }
  const commit = optionalText(
    item.commit_hash ?? item.commit,
    item.commit_hash !== undefined ? "commit_hash" : "commit",
    MAX_COMMIT_LENGTH,
    COMMIT,
    where,
    errors,
  );
  const branch = optionalText(item.branch, "branch", MAX_BRANCH_LENGTH, BRANCH, where, errors);
  const metadata = metadataText(item.metadata, where, errors);
  const at = recordedAt(item.recorded_at, now, where, errors);
  if (errors.length > before) return null;
  return {
    category,
    metric,
    value: value as number,
    unit,
    commit_hash: commit,
    branch,
    metadata,
    recorded_at: at,
  };
}

/** Stop listing after this many problems: a 500-item batch with one bad field per item. */
const MAX_ERRORS = 20;

/** The posted body (already JSON-parsed): one metric or an array of them. */
export function parsePerfBatch(body: unknown, now: number): Parsed<PerfMetricInsert[]> {
  const errors: string[] = [];
  if (Array.isArray(body)) {
    if (body.length === 0) return { ok: false, errors: ["Expected at least one metric."] };
    if (body.length > MAX_PERF_BATCH) {
      return {
        ok: false,
        errors: [`At most ${MAX_PERF_BATCH} metrics per request, got ${body.length}.`],
      };
    }
    const metrics: PerfMetricInsert[] = [];
    for (let i = 0; i < body.length && errors.length < MAX_ERRORS; i++) {
      const metric = parseMetric(body[i], `metrics[${i}]`, now, errors);
      if (metric) metrics.push(metric);
    }
    return errors.length > 0 ? { ok: false, errors } : { ok: true, value: metrics, notes: [] };
  }
  const metric = parseMetric(body, "metric", now, errors);
  return metric ? { ok: true, value: [metric], notes: [] } : { ok: false, errors };
}
