// `admin restore <file>`: replaces the database with a backup, by the store's whole copy
// (lib/store/maintenance.ts StoreCopies.restore). The backup is copied beside the database
// (VACUUM INTO, so a copy taken with its -wal is complete) and checked first here: SQLite's
// integrity check, an Echelon schema no newer than this build. The swap needs the server stopped:
// the engine holds the database exclusively from before the copy to the swap, which is refused
// while any process has it open (on SQLite its exclusive lock, lib/store/sqlite/copies.ts). The
// replaced database is kept as <db>.before-restore-<UTC time>, and the path always names a whole
// database.
import {
  StoreInUseError,
  type StoreSummary,
  UnreadableCopyError,
} from "../../store/maintenance.ts";
import { storeCopies } from "../../store/open.ts";
import { type AdminCommand, CliError } from "./command.ts";
import { describeDatabase, requireExistingDatabase } from "./database_file.ts";
import { copyProgress } from "./progress.ts";

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
    await requireExistingDatabase(ctx, source);
    const copies = storeCopies({ dbPath: ctx.dbPath });
    const restored = await copies.restore(source, {
      at: ctx.now(),
      ...copyProgress(ctx.io, "restore"),
      accept: (summary) => refuseUnlessEchelon(source, summary, copies.knownSchemaVersion),
    }).catch((error) => {
      if (error instanceof StoreInUseError) throw new CliError(error.message);
      if (error instanceof UnreadableCopyError) {
        throw new CliError(`${error.message}; nothing was changed.`);
      }
      throw error;
    });
    ctx.io.out(`restore: ${source} -> ${ctx.dbPath}`);
    if (restored.kept) ctx.io.out(`  the replaced database is kept as ${restored.kept}`);
    for (const line of describeDatabase(restored.summary)) ctx.io.out(line);
  },
};

function refuseUnlessEchelon(source: string, summary: StoreSummary, known: number): void {
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
  if (summary.schemaVersion > known) {
    throw new CliError(
      `${source} has schema version ${summary.schemaVersion}, newer than this build knows ` +
        `(${known}): restore it with the release that wrote it. Nothing was changed.`,
    );
  }
}
