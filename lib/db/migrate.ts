// The migration runner: numbered, append-only migrations recorded in a schema_version table.
// Each migration runs in its own transaction, so a failure leaves the previous version intact;
// a database from a newer release (a version beyond the last migration) is refused untouched.
import { SchemaTooNewError } from "../store/errors.ts";
import type { Database } from "./database.ts";

export { SchemaTooNewError };

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function migrate(db: Database, migrations: readonly Migration[]): number[] {
  assertOrdered(migrations);
  // Checked before anything is created or written.
  const found = hasSchemaTable(db) ? currentSchemaVersion(db) : 0;
  if (found > migrations.length) throw new SchemaTooNewError(db.path, found, migrations.length);
  db.exec(`CREATE TABLE IF NOT EXISTS schema_version (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
  )`);
  const current = currentSchemaVersion(db);
  const applied: number[] = [];
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.run(
        "INSERT INTO schema_version (version, name) VALUES (?, ?)",
        migration.version,
        migration.name,
      );
    });
    applied.push(migration.version);
  }
  return applied;
}

function hasSchemaTable(db: Database): boolean {
  return db.get("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'") !==
    undefined;
}

export function currentSchemaVersion(db: Database): number {
  const row = db.get<{ v: number | null }>("SELECT MAX(version) AS v FROM schema_version");
  return row?.v ?? 0;
}

function assertOrdered(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(
        `migration ${migration.name} has version ${migration.version}, expected ${index + 1}`,
      );
    }
  });
}
