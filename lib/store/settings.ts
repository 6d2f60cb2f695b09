// The instance settings area of the store (lib/store/types.ts): instance-wide key/value text (the
// generated secret, the admin's run-time settings, telemetry state). Keys are named by their
// owners (lib/admin/settings.ts, lib/telemetry/state.ts).

export interface SettingsStore {
  /** The value of `key`, or null when unset. */
  get(key: string): Promise<string | null>;
  /** The values of `keys` that are set. */
  getMany(keys: readonly string[]): Promise<Map<string, string>>;
  /** Sets every entry, all or none. */
  set(entries: Record<string, string>): Promise<void>;
  /** Stores `value` only when `key` is unset, and returns whichever value is stored. */
  getOrInsert(key: string, value: string): Promise<string>;
}
