import assert from "node:assert/strict";
import { compareAndSetStatus } from "../lib/db/experiments.ts";
import { Database, openDatabase } from "../lib/db/mod.ts";
import { currentSchemaVersion, migrate, type Migration } from "../lib/db/migrate.ts";
import { MIGRATIONS } from "../lib/db/migrations.ts";

const sample: Migration[] = [
  { version: 1, name: "a", sql: "CREATE TABLE a (id INTEGER PRIMARY KEY)" },
  { version: 2, name: "b", sql: "CREATE TABLE b (id INTEGER PRIMARY KEY)" },
];

Deno.test("migrate: applies each migration once, records versions", () => {
  const db = new Database(":memory:");
  assert.deepEqual(migrate(db, sample), [1, 2]);
  assert.deepEqual(migrate(db, sample), [], "a second run applies nothing");
  assert.equal(currentSchemaVersion(db), 2);
  const rows = db.all<{ version: number; name: string }>(
    "SELECT version, name FROM schema_version ORDER BY version",
  );
  assert.deepEqual(rows.map((r) => [r.version, r.name]), [[1, "a"], [2, "b"]]);
  db.close();
});

Deno.test("migrate: a new migration is applied on top of an existing schema", () => {
  const db = new Database(":memory:");
  migrate(db, sample.slice(0, 1));
  assert.deepEqual(migrate(db, sample), [2]);
  db.close();
});

Deno.test("migrate: a failing migration rolls back and keeps the previous version", () => {
  const db = new Database(":memory:");
  const broken: Migration[] = [
    ...sample,
    { version: 3, name: "bad", sql: "CREATE TABLE c (id INTEGER); SELECT * FROM missing_table" },
  ];
  assert.throws(() => migrate(db, broken));
  assert.equal(currentSchemaVersion(db), 2);
  assert.equal(
    db.get("SELECT name FROM sqlite_master WHERE name = 'c'"),
    undefined,
    "the half-applied table is rolled back",
  );
  db.close();
});

Deno.test("migrate: versions must be consecutive from 1", () => {
  const db = new Database(":memory:");
  assert.throws(() => migrate(db, [sample[1]]), /expected 1/);
  db.close();
});

Deno.test("migrate: the shipped migrations build a database in WAL mode", () => {
  const dir = Deno.makeTempDirSync();
  const db = openDatabase(`${dir}/x.db`);
  assert.equal(currentSchemaVersion(db), MIGRATIONS.length);
  assert.equal(db.get<{ journal_mode: string }>("PRAGMA journal_mode")?.journal_mode, "wal");
  assert.equal(db.get<{ synchronous: number }>("PRAGMA synchronous")?.synchronous, 1);
  assert.equal(db.get<{ timeout: number }>("PRAGMA busy_timeout")?.timeout, 5000);
  db.close();
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("database: transactions commit, roll back and nest", () => {
  const db = new Database(":memory:");
  db.exec("CREATE TABLE t (v INTEGER)");
  db.transaction(() => db.run("INSERT INTO t VALUES (1)"));
  assert.throws(() =>
    db.transaction(() => {
      db.run("INSERT INTO t VALUES (2)");
      throw new Error("boom");
    })
  );
  db.transaction(() => {
    db.run("INSERT INTO t VALUES (3)");
    assert.throws(() =>
      db.transaction(() => {
        db.run("INSERT INTO t VALUES (4)");
        throw new Error("inner");
      })
    );
  });
  assert.deepEqual(db.all<{ v: number }>("SELECT v FROM t ORDER BY v").map((r) => r.v), [1, 3]);
  assert.throws(() => db.transaction(() => Promise.resolve() as never), /synchronous/);
  db.close();
});

Deno.test("database: prepared statements are cached by SQL text", () => {
  const db = new Database(":memory:");
  assert.equal(db.statement("SELECT 1"), db.statement("SELECT 1"));
  db.close();
});

Deno.test("migrate 8: an existing database gets experiment_pauses, an open pause for each paused experiment", () => {
  const db = new Database(":memory:");
  db.exec("PRAGMA foreign_keys = ON");
  migrate(db, MIGRATIONS.slice(0, 7));
  db.exec(`INSERT INTO experiments (experiment_id, name, metric_event_type, status, started_at)
    VALUES ('running', 'R', 'purchase', 'active', '2026-11-01T00:00:00.000Z'),
           ('held', 'H', 'purchase', 'paused', '2026-11-01T00:00:00.000Z'),
           ('done', 'D', 'purchase', 'completed', '2026-11-01T00:00:00.000Z')`);
  const before = Date.now();
  assert.deepEqual(migrate(db, MIGRATIONS.slice(0, 8)), [8]);
  const rows = db.all<{ experiment_id: string; paused_at: string; resumed_at: string | null }>(
    "SELECT experiment_id, paused_at, resumed_at FROM experiment_pauses",
  );
  assert.deepEqual(rows.map((r) => [r.experiment_id, r.resumed_at]), [["held", null]]);
  // When it was paused was never recorded: from the migration on, nothing counts.
  const pausedAt = Date.parse(rows[0].paused_at);
  assert.ok(pausedAt >= before - 1000 && pausedAt <= Date.now() + 1000, rows[0].paused_at);
  assert.match(rows[0].paused_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  // Resuming closes it; deleting the experiment deletes its pauses.
  const at = "2099-01-01T00:00:00.000Z";
  assert.ok(compareAndSetStatus(db, { id: "held", from: "paused", to: "active", at }));
  assert.equal(
    db.get<{ resumed_at: string }>("SELECT resumed_at FROM experiment_pauses")!.resumed_at,
    at,
  );
  db.run("DELETE FROM experiments WHERE experiment_id = 'held'");
  assert.equal(db.get<{ n: number }>("SELECT COUNT(*) AS n FROM experiment_pauses")!.n, 0);
  db.close();
});
