// CI benchmark metrics (routes/api/perf/). Bodies and filters are the schemas of lib/perf/, which
// name the item and field of every refusal; a batch is stored all or nothing.
import { z } from "zod";
import { MAX_PERF_BATCH, PERF_BODY } from "../../perf/input.ts";
import { PERF_LIST_QUERY, PERF_TRENDS_QUERY } from "../../perf/params.ts";
import { defineOperation, json } from "../contract.ts";
import { publicAnswer } from "../public_shapes.ts";

const TAG = "Performance metrics";

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
  body: PERF_BODY,
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
