// Entry point of the storage layer: open a database and bring its schema up to date.
import { Database } from "./database.ts";
import { asStorageError, StorageError } from "./errors.ts";
import { migrate, SchemaTooNewError } from "./migrate.ts";
import { MIGRATIONS } from "./migrations.ts";

export { Database } from "./database.ts";
export type { Row, SqlParam } from "./database.ts";
export { SchemaTooNewError } from "./migrate.ts";
export { StorageError } from "./errors.ts";

/** Opens `path` and migrates it; throws SchemaTooNewError (nothing written) for a database
 * from a newer release, StorageError (naming the file) when the disk refuses it. */
export function openDatabase(path: string): Database {
  let db: Database;
  try {
    db = new Database(path);
  } catch (error) {
    // A full disk has no room for a new -wal or -shm file.
    throw storageFailure(`cannot open ${path}`, error) ?? error;
  }
  try {
    migrate(db, MIGRATIONS);
  } catch (error) {
    // No `PRAGMA optimize` on the way out: it may write statistics.
    db.close({ optimize: false });
    if (error instanceof SchemaTooNewError) throw error;
    throw storageFailure(`cannot migrate ${path}`, error) ??
      new Error(`could not migrate ${path}`, { cause: error });
  }
  return db;
}

function storageFailure(context: string, error: unknown): StorageError | null {
  const failure = asStorageError(error);
  return failure instanceof StorageError
    ? new StorageError(failure.storageCode, `${context}: ${failure.message}`, { cause: error })
    : null;
}
