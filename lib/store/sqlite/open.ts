// Opening the SQLite engine (lib/store/open.ts chooses it): the database file opened and
// migrated (lib/db/mod.ts), its storage failures logged, the app-data areas on its connection,
// the app's store started on it (reads in read processes on a file, lib/reads/), and the handle
// the tests reach the connection through.
import { isSharedFile } from "../../db/database.ts";
import { type Database, openDatabase } from "../../db/mod.ts";
import { storageFailureLog } from "../../db/errors.ts";
import type { Logger } from "../../log.ts";
import { createReader } from "../../reads/mod.ts";
import type { EngineHandle, OpenedStore } from "../types.ts";
import { createSqliteAppData, createSqliteStore } from "./mod.ts";
import { sqliteReadContext } from "./read_context.ts";

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

/** The store over a connection already open (tests and benches). */
export function sqliteStoreOn(db: Database): OpenedStore {
  const handle: SqliteHandle = { engine: "sqlite", db };
  return {
    appData: createSqliteAppData(db),
    handle,
    start({ config, ephemeral, now, statsCache }) {
      // Reads run in processes of their own on a file the processes can open (lib/reads/pool.ts).
      const reads = createReader(
        sqliteReadContext(db, { now, config, statsCache }),
        config,
        ephemeral,
        isSharedFile(db.path) ? db.path : null,
      );
      return createSqliteStore(db, { reads, testMaxPagesFile: config.testMaxPagesFile });
    },
    inlineReads: (options) => sqliteReadContext(db, options),
    close: () => db.close(),
  };
}

/** The connection behind a SQLite store's handle. */
export function sqliteConnection(handle: EngineHandle): Database {
  if (handle.engine !== "sqlite" || !("db" in handle)) {
    throw new Error(`not a SQLite store: ${handle.engine}`);
  }
  return (handle as SqliteHandle).db;
}
