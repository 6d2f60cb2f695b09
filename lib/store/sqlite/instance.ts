// The instance area on SQLite (lib/store/instance.ts): the schema version is the highest row of
// schema_version (lib/db/migrate.ts), and the health a trivial read and the connection's last
// refused write (lib/db/database.ts recentStorageFailure), on the app's connection.
import type { Database } from "../../db/database.ts";
import { currentSchemaVersion } from "../../db/migrate.ts";
import type { InstanceStore } from "../instance.ts";

export function sqliteInstance(db: Database): InstanceStore {
  return {
    schemaVersion: () => Promise.try(() => currentSchemaVersion(db)),
    health(withinMs) {
      const recentFailure = db.recentStorageFailure(withinMs);
      try {
        db.get("SELECT 1");
        return Promise.resolve({ reachable: true, recentFailure });
      } catch {
        return Promise.resolve({ reachable: false, recentFailure });
      }
    },
  };
}
