// Whole-database copies for the admin CLI (lib/admin/cli/): an online, consistent snapshot with
// `VACUUM INTO` (one read transaction, so writers keep going and the copy is one instant), what a
// database file holds (integrity, schema version, row counts) without writing to it, and the
// exclusive hold `restore` takes before it swaps files.
// Why not node:sqlite's backup() (SQLite's online backup API): copied in steps, it starts over
// whenever another connection writes between two steps (sqlite.org/backup.html), which the server
// does every fraction of a second; VACUUM INTO reads in one transaction and also compacts.
import { DatabaseSync } from "node:sqlite";
import { StoreInUseError, type StoreSummary } from "../store/maintenance.ts";
import { asStorageError } from "./errors.ts";

/**
 * Writes a compacted, consistent copy of `db` to `target`, which must not exist yet. Runs in the
 * calling thread: lib/db/backup_worker.ts runs it off the main thread so progress can be shown.
 */
export function vacuumInto(db: DatabaseSync, target: string): void {
  db.prepare("VACUUM INTO ?").run(target);
}

/** Opens `path` for a snapshot: waits up to 5 s on a writer's lock, changes nothing. */
export function openForSnapshot(path: string): DatabaseSync {
  const db = new DatabaseSync(path);
  db.exec("PRAGMA busy_timeout = 5000");
  return db;
}

/**
 * What the database file at `path` holds, read without writing (read-only connection). Throws
 * an Error naming the file when it is not an SQLite database.
 */
export function summarizeDatabase(path: string): StoreSummary {
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(path, { readOnly: true });
  } catch (error) {
    throw new Error(`cannot open ${path}: ${message(error)}`, { cause: error });
  }
  try {
    const problems = db.prepare("PRAGMA integrity_check(10)").all() as {
      integrity_check: string;
    }[];
    const integrity = problems.map((row) => row.integrity_check).join("; ");
    const tables = (db.prepare(
      `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
        ORDER BY name`,
    ).all() as { name: string }[]).map((row) => row.name);
    const schemaVersion = tables.includes("schema_version")
      ? (db.prepare("SELECT MAX(version) AS v FROM schema_version").get() as { v: number | null })
        .v
      : null;
    const rows: Record<string, number> = {};
    for (const table of tables) {
      const quoted = `"${table.replaceAll('"', '""')}"`;
      rows[table] = Number(
        (db.prepare(`SELECT COUNT(*) AS n FROM ${quoted}`).get() as {
          n: number;
        }).n,
      );
    }
    const size = db.prepare(
      "SELECT page_count * page_size AS bytes FROM pragma_page_count(), pragma_page_size()",
    ).get() as { bytes: number };
    return { integrity, schemaVersion, rows, bytes: Number(size.bytes) };
  } catch (error) {
    throw new Error(`${path} is not a readable SQLite database: ${message(error)}`, {
      cause: error,
    });
  } finally {
    db.close();
  }
}

/**
 * Takes SQLite's exclusive lock on `path` and keeps it until `release()`. In WAL mode every open
 * connection holds a shared lock on the file for as long as it is open, idle or not, so this
 * fails at once (StoreInUseError) while any process has the database open, and no server can
 * open it while it is held. The lock is the kernel's (fcntl), so a crashed server holds nothing.
 * Before returning it folds the WAL into the file and leaves WAL mode, so the file alone is the
 * whole database and no -wal or -shm is left to pair with a file swapped in at this path.
 */
export function holdExclusive(path: string): { release(): void } {
  const db = new DatabaseSync(path);
  try {
    db.exec("PRAGMA busy_timeout = 0; PRAGMA locking_mode = EXCLUSIVE");
    db.prepare("SELECT COUNT(*) FROM sqlite_master").get();
    db.exec("PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE");
    // A write keeps the exclusive lock held in this locking mode until the connection closes.
    db.exec("BEGIN EXCLUSIVE; COMMIT");
  } catch (error) {
    db.close();
    if (/locked|busy/i.test(message(error))) throw new StoreInUseError(path);
    throw asStorageError(error);
  }
  return { release: () => db.close() };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
