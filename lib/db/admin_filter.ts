// The WHERE conditions the admin's raw lists share (page views, visitors, events): the period and,
// when the filter sets them, the site, country and device. Each list adds its own conditions.
import type { SqlParam } from "./database.ts";

/** The filters the admin lists share; country and device only on tables that store them. */
export interface ListFilter {
  site: string | null;
  since: string;
  until: string;
  country?: string | null;
  device?: string | null;
}

/**
 * Conditions on the rows of the table aliased `alias`, as parts to join with AND and their
 * arguments in order; a caller pushes its own conditions onto both. The period stays a plain
 * range on created_at so the (site_id, created_at) and created_at indexes can serve it.
 */
export function listConditions(
  alias: string,
  filter: ListFilter,
): { parts: string[]; args: SqlParam[] } {
  const parts = [`${alias}.created_at >= ?`, `${alias}.created_at < ?`];
  const args: SqlParam[] = [filter.since, filter.until];
  const equals = (column: string, value: string | null | undefined) => {
    if (value === null || value === undefined) return;
    parts.push(`${alias}.${column} = ?`);
    args.push(value);
  };
  equals("site_id", filter.site);
  equals("country_code", filter.country);
  equals("device_type", filter.device);
  return { parts, args };
}
