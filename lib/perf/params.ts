// Query parameters of GET /api/perf and /api/perf/trends, as zod schemas that validate them
// (lib/api/validate.ts) and that the OpenAPI document prints: exact category, metric and branch; a
// time range `from` (alias `since`, the reference's name) and `to`, each an ISO instant or a
// YYYY-MM-DD day (a day as `to` includes that whole day); `limit` and `threshold`. A bad value is
// a 400 that names the parameter and the value.
import { z } from "zod";
import type { PerfFilter } from "../store/perf.ts";
import { MAX_BRANCH_LENGTH, MAX_CATEGORY_LENGTH, MAX_METRIC_LENGTH } from "./input.ts";

export const DEFAULT_LIST_LIMIT = 100;
export const MAX_LIST_LIMIT = 1000;
export const DEFAULT_TREND_WINDOW = 20;
export const MAX_TREND_WINDOW = 500;
/** Series per trends response; more than this needs a category or metric filter. */
export const MAX_TREND_SERIES = 500;

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_OR_INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

const bad = (name: string, expected: string) => (i: { input: unknown }) => {
  const raw = String(i.input);
  return `${name}: expected ${expected}, got "${raw.length > 40 ? `${raw.slice(0, 40)}…` : raw}"`;
};

function text(name: string, max: number) {
  return z.string().max(max, { error: bad(name, `at most ${max} characters`) }).optional()
    .describe("Exact value");
}

/** An instant (ISO) from a day or an instant; `endOfDay` makes a day mean its end (exclusive). */
function instant(name: string, endOfDay: boolean) {
  const expected = bad(name, "an ISO 8601 instant or a YYYY-MM-DD day");
  return z.string()
    .regex(DAY_OR_INSTANT, { error: expected })
    .transform((value, ctx) => {
      let ms = Date.parse(DAY.test(value) ? `${value}T00:00:00Z` : value);
      if (DAY.test(value) && endOfDay) ms += 86_400_000;
      if (Number.isNaN(ms)) {
        ctx.issues.push({ code: "custom", input: value, message: expected({ input: value }) });
        return z.NEVER;
      }
      return new Date(ms).toISOString();
    })
    .optional();
}

/** An integer in [1, max]; absent: `fallback`. */
function limitParam(max: number, fallback: number, what: string) {
  const expected = bad("limit", `an integer 1..${max}`);
  return z.string()
    .regex(/^\d+$/, { error: expected })
    .refine((raw) => Number(raw) >= 1 && Number(raw) <= max, { error: expected })
    .transform(Number)
    .optional()
    .transform((value) => value ?? fallback)
    .describe(`${what}: 1-${max} (default ${fallback})`);
}

const FILTER = {
  category: text("category", MAX_CATEGORY_LENGTH),
  metric: text("metric", MAX_METRIC_LENGTH),
  branch: text("branch", MAX_BRANCH_LENGTH),
  from: instant("from", false).describe("An ISO instant or a YYYY-MM-DD day (alias since)"),
  since: instant("since", false).describe("Alias of from"),
  to: instant("to", true).describe("An ISO instant or a YYYY-MM-DD day (that whole day)"),
};

/** The filter's fields and `extra`, with the range checked across `from` (or `since`) and `to`. */
function perfQuery<E extends z.core.$ZodLooseShape>(extra: E) {
  return z.object({ ...FILTER, ...extra }).superRefine((parsed, ctx) => {
    const query = parsed as { from?: string; since?: string; to?: string };
    const from = query.from ?? query.since;
    if (from && query.to && from >= query.to) {
      ctx.addIssue({ code: "custom", path: ["from"], message: "from: must be before to" });
    }
  });
}

/** GET /api/perf: the filter and `limit`. */
export const PERF_LIST_QUERY = perfQuery({
  limit: limitParam(MAX_LIST_LIMIT, DEFAULT_LIST_LIMIT, "Metrics"),
});

/** GET /api/perf/trends: the filter, `limit` (values per series) and `threshold`. */
export const PERF_TRENDS_QUERY = perfQuery({
  limit: limitParam(MAX_TREND_WINDOW, DEFAULT_TREND_WINDOW, "Values per series"),
  threshold: z.string()
    .regex(/^\d+(\.\d+)?$/, { error: bad("threshold", "a percentage above 0, at most 1000") })
    .refine((raw) => Number(raw) > 0 && Number(raw) <= 1000, {
      error: bad("threshold", "a percentage above 0, at most 1000"),
    })
    .transform(Number)
    .optional()
    .describe("A percentage overriding each unit's threshold"),
});

/** The filter of a parsed query. */
export function perfFilter(query: z.output<typeof PERF_LIST_QUERY>): PerfFilter {
  return {
    category: query.category ?? null,
    metric: query.metric ?? null,
    branch: query.branch ?? null,
    from: query.from ?? query.since ?? null,
    to: query.to ?? null,
  };
}
