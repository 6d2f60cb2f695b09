// The maintenance area on SQLite (lib/store/maintenance.ts), on the app's connection: a day's
// aggregates rebuilt from the raw rows by lib/db/aggregates_rebuild.ts (each site's day in one
// transaction), for the sites lib/db/aggregates.ts finds rows of around that day.
import { nextDay, sitesWithRowsOn } from "../../db/aggregates.ts";
import { rebuildAggregateDays } from "../../db/aggregates_rebuild.ts";
import type { Database } from "../../db/database.ts";
import type { MaintenanceStore } from "../maintenance.ts";

export function sqliteMaintenance(db: Database): MaintenanceStore {
  return {
    rebuildAggregates: (day, siteId) =>
      Promise.try(() => {
        let rows = 0;
        for (const id of siteId === null ? sitesWithRowsOn(db, day) : [siteId]) {
          rows += rebuildAggregateDays(db, id, day, nextDay(day));
        }
        return rows;
      }),
  };
}
