// Cookie opt-in (T15): `data-cookie` asks for `ck=1` (the server then sets its `_ev` cookie).
// With ECHELON_COOKIE_CONSENT the visitor decides first, in a banner (the `/ea.banner.js` chunk,
// banner.ts, loaded only when a decision is needed); the choice is kept in localStorage
// `_econsent` ("1" or "0").
import type { BannerStart } from "./chunk_api.ts";
import { loadChunk } from "./chunk_loader.ts";
import { hasAttr, settings } from "./config.ts";
import { session } from "./util.ts";

// Build-time constant (esbuild `define`): only the variant served with ECHELON_COOKIE_CONSENT=true
// asks; elsewhere `data-cookie` means the site already obtained consent.
declare const BUILD_CONSENT: boolean;

const KEY = "_econsent";
let choice: string | null | undefined;
/** While the banner waits for a choice: what to call once it is made. */
let onChoice: (() => void)[] | 0 = 0;

/** Without storage the choice lasts for this page only. */
const stored = (value?: string) => session(KEY, value, true);

export function cookieAllowed(): boolean {
  return hasAttr("cookie") && (!BUILD_CONSENT || (choice || stored()) == "1");
}

/** Loads and shows the banner when consent is required and the visitor has not chosen yet. */
export function askConsent(): void {
  if (!hasAttr("cookie") || stored()) return;
  const waiting: (() => void)[] = onChoice = [];
  loadChunk<BannerStart>("banner", (show) => {
    show(settings.consentCss || "", (value) => {
      stored(choice = value);
      onChoice = 0;
      waiting.map((f) => f());
    });
  });
}

/** Calls `f` once the visitor has chosen, if the banner is waiting for a choice (else 0). */
export const whenChosen = (f: () => void): number => onChoice && onChoice.push(f);
