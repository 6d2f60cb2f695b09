// The image build's compaction of DENO_DIR (scripts/compact_deno_dir.ts): a cache database left
// with its write-ahead log, as a Deno process leaves it when it exits, ends as one file holding
// every row; the other files are untouched.
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { compactDenoDir } from "../scripts/compact_deno_dir.ts";

/** Writes `rows` rows into `file` in WAL mode and exits without closing it. */
const WRITER = `
import { DatabaseSync } from "node:sqlite";
const [file, rows] = Deno.args;
const db = new DatabaseSync(file);
db.exec("PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0");
db.exec("CREATE TABLE entries (key TEXT PRIMARY KEY, value BLOB)");
const insert = db.prepare("INSERT INTO entries VALUES (?, ?)");
for (let i = 0; i < Number(rows); i++) insert.run("key-" + i, new Uint8Array(1024));
Deno.exit(0);
`;

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

Deno.test("compact DENO_DIR: the logs are folded into their databases, no row lost", async () => {
  const dir = await Deno.makeTempDir({ prefix: "echelon-deno-dir-" });
  try {
    await Deno.mkdir(`${dir}/gen`);
    await Deno.writeTextFile(`${dir}/gen/module.js`, "compiled");
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["eval", WRITER, `${dir}/cache_v2`, "500"],
    }).output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    const logBytes = (await Deno.stat(`${dir}/cache_v2-wal`)).size;
    assert.ok(logBytes > 500 * 1024, "the rows are in the log");

    assert.equal(compactDenoDir(dir), logBytes);
    assert.ok(!await exists(`${dir}/cache_v2-wal`), "no log left");
    assert.ok(!await exists(`${dir}/cache_v2-shm`), "no log index left");
    const db = new DatabaseSync(`${dir}/cache_v2`, { readOnly: true });
    try {
      const row = db.prepare("SELECT count(*) AS n FROM entries").get() as { n: number };
      assert.equal(row.n, 500);
    } finally {
      db.close();
    }
    assert.equal(await Deno.readTextFile(`${dir}/gen/module.js`), "compiled");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
