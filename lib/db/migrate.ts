// The migration runner: numbered, append-only migrations recorded in a schema_version table.
// Each migration runs in its own transaction, so a failure leaves the previous version intact.
import type { Database } from "./database.ts";

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function migrate(db: Database, migrations: readonly Migration[]): number[] {
  assertOrdered(migrations);
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
