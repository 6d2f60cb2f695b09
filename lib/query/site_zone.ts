// The zone of a query body that names none: its sites' own (lib/query/run.ts defaultTimeZone), as
// the query API and the journeys API read it.
import type { SiteStore } from "../store/sites.ts";
import type { QueryBody } from "./model.ts";
import { defaultTimeZone } from "./run.ts";

/** The body with `timezone` set to its sites' zone when it names none. */
export async function withSiteZone(sites: SiteStore, body: QueryBody): Promise<QueryBody> {
  if (body.timezone !== undefined) return body;
  const ids = (typeof body.site_id === "string" ? [body.site_id] : body.site_id)
    .map((id) => id.toLowerCase());
  return { ...body, timezone: defaultTimeZone(ids, await sites.timeZones(ids)) };
}
