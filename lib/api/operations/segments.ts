// Saved segments (routes/api/segments/): per site, a name and filters in the query's syntax, used
// in POST /api/v2/query as ["is", "segment", [id]]. Read keys list them; writes need a session,
// ECHELON_SECRET or a write key; public mode shows none (not listed in lib/public/).
import { z } from "zod";
import { SITE_ID_PATTERN } from "../../config.ts";
import { MAX_SEGMENT_FILTERS } from "../../query/segments.ts";
import { defineOperation, json } from "../contract.ts";
import { preview, rowIdParam, siteIdParam, withCode } from "../fields.ts";

const TAG = "Segments";
export const MAX_SEGMENT_NAME_LENGTH = 100;

const Segment = z.object({
  id: z.number().int(),
  site_id: z.string(),
  name: z.string(),
  filters: z.array(z.unknown()).describe("The query's filter syntax"),
  created_at: z.string(),
});

const NOT_FOUND = { 404: "No such segment (not_found)" };
const segmentPath = z.object({ id: withCode(rowIdParam("id"), "invalid_id") });

export const listSegments = defineOperation({
  method: "GET",
  path: "/api/segments",
  tag: TAG,
  summary: "Saved segments (of one site), by site and name",
  auth: "read",
  query: z.object({ site_id: siteIdParam().optional() }),
  responses: { 200: json("Segments", z.array(Segment)) },
});

export const createSegment = defineOperation({
  method: "POST",
  path: "/api/segments",
  tag: TAG,
  summary: "Save a segment: a name and filters of one site",
  auth: "write",
  body: withCode(
    z.object({
      site_id: z.string().regex(SITE_ID_PATTERN, {
        error: (i) => `site_id: ${preview(i.input)} is not a site id`,
      }).transform((s) => s.toLowerCase()),
      name: z.string({ error: "name: a name is required" }).trim()
        .min(1, { error: "name: a name is required" })
        .max(MAX_SEGMENT_NAME_LENGTH, {
          error: `name: at most ${MAX_SEGMENT_NAME_LENGTH} characters`,
        }),
      filters: z.array(z.unknown(), {
        error: `filters: expected a list of 1-${MAX_SEGMENT_FILTERS} filters`,
      }).min(1, { error: `filters: expected a list of 1-${MAX_SEGMENT_FILTERS} filters` })
        .max(MAX_SEGMENT_FILTERS, {
          error: `filters: expected a list of 1-${MAX_SEGMENT_FILTERS} filters`,
        })
        .describe('As a query\'s filters, e.g. [["is", "visit:country", ["DE"]]]; no segments'),
    }).strict(),
    "invalid_segment",
  ),
  responses: { 201: json("Saved", z.object({ created: z.number().int(), segment: Segment })) },
  errors: {
    404: "No such site (not_found)",
    409: "The site has a segment of that name (conflict)",
  },
});

export const getSegment = defineOperation({
  method: "GET",
  path: "/api/segments/:id",
  tag: TAG,
  summary: "One saved segment",
  auth: "read",
  params: segmentPath,
  responses: { 200: json("The segment", Segment) },
  errors: NOT_FOUND,
});

export const deleteSegment = defineOperation({
  method: "DELETE",
  path: "/api/segments/:id",
  tag: TAG,
  summary: "Delete a saved segment (queries naming it are then refused)",
  auth: "write",
  params: segmentPath,
  responses: { 200: json("Deleted", z.object({ deleted: z.number().int() })) },
  errors: NOT_FOUND,
});

export const SEGMENT_OPERATIONS = [listSegments, createSegment, getSegment, deleteSegment];
