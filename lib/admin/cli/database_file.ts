// Checks and descriptions of database files shared by the CLI commands: the database must exist
// (opening a missing path would create an empty one), opening it for a command, and a summary prints as size, schema
// version, integrity and the row counts of the tables that have rows.
import type { DatabaseSummary } from "../../db/backup.ts";
import { type Database, openDatabase } from "../../db/mod.ts";
import { SchemaTooNewError } from "../../store/errors.ts";
import { openStore } from "../../store/open.ts";
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

/** Runs `work` on the opened (and migrated) store (lib/store/open.ts), closing it afterwards. */
export async function withStore<T>(
  ctx: CliContext,
  work: (store: AppDataStore) => Promise<T> | T,
): Promise<T> {
  await requireExistingDatabase(ctx.dbPath);
  const opened = cliOpen(() => openStore({ dbPath: ctx.dbPath }));
  try {
    return await work(opened.appData);
  } finally {
    opened.close();
  }
}

/** `open()`, a database from a newer release refused as the command's own error. */
function cliOpen<T>(open: () => T): T {
  try {
    return open();
  } catch (error) {
    if (error instanceof SchemaTooNewError) throw new CliError(error.message);
    throw error;
  }
}

/** Runs `work` on the opened (and migrated) database, closing it afterwards. */
export async function withDatabase<T>(
  ctx: CliContext,
  work: (db: Database) => Promise<T> | T,
): Promise<T> {
  await requireExistingDatabase(ctx.dbPath);
  const db = cliOpen(() => openDatabase(ctx.dbPath));
  try {
    return await work(db);
  } finally {
    db.close();
  }
}
