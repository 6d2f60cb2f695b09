// The instance's own operations: health, this contract, request statistics and the summary, and
// the two instance settings (debug switch, telemetry choice), which only an admin session or
// ECHELON_SECRET may change. The settings' bodies are read through these schemas.
import { z } from "zod";
import { defineOperation, empty, json } from "../contract.ts";
import { withCode } from "../fields.ts";
import { publicAnswer } from "../public_shapes.ts";

const DEBUG_BODY = 'Expected {"enabled": true} or {"enabled": false}';
const TELEMETRY_BODY = 'Expected {"optin": true} or {"optin": false}';

const TAG = "Instance";

/** Where the document is served; the API middleware lets anyone read it. */
export const OPENAPI_PATH = "/api/openapi.json";

export const health = defineOperation({
  method: "GET",
  path: "/api/health",
  tag: TAG,
  summary: "Liveness: database, writers, connections",
  description: "Public mode's view leaves the writers and the error text out.",
  auth: "public",
  responses: {
    200: json("Healthy", publicAnswer("/api/health")),
    503: json(
      "Degraded (database unreachable, a refused write or failing writers)",
      publicAnswer("/api/health"),
    ),
  },
});

export const openApi = defineOperation({
  method: "GET",
  path: OPENAPI_PATH,
  tag: TAG,
  summary: "This document (OpenAPI 3.1)",
  auth: "public",
  responses: { 200: json("The OpenAPI document", z.looseObject({ openapi: z.string() })) },
});

export const summary = defineOperation({
  method: "GET",
  path: "/api/stats/summary",
  tag: TAG,
  summary: "Write buffers, flush timings, drop counters and the last 24 hours",
  description: "Public mode shows the last 24 hours only.",
  auth: "read",
  responses: {
    200: json(
      "The summary (public mode: last_24h only)",
      (publicAnswer("/api/stats/summary") as z.ZodObject).extend({
        buffers: z.looseObject({ views: z.number(), events: z.number() }).optional(),
        writers: z.looseObject({}).optional(),
        dropped: z.looseObject({}).optional(),
        known_bots: z.looseObject({}).optional(),
      }),
    ),
  },
});

export const vitals = defineOperation({
  method: "GET",
  path: "/api/stats/vitals",
  tag: TAG,
  summary: "This process's request statistics",
  description: "Totals, latency percentiles, requests per second, error rate, slowest paths.",
  auth: "read",
  responses: {
    200: json(
      "The statistics",
      z.looseObject({
        totalRequests: z.number(),
        totalErrors: z.number(),
        recentRequests: z.number(),
        windowSeconds: z.number(),
        avgResponseMs: z.number(),
        p50Ms: z.number(),
        p95Ms: z.number(),
        p99Ms: z.number(),
        maxMs: z.number(),
        rps: z.number(),
      }),
    ),
  },
});

const LOCKED = { 409: "Decided by the server's environment (locked)" };

export const debugStatus = defineOperation({
  method: "GET",
  path: "/api/debug",
  tag: TAG,
  summary: "The debug switch",
  auth: "read",
  responses: {
    200: json(
      "The switch",
      z.object({
        debug: z.boolean(),
        envOverride: z.enum(["on"]).nullable(),
        locked: z.boolean(),
      }),
    ),
  },
});

export const setDebug = defineOperation({
  method: "POST",
  path: "/api/debug",
  tag: TAG,
  summary: "Switch debug on or off",
  auth: "admin",
  body: withCode(
    z.object({ enabled: z.boolean({ error: DEBUG_BODY }) }, { error: DEBUG_BODY }),
    "invalid_body",
  ),
  responses: { 200: json("Switched", z.object({ debug: z.boolean() })) },
  errors: LOCKED,
});

export const telemetryStatus = defineOperation({
  method: "GET",
  path: "/api/telemetry",
  tag: TAG,
  summary: "The telemetry choice and the exact payload the daily ping sends",
  auth: "read",
  responses: {
    200: json(
      "The choice",
      z.looseObject({
        telemetry: z.enum(["on", "off", "undecided"]),
        envOverride: z.string().nullable(),
        locked: z.boolean(),
        sending: z.boolean(),
        endpoint_configured: z.boolean(),
        payload: z.looseObject({}),
      }),
    ),
  },
});

export const setTelemetry = defineOperation({
  method: "POST",
  path: "/api/telemetry",
  tag: TAG,
  summary: "Record the admin's telemetry choice",
  description: "JSON is answered with JSON; the Settings form (`optin=true|false`) with a 303.",
  auth: "admin",
  body: withCode(
    z.object({ optin: z.boolean({ error: TELEMETRY_BODY }) }, { error: TELEMETRY_BODY }),
    "invalid_body",
  ),
  bodyTypes: ["application/json", "application/x-www-form-urlencoded"],
  responses: {
    200: json("Recorded", z.object({ telemetry: z.enum(["on", "off"]) })),
    303: empty("Recorded from the Settings form", { location: "/admin/settings?notice=…" }),
  },
  errors: LOCKED,
});

export const INSTANCE_OPERATIONS = [
  health,
  openApi,
  summary,
  vitals,
  debugStatus,
  setDebug,
  telemetryStatus,
  setTelemetry,
];
