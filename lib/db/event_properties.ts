// The custom property keys of stored events, for the events page's property breakdown
// (routes/admin/events.tsx): the keys of the `data` objects of one site's events of one name
// (the query engine's event:name: a custom event's name, else its type) in a time range.
import type { PropertyKeysQuery } from "../store/analytics.ts";
import type { Database } from "./database.ts";

export type { PropertyKeysQuery } from "../store/analytics.ts";

/** Events read at most (the latest): keys are a menu, so a busy event's recent rows suffice. */
export const PROPERTY_KEY_SCAN = 10_000;

/** The keys, most used first, at most `limit`. Rows whose `data` is not JSON are skipped. */
export function eventPropertyKeys(
  db: Database,
  q: PropertyKeysQuery,
  limit = 100,
): { key: string; events: number }[] {
  return db.all<{ key: string; events: number }>(
    `SELECT j.key AS key, COUNT(*) AS events
     FROM (
       SELECT data FROM semantic_events
       WHERE site_id = ? AND created_at >= ? AND created_at < ?
         AND CASE WHEN event_type = 'custom' THEN event_name ELSE event_type END = ?
       ORDER BY created_at DESC LIMIT ?
     ) e, json_each(CASE WHEN json_valid(e.data) AND json_type(e.data) = 'object'
       THEN e.data ELSE '{}' END) j
     GROUP BY j.key ORDER BY events DESC, j.key LIMIT ?`,
    q.site,
    q.since,
    q.until,
    q.eventName,
    PROPERTY_KEY_SCAN,
    limit,
  );
}
