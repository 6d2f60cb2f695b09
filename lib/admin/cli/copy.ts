// Copies a database with VACUUM INTO in a worker (lib/db/backup_worker.ts) while reporting how much
// of it is written: shared by `backup` (the live database out) and `restore` (a backup in).
import { backupInWorker } from "../../db/backup_worker.ts";
import type { CliIo } from "./command.ts";
import { megabytes, progress } from "./progress.ts";

export async function copyWithProgress(
  io: CliIo,
  label: string,
  request: { source: string; target: string },
): Promise<void> {
  const expected = fileSize(request.source) ?? 0;
  const shown = progress(io, label);
  const timer = setInterval(() => {
    // SQLite creates the file once it starts writing pages.
    const written = fileSize(request.target);
    if (written !== null) {
      shown.update(`${megabytes(written)} of about ${megabytes(expected)} written`);
    }
  }, 250);
  try {
    await backupInWorker(request);
  } finally {
    clearInterval(timer);
  }
  shown.done();
}

function fileSize(path: string): number | null {
  try {
    return Deno.statSync(path).size;
  } catch {
    return null;
  }
}
