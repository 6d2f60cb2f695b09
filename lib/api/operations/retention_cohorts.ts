// Retention cohorts (routes/api/v2/retention.ts, lib/query/cohorts.ts): weekly cohorts of a range's
// visitors over the query API's filters and bot setting. Read-only despite POST: read keys call it.
import { z } from "zod";
import { COHORTS_BODY } from "../../query/cohorts.ts";
import { defineOperation, json } from "../contract.ts";

export const RETENTION_PATH = "/api/v2/retention";

export const retentionCohorts = defineOperation({
  method: "POST",
  path: RETENTION_PATH,
  tag: "Stats",
  summary: "Weekly retention cohorts: visitors by first week, and who came back each later week",
  description:
    "Measurable where visitor ids last (cookie mode, identified visitors): `measurable` is false " +
    "when no visitor was seen on two days (cookieless ids rotate daily); `same_day` counts the " +
    "visitors who came back the same day. 400 invalid_query naming the field.",
  auth: "read",
  body: COHORTS_BODY,
  responses: {
    200: json(
      "The cohorts",
      z.object({
        cohorts: z.array(z.object({
          cohort: z.string().describe("The Monday of the cohort's first week"),
          visitors: z.number().int(),
          weeks: z.array(z.number().int()),
          rates: z.array(z.number()),
        })),
        measurable: z.boolean(),
        multi_day_visitors: z.number().int(),
        same_day: z.object({
          visitor_days: z.number().int(),
          returned: z.number().int(),
          rate: z.number(),
        }),
        query: z.looseObject({}),
      }),
    ),
  },
  errors: { 429: "Too many heavy reads from this client (rate_limited)" },
});

export const RETENTION_OPERATIONS = [retentionCohorts];
