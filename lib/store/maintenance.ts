// An engine's own upkeep, which the admin CLI runs (lib/admin/cli/): the rebuild of the query
// engine's per-day aggregates on the opened store (the maintenance area, lib/store/types.ts), and
// whole copies of the store, made without opening it as the app does (no migration runs, so a
// backup never changes the live store and a restore can refuse a store that is in use).
// Locations: the live store is the configured one (ECHELON_DB_PATH); a copy's location is the
// operator's argument as given, read by the engine: SQLite takes a file path. An engine whose
// copies live elsewhere reads its own form there (a URL), and its copy is its own format, written
// and read by itself: no outside dump tool is part of the interface.

/** The maintenance area of an opened store. */
export interface MaintenanceStore {
  /**
   * Recomputes the query engine's aggregates of local day `day` (YYYY-MM-DD) from the raw rows,
   * for `siteId`, or for every site that may have rows on that day when null; each site's day is
   * replaced at once. Returns the aggregate rows written.
   */
  rebuildAggregates(day: string, siteId: string | null): Promise<number>;
}

/** What a store (or a copy of one) holds, read without writing to it. */
export interface StoreSummary {
  /** "ok", or the engine's first problems from its own integrity check. */
  integrity: string;
  /** Highest applied migration; null when it has no schema version (not an Echelon store). */
  schemaVersion: number | null;
  /** Rows per table, by table name (the engine's own tables left out). */
  rows: Record<string, number>;
  bytes: number;
}

/** How far a copy is: bytes written, of about `expected`. */
export interface CopyProgress {
  written: number;
  expected: number;
}

/** What the caller sees of a copy while it is made, and its say before the copy is used. */
export interface CopyOptions {
  /** Called now and then (every quarter second) while the copy is written. */
  progress(progress: CopyProgress): void;
  /** Called once the copy is written, before it is checked. */
  checking(): void;
  /** Given the copy's summary before it is put in place: throws to refuse it (nothing changes). */
  accept(summary: StoreSummary): void;
}

/** Whether something is at a location: a store (or a copy), nothing, or something else. */
export type Presence = "present" | "missing" | "not a store";

/** Whole copies of the store at the configured location (lib/store/open.ts `storeCopies`). */
export interface StoreCopies {
  /** The live store's location, as the operator named it. */
  readonly location: string;
  /** The newest schema version this build knows: a newer copy cannot be restored by it. */
  readonly knownSchemaVersion: number;
  /** What is at `location` (the live store's when omitted); nothing is created. */
  presence(location?: string): Promise<Presence>;
  /** What the store or copy at `location` holds, read without writing to it. */
  summarize(location: string): Promise<StoreSummary>;
  /**
   * Writes a consistent copy of the live store, as of one instant, to `target` while the app
   * keeps running and writing; it is checked (`options.accept`) before it takes the name
   * `target`, and is left nowhere otherwise. Throws CopyExistsError, writing nothing, when
   * something is at `target` and `replace` is false. Resolves with the copy's summary.
   */
  backup(target: string, options: CopyOptions & { replace: boolean }): Promise<StoreSummary>;
  /**
   * Replaces the live store with a copy of the one at `source`, checked first (`options.accept`).
   * Throws StoreInUseError while any process has the live store open (a running server), and
   * UnreadableCopyError when `source` cannot be copied; nothing is changed then. The replaced
   * store is kept, at `kept` (stamped `at`, ms); the live location always names a whole store.
   */
  restore(
    source: string,
    options: CopyOptions & { at: number },
  ): Promise<{ summary: StoreSummary; kept: string | null }>;
}

/** A backup's target is taken: nothing was written. */
export class CopyExistsError extends Error {
  constructor(readonly location: string) {
    super(`${location} exists`);
    this.name = "CopyExistsError";
  }
}

/** Another process (a running server) has the live store open: nothing was changed. */
export class StoreInUseError extends Error {
  constructor(readonly location: string) {
    super(
      `${location} is in use: another process (a running Echelon server?) has it open. Stop the ` +
        "server first; nothing was changed.",
    );
    this.name = "StoreInUseError";
  }
}

/** A restore's source cannot be read as a store of the engine; `message` says why. */
export class UnreadableCopyError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "UnreadableCopyError";
  }
}
