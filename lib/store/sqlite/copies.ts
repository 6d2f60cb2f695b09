// Whole copies of a SQLite store (lib/store/maintenance.ts StoreCopies): locations are file paths.
// A copy is written by VACUUM INTO in a worker (lib/db/backup_worker.ts; its size is polled for
// the progress) to a hidden file beside its destination, checked (lib/db/backup.ts
// summarizeDatabase), and only then renamed into place (atomic on one file system), so a path
// always names a whole database. A restore first takes SQLite's exclusive lock on the live file
// (lib/db/backup.ts holdExclusive: refused while any process has it open) and keeps it to the
// swap; the replaced file is kept as <db>.before-restore-<UTC time>.
import { basename, dirname, join } from "node:path";
import { holdExclusive, summarizeDatabase } from "../../db/backup.ts";
import { backupInWorker } from "../../db/backup_worker.ts";
import { MIGRATIONS } from "../../db/migrations.ts";
import {
  CopyExistsError,
  type CopyOptions,
  type Presence,
  type StoreCopies,
  UnreadableCopyError,
} from "../maintenance.ts";

const PROGRESS_EVERY_MS = 250;

export function sqliteCopies(path: string): StoreCopies {
  return {
    location: path,
    knownSchemaVersion: MIGRATIONS.length,
    presence: (location = path) => presence(location),
    summarize: (location) => Promise.try(() => summarizeDatabase(location)),
    async backup(target, options) {
      if (!options.replace && await exists(target)) throw new CopyExistsError(target);
      const partial = join(dirname(target), `.${basename(target)}.partial-${Deno.pid}`);
      await Deno.remove(partial).catch(() => {});
      try {
        const summary = await copyChecked(path, partial, options);
        await Deno.rename(partial, target);
        return summary;
      } finally {
        await Deno.remove(partial).catch(() => {});
      }
    },
    async restore(source, options) {
      const hadTarget = await Deno.stat(path).then(() => true, () => false);
      // Throws StoreInUseError while another connection has the file open.
      const hold = hadTarget ? holdExclusive(path) : null;
      const partial = join(dirname(path), `.${basename(path)}.restore-${Deno.pid}`);
      try {
        await Deno.remove(partial).catch(() => {});
        try {
          await copyWithProgress(source, partial, options);
        } catch (error) {
          throw new UnreadableCopyError(
            `${source} cannot be read as an SQLite database (${
              error instanceof Error ? error.message : error
            })`,
            { cause: error },
          );
        }
        const summary = check(partial, options);
        let kept: string | null = null;
        if (hadTarget) {
          kept = `${path}.before-restore-${
            new Date(options.at).toISOString().replace(/[:.]/g, "-")
          }`;
          await Deno.link(path, kept).catch(() => Deno.copyFile(path, kept!));
          for (const sidecar of ["-wal", "-shm", "-journal"]) {
            await Deno.remove(path + sidecar).catch(() => {});
          }
        }
        await Deno.rename(partial, path);
        return { summary, kept };
      } finally {
        hold?.release();
        await Deno.remove(partial).catch(() => {});
      }
    },
  };
}

async function copyChecked(source: string, target: string, options: CopyOptions) {
  await copyWithProgress(source, target, options);
  return check(target, options);
}

function check(copy: string, options: CopyOptions) {
  options.checking();
  const summary = summarizeDatabase(copy);
  options.accept(summary);
  return summary;
}

/** VACUUM INTO `target` in a worker, its size reported while SQLite writes it. */
async function copyWithProgress(
  source: string,
  target: string,
  options: Pick<CopyOptions, "progress">,
): Promise<void> {
  const expected = fileSize(source) ?? 0;
  const timer = setInterval(() => {
    // SQLite creates the file once it starts writing pages.
    const written = fileSize(target);
    if (written !== null) options.progress({ written, expected });
  }, PROGRESS_EVERY_MS);
  try {
    await backupInWorker({ source, target });
  } finally {
    clearInterval(timer);
  }
}

async function presence(location: string): Promise<Presence> {
  try {
    return (await Deno.stat(location)).isFile ? "present" : "not a store";
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return "missing";
    throw error;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

function fileSize(path: string): number | null {
  try {
    return Deno.statSync(path).size;
  } catch {
    return null;
  }
}
