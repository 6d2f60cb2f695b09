// The contract between /ea.js and its chunks (deferred.ts, banner.ts), free of side effects so
// every bundle can import it. A chunk announces itself by a DOM event on `document`,
// "echelon:<name>", whose `detail` is its starter: no globals.

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
