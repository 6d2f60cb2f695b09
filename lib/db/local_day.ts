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
/** Per `zone|UTC hour`: the local date of every instant of that hour, or null when the hour
 * holds a local midnight or a change of offset (then each instant's own). */
const hourDays = new Map<string, string | null>();

/** Whether rows of a site with this stored zone (null: none) are kept in UTC days. */
export const isUtcZone = (zone: string | null | undefined): boolean =>
  zone === null || zone === undefined || zone === "" || zone === "UTC";

const dateAt = (zone: string, ms: number) =>
  new Date(ms + offsetMinutes(zone, ms) * MINUTE_MS).toISOString().slice(0, 10);

/** The local date (YYYY-MM-DD) of the ISO UTC time `iso` in `zone` (null: UTC). */
export function localDayOf(zone: string | null | undefined, iso: string): string {
  if (isUtcZone(zone)) return iso.slice(0, 10);
  const key = `${zone}|${iso.slice(0, 13)}`;
  let day = hourDays.get(key);
  if (day === undefined) {
    const start = Math.floor(Date.parse(iso) / HOUR_MS) * HOUR_MS;
    const first = dateAt(zone!, start);
    const same = offsetMinutes(zone!, start) === offsetMinutes(zone!, start + HOUR_MS - 1) &&
      dateAt(zone!, start + HOUR_MS - 1) === first;
    day = same ? first : null;
    if (hourDays.size >= CACHE_LIMIT) hourDays.clear();
    hourDays.set(key, day);
  }
  return day ?? dateAt(zone!, Date.parse(iso));
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
const localDaySql = (created: string, zone: string) =>
  `CASE WHEN ${zone} IS NULL THEN substr(${created}, 1, 10) ELSE local_day(${created}, ${zone}) END`;

/**
 * The local day as SQL of a time column of rows whose site is the column `site`, and the join it
 * needs: while no site has a zone, the UTC date alone (no join, no function call: a UTC
 * install's writer pays nothing); else the site's zone joined (as `z`) and `local_day`.
 */
export function zonedDays(
  db: Database,
  site: string,
): { dayOf: (created: string) => string; join: string } {
  if (!db.get("SELECT 1 FROM site_settings WHERE time_zone IS NOT NULL LIMIT 1")) {
    return { dayOf: (created) => `substr(${created}, 1, 10)`, join: "" };
  }
  ensureLocalDay(db);
  return {
    dayOf: (created) => localDaySql(created, "z.time_zone"),
    join: `LEFT JOIN site_settings z ON z.site_id = ${site}`,
  };
}
