// Opening the SQLite engine (lib/store/open.ts chooses it): the database file opened and
// migrated (lib/db/mod.ts), its storage failures logged, the app-data areas on its connection,
// and the handle the app's SQLite workers are built from.
import { type Database, openDatabase } from "../../db/mod.ts";
import { storageFailureLog } from "../../db/errors.ts";
import type { Logger } from "../../log.ts";
import type { EngineHandle, OpenedStore } from "../types.ts";
import { createSqliteAppData } from "./mod.ts";

interface SqliteHandle extends EngineHandle {
  readonly db: Database;
}

/** Opens and migrates `path`; throws SchemaTooNewError or StorageError (lib/store/errors.ts). */
export function openSqliteStore(
  path: string,
  options: { log?: Pick<Logger, "error"> } = {},
): OpenedStore {
  const db = openDatabase(path);
  if (options.log) db.onStorageFailure = storageFailureLog(options.log);
  return sqliteStoreOn(db);
}

/** The store over a connection already open (tests, benches and the CLI's own opening). */
export function sqliteStoreOn(db: Database): OpenedStore {
  const handle: SqliteHandle = { engine: "sqlite", db };
  return { appData: createSqliteAppData(db), handle, close: () => db.close() };
}

/** The connection behind a SQLite store's handle. */
export function sqliteConnection(handle: EngineHandle): Database {
  if (handle.engine !== "sqlite" || !("db" in handle)) {
    throw new Error(`not a SQLite store: ${handle.engine}`);
  }
  return (handle as SqliteHandle).db;
}
