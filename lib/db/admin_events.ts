// Behaviour events for the admin (/admin/events): the raw list with type and name filters, paged
// by keyset, and counts per type and name over the period (the only view public mode gets).
import type { Database, SqlParam } from "./database.ts";
import { listConditions } from "./admin_filter.ts";
import { botFilterSql } from "./admin_views.ts";
import { type KeysetPage, keysetPage, type PageRequest } from "./keyset.ts";
import {
  EVENT_LIST_KEYS,
  type EventCount,
  type EventFilter,
  type EventListRow,
} from "../store/lists.ts";

function eventWhere(filter: EventFilter): { sql: string; args: SqlParam[] } {
  // Events store no country, so only the period and the site are passed on.
  const { site, since, until } = filter;
  const { parts, args } = listConditions("e", { site, since, until });
  if (filter.type !== null) {
    parts.push("e.event_type = ?");
    args.push(filter.type);
  }
  if (filter.name !== null) {
    parts.push("e.event_name = ?");
    args.push(filter.name);
  }
  // Events without a visitor (batch ingest) are never excluded by visitor.
  const bots = botFilterSql(filter.bots, "e", "COALESCE(e.visitor_id, '')");
  return { sql: `${parts.join(" AND ")} ${bots}`, args };
}

/** Recent events, newest first, one keyset page at a time. */
export function listEvents(
  db: Database,
  filter: EventFilter,
  request: PageRequest,
): KeysetPage<EventListRow> {
  const where = eventWhere(filter);
  return keysetPage<EventListRow>(db, {
    sql: `SELECT e.id, e.created_at, e.site_id, e.event_type, e.event_name, e.path, e.data,
                 e.visitor_id, e.device_type, e.source, e.bot_score
          FROM semantic_events e WHERE ${where.sql}`,
    args: where.args,
    keys: EVENT_LIST_KEYS,
    descending: true,
  }, request);
}

/**
 * Events per (type, name) over the range, most first. `bots` as for the list; public mode asks
 * for "humans" so the counts match the other public figures.
 */
export function eventCounts(
  db: Database,
  filter: Omit<EventFilter, "name">,
  limit = 100,
): EventCount[] {
  const where = eventWhere({ ...filter, name: null });
  return db.all<EventCount>(
    `SELECT e.event_type, e.event_name, COUNT(*) AS events,
            COUNT(DISTINCT e.visitor_id) AS visitors
     FROM semantic_events e WHERE ${where.sql}
     GROUP BY e.event_type, e.event_name
     ORDER BY events DESC, e.event_type, e.event_name LIMIT ?`,
    ...where.args,
    limit,
  );
}
