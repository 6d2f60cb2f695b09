// Parameters several operations share: the reporting period (`days` or `from`/`to`), the stats
// filters, and the optional site. Their values are checked by lib/stats/params.ts (one reading of
// a period and its cross-field rules for the API, the exports and the admin pages alike); these
// schemas describe them for the document.
import { z } from "zod";
import { SITE_ID_PATTERN } from "../../config.ts";
import { FILTER_NAMES } from "../../db/stats_source.ts";
import { MAX_LIST_LIMIT, MAX_RANGE_DAYS } from "../../stats/params.ts";
import { siteIdParam } from "../fields.ts";

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** `days` or `from`/`to`: inclusive UTC days, at most two years. */
export const PERIOD = {
  days: z.string().regex(/^\d{1,6}$/).optional()
    .describe(`The last N UTC days, today included (1-${MAX_RANGE_DAYS}, default 30)`),
  from: z.string().regex(DAY).optional()
    .describe("First UTC day (YYYY-MM-DD), inclusive; not with days"),
  to: z.string().regex(DAY).optional()
    .describe("Last UTC day (YYYY-MM-DD), inclusive, default today; needs from"),
};

const FILTER_HINTS: Record<(typeof FILTER_NAMES)[number], string> = {
  path: "Exact path (starts with /)",
  path_contains: "Path contains this text",
  referrer: "Referrer domain, or direct",
  country: "Two-letter country code, or unknown",
  device: "desktop, mobile, tablet, or unknown",
  utm_source: "Exact utm_source",
  utm_medium: "Exact utm_medium",
  utm_campaign: "Exact utm_campaign",
};

/** The stats filters (lib/db/stats_source.ts FILTER_NAMES), each at most 512 characters. */
export const FILTERS = Object.fromEntries(
  FILTER_NAMES.map((name) => [name, z.string().max(512).optional().describe(FILTER_HINTS[name])]),
);

/** Length of each top list. */
export const LIST_LIMIT = z.string().regex(/^\d{1,6}$/).optional()
  .describe(`Length of each top list (1-${MAX_LIST_LIMIT})`);

/** A required site. */
export const SITE = { site_id: siteIdParam() };

/** An optional site: absent means every site. */
export const ANY_SITE = { site_id: siteIdParam().optional() };

/** The campaign filters' optional site (lib/campaigns/params.ts: refused as invalid_param). */
export const CAMPAIGN_SITE = {
  site_id: z.string().regex(SITE_ID_PATTERN).optional().describe("Only this site's campaigns"),
};
