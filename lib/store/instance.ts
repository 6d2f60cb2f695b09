// The instance area of the store (lib/store/types.ts): facts about the storage itself that the
// admin's instance card shows (the dashboard, routes/admin/index.tsx) and GET /api/health reports.

/** Whether the storage answers, and the last write it refused (a full disk), if recent. */
export interface StorageHealth {
  /** False when a trivial read fails. */
  reachable: boolean;
  /** The engine's message for the last write refused within the window asked for, when no write
   * has succeeded since; null otherwise. */
  recentFailure: string | null;
}

export interface InstanceStore {
  /** The number of the newest schema migration applied to the storage (0: none yet). */
  schemaVersion(): Promise<number>;
  /** Whether the storage answers now, and a write it refused within the last `withinMs`. */
  health(withinMs: number): Promise<StorageHealth>;
}
