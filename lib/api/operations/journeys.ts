// Journeys (issue 17): POST /api/v2/journeys, the pages visits go on to (or came from) around one
// page, over the query API's sites, range, filters and bots. The body schema is the one the route
// validates with (lib/query/journeys.ts).
import { z } from "zod";
import { JOURNEY_BODY } from "../../query/journeys.ts";
import { defineOperation, json } from "../contract.ts";

export const JOURNEYS_PATH = "/api/v2/journeys";

const NODE = z.object({
  id: z.string().describe("<step>:page:<path>, <step>:other or <step>:end; links name it"),
  step: z.number().describe("0 is the page asked for"),
  kind: z.enum(["page", "other", "end"]),
  page: z.string().nullable(),
  label: z.string().describe("The path, (other), or (exit) / (entry) where visits ended"),
  visits: z.number(),
});

const RESULT = z.object({
  nodes: z.array(NODE),
  links: z.array(z.object({
    source: z.string(),
    target: z.string(),
    step: z.number(),
    visits: z.number(),
  })),
  meta: z.looseObject({
    visits: z.number().describe("The visits that reach the page"),
  }).describe("The journey as understood: page, direction, mode, depth, width, range, bots"),
});

export const journeys = defineOperation({
  method: "POST",
  path: JOURNEYS_PATH,
  tag: "Stats",
  summary: "Journeys: the pages visits go on to (or came from) around one page, up to 5 steps",
  description:
    "Read-only despite POST: API keys with the read scope may call it. Takes the query API's " +
    "site_id, date_range, filters (segments too), timezone, bots and bot_threshold. Invalid " +
    "bodies answer 400 invalid_query naming the field.",
  auth: "read",
  body: JOURNEY_BODY,
  responses: { 200: json("The journey's nodes (per step) and links (step to step)", RESULT) },
  errors: { 429: "Too many heavy reads from this client (rate_limited)" },
});

export const JOURNEY_OPERATIONS = [journeys];
