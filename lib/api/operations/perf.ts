// CI benchmark metrics (routes/api/perf/). Bodies and filters are checked by lib/perf/, which
// names the item and field of every refusal and stores a batch all or nothing.
import { z } from "zod";
import {
  MAX_BRANCH_LENGTH,
  MAX_CATEGORY_LENGTH,
  MAX_COMMIT_LENGTH,
  MAX_METRIC_LENGTH,
  MAX_PERF_BATCH,
  MAX_UNIT_LENGTH,
} from "../../perf/input.ts";
import { PERF_LIST_QUERY, PERF_TRENDS_QUERY } from "../../perf/params.ts";
import { defineOperation, json } from "../contract.ts";
import { publicAnswer } from "../public_shapes.ts";

const TAG = "Performance metrics";

const Metric = z.object({
  category: z.string().max(MAX_CATEGORY_LENGTH),
  metric: z.string().max(MAX_METRIC_LENGTH),
  value: z.number(),
  unit: z.string().max(MAX_UNIT_LENGTH),
  commit: z.string().max(MAX_COMMIT_LENGTH).optional(),
  branch: z.string().max(MAX_BRANCH_LENGTH).optional(),
  metadata: z.record(z.string(), z.unknown()).optional().describe("At most 4 KB of JSON"),
  recorded_at: z.string().optional().describe("An ISO instant (default now)"),
});

export const listPerf = defineOperation({
  method: "GET",
  path: "/api/perf",
  tag: TAG,
  summary: "Stored benchmark metrics, newest first",
  auth: "read",
  query: PERF_LIST_QUERY,
  responses: { 200: json("Metrics", z.array(z.looseObject({}))) },
});

export const postPerf = defineOperation({
  method: "POST",
  path: "/api/perf",
  tag: TAG,
  summary: `Store one metric or up to ${MAX_PERF_BATCH}, all or nothing`,
  auth: "write",
  body: z.union([Metric, z.array(Metric).max(MAX_PERF_BATCH)]),
  responses: { 201: json("Stored", z.object({ inserted: z.number().int() })) },
});

export const perfTrends = defineOperation({
  method: "GET",
  path: "/api/perf/trends",
  tag: TAG,
  summary: "The last values of each series, judged against their mean",
  auth: "read",
  query: PERF_TRENDS_QUERY,
  responses: { 200: json("Series", publicAnswer("/api/perf/trends")) },
});

export const PERF_OPERATIONS = [listPerf, postPerf, perfTrends];
