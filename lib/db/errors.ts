// The storage layer's own failures: the disk is full or failing. Such a write cannot succeed by
// retrying the same request now, but will once an operator frees space, so it is a 503 (an
// HttpError the router answers as JSON) and never a 500 or a hang; the data is left as it was.
import { HttpError } from "../http_error.ts";
import type { Logger } from "../log.ts";
import { StorageError } from "../store/errors.ts";

export { StorageError, type StorageErrorCode } from "../store/errors.ts";

// node:sqlite errors carry only SQLite's message (no result code), so the primary codes are
// recognised by their fixed sqlite3_errstr() texts. ENOSPC is SQLITE_FULL; a -shm or WAL file
// that cannot grow may surface as SQLITE_IOERR instead.
const FULL = "database or disk is full";
const IO_ERROR = "disk I/O error";

/** `error` as a StorageError when the disk caused it; any other error unchanged. */
export function asStorageError(error: unknown): unknown {
  if (!(error instanceof Error) || error instanceof HttpError) return error;
  if (error.message.includes(FULL)) {
    return new StorageError(
      "storage_full",
      `${FULL}: nothing was written; it can be retried once the disk has space`,
      { cause: error },
    );
  }
  if (error.message.includes(IO_ERROR)) {
    return new StorageError(
      "storage_error",
      `${IO_ERROR}: nothing was written; check the disk holding the database`,
      { cause: error },
    );
  }
  return error;
}

/**
 * A reporter for `Database.onStorageFailure`: the first refusal is logged at once, later ones at
 * most every `everyMs` with how many were left out, so a full disk under load stays readable.
 */
export function storageFailureLog(
  log: Pick<Logger, "error">,
  everyMs = 60_000,
): (error: StorageError) => void {
  let lastAt = -Infinity;
  let skipped = 0;
  return (error) => {
    const now = Date.now();
    if (now - lastAt < everyMs) {
      skipped++;
      return;
    }
    const more = skipped > 0 ? ` (and ${skipped} more since the last report)` : "";
    log.error(`the database refused a write${more}`, error);
    lastAt = now;
    skipped = 0;
  };
}
