// What this copy of the tracker was told: the values the server injected into this response,
// and the attributes of the <script> tag that loaded it (data-site, data-no-*, data-cookie, …).
import type { Injected, SiteSettings } from "./inject.ts";

// Replaced by `/ea.js` with a JSON object literal (see inject.ts); nothing else is global.
declare const __ECHELON__: Injected;
export const injected: Injected = __ECHELON__;

/**
 * Outside a module script `currentScript` is our tag; the selector covers odd loaders, for our
 * name and Nanolytica's (routes/nanolytica.js.ts serves the same script).
 */
export const script = (document.currentScript ||
  document.querySelector(
    "script[data-site][src*='ea.js'],script[data-site][src*='nanolytica.js']",
  )) as HTMLScriptElement | null;

/** True when the script tag carries `data-<name>` (any value, even empty). */
export function hasAttr(name: string): boolean {
  return !!script && script.hasAttribute("data-" + name);
}

/** The server compares site ids in lower case, so challenges are issued for that spelling. */
export const site = ((script && script.getAttribute("data-site")) || "default").toLowerCase();

/** Hash-based routers opt in with `data-hash`: the fragment then belongs to the page path. */
export const hashRouting = hasAttr("hash");

/** Until the server says otherwise: no query parameter kept, no form value sent, no extra CSS. */
export let settings: SiteSettings = injected.s || { query: [] } as unknown as SiteSettings;

export function setSettings(next: SiteSettings | null | undefined): void {
  if (next) settings = next;
}
