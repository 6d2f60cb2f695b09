// `admin restore <file>`: replaces the database with a backup. The backup is copied beside the
// database (VACUUM INTO, so a copy taken with its -wal is complete) and checked first: SQLite's
// integrity check, an Echelon schema no newer than this build. The swap needs the server stopped:
// SQLite's exclusive lock on the database, held from the first check to the swap, is refused
// while any process has it open (lib/db/backup.ts holdExclusive). The replaced database is kept
// as <db>.before-restore-<UTC time>, and the copy is renamed over the path (atomic on one file
// system), so the path always names a whole database.
import { basename, dirname, join } from "node:path";
import { DatabaseInUseError, holdExclusive, summarizeDatabase } from "../../db/backup.ts";
import { MIGRATIONS } from "../../db/migrations.ts";
import { type AdminCommand, CliError } from "./command.ts";
import { describeDatabase, requireExistingDatabase } from "./database_file.ts";
import { copyWithProgress } from "./copy.ts";

/** Tables every Echelon database has since its first migration. */
const ECHELON_TABLES = [
  "schema_version",
  "instance_settings",
  "sites",
  "visitor_views",
  "semantic_events",
];

export const restoreCommand: AdminCommand = {
  usage: "restore <file>",
  summary: "replace the database with a backup (the server must be stopped)",
  help: `Checks that <file> is an Echelon database (integrity_check; schema version not newer than
this build) and that no process has the database open (a running server is refused), keeps the
current database as <db>.before-restore-<time>, and swaps the backup in atomically. Start the
server afterwards; it applies any newer migrations.`,
  options: {},
  positionals: [1, 1],
  async run(ctx, args) {
    const source = args.positionals[0];
    await requireExistingDatabase(source);
    const target = ctx.dbPath;
    const hadTarget = await Deno.stat(target).then(() => true, () => false);
    let hold: { release(): void } | null = null;
    if (hadTarget) {
      try {
        hold = holdExclusive(target);
      } catch (error) {
        if (error instanceof DatabaseInUseError) throw new CliError(error.message);
        throw error;
      }
    }
    const partial = join(dirname(target), `.${basename(target)}.restore-${Deno.pid}`);
    try {
      await Deno.remove(partial).catch(() => {});
      try {
        await copyWithProgress(ctx.io, "restore", { source, target: partial });
      } catch (error) {
        throw new CliError(
          `${source} cannot be read as an SQLite database (${
            error instanceof Error ? error.message : error
          }); nothing was changed.`,
        );
      }
      ctx.io.note(`restore: checking the copy (integrity_check, row counts)`);
      const summary = summarizeDatabase(partial);
      refuseUnlessEchelon(source, summary);
      let kept: string | null = null;
      if (hadTarget) {
        kept = `${target}.before-restore-${
          new Date(ctx.now()).toISOString().replace(/[:.]/g, "-")
        }`;
        await Deno.link(target, kept).catch(() => Deno.copyFile(target, kept!));
        for (const sidecar of ["-wal", "-shm", "-journal"]) {
          await Deno.remove(target + sidecar).catch(() => {});
        }
      }
      await Deno.rename(partial, target);
      ctx.io.out(`restore: ${source} -> ${target}`);
      if (kept) ctx.io.out(`  the replaced database is kept as ${kept}`);
      for (const line of describeDatabase(summary)) ctx.io.out(line);
    } finally {
      hold?.release();
      await Deno.remove(partial).catch(() => {});
    }
  },
};

function refuseUnlessEchelon(
  source: string,
  summary: ReturnType<typeof summarizeDatabase>,
): void {
  if (summary.integrity !== "ok") {
    throw new CliError(
      `${source} fails SQLite's integrity check (${summary.integrity}); nothing was changed.`,
    );
  }
  const missing = ECHELON_TABLES.filter((table) => !(table in summary.rows));
  if (summary.schemaVersion === null || missing.length > 0) {
    throw new CliError(
      `${source} is not an Echelon database (missing ${missing.join(", ")}); nothing was changed.`,
    );
  }
  if (summary.schemaVersion > MIGRATIONS.length) {
    throw new CliError(
      `${source} has schema version ${summary.schemaVersion}, newer than this build knows ` +
        `(${MIGRATIONS.length}): restore it with the release that wrote it. Nothing was changed.`,
    );
  }
}
