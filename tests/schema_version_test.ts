// A database written by a newer release (issue 13, item 10): its schema_version is above the
// last migration this build knows. Starting on it must stop with a message naming both versions
// and a non-zero exit code, before anything is written to that database.
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { Database } from "../lib/db/database.ts";
import { migrate, SchemaTooNewError } from "../lib/db/migrate.ts";
import { openDatabase } from "../lib/db/mod.ts";
import { MIGRATIONS } from "../lib/db/migrations.ts";
import { SchemaTooNewError as StoreSchemaTooNewError } from "../lib/store/errors.ts";
import { openStore } from "../lib/store/open.ts";
import { runToExit } from "./_process.ts";

const KNOWN = MIGRATIONS.length;
const FUTURE = KNOWN + 3;

/** A database built by today's migrations, then stamped with a later schema version. */
async function futureDatabase(): Promise<{ dir: string; path: string }> {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/future.db`;
  openDatabase(path).close();
  const db = new DatabaseSync(path);
  db.prepare("INSERT INTO schema_version (version, name) VALUES (?, 'from-a-newer-release')")
    .run(FUTURE);
  db.close(); // checkpoints: every byte is in the main file
  return { dir, path };
}

async function snapshot(dir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for await (const entry of Deno.readDir(dir)) {
    const bytes = await Deno.readFile(`${dir}/${entry.name}`);
    const digest = await crypto.subtle.digest("SHA-256", bytes);
    files[entry.name] = Array.from(new Uint8Array(digest), (b) => b.toString(16)).join("");
  }
  return files;
}

Deno.test("migrate: a schema newer than the code is refused, naming both versions", () => {
  const db = new Database(":memory:");
  try {
    migrate(db, MIGRATIONS);
    db.run("INSERT INTO schema_version (version, name) VALUES (?, 'later')", FUTURE);
    assert.throws(() => migrate(db, MIGRATIONS), (error) => {
      assert.ok(error instanceof SchemaTooNewError);
      assert.equal(error.found, FUTURE);
      assert.equal(error.known, KNOWN);
      assert.match(error.message, new RegExp(`schema version ${FUTURE}\\b.*\\b${KNOWN}\\b`));
      return true;
    });
    assert.equal(db.get<{ n: number }>("SELECT count(*) AS n FROM schema_version")!.n, KNOWN + 1);
  } finally {
    db.close();
  }
});

Deno.test("process: a database from a newer release stops the start and is left untouched", async () => {
  const { dir, path } = await futureDatabase();
  try {
    const before = await snapshot(dir);
    const { code, output } = await runToExit({ ECHELON_DB_PATH: path, ECHELON_PORT: "0" }, 20_000);
    assert.notEqual(code, 0, output);
    assert.doesNotMatch(output, /listening on/);
    assert.match(output, new RegExp(`schema version ${FUTURE}\\b`), output);
    assert.match(output, new RegExp(`\\b${KNOWN}\\b`), output);
    assert.match(output, new RegExp(path.replaceAll(".", "\\.")), "names the database");
    assert.doesNotMatch(output, /^\s+at /m, "a message, not a stack trace");
    assert.deepEqual(await snapshot(dir), before, "no byte written, no file left behind");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("openStore: the configured file opened and migrated, what is stored there kept, a newer one refused untouched", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const config = { dbPath: `${dir}/store.db` };
    const first = openStore(config);
    try {
      assert.equal(await first.appData.instance.schemaVersion(), KNOWN, "migrated");
      assert.equal(await first.appData.sites.create("shop", "Shop"), "created");
    } finally {
      first.close();
    }
    const again = openStore(config);
    try {
      assert.equal((await again.appData.sites.get("shop"))?.name, "Shop", "kept in the file");
    } finally {
      again.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  const future = await futureDatabase();
  try {
    const before = await snapshot(future.dir);
    assert.throws(() => openStore({ dbPath: future.path }), (error) => {
      assert.ok(error instanceof StoreSchemaTooNewError, "the store's error, whatever the engine");
      assert.equal(error.found, FUTURE);
      return true;
    });
    assert.deepEqual(await snapshot(future.dir), before, "nothing written");
  } finally {
    await Deno.remove(future.dir, { recursive: true });
  }
});
