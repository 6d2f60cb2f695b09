// Runs one `VACUUM INTO` (lib/db/backup.ts) off the main thread, so the CLI can report progress
// while SQLite copies. Loaded only as a Worker; importing it elsewhere does nothing.
import { openForSnapshot, vacuumInto } from "./backup.ts";

export interface BackupRequest {
  source: string;
  target: string;
}

export interface BackupReply {
  error?: string;
}

interface WorkerScope {
  onmessage: ((event: MessageEvent<BackupRequest>) => void) | null;
  postMessage(message: BackupReply): void;
}

export function serveBackup(scope: WorkerScope): void {
  scope.onmessage = ({ data }) => {
    try {
      const db = openForSnapshot(data.source);
      try {
        vacuumInto(db, data.target);
      } finally {
        db.close();
      }
      scope.postMessage({});
    } catch (error) {
      scope.postMessage({ error: error instanceof Error ? error.message : String(error) });
    }
  };
}

// deno-lint-ignore no-explicit-any
const scope = globalThis as any;
if (typeof scope.WorkerGlobalScope === "function" && scope instanceof scope.WorkerGlobalScope) {
  serveBackup(scope as WorkerScope);
}

/** Copies `source` to `target` in a worker; resolves when the copy is complete. */
export function backupInWorker(request: BackupRequest): Promise<void> {
  const worker = new Worker(new URL("./backup_worker.ts", import.meta.url), { type: "module" });
  return new Promise<void>((resolve, reject) => {
    worker.onmessage = ({ data }: MessageEvent<BackupReply>) => {
      worker.terminate();
      if (data.error === undefined) resolve();
      else reject(new Error(data.error));
    };
    worker.onerror = (event) => {
      event.preventDefault();
      worker.terminate();
      reject(new Error(event.message));
    };
    worker.postMessage(request);
  });
}
