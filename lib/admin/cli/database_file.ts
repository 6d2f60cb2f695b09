// Checks and descriptions of the store shared by the CLI commands: it must exist (opening a
// missing database file would create an empty one), opening it for a command, and a summary
// prints as size, schema version, integrity and the row counts of the tables that have rows.
import type { StoreSummary } from "../../store/maintenance.ts";
import { SchemaTooNewError } from "../../store/errors.ts";
import { openStore, storeCopies } from "../../store/open.ts";
import type { AppDataStore, OpenedStore } from "../../store/types.ts";
import { type CliContext, CliError } from "./command.ts";
import { megabytes } from "./progress.ts";

/** A CliError unless a store (or a copy) is at `location` (nothing is created). */
export async function requireExistingDatabase(ctx: CliContext, location: string): Promise<void> {
  const presence = await storeCopies({ dbPath: ctx.dbPath }).presence(location);
  if (presence === "not a store") throw new CliError(`${location} is not a file`);
  if (presence === "missing") {
    throw new CliError(
      `${location} does not exist (set ECHELON_DB_PATH or pass --db <path>); nothing was created.`,
    );
  }
}

export function describeDatabase(summary: StoreSummary): string[] {
  const rows = Object.entries(summary.rows).filter(([, n]) => n > 0);
  const width = Math.max(0, ...rows.map(([table]) => table.length));
  return [
    `  size ${megabytes(summary.bytes)}, schema version ${summary.schemaVersion ?? "none"}, ` +
    `integrity ${summary.integrity}`,
    "  rows:",
    ...rows.map(([table, n]) => `    ${table.padEnd(width)} ${String(n).padStart(10)}`),
  ];
}

/**
 * Runs `work` on the opened (and migrated) store (lib/store/open.ts): its app-data areas, and the
 * opened store itself for what runs inline on it (the export's reads); closed afterwards.
 */
export async function withStore<T>(
  ctx: CliContext,
  work: (store: AppDataStore, opened: OpenedStore) => Promise<T> | T,
): Promise<T> {
  await requireExistingDatabase(ctx, ctx.dbPath);
  const opened = cliOpen(() => openStore({ dbPath: ctx.dbPath }));
  try {
    return await work(opened.appData, opened);
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
