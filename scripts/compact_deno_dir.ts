// `deno run -A scripts/compact_deno_dir.ts DIR`: folds the write-ahead logs that Deno's SQLite
// caches leave in a DENO_DIR (4 MB after `deno cache` of the app) into their databases, which
// keep every entry: the image build runs it on the DENO_DIR the image ships.
import { DatabaseSync } from "node:sqlite";

/** Checkpoints every `<db>-wal` in `dir` into `<db>`; returns the bytes of the logs removed. */
export function compactDenoDir(dir: string): number {
  let removed = 0;
  for (const entry of Deno.readDirSync(dir)) {
    if (!entry.isFile || !entry.name.endsWith("-wal")) continue;
    const log = `${dir}/${entry.name}`;
    removed += Deno.statSync(log).size;
    const db = new DatabaseSync(log.slice(0, -"-wal".length));
    // The last connection's close checkpoints the log and deletes it and its index.
    db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    db.close();
  }
  return removed;
}

if (import.meta.main) {
  const [dir] = Deno.args;
  if (!dir) {
    console.error("usage: deno run -A scripts/compact_deno_dir.ts DIR");
    Deno.exit(2);
  }
  console.log(`${dir}: ${(compactDenoDir(dir) / 1e6).toFixed(1)} MB of SQLite logs folded in`);
}
