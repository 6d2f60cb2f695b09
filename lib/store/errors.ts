// The store's own failure, whatever the engine: the disk (or the database server) refused a read
// or a write. It cannot succeed by retrying the same request now, but will once an operator frees
// space, so it is a 503 (an HttpError the router answers as JSON), never a 500 or a hang; the data
// is left as it was. Engines translate their errors into it (lib/db/errors.ts for SQLite). And a
// database written by a newer release, which no engine opens.
import { HttpError } from "../http_error.ts";
import { VERSION } from "../version.ts";

export type StorageErrorCode = "storage_full" | "storage_error";

/** A write (or read) the storage refused; `message` keeps the engine's own words first. */
export class StorageError extends HttpError {
  constructor(readonly storageCode: StorageErrorCode, message: string, options?: ErrorOptions) {
    super(503, storageCode, message, options);
    this.name = "StorageError";
  }
}

/**
 * The database was written by a newer release: its schema has versions this build does not
 * know, and running on it could corrupt what that release stored. Nothing is written to it.
 */
export class SchemaTooNewError extends Error {
  constructor(readonly path: string, readonly found: number, readonly known: number) {
    super(
      `${path} has schema version ${found}, but Echelon Analytics ${VERSION} knows schema ` +
        `versions up to ${known}: the database was written by a newer release. Run that release ` +
        `(or a later one) on it; a database cannot be moved back to an older release. ` +
        `Nothing was changed.`,
    );
    this.name = "SchemaTooNewError";
  }
}
