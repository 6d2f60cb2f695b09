// The contract between the server and the built tracker: the one object `/ea.js` injects per
// response (in place of the `__ECHELON__` identifier) and the JSON `GET /c` answers. The tracker
// imports only the types; the server imports `renderInjected` to write the literal safely.

/**
 * Per-site collection settings (docs/architecture.md, decision 6); defaults are the private ones.
 */
export interface SiteSettings {
  /** Query parameters kept in `p` besides utm_*. */
  query: string[];
  /** The site opted in to (scrambled) form values; otherwise only lengths are sent. */
  formValues: boolean;
  /** Extra CSS for the consent banner. */
  consentCss: string;
  /**
   * The site is anonymised (ECHELON_ANONYMIZE_SITES): values of allow-listed query parameters
   * leave the page as a hash, never as written (utm_* stay, the server maps them).
   */
  anon?: boolean;
}

/**
 * ECHELON_DEBUG and ECHELON_COOKIE_CONSENT are not in it: they select the build variant served
 * (`variantFile`), so the default script carries neither tracing nor the banner.
 */
export interface Injected {
  // One-letter keys: this object is in every /ea.js response (the same reason /b.gif's
  // parameters are `p`, `s`, `sid`).
  /** Origin of the Echelon server, e.g. "https://stats.example.com". */
  o: string;
  /**
   * A challenge for the site (only when the script was requested with `?s=`), else null. It
   * names its own difficulty (leading zero bits), adaptive per client.
   */
  c: string | null;
  /** The 6-hour epoch of `w`. */
  e: number;
  /** The epoch's proof-of-work module (only the solve export), lowercase hex. */
  w: string;
  /** Content hash of the chunks (deferred, banner): the cache key in `/ea.<chunk>.js?h=`. */
  h: string;
  /** How long a challenge stays valid after issue, in ms (ECHELON_CHALLENGE_WINDOW_MINUTES). */
  m: number;
  /**
   * Settings of the `?s=` site; null when the script is not site-specific or the site keeps the
   * defaults (no query parameter kept, no form values, no consent CSS).
   */
  s: SiteSettings | null;
}

/** `GET /c?s=<site>&e=<epoch>`. */
export interface ChallengeResponse {
  challenge: string;
  difficulty: number;
  /** Server time (ms) after which the challenge's tokens are "expired". */
  expiresAt: number;
  epoch: number;
  /** The current module (hex), only when the client's `e` differs from `epoch`. */
  wasm?: string;
  site: SiteSettings;
}

/** The identifier in the built file that the server replaces with the injected literal. */
export const PLACEHOLDER = "__ECHELON__";

/**
 * A JSON literal that is also safe inside inline <script> and in pre-ES2019 engines. The challenge
 * `c` comes last, after the WASM hex: `/ea.js?s=` compresses the text before the challenge and
 * the script after it as separate deflate streams (lib/gzip_template.ts), and this split puts the
 * hex in one and the JavaScript in the other, each with its own Huffman codes (served gzip 59 B
 * smaller than with `c` first, and smaller than one level-9 stream of the whole text).
 */
export function renderInjected(value: Injected): string {
  const { c, ...rest } = value;
  return jsonLiteral({ ...rest, c });
}

/** `value` as JSON, escaped for inline <script> and pre-ES2019 engines (renderInjected's rule). */
export function jsonLiteral(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** Build-time variants: the server serves the one its config needs (smaller default script). */
export interface TrackerVariant {
  /** Includes the cookie-consent banner (ECHELON_COOKIE_CONSENT=true). */
  consent: boolean;
  /** Includes console tracing (ECHELON_DEBUG=true). */
  debug: boolean;
}

export const TRACKER_VARIANTS: readonly TrackerVariant[] = [false, true].flatMap((consent) =>
  [false, true].map((debug) => ({ consent, debug }))
);

/** ea.js, ea.consent.js, ea.debug.js or ea.consent.debug.js under dist/tracker/. */
export function variantFile(variant: TrackerVariant): string {
  return `ea${variant.consent ? ".consent" : ""}${variant.debug ? ".debug" : ""}.js`;
}
