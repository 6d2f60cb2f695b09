// The instance area of the store (lib/store/types.ts): facts about the storage itself that the
// admin's instance card shows (the dashboard, routes/admin/index.tsx).

export interface InstanceStore {
  /** The number of the newest schema migration applied to the storage (0: none yet). */
  schemaVersion(): Promise<number>;
}
