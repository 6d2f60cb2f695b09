// A REAL full disk (issue 13, item 1): the database lives on a 20 MB tmpfs that a filler file
// fills to the last byte while /b.gif takes 200 hits/s. SQLite then fails where it really does,
// at COMMIT when the WAL cannot grow (the max_page_count test in disk_full_test.ts fails earlier,
// at statement time). Must hold: the pixel keeps answering, /api/health says degraded, nothing
// answered is dropped while the writer buffer has room, every buffered hit is written within
// seconds of the filler being deleted (no restart), and SIGTERM afterwards is prompt.
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { AUTH_ENV, TEST_PASSWORD, TEST_USERNAME } from "../_auth.ts";
import { runToExit, spawnServer } from "../_process.ts";
import { type HealthBody, steadyLoad, waitForHealth } from "./_load.ts";
import { tmpfsTest } from "./_tmpfs.ts";

const SITE = "real-disk-full";
const RATE = 200;

const drained = (status: number, body: HealthBody) =>
  status === 200 && body.writers.views.backlog === 0;

tmpfsTest(
  "fault: a real full disk buffers the hits, reports degraded, recovers losing nothing",
  async (disk) => {
    const dbPath = `${disk.dir}/echelon.db`;
    const server = await spawnServer({
      ECHELON_DB_PATH: dbPath,
      ECHELON_RATE_LIMIT_MAX: "0",
      ECHELON_DEBUG: "true",
    });
    try {
      const load = (prefix: string, durationMs: number) =>
        steadyLoad({ baseUrl: server.baseUrl, site: SITE, prefix, ratePerSec: RATE, durationMs });

      const before = await load("before", 1000);
      await waitForHealth(server.baseUrl, drained, 10_000);

      const filler = await disk.fill();
      assert.equal(await disk.available(), 0, "the disk is full");
      const during = load("full", 6000);
      const degraded = await waitForHealth(server.baseUrl, (status) => status === 503, 15_000);
      const full = await during;
      assert.equal(degraded.body.status, "degraded");
      assert.match(String(degraded.body.writers.views.last_error), /database or disk is full/);
      assert.ok(degraded.body.writers.views.backlog > 0, "hits are kept in the buffer");
      assert.equal(degraded.body.writers.views.rejected, 0);
      const stillFull = await waitForHealth(server.baseUrl, () => true, 1000);
      assert.equal(stillFull.status, 503, "still degraded while the disk is full");

      await disk.free();
      const freedAt = performance.now();
      const recovered = await waitForHealth(server.baseUrl, drained, 20_000);
      const recoveryMs = performance.now() - freedAt;
      assert.equal(recovered.body.writers.views.rejected, 0);
      const after = await load("after", 1000);

      const stopAt = performance.now();
      const status = await server.stop("SIGTERM");
      const sigtermMs = performance.now() - stopAt;
      assert.equal(status.code, 0, server.log());
      assert.match(server.log(), /database or disk is full/, "the failure was logged");
      assert.doesNotMatch(server.log(), /could not be written|syntax error/, server.log());

      const answers = [...before.answers, ...full.answers, ...after.answers];
      const accepted = new Set(answers.filter((a) => !a.drop).map((a) => a.path));
      const drops = answers.filter((a) => a.drop).map((a) => a.drop);
      const db = new DatabaseSync(dbPath, { readOnly: true });
      try {
        const stored = new Set(
          db.prepare("SELECT path FROM visitor_views WHERE site_id = ?").all(SITE)
            .map((row) => String(row.path)),
        );
        const lost = [...accepted].filter((p) => !stored.has(p));
        console.log(
          `real disk full (${(filler / 1e6).toFixed(1)} MB filler): answered ${answers.length} ` +
            `(${full.answers.length} while full), stored ${stored.size}, lost ${lost.length}, ` +
            `dropped ${drops.length}; recovered ${Math.round(recoveryMs)} ms after space ` +
            `returned; SIGTERM ${Math.round(sigtermMs)} ms`,
        );
        assert.ok(full.answers.length >= RATE * 5, "a real load was answered while full");
        assert.deepEqual(drops, [], "no hit dropped: the buffer bound was not reached");
        assert.deepEqual(lost, [], "lost hits");
        assert.equal(stored.size, accepted.size, "one row per answered hit, nothing else");
        assert.deepEqual(
          db.prepare("PRAGMA integrity_check").all().map((r) => r.integrity_check),
          ["ok"],
        );
      } finally {
        db.close();
      }
      // Retries stay close together, so space coming back is noticed within a few seconds.
      assert.ok(recoveryMs < 6000, `recovered ${Math.round(recoveryMs)} ms after space returned`);
      assert.ok(sigtermMs < 5000, `SIGTERM took ${Math.round(sigtermMs)} ms`);
    } finally {
      await server.stop("SIGKILL").catch(() => {});
    }
  },
);

tmpfsTest(
  "fault: on a real full disk the main connection's writes answer 503 and work again after",
  async (disk) => {
    const dbPath = `${disk.dir}/echelon.db`;
    const secret = crypto.randomUUID() + crypto.randomUUID();
    const server = await spawnServer({
      ECHELON_DB_PATH: dbPath,
      ECHELON_SECRET: secret,
      ...AUTH_ENV,
    });
    const api = (path: string, body: unknown) =>
      fetch(`${server.baseUrl}${path}`, {
        method: "POST",
        headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    // Three kinds of main-thread write: a site (a transaction), an instance setting (one
    // statement) and an admin session (the login form; an HTML page route).
    const writes = {
      site: (id: string) => api("/api/sites", { site_id: id }),
      setting: (enabled: boolean) => api("/api/debug", { enabled }),
      login: () =>
        fetch(`${server.baseUrl}/admin/login`, {
          method: "POST",
          redirect: "manual",
          headers: {
            "content-type": "application/x-www-form-urlencoded",
            origin: server.baseUrl,
          },
          body: new URLSearchParams({ username: TEST_USERNAME, password: TEST_PASSWORD }),
        }),
    };
    try {
      assert.equal((await writes.site("before-full")).status, 201);
      await disk.fill();

      for (let attempt = 0; attempt < 3; attempt++) {
        const site = await writes.site(`while-full-${attempt}`);
        assert.equal(site.status, 503);
        const body = await site.json();
        assert.equal(body.error, "storage_full");
        assert.match(body.message, /database or disk is full/);
        const setting = await writes.setting(attempt % 2 === 0);
        assert.equal(setting.status, 503);
        assert.equal((await setting.json()).error, "storage_full");
        const login = await writes.login();
        await login.body?.cancel();
        assert.equal(login.status, 503, "no session could be stored");
        assert.equal(login.headers.get("set-cookie"), null);
      }
      const health = await waitForHealth(server.baseUrl, () => true, 1000);
      assert.equal(health.status, 503);
      assert.equal(health.body.status, "degraded");
      assert.equal(health.body.database, "write_failed");
      const sites = await fetch(`${server.baseUrl}/api/sites`, {
        headers: { authorization: `Bearer ${secret}` },
      });
      assert.equal(sites.status, 200, "reads keep working");
      assert.deepEqual((await sites.json()).map((s: { site_id: string }) => s.site_id), [
        "before-full",
      ]);

      await disk.free();
      assert.equal((await writes.site("after-full")).status, 201);
      const setting = await writes.setting(true);
      assert.equal(setting.status, 200);
      assert.deepEqual(await setting.json(), { debug: true });
      const login = await writes.login();
      await login.body?.cancel();
      assert.equal(login.status, 303);
      assert.match(login.headers.get("set-cookie") ?? "", /^echelon_session=/);
      const healthy = await waitForHealth(server.baseUrl, () => true, 1000);
      assert.equal(healthy.status, 200, JSON.stringify(healthy.body));

      const stopAt = performance.now();
      const status = await server.stop("SIGTERM");
      assert.equal(status.code, 0, server.log());
      assert.ok(performance.now() - stopAt < 5000, "SIGTERM is prompt");
      assert.doesNotMatch(server.log(), /syntax error|Uncaught/, server.log());
      // Nine refusals, one log line (the next would come a minute later at the earliest).
      assert.equal(server.log().match(/the database refused a write/g)?.length, 1, server.log());
      const db = new DatabaseSync(dbPath, { readOnly: true });
      try {
        const stored = db.prepare("SELECT site_id FROM sites ORDER BY site_id").all();
        assert.deepEqual(stored.map((r) => r.site_id), ["after-full", "before-full"]);
        assert.equal(db.prepare("SELECT count(*) AS n FROM admin_sessions").get()!.n, 1);
      } finally {
        db.close();
      }
    } finally {
      await server.stop("SIGKILL").catch(() => {});
    }
  },
);

tmpfsTest(
  "fault: starting on a real full disk stops with a clear message, and starts once freed",
  async (disk) => {
    const dbPath = `${disk.dir}/echelon.db`;
    const env = { ECHELON_DB_PATH: dbPath, ...AUTH_ENV };
    const first = await spawnServer(env);
    await waitForHealth(first.baseUrl, (status) => status === 200, 5000);
    assert.equal((await first.stop("SIGTERM")).code, 0, first.log());
    // The last connection to close checkpoints and deletes the -wal and -shm files (the
    // state after a clean stop): a new start has to create both.
    new DatabaseSync(dbPath).close();
    assert.deepEqual([...Deno.readDirSync(disk.dir)].map((e) => e.name), ["echelon.db"]);
    const before = await Deno.readFile(dbPath);

    await disk.fill();
    const refused = await runToExit({ ...env, ECHELON_PORT: "0" }, 20_000);
    assert.equal(refused.code, 3, refused.output);
    assert.match(
      refused.output,
      new RegExp(
        `^Cannot start: cannot open ${dbPath}: (disk I/O error|database or disk is full)`,
        "m",
      ),
    );
    assert.doesNotMatch(refused.output, /listening on|^\s+at /m, refused.output);
    assert.deepEqual(await Deno.readFile(dbPath), before, "the database is untouched");

    await disk.free();
    const second = await spawnServer(env);
    const health = await fetch(`${second.baseUrl}/api/health`);
    assert.equal(health.status, 200);
    await health.body?.cancel();
    assert.equal((await second.stop("SIGTERM")).code, 0, second.log());
  },
);
