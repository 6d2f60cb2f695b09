// Opening the store: the one place that chooses the engine from the configuration (SQLite, the
// database file at ECHELON_DB_PATH, is the only one yet; PostgreSQL and ClickHouse are added
// here). The app (lib/server.ts), the CLI's commands and scripts/crawlers.ts open it here; the
// CLI's backup and restore copy it whole without opening it (`storeCopies`).
import type { Config } from "../config.ts";
import type { Logger } from "../log.ts";
import type { StoreCopies } from "./maintenance.ts";
import { sqliteCopies } from "./sqlite/copies.ts";
import { openSqliteStore } from "./sqlite/open.ts";
import type { OpenedStore } from "./types.ts";

/**
 * Opens (and migrates) the configured store; `log` reports the engine's storage failures.
 * Throws SchemaTooNewError or StorageError (lib/store/errors.ts) when it cannot be used.
 */
export function openStore(
  config: Pick<Config, "dbPath">,
  options: { log?: Pick<Logger, "error"> } = {},
): OpenedStore {
  return openSqliteStore(config.dbPath, options);
}

/** Whole copies of the configured store (lib/store/maintenance.ts); nothing is opened yet. */
export function storeCopies(config: Pick<Config, "dbPath">): StoreCopies {
  return sqliteCopies(config.dbPath);
}
