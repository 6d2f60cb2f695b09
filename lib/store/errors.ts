// The store's own failure, whatever the engine: the disk (or the database server) refused a read
// or a write. It cannot succeed by retrying the same request now, but will once an operator frees
// space, so it is a 503 (an HttpError the router answers as JSON), never a 500 or a hang; the data
// is left as it was. Engines translate their errors into it (lib/db/errors.ts for SQLite).
import { HttpError } from "../http_error.ts";

export type StorageErrorCode = "storage_full" | "storage_error";

/** A write (or read) the storage refused; `message` keeps the engine's own words first. */
export class StorageError extends HttpError {
  constructor(readonly storageCode: StorageErrorCode, message: string, options?: ErrorOptions) {
    super(503, storageCode, message, options);
    this.name = "StorageError";
  }
}
