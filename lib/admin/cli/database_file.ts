// Checks and descriptions of database files shared by the CLI commands: the database must exist
// (opening a missing path would create an empty one), opening it for a command, and a summary prints as size, schema
// version, integrity and the row counts of the tables that have rows.
import type { DatabaseSummary } from "../../db/backup.ts";
import { type Database, openDatabase, SchemaTooNewError } from "../../db/mod.ts";
import { createSqliteAppData } from "../../store/sqlite/mod.ts";
import type { AppDataStore } from "../../store/types.ts";
import { type CliContext, CliError } from "./command.ts";
import { megabytes } from "./progress.ts";

/** The file's stat; a CliError when it does not exist (nothing is created). */
export async function requireExistingDatabase(path: string): Promise<Deno.FileInfo> {
  try {
    const info = await Deno.stat(path);
    if (!info.isFile) throw new CliError(`${path} is not a file`);
    return info;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new CliError(
        `${path} does not exist (set ECHELON_DB_PATH or pass --db <path>); nothing was created.`,
      );
    }
    throw error;
  }
}

export function describeDatabase(summary: DatabaseSummary): string[] {
  const rows = Object.entries(summary.rows).filter(([, n]) => n > 0);
  const width = Math.max(0, ...rows.map(([table]) => table.length));
  return [
    `  size ${megabytes(summary.bytes)}, schema version ${summary.schemaVersion ?? "none"}, ` +
    `integrity ${summary.integrity}`,
    "  rows:",
    ...rows.map(([table, n]) => `    ${table.padEnd(width)} ${String(n).padStart(10)}`),
  ];
}

/** Runs `work` on the store of the opened (and migrated) database, closing it afterwards. */
export function withStore<T>(
  ctx: CliContext,
  work: (store: AppDataStore) => Promise<T> | T,
): Promise<T> {
  return withDatabase(ctx, (db) => work(createSqliteAppData(db)));
}

/** Runs `work` on the opened (and migrated) database, closing it afterwards. */
export async function withDatabase<T>(
  ctx: CliContext,
  work: (db: Database) => Promise<T> | T,
): Promise<T> {
  await requireExistingDatabase(ctx.dbPath);
  let db: Database;
  try {
    db = openDatabase(ctx.dbPath);
  } catch (error) {
    if (error instanceof SchemaTooNewError) throw new CliError(error.message);
    throw error;
  }
  try {
    return await work(db);
  } finally {
    db.close();
  }
}
