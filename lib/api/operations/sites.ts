// The site registry's operations (routes/api/sites/). Bodies are the schemas of
// lib/admin/site_input.ts, which the Settings forms share; parameters are declared here.
import { z } from "zod";
import { NEW_SITE_BODY, SITE_SETTINGS_BODY } from "../../admin/site_input.ts";
import { SITES_PER_PAGE } from "../../admin/sites.ts";
import { SITE_ID_PATTERN } from "../../config.ts";
import { defineOperation, json } from "../contract.ts";
import { booleanParam, clampedIntParam, siteIdParam } from "../fields.ts";
import { publicAnswer } from "../public_shapes.ts";

const TAG = "Sites";

export const SiteRecord = z.looseObject({
  site_id: z.string(),
  name: z.string().nullable(),
  source: z.enum(["auto", "admin"]),
  created_at: z.string(),
  consent_css: z.string(),
  send_form_values: z.boolean(),
  query_allowlist: z.array(z.string()),
  time_zone: z.string().describe("IANA time zone of the site's days; UTC when none was chosen"),
});

const sitePath = z.object({ id: siteIdParam("id").describe("The site id") });

export const listSites = defineOperation({
  method: "GET",
  path: "/api/sites",
  tag: TAG,
  summary: "A page of the sites with their human views today and over 30 days",
  description: 'Ordered by id. A `Link: <…>; rel="next"` header points to the next page.',
  auth: "read",
  query: z.object({
    q: z.string().optional().describe("Keep the sites whose id or name contains this text"),
    limit: clampedIntParam("limit", { fallback: SITES_PER_PAGE, min: 1, max: 1000 }),
    after: z.string()
      .regex(SITE_ID_PATTERN, { error: "after: expected a site id" })
      .transform((id) => id.toLowerCase())
      .optional()
      .describe("Start after this site id (the next page)"),
  }),
  responses: {
    200: {
      ...json("Sites", publicAnswer("/api/sites")),
      headers: { link: '<…&after=…>; rel="next" when there is a next page' },
    },
  },
});

export const addSite = defineOperation({
  method: "POST",
  path: "/api/sites",
  tag: TAG,
  summary: "Add a site, or make a site known only from its hits an admin site",
  auth: "write",
  body: NEW_SITE_BODY,
  responses: {
    201: json("Created", z.object({ created: z.string(), site: SiteRecord })),
    200: json(
      "Registered (was known from hits)",
      z.object({ registered: z.string(), site: SiteRecord }),
    ),
  },
  errors: { 409: "An admin site with this id exists (conflict)" },
});

export const getSite = defineOperation({
  method: "GET",
  path: "/api/sites/:id",
  tag: TAG,
  summary: "A site and its collection settings",
  auth: "read",
  params: sitePath,
  responses: { 200: json("The site", SiteRecord) },
  errors: { 404: "No such site (not_found)" },
});

export const updateSite = defineOperation({
  method: "PATCH",
  path: "/api/sites/:id",
  tag: TAG,
  summary: "Change a site's name or collection settings",
  auth: "write",
  params: sitePath,
  body: SITE_SETTINGS_BODY,
  responses: {
    200: json(
      "Saved",
      z.object({ updated: z.string(), site: SiteRecord, notes: z.array(z.string()) }),
    ),
  },
  errors: { 404: "No such site (not_found)" },
});

export const deleteSite = defineOperation({
  method: "DELETE",
  path: "/api/sites/:id",
  tag: TAG,
  summary: "Remove a site (and, with purge_data=true, its stored data)",
  auth: "write",
  params: sitePath,
  query: z.object({
    purge_data: booleanParam("purge_data").optional()
      .describe("Also delete its stored views, events and counters"),
  }),
  responses: {
    200: json("Removed", z.looseObject({ deleted: z.string(), removed: z.looseObject({}) })),
  },
  errors: { 404: "No such site (not_found)" },
});

export const SITE_OPERATIONS = [listSites, addSite, getSite, updateSite, deleteSite];
