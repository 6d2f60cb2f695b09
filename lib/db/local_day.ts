// The local day of a stored row: the calendar date of its UTC instant in its site's time zone
// (site_settings.time_zone, migration 15; none means UTC). The per-day aggregates are kept in these
// days (lib/db/aggregates.ts), so a site outside UTC reads whole local days from them. One
// implementation for JS (localDayOf) and SQL (`local_day(created_at, zone)`, defined on each
// connection that needs it); a UTC site's day stays the first ten characters of its ISO time.
import type { Database } from "./database.ts";
import { localDayStart, offsetMinutes } from "../query/time_zone.ts";

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
const CACHE_LIMIT = 50_000;
/** Per `zone|UTC hour`: the zone's offset throughout that hour, or null when it changes in it. */
const hourOffsets = new Map<string, number | null>();

/** Whether rows of a site with this stored zone (null: none) are kept in UTC days. */
export const isUtcZone = (zone: string | null | undefined): boolean =>
  zone === null || zone === undefined || zone === "" || zone === "UTC";

/** The local date (YYYY-MM-DD) of the ISO UTC time `iso` in `zone` (null: UTC). */
export function localDayOf(zone: string | null | undefined, iso: string): string {
  if (isUtcZone(zone)) return iso.slice(0, 10);
  const ms = Date.parse(iso);
  const key = `${zone}|${iso.slice(0, 13)}`;
  let offset = hourOffsets.get(key);
  if (offset === undefined) {
    const start = Math.floor(ms / HOUR_MS) * HOUR_MS;
    const first = offsetMinutes(zone!, start);
    offset = offsetMinutes(zone!, start + HOUR_MS - 1) === first ? first : null;
    if (hourOffsets.size >= CACHE_LIMIT) hourOffsets.clear();
    hourOffsets.set(key, offset);
  }
  // An hour with a change of offset (a DST switch at a half hour, say): this instant's own.
  const minutes = offset ?? offsetMinutes(zone!, ms);
  return new Date(ms + minutes * MINUTE_MS).toISOString().slice(0, 10);
}

/** The UTC instants (ISO) of the local days [fromDay, toDay) of `zone`, as stored times compare
 * with them. */
export function localDayBounds(
  zone: string | null,
  fromDay: string,
  toDay: string,
): { from: string; to: string } {
  if (isUtcZone(zone)) return { from: `${fromDay}T`, to: `${toDay}T` };
  return {
    from: new Date(localDayStart(zone!, fromDay)).toISOString(),
    to: new Date(localDayStart(zone!, toDay)).toISOString(),
  };
}

/** A site's stored zone, null for UTC. */
export function storedZone(db: Database, siteId: string): string | null {
  const zone = db.get<{ time_zone: string | null }>(
    "SELECT time_zone FROM site_settings WHERE site_id = ?",
    siteId,
  )?.time_zone ?? null;
  return isUtcZone(zone) ? null : zone;
}

const withLocalDay = new WeakSet<Database>();

/** Defines `local_day(created_at, zone)` on the connection once (localDayOf in SQL). */
export function ensureLocalDay(db: Database): void {
  if (withLocalDay.has(db)) return;
  db.defineFunction("local_day", (iso, zone) => {
    if (typeof iso !== "string") return null;
    return localDayOf(typeof zone === "string" ? zone : null, iso);
  });
  withLocalDay.add(db);
}

/** The local day of a row's ISO time column `created` whose site's zone is the column `zone`
 * (site_settings.time_zone joined, null for UTC): SQL, after ensureLocalDay. */
export const localDaySql = (created: string, zone: string) =>
  `CASE WHEN ${zone} IS NULL THEN substr(${created}, 1, 10) ELSE local_day(${created}, ${zone}) END`;
