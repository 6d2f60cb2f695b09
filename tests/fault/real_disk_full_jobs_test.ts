// The main connection on a REAL full disk (issue 13, item 1), in process with a frozen clock:
// every background job (counters and site registration, rollups, retention, session purge, …)
// fails with the disk's own error instead of hanging, the buffered rows and pending sites are
// kept, an admin whose session is due a touch keeps browsing, and once space returns the same
// jobs catch up on the same connection, with no restart.
import assert from "node:assert/strict";
import type { SqlParam } from "../../lib/db/database.ts";
import { adminApp, adminGet } from "../_admin.ts";
import { beaconUrl, hit } from "../_collect.ts";
import { D0, D1, D2, insertFixture } from "../_stats_fixture.ts";
import { tmpfsTest } from "./_tmpfs.ts";

const FULL = /database or disk is full/;

tmpfsTest(
  "fault: on a real full disk the jobs fail cleanly and catch up once space returns",
  async (disk) => {
    const app = await adminApp({
      ECHELON_DB_PATH: `${disk.dir}/echelon.db`,
      ECHELON_READ_THREADS: "0",
      // Day D0 is past retention: the retention job rolls it up, then purges its raw rows.
      ECHELON_RETENTION_DAYS: "1",
    });
    const { db, collect, jobs } = app.services;
    const count = (sql: string, ...params: SqlParam[]) => db.get<{ n: number }>(sql, ...params)!.n;
    const runJobs = async () => {
      const outcomes: Record<string, string> = {};
      for (const job of jobs) {
        try {
          await job.run();
          outcomes[job.name] = "ok";
        } catch (error) {
          outcomes[job.name] = error instanceof Error ? error.message : String(error);
        }
      }
      return outcomes;
    };
    try {
      insertFixture(app);
      const accepted = await hit(app, beaconUrl({ s: "new-site" }));
      assert.equal(accepted.drop, null);
      app.clock.now += 2 * 60_000; // the admin's session is due a last_seen_at update

      await disk.fill();
      await assert.rejects(() => collect.views.flush(), FULL);
      assert.equal(collect.views.size, 1, "the buffered view is kept");
      await assert.rejects(() => collect.flushCounters(), FULL);
      const failing = await runJobs();
      for (const name of ["collect-counters", "rollups", "retention"]) {
        assert.match(failing[name], FULL, `${name}: ${failing[name]}`);
      }
      for (const [name, outcome] of Object.entries(failing)) {
        assert.ok(outcome === "ok" || FULL.test(outcome), `${name}: ${outcome}`);
      }
      const page = await adminGet(app, "/admin/settings");
      await page.body?.cancel();
      assert.equal(page.status, 200, "reading needs no space");
      const api = await app.request("/api/sites", {
        method: "POST",
        headers: { cookie: app.cookie, origin: "http://echelon.test" },
        body: JSON.stringify({ site_id: "while-full" }),
      });
      assert.equal(api.status, 503);
      assert.equal((await api.json()).error, "storage_full");

      await disk.free();
      assert.equal(await collect.views.flush(), 1);
      const recovered = await runJobs();
      assert.ok(Object.values(recovered).every((o) => o === "ok"), JSON.stringify(recovered));
      assert.equal(count("SELECT count(*) AS n FROM sites WHERE site_id = 'new-site'"), 1);
      assert.equal(
        count("SELECT count(*) AS n FROM visitor_views WHERE site_id = 'new-site'"),
        1,
      );
      for (const day of [D0, D1, D2]) {
        assert.ok(
          count("SELECT count(*) AS n FROM rollup_daily_totals WHERE date = ?", day) > 0,
          `rollup of ${day}`,
        );
      }
      assert.equal(
        count("SELECT count(*) AS n FROM visitor_views WHERE created_at < ?", D1),
        0,
        "retention purged the day past retention",
      );
      const touched = await adminGet(app, "/admin/settings");
      await touched.body?.cancel();
      assert.equal(touched.status, 200);
      assert.equal(
        count("SELECT count(*) AS n FROM admin_sessions WHERE last_seen_at = ?", app.clock.now),
        1,
        "the session's touch is written again",
      );
    } finally {
      await app.services.reads.close();
      db.close();
    }
  },
);
