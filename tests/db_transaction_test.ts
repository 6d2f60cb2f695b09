// Database.transaction() when COMMIT itself fails (issue 13, item 1): a deferred foreign key
// makes COMMIT fail while every statement succeeded, the way a full disk fails at COMMIT when the
// WAL cannot grow. The connection must stay usable: the real error surfaces, nothing of the
// failed transaction is kept, and later transactions (and savepoints) work.
import assert from "node:assert/strict";
import { Database } from "../lib/db/database.ts";

function withDeferredKey(): Database {
  const db = new Database(":memory:");
  db.exec(`CREATE TABLE parent (id INTEGER PRIMARY KEY);
    CREATE TABLE child (parent_id INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED)`);
  return db;
}

const count = (db: Database, table: string) =>
  db.get<{ n: number }>(`SELECT count(*) AS n FROM ${table}`)!.n;

Deno.test("database: a COMMIT that fails reports its error and leaves the connection usable", () => {
  const db = withDeferredKey();
  try {
    assert.throws(
      () => db.transaction(() => db.run("INSERT INTO child VALUES (42)")),
      /FOREIGN KEY constraint failed/,
    );
    assert.equal(count(db, "child"), 0, "the failed transaction was rolled back");

    // The next transactions, plain and nested, commit normally.
    db.transaction(() => db.run("INSERT INTO parent VALUES (1)"));
    db.transaction(() => {
      db.run("INSERT INTO child VALUES (1)");
      db.transaction(() => db.run("INSERT INTO parent VALUES (2)"));
    });
    assert.equal(count(db, "parent"), 2);
    assert.equal(count(db, "child"), 1);
  } finally {
    db.close();
  }
});

Deno.test("database: COMMIT failing many times in a row never wedges the connection", () => {
  const db = withDeferredKey();
  try {
    for (let i = 0; i < 5; i++) {
      assert.throws(
        () => db.transaction(() => db.run("INSERT INTO child VALUES (?)", 100 + i)),
        /FOREIGN KEY constraint failed/,
      );
    }
    assert.equal(db.transaction(() => db.run("INSERT INTO parent VALUES (7)").changes), 1);
    assert.equal(count(db, "child"), 0);
  } finally {
    db.close();
  }
});

Deno.test("database: a COMMIT that fails also undoes the savepoints released inside it", () => {
  // The outer COMMIT fails after an inner savepoint committed: both are undone, then the
  // connection works again.
  const db = withDeferredKey();
  try {
    assert.throws(
      () =>
        db.transaction(() => {
          db.run("INSERT INTO parent VALUES (1)");
          db.transaction(() => db.run("INSERT INTO child VALUES (99)"));
        }),
      /FOREIGN KEY constraint failed/,
    );
    assert.equal(count(db, "parent"), 0, "the outer transaction's rows were rolled back too");
    db.transaction(() => {
      db.run("INSERT INTO parent VALUES (3)");
      assert.throws(() =>
        db.transaction(() => {
          db.run("INSERT INTO parent VALUES (4)");
          throw new Error("inner");
        })
      );
    });
    assert.deepEqual(db.all<{ id: number }>("SELECT id FROM parent").map((r) => r.id), [3]);
  } finally {
    db.close();
  }
});
