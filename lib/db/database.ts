// The SQLite connection: pragmas, a prepared-statement cache and transactions.
// node:sqlite is synchronous, so every call here runs on the event loop: keep statements indexed
// and batched (DESIGN: "SQL lives in lib/db/").
import { DatabaseSync, type SQLInputValue, type StatementSync } from "node:sqlite";

export type SqlParam = SQLInputValue;
export type Row = Record<string, SqlParam>;

/** Whether another connection (a worker thread's) opening `path` sees the same database. */
export function isSharedFile(path: string): boolean {
  return path !== ":memory:" && path !== "" && !path.startsWith("file::memory:");
}

export class Database {
  readonly path: string;
  readonly #db: DatabaseSync;
  readonly #statements = new Map<string, StatementSync>();
  #depth = 0;
  #closed = false;

  constructor(path: string) {
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
    return this.statement(sql).all(...params) as T[];
  }

  get<T = Row>(sql: string, ...params: SqlParam[]): T | undefined {
    return this.statement(sql).get(...params) as T | undefined;
  }

  run(sql: string, ...params: SqlParam[]): { changes: number; lastInsertRowid: number } {
    const result = this.statement(sql).run(...params);
    return { changes: Number(result.changes), lastInsertRowid: Number(result.lastInsertRowid) };
  }

  exec(sql: string): void {
    this.#db.exec(sql);
  }

  /**
   * Runs `fn` in a transaction (a savepoint when nested). `fn` must be synchronous: an await
   * inside would let unrelated statements run inside this transaction.
   */
  transaction<T>(fn: () => T): T {
    const savepoint = `sp_${this.#depth}`;
    this.#db.exec(this.#depth === 0 ? "BEGIN IMMEDIATE" : `SAVEPOINT ${savepoint}`);
    this.#depth++;
    try {
      const result = fn();
      if (result instanceof Promise) {
        throw new TypeError("transaction callbacks must be synchronous");
      }
      this.#depth--;
      this.#db.exec(this.#depth === 0 ? "COMMIT" : `RELEASE ${savepoint}`);
      return result;
    } catch (error) {
      this.#depth--;
      // SQLITE_FULL, SQLITE_IOERR and SQLITE_NOMEM may already have rolled the whole transaction
      // back (sqlite.org/lang_transaction.html, "Response To Errors Within A Transaction"): a
      // ROLLBACK then throws "no transaction is active" and would hide the real error.
      if (this.#db.isTransaction) {
        this.#db.exec(
          this.#depth === 0 ? "ROLLBACK" : `ROLLBACK TO ${savepoint}; RELEASE ${savepoint}`,
        );
      }
      throw error;
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#statements.clear();
    try {
      this.#db.exec("PRAGMA optimize");
    } catch {
      // optimize is advisory; a read-only or full disk must not block shutdown
    }
    this.#db.close();
  }
}
