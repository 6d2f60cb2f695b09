// The default connection cap, derived from the process's open-file limit: every connection holds
// a descriptor, and past the limit accept() fails with EMFILE. A reserve stays free for SQLite
// (database, WAL and shared memory per connection, the writer thread and each read thread), the
// log, the listener, Deno's own descriptors and the brief excess of a refused connection.

/** Above this a connection costs more memory (~26 KB each, idle) than it is likely worth. */
export const MAX_DEFAULT_CONNECTIONS = 4096;
const MIN_RESERVE = 128;

/** The soft "Max open files" of this process (Linux /proc/self/limits), or null if unknown. */
export function openFileLimit(
  readLimits: () => string = () => Deno.readTextFileSync("/proc/self/limits"),
): number | null {
  let text: string;
  try {
    text = readLimits();
  } catch {
    return null;
  }
  const match = text.match(/^Max open files\s+(\d+|unlimited)\s/m);
  if (!match) return null;
  return match[1] === "unlimited" ? Number.MAX_SAFE_INTEGER : Number(match[1]);
}

/**
 * Connections the open-file limit leaves room for: the limit less a reserve of an eighth (at
 * least 128). An unknown limit is taken as 1024, the usual soft default.
 */
export function connectionsFittingFdLimit(fdLimit: number | null): number {
  const limit = fdLimit ?? 1024;
  return Math.max(16, limit - Math.max(MIN_RESERVE, Math.floor(limit / 8)));
}

/** Connections allowed at once when ECHELON_MAX_CONNECTIONS is unset. */
export function defaultMaxConnections(fdLimit: number | null): number {
  return Math.min(MAX_DEFAULT_CONNECTIONS, connectionsFittingFdLimit(fdLimit));
}
