// The SQLite connection: pragmas, a prepared-statement cache and transactions.
// node:sqlite is synchronous, so every call here runs on the event loop: keep statements indexed
// and batched (CONTRIBUTING.md, code rule 6).
import { DatabaseSync, type SQLInputValue, type StatementSync } from "node:sqlite";
import { asStorageError, StorageError } from "./errors.ts";

export type SqlParam = SQLInputValue;
export type Row = Record<string, SqlParam>;

/** Whether another connection (a worker thread's) opening `path` sees the same database. */
export function isSharedFile(path: string): boolean {
  return path !== ":memory:" && path !== "" && !path.startsWith("file::memory:");
}

/**
 * A read process's connection (lib/reads/) bounds what one read may hold: SQLite's whole heap is
 * capped (`hard_heap_limit`, per process, and a read process runs one read at a time), past which
 * the read fails with "out of memory"; the page cache is 16 MB. Temporary b-trees and scratch
 * tables stay in memory, inside that cap: in files they were written out as they grew, and at 10M
 * rows that traffic held the server's own writes back (/b.gif p99 +115 ms during filtered
 * overviews, against +34 ms in memory) and made each read slower (12.6 s against 7.0 s).
 */
export interface ReadConnection {
  memoryMb: number;
}

export class Database {
  readonly path: string;
  readonly #db: DatabaseSync;
  readonly #statements = new Map<string, StatementSync>();
  #depth = 0;
  #closed = false;
  #storageFailure: { message: string; at: number } | null = null;
  /** Told each time the disk refuses this connection (the server logs it, rate limited). */
  onStorageFailure: ((error: StorageError) => void) | null = null;

  constructor(path: string, options: { read?: ReadConnection } = {}) {
    this.path = path;
    this.#db = new DatabaseSync(path);
    // WAL lets the dashboard read while writers flush; NORMAL is durable across process crashes
    // in WAL mode (only an OS crash can lose the last transactions); busy_timeout covers
    // checkpoints and a second process such as the CLI.
    this.#db.exec(`
      PRAGMA journal_mode = WAL;
      PRAGMA synchronous = NORMAL;
      PRAGMA busy_timeout = 5000;
      PRAGMA foreign_keys = ON;
      PRAGMA temp_store = MEMORY;
      PRAGMA cache_size = -32000;
      PRAGMA journal_size_limit = 67108864;
    `);
    if (options.read) {
      this.#db.exec(`
        PRAGMA temp_store = MEMORY;
        PRAGMA cache_size = -16000;
        PRAGMA hard_heap_limit = ${Math.floor(options.read.memoryMb) * 1024 * 1024};
      `);
    }
  }

  get isOpen(): boolean {
    return !this.#closed;
  }

  /** The prepared statement for `sql`, compiled once and reused. */
  statement(sql: string): StatementSync {
    let stmt = this.#statements.get(sql);
    if (!stmt) {
      stmt = this.#db.prepare(sql);
      this.#statements.set(sql, stmt);
    }
    return stmt;
  }

  all<T = Row>(sql: string, ...params: SqlParam[]): T[] {
    try {
      return this.statement(sql).all(...params) as T[];
    } catch (error) {
      throw this.#failure(error);
    }
  }

  /** The rows of `sql` as arrays of column values, in the SELECT's order: node:sqlite builds no
   * object per row (a tenth of the cost per row where a bulk read is read once, e.g.
   * lib/db/aggregates_rebuild.ts). */
  allArrays<T extends unknown[] = SqlParam[]>(sql: string, ...params: SqlParam[]): T[] {
    try {
      const stmt = this.statement(sql);
      stmt.setReturnArrays(true);
      try {
        return stmt.all(...params) as unknown as T[];
      } finally {
        stmt.setReturnArrays(false); // the statement is cached: all() reads it as objects
      }
    } catch (error) {
      throw this.#failure(error);
    }
  }

  get<T = Row>(sql: string, ...params: SqlParam[]): T | undefined {
    try {
      return this.statement(sql).get(...params) as T | undefined;
    } catch (error) {
      throw this.#failure(error);
    }
  }

  run(sql: string, ...params: SqlParam[]): { changes: number; lastInsertRowid: number } {
    try {
      const result = this.statement(sql).run(...params);
      if (this.#depth === 0) this.#storageFailure = null; // committed on its own
      return { changes: Number(result.changes), lastInsertRowid: Number(result.lastInsertRowid) };
    } catch (error) {
      throw this.#failure(error);
    }
  }

  /** Declares a deterministic SQL function of this connection (e.g. `regexp` for REGEXP). */
  defineFunction(name: string, fn: (...args: SqlParam[]) => SqlParam): void {
    this.#db.function(name, { deterministic: true }, fn);
  }

  exec(sql: string): void {
    try {
      this.#db.exec(sql);
    } catch (error) {
      throw this.#failure(error);
    }
  }

  /**
   * Runs `fn` in a transaction (a savepoint when nested). `fn` must be synchronous: an await
   * inside would let unrelated statements run inside this transaction. Whatever fails, COMMIT
   * included (a full disk fails there: the WAL grows only when the frames are written), the
   * transaction is undone and the nesting depth restored, so the next transaction starts clean.
   */
  transaction<T>(fn: () => T): T {
    const depth = this.#depth;
    const savepoint = `sp_${depth}`;
    try {
      // A ROLLBACK that failed (an I/O error) can leave a transaction open: end it first.
      if (depth === 0 && this.#db.isTransaction) this.#db.exec("ROLLBACK");
      this.#db.exec(depth === 0 ? "BEGIN IMMEDIATE" : `SAVEPOINT ${savepoint}`);
    } catch (error) {
      throw this.#failure(error);
    }
    this.#depth = depth + 1;
    try {
      const result = fn();
      if (result instanceof Promise) {
        throw new TypeError("transaction callbacks must be synchronous");
      }
      this.#db.exec(depth === 0 ? "COMMIT" : `RELEASE ${savepoint}`);
      if (depth === 0) this.#storageFailure = null;
      return result;
    } catch (error) {
      this.#undo(depth, savepoint);
      throw this.#failure(error);
    } finally {
      this.#depth = depth;
    }
  }

  /**
   * SQLite's message for the last write the disk refused on this connection, when that was
   * within `withinMs` and no write committed since; null otherwise (health reports it).
   */
  recentStorageFailure(withinMs: number, now = Date.now()): string | null {
    const failure = this.#storageFailure;
    return failure && now - failure.at < withinMs ? failure.message : null;
  }

  #undo(depth: number, savepoint: string): void {
    // SQLITE_FULL, SQLITE_IOERR and SQLITE_NOMEM may already have rolled the whole transaction
    // back (sqlite.org/lang_transaction.html, "Response To Errors Within A Transaction"): a
    // ROLLBACK then throws "no transaction is active" and would hide the real error. A failing
    // COMMIT of a deferred constraint, or SQLITE_BUSY, leaves the transaction open instead.
    if (!this.#db.isTransaction) return;
    try {
      this.#db.exec(depth === 0 ? "ROLLBACK" : `ROLLBACK TO ${savepoint}; RELEASE ${savepoint}`);
    } catch {
      // The error that got us here is the one to report; an outer transaction that is still
      // open is rolled back before the next BEGIN.
    }
  }

  /** `error` as the caller should see it; a disk failure is remembered for health. */
  #failure(error: unknown): unknown {
    const converted = asStorageError(error);
    if (converted instanceof StorageError) {
      this.#storageFailure = { message: converted.message, at: Date.now() };
      this.onStorageFailure?.(converted);
    }
    return converted;
  }

  /** Closes the connection; `optimize` (default) first lets SQLite refresh its statistics. */
  close(options: { optimize?: boolean } = {}): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#statements.clear();
    if (options.optimize !== false) {
      try {
        this.#db.exec("PRAGMA optimize");
      } catch {
        // optimize is advisory; a read-only or full disk must not block shutdown
      }
    }
    this.#db.close();
  }
}
