// `admin backup <file> [--force]`: an online, consistent copy of the database while the server
// runs (the store's whole copy, lib/store/maintenance.ts: on SQLite VACUUM INTO, in a worker so
// progress can be shown), put at <file> only once its integrity check and schema version confirm
// it.
import { CopyExistsError, type StoreSummary } from "../../store/maintenance.ts";
import { storeCopies } from "../../store/open.ts";
import { type AdminCommand, CliError } from "./command.ts";
import { describeDatabase, requireExistingDatabase } from "./database_file.ts";
import { copyProgress } from "./progress.ts";

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
    await requireExistingDatabase(ctx, ctx.dbPath);
    let summary: StoreSummary;
    try {
      summary = await storeCopies({ dbPath: ctx.dbPath }).backup(target, {
        replace: args.options.force === true,
        ...copyProgress(ctx.io, "backup"),
        accept(summary) {
          if (summary.integrity !== "ok" || summary.schemaVersion === null) {
            throw new CliError(
              `the copy failed its check (integrity: ${summary.integrity}, schema version: ` +
                `${summary.schemaVersion ?? "none"}); ${target} was not written.`,
            );
          }
        },
      });
    } catch (error) {
      if (error instanceof CopyExistsError) {
        throw new CliError(`${target} exists; pass --force to replace it. Nothing was written.`);
      }
      if (error instanceof CliError) throw error;
      throw new CliError(`backup failed: ${error instanceof Error ? error.message : error}`);
    }
    ctx.io.out(`backup: ${ctx.dbPath} -> ${target}`);
    for (const line of describeDatabase(summary)) ctx.io.out(line);
  },
};
