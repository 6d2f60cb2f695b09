// The contract between /ea.js and its deferred chunk (deferred.ts), free of side effects so both
// bundles can import it.

/** The main script's `emit`. */
export type Emit = (type: string, data: Record<string, unknown>) => void;

export interface DeferredOptions {
  emit: Emit;
  hover: boolean;
  vitals: boolean;
}

/** Starts what the options ask for; returns the reporter to call when the page is hidden. */
export type DeferredStart = (options: DeferredOptions) => () => void;

/** The DOM event on `document` whose `detail` is the chunk's DeferredStart. */
export const DEFERRED_EVENT = "echelon:deferred";
