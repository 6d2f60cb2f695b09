// The bot API's operations: the defence report, suspicious visitors, one stored score, a
// visitor's history, exclusions and the server-side crawler report. Their schemas validate the
// requests (routes/api/bots/).
import { z } from "zod";
import { SUSPICIOUS_SCORE } from "../../bots/thresholds.ts";
import { csv, defineOperation, json } from "../contract.ts";
import { clampedIntParam, rowIdParam, visitorIdField, withCode } from "../fields.ts";
import { ANY_SITE } from "./shared.ts";
import { publicAnswer } from "../public_shapes.ts";

export const MAX_REPORT_DAYS = 365;
export const MAX_LABEL_LENGTH = 256;

const TAG = "Bots";

/** `site_id` (optional) and `days`, as the crawler report's JSON and CSV read them. */
export const crawlerReportQuery = z.object({
  ...ANY_SITE,
  days: clampedIntParam("days", { fallback: 30, min: 1, max: MAX_REPORT_DAYS }),
});

export const botReport = defineOperation({
  method: "GET",
  path: "/api/bots/report",
  tag: TAG,
  summary: "What the bot defence did over the last days",
  description: "Known-bot traffic by bot, path and day, dropped hits by reason, stored views by " +
    "score signal, proof-of-work verdict and score bucket, and why hits were excluded.",
  auth: "read",
  query: z.object({
    ...ANY_SITE,
    days: clampedIntParam("days", { fallback: 7, min: 1, max: MAX_REPORT_DAYS }),
  }),
  responses: { 200: json("The report", publicAnswer("/api/bots/report")) },
});

export const suspiciousVisitors = defineOperation({
  method: "GET",
  path: "/api/bots/suspicious",
  tag: TAG,
  summary: "Visitors with a view scored at least min_score",
  description: "Within the retention period, or the last `days` UTC days; highest score first.",
  auth: "read",
  query: z.object({
    ...ANY_SITE,
    min_score: clampedIntParam("min_score", { fallback: SUSPICIOUS_SCORE, min: 0, max: 100 }),
    limit: clampedIntParam("limit", { fallback: 50, min: 1, max: 200 }),
    days: z.string().regex(/^-?\d{1,15}$/, {
      error: (i) => `days: ${JSON.stringify(i.input)} is not an integer`,
    }).transform(Number).optional()
      .describe("Only the last N UTC days (clamped to 1 and the retention period)"),
  }),
  responses: {
    200: json(
      "Visitors, most suspicious first",
      z.array(z.looseObject({
        visitor_id: z.string(),
        max_bot_score: z.number(),
        pageviews: z.number(),
        first_seen: z.string(),
        last_seen: z.string(),
        sites: z.string().nullable().describe("Comma-separated"),
      })),
    ),
  },
});

export const scoreDetail = defineOperation({
  method: "GET",
  path: "/api/bots/score-detail",
  tag: TAG,
  summary: "One stored score and its breakdown",
  description: "Give view_id or event_id (view_id wins when both come).",
  auth: "read",
  query: z.object({
    view_id: rowIdParam("view_id").optional(),
    event_id: rowIdParam("event_id").optional(),
  }),
  responses: {
    200: json(
      "The score with its per-signal breakdown",
      z.object({ score: z.number(), detail: z.record(z.string(), z.unknown()).nullable() }),
    ),
  },
  errors: { 404: "No such view or event (not_found)" },
});

const visitorPath = z.object({ visitor_id: withCode(visitorIdField(), "invalid_visitor_id") });

export const visitorHistory = defineOperation({
  method: "GET",
  path: "/api/bots/visitor/:visitor_id",
  tag: TAG,
  summary: "A visitor's exclusion and latest 100 views and events",
  auth: "read",
  params: visitorPath,
  responses: {
    200: json(
      "The visitor",
      z.looseObject({
        visitor_id: z.string(),
        is_excluded: z.boolean(),
        exclusion: z.looseObject({}).nullable(),
        views: z.array(z.looseObject({})),
        events: z.array(z.looseObject({})),
      }),
    ),
  },
});

export const excludeVisitor = defineOperation({
  method: "POST",
  path: "/api/bots/exclude",
  tag: TAG,
  summary: "Block a visitor (idempotent)",
  auth: "write",
  body: z.object({
    visitor_id: visitorIdField(),
    label: z.string({ error: `label: must be a string of at most ${MAX_LABEL_LENGTH} characters` })
      .max(MAX_LABEL_LENGTH, {
        error: `label: must be a string of at most ${MAX_LABEL_LENGTH} characters`,
      })
      .nullish().transform((label) => label ?? null),
  }, { error: "Expected a JSON object {visitor_id, label?}" }),
  responses: { 201: json("Excluded", z.object({ excluded: z.string() })) },
});

export const includeVisitor = defineOperation({
  method: "DELETE",
  path: "/api/bots/exclude/:visitor_id",
  tag: TAG,
  summary: "Unblock a visitor (200 even when it was not blocked)",
  auth: "write",
  params: visitorPath,
  responses: { 200: json("Included again", z.object({ included: z.string() })) },
});

export const excludedVisitors = defineOperation({
  method: "GET",
  path: "/api/bots/excluded",
  tag: TAG,
  summary: "The 500 most recent exclusions with each visitor's views and top score",
  auth: "read",
  responses: {
    200: json(
      "Exclusions, newest first",
      z.array(z.object({
        visitor_id: z.string(),
        label: z.string().nullable(),
        created_at: z.string(),
        pageviews: z.number(),
        max_bot_score: z.number().nullable(),
      })),
    ),
  },
});

export const crawlerReport = defineOperation({
  method: "GET",
  path: "/api/bots/crawlers",
  tag: TAG,
  summary: "Crawlers seen by the web server, per crawler, page and day",
  description: "From POST /api/crawl, verified against the crawlers' published IP ranges.",
  auth: "read",
  query: crawlerReportQuery,
  responses: {
    200: json(
      "The crawler report",
      z.looseObject({
        site_id: z.string().nullable(),
        days: z.number(),
        since: z.string(),
        ranges_snapshot: z.string().describe("Date of the crawlers' IP ranges used"),
      }),
    ),
  },
});

export const crawlerReportCsv = defineOperation({
  method: "GET",
  path: "/api/export/crawlers.csv",
  tag: "Exports",
  summary: "The crawler report as CSV sections",
  auth: "read",
  query: crawlerReportQuery,
  responses: { 200: csv("The crawler report") },
});

export const BOT_OPERATIONS = [
  botReport,
  suspiciousVisitors,
  scoreDetail,
  visitorHistory,
  excludeVisitor,
  includeVisitor,
  excludedVisitors,
  crawlerReport,
  crawlerReportCsv,
];
