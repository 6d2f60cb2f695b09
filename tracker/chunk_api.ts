// The contract between /ea.js and its chunks (deferred.ts, banner.ts, pow_fallback.ts), free of
// side effects so every bundle can import it. A chunk announces itself by a DOM event on
// `document`, "echelon:<name>", whose `detail` is its starter: no globals.

/** The main script's `emit`. */
export type Emit = (type: string, data: Record<string, unknown>) => void;

export interface DeferredOptions {
  emit: Emit;
  /** Whether the script tag carries `data-<name>` (the features' `data-no-*` switches). */
  has: (name: string) => boolean;
  /** The site's opt-in to scrambled form values, read at each change. */
  formValues: () => boolean;
}

/** The features in the deferred chunk, each switched off by `data-no-<name>`. */
export const DEFERRED_FEATURES = ["clicks", "outbound", "downloads", "forms", "hover", "vitals"];

/** "deferred": starts what the options ask for; returns the reporter to call at hide. */
export type DeferredStart = (options: DeferredOptions) => () => void;

/** "banner": shows the consent banner with the site's extra CSS; `decide("1" | "0")`. */
export type BannerStart = (css: string, decide: (value: string) => void) => void;

/** Prefix of the chunk events: "echelon:" + name. */
export const CHUNK_EVENT = "echelon:";

/** The proof-of-work module's exports `/ea.js` uses: its memory and `solve` (tracker/pow.ts). */
export interface PowSolver {
  m: { buffer: ArrayBuffer };
  /** The first nonce in start..start+count-1 with ≥ difficulty leading zero bits, or -1. */
  s(ptr: number, len: number, difficulty: number, start: bigint, count: number): bigint;
  /** Attempts per slice between yields to the page, when not pow.ts's default (the fallback). */
  n?: number;
}

/** "pow": the same `solve` in JavaScript, for the epoch whose module bytes it is given. */
export type PowFallbackStart = (module: Uint8Array) => PowSolver;
