// Annotations (routes/api/annotations/): per site, dated notes drawn on every trend chart. Read
// keys list them; writes need a session, ECHELON_SECRET or a write key, so a CI deploy can mark
// itself (README, "Annotations"); public mode's API shows none (the dashboard draws them).
import { z } from "zod";
import { SITE_ID_PATTERN } from "../../config.ts";
import { MAX_ANNOTATION_TEXT, parseAnnotationDate } from "../../annotations/mod.ts";
import { defineOperation, json } from "../contract.ts";
import { preview, rowIdParam, siteIdParam, withCode } from "../fields.ts";
import { PERIOD } from "./shared.ts";

const TAG = "Annotations";

const Annotation = z.object({
  id: z.number().int(),
  site_id: z.string(),
  date: z.string().describe("As given: a day (YYYY-MM-DD) or an instant (ISO 8601, in UTC)"),
  day: z.string().describe("The site's local day of the note (its time zone)"),
  text: z.string(),
  source: z.enum(["admin", "api"]).describe("Written in the admin UI or through the API"),
  created_at: z.string(),
});

const NOT_FOUND = { 404: "No such annotation (not_found)" };
const annotationPath = z.object({ id: withCode(rowIdParam("id"), "invalid_id") });

export const listAnnotations = defineOperation({
  method: "GET",
  path: "/api/annotations",
  tag: TAG,
  summary: "A site's annotations whose local day lies in the period, in date order",
  auth: "read",
  query: z.object({ site_id: siteIdParam(), ...PERIOD }),
  responses: { 200: json("Annotations (at most 500)", z.array(Annotation)) },
  errors: { 404: "No such site (not_found)" },
});

const dateError = (i: { input: unknown }) =>
  `date: ${preview(i.input)} is not a YYYY-MM-DD day nor an ISO 8601 instant with its offset`;
const textError = `text: 1-${MAX_ANNOTATION_TEXT} characters`;

export const createAnnotation = defineOperation({
  method: "POST",
  path: "/api/annotations",
  tag: TAG,
  summary: "Add an annotation to a site's charts (a deploy can mark itself with a write key)",
  auth: "write",
  body: withCode(
    z.object({
      site_id: z.string({ error: "site_id: a site id is required" }).regex(SITE_ID_PATTERN, {
        error: (i) => `site_id: ${preview(i.input)} is not a site id`,
      }).transform((s) => s.toLowerCase()),
      date: z.string({ error: dateError })
        .transform((raw, ctx) => {
          const parsed = parseAnnotationDate(raw.trim());
          if (parsed === null) ctx.addIssue({ code: "custom", message: dateError({ input: raw }) });
          return parsed ?? { day: "", at: null };
        })
        .describe('A day ("2026-12-07": the whole day) or an instant ("2026-12-07T14:03:00Z")'),
      text: z.string({ error: textError }).trim().min(1, { error: textError })
        .max(MAX_ANNOTATION_TEXT, { error: textError }),
    }).strict(),
    "invalid_annotation",
  ),
  responses: {
    201: json("Added", z.object({ created: z.number().int(), annotation: Annotation })),
  },
  errors: { 404: "No such site (not_found)" },
});

export const deleteAnnotation = defineOperation({
  method: "DELETE",
  path: "/api/annotations/:id",
  tag: TAG,
  summary: "Delete an annotation",
  auth: "write",
  params: annotationPath,
  responses: { 200: json("Deleted", z.object({ deleted: z.number().int() })) },
  errors: NOT_FOUND,
});

export const ANNOTATION_OPERATIONS = [listAnnotations, createAnnotation, deleteAnnotation];
