// Limits of an experiment's definition, in a module without imports so the browser bundle (the
// form island) shares them with the server's validation.

export const MIN_VARIANTS = 2;
export const MAX_VARIANTS = 20;
/** The site an experiment belongs to when none is given. */
export const DEFAULT_SITE = "default";
