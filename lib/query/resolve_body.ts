// A query body (lib/query/model.ts QUERY_BODY) made a Query against the store: its saved segments
// expanded (lib/query/segments.ts), its zone the sites' own when it names none (run.ts
// defaultTimeZone), then resolved (400 invalid_query naming the field). What POST /api/v2/query and
// the questions built on it (POST /api/v2/funnel) do before they run.
import type { SegmentStore } from "../store/segments.ts";
import type { SiteStore } from "../store/sites.ts";
import { type Query, type QueryBody, resolveQuery } from "./model.ts";
import { defaultTimeZone } from "./run.ts";
import { expandStoredSegments } from "./segments.ts";

/** The body with `timezone` set to its sites' zone when it names none. */
async function withSiteZone(sites: SiteStore, body: QueryBody): Promise<QueryBody> {
  if (body.timezone !== undefined) return body;
  const ids = (typeof body.site_id === "string" ? [body.site_id] : body.site_id)
    .map((id) => id.toLowerCase());
  return { ...body, timezone: defaultTimeZone(ids, await sites.timeZones(ids)) };
}

export async function resolveBody(
  store: { segments: SegmentStore; sites: SiteStore },
  raw: QueryBody,
  now: number,
): Promise<Query> {
  const body = await expandStoredSegments(raw, store.segments);
  return resolveQuery(await withSiteZone(store.sites, body), now);
}
