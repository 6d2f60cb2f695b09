// Goals (routes/api/goals/): per site, what counts as a conversion (lib/query/goals.ts), used in
// POST /api/v2/query as the event:goal dimension, a goal filter and the conversion metrics. Read
// keys list them; writes need a session, ECHELON_SECRET or a write key.
import { z } from "zod";
import { GOAL_BODY, GOAL_KINDS } from "../../query/goals.ts";
import { defineOperation, json } from "../contract.ts";
import { rowIdParam, siteIdParam, withCode } from "../fields.ts";

const TAG = "Goals";

const Goal = z.object({
  id: z.number().int(),
  site_id: z.string(),
  name: z.string(),
  kind: z.enum(GOAL_KINDS),
  page: z.string().nullable().describe("page and scroll goals: the page pattern"),
  event_name: z.string().nullable().describe("event goals: the custom event's name"),
  props: z.record(z.string(), z.string()).nullable().describe("event goals: property values"),
  scroll_depth: z.number().int().nullable().describe("scroll goals: the least depth (percent)"),
  currency: z.string().nullable().describe("revenue goals: the currency revenue is reported in"),
  created_at: z.string(),
});

const NOT_FOUND = { 404: "No such goal (not_found)" };
const goalPath = z.object({ id: withCode(rowIdParam("id"), "invalid_id") });

export const listGoals = defineOperation({
  method: "GET",
  path: "/api/goals",
  tag: TAG,
  summary: "Goals (of one site), by site and name",
  auth: "read",
  query: z.object({ site_id: siteIdParam().optional() }),
  responses: { 200: json("Goals", z.array(Goal)) },
});

export const createGoal = defineOperation({
  method: "POST",
  path: "/api/goals",
  tag: TAG,
  summary: "Add a goal: a page (pattern), a custom event (with property values) or a scroll depth",
  auth: "write",
  body: GOAL_BODY,
  responses: { 201: json("Added", z.object({ created: z.number().int(), goal: Goal })) },
  errors: {
    404: "No such site (not_found)",
    409: "The site has a goal of that name (conflict), or 100 goals (too_many)",
  },
});

export const getGoal = defineOperation({
  method: "GET",
  path: "/api/goals/:id",
  tag: TAG,
  summary: "One goal",
  auth: "read",
  params: goalPath,
  responses: { 200: json("The goal", Goal) },
  errors: NOT_FOUND,
});

export const updateGoal = defineOperation({
  method: "PUT",
  path: "/api/goals/:id",
  tag: TAG,
  summary: "Change a goal (its site stays): every report counts the new definition at once",
  auth: "write",
  params: goalPath,
  body: GOAL_BODY,
  responses: { 200: json("Changed", Goal) },
  errors: {
    ...NOT_FOUND,
    409: "The site has another goal of that name (conflict)",
  },
});

export const deleteGoal = defineOperation({
  method: "DELETE",
  path: "/api/goals/:id",
  tag: TAG,
  summary: "Delete a goal (its conversions are no longer counted; the rows stay)",
  auth: "write",
  params: goalPath,
  responses: { 200: json("Deleted", z.object({ deleted: z.number().int() })) },
  errors: NOT_FOUND,
});

export const GOAL_OPERATIONS = [listGoals, createGoal, getGoal, updateGoal, deleteGoal];
