// `deno task admin` against a real server process and its database file: a backup taken while
// batches are being written is consistent and complete, restore refuses a running server and then
// swaps the file (the restarted server shows the restored counts), reset-password applies to the
// next HTTP sign-in and ends the old sessions, create-site shows in /api/sites, rebuild-aggregates
// leaves the dashboard figures unchanged, and export writes the files /api/export serves.
import assert from "node:assert/strict";
import { summarizeDatabase } from "../lib/db/backup.ts";
import { Database } from "../lib/db/database.ts";
import { rollupState } from "../lib/db/rollups.ts";
import { TEST_PASSWORD_HASH } from "./_auth.ts";
import { TEST_SECRET } from "./_helpers.ts";
import { spawnServer } from "./_process.ts";
import { BEARER, ingestBatch, runAdmin, sendViews } from "./_admin_cli.ts";

const BATCH = 25;
const VIEWS = 6;
const SITE = "shop";

function count(path: string, table: string): number {
  return summarizeDatabase(path).rows[table];
}

async function login(baseUrl: string, password: string): Promise<Response> {
  return await fetch(`${baseUrl}/admin/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ username: "admin", password, next: "/admin" }),
  });
}

async function adminStatus(baseUrl: string, cookie: string): Promise<number> {
  const res = await fetch(`${baseUrl}/admin/settings`, { headers: { cookie }, redirect: "manual" });
  await res.body?.cancel();
  return res.status;
}

function cookieOf(res: Response): string {
  return (res.headers.get("set-cookie") ?? "").split(";")[0];
}

Deno.test("admin CLI: backup, restore, reset-password, create-site, rebuild, export", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "echelon-admin-cli-" });
  const dbPath = `${dir}/echelon.db`;
  const env = { ECHELON_DB_PATH: dbPath, ECHELON_SECRET: TEST_SECRET };
  let server = await spawnServer(env);
  try {
    const written = await ingestBatch(server.baseUrl, SITE, BATCH);
    assert.equal(written, BATCH);
    await sendViews(server.baseUrl, SITE, VIEWS);

    await t.step("help lists every command; a bad command line exits 2", async () => {
      const help = await runAdmin(["help"], env);
      assert.equal(help.code, 0);
      for (const name of ["backup", "restore", "reset-password", "create-site"]) {
        assert.match(help.stdout, new RegExp(`^  ${name} `, "m"));
      }
      assert.match(help.stdout, /rebuild-aggregates/);
      assert.match(help.stdout, /export/);
      const unknown = await runAdmin(["frobnicate"], env);
      assert.equal(unknown.code, 2);
      assert.match(unknown.stderr, /unknown command "frobnicate"/);
      const extra = await runAdmin(["backup"], env);
      assert.equal(extra.code, 2);
      assert.match(extra.stderr, /usage: deno task admin backup <file>/);
      const missing = await runAdmin(["backup", `${dir}/x.db`, "--db", `${dir}/none.db`], env);
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /none\.db does not exist/);
      assert.equal(await Deno.stat(`${dir}/none.db`).catch(() => null), null);
    });

    const backupPath = `${dir}/backup.db`;
    let backedUp = 0;
    await t.step(
      "backup while batches are being written: consistent, verified, complete",
      async () => {
        let writing = true;
        let total = written;
        const writer = (async () => {
          while (writing) total += await ingestBatch(server.baseUrl, SITE, BATCH);
        })();
        await new Promise((r) => setTimeout(r, 300));
        const result = await runAdmin(["backup", backupPath], env);
        writing = false;
        await writer;
        assert.equal(result.code, 0, result.stderr);
        assert.match(result.stdout, /integrity ok/);
        assert.match(result.stdout, /semantic_events\s+\d+/);
        const summary = summarizeDatabase(backupPath);
        assert.equal(summary.integrity, "ok");
        backedUp = summary.rows.semantic_events;
        // One instant: whole batches only (each is one transaction), taken while writes went on.
        assert.equal(backedUp % BATCH, 0);
        assert.ok(backedUp >= written, `${backedUp} >= ${written}`);
        assert.ok(backedUp < total, `${backedUp} < ${total}: the server kept writing`);
        assert.equal(summary.rows.visitor_views, VIEWS);
        assert.match(result.stdout, new RegExp(`semantic_events\\s+${backedUp}\\b`));
        assert.equal(count(dbPath, "semantic_events"), total);

        const again = await runAdmin(["backup", backupPath], env);
        assert.equal(again.code, 1);
        assert.match(again.stderr, /exists; pass --force/);
        assert.equal(count(backupPath, "semantic_events"), backedUp);
        const forced = await runAdmin(["backup", `${dir}/forced.db`, "--force"], env);
        assert.equal(forced.code, 0, forced.stderr);
      },
    );

    await t.step("restore is refused while the server has the database open", async () => {
      const before = count(dbPath, "semantic_events");
      const result = await runAdmin(["restore", backupPath], env);
      assert.equal(result.code, 1);
      assert.match(result.stderr, /is in use: another process/);
      assert.equal(count(dbPath, "semantic_events"), before);
      const res = await fetch(`${server.baseUrl}/api/health`);
      assert.equal(res.status, 200);
      await res.body?.cancel();
    });

    await t.step("create-site: visible in /api/sites; a bad id exits 2", async () => {
      const result = await runAdmin(["create-site", "Made.By-CLI", "--name", "From the CLI"], env);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /made\.by-cli created/);
      const sites = await (await fetch(`${server.baseUrl}/api/sites`, { headers: BEARER })).json();
      const site = sites.find((s: { site_id: string }) => s.site_id === "made.by-cli");
      assert.equal(site?.name, "From the CLI");
      const bad = await runAdmin(["create-site", "no spaces"], env);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /Site id: "no spaces" must be/);
    });

    await t.step("reset-password: the next sign-in uses it, old sessions end", async () => {
      const generated = server.log().match(/with password: (\S+)/)?.[1];
      assert.ok(generated, server.log());
      const first = await login(server.baseUrl, generated);
      assert.equal(first.status, 303);
      const oldCookie = cookieOf(first);
      assert.equal(await adminStatus(server.baseUrl, oldCookie), 200);

      const weak = await runAdmin(["reset-password"], env, "short\n");
      assert.equal(weak.code, 2);
      assert.match(weak.stderr, /too weak: 5 characters, at least 12/);
      const pinned = await runAdmin(["reset-password", "--generate"], {
        ...env,
        ECHELON_USERNAME: "alice",
        ECHELON_PASSWORD_HASH: TEST_PASSWORD_HASH,
      });
      assert.equal(pinned.code, 1);
      assert.match(pinned.stderr, /they win over a stored password/);
      assert.equal(await adminStatus(server.baseUrl, oldCookie), 200);

      const fresh = "Granite-Otter-47-Lantern";
      const reset = await runAdmin(["reset-password"], env, `${fresh}\n`);
      assert.equal(reset.code, 0, reset.stderr);
      assert.match(reset.stderr, /1 admin session\(s\) signed out/);
      assert.equal(await adminStatus(server.baseUrl, oldCookie), 303);
      const old = await login(server.baseUrl, generated);
      assert.equal(old.status, 401);
      await old.body?.cancel();
      const next = await login(server.baseUrl, fresh);
      assert.equal(next.status, 303);
      assert.equal(await adminStatus(server.baseUrl, cookieOf(next)), 200);

      const generatedReset = await runAdmin(["reset-password", "--generate"], env);
      assert.equal(generatedReset.code, 0, generatedReset.stderr);
      const printed = generatedReset.stdout.trim();
      assert.equal(printed.length, 24);
      assert.equal((await login(server.baseUrl, printed)).status, 303);
    });

    await t.step("rebuild-aggregates: rebuilt days, the same dashboard figures", async () => {
      const overview = async () => {
        const res = await fetch(
          `${server.baseUrl}/api/stats/overview?site_id=${SITE}&days=7`,
          { headers: BEARER },
        );
        assert.equal(res.status, 200);
        // When today's rollup was last built is the one thing a rebuild changes.
        const body = await res.json();
        delete body.source?.today_built_at;
        return body;
      };
      const before = await overview();
      assert.ok(before.events > 0);
      assert.equal(before.excluded_views, VIEWS, "the unproven views, counted as excluded");
      const today = new Date().toISOString().slice(0, 10);
      const db = new Database(dbPath);
      const builtBefore = rollupState(db, today)?.built_at ?? "";
      // The query engine's day aggregates, lost (as if written by a faulty release): rebuilt too.
      const aggregates = () =>
        db.all(
          "SELECT * FROM day_aggregates WHERE site_id = ? ORDER BY dim, day, bot, value",
          SITE,
        );
      const stored = aggregates();
      assert.ok(stored.length > 0);
      db.run("DELETE FROM day_aggregates WHERE site_id = ?", SITE);
      const result = await runAdmin(["rebuild-aggregates", "--site", SITE, "--days", "7"], env);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /1 day\(s\) \S+ rebuilt \(\d+ rollup rows, [1-9]\d* engine/);
      assert.ok((rollupState(db, today)?.built_at ?? "") > builtBefore);
      assert.deepEqual(aggregates(), stored);
      db.close({ optimize: false });
      assert.deepEqual(await overview(), before);
      const bad = await runAdmin(["rebuild-aggregates", "--from", "2026-13-01"], env);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /from: "2026-13-01" is not a YYYY-MM-DD date/);
    });

    await t.step("export: the same files as /api/export", async () => {
      const today = new Date().toISOString().slice(0, 10);
      const range = `from=${today}&to=${today}`;
      const http: Record<string, string> = {};
      for (const kind of ["overview", "views", "events", "bots"]) {
        const res = await fetch(
          `${server.baseUrl}/api/export/${kind}.csv?site_id=${SITE}&${range}`,
          { headers: BEARER },
        );
        assert.equal(res.status, 200);
        http[kind] = await res.text();
      }
      const out = `${dir}/export`;
      const result = await runAdmin(["export", SITE, out, "--from", today, "--to", today], env);
      assert.equal(result.code, 0, result.stderr);
      const stamp = /generated_at,[^\r\n]*/g;
      for (const [kind, body] of Object.entries(http)) {
        const file = await Deno.readTextFile(
          `${out}/echelon-${SITE}-${kind}-${today}_${today}.csv`,
        );
        assert.equal(file.replace(stamp, ""), body.replace(stamp, ""), kind);
      }
      assert.ok(http.events.split("\r\n").length > BATCH);
      assert.equal(http.views.trim().split("\r\n").length, VIEWS + 1, "a header and the views");
      const one = await runAdmin(["export", SITE, `${dir}/e.csv`, "--kind", "events"], env);
      assert.equal(one.code, 0, one.stderr);
      assert.equal(await Deno.readTextFile(`${dir}/e.csv`), http.events);
    });

    await t.step("restore: checked, swapped, the restarted server shows the backup", async () => {
      const liveCount = count(dbPath, "semantic_events");
      await server.stop();
      const notDb = `${dir}/not.db`;
      await Deno.writeTextFile(notDb, "hello");
      const refused = await runAdmin(["restore", notDb], env);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /cannot be read as an SQLite database/);

      const result = await runAdmin(["restore", backupPath], env);
      assert.equal(result.code, 0, result.stderr);
      const kept = result.stdout.match(/kept as (\S+)/)?.[1];
      assert.ok(kept);
      assert.equal(count(kept, "semantic_events"), liveCount);
      assert.equal(count(dbPath, "semantic_events"), backedUp);

      server = await spawnServer(env);
      const res = await fetch(
        `${server.baseUrl}/api/stats/overview?site_id=${SITE}&days=1`,
        { headers: BEARER },
      );
      assert.equal((await res.json()).events, backedUp);
    });
  } finally {
    await server.stop().catch(() => {}); // the restore step stops it itself
    await Deno.remove(dir, { recursive: true });
  }
});
