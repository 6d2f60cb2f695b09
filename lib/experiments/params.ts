// Query parameters of the experiment endpoints (list filters, the results' experiment id), as zod
// schemas that validate them (lib/api/validate.ts) and that the OpenAPI document prints: a bad
// value is a 400 naming the parameter and the value, never a 500.
import { z } from "zod";
import { preview, siteIdParam } from "../api/fields.ts";
import { EXPERIMENT_ID_PATTERN } from "./definition.ts";
import { type ExperimentStatus, isStatus, STATUSES } from "./model.ts";

export const DEFAULT_LIMIT = 200;
export const MAX_LIMIT = 500;

const limitError = (i: { input: unknown }) =>
  `limit: ${preview(i.input)} must be 1 to ${MAX_LIMIT}`;

/** `site_id`, `status=active` or `status=active,paused`, and `limit` (1-500, default 200). */
export const EXPERIMENT_LIST_QUERY = z.object({
  site_id: siteIdParam().optional(),
  status: z.string().transform((value, ctx): ExperimentStatus[] => {
    const list = value.split(",").map((s) => s.trim()).filter(Boolean);
    const bad = list.find((s) => !isStatus(s));
    if (bad !== undefined) {
      ctx.issues.push({
        code: "custom",
        input: value,
        message: `status: ${preview(bad)} is not one of ${STATUSES.join(", ")}`,
      });
    }
    return list as ExperimentStatus[];
  }).optional().describe(`Comma-separated: ${STATUSES.join(", ")}`),
  limit: z.string()
    .regex(/^\d{1,6}$/, { error: limitError })
    .refine((value) => Number(value) >= 1 && Number(value) <= MAX_LIMIT, { error: limitError })
    .transform(Number)
    .optional()
    .transform((limit) => limit ?? DEFAULT_LIMIT)
    .describe(`1-${MAX_LIMIT} (default ${DEFAULT_LIMIT})`),
});

/** Which rows results count: below the bot threshold (hide), all (show), the rest (only). */
export const RESULT_BOTS = ["hide", "show", "only"] as const;

/** One experiment's results, and the bot setting of every result. */
export const EXPERIMENT_ID_QUERY = z.object({
  experiment_id: z.string().regex(EXPERIMENT_ID_PATTERN, {
    error: (i) => `experiment_id: ${preview(i.input)} is not an experiment id`,
  }).optional().describe("One experiment (any status)"),
  bots: z.enum(RESULT_BOTS, {
    error: (i) => `bots: ${preview(i.input)} must be hide, show or only`,
  }).optional().transform((mode) => mode ?? "hide")
    .describe("hide (default): only rows scored below the bot threshold count; show: all; only"),
});

/** The experiment in the path: any text (an id that cannot exist is simply not found, 404). */
export const EXPERIMENT_PATH = z.object({ id: z.string().describe("The experiment id") });
