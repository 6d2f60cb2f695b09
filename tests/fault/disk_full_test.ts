// Disk full during load (docs/architecture.md, "Reliability and security"; issue 8): the writer
// connections get a real SQLITE_FULL through the test-only ECHELON_TEST_MAX_PAGES_FILE hook
// (lib/db/test_faults.ts), so it fails at statement time and runs without privileges;
// real_disk_full_test.ts fills a real tmpfs, where SQLite fails at COMMIT instead. While full,
// /b.gif keeps answering the pixel, hits are buffered and /api/health reports 503 "degraded" with
// the writer's error; once the limit is lifted, every accepted hit is stored without a restart.
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { Database } from "../../lib/db/database.ts";
import { spawnServer } from "../_process.ts";
import { steadyLoad, waitForHealth } from "./_load.ts";

const SITE = "disk-full-test";

Deno.test("fault: a transaction that hits SQLITE_FULL reports the real error", () => {
  // Regression: SQLite rolls the transaction back itself on SQLITE_FULL, and the ROLLBACK that
  // followed threw "cannot rollback - no transaction is active", which hid the cause.
  const db = new Database(":memory:");
  try {
    db.exec("CREATE TABLE t (x TEXT)");
    db.exec("PRAGMA max_page_count = 1");
    const insert = () =>
      db.transaction(() => {
        for (let i = 0; i < 500; i++) db.run("INSERT INTO t VALUES (?)", "x".repeat(100));
      });
    assert.throws(insert, /database or disk is full/);
    db.exec("PRAGMA max_page_count = 4294967294");
    insert();
    assert.equal(db.get<{ n: number }>("SELECT count(*) AS n FROM t")!.n, 500);
  } finally {
    db.close();
  }
});

Deno.test("fault: disk full during load buffers, reports degraded, recovers losing nothing", async () => {
  const dir = await Deno.makeTempDir();
  const dbPath = `${dir}/full.db`;
  const limitFile = `${dir}/max_pages`;
  const server = await spawnServer({
    ECHELON_DB_PATH: dbPath,
    ECHELON_RATE_LIMIT_MAX: "0",
    ECHELON_DEBUG: "true",
    ECHELON_VIEW_FLUSH_MS: "100",
    ECHELON_TEST_MAX_PAGES_FILE: limitFile,
  });
  try {
    const load = (prefix: string, durationMs: number) =>
      steadyLoad({ baseUrl: server.baseUrl, site: SITE, prefix, ratePerSec: 300, durationMs });
    const healthy = (status: number, body: { writers: Record<string, { backlog: number }> }) =>
      status === 200 && body.writers.views.backlog === 0;

    const before = await load("before", 500);
    await waitForHealth(server.baseUrl, healthy, 5000);

    await Deno.writeTextFile(limitFile, "1"); // no page may be added: the next batch is full
    const during = load("full", 2500);
    const degraded = await waitForHealth(server.baseUrl, (status) => status === 503, 5000);
    const full = await during;
    assert.equal(degraded.body.status, "degraded");
    assert.equal(degraded.body.database, "ok");
    assert.match(String(degraded.body.writers.views.last_error), /database or disk is full/);
    assert.ok(degraded.body.writers.views.backlog > 0, "hits are kept in the buffer");
    assert.equal(degraded.body.writers.views.rejected, 0);

    await Deno.remove(limitFile); // the disk has room again
    const recovered = await waitForHealth(server.baseUrl, healthy, 15_000);
    assert.equal(recovered.body.writers.views.rejected, 0);
    const after = await load("after", 500);

    const status = await server.stop("SIGTERM");
    assert.equal(status.code, 0, server.log());
    assert.match(server.log(), /database or disk is full/);

    const answers = [...before.answers, ...full.answers, ...after.answers];
    const accepted = new Set(answers.filter((a) => !a.drop).map((a) => a.path));
    const drops = answers.filter((a) => a.drop).map((a) => a.drop);
    const db = new DatabaseSync(dbPath, { readOnly: true });
    try {
      const stored = db.prepare("SELECT path FROM visitor_views WHERE site_id = ?").all(SITE)
        .map((row) => String(row.path));
      console.log(
        `accepted ${accepted.size} (${full.answers.length} while full), dropped ${drops.length}, ` +
          `stored ${stored.length}`,
      );
      assert.deepEqual(drops, [], "no hit dropped: the buffer bound was not reached");
      assert.ok(full.answers.length >= 300, "a real load was sent while the disk was full");
      assert.deepEqual([...accepted].filter((p) => !stored.includes(p)), [], "lost hits");
      assert.equal(stored.length, accepted.size, "one row per accepted hit, nothing else");
      assert.deepEqual(
        db.prepare("PRAGMA integrity_check").all().map((r) => r.integrity_check),
        ["ok"],
      );
    } finally {
      db.close();
    }
  } finally {
    try {
      await server.stop("SIGKILL");
    } catch {
      // already stopped
    }
    await Deno.remove(dir, { recursive: true });
  }
});
