// Parameters several operations share: the site, the reporting period (`days` or `from`/`to`)
// and the list length, as lib/stats/params.ts declares and reads them (for the API, the exports
// and the admin pages alike), and the stats filters, which it normalises.
import {
  ENGINE_VIEW_QUERY,
  FILTERS_QUERY,
  OVERVIEW_OPTIONS_QUERY,
  PERIOD_QUERY,
  SITE_QUERY,
} from "../../stats/params.ts";
import { ANY_SITE_QUERY } from "../../export/mod.ts";

/** `days` or `from`/`to`: inclusive UTC days, at most two years. */
export const PERIOD = PERIOD_QUERY.shape;

/** The stats filters (lib/db/stats_source.ts FILTER_NAMES), each at most 512 characters. */
export const FILTERS = FILTERS_QUERY.shape;

/** The query engine's filters (v2 JSON), `bots` and `bot_threshold` on the overview. */
export const ENGINE_VIEW = ENGINE_VIEW_QUERY.shape;

/** Length of each top list. */
export const LIST_LIMIT = OVERVIEW_OPTIONS_QUERY.shape.limit;

/** The overview's `compare` and `limit`. */
export const OVERVIEW_OPTIONS = OVERVIEW_OPTIONS_QUERY.shape;

/** A required site. */
export const SITE = SITE_QUERY.shape;

/** An optional site: absent means every site. */
export const ANY_SITE = ANY_SITE_QUERY.shape;
