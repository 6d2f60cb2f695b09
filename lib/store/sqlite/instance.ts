// The instance area on SQLite (lib/store/instance.ts): the schema version is the highest row of
// schema_version (lib/db/migrate.ts), on the app's connection.
import type { Database } from "../../db/database.ts";
import { currentSchemaVersion } from "../../db/migrate.ts";
import type { InstanceStore } from "../instance.ts";

export function sqliteInstance(db: Database): InstanceStore {
  return {
    schemaVersion: () => Promise.try(() => currentSchemaVersion(db)),
  };
}
