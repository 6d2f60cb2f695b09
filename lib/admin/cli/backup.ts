// `admin backup <file> [--force]`: an online, consistent copy of the database while the server
// runs (VACUUM INTO, in a worker so progress can be shown), written beside the target and renamed
// into place only once SQLite's integrity check and the schema version confirm it.
import { basename, dirname, join } from "node:path";
import { summarizeDatabase } from "../../db/backup.ts";
import { type AdminCommand, CliError } from "./command.ts";
import { describeDatabase, requireExistingDatabase } from "./database_file.ts";
import { copyWithProgress } from "./copy.ts";

export const backupCommand: AdminCommand = {
  usage: "backup <file> [--force]",
  summary: "copy the database to <file> while the server runs (consistent, verified)",
  help: `Writes a compacted copy of the database as of one instant (SQLite VACUUM INTO) while the
server keeps running and writing. The copy is checked (integrity_check, schema version) before it
is moved to <file>; its size and row counts are printed. An existing <file> is kept unless --force.`,
  options: { force: { type: "boolean" } },
  positionals: [1, 1],
  async run(ctx, args) {
    const target = args.positionals[0];
    await requireExistingDatabase(ctx.dbPath);
    if (!args.options.force && await exists(target)) {
      throw new CliError(`${target} exists; pass --force to replace it. Nothing was written.`);
    }
    const partial = join(dirname(target), `.${basename(target)}.partial-${Deno.pid}`);
    await Deno.remove(partial).catch(() => {});
    try {
      await copyWithProgress(ctx.io, "backup", { source: ctx.dbPath, target: partial });
      ctx.io.note(`backup: checking the copy (integrity_check, row counts)`);
      const summary = summarizeDatabase(partial);
      if (summary.integrity !== "ok" || summary.schemaVersion === null) {
        throw new CliError(
          `the copy failed its check (integrity: ${summary.integrity}, schema version: ` +
            `${summary.schemaVersion ?? "none"}); ${target} was not written.`,
        );
      }
      await Deno.rename(partial, target);
      ctx.io.out(`backup: ${ctx.dbPath} -> ${target}`);
      for (const line of describeDatabase(summary)) ctx.io.out(line);
    } catch (error) {
      if (error instanceof CliError) throw error;
      throw new CliError(`backup failed: ${error instanceof Error ? error.message : error}`);
    } finally {
      await Deno.remove(partial).catch(() => {});
    }
  },
};

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}
